"""Time from process start to the main window shown (offscreen), against a bare PySide6 window.

    .venv/bin/python bench/bench_window.py [runs]

Both scripts start a fresh Python, show their window, and at the first turn of the event loop
after show() print the wall clock; the parent measures from just before starting the process.
The app opens the demo file, computes the report and builds the window with every feature of
ui/features.py, exactly as `cchc-desktop gui --db …` does. Target: ≤ 1.3 × the bare window.
"""
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import ROOT, report

BARE = """
import sys, time
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication(sys.argv[:1])
w = QMainWindow(); w.setWindowTitle("bare"); w.resize(1366, 768); w.show()
QTimer.singleShot(0, lambda: (print(time.time(), flush=True), app.quit()))
app.exec()
"""

APP = """
import sys, time
from ui.qt import QTimer
import ui.app as app_mod
def mark():
    print(time.time(), flush=True)
# run() calls QTimer.singleShot(0, app.quit) after show() when quit_after_show is set; print first.
orig = app_mod._app
def patched():
    app = orig()
    QTimer.singleShot(0, mark)  # queued before the quit, runs at the first loop turn after show
    return app
app_mod._app = patched
sys.exit(app_mod.run(sys.argv[1], quit_after_show=True))
"""


def time_to_shown(code: str, args: list[str], runs: int, env) -> tuple[float, float]:
    """(median start→shown, median start→exit) in seconds."""
    cmd = [sys.executable, "-c", code, *args]
    subprocess.run(cmd, check=True, capture_output=True, env=env, cwd=ROOT)  # warm-up
    shown, total = [], []
    for _ in range(runs):
        t0 = time.time()
        p = subprocess.run(cmd, check=True, capture_output=True, text=True, env=env, cwd=ROOT)
        t1 = time.time()
        shown.append(float(p.stdout.strip().splitlines()[-1]) - t0)
        total.append(t1 - t0)
    return statistics.median(shown), statistics.median(total)


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 9
    with tempfile.TemporaryDirectory() as tmp:
        # An installed app runs from compiled bytecode: let Python cache it (outside the tree),
        # even where the environment says PYTHONDONTWRITEBYTECODE.
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        env.update(QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT), PYTHONPYCACHEPREFIX=str(Path(tmp) / "pyc"))
        demo = Path(tmp) / "demo.sqlite"
        subprocess.run([sys.executable, "-m", "cchc_desktop", "demo", "--db", str(demo)], check=True,
                       cwd=ROOT, capture_output=True)
        # Alternate the two so that machine noise hits both alike.
        b_shown, b_total, a_shown, a_total = [], [], [], []
        for _ in range(3):
            s, t = time_to_shown(BARE, [], max(1, runs // 3), env)
            b_shown.append(s)
            b_total.append(t)
            s, t = time_to_shown(APP, [str(demo)], max(1, runs // 3), env)
            a_shown.append(s)
            a_total.append(t)
        bare_s, bare_t = statistics.median(b_shown), statistics.median(b_total)
        app_s, app_t = statistics.median(a_shown), statistics.median(a_total)
    report("Main window start-up (offscreen)", [
        ("start → window shown: app on the demo vs bare QMainWindow", app_s, bare_s, 1.3),
        ("start → process exit (same runs)", app_t, bare_t, None),
    ])


if __name__ == "__main__":
    main()
