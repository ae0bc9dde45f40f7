"""The upper level's record of the hand-off packages it imported (table package_imports):
every version kept, the newest of each commune and period marked current."""
from __future__ import annotations

import contextlib
import json

from cchc_desktop.domain.units import UPPER_KINDS
from cchc_desktop.store.database import now_iso

_HELD = ("id", "package_sha256", "data_sha256", "created_at", "imported_at")


def upper_units(store) -> list[dict]:
    """The file's units of an upper level (huyện, tỉnh)."""
    return [u for u in store.units() if u["kind"] in UPPER_KINDS]


def held(store, unit_code: str, period_code: str) -> dict | None:
    """The current package of the commune's period: id, its hashes, created_at, imported_at."""
    row = store.db.execute(
        f"SELECT {', '.join(_HELD)} FROM package_imports "
        "WHERE unit_code = ? AND period_code = ? AND status = 'current' ORDER BY id DESC LIMIT 1",
        [unit_code, period_code],
    ).fetchone()
    return dict(zip(_HELD, row)) if row else None


def record_import(store, unit_code: str, period_code: str, upper_code: str, *, package_sha256: str,
                  data_sha256: str, created_at: str, file_name: str, manifest: dict, document: str) -> None:
    """After the package's period was written: the commune goes under `upper_code`, the
    package becomes the current one (the earlier ones stay as history), with its audit row."""
    with store.transaction():
        store.db.execute("UPDATE units SET parent_code = ? WHERE code = ?", [upper_code, unit_code])
        store.db.execute(
            "UPDATE package_imports SET status = 'superseded' WHERE unit_code = ? AND period_code = ? "
            "AND status = 'current'", [unit_code, period_code])
        store.db.execute(
            "INSERT INTO package_imports (unit_code, period_code, package_sha256, data_sha256, created_at, "
            "imported_at, status, file_name, manifest, document) VALUES (?, ?, ?, ?, ?, ?, 'current', ?, ?, ?)",
            [unit_code, period_code, package_sha256, data_sha256, created_at, now_iso(), file_name,
             json.dumps(manifest, ensure_ascii=False), document],
        )
        store._audit("package.import", None, f"{unit_code} {period_code} {package_sha256[:12]}", unit_code=unit_code)


def first_sent(store, period_code: str) -> dict[str, str]:
    """unit code → when its first package of the period was made (created_at)."""
    return dict(store.db.execute(
        "SELECT unit_code, MIN(created_at) FROM package_imports WHERE period_code = ? GROUP BY unit_code",
        [period_code]).fetchall())


def history(store, unit_code: str | None = None) -> list[dict]:
    sql = ("SELECT id, unit_code, period_code, package_sha256, data_sha256, created_at, imported_at, status, "
           "file_name FROM package_imports")
    args = []
    if unit_code:
        sql += " WHERE unit_code = ?"
        args.append(unit_code)
    return [dict(r) for r in store.db.query(sql + " ORDER BY id", args)]


@contextlib.contextmanager
def batch_durability(store):
    """Each package stays one transaction; the fsync is done once for the batch, not per package.

    In WAL mode with synchronous=NORMAL a commit is atomic and the file stays consistent
    through a power cut (the last commits may be lost, never half of one); at the end the
    checkpoint writes and syncs everything, and synchronous goes back to FULL.
    """
    conn = store.db.conn
    try:
        wal = conn.execute("PRAGMA journal_mode").fetchone()[0].lower() == "wal"
    except Exception:
        wal = False
    if not wal:
        yield
        return
    conn.execute("PRAGMA synchronous = NORMAL")
    try:
        yield
    finally:
        conn.execute("PRAGMA synchronous = FULL")
        try:
            conn.execute("PRAGMA wal_checkpoint(FULL)")
        except Exception:
            pass
