"""Why bench_package.py keeps what each pair writes until the end of its run: on some disks
(here ext4 mounted with `discard`) the same unzip costs several times the kernel time when
it follows the deletion of an earlier copy.

    .venv/bin/python bench/bench_unzip_after_delete.py [--n 1000]

Extracts the bench's packages (bench_package.generate) into new folders: five times keeping
every copy, four times deleting each copy after it is made, three times keeping again; prints
each pass's wall, user and system time, and its ratio to the median of the passes 2–5 (kept
copies; the first follows the generation's own writes).
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_package  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=1000)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-unzip-") as tmp:
        tmp = Path(tmp)
        files = bench_package.generate(tmp, args.n, "79")
        passes = []
        for k, delete in enumerate([False] * 5 + [True] * 4 + [False] * 3):
            os.sync()
            t, before = time.perf_counter(), os.times()
            bench_package.unzip_all(files, tmp / f"u{k}")
            after, wall = os.times(), time.perf_counter() - t
            if delete:
                shutil.rmtree(tmp / f"u{k}")
            passes.append((delete, wall, after.user - before.user, after.system - before.system))
        base = statistics.median(p[1] for p in passes[1:5])
        for k, (delete, wall, user, system) in enumerate(passes, 1):
            print(f"pass {k} ({'deleted after' if delete else 'kept'}): wall {wall:.2f} s ({wall / base:.2f}×), "
                  f"user {user:.2f} s, system {system:.2f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
