"""The merger year's record (table merger_sources, importing/former.py decides what goes in):
per period, the former communes' first-half data taken in, and under former_code '' the
period's own figures as they were before the first merge (so a merge can be undone)."""
from __future__ import annotations

import json

from cchc_desktop.store.database import now_iso, value_text

OWN = ""  # former_code of the period's own figures


def sources(store, period_id: int) -> list[dict]:
    """The rows of the period, the own one included; `document` parsed."""
    rows = [dict(r) for r in store.db.query(
        "SELECT * FROM merger_sources WHERE period_id = ? ORDER BY former_code = '' DESC, former_name", [period_id])]
    for r in rows:
        r["document"] = json.loads(r["document"])
    return rows


def summaries(store, period_id: int) -> list[dict]:
    """What the report names: former name, source period, dates, file, and the document taken."""
    return [r for r in sources(store, period_id) if r["former_code"] != OWN]


def save(store, period_id: int, rows: list[dict], values: dict[str, tuple], dossier_rows: list[dict],
         unit_code: str) -> None:
    """One transaction: the source rows (a former commune taken again replaces its row), then the
    period's values (code → (value, note)) and dossier rows replaced by the consolidated ones."""
    with store.transaction():
        for r in rows:
            store.db.execute(
                "INSERT INTO merger_sources (period_id, former_code, former_name, source_period, start_date, "
                "end_date, file_name, sha256, taken_at, document) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (period_id, former_code) DO UPDATE SET former_name = excluded.former_name, "
                "source_period = excluded.source_period, start_date = excluded.start_date, "
                "end_date = excluded.end_date, file_name = excluded.file_name, sha256 = excluded.sha256, "
                "taken_at = excluded.taken_at, document = excluded.document",
                [period_id, r["former_code"], r["former_name"], r["source_period"], r.get("start_date"),
                 r.get("end_date"), r.get("file_name", ""), r.get("sha256", ""), now_iso(),
                 json.dumps(r["document"], ensure_ascii=False)])
        _write(store, period_id, values, dossier_rows)
        store._audit("merger", None, ", ".join(r["former_name"] for r in rows if r["former_code"]) or "-",
                     period_id=period_id, unit_code=unit_code)


def undo(store, period_id: int, values: dict[str, tuple], dossier_rows: list[dict], unit_code: str) -> None:
    """The period's own figures back, every source row gone."""
    with store.transaction():
        _write(store, period_id, values, dossier_rows)
        store.db.execute("DELETE FROM merger_sources WHERE period_id = ?", [period_id])
        store._audit("merger.undo", None, "-", period_id=period_id, unit_code=unit_code)


def _write(store, period_id: int, values: dict[str, tuple], dossier_rows: list[dict]) -> None:
    store.db.execute("DELETE FROM indicator_values WHERE period_id = ?", [period_id])
    store.db["indicator_values"].insert_all(
        [{"period_id": period_id, "code": c, "value": value_text(v), "note": n} for c, (v, n) in values.items()])
    store.db.execute("DELETE FROM dossier_rows WHERE period_id = ?", [period_id])
    store.db["dossier_rows"].insert_all([{"period_id": period_id, **r} for r in dossier_rows])
    store.db.execute("UPDATE periods SET updated_at = ? WHERE id = ?", [now_iso(), period_id])
