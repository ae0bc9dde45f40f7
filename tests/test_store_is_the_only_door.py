"""cchc_desktop/store/ is the only code that speaks SQL or reaches into the data file: every
other module asks a named Store (or store/) function, which writes the change and its audit
row in one transaction. The scanner reads each module's syntax tree: SQL in string literals
(f-strings included), `.execute(` / `.executemany(` / `.executescript(` calls, `.db[...]`,
`.db.<anything>`, `._audit(`, `_unit_row`."""
import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# Modules still allowed to speak SQL, each with the reason and the issue that removes it.
ALLOWED: set[str] = set()  # nothing outside store/ may speak SQL

SQL = re.compile(
    r"\b(SELECT\b[\s\S]*\bFROM|INSERT\s+(OR\s+\w+\s+)?INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM"
    r"|CREATE\s+(TABLE|INDEX|UNIQUE|TRIGGER|VIEW)|PRAGMA\s+\w+)\b"
)
CALLS = {"execute", "executemany", "executescript", "_audit", "_unit_row"}


def _text(node) -> str | None:
    """A string literal's text; an f-string's with `{}` for each replacement field."""
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value if isinstance(v, ast.Constant) else "{}" for v in node.values)
    return node.value if isinstance(node.value, str) else None


def scan(source: str) -> list[tuple[int, str]]:
    """(line, what) of every way the source reaches into the data file around the store."""
    found = []
    tree = ast.parse(source)
    in_fstring = {id(v) for n in ast.walk(tree) if isinstance(n, ast.JoinedStr) for v in n.values}
    for node in ast.walk(tree):
        if isinstance(node, (ast.Constant, ast.JoinedStr)) and id(node) not in in_fstring:
            text = _text(node)
            if text is not None and SQL.search(text):
                found.append((node.lineno, f"SQL {text.strip()[:50]!r}"))
        elif isinstance(node, ast.Attribute):
            if node.attr in CALLS:
                found.append((node.lineno, f".{node.attr}"))
            elif isinstance(node.value, ast.Attribute) and node.value.attr == "db":
                found.append((node.lineno, f".db.{node.attr}"))
        elif isinstance(node, ast.Subscript) and isinstance(node.value, ast.Attribute) and node.value.attr == "db":
            found.append((node.lineno, ".db[...]"))
    return found


def offences() -> dict[str, list[tuple[int, str]]]:
    out = {}
    for top in ("cchc_desktop", "ui"):
        for path in sorted((ROOT / top).rglob("*.py")):
            rel = path.relative_to(ROOT).as_posix()
            if rel.startswith("cchc_desktop/store/") or rel in ALLOWED:
                continue
            hits = scan(path.read_text(encoding="utf-8"))
            if hits:
                out[rel] = hits
    return out


@pytest.mark.parametrize("source", [
    'db.execute("SELECT * FROM units WHERE code = ?", [c])',
    'x = f"SELECT {cols} FROM dossier_rows WHERE period_id = ?"',
    'sql = ("INSERT INTO audit (at) "\n       "VALUES (?)")',
    '"UPDATE periods SET status = ?"',
    '"DELETE FROM documents WHERE id = ?"',
    '"CREATE TABLE t (a)"',
    'conn.execute("PRAGMA user_version")',
    'store.db["periods"].insert({})',
    'with store.db.atomic(): pass',
    'store._audit("period", None, "2024-NAM")',
    'row = store._unit_row(r)',
    'cur.executemany(q, rows)',
])
def test_the_scanner_sees_sql_and_private_store_use(source):
    assert scan(source), source


@pytest.mark.parametrize("source", [
    '"Chọn kỳ báo cáo để cập nhật"',
    '"Select the file from the list"',  # prose, not SQL
    'store.update_period(pid, doc_date="2024-12-01")',
    'store.load_period_document(doc)',
])
def test_the_scanner_leaves_ordinary_code_alone(source):
    assert scan(source) == []


def test_no_sql_outside_the_store():
    found = offences()
    assert not found, "SQL or private store use outside cchc_desktop/store/:\n" + "\n".join(
        f"  {path}:{line}: {what}" for path, hits in found.items() for line, what in hits)


def test_the_allow_list_holds_only_modules_that_still_need_it():
    for rel in ALLOWED:
        path = ROOT / rel
        assert path.exists() and scan(path.read_text(encoding="utf-8")), f"{rel}: no SQL left, remove it from ALLOWED"
