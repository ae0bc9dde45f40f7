"""Opening, checking and writing the data file (see the package docstring)."""
from __future__ import annotations

import datetime as dt
import getpass
import json
import sqlite3
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path

from sqlite_utils import Database

from cchc_desktop import fmt, paths
from cchc_desktop.safe_text import clean, clean_line
from cchc_desktop.domain import catalogue as catalogue_mod
from cchc_desktop.domain import dossiers, frames, periods
from cchc_desktop.domain.units import STORED_KINDS
from cchc_desktop.errors import DataFileError, InvalidValue, ReadOnlyPeriod, UserError
from cchc_desktop.store import backup as backup_mod
from cchc_desktop.store import check as check_mod
from cchc_desktop.store.check import APPLICATION_ID, FileRefused, open_state
from cchc_desktop.store.errors import DiskTrouble, disk_trouble_message, is_busy, open_error_message
from cchc_desktop.store.lock import WriterLock
from cchc_desktop.store.migrations import SCHEMA_VERSION, migrations

UNIT_FIELDS = (
    "name", "kind", "parent_code", "upper_name", "upper_code", "district", "province",
    "place_name", "signer_name", "signer_title", "signing_capacity", "recipients", "settings",
)
UNIT_CATALOGUE_SETTING = "danh_muc_bieu_mau"  # units.settings: catalogue version of new periods
PERIOD_FIELDS = ("start_date", "end_date", "deadline", "doc_number", "doc_symbol", "doc_date", "on_time_formula")
DOCUMENT_FIELDS = ("number", "symbol", "date", "kind", "summary")


def unit_field(key: str, value):
    """A unit field as stored: text made safe (safe_text.py), lists and settings as JSON."""
    if key == "recipients":
        return json.dumps([clean_line(r) for r in value or []], ensure_ascii=False)
    if key == "settings":
        return json.dumps(value, ensure_ascii=False)
    return clean_line(value) if isinstance(value, str) else value


def document_field(key: str, value):
    """A document's field as stored: its summary may span lines, the others are one line."""
    if not isinstance(value, str):
        return value
    return clean(value).strip() if key == "summary" else clean_line(value)


CHOICE_RULE = "so-tinh-lai"  # = report/rules.py CORRECTION_RULE
CHOICE_USE, CHOICE_KEEP = "dung-so-tinh-lai", "giu-so"


def now_iso() -> str:
    return dt.datetime.now().isoformat(timespec="seconds")


def _user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no login name on some Windows set-ups
        return "?"


def value_text(value) -> str | None:
    """A value as the data file stores it: Decimal → exact text, whole numbers without decimals."""
    if value is None:
        return None
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value == value.to_integral_value() else format(value, "f")
    return str(value)


def insert_row(conn, table: str, record: dict) -> int:
    """INSERT one row of these columns; its rowid. (sqlite-utils' insert looks the table up each
    time: a province writes a thousand periods and a hundred units in a row.)"""
    names = ", ".join(record)
    marks = ", ".join("?" * len(record))
    return conn.execute(f"INSERT INTO {table} ({names}) VALUES ({marks})", list(record.values())).lastrowid


class _Connection(sqlite3.Connection):
    """Turns disk trouble while writing into DiskTrouble (store/errors.py); nothing else changes.
    A file opened read-only (`read_only_reason` set) says why it cannot be written."""

    read_only_reason: str | None = None

    def _trouble(self, e: sqlite3.OperationalError) -> Exception:
        if isinstance(e, DiskTrouble):
            return e
        msg = disk_trouble_message(e)
        if msg is None and is_busy(e) and self.in_transaction is False:
            msg = LOCKED_WHILE_WRITING  # the busy timeout has passed: another program holds the file
        if msg is None:
            return e
        if self.read_only_reason and "readonly" in str(e).lower():
            msg = f"Không lưu được thay đổi: {self.read_only_reason}"
        return DiskTrouble(msg)

    def execute(self, *args, **kwargs):
        if args and args[0] == "BEGIN" and not self.read_only_reason:
            # sqlite-utils' atomic(): take the write lock at once, so that SQLite waits (busy
            # timeout) for another program's lock; a deferred transaction that has read is
            # refused at once when it comes to write
            args = ("BEGIN IMMEDIATE", *args[1:])
        try:
            return super().execute(*args, **kwargs)
        except sqlite3.OperationalError as e:
            trouble = self._trouble(e)
            if trouble is e:
                raise
            raise trouble from e

    def executemany(self, *args, **kwargs):
        try:
            return super().executemany(*args, **kwargs)
        except sqlite3.OperationalError as e:
            trouble = self._trouble(e)
            if trouble is e:
                raise
            raise trouble from e


BUSY_TIMEOUT = 5.0  # seconds a write waits for another program's lock (DB Browser, antivirus, sync)
LOCKED_WHILE_WRITING = (
    "Chưa lưu được thay đổi: tệp dữ liệu đang bị một chương trình khác khóa (thường là DB Browser for SQLite "
    "đang mở tệp, phần mềm diệt virus đang quét, hoặc OneDrive/Google Drive đang đồng bộ). Hãy đóng chương "
    "trình đó, hoặc đợi vài giây, rồi thử lại; dữ liệu đã lưu vẫn nguyên vẹn, nội dung vừa nhập vẫn còn.")


def connect(path: str | Path) -> sqlite3.Connection:
    """A connection with the settings every connection to the data file must have."""
    conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT, check_same_thread=False, factory=_Connection)
    conn.execute("PRAGMA foreign_keys = ON")
    _set_journal_mode(conn, path)
    # FULL: a commit that has returned survives a power cut, not only a crash.
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT * 1000)}")
    return conn


def _set_journal_mode(conn: sqlite3.Connection, path: str | Path) -> None:
    """WAL on a local disk. On a network share (a mapped drive, \\\\server\\share, an SMB/NFS
    mount) WAL is unsafe: its index lives in shared memory, which two PCs do not share, so
    SQLite's own docs rule it out; the rollback journal works there (docs/cai-dat.md)."""
    mode = "DELETE" if paths.on_network_share(path) else "WAL"
    try:
        conn.execute(f"PRAGMA journal_mode = {mode}")
    except sqlite3.OperationalError:  # leaving WAL needs the file to itself: next time then
        pass


class _UpgradeFailed(Exception):
    pass


def upgrade(db: Database) -> None:
    """Bring the file to this app's schema in ONE exclusive transaction: every pending
    migration step (sqlite-utils nests each step's atomic() as a savepoint), the file's marks
    (application_id, user_version). A failing step rolls everything back: the file stays as
    it was. Foreign keys are off meanwhile so that a table rebuild cannot cascade deletes;
    `foreign_key_check` runs before the commit instead."""
    conn = db.conn
    pending = migrations.pending(db)
    marked = conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    if not pending and marked and conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION:
        return
    conn.execute("PRAGMA foreign_keys = OFF")
    try:
        conn.execute("BEGIN EXCLUSIVE")
        try:
            if not marked:
                conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            migrations.apply(db)
            broken = conn.execute("PRAGMA foreign_key_check").fetchall()
            if broken:
                raise _UpgradeFailed(f"liên kết dữ liệu không khớp ở bảng {broken[0][0]}")
            conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            conn.execute("COMMIT")
        except BaseException as e:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            if isinstance(e, sqlite3.OperationalError) and is_busy(e):
                raise
            if isinstance(e, Exception) and not isinstance(e, UserError):
                raise _UpgradeFailed(f"{type(e).__name__}: {e}") from e
            raise
    finally:
        conn.execute("PRAGMA foreign_keys = ON")


def open_store(path: str | Path, catalogue_path: str | Path | None = None, *,
               lock: bool = True, backup: bool = False, read_only_ok: bool = False,
               backup_interval: dt.timedelta | None = None) -> "Store":
    """Open (or create) a data file for writing.

    First `open_state` (store/check.py) reads the situation: a file that cannot be used is
    refused untouched with FileRefused (a DataFileError whose `state` says why: damaged,
    newer, locked by another program, another window's…). A good file that cannot be written
    (read-only media, a full disk) is refused too, unless `read_only_ok` (the window and the
    commands that only read): then it opens read-only, `store.read_only` holds the reason
    and every write says it. Otherwise, in order: the
    writer lock (`lock=True`: a second writer gets DataFileError, see store/lock.py); a backup
    — always before an upgrade (if it cannot be made, the file is not upgraded), otherwise
    when the content changed since the last backup (`backup=True`, what the window and the
    command line pass; tests leave it off; a failure there only sets `store.backup_warning`;
    `backup_interval`: not while the newest backup is younger, the command line's sitting;
    with `backup`, the temporary files of a backup cut short are removed first);
    then pending migrations in one exclusive transaction.
    """
    p = Path(path)
    if p.parent and not p.parent.exists():
        raise DataFileError(f"Thư mục “{p.parent}” không tồn tại. Hãy chọn một thư mục có thật.")
    state = open_state(p)
    if state.kind == check_mod.LOCKED_BY_APP and not lock:
        state = check_mod.FileState(check_mod.USABLE, p, read_uri=state.read_uri)  # readers go on beside the window
    if state.kind in (check_mod.READ_ONLY, check_mod.DISK_FULL) and read_only_ok and state.read_uri:
        return _open_read_only(state, catalogue_path)
    if not state.writable:
        raise FileRefused(state)
    existed = p.is_file() and p.stat().st_size > 0
    writer_lock = WriterLock.acquire(p) if lock else None
    conn = None
    backup_warning = None
    try:
        conn = connect(p)
        db = Database(conn, execute_plugins=False)
        if existed:
            older = bool(migrations.pending(db)) and bool(migrations.applied(db))
            if older:
                try:
                    backup_mod.backup_now((conn, p), "nang-cap")
                except UserError as e:
                    raise DataFileError(
                        f"Chưa nâng cấp được tệp “{p.name}” lên phiên bản mới vì không tạo được bản sao lưu "
                        f"trước khi nâng cấp: {e} Tệp chưa bị thay đổi."
                    ) from None
            elif backup:
                if writer_lock is not None:
                    backup_mod.remove_interrupted(p)
                try:
                    backup_mod.backup_if_changed((conn, p), "mo-tep", unless_newer_than=backup_interval)
                except UserError as e:
                    backup_warning = f"Chưa tạo được bản sao lưu tự động: {e}"
        upgrade(db)
    except _UpgradeFailed as e:
        _abandon(conn, writer_lock)
        raise DataFileError(
            f"Không nâng cấp được tệp dữ liệu “{p.name}” lên phiên bản này ({e}). Tệp vẫn giữ nguyên như "
            f"trước và đã có bản sao lưu trong thư mục “{backup_mod.DIR_NAME}”. Hãy báo cho người hỗ trợ kỹ thuật."
        ) from None
    except sqlite3.OperationalError as e:
        _abandon(conn, writer_lock)
        raise DataFileError(open_error_message(e, p)) from None
    except BaseException:
        _abandon(conn, writer_lock)
        raise
    store = Store(db, p)
    store.writer_lock = writer_lock
    store.backup_warning = backup_warning
    try:
        _register_catalogues(store, catalogue_path)
    except BaseException:
        store.close()
        raise
    return store


def _register_catalogues(store: "Store", catalogue_path) -> None:
    """The app's catalogues and each legal frame's, known to the store (kept in the file when it can be written)."""
    builtin = catalogue_mod.load(None)
    store.register_catalogue(builtin)
    store.builtin_catalogue_version = builtin.version
    for frame in frames.frames():  # each legal frame's forms (domain/frames.py), for the periods of its dates
        cat = catalogue_mod.load(frame.catalogue_path())
        store.register_catalogue(cat, make_default=False)
        store.frame_catalogues[frame.key] = cat.version
    if catalogue_path is not None:  # `--catalogue FILE`: this run's new periods use it
        chosen = catalogue_mod.load(catalogue_path)
        store.add_catalogue(chosen)
        store.default_catalogue_version = chosen.version
        store.catalogue_from_command_line = True


def _open_read_only(state, catalogue_path) -> "Store":
    """A good file that cannot be written, opened to be read (mode=ro or immutable=1)."""
    conn = sqlite3.connect(state.read_uri, uri=True, timeout=10, check_same_thread=False, factory=_Connection)
    conn.read_only_reason = state.message
    db = Database(conn, execute_plugins=False)
    if migrations.pending(db) and migrations.applied(db):
        conn.close()
        raise DataFileError(
            f"Tệp “{state.path.name}” của phiên bản cũ cần được nâng cấp trước khi mở, nhưng không ghi được: "
            f"{state.message}")
    store = Store(db, state.path)
    store.read_only = state.message
    store.writer_lock = None
    store.backup_warning = None
    try:
        _register_catalogues(store, catalogue_path)
    except BaseException:
        store.close()
        raise
    return store


def _abandon(conn, writer_lock) -> None:
    if conn is not None:
        try:
            conn.close()
        except sqlite3.Error:
            pass
    if writer_lock is not None:
        writer_lock.release()


def second_store(store: "Store") -> "Store":
    """A Store over the same (already open, upgraded and locked) file with its own connection,
    for a worker thread; the caller closes `other.db.conn`."""
    other = Store(Database(connect(store.path), execute_plugins=False), store.path)
    other.user = store.user
    return other


@contextmanager
def own_connection(store):
    """A second Store over the same (already open and locked) data file, with its own SQLite
    connection, for an import on a worker thread: the window's connection stays free for reading
    (WAL), and nothing the window does can slip into the import's transaction."""
    other = second_store(store)
    try:
        yield other
    finally:
        other.db.conn.close()


class Store:
    def __init__(self, db: Database, path: Path):
        self.db = db
        self.path = path
        self.user = _user()
        self._catalogues: dict[str, catalogue_mod.Catalogue] = {}
        self.default_catalogue_version: str | None = None
        self.builtin_catalogue_version: str | None = None  # the app's own (resources/catalogue)
        self.catalogue_from_command_line = False  # `--catalogue FILE`: new periods use it
        self.frame_catalogues: dict[str, str] = {}  # legal frame → the version of its catalogue
        self.read_only: str | None = None  # why the file is open read-only (open_store), or None

    def close(self) -> None:
        self.db.close()
        lock = getattr(self, "writer_lock", None)  # set by open_store (store/lock.py)
        if lock is not None:
            lock.release()

    def transaction(self):
        """Several store calls as one transaction (`with store.transaction(): …`): all or none.
        Nested, each inner call's own transaction becomes a savepoint of this one."""
        return self.db.atomic()

    # --- catalogues ---------------------------------------------------------------------
    def register_catalogue(self, cat: catalogue_mod.Catalogue, make_default: bool = True) -> None:
        """Keep the catalogue's text in the file so old periods always find their version."""
        row = self.db.execute("SELECT text FROM catalogues WHERE version = ?", [cat.version]).fetchone()
        if row is None and self.read_only:
            self._catalogues[cat.version] = cat  # known for this session; a read-only file keeps what it has
        elif row is None:
            with self.db.atomic():
                self.db.execute(
                    "INSERT INTO catalogues (version, name, text, added_at) VALUES (?, ?, ?, ?)",
                    [cat.version, cat.name, cat.text, now_iso()],
                )
            self._catalogues[cat.version] = cat
        else:
            # A version keeps the content it was first stored with.
            self._catalogues[cat.version] = catalogue_mod.from_text(row[0]) if row[0] != cat.text else cat
        if make_default:
            self.default_catalogue_version = cat.version

    def add_catalogue(self, cat: catalogue_mod.Catalogue) -> None:
        """Store a catalogue the user loads (a province's forms). A version already in the file
        with other content is refused: periods entered with it must keep their forms."""
        row = self.db.execute("SELECT text FROM catalogues WHERE version = ?", [cat.version]).fetchone()
        if row is not None and row[0] != cat.text and catalogue_mod.from_text(row[0]).fingerprint != cat.fingerprint:
            raise UserError(
                f"Tệp dữ liệu đã có danh mục phiên bản “{cat.version}” với nội dung khác. Hãy đặt một "
                "`version` mới ở đầu tệp danh mục (ví dụ thêm “.2”) rồi nạp lại."
            )
        self.register_catalogue(cat, make_default=False)

    def has_catalogue(self, version: str) -> bool:
        return self.db.execute("SELECT 1 FROM catalogues WHERE version = ?", [version]).fetchone() is not None

    def forget_catalogue(self, version: str) -> None:
        """Drop a catalogue from this session's cache after the transaction that stored it was
        rolled back (the file no longer holds it)."""
        self._catalogues.pop(version, None)

    def forget_unsaved_catalogues(self) -> None:
        """Drop from this session's cache the catalogues the file does not hold (after a rollback)."""
        if not self.read_only:
            for version in list(self._catalogues):
                if not self.has_catalogue(version):
                    self.forget_catalogue(version)

    def catalogues(self) -> list[dict]:
        """Every catalogue the file holds: version, name, added_at, periods (how many use it)."""
        return [dict(r) for r in self.db.query(
            "SELECT c.version, c.name, c.added_at, "
            "(SELECT COUNT(*) FROM periods p WHERE p.catalogue_version = c.version) AS periods "
            "FROM catalogues c ORDER BY c.added_at, c.version")]

    def new_period_catalogue(self, unit_code: str, end_date=None) -> str:
        """The catalogue version a new period of the unit is entered with: `--catalogue` of the
        command line when given, else the unit's choice (Tệp → Danh mục biểu mẫu…), else the
        catalogue of the legal frame of the period's dates (`end_date`; without it the app's own)."""
        if self.catalogue_from_command_line:
            return self.default_catalogue_version
        chosen = self.unit(unit_code)["settings"].get(UNIT_CATALOGUE_SETTING)
        if chosen and self.has_catalogue(chosen):
            return chosen
        if end_date is not None:
            return self.frame_catalogues.get(frames.for_dates(None, end_date).key, self.default_catalogue_version)
        return self.default_catalogue_version

    def choose_unit_catalogue(self, unit_code: str, version: str | None) -> None:
        """The catalogue of the unit's new periods (None: the app's own)."""
        if version is not None:
            self.catalogue(version)  # refuses a version the file does not hold
        settings = dict(self.unit(unit_code)["settings"])
        if version is None or version == self.builtin_catalogue_version or version in self.frame_catalogues.values():
            settings.pop(UNIT_CATALOGUE_SETTING, None)  # the app's own: each period its frame's
        else:
            settings[UNIT_CATALOGUE_SETTING] = version
        self.update_unit(unit_code, settings=settings)

    def choose_catalogue(self, unit_code: str, version: str | None, period_id: int | None = None) -> None:
        """The unit's choice of catalogue and, with `period_id`, the switch of that period too:
        both or neither (one transaction)."""
        with self.db.atomic():
            self.choose_unit_catalogue(unit_code, version)
            if period_id is not None:
                self.set_period_catalogue(period_id, version or self.new_period_catalogue(
                    unit_code, self.period(period_id)["end_date"]))

    def set_period_catalogue(self, period_id: int, version: str) -> None:
        """Switch a period to another catalogue; only while it holds no figure (a figure's code
        means a row of the catalogue it was entered with)."""
        self.catalogue(version)
        current = self.period(period_id)
        if current["catalogue_version"] == version:
            return
        with self.db.atomic():
            self._writable(period_id)
            if self.has_values(period_id):
                old = self.catalogue(current["catalogue_version"])
                raise InvalidValue(
                    f"Kỳ báo cáo {periods.name(periods.parse_code(current['code']))} đã có số liệu nên vẫn dùng "
                    f"danh mục “{old.name}”. Danh mục mới sẽ dùng cho các kỳ báo cáo tạo sau."
                )
            self.db.execute("UPDATE periods SET catalogue_version = ?, updated_at = ? WHERE id = ?",
                            [version, now_iso(), period_id])
            self._audit("period.catalogue_version", current["catalogue_version"], version, period_id=period_id)

    def catalogue(self, version: str | None = None) -> catalogue_mod.Catalogue:
        version = version or self.default_catalogue_version
        cat = self._catalogues.get(version)
        if cat is None:
            row = self.db.execute("SELECT text FROM catalogues WHERE version = ?", [version]).fetchone()
            if row is None:
                raise UserError(f"Tệp dữ liệu không có danh mục biểu mẫu phiên bản {version}.")
            cat = self._catalogues[version] = catalogue_mod.from_text(row[0])
        return cat

    def catalogue_for(self, period_id: int) -> catalogue_mod.Catalogue:
        return self.catalogue(self.period(period_id)["catalogue_version"])

    # --- audit --------------------------------------------------------------------------
    def _audit(self, target: str, old, new, period_id: int | None = None, unit_code: str | None = None) -> None:
        self.db.execute(
            "INSERT INTO audit (at, user, unit_code, period_id, target, old, new) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [now_iso(), self.user, unit_code, period_id, target, value_text(old), value_text(new)],
        )

    def history(self, period_id: int | None = None, target: str | None = None) -> list[dict]:
        sql, args = "SELECT * FROM audit WHERE 1 = 1", []
        if period_id is not None:
            sql += " AND period_id = ?"
            args.append(period_id)
        if target is not None:
            sql += " AND target = ?"
            args.append(target)
        return [dict(r) for r in self.db.query(sql + " ORDER BY id", args)]

    def last_edited_period(self, unit_code: str) -> int | None:
        """The unit's period of the latest audited change (the one being worked on), if any."""
        row = self.db.execute(
            "SELECT a.period_id FROM audit a JOIN periods p ON p.id = a.period_id "
            "WHERE p.unit_code = ? ORDER BY a.id DESC LIMIT 1", [unit_code]).fetchone()
        return row[0] if row else None

    # --- units --------------------------------------------------------------------------
    def units(self) -> list[dict]:
        return [self._unit_row(r) for r in self.db.query("SELECT * FROM units ORDER BY rowid")]

    def has_units(self) -> bool:
        """False for a new, empty file (it has nothing to lose)."""
        return self.db.execute("SELECT 1 FROM units LIMIT 1").fetchone() is not None

    def find_unit(self, code: str) -> dict | None:
        row = next(self.db.query("SELECT * FROM units WHERE code = ?", [code]), None)
        return None if row is None else self._unit_row(row)

    def unit(self, code: str | None = None) -> dict:
        if code is None:
            rows = self.db.execute("SELECT code FROM units ORDER BY (parent_code IS NULL) DESC, rowid").fetchall()
            if not rows:
                raise UserError("Tệp dữ liệu chưa có đơn vị nào. Hãy tạo đơn vị hoặc mở dữ liệu mẫu (lệnh demo).")
            own = [r[0] for r in rows]
            code = own[0]
        row = self.find_unit(code)
        if row is None:
            raise UserError(f"Không có đơn vị mã “{code}” trong tệp dữ liệu.")
        return row

    @staticmethod
    def _unit_row(row: dict) -> dict:
        row = dict(row)
        row["recipients"] = json.loads(row["recipients"] or "[]")
        row["settings"] = json.loads(row["settings"] or "{}")
        return row

    def create_unit(self, code: str, name: str, kind: str = "xa", **fields) -> dict:
        code = clean_line(code)
        name = clean_line(name)
        if not code or not name:
            raise InvalidValue("Đơn vị cần có mã và tên.")
        if kind not in STORED_KINDS:
            raise InvalidValue(f"Loại đơn vị “{kind}” không có ({', '.join(STORED_KINDS)}).")
        record = {"code": code, "name": name, "kind": kind, "created_at": now_iso()}
        for key, value in fields.items():
            if key not in UNIT_FIELDS:
                raise ValueError(key)
            record[key] = unit_field(key, value)
        with self.db.atomic():
            if self.db.execute("SELECT 1 FROM units WHERE code = ?", [code]).fetchone():
                raise InvalidValue(f"Đã có đơn vị mã “{code}”.")
            insert_row(self.db.conn, "units", record)
            self._audit("unit", None, name, unit_code=code)
        return self.unit(code)

    def update_unit(self, code: str, **fields) -> None:
        current = self.unit(code)
        with self.db.atomic():
            for key, value in fields.items():
                if key not in UNIT_FIELDS:
                    raise ValueError(key)
                if key == "kind" and value not in STORED_KINDS:
                    raise InvalidValue(f"Loại đơn vị “{value}” không có.")
                stored = unit_field(key, value)
                if key in ("recipients", "settings"):
                    value = json.loads(stored)
                elif isinstance(value, str):
                    value = stored
                if current.get(key) == value:
                    continue
                old = json.dumps(current.get(key), ensure_ascii=False) if key in ("recipients", "settings") else current.get(key)
                self.db.execute(f"UPDATE units SET {key} = ? WHERE code = ?", [stored, code])
                self._audit(f"unit.{key}", old, stored, unit_code=code)

    # --- periods ------------------------------------------------------------------------
    def periods(self, unit_code: str) -> list[dict]:
        rows = [dict(r) for r in self.db.query("SELECT * FROM periods WHERE unit_code = ?", [unit_code])]
        return sorted(rows, key=lambda r: periods.sort_key(periods.PeriodKey(r["year"], r["kind"])))

    def period(self, period_id: int) -> dict:
        row = next(self.db.query("SELECT * FROM periods WHERE id = ?", [period_id]), None)
        if row is None:
            raise UserError(f"Không có kỳ báo cáo số {period_id}.")
        row = dict(row)
        row["code"] = f"{row['year']}-{row['kind']}"
        return row

    def find_period(self, unit_code: str, code: str) -> dict | None:
        key = periods.parse_code(code)
        row = self.db.execute(
            "SELECT id FROM periods WHERE unit_code = ? AND year = ? AND kind = ?", [unit_code, key.year, key.kind]
        ).fetchone()
        return self.period(row[0]) if row else None

    def get_period(self, unit_code: str, code: str) -> dict:
        p = self.find_period(unit_code, code)
        if p is None:
            unit = self.unit(unit_code)
            have = ", ".join(f"{r['year']}-{r['kind']}" for r in self.periods(unit_code)) or "chưa có kỳ nào"
            raise UserError(f"Đơn vị {unit['name']} chưa có kỳ báo cáo {code} (đang có: {have}).")
        return p

    def create_period(self, unit_code: str, code: str, carry_from: int | None = None,
                      texts: dict[str, dict] | None = None, **fields) -> dict:
        """A new period with default window; `carry_from` copies text, fields and settings, not figures.

        Without `carry_from`, the period starts from `texts` (section → {title, text}), if given:
        report/default_texts.py's `new_period` passes an upper level's default texts."""
        key = periods.parse_code(code)
        self.unit(unit_code)  # refuses a unit the file does not hold
        start, end = periods.default_window(key)
        record = {
            "unit_code": unit_code,
            "year": key.year,
            "kind": key.kind,
            "start_date": start.isoformat(),
            "end_date": end.isoformat(),
            "deadline": periods.default_deadline(key).isoformat(),
            "catalogue_version": self.new_period_catalogue(unit_code, fields.get("end_date") or end),
            "updated_at": now_iso(),
        }
        src = self.period(carry_from) if carry_from else None
        if src:
            record["doc_symbol"] = src["doc_symbol"]
            record["on_time_formula"] = src["on_time_formula"]
        record.update({k: v for k, v in fields.items() if k in PERIOD_FIELDS or k == "catalogue_version"})
        with self.db.atomic():
            if self.find_period(unit_code, code):
                raise InvalidValue(f"Kỳ báo cáo {code} đã có.")
            pid = self.db["periods"].insert(record).last_pk
            if src:
                self.db.execute(
                    "INSERT INTO narratives (period_id, section, title, text) "
                    "SELECT ?, section, title, text FROM narratives WHERE period_id = ?",
                    [pid, src["id"]],
                )
                self.db.execute(
                    "INSERT INTO dossier_rows (period_id, agency, field, position) "
                    "SELECT ?, agency, field, position FROM dossier_rows WHERE period_id = ? AND field != ''",
                    [pid, src["id"]],
                )
                # Figures do not carry over, nor their notes (a note explains its figure).
            elif texts:
                self.db["narratives"].insert_all(
                    [{"period_id": pid, "section": k, "title": t["title"], "text": t["text"]}
                     for k, t in texts.items()])
            self._audit("period", None, code, period_id=pid, unit_code=unit_code)
        return self.period(pid)

    def update_period(self, period_id: int, **fields) -> None:
        current = self.period(period_id)
        with self.db.atomic():
            self._writable(period_id)
            for key, value in fields.items():
                if key not in PERIOD_FIELDS:
                    raise ValueError(key)
                if key == "on_time_formula" and value not in dossiers.ON_TIME_FORMULAS:
                    raise InvalidValue("Cách tính tỷ lệ đúng hạn không hợp lệ.")
                if key in ("start_date", "end_date", "deadline", "doc_date") and value:
                    try:
                        dt.date.fromisoformat(value)
                    except ValueError:
                        raise InvalidValue(f"Ngày “{value}” không hợp lệ.") from None
                if isinstance(value, str):
                    value = clean_line(value)
                if current.get(key) == value:
                    continue
                self.db.execute(f"UPDATE periods SET {key} = ?, updated_at = ? WHERE id = ?", [value, now_iso(), period_id])
                self._audit(f"period.{key}", current.get(key), value, period_id=period_id)
            p = self.period(period_id)
            if p["start_date"] > p["end_date"]:
                raise InvalidValue("Ngày bắt đầu của kỳ báo cáo phải trước ngày kết thúc.")

    def set_status(self, period_id: int, status: str) -> None:
        if status not in ("draft", "final"):
            raise ValueError(status)
        old = self.period(period_id)["status"]
        if old == status:
            return
        with self.db.atomic():
            self.db.execute("UPDATE periods SET status = ?, updated_at = ? WHERE id = ?", [status, now_iso(), period_id])
            self._audit("period.status", old, status, period_id=period_id)

    def _exists(self, period_id: int) -> None:
        if self.db.execute("SELECT 1 FROM periods WHERE id = ?", [period_id]).fetchone() is None:
            raise UserError(f"Không có kỳ báo cáo số {period_id}.")

    def _writable(self, period_id: int) -> None:
        row = self.db.execute("SELECT status FROM periods WHERE id = ?", [period_id]).fetchone()
        if row is None:
            raise UserError(f"Không có kỳ báo cáo số {period_id}.")
        if row[0] == "final":
            raise ReadOnlyPeriod("Kỳ báo cáo này đã chốt (bản chính thức) nên không sửa được. Hãy mở lại kỳ để sửa.")

    # --- indicator values ---------------------------------------------------------------
    def values(self, period_id: int) -> dict[str, dict]:
        """code → {value, note}, and `own`: the unit's own printed figure of a typed row where it
        has one (m014, report/corrections.py)."""
        return {
            r["code"]: {"value": r["value"], "note": r["note"], **({"own": r["own"]} if r["own"] is not None else {})}
            for r in self.db.query("SELECT code, value, note, own FROM indicator_values WHERE period_id = ?",
                                   [period_id])
        }

    def set_own_figure(self, period_id: int, code: str, text, catalogue=None) -> Decimal | None:
        """The unit's own printed figure of a typed row (the old paper report's), kept beside the
        value and never used in a figure; blank drops it. Audited (`own:<code>`)."""
        cat = catalogue or self.catalogue_for(period_id)
        row = cat.row(code)
        if not row.editable or row.kind in ("text", "choice"):
            raise InvalidValue(f"{row.place}: chỉ dòng số liệu nhập tay mới có “số đơn vị ghi trước đây”.")
        if isinstance(text, str):
            text = clean(text).strip()
        value = None if text in (None, "") else row.parse(text)
        stored = value_text(value) if value is not None else None
        with self.db.atomic():
            self._writable(period_id)
            old = self.db.execute("SELECT own FROM indicator_values WHERE period_id = ? AND code = ?",
                                  [period_id, code]).fetchone()
            old_own = old[0] if old else None
            if old_own == stored:
                return value
            self.db.execute(
                "INSERT INTO indicator_values (period_id, code, own) VALUES (?, ?, ?) "
                "ON CONFLICT (period_id, code) DO UPDATE SET own = excluded.own", [period_id, code, stored])
            self._audit(f"own:{code}", old_own, stored, period_id=period_id)
        return value

    def has_values(self, period_id: int) -> bool:
        """True once a figure (or a note) of the period is stored."""
        return self.db.execute(
            "SELECT 1 FROM indicator_values WHERE period_id = ? LIMIT 1", [period_id]).fetchone() is not None

    def set_value(self, period_id: int, code: str, text, catalogue=None) -> Decimal | str | None:
        """Parse, check and store one indicator value; returns what was stored."""
        cat = catalogue or self.catalogue_for(period_id)
        row = cat.row(code)
        if isinstance(text, str):
            text = clean(text)
        value = row.parse(text)  # refuses derived and heading rows, naming the row
        if not row.editable:
            raise InvalidValue(f"{row.place}: được tính tự động, không nhập tay.")
        stored = value_text(value)
        with self.db.atomic():
            self._writable(period_id)
            old = self.db.execute(
                "SELECT value FROM indicator_values WHERE period_id = ? AND code = ?", [period_id, code]
            ).fetchone()
            old_value = old[0] if old else None
            if old_value == stored:
                return value
            self.db.execute(
                "INSERT INTO indicator_values (period_id, code, value) VALUES (?, ?, ?) "
                "ON CONFLICT (period_id, code) DO UPDATE SET value = excluded.value",
                [period_id, code, stored],
            )
            self._audit(f"value:{code}", old_value, stored, period_id=period_id)
        return value

    def accept_error(self, period_id: int, rule: str, target: str, message: str, reason: str) -> None:
        """The unit accepts an error of `validate` as it is, with its reason (audited); the
        package is then no longer refused for it and its manifest lists it."""
        reason = clean(reason).strip()
        if not reason:
            raise UserError("Hãy ghi lý do chấp nhận lỗi (ví dụ: “đúng như văn bản gốc”).")
        with self.db.atomic():
            self._exists(period_id)  # a closed (chốt) period too: the accepting changes no figure
            self.db.execute(
                "INSERT INTO accepted_errors (period_id, rule, target, message, reason, accepted_at) "
                "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (period_id, rule, target) DO UPDATE SET "
                "message = excluded.message, reason = excluded.reason, accepted_at = excluded.accepted_at",
                [period_id, rule, target, clean(message), reason, now_iso()])
            self._audit(f"error.accepted:{rule}:{target}", None, reason, period_id=period_id)

    def unaccept_error(self, period_id: int, rule: str, target: str) -> None:
        with self.db.atomic():
            self._exists(period_id)
            old = self.db.execute("SELECT reason FROM accepted_errors WHERE period_id = ? AND rule = ? AND target = ?",
                                  [period_id, rule, target]).fetchone()
            if not old:
                return
            self.db.execute("DELETE FROM accepted_errors WHERE period_id = ? AND rule = ? AND target = ?",
                            [period_id, rule, target])
            self._audit(f"error.accepted:{rule}:{target}", old[0], None, period_id=period_id)

    def accepted_errors(self, period_id: int) -> list[dict]:
        """{rule, target, message, reason, accepted_at} of each accepted error, in accepting order."""
        cur = self.db.execute("SELECT rule, target, message, reason, accepted_at FROM accepted_errors "
                              "WHERE period_id = ? AND rule NOT LIKE ? ORDER BY accepted_at, rule, target",
                              [period_id, CHOICE_RULE + ":%"])
        return [dict(zip(("rule", "target", "message", "reason", "accepted_at"), r)) for r in cur.fetchall()]

    # The unit's answer to a recomputed figure (report/corrections.py): use the computed one
    # (CHOICE_USE) or keep its own with a note (CHOICE_KEEP). Kept beside the accepted errors,
    # whose table already names a finding and the unit's reason: rule `so-tinh-lai:<name>`,
    # target the choice, reason the note; accepted_errors() leaves them out.
    def set_correction_choice(self, period_id: int, name: str, choice: str, note: str = "") -> None:
        note = clean(note).strip()
        if choice not in (CHOICE_USE, CHOICE_KEEP):
            raise UserError("Hãy chọn “dùng số tính lại” hoặc “giữ số của đơn vị”.")
        if choice == CHOICE_KEEP and not note:
            raise UserError("Giữ số của đơn vị thì hãy ghi chú lý do (ví dụ: “đúng như báo cáo đã gửi”).")
        rule = f"{CHOICE_RULE}:{name}"
        with self.db.atomic():
            self._writable(period_id)  # the choice changes a printed figure
            # a computed row's own figure is its stored value; a typed row's is `own` (m014)
            row = self.catalogue_for(period_id).rows_by_code.get(name)
            column = "own" if row is not None and row.editable else "value"
            own = self.db.execute(f"SELECT {column} FROM indicator_values WHERE period_id = ? AND code = ?",
                                  [period_id, name]).fetchone()
            if not own or own[0] in (None, ""):
                raise UserError(f"“{name}” không có số đơn vị ghi trước đây nên không có gì để chọn.")
            old = self._choice_text(period_id, rule)
            new = choice + (f": {note}" if note else "")
            if old == new:
                return
            self.db.execute("DELETE FROM accepted_errors WHERE period_id = ? AND rule = ?", [period_id, rule])
            self.db.execute(
                "INSERT INTO accepted_errors (period_id, rule, target, message, reason, accepted_at) "
                "VALUES (?, ?, ?, '', ?, ?)", [period_id, rule, choice, note, now_iso()])
            self._audit(rule, old, new, period_id=period_id)

    def clear_correction_choice(self, period_id: int, name: str) -> None:
        rule = f"{CHOICE_RULE}:{name}"
        with self.db.atomic():
            self._writable(period_id)
            old = self._choice_text(period_id, rule)
            if old is None:
                return
            self.db.execute("DELETE FROM accepted_errors WHERE period_id = ? AND rule = ?", [period_id, rule])
            self._audit(rule, old, None, period_id=period_id)

    def _choice_text(self, period_id: int, rule: str) -> str | None:
        row = self.db.execute("SELECT target, reason FROM accepted_errors WHERE period_id = ? AND rule = ?",
                              [period_id, rule]).fetchone()
        return None if row is None else row[0] + (f": {row[1]}" if row[1] else "")

    def correction_choices(self, period_id: int) -> dict[str, dict]:
        """name → {choice, note, at} of each recomputed figure the unit answered."""
        cur = self.db.execute("SELECT rule, target, reason, accepted_at FROM accepted_errors "
                              "WHERE period_id = ? AND rule LIKE ?", [period_id, CHOICE_RULE + ":%"])
        return {r[0].split(":", 1)[1]: {"choice": r[1], "note": r[2], "at": r[3]} for r in cur.fetchall()}

    def set_note(self, period_id: int, code: str, note: str) -> None:
        note = clean(note).strip()
        with self.db.atomic():
            self._writable(period_id)
            old = self.db.execute(
                "SELECT note FROM indicator_values WHERE period_id = ? AND code = ?", [period_id, code]
            ).fetchone()
            old_note = old[0] if old else ""
            if old_note == note:
                return
            self.db.execute(
                "INSERT INTO indicator_values (period_id, code, note) VALUES (?, ?, ?) "
                "ON CONFLICT (period_id, code) DO UPDATE SET note = excluded.note",
                [period_id, code, note],
            )
            self._audit(f"note:{code}", old_note, note, period_id=period_id)

    # --- narrative ----------------------------------------------------------------------
    def narratives(self, period_id: int) -> dict[str, dict]:
        return {
            r["section"]: {"title": r["title"], "text": r["text"]}
            for r in self.db.query("SELECT section, title, text FROM narratives WHERE period_id = ?", [period_id])
        }

    def set_narrative(self, period_id: int, section: str, text: str | None = None, title: str | None = None) -> None:
        with self.db.atomic():
            self._writable(period_id)
            old = self.db.execute(
                "SELECT title, text FROM narratives WHERE period_id = ? AND section = ?", [period_id, section]
            ).fetchone()
            old_title, old_text = (old[0], old[1]) if old else (None, "")
            title = None if title is None else clean_line(title)
            text = None if text is None else clean(text)
            new_title = old_title if title is None else title
            new_text = old_text if text is None else text
            if old and (old_title, old_text) == (new_title, new_text):
                return
            self.db.execute(
                "INSERT INTO narratives (period_id, section, title, text) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (period_id, section) DO UPDATE SET title = excluded.title, text = excluded.text",
                [period_id, section, new_title, new_text],
            )
            if text is not None and text != old_text:
                self._audit(f"text:{section}", old_text, text, period_id=period_id)
            if title is not None and title != old_title:
                self._audit(f"title:{section}", old_title, title, period_id=period_id)

    # --- dossiers -----------------------------------------------------------------------
    def dossier_table(self, period_id: int, agency: str) -> dossiers.AgencyTable:
        table = dossiers.AgencyTable(agency)
        for r in self.db.query(
            "SELECT * FROM dossier_rows WHERE period_id = ? AND agency = ? ORDER BY position, id", [period_id, agency]
        ):
            vals = {c: (None if r[c] is None else Decimal(r[c])) for c in dossiers.COLUMNS}
            if r["field"] == "":
                table.total = vals
            else:
                table.fields.append({"id": r["id"], "name": r["field"], **vals})
        return table

    def dossier_tables(self, period_id: int) -> dict[str, dossiers.AgencyTable]:
        return {a: self.dossier_table(period_id, a) for a in dossiers.AGENCIES}

    def _check_agency(self, agency: str) -> None:
        if agency not in dossiers.AGENCIES:
            raise InvalidValue(f"Cơ quan “{agency}” không có (ubnd, cong_an, quan_su).")

    def add_field(self, period_id: int, agency: str, name: str) -> int:
        self._check_agency(agency)
        name = clean_line(name)
        if not name:
            raise InvalidValue("Lĩnh vực cần có tên.")
        with self.db.atomic():
            self._writable(period_id)
            if self.db.execute(
                "SELECT 1 FROM dossier_rows WHERE period_id = ? AND agency = ? AND field = ?", [period_id, agency, name]
            ).fetchone():
                raise InvalidValue(f"Đã có lĩnh vực “{name}”.")
            pos = self.db.execute(
                "SELECT COALESCE(MAX(position), 0) + 1 FROM dossier_rows WHERE period_id = ? AND agency = ?",
                [period_id, agency],
            ).fetchone()[0]
            rid = self.db["dossier_rows"].insert(
                {"period_id": period_id, "agency": agency, "field": name, "position": pos}
            ).last_pk
            self._audit(f"field:{agency}", None, name, period_id=period_id)
        return rid

    def rename_field(self, period_id: int, agency: str, old: str, new: str) -> None:
        new = clean_line(new)
        if not new:
            raise InvalidValue("Lĩnh vực cần có tên.")
        if old == new:
            return
        with self.db.atomic():
            self._writable(period_id)
            if self.db.execute(
                "SELECT 1 FROM dossier_rows WHERE period_id = ? AND agency = ? AND field = ?", [period_id, agency, new]
            ).fetchone():
                raise InvalidValue(f"Đã có lĩnh vực “{new}”.")
            cur = self.db.execute(
                "UPDATE dossier_rows SET field = ? WHERE period_id = ? AND agency = ? AND field = ?",
                [new, period_id, agency, old],
            )
            if cur.rowcount == 0:
                raise InvalidValue(f"Không có lĩnh vực “{old}”.")
            self._audit(f"field:{agency}", old, new, period_id=period_id)

    def remove_field(self, period_id: int, agency: str, name: str) -> None:
        with self.db.atomic():
            self._writable(period_id)
            cur = self.db.execute(
                "DELETE FROM dossier_rows WHERE period_id = ? AND agency = ? AND field = ? AND field != ''",
                [period_id, agency, name],
            )
            if cur.rowcount:
                self._audit(f"field:{agency}", name, None, period_id=period_id)

    def set_dossier(self, period_id: int, agency: str, field: str, column: str, text) -> int | None:
        """One cell of the dossier table; field '' is the agency's typed totals row."""
        self._check_agency(agency)
        if column not in dossiers.COLUMNS:
            raise InvalidValue(f"Cột “{column}” không có.")
        if text is None or (isinstance(text, str) and not text.strip()):
            value = None
        else:
            d = fmt.parse_number(str(text)) if not isinstance(text, (int, Decimal)) else Decimal(text)
            if d < 0 or d != d.to_integral_value():
                raise InvalidValue("Số hồ sơ phải là số nguyên không âm.")
            value = int(d)
        with self.db.atomic():
            self._writable(period_id)
            row = self.db.execute(
                f"SELECT id, {column} FROM dossier_rows WHERE period_id = ? AND agency = ? AND field = ?",
                [period_id, agency, field],
            ).fetchone()
            if row is None:
                if field != "":
                    raise InvalidValue(f"Không có lĩnh vực “{field}”.")
                self.db.execute(
                    f"INSERT INTO dossier_rows (period_id, agency, field, position, {column}) VALUES (?, ?, '', 0, ?)",
                    [period_id, agency, value],
                )
                old = None
            else:
                old = row[1]
                if old == value:
                    return value
                self.db.execute(f"UPDATE dossier_rows SET {column} = ? WHERE id = ?", [value, row[0]])
            self._audit(f"dossier:{agency}:{field or '*'}:{column}", old, value, period_id=period_id)
        return value

    # --- the dossier register -------------------------------------------------------------
    # --- documents ----------------------------------------------------------------------
    def documents(self, period_id: int) -> list[dict]:
        return [dict(r) for r in self.db.query(
            "SELECT * FROM documents WHERE period_id = ? ORDER BY position, id", [period_id]
        )]

    def add_document(self, period_id: int, **fields) -> int:
        record = {k: document_field(k, fields.get(k) or ("" if k != "date" else None)) for k in DOCUMENT_FIELDS}
        _check_doc(record)
        with self.db.atomic():
            self._writable(period_id)
            pos = self.db.execute(
                "SELECT COALESCE(MAX(position), 0) + 1 FROM documents WHERE period_id = ?", [period_id]
            ).fetchone()[0]
            did = self.db["documents"].insert({"period_id": period_id, "position": pos, **record}).last_pk
            self._audit("document", None, f"{record['number']}/{record['symbol']}", period_id=period_id)
        return did

    def update_document(self, doc_id: int, **fields) -> None:
        row = next(self.db.query("SELECT * FROM documents WHERE id = ?", [doc_id]), None)
        if row is None:
            raise UserError("Văn bản này không còn trong dữ liệu.")
        with self.db.atomic():
            self._writable(row["period_id"])
            for key, value in fields.items():
                if key not in DOCUMENT_FIELDS:
                    raise ValueError(key)
                value = document_field(key, value)
                _check_doc({key: value})
                if row[key] == value:
                    continue
                self.db.execute(f"UPDATE documents SET {key} = ? WHERE id = ?", [value, doc_id])
                self._audit(f"document:{doc_id}.{key}", row[key], value, period_id=row["period_id"])

    def remove_document(self, doc_id: int) -> None:
        row = next(self.db.query("SELECT * FROM documents WHERE id = ?", [doc_id]), None)
        if row is None:
            return
        with self.db.atomic():
            self._writable(row["period_id"])
            self.db.execute("DELETE FROM documents WHERE id = ?", [doc_id])
            self._audit("document", f"{row['number']}/{row['symbol']}", None, period_id=row["period_id"])


def _check_doc(record: dict) -> None:
    d = record.get("date")
    if d:
        try:
            dt.date.fromisoformat(d)
        except (TypeError, ValueError):
            raise InvalidValue(f"Ngày ban hành “{d}” không hợp lệ.") from None
