"""Time from process start to the main window shown (offscreen), against a bare PySide6 window.

    .venv/bin/python bench/bench_window.py [runs]

Both scripts start a fresh Python, show their window, and at the first turn of the event loop
after show() print the wall clock; the parent measures from just before starting the process.
The app runs exactly as `cchc-desktop gui --db …` does: it shows the main window's frame
(menus, toolbar, tab titles), then at the first loop turn opens the demo file, computes the
report and fills the window, with every feature of ui/shell/features.py. Both moments are
reported ("shown" and "filled"). Target: shown ≤ 1.3 × the bare window.
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
import ui.shell.app as app_mod
import ui.shell.main_window as mw
orig_app, orig_attach = app_mod._app, mw.MainWindow.attach
def patched_app():
    app = orig_app()
    # Queued before the file is opened: runs at the first loop turn after show() (the frame).
    QTimer.singleShot(0, lambda: print("shown", time.time(), flush=True))
    return app
def patched_attach(self, *a, **k):
    orig_attach(self, *a, **k)
    # Queued before run()'s quit: the first loop turn after the window is filled.
    QTimer.singleShot(0, lambda: print("filled", time.time(), "sqlite_utils" in sys.modules, flush=True))
app_mod._app = patched_app
mw.MainWindow.attach = patched_attach
sys.exit(app_mod.run(sys.argv[1], quit_after_show=True))
"""


def time_to_shown(code: str, args: list[str], runs: int, env) -> tuple[float, float, float]:
    """Medians of start→shown, start→filled (the app's window with its data), start→exit, in s."""
    cmd = [sys.executable, "-c", code, *args]
    subprocess.run(cmd, check=True, capture_output=True, env=env, cwd=ROOT)  # warm-up
    shown, filled, total = [], [], []
    for _ in range(runs):
        t0 = time.time()
        p = subprocess.run(cmd, check=True, capture_output=True, text=True, env=env, cwd=ROOT)
        t1 = time.time()
        marks = {}
        for line in p.stdout.splitlines():
            parts = line.split()
            if parts and parts[0] in ("shown", "filled"):
                marks[parts[0]] = float(parts[1])
            elif parts:
                marks["shown"] = float(parts[0])
        shown.append(marks["shown"] - t0)
        filled.append(marks.get("filled", marks["shown"]) - t0)
        total.append(t1 - t0)
    return statistics.median(shown), statistics.median(filled), statistics.median(total)


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
        b_shown, b_total, a_shown, a_filled, a_total = [], [], [], [], []
        for _ in range(3):
            s, _f, t = time_to_shown(BARE, [], max(1, runs // 3), env)
            b_shown.append(s)
            b_total.append(t)
            s, f, t = time_to_shown(APP, [str(demo)], max(1, runs // 3), env)
            a_shown.append(s)
            a_filled.append(f)
            a_total.append(t)
        bare_s, bare_t = statistics.median(b_shown), statistics.median(b_total)
        app_s, app_f, app_t = statistics.median(a_shown), statistics.median(a_filled), statistics.median(a_total)
    report("Main window start-up (offscreen)", [
        ("start → window shown (frame: menus, toolbar, tabs) vs bare QMainWindow", app_s, bare_s, 1.3),
        ("start → window filled (demo open, report computed, features installed)", app_f, bare_s, None),
        ("start → process exit (same runs)", app_t, bare_t, None),
    ])


if __name__ == "__main__":
    main()
