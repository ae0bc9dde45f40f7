"""The SQL of the dossier register (importing/register.py holds the rules, this module the tables).

Tables (docs/formats.md): `register` (one row per dossier code and unit, dates as ISO text,
`counted` 0 for a withdrawn dossier), `register_days` (per unit, day, agency and field text:
how many dossiers were received / finished / due that day — kept in the import's
transaction, so that a period's figures and the month chart read a few thousand rows
whatever the size of the register), `register_mappings`, `register_imports`.

Days in `register_days` are integers yyyymmdd: ordered like the dates, and day // 100 is the month.
"""
from __future__ import annotations

import json

from cchc_desktop.safe_text import clean_line

COLS = ("procedure", "field", "agency", "channel", "received_date", "due_date", "finished_date", "status",
        "counted")
_DAY_COUNTS = ("recv", "recv_online", "fin_early", "fin_ontime", "fin_late", "due", "due_kept")

# The contributions of a set of register rows `src` (with a `sign` column) to register_days.
_CONTRIBUTIONS = """
    SELECT unit_code, day, agency, field, SUM(recv * sign), SUM(recv_online * sign), SUM(fin_early * sign),
           SUM(fin_ontime * sign), SUM(fin_late * sign), SUM(due * sign), SUM(due_kept * sign)
    FROM (
        SELECT unit_code, CAST(replace(received_date, '-', '') AS INTEGER) AS day, agency, field, sign,
               1 AS recv, channel = 'truc_tuyen' AS recv_online, 0 AS fin_early, 0 AS fin_ontime,
               0 AS fin_late, 0 AS due, 0 AS due_kept
        FROM {src} WHERE counted AND received_date IS NOT NULL
        UNION ALL
        SELECT unit_code, CAST(replace(finished_date, '-', '') AS INTEGER), agency, field, sign,
               0, 0, due_date IS NOT NULL AND finished_date < due_date,
               due_date IS NULL OR finished_date = due_date, due_date IS NOT NULL AND finished_date > due_date, 0, 0
        FROM {src} WHERE counted AND finished_date IS NOT NULL
        UNION ALL
        SELECT unit_code, CAST(replace(due_date, '-', '') AS INTEGER), agency, field, sign,
               0, 0, 0, 0, 0, 1, finished_date IS NOT NULL AND finished_date <= due_date
        FROM {src} WHERE counted AND due_date IS NOT NULL
    ) GROUP BY unit_code, day, agency, field
"""
_ADD = (
    f"INSERT INTO register_days (unit_code, day, agency, field, {', '.join(_DAY_COUNTS)}) {{select}} "
    "ON CONFLICT (unit_code, day, agency, field) DO UPDATE SET "
    + ", ".join(f"{c} = {c} + excluded.{c}" for c in _DAY_COUNTS)
)


def day_number(iso: str) -> int:
    return int(iso[:10].replace("-", ""))


def create_day_table(db) -> None:
    """The per-day counts (migration m005); filled from the register as it is."""
    db.execute(
        "CREATE TABLE register_days (unit_code TEXT NOT NULL, day INTEGER NOT NULL, agency TEXT NOT NULL, "
        "field TEXT NOT NULL, " + ", ".join(f"{c} INTEGER NOT NULL DEFAULT 0" for c in _DAY_COUNTS)
        + ", PRIMARY KEY (unit_code, day, agency, field)) WITHOUT ROWID"
    )
    db.execute(_ADD.format(select=_CONTRIBUTIONS.format(src="(SELECT *, 1 AS sign FROM register)")))


def rebuild_days(db) -> None:
    """register_days built again from the register as it is (rows written by hand, e.g. in tests)."""
    with db.atomic():
        db.execute("DELETE FROM register_days")
        db.execute(_ADD.format(select=_CONTRIBUTIONS.format(src="(SELECT *, 1 AS sign FROM register)")))


def mark_withdrawn(db, is_withdrawn) -> None:
    """counted = 0 for the rows whose status says withdrawn / returned (migration m005)."""
    statuses = [s for (s,) in db.execute("SELECT DISTINCT status FROM register") if s and is_withdrawn(s)]
    for s in statuses:
        db.execute("UPDATE register SET counted = 0 WHERE status = ?", [s])


# --- import ------------------------------------------------------------------------------
def upsert(store, unit_code: str, records: dict[str, tuple], now: str) -> tuple[int, int, int, callable]:
    """Stage the file's rows and compare them with the register by dossier code, without
    loading the register: (new, changed, unchanged, write). `write()` (inside the import's
    transaction) upserts the new and changed rows and moves their counts in register_days."""
    conn = store.db.conn
    if conn.in_transaction:
        raise RuntimeError("register upsert inside an open transaction")
    conn.execute("PRAGMA temp_store = MEMORY")  # the staging table: never worth a file
    conn.execute("DROP TABLE IF EXISTS temp.register_incoming")
    conn.execute(
        "CREATE TEMP TABLE register_incoming (code TEXT PRIMARY KEY, "
        + ", ".join(f"{c} {'INTEGER' if c == 'counted' else 'TEXT'}" for c in COLS) + ", state INTEGER)"
    )
    conn.executemany(
        f"INSERT INTO temp.register_incoming (code, {', '.join(COLS)}) VALUES ({', '.join('?' * (len(COLS) + 1))})",
        ((code, *rec) for code, rec in records.items()),
    )
    same = " AND ".join(f"r.{c} IS i.{c}" for c in COLS)
    # state: 0 new, 1 changed, 2 unchanged
    conn.execute(
        "UPDATE temp.register_incoming AS i SET state = COALESCE((SELECT CASE WHEN " + same
        + " THEN 2 ELSE 1 END FROM register AS r WHERE r.unit_code = ? AND r.code = i.code), 0)",
        [unit_code],
    )
    counts = dict(conn.execute("SELECT state, COUNT(*) FROM temp.register_incoming GROUP BY state").fetchall())
    # the staging touched only the temporary table: end its implicit transaction, so that the
    # backup can be taken before the real one
    if conn.in_transaction:
        conn.commit()

    def write() -> None:
        days: dict[tuple, list[int]] = {}
        _count_days(days, conn.execute(
            f"SELECT {', '.join('r.' + c for c in _DAY_SOURCE.split(', '))} FROM register AS r JOIN temp.register_incoming AS i ON i.code = r.code "
            "AND i.state = 1 WHERE r.unit_code = ?", [unit_code]), -1)
        _count_days(days, conn.execute(f"SELECT {_DAY_SOURCE} FROM temp.register_incoming WHERE state < 2"), 1)
        conn.execute(
            f"INSERT INTO register (unit_code, code, {', '.join(COLS)}, imported_at) "
            f"SELECT ?, code, {', '.join(COLS)}, ? FROM temp.register_incoming WHERE state < 2 AND true "
            "ON CONFLICT (unit_code, code) DO UPDATE SET "
            + ", ".join(f"{c} = excluded.{c}" for c in (*COLS, "imported_at")),
            [unit_code, now],
        )
        conn.executemany(
            f"INSERT INTO register_days (unit_code, day, agency, field, {', '.join(_DAY_COUNTS)}) "
            f"VALUES ({', '.join('?' * (4 + len(_DAY_COUNTS)))}) ON CONFLICT (unit_code, day, agency, field) "
            "DO UPDATE SET " + ", ".join(f"{c} = {c} + excluded.{c}" for c in _DAY_COUNTS),
            ((unit_code, *key, *counts) for key, counts in days.items()))
        conn.execute("DELETE FROM register_days WHERE unit_code = ? AND " + " AND ".join(
            f"{c} = 0" for c in _DAY_COUNTS), [unit_code])

    return counts.get(0, 0), counts.get(1, 0), counts.get(2, 0), write


_DAY_SOURCE = "agency, field, channel, received_date, due_date, finished_date, counted"


def _count_days(days: dict, rows, sign: int) -> None:
    """Add (sign 1) or take away (-1) the contributions of register rows to the per-day counts
    {(day, agency, field): [recv, recv_online, fin_early, fin_ontime, fin_late, due, due_kept]};
    the same rules as _CONTRIBUTIONS, which builds the table from the register in one statement."""
    num: dict[str, int] = {}  # a register repeats its days: each ISO text converted once
    for agency, fld, channel, recv, due, fin, counted in rows:
        if not counted:
            continue
        if recv is not None:
            c = days.get(k := (num.get(recv) or num.setdefault(recv, day_number(recv)), agency, fld))
            if c is None:
                c = days[k] = [0] * 7
            c[0] += sign
            if channel == "truc_tuyen":
                c[1] += sign
        if fin is not None:
            c = days.get(k := (num.get(fin) or num.setdefault(fin, day_number(fin)), agency, fld))
            if c is None:
                c = days[k] = [0] * 7
            c[4 if due is not None and fin > due else 2 if due is not None and fin < due else 3] += sign
        if due is not None:
            c = days.get(k := (num.get(due) or num.setdefault(due, day_number(due)), agency, fld))
            if c is None:
                c = days[k] = [0] * 7
            c[5] += sign
            if fin is not None and fin <= due:
                c[6] += sign


def drop_incoming(store) -> None:
    store.db.conn.execute("DROP TABLE IF EXISTS temp.register_incoming")


def record_import(store, unit_code: str, now: str, file_name: str, sheet: str, header_hash: str,
                  counts: dict, mapping: dict | None, headers: list, audit_text: str) -> None:
    """The import's history row, the confirmed mapping, the audit row (inside the import's transaction)."""
    db = store.db
    if mapping is not None:
        db.execute(
            "INSERT INTO register_mappings (header_hash, headers, mapping, confirmed_at, user) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT (header_hash) DO UPDATE SET mapping = excluded.mapping, "
            "headers = excluded.headers, confirmed_at = excluded.confirmed_at, user = excluded.user",
            [header_hash, json.dumps(headers, ensure_ascii=False), json.dumps(mapping), now, store.user],
        )
    db.execute(
        "INSERT INTO register_imports (unit_code, at, user, file_name, sheet, header_hash, rows_read, "
        "imported, updated, unchanged, skipped) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [unit_code, now, store.user, file_name, sheet, header_hash, counts["rows_read"], counts["imported"],
         counts["updated"], counts["unchanged"], counts["skipped"]],
    )
    store._audit("register.import", None, audit_text, unit_code=unit_code)


def remembered_mapping(store, header_hash: str) -> dict | None:
    try:
        row = store.db.execute("SELECT mapping FROM register_mappings WHERE header_hash = ?",
                               [header_hash]).fetchone()
    except Exception:  # a file from before the mappings table: nothing remembered
        return None
    return json.loads(row[0]) if row else None


def import_history(store, unit_code: str) -> list[dict]:
    return [dict(r) for r in store.db.query(
        "SELECT * FROM register_imports WHERE unit_code = ? ORDER BY id", [unit_code])]


def count(store, unit_code: str) -> int:
    return store.db.execute("SELECT COUNT(*) FROM register WHERE unit_code = ?", [unit_code]).fetchone()[0]


def withdrawn_count(store, unit_code: str) -> int:
    # counted = 0 as written: the partial index register_withdrawn answers it
    return store.db.execute("SELECT COUNT(*) FROM register WHERE unit_code = ? AND counted = 0",
                            [unit_code]).fetchone()[0]


# --- figures -----------------------------------------------------------------------------
def window_counts(store, unit_code: str, start: str, end: str) -> list[tuple]:
    """Per (agency text, field text) of the register, for the window [start, end] (ISO days):
    (agency, field, received before, received online in, received in, received by the end,
    finished before, early / on time / late in, finished by the end, due before the end,
    kept before the end, late by the end)."""
    s, e = day_number(start), day_number(end)
    return store.db.execute(
        "SELECT agency, field, "
        "SUM(CASE WHEN day < :s THEN recv ELSE 0 END), "
        "SUM(CASE WHEN day BETWEEN :s AND :e THEN recv_online ELSE 0 END), "
        "SUM(CASE WHEN day BETWEEN :s AND :e THEN recv ELSE 0 END), "
        "SUM(CASE WHEN day <= :e THEN recv ELSE 0 END), "
        "SUM(CASE WHEN day < :s THEN fin_early + fin_ontime + fin_late ELSE 0 END), "
        "SUM(CASE WHEN day BETWEEN :s AND :e THEN fin_early ELSE 0 END), "
        "SUM(CASE WHEN day BETWEEN :s AND :e THEN fin_ontime ELSE 0 END), "
        "SUM(CASE WHEN day BETWEEN :s AND :e THEN fin_late ELSE 0 END), "
        "SUM(CASE WHEN day <= :e THEN fin_early + fin_ontime + fin_late ELSE 0 END), "
        "SUM(CASE WHEN day < :e THEN due ELSE 0 END), "
        "SUM(CASE WHEN day < :e THEN due_kept ELSE 0 END), "
        "SUM(CASE WHEN day <= :e THEN fin_late ELSE 0 END), "
        "SUM(recv) "
        "FROM register_days WHERE unit_code = :u GROUP BY agency, field",
        {"u": unit_code, "s": s, "e": e},
    ).fetchall()


def month_counts(store, unit_code: str, start: str, end: str) -> dict[str, tuple[int, int]]:
    """{YYYY-MM: (received, finished)} of the counted dossiers in the window [start, end]."""
    out = {}
    for month, recv, fin in store.db.execute(
        "SELECT day / 100, SUM(recv), SUM(fin_early + fin_ontime + fin_late) FROM register_days "
        "WHERE unit_code = ? AND day BETWEEN ? AND ? GROUP BY day / 100",
        [unit_code, day_number(start), day_number(end)],
    ):
        out[f"{month // 100:04d}-{month % 100:02d}"] = (recv, fin)
    return out


def transaction(store):
    """One transaction (a savepoint inside another) for the register's writes of one action."""
    return store.db.atomic()


def dossier_rows(store, period_id: int, agency: str, columns) -> list[dict]:
    return [dict(r) for r in store.db.query(
        f"SELECT field, position, {', '.join(columns)} FROM dossier_rows WHERE period_id = ? AND agency = ? "
        "ORDER BY position, id", [period_id, agency])]


def replace_dossier_rows(store, period_id: int, agency: str, columns, rows: list[tuple[str, dict]],
                         old_text: str, new_text: str) -> None:
    """The period's field rows of one agency replaced by `rows` (name, figures), audited."""
    with store.db.atomic():
        store._writable(period_id)
        store.db.execute("DELETE FROM dossier_rows WHERE period_id = ? AND agency = ?", [period_id, agency])
        store.db.conn.executemany(
            f"INSERT INTO dossier_rows (period_id, agency, field, position, {', '.join(columns)}) "
            f"VALUES (?, ?, ?, ?, {', '.join('?' * len(columns))})",
            [(period_id, agency, clean_line(name), pos, *(int(row.get(c, 0)) for c in columns))
             for pos, (name, row) in enumerate(rows, 1)],
        )
        store._audit(f"dossier:{agency}:register", old_text, new_text, period_id=period_id)
