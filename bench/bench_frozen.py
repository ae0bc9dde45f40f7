"""The frozen one-folder app against the same app started from the source tree, same run.

    .venv/bin/python bench/bench_frozen.py [BUNDLE_DIR]   (default build/linux/dist/cchc-desktop;
                                                           built with installer/build-linux.sh if missing)

Both start through installer/launcher.py (the frozen exe's entry script; from source it is
run by the venv's Python), offscreen, on the same demo file:
- window: the main window shown and filled with the demo's data, then exit
  (CCHC_BENCH_QUIT_AFTER_SHOW=1, see installer/launcher.py);
- screenshots: `gui --screenshot DIR`, every tab painted and saved;
- dump: the command line, `dump --period 2023-NAM` (import, open, compute, print JSON).
The ratio is frozen / source (below 1: the frozen app starts faster).
"""
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from _common import ROOT, report, time_command

bundle = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "build" / "linux" / "dist" / "cchc-desktop"
frozen = bundle / ("cchc-desktop.exe" if os.name == "nt" else "cchc-desktop")
if not frozen.exists():
    subprocess.run(["bash", str(ROOT / "installer" / "build-linux.sh")], check=True, stdout=subprocess.DEVNULL)
source = [sys.executable, str(ROOT / "installer" / "launcher.py")]
RUNS = int(os.environ.get("BENCH_RUNS", "5"))

with tempfile.TemporaryDirectory() as tmp:
    tmp = Path(tmp)
    demo = tmp / "demo.sqlite"
    subprocess.run([str(frozen), "demo", "--db", str(demo)], check=True, capture_output=True)
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", HOME=str(tmp / "home"),
               XDG_DATA_HOME=str(tmp / "data"), XDG_CACHE_HOME=str(tmp / "cache"))
    env.pop("PYTHONPATH", None)
    win_env = dict(env, CCHC_BENCH_QUIT_AFTER_SHOW="1")
    shots = tmp / "shots"

    rows = []
    for what, args, e in [
        ("window shown and filled, then exit", ["--db", str(demo)], win_env),
        ("gui --screenshot (every tab)", ["gui", "--db", str(demo), "--screenshot", str(shots)], env),
        ("dump --period 2023-NAM (the command line)", ["dump", "--db", str(demo), "--period", "2023-NAM"], env),
    ]:
        t_frozen = time_command([str(frozen), *args], runs=RUNS, env=e, cwd=tmp)
        shutil.rmtree(shots, ignore_errors=True)
        t_source = time_command([*source, *args], runs=RUNS, env=e, cwd=ROOT)
        shutil.rmtree(shots, ignore_errors=True)
        rows.append((f"{what}: frozen vs source", t_frozen, t_source, None))
    report(f"Frozen app ({bundle}) against the source tree, median of {RUNS}", rows)
