"""The upper level's record of the hand-off packages it imported (table package_imports):
every version kept, the newest of each commune and period marked current."""
from __future__ import annotations

import contextlib
import json
import zlib

from cchc_desktop.domain.units import UPPER_KINDS
from cchc_desktop.store.database import now_iso

_HELD = ("id", "package_sha256", "data_sha256", "created_at", "imported_at")


def upper_units(store) -> list[dict]:
    """The file's units of an upper level (huyện, tỉnh): read by their kind, not by loading every
    commune (a province's file holds over a hundred; this runs for every imported package)."""
    marks = ", ".join("?" * len(UPPER_KINDS))
    return [store._unit_row(r) for r in store.db.query(
        f"SELECT * FROM units WHERE kind IN ({marks}) ORDER BY rowid", list(UPPER_KINDS))]


def held(store, unit_code: str, period_code: str) -> dict | None:
    """The current package of the commune's period: id, its hashes, created_at, imported_at."""
    row = store.db.execute(
        f"SELECT {', '.join(_HELD)} FROM package_imports "
        "WHERE unit_code = ? AND period_code = ? AND status = 'current' ORDER BY id DESC LIMIT 1",
        [unit_code, period_code],
    ).fetchone()
    return dict(zip(_HELD, row)) if row else None


def record_import(store, unit_code: str, period_code: str, upper_code: str, *, package_sha256: str,
                  data_sha256: str, created_at: str, file_name: str, manifest: dict, document: str | bytes) -> None:
    """After the package's period was written: the commune goes under `upper_code`, the
    package becomes the current one (the earlier ones stay as history), with its audit row.
    `document`: data.json's text, or its bytes as the package's zip holds them (raw deflate,
    a BLOB: document_text reads either)."""
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


def document_text(store, import_id: int) -> str:
    """The data.json a history row keeps, as text (stored as text, or as raw deflate bytes)."""
    value = store.db.execute("SELECT document FROM package_imports WHERE id = ?", [import_id]).fetchone()[0]
    return zlib.decompress(value, -15).decode("utf-8") if isinstance(value, bytes) else value


def first_sent(store, period_code: str) -> dict[str, str]:
    """unit code → when its first package of the period was made (created_at)."""
    return dict(store.db.execute(
        "SELECT unit_code, MIN(created_at) FROM package_imports WHERE period_code = ? GROUP BY unit_code",
        [period_code]).fetchall())


def record_refusal(store, unit_code: str, period_code: str, reason: str, *, file_name: str = "",
                   package_sha256: str = "") -> None:
    """A package of the commune's period that was refused: only this row is written."""
    with store.transaction():
        store.db.execute(
            "INSERT INTO package_refusals (unit_code, period_code, refused_at, file_name, package_sha256, reason, "
            "after_import) VALUES (?, ?, ?, ?, ?, ?, (SELECT COALESCE(MAX(id), 0) FROM package_imports "
            "WHERE unit_code = ? AND period_code = ?))",
            [unit_code, period_code, now_iso(), file_name, package_sha256, reason, unit_code, period_code])


def latest_refusals(store, period_code: str) -> dict[str, dict]:
    """unit code → its latest refusal of the period ({refused_at, reason, file_name}) made after
    its last accepted package (a refusal the commune has since put right is not shown)."""
    rows = store.db.execute(
        "SELECT r.unit_code, r.refused_at, r.reason, r.file_name FROM package_refusals r "
        "WHERE r.period_code = ? AND r.after_import = (SELECT COALESCE(MAX(i.id), 0) FROM package_imports i "
        "WHERE i.unit_code = r.unit_code AND i.period_code = r.period_code) ORDER BY r.id",
        [period_code]).fetchall()
    return {code: {"refused_at": at, "reason": reason, "file_name": name} for code, at, reason, name in rows}


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
    """A batch of packages written once, durably, with as little written to disk as can be.

    Each package stays a savepoint of the batch's transaction (BatchTransaction), committed every
    few hundred packages. In WAL mode every page is written twice, to the WAL and again at the
    checkpoint; for the batch the file goes to the rollback journal instead (only the pages that
    held data before are copied to the journal: a province's new periods are new pages, written
    once), with synchronous=FULL (a commit is synced, a power cut leaves the last committed
    batch), and back to WAL at the end. When the file cannot leave WAL (another connection is
    reading it), the batch runs in WAL with synchronous=NORMAL (a commit is atomic, the last ones
    may be lost in a power cut, never half of one) and a checkpoint at the end.

    Statement journals (multi-row statements inside a savepoint) go to memory, not to temporary
    files: ~190 kB written per package otherwise, more than the package's rows.
    """
    conn = store.db.conn
    if conn.in_transaction:  # inside the caller's transaction: nothing can be changed
        yield
        return
    try:
        mode = conn.execute("PRAGMA journal_mode").fetchone()[0].lower()
        temp_store = conn.execute("PRAGMA temp_store").fetchone()[0]
        conn.execute("PRAGMA temp_store = MEMORY")
    except Exception:
        yield
        return
    left_wal = False
    if mode == "wal":
        try:
            left_wal = conn.execute("PRAGMA journal_mode = DELETE").fetchone()[0].lower() == "delete"
        except Exception:  # another connection holds the file open in WAL
            left_wal = False
        if not left_wal:
            conn.execute("PRAGMA synchronous = NORMAL")
    try:
        yield
    finally:
        for sql in ((["PRAGMA journal_mode = WAL"] if left_wal else [])
                    + (["PRAGMA synchronous = FULL", "PRAGMA wal_checkpoint(FULL)"] if mode == "wal" and not left_wal
                       else [])
                    + [f"PRAGMA temp_store = {int(temp_store)}"]):
            try:
                conn.execute(sql)
            except Exception:  # back to WAL refused (a reader came): the next opening sets it again
                pass


class BatchTransaction:
    """A batch of imports as one transaction, each package a savepoint inside it (a refused
    package rolls back its own rows only): a province's folder of a thousand packages commits
    a few times instead of a thousand (bench/bench_package.py). `begin()` just before the
    first package that writes (after the backup: a backup sees only what is committed);
    `commit()` every few hundred packages and at the end; `lost()` says SQLite itself rolled the
    whole transaction back (a full disk does), so the packages written in it are gone."""

    def __init__(self, store):
        self.conn = store.db.conn
        self.open = False

    def begin(self) -> None:
        if not self.conn.in_transaction:
            self.conn.execute("BEGIN")  # BEGIN IMMEDIATE (database._Connection)
            self.open = True

    def lost(self) -> bool:
        if self.open and not self.conn.in_transaction:
            self.open = False
            return True
        return False

    def commit(self) -> None:
        """COMMIT; on failure everything since begin() is rolled back and the error raised."""
        if not self.open:
            return
        self.open = False
        try:
            self.conn.execute("COMMIT")
        except Exception:
            self.rollback()
            raise

    def rollback(self) -> None:
        self.open = False
        if self.conn.in_transaction:
            try:
                self.conn.execute("ROLLBACK")
            except Exception:  # nothing left to roll back
                pass


# --- signing keys (docs/goi-nop.md) ------------------------------------------------------
def own_key(store, unit_code: str, make) -> tuple[str, str]:
    """(private, public) key text of the file's own unit, made by `make()` on first use.

    INSERT OR IGNORE then read back: a window and a command making the first package at the
    same moment both end up with the one key stored."""
    row = store.db.execute("SELECT private_key, public_key FROM own_keys WHERE unit_code = ?",
                           [unit_code]).fetchone()
    if row:
        return row[0], row[1]
    private, public = make()
    with store.transaction():
        store.db.execute("INSERT OR IGNORE INTO own_keys (unit_code, private_key, public_key, created_at) "
                         "VALUES (?, ?, ?, ?)", [unit_code, private, public, now_iso()])
        store._audit("key.own", None, unit_code, unit_code=unit_code)
    row = store.db.execute("SELECT private_key, public_key FROM own_keys WHERE unit_code = ?",
                           [unit_code]).fetchone()
    return row[0], row[1]


def own_public_key(store, unit_code: str) -> str | None:
    row = store.db.execute("SELECT public_key FROM own_keys WHERE unit_code = ?", [unit_code]).fetchone()
    return row[0] if row else None


_PINNED = ("public_key", "fingerprint", "pinned_at", "how", "file_name")


def pinned_key(store, unit_code: str) -> dict | None:
    """The commune's current public key as the upper level pinned it, or None (never imported)."""
    row = store.db.execute(f"SELECT {', '.join(_PINNED)} FROM commune_keys WHERE unit_code = ? AND status = 'current'",
                           [unit_code]).fetchone()
    return dict(zip(_PINNED, row)) if row else None


def unit_of_key(store, public_key: str, but: str) -> str | None:
    """The commune other than `but` whose current pinned key is `public_key`, or None."""
    row = store.db.execute("SELECT unit_code FROM commune_keys WHERE public_key = ? AND status = 'current' "
                           "AND unit_code != ? LIMIT 1", [public_key, but]).fetchone()
    return row[0] if row else None


def pinned_keys(store) -> dict[str, dict]:
    """unit code → its current pinned key (for the status of every commune at once)."""
    return {r[0]: dict(zip(_PINNED, r[1:])) for r in store.db.execute(
        f"SELECT unit_code, {', '.join(_PINNED)} FROM commune_keys WHERE status = 'current'").fetchall()}


def pin_key(store, unit_code: str, public_key: str, fingerprint: str, how: str, file_name: str) -> None:
    """Make `public_key` the commune's current key (`how`: first_use | accepted), the earlier one
    kept as retired; audited with both fingerprints. Inside the import's transaction."""
    old = pinned_key(store, unit_code)
    with store.transaction():
        store.db.execute("UPDATE commune_keys SET status = 'retired' WHERE unit_code = ? AND status = 'current'",
                         [unit_code])
        store.db.execute("INSERT INTO commune_keys (unit_code, public_key, fingerprint, pinned_at, how, status, "
                         "file_name) VALUES (?, ?, ?, ?, ?, 'current', ?)",
                         [unit_code, public_key, fingerprint, now_iso(), how, file_name])
        store._audit("key.accepted" if how == "accepted" else "key.pinned",
                     old["fingerprint"] if old else None, fingerprint, unit_code=unit_code)
