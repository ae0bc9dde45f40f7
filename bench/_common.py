"""Shared helpers of the bench scripts: time a command several times, report medians and ratios."""
from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def time_command(cmd: list[str], runs: int = 7, env=None, cwd=None) -> float:
    """Median wall time of a command, in seconds (one warm-up run not counted)."""
    subprocess.run(cmd, check=True, capture_output=True, env=env, cwd=cwd)
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True, env=env, cwd=cwd)
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def time_call(fn, runs: int = 7) -> float:
    fn()
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def report(title: str, rows: list[tuple[str, float, float, float | None]]) -> None:
    """rows: (what, measured seconds, baseline seconds, target ratio or None)."""
    print(f"## {title}")
    print("| measurement | time | baseline | ratio | target |")
    print("|---|---|---|---|---|")
    for what, t, base, target in rows:
        ratio = t / base if base else float("inf")
        tgt = f"≤ {target}" if target else ""
        ok = "" if target is None else (" ✓" if ratio <= target else " ✗")
        print(f"| {what} | {t * 1000:.1f} ms | {base * 1000:.1f} ms | {ratio:.2f}{ok} | {tgt} |")
