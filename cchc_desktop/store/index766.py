"""The SQL of the QĐ 766 index: the values a unit types per period (`index766_values`, migration
m009) and the figures a commune's package carried (`index766_received`, `index766_counts`, m013). The register's per-day counts and the dossiers that cost points are in store/register.py."""
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


def received(store, period_id: int) -> tuple[dict, dict[str, tuple[int, int, int, int]]] | None:
    """({version, start_date, end_date}, measure → (numerator, denominator, known, concerned)) of the
    section a commune's package carried for the period; None when it carried none."""
    row = store.db.execute("SELECT version, start_date, end_date FROM index766_received WHERE period_id = ?",
                           [period_id]).fetchone()
    if row is None:
        return None
    counts = {r[0]: tuple(r[1:]) for r in store.db.execute(
        "SELECT measure, numerator, denominator, known, concerned FROM index766_counts WHERE period_id = ?",
        [period_id])}
    return {"version": row[0], "start_date": row[1], "end_date": row[2]}, counts


def write_received(store, period_id: int, version: str, start: str, end: str,
                   counts: dict[str, tuple[int, int, int, int]], typed: dict[str, int]) -> None:
    """A package's section written for its period (inside the import's transaction), replacing what the
    period held: the counts and the typed values."""
    with store.db.atomic():
        store.db.execute("DELETE FROM index766_received WHERE period_id = ?", [period_id])
        store.db.execute("DELETE FROM index766_values WHERE period_id = ?", [period_id])
        store.db.execute("INSERT INTO index766_received (period_id, version, start_date, end_date) VALUES (?, ?, ?, ?)",
                         [period_id, version, start, end])
        store.db.conn.executemany(
            "INSERT INTO index766_counts (period_id, measure, numerator, denominator, known, concerned) "
            "VALUES (?, ?, ?, ?, ?, ?)", [(period_id, m, *c) for m, c in counts.items()])
        store.db.conn.executemany("INSERT INTO index766_values (period_id, name, value) VALUES (?, ?, ?)",
                                  [(period_id, n, v) for n, v in typed.items()])


def received_of_period(store, year: int, kind: str, unit_codes) -> dict[str, tuple[dict, tuple | None, dict[str, int]]]:
    """unit code → (period row, received (as `received`) or None, typed values) of every one of
    `unit_codes` holding the period (year, kind): the province's whole list in four queries."""
    wanted = set(unit_codes)
    periods = {r["id"]: dict(r) for r in store.db.query("SELECT * FROM periods WHERE year = ? AND kind = ?", [year, kind])
               if r["unit_code"] in wanted}
    heads: dict[int, dict] = {}
    counts: dict[int, dict] = {pid: {} for pid in periods}
    typed: dict[int, dict] = {pid: {} for pid in periods}
    ids = list(periods)
    for chunk in (ids[i:i + 500] for i in range(0, len(ids), 500)):
        marks = ",".join("?" * len(chunk))
        for r in store.db.execute(f"SELECT period_id, version, start_date, end_date FROM index766_received "
                                  f"WHERE period_id IN ({marks})", chunk):
            heads[r[0]] = {"version": r[1], "start_date": r[2], "end_date": r[3]}
        for r in store.db.execute(f"SELECT period_id, measure, numerator, denominator, known, concerned FROM "
                                  f"index766_counts WHERE period_id IN ({marks})", chunk):
            counts[r[0]][r[1]] = tuple(r[2:])
        for r in store.db.execute(f"SELECT period_id, name, value FROM index766_values WHERE period_id IN ({marks})",
                                  chunk):
            typed[r[0]][r[1]] = r[2]
    return {p["unit_code"]: (p, (heads[pid], counts[pid]) if pid in heads else None, typed[pid])
            for pid, p in periods.items()}
