"""What the upper level's roll-up reads (report/aggregate.py): many communes' periods of one
report period at once, in a few queries instead of a few per commune."""
from __future__ import annotations

from decimal import Decimal

from cchc_desktop.domain import dossiers

_CHUNK = 500  # ids per IN (…): well under SQLite's limit of bound parameters


def periods_of(store, year: int, kind: str, unit_codes) -> dict[int, tuple[dict, dict, dict]]:
    """period id → (period row, raw values {code: {value, note}}, {agency: AgencyTable}) of
    each of `unit_codes` that has the period (year, kind)."""
    wanted = set(unit_codes)
    rows = [dict(r) for r in store.db.query("SELECT * FROM periods WHERE year = ? AND kind = ?", [year, kind])
            if r["unit_code"] in wanted]
    by_id = {r["id"]: r for r in rows}
    raw: dict[int, dict] = {pid: {} for pid in by_id}
    tables = {pid: {a: dossiers.AgencyTable(a) for a in dossiers.AGENCIES} for pid in by_id}
    ids = list(by_id)
    cols = ", ".join(dossiers.COLUMNS)
    for chunk in (ids[i:i + _CHUNK] for i in range(0, len(ids), _CHUNK)):
        marks = ",".join("?" * len(chunk))
        for r in store.db.execute(
                f"SELECT period_id, code, value, note FROM indicator_values WHERE period_id IN ({marks})", chunk):
            raw[r[0]][r[1]] = {"value": r[2], "note": r[3]}
        for r in store.db.execute(
                f"SELECT period_id, agency, field, id, {cols} FROM dossier_rows WHERE period_id IN ({marks}) "
                "ORDER BY period_id, position, id", chunk):
            vals = {c: (None if v is None else Decimal(v)) for c, v in zip(dossiers.COLUMNS, r[4:])}
            table = tables[r[0]][r[1]]
            if r[2] == "":
                table.total = vals
            else:
                table.fields.append({"id": r[3], "name": r[2], **vals})
    return {pid: (by_id[pid], raw[pid], tables[pid]) for pid in by_id}


def period_codes_of(store, upper_code: str) -> set[str]:
    """The report periods ("2024-NAM") that the upper unit or any of its communes holds."""
    return {f"{r[0]}-{r[1]}" for r in store.db.execute(
        "SELECT DISTINCT p.year, p.kind FROM periods p JOIN units u ON u.code = p.unit_code "
        "WHERE u.parent_code = ? OR u.code = ?", [upper_code, upper_code]).fetchall()}
