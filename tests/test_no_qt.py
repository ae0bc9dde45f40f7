"""The core never imports Qt (DESIGN.md, principle 2)."""
import ast
import subprocess
import sys
from pathlib import Path

CORE = Path(__file__).resolve().parent.parent / "cchc_desktop"


def test_no_qt_import_in_the_source():
    offenders = []
    for py in CORE.rglob("*.py"):
        tree = ast.parse(py.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            if any(n.split(".")[0] in ("PySide6", "PyQt5", "PyQt6", "shiboken6", "ui") for n in names):
                # The CLI starts the window through a lazy import inside cmd_gui only.
                if not (py.name == "cli.py" and names == ["ui.shell.app"]):
                    offenders.append(f"{py.name}: {names}")
    assert offenders == []


def test_importing_every_core_module_loads_no_qt():
    code = (
        "import pkgutil, importlib, sys, cchc_desktop\n"
        "for m in pkgutil.walk_packages(cchc_desktop.__path__, 'cchc_desktop.'):\n"
        "    m.name.endswith('__main__') or importlib.import_module(m.name)\n"
        "import cchc_desktop.cli\n"
        "cchc_desktop.cli.build_parser()\n"
        "bad = [m for m in sys.modules if m.startswith(('PySide6', 'shiboken6', 'matplotlib.backends.backend_qt'))]\n"
        "print(bad)\n"
        "sys.exit(1 if bad else 0)\n"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr
