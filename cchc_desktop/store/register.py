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
from collections import Counter
from itertools import compress, islice

from cchc_desktop.safe_text import clean_line

COLS = ("procedure", "field", "agency", "channel", "received_date", "due_date", "finished_date", "status",
        "counted", *(INDEX_COLS := ("online_kind", "synced", "digitised", "paid_online", "e_result", "rating")))
# The columns of the QĐ 766 index (migration m009): NULL when the export had no such column.
# online_kind text ('toan_trinh', 'mot_phan', '' not online or level not said); synced, digitised,
# e_result 1 / 0; paid_online 1 paid online, 0 has fees not paid online, -1 no fee;
# rating 1 satisfied, 0 not satisfied, -1 not rated.
INT_COLS = ("counted", "synced", "digitised", "paid_online", "e_result", "rating")
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
    """register_days (and the index's register_days_766) built again from the register as it is
    (rows written by hand, e.g. in tests)."""
    with db.atomic():
        db.execute("DELETE FROM register_days")
        db.execute(_ADD.format(select=_CONTRIBUTIONS.format(src="(SELECT *, 1 AS sign FROM register)")))
        db.execute("DELETE FROM register_days_766")
        db.execute(_ADD_766.format(select=_contributions_766("(SELECT *, 1 AS sign FROM register)")))


def mark_withdrawn(db, is_withdrawn) -> None:
    """counted = 0 for the rows whose status says withdrawn / returned (migration m005)."""
    statuses = [s for (s,) in db.execute("SELECT DISTINCT status FROM register") if s and is_withdrawn(s)]
    for s in statuses:
        db.execute("UPDATE register SET counted = 0 WHERE status = ?", [s])


# --- import ------------------------------------------------------------------------------
BASE_COLS = COLS[: len(COLS) - len(INDEX_COLS)]


def _literal(text: str) -> str:
    """A text as an SQL literal (the import's unit code and time, the same for every row it writes)."""
    return "'" + str(text).replace("'", "''") + "'"


def upsert(store, unit_code: str, records: dict[str, tuple], now: str,
           index_cols: tuple[str, ...] = INDEX_COLS) -> tuple[int, int, int, callable]:
    """Compare the file's rows with the register by dossier code, without loading the register:
    (new, changed, unchanged, write). `write()` (inside the import's transaction) writes the new
    and changed rows and moves their counts in register_days and register_days_766. A record
    holds BASE_COLS then the `index_cols` the file has (in INDEX_COLS order); a dossier keeps the
    index values of an earlier import for the columns this file lacks.

    Only the register rows of the file's codes are read (the codes staged in a temporary table,
    joined on the register's key): the file's other rows are new and go straight into
    `register`, their per-day counts summed in memory; the changed ones are staged whole and
    updated through the register's SQL (they keep the index values this file lacks)."""
    COLS = (*BASE_COLS, *index_cols)  # noqa: N806 - this import's columns
    conn = store.db.conn
    if conn.in_transaction:
        raise RuntimeError("register upsert inside an open transaction")
    conn.execute("PRAGMA temp_store = MEMORY")  # the staging tables and the sorts: never worth a file
    old: dict[str, tuple] = {}  # the register's rows of the file's codes that differ from the file's
    unchanged = 0
    if conn.execute("SELECT EXISTS (SELECT 1 FROM register WHERE unit_code = ?)", [unit_code]).fetchone()[0]:
        conn.execute("DROP TABLE IF EXISTS temp.register_codes")
        conn.execute("CREATE TEMP TABLE register_codes (code TEXT PRIMARY KEY)")
        conn.executemany("INSERT INTO temp.register_codes VALUES (?)", zip(records.keys()))
        # CROSS JOIN: the file's codes drive, each looked up in the register's key (left to
        # itself, the planner walks the unit's whole register: 0.4 s at a million rows)
        cursor = conn.execute(
            f"SELECT r.code, {', '.join('r.' + c for c in COLS)} FROM temp.register_codes AS c "
            "CROSS JOIN register AS r ON r.unit_code = ? AND r.code = c.code", [unit_code])
        while part := cursor.fetchmany(65536):
            for code, *row in part:
                row = tuple(row)
                if _same(row, records[code]):
                    unchanged += 1
                    old[code] = None
                else:
                    old[code] = row
        conn.execute("DROP TABLE temp.register_codes")
    changed = len(old) - unchanged
    if conn.in_transaction:  # the staging touched only temporary tables: the backup comes before the real one
        conn.commit()

    def write() -> None:
        new = records if not old else {c: r for c, r in records.items() if c not in old}
        days: dict[tuple, list[int]] = {}
        days_766: dict[int, list[int]] = {}
        if new:
            conn.executemany(
                f"INSERT INTO register (unit_code, code, {', '.join(COLS)}, imported_at) "
                f"VALUES ({_literal(unit_code)}, {', '.join('?' * (len(COLS) + 1))}, {_literal(now)})",
                map(tuple.__add__, zip(new.keys()), new.values()))
            _count_records(days, days_766 if index_cols else None, new.values(), COLS, index_cols, 1)
        if changed:
            moved = {c: r for c, r in old.items() if r is not None}
            _count_records(days, None, moved.values(), COLS, index_cols, -1)
            _count_records(days, None, (records[c] for c in moved), COLS, index_cols, 1)
            _update_changed(conn, unit_code, {c: records[c] for c in moved}, now, COLS)
        if days_766:
            conn.executemany(
                f"INSERT INTO register_days_766 (unit_code, day, {', '.join(DAY_766)}) VALUES ({_literal(unit_code)}, "
                f"{', '.join('?' * (1 + len(DAY_766)))}) ON CONFLICT (unit_code, day) DO UPDATE SET "
                + ", ".join(f"{c} = {c} + excluded.{c}" for c in DAY_766), ((day, *c) for day, c in days_766.items()))
        _write_days(conn, unit_code, days, cleanup=bool(changed))

    return len(records) - len(old), changed, unchanged, _big_cache(conn, write)


def _same(row: tuple, record: tuple) -> bool:
    """The register's row and the file's record hold the same values (as SQL's IS compares them:
    an integer 1 and a text '1' differ)."""
    return row == record and all(a.__class__ is b.__class__ for a, b in zip(row, record) if a is not None)


def _update_changed(conn, unit_code: str, changed: dict[str, tuple], now: str, cols: tuple[str, ...]) -> None:
    """The changed rows: staged, their index counts moved (the old rows' out, the updated rows'
    in: a row keeps the index values of an earlier import for the columns this file lacks)."""
    conn.execute("DROP TABLE IF EXISTS temp.register_incoming")
    conn.execute(
        "CREATE TEMP TABLE register_incoming (code TEXT PRIMARY KEY, "
        + ", ".join(f"{c} {'INTEGER' if c in INT_COLS else 'TEXT'}" for c in cols) + ")")
    conn.executemany(
        f"INSERT INTO temp.register_incoming (code, {', '.join(cols)}) VALUES ({', '.join('?' * (len(cols) + 1))})",
        map(tuple.__add__, zip(changed.keys()), changed.values()))
    src = ("(SELECT r.*, {sign} AS sign FROM temp.register_incoming AS i CROSS JOIN register AS r "
           "ON r.unit_code = :u AND r.code = i.code)")  # the staged codes drive (see upsert)
    conn.execute(_ADD_766.format(select=_contributions_766(src.format(sign=-1))), {"u": unit_code})
    conn.execute(
        f"INSERT INTO register (unit_code, code, {', '.join(cols)}, imported_at) "
        f"SELECT ?, code, {', '.join(cols)}, ? FROM temp.register_incoming WHERE true "
        "ON CONFLICT (unit_code, code) DO UPDATE SET "
        + ", ".join(f"{c} = excluded.{c}" for c in (*cols, "imported_at")),
        [unit_code, now],
    )
    conn.execute(_ADD_766.format(select=_contributions_766(src.format(sign=1))), {"u": unit_code})


def _count_records(days: dict, days_766: dict | None, records, cols: tuple[str, ...], index_cols: tuple[str, ...],
                   sign: int) -> None:
    """_count_days (and, given days_766, _count_days_766: new rows only) over records holding
    `cols`, 65 536 at a time."""
    at = [cols.index(c) for c in _DAY_SOURCE.split(", ")]
    at_766 = [cols.index(c) for c in ("channel", "received_date", "due_date", "finished_date", "counted")]
    at_index = [cols.index(c) if c in cols else None for c in INDEX_COLS]
    values = iter(records)
    while part := list(islice(values, 65536)):
        columns = list(zip(*part))
        _count_days(days, *(columns[i] for i in at), sign)
        if days_766 is not None:
            none = (None,) * len(part)
            _count_days_766(days_766, *(columns[i] for i in at_766),
                            *(none if i is None else columns[i] for i in at_index),
                            by_finished="e_result" in index_cols or "rating" in index_cols)


WRITE_CACHE_KIB = 65536  # the page cache while an import writes: its pages stay in memory until the commit


def _big_cache(conn, write):
    """`write` run with a larger page cache (a large import otherwise spills pages to the WAL
    half-way and reads them back), the connection's own setting restored afterwards."""
    def run() -> None:
        old = conn.execute("PRAGMA cache_size").fetchone()[0]
        conn.execute(f"PRAGMA cache_size = -{WRITE_CACHE_KIB}")
        try:
            write()
        finally:
            conn.execute(f"PRAGMA cache_size = {int(old)}")
    return run


def _write_days(conn, unit_code: str, days: dict, cleanup: bool) -> None:
    conn.executemany(
        f"INSERT INTO register_days (unit_code, day, agency, field, {', '.join(_DAY_COUNTS)}) "
        f"VALUES ({', '.join('?' * (4 + len(_DAY_COUNTS)))}) ON CONFLICT (unit_code, day, agency, field) "
        "DO UPDATE SET " + ", ".join(f"{c} = {c} + excluded.{c}" for c in _DAY_COUNTS),
        ((unit_code, *key, *counts) for key, counts in days.items()))
    if cleanup:  # days whose every count went back to 0 (changed rows moved away from them)
        conn.execute("DELETE FROM register_days WHERE unit_code = ? AND " + " AND ".join(
            f"{c} = 0" for c in _DAY_COUNTS), [unit_code])


_DAY_SOURCE = "agency, field, channel, received_date, due_date, finished_date, counted"


def _count_rows(days: dict, cursor, sign: int) -> None:
    """_count_days over the rows of a query selecting _DAY_SOURCE, a batch at a time."""
    while part := cursor.fetchmany(65536):
        _count_days(days, *zip(*part), sign)


def _count_days(days: dict, agency, fld, channel, recv, due, fin, counted, sign: int) -> None:
    """Add (sign 1) or take away (-1) the contributions of register rows, given column by column,
    to the per-day counts {(day, agency, field): [recv, recv_online, fin_early, fin_ontime,
    fin_late, due, due_kept]}; the same rules as _CONTRIBUTIONS, which builds the table from the
    register in one statement. Counted in C (Counter over zipped columns): a register repeats
    its days, agencies and fields, so only the distinct keys are touched in Python."""
    if not all(counted):
        agency, fld, channel, recv, due, fin = (list(compress(c, counted)) for c in (agency, fld, channel, recv, due, fin))
    num: dict[str, int] = {}  # each ISO text converted once
    get = days.get

    def at(iso: str, a: str, f: str) -> list[int]:
        d = num.get(iso) or num.setdefault(iso, day_number(iso))
        c = get((d, a, f))
        if c is None:
            c = days[d, a, f] = [0] * 7
        return c

    for (iso, a, f, online), n in Counter(zip(recv, agency, fld, map("truc_tuyen".__eq__, channel))).items():
        if iso is not None:
            c = at(iso, a, f)
            c[0] += sign * n
            if online:
                c[1] += sign * n
    # finished early (2) before the promised day, on time (3) on it or without one, late (4) after it
    kind = [None if f is None else 3 if d is None or f == d else 2 if f < d else 4 for f, d in zip(fin, due)]
    for (iso, a, f, k), n in Counter(zip(fin, agency, fld, kind)).items():
        if iso is not None:
            at(iso, a, f)[k] += sign * n
    kept = [f is not None and d is not None and f <= d for f, d in zip(fin, due)]
    for (iso, a, f, k), n in Counter(zip(due, agency, fld, kept)).items():
        if iso is not None:
            c = at(iso, a, f)
            c[5] += sign * n
            if k:
                c[6] += sign * n


# --- the QĐ 766 index's per-day counts (register_days_766, migration m009) ------------------
# By the day received: recv, and for each index column the dossiers whose value is known (_k) and
# those that count (_y). By the day finished: fin, e-result known / yes, rating known / "good"
# (not late and not rated unsatisfied).
DAY_766 = ("sync_k", "sync_y", "kind_k", "tt_y", "okq_k", "okq_y", "fee_k", "fee_y", "paid_y",
           "dig_k", "dig_y", "kq_k", "kq_y", "rate_k", "good_y")
# Only rows with some index value contribute: an export without those columns costs the import a
# scan of its staged rows and nothing more (received / finished counts come from register_days).
_ANY_766 = ("(online_kind IS NOT NULL OR synced IS NOT NULL OR digitised IS NOT NULL OR paid_online IS NOT NULL "
            "OR e_result IS NOT NULL OR rating IS NOT NULL)")
_CONTRIBUTIONS_766 = """
    SELECT unit_code, day, """ + ", ".join(f"SUM({c} * sign)" for c in DAY_766) + """ FROM (
        SELECT unit_code, CAST(replace(received_date, '-', '') AS INTEGER) AS day, sign,
               synced IS NOT NULL AS sync_k, synced IS 1 AS sync_y,
               online_kind IS NOT NULL AS kind_k, online_kind IS 'toan_trinh' AS tt_y,
               e_result IS NOT NULL AS okq_k, COALESCE(channel = 'truc_tuyen' AND e_result IS 1, 0) AS okq_y,
               paid_online IS NOT NULL AS fee_k, COALESCE(paid_online IN (0, 1), 0) AS fee_y, paid_online IS 1 AS paid_y,
               (digitised IS NOT NULL AND e_result IS NOT NULL) AS dig_k, (digitised IS 1 AND e_result IS 1) AS dig_y,
               0 AS kq_k, 0 AS kq_y, 0 AS rate_k, 0 AS good_y
        FROM {src} WHERE counted AND received_date IS NOT NULL AND """ + _ANY_766 + """
        {fin}
    ) GROUP BY unit_code, day
"""
# the contributions by the day finished (only e-result and rating count there)
_FIN_766 = """
        UNION ALL
        SELECT unit_code, CAST(replace(finished_date, '-', '') AS INTEGER), sign, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
               0, e_result IS NOT NULL, e_result IS 1, rating IS NOT NULL,
               rating IS NOT NULL AND rating IS NOT 0 AND (due_date IS NULL OR finished_date <= due_date)
        FROM {src} WHERE counted AND finished_date IS NOT NULL AND """ + _ANY_766 + """
"""


def _contributions_766(src: str, fin: bool = True) -> str:
    return _CONTRIBUTIONS_766.format(src=src, fin=_FIN_766.format(src=src) if fin else "")


def _count_days_766(days: dict, channel, recv, due, fin, counted, online_kind, synced, digitised, paid_online,
                    e_result, rating, by_finished: bool) -> None:
    """The contributions of new register rows (given column by column; a column the file lacks
    all None) to register_days_766 {day: [DAY_766 counts]}: the rules of _CONTRIBUTIONS_766
    (`by_finished` its `fin`), counted over the distinct combinations of values (Counter)
    instead of row by row."""
    num: dict[str, int] = {}

    def day(iso: str) -> list[int]:
        d = num.get(iso) or num.setdefault(iso, day_number(iso))
        acc = days.get(d)
        if acc is None:
            acc = days[d] = [0] * len(DAY_766)
        return acc

    rows = zip(recv, counted, map("truc_tuyen".__eq__, channel), online_kind, synced, digitised, paid_online,
               e_result, rating)
    for (iso, c, online, kind, syn, dig, paid, eres, rate), n in Counter(rows).items():
        if not c or iso is None or (kind is None and syn is None and dig is None and paid is None and eres is None
                                     and rate is None):
            continue
        acc = day(iso)
        for k, v in enumerate((syn is not None, syn == 1, kind is not None, kind == "toan_trinh", eres is not None,
                               online and eres == 1, paid is not None, paid in (0, 1), paid == 1,
                               dig is not None and eres is not None, dig == 1 and eres == 1)):
            if v:
                acc[k] += n
    if not by_finished:
        return
    kept = [f is not None and (d is None or f <= d) for f, d in zip(fin, due)]
    rows = zip(fin, counted, kept, online_kind, synced, digitised, paid_online, e_result, rating)
    first = DAY_766.index("kq_k")
    for (iso, c, ok, kind, syn, dig, paid, eres, rate), n in Counter(rows).items():
        if not c or iso is None or (kind is None and syn is None and dig is None and paid is None and eres is None
                                     and rate is None):
            continue
        acc = day(iso)
        for k, v in enumerate((eres is not None, eres == 1, rate is not None, rate is not None and rate != 0 and ok),
                              first):
            if v:
                acc[k] += n


_ADD_766 = (
    f"INSERT INTO register_days_766 (unit_code, day, {', '.join(DAY_766)}) {{select}} "
    "ON CONFLICT (unit_code, day) DO UPDATE SET " + ", ".join(f"{c} = {c} + excluded.{c}" for c in DAY_766)
)


def create_day_table_766(db) -> None:
    """register_days_766 (migration m009), filled from the register as it is."""
    db.execute(
        "CREATE TABLE register_days_766 (unit_code TEXT NOT NULL, day INTEGER NOT NULL, "
        + ", ".join(f"{c} INTEGER NOT NULL DEFAULT 0" for c in DAY_766) + ", PRIMARY KEY (unit_code, day)) WITHOUT ROWID"
    )
    db.execute(_ADD_766.format(select=_contributions_766("(SELECT *, 1 AS sign FROM register)")))


def days_766(store, unit_code: str, end: str) -> list[tuple]:
    """(day, *DAY_766, recv, fin, due, due_kept, fin_early, fin_ontime, fin_late) per day up to `end`:
    the index's counts joined with the register's per-day counts summed over agencies and fields."""
    e = day_number(end)
    rows = store.db.execute(
        f"SELECT day, {', '.join(DAY_766)} FROM register_days_766 WHERE unit_code = ? AND day <= ? ORDER BY day",
        [unit_code, e]).fetchall()
    other = {d: rest for d, *rest in store.db.execute(
        "SELECT day, SUM(recv), SUM(fin_early + fin_ontime + fin_late), SUM(due), SUM(due_kept), SUM(fin_early), "
        "SUM(fin_ontime), SUM(fin_late) FROM register_days "
        "WHERE unit_code = ? AND day <= ? GROUP BY day", [unit_code, e])}
    zero = [0] * len(DAY_766)
    out = {d: [*rest, 0, 0, 0, 0, 0, 0, 0] for d, *rest in rows}
    for d, rest in other.items():
        out.setdefault(d, [*zero, 0, 0, 0, 0, 0, 0, 0])[len(DAY_766):] = rest
    return [(d, *out[d]) for d in sorted(out)]


# The dossiers that cost the index points, by kind: (label of the kind, SQL condition on the window).
LOST_KINDS = {
    "qua_han": "quá hạn (đã trả quá hạn hoặc đang quá hạn)",
    "chua_dong_bo": "chưa đồng bộ lên Cổng DVC quốc gia",
    "chua_so_hoa": "chưa số hóa hoặc chưa có kết quả điện tử",
    "khong_kq_dt": "đã giải quyết, không có kết quả điện tử",
    "chua_tt_truc_tuyen": "có phí, lệ phí nhưng không thanh toán trực tuyến",
    "khong_hai_long": "bị đánh giá không hài lòng",
}
_LOST_SQL = {
    "qua_han": "((finished_date BETWEEN :s AND :e AND due_date IS NOT NULL AND finished_date > due_date) OR "
               "(received_date <= :e AND (finished_date IS NULL OR finished_date > :e) AND due_date < :e))",
    "chua_dong_bo": "received_date BETWEEN :s AND :e AND synced = 0",
    "chua_so_hoa": "received_date BETWEEN :s AND :e AND (digitised = 0 OR e_result = 0)",
    "khong_kq_dt": "finished_date BETWEEN :s AND :e AND e_result = 0",
    "chua_tt_truc_tuyen": "received_date BETWEEN :s AND :e AND paid_online = 0",
    "khong_hai_long": "finished_date BETWEEN :s AND :e AND rating = 0",
}


def lost_dossiers(store, unit_code: str, start: str, end: str, kind: str, limit: int = 1000) -> tuple[int, list[dict]]:
    """(how many, the first `limit` by received date) counted dossiers of the window [start, end]
    that cost the index points for `kind` (LOST_KINDS)."""
    where = f"unit_code = :u AND counted AND {_LOST_SQL[kind]}"
    p = {"u": unit_code, "s": start, "e": end, "n": limit}
    n = store.db.execute(f"SELECT COUNT(*) FROM register WHERE {where}", p).fetchone()[0]
    rows = [dict(r) for r in store.db.query(
        f"SELECT code, procedure, field, received_date, due_date, finished_date FROM register WHERE {where} "
        "ORDER BY received_date, code LIMIT :n", p)]
    return n, rows


def drop_incoming(store) -> None:
    store.db.conn.execute("DROP TABLE IF EXISTS temp.register_incoming")
    store.db.conn.execute("DROP TABLE IF EXISTS temp.register_codes")


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
