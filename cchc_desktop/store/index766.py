"""The SQL of the QĐ 766 index: the values a unit types per period (`index766_values`, migration
m009). The register's per-day counts and the dossiers that cost points are in store/register.py."""
from __future__ import annotations


def typed_values(store, period_id: int) -> dict[str, int]:
    return {n: v for n, v in store.db.execute(
        "SELECT name, value FROM index766_values WHERE period_id = ?", [period_id])}


def set_typed_value(store, period_id: int, name: str, value: int | None) -> None:
    """One typed value stored (None removes it), audited; refused on a final period."""
    with store.db.atomic():
        store._writable(period_id)
        row = store.db.execute("SELECT value FROM index766_values WHERE period_id = ? AND name = ?",
                               [period_id, name]).fetchone()
        old = row[0] if row else None
        if old == value:
            return
        if value is None:
            store.db.execute("DELETE FROM index766_values WHERE period_id = ? AND name = ?", [period_id, name])
        else:
            store.db.execute(
                "INSERT INTO index766_values (period_id, name, value) VALUES (?, ?, ?) "
                "ON CONFLICT (period_id, name) DO UPDATE SET value = excluded.value", [period_id, name, value])
        store._audit(f"index766:{name}", old, value, period_id=period_id)
