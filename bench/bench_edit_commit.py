"""Time from an accepted edit to its commit, over 1 000 edits on the demo file.

    .venv/bin/python bench/bench_edit_commit.py [edits]

Measured: `ctx.write("value:CODE", Store.set_value, pid, code, text, catalogue=…)`, the call the
indicator form makes when an edit is accepted (ui/entry/indicator_form.py): parse and check the
value, one transaction with the old-value read, the upsert and the audit row, COMMIT, then
the context's data_changed/saved signals. Baseline, same run and same disk: a bare sqlite3
one-row upsert + COMMIT on a file with the same settings (WAL, synchronous FULL, foreign
keys). Edits of both are interleaved so disk and machine noise hit both alike.
Target: ≤ 3 × at the median and at the 99th percentile.
"""
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import ROOT
from cchc_desktop.store import Store

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def pct(values, q):
    s = sorted(values)
    return s[min(len(s) - 1, int(round(q / 100 * (len(s) - 1))))]


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    from PySide6.QtCore import QCoreApplication

    from cchc_desktop.store import open_store
    from ui.shell.context import AppContext

    _app = QCoreApplication.instance() or QCoreApplication([])  # noqa: F841 (signals need an app)
    with tempfile.TemporaryDirectory() as tmp:
        demo = Path(tmp) / "demo.sqlite"
        subprocess.run([sys.executable, "-m", "cchc_desktop", "demo", "--db", str(demo)], check=True,
                       cwd=ROOT, capture_output=True)
        work = Path(tmp) / "work.sqlite"
        shutil.copy(demo, work)
        store = open_store(work)
        unit = store.unit()
        pid = store.get_period(unit["code"], "2023-NAM")["id"]
        ctx = AppContext(store, unit["code"], pid)
        cat = ctx.data().catalogue
        codes = [r.code for r in cat.rows() if r.editable and r.kind == "count"]
        saved = []
        ctx.saved.connect(saved.append)

        base = sqlite3.connect(str(Path(tmp) / "bare.sqlite"))
        base.execute("PRAGMA foreign_keys = ON")
        base.execute("PRAGMA journal_mode = WAL")
        base.execute("PRAGMA synchronous = FULL")
        base.execute("CREATE TABLE v (period_id INTEGER, code TEXT, value TEXT, PRIMARY KEY (period_id, code))")
        base.commit()

        app_times, base_times = [], []
        for i in range(n + 20):  # the first 20 of each are warm-up
            code = codes[i % len(codes)]
            text = f"{1000 + i:,}".replace(",", ".")  # typed as a user types: 1.234
            t = time.perf_counter()
            ok, _ = ctx.write(f"value:{code}", Store.set_value, pid, code, text, catalogue=cat)
            t_app = time.perf_counter() - t
            assert ok
            t = time.perf_counter()
            base.execute("INSERT INTO v (period_id, code, value) VALUES (?, ?, ?) "
                         "ON CONFLICT (period_id, code) DO UPDATE SET value = excluded.value",
                         [pid, code, str(1000 + i)])
            base.commit()
            t_base = time.perf_counter() - t
            if i >= 20:
                app_times.append(t_app)
                base_times.append(t_base)
        assert len(saved) == n + 20
        audit = store.db.execute("SELECT COUNT(*) FROM audit WHERE target LIKE 'value:%'").fetchone()[0]
        store.close()
        base.close()

    print("## Edit → commit (1 000 edits on the demo file)")
    print(f"{n} edits, {audit} audit rows written; ctx.write → store.set_value vs bare sqlite3 upsert + commit")
    print("| measurement | app | bare sqlite3 | ratio | target |")
    print("|---|---|---|---|---|")
    for label, q in (("median", 50), ("99th percentile", 99)):
        a = statistics.median(app_times) if q == 50 else pct(app_times, q)
        b = statistics.median(base_times) if q == 50 else pct(base_times, q)
        r = a / b
        print(f"| {label} | {a * 1000:.2f} ms | {b * 1000:.2f} ms | {r:.2f} {'✓' if r <= 3 else '✗'} | ≤ 3 |")


if __name__ == "__main__":
    main()
