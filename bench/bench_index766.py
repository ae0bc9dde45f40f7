"""Bench: the QĐ 766 index of a year on a register of 1M rows (issue 20).

The register is written through the import's own write path (store/register.upsert: staging,
upsert, the per-day counts register_days and register_days_766), with rows shaped like
bench_register_import's (its fields, procedures and agencies) plus the index's columns, spread
over four years (250 000 dossiers a year). App and baseline interleaved in pairs, medians:
- the index of one year (every criterion and group, as `index-766` computes it) vs a bare
  `SELECT COUNT(*)` of the same year's dossiers from the register (the least any answer
  from the register costs);
- the week trend of that year (53 windows) vs the same COUNT;
- the dossiers of one kind that cost points (as the tab lists them: counted, the first 500) vs the
  same COUNT: this one reads the register itself, so the tab runs it only when its page is shown.

    .venv/bin/python bench/bench_index766.py [ROWS]      # default 1000000
"""
from __future__ import annotations

import datetime as dt
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

from _common import report
from bench_register_import import AGENCY, FIELDS, PROCS, fresh_store

PAIRS = 5
YEAR = 2024


def records(n: int, years: int = 4) -> dict[str, tuple]:
    r = random.Random(20)
    start = dt.date(YEAR - years + 1, 1, 1)
    span = 365 * years
    out = {}
    for i in range(n):
        recv = start + dt.timedelta(days=r.randrange(span))
        due = recv + dt.timedelta(days=r.choice((1, 3, 5, 7, 10, 15)))
        fin = recv + dt.timedelta(days=r.randrange(0, 18)) if r.random() < 0.95 else None
        fld = r.choice(FIELDS)
        online = r.random() < 0.6
        out[f"HS{i:08d}"] = (
            r.choice(PROCS), fld, AGENCY.get(fld, "UBND xã"), "truc_tuyen" if online else "truc_tiep",
            recv.isoformat(), due.isoformat(), fin.isoformat() if fin else None,
            "Đã trả kết quả" if fin else "Đang giải quyết", 0 if r.random() < 0.01 else 1,
            (r.choice(("toan_trinh", "mot_phan")) if online else ""), int(r.random() < 0.9), int(r.random() < 0.7),
            r.choice((-1, -1, 0, 1)), int(fin is not None and r.random() < 0.8),
            (r.choice((1, 1, 1, 0)) if fin else -1),
        )
    return out


def main() -> int:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    from cchc_desktop.report import index766
    from cchc_desktop.store import register as store_register

    with tempfile.TemporaryDirectory() as tmp:
        store = fresh_store(Path(tmp) / "bench.sqlite")
        period = store.create_period("x1", f"{YEAR}-NAM")
        t = time.perf_counter()
        recs = records(n)
        _, _, _, write = store_register.upsert(store, "x1", recs, "2025-01-01T00:00:00")
        del recs
        with store_register.transaction(store):
            write()
        store_register.drop_incoming(store)
        print(f"register: {n} rows written in {time.perf_counter() - t:.1f} s "
              f"({store.db.execute('SELECT COUNT(*) FROM register_days_766').fetchone()[0]} index day rows)")
        p = store.period(period["id"])
        start, end = p["start_date"], p["end_date"]

        def index():
            return index766.compute(store, "x1", p["code"])

        def weeks():
            return index766.period_trend(store, "x1", p["code"], by="week")

        def lost():
            return store_register.lost_dossiers(store, "x1", start, end, "chua_dong_bo", 500)

        def count():
            return store.db.execute("SELECT COUNT(*) FROM register WHERE unit_code = 'x1' AND received_date "
                                    "BETWEEN ? AND ?", [start, end]).fetchone()[0]

        res = index()
        print(f"year {p['code']} ({start} – {end}): {count()} dossiers received; score "
              f"{float(res.points):.2f} of {float(res.counted_max):.2f} computable; 2.1 = "
              f"{[c for c in res.criteria() if c.code == '2.1'][0].value_text()}")
        rows = []
        for name, fn, target in (("the year's index (all criteria and groups)", index, 1.0),
                                 ("the year's week trend (53 windows)", weeks, None),
                                 ("the dossiers of one kind costing points (not synced: counted, first 500 listed)", lost, None)):
            a, b = [], []
            for _ in range(PAIRS):
                t = time.perf_counter()
                fn()
                a.append(time.perf_counter() - t)
                t = time.perf_counter()
                count()
                b.append(time.perf_counter() - t)
            rows.append((f"{name} vs COUNT(*) of the year's rows", statistics.median(a), statistics.median(b),
                         target))
        report(f"QĐ 766 index, {n} rows ({PAIRS} pairs, interleaved; medians)", rows)
        print(f"absolute: index {rows[0][1] * 1000:.1f} ms (target well under 1 s)")
        store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
