"""Time to import the core and open the demo file, against a bare `python -c pass`.

    .venv/bin/python bench/bench_startup.py
"""
import sys
import tempfile
from pathlib import Path

from _common import ROOT, report, time_command

with tempfile.TemporaryDirectory() as tmp:
    demo = Path(tmp) / "demo.sqlite"
    import subprocess

    subprocess.run([sys.executable, "-m", "cchc_desktop", "demo", "--db", str(demo)], check=True, cwd=ROOT,
                   capture_output=True)
    bare = time_command([sys.executable, "-c", "pass"])
    open_demo = time_command([sys.executable, "-c", (
        "import sys; from cchc_desktop.store import open_store; from cchc_desktop.report import values;"
        f"s = open_store(r'{demo}'); d = values.load_report(s, None, '2023-NAM'); s.close()"
    )], cwd=ROOT)
    report("Start-up of the core", [
        ("import core + open demo + compute the 2023 report", open_demo, bare, None),
    ])
