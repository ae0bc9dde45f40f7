"""The core's rooms stand on each other in one order, and nothing imports back up (issue 15).

Read from the code's own import statements (top level and inside functions alike), so a new
upward import fails here before it grows into a circle. Order, lowest first: the base modules
(errors, paths, fmt, fileio, safe_text, the package itself), domain/, store/, report/, then the
rooms that use the report: importing/, exporting/, dataio, commands/ and cli. The window (ui/)
sits above the core, and in it the low modules (qt, messages, texts, tables, qt_texts) import no
feature and no shell module.
"""
from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LEVEL = {"base": 0, "domain": 1, "store": 2, "report": 3, "importing": 4, "exporting": 4, "dataio": 4,
         "commands": 5, "cli": 5, "__main__": 5}
BASE = {"errors", "paths", "fmt", "fileio", "safe_text", "__init__", "signing"}
UI_LOW = {"qt", "messages", "texts", "tables", "qt_texts", "__init__"}


def room(module: str) -> str | None:
    """'cchc_desktop.report.values' → 'report'; None outside the core."""
    parts = module.split(".")
    if parts[0] != "cchc_desktop":
        return None
    if len(parts) == 1:
        return "base"
    head = parts[1]
    return "base" if head in BASE else head


def imports(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [(node.lineno, a.name) for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            out.append((node.lineno, node.module))
            out += [(node.lineno, f"{node.module}.{a.name}") for a in node.names]
    return out


def test_the_rules_see_a_wrong_import():
    assert room("cchc_desktop.report.values") == "report" and room("cchc_desktop.fmt") == "base"
    assert LEVEL[room("cchc_desktop.store.database")] < LEVEL[room("cchc_desktop.report.narrative")]


def test_no_core_module_imports_a_higher_room():
    bad = []
    for path in sorted((ROOT / "cchc_desktop").rglob("*.py")):
        rel = path.relative_to(ROOT).with_suffix("").as_posix().replace("/", ".")
        own = room(rel)
        for line, name in imports(path):
            other = room(name)
            if other is None or other == own or other not in LEVEL or own not in LEVEL:
                continue
            if name.startswith("ui"):
                continue
            if LEVEL[other] > LEVEL[own]:
                bad.append(f"{path.relative_to(ROOT)}:{line} ({own}) imports {name} ({other})")
    assert not bad, "\n".join(bad)


def test_the_core_imports_the_window_only_to_start_it():
    bad = [f"{p.relative_to(ROOT)}:{line} {name}" for p in (ROOT / "cchc_desktop").rglob("*.py")
           for line, name in imports(p) if name.split(".")[0] == "ui" and p.name != "cli.py"]
    assert not bad, "\n".join(bad)


def test_low_ui_modules_import_no_feature_and_no_shell():
    bad = []
    for name in UI_LOW:
        path = ROOT / "ui" / f"{name}.py"
        if not path.exists():
            continue
        for line, imported in imports(path):
            parts = imported.split(".")
            if parts[0] == "ui" and len(parts) > 1 and parts[1] not in UI_LOW:
                bad.append(f"ui/{name}.py:{line} imports {imported}")
    assert not bad, "\n".join(bad)
