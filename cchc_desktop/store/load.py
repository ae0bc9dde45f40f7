"""A whole period written at once: the `load` command, the demo and an imported package
(cchc_desktop/dataio.py checks the document; this writes it, in one transaction)."""
from __future__ import annotations

from cchc_desktop.errors import UserError
from cchc_desktop.safe_text import clean, clean_line
from cchc_desktop.store.database import document_field, insert_row, now_iso, value_text


def write_period(store, unit: dict, period: dict, values: dict[str, tuple], narratives: dict[str, dict],
                 dossier_rows: list[dict], documents: list[dict], replace: bool = False) -> dict:
    """Create or update the unit, then write the period with everything it holds.

    `unit`: code, name, kind and the other unit fields to set; `period`: year, kind and the
    period's columns; `values`: code → (stored value, note[, the unit's own printed figure of a typed row]); `narratives`: section → {title,
    text}; `dossier_rows` and `documents` without their period id. A period of that code
    already in the file is replaced when `replace`, else refused. Returns the period row."""
    code = f"{period['year']}-{period['kind']}"
    with store.transaction():
        fields = {k: v for k, v in unit.items() if k != "code"}
        if store.find_unit(unit["code"]) is None:
            store.create_unit(unit["code"], unit["name"], unit["kind"],
                              **{k: v for k, v in fields.items() if k not in ("name", "kind")})
        else:
            store.update_unit(unit["code"], **fields)
        old = store.find_period(unit["code"], code)
        if old:
            if not replace:
                raise UserError(f"Kỳ báo cáo {code} của đơn vị {unit['name']} đã có trong tệp dữ liệu.")
            store.db.execute("DELETE FROM periods WHERE id = ?", [old["id"]])
            store._audit("period", code, None, period_id=old["id"], unit_code=unit["code"])
        # What comes from a file is made safe as what is typed (safe_text.py). executemany with
        # fixed columns: a province imports hundreds of periods in a row (bench/bench_package.py).
        conn = store.db.conn
        pid = insert_row(conn, "periods", {"unit_code": unit["code"], **period, "updated_at": now_iso()})
        conn.executemany(
            "INSERT INTO indicator_values (period_id, code, value, note, own) VALUES (?, ?, ?, ?, ?)",
            [(pid, c, clean(v) if isinstance(v, str) else value_text(v),
              clean(n).strip() if n else "", None if own is None else value_text(own))
             for c, (v, n, *rest) in values.items() for own in [rest[0] if rest else None]])
        conn.executemany(
            "INSERT INTO narratives (period_id, section, title, text) VALUES (?, ?, ?, ?)",
            [(pid, k, None if v.get("title") is None else clean_line(v["title"]), clean(v.get("text") or ""))
             for k, v in narratives.items()])
        _insert_rows(conn, "dossier_rows", pid,
                     [{**r, **({"field": clean_line(r["field"])} if "field" in r else {})} for r in dossier_rows])
        _insert_rows(conn, "documents", pid,
                     [{k: document_field(k, v) for k, v in d.items()} for d in documents])
        store._audit("period.load", None, code, period_id=pid, unit_code=unit["code"])
    return store.period(pid)


def _insert_rows(conn, table: str, pid: int, rows: list[dict]) -> None:
    """Rows of one period, grouped by the columns they carry (a row leaves out what takes the default)."""
    groups: dict[tuple, list] = {}
    for r in rows:
        groups.setdefault(tuple(r), []).append(tuple(r.values()))
    for columns, values in groups.items():
        names = ", ".join(("period_id", *columns))
        marks = ", ".join("?" * (len(columns) + 1))
        conn.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", [(pid, *v) for v in values])
