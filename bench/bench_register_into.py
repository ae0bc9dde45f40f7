"""Bench: 10 000 new dossiers into a file that holds a large register vs into an empty file
(issue 16: ≤ 1.5×), the backup of the large file timed apart.

The large register is written once by the import itself (bench_register_import's workbook of
ROWS rows), then copied for every pair; each pair: back the copy up through its own connection
(the command line does so on opening; the import then finds that backup current), import the
10 000 rows (timed), then the same 10 000 rows into a fresh file with one unit (timed).

    .venv/bin/python bench/bench_register_into.py [ROWS] [PAIRS]     # default 1000000 7
"""
from __future__ import annotations

import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from _common import ROOT  # noqa: F401 (puts the project on sys.path)
from bench_register_import import make_register


def main() -> int:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    pairs = int(sys.argv[2]) if len(sys.argv) > 2 else 7
    from cchc_desktop.importing import register as reg
    from cchc_desktop.store import backup, open_store

    tmp = Path(tempfile.mkdtemp(prefix="bench-register-into-"))
    try:
        big_xlsx, small = tmp / "big.xlsx", tmp / "small.xlsx"
        make_register(big_xlsx, rows)
        make_register(small, 10_000, first_code=5_000_000)
        src = tmp / "big" / "b.sqlite"
        src.parent.mkdir()
        store = open_store(src)
        store.create_unit("x1", "Chi Lăng Nam")
        t = time.perf_counter()
        reg.import_register(store, "x1", big_xlsx)
        store.close()
        print(f"the {rows}-row register written by the import in {time.perf_counter() - t:.0f} s", flush=True)
        big, empty, cpu_big, cpu_empty, backups = [], [], [], [], []
        for k in range(pairs):
            work = tmp / "w"
            shutil.rmtree(work, ignore_errors=True)
            work.mkdir()
            for p in src.parent.glob("b.sqlite*"):
                shutil.copy(p, work / p.name)
            store = open_store(work / "b.sqlite")
            t = time.perf_counter()
            backup.backup_if_changed(store, "nhap")
            backups.append(time.perf_counter() - t)
            t, c = time.perf_counter(), time.process_time()
            assert reg.import_register(store, "x1", small).imported == 10_000
            big.append(time.perf_counter() - t)
            cpu_big.append(time.process_time() - c)
            store.close()
            e = tmp / "e"
            shutil.rmtree(e, ignore_errors=True)
            e.mkdir()
            store = open_store(e / "e.sqlite")
            store.create_unit("x1", "Chi Lăng Nam")
            t, c = time.perf_counter(), time.process_time()
            assert reg.import_register(store, "x1", small).imported == 10_000
            empty.append(time.perf_counter() - t)
            cpu_empty.append(time.process_time() - c)
            store.close()
            print(f"pair {k + 1}: into {rows} {big[-1]:.3f} s (CPU {cpu_big[-1]:.3f}), into an empty file "
                  f"{empty[-1]:.3f} s (CPU {cpu_empty[-1]:.3f}); the backup {backups[-1]:.1f} s", flush=True)
        med = statistics.median
        wall = sorted(a / b for a, b in zip(big, empty))
        cpu = sorted(a / b for a, b in zip(cpu_big, cpu_empty))
        print(f"10 000 rows into {rows} / into an empty file ({pairs} pairs): wall {med(big):.3f} / {med(empty):.3f} s, "
              f"ratio {med(wall):.2f} ({wall[0]:.2f}–{wall[-1]:.2f}); CPU ratio {med(cpu):.2f} ({cpu[0]:.2f}–{cpu[-1]:.2f}) "
              f"(target ≤ 1.5); the backup of that file {med(backups):.1f} s ({min(backups):.1f}–{max(backups):.1f})")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
