"""Backups of the data file, their thinning, and restoring one.

Where: a folder `sao-luu/` beside the data file (or, when that folder cannot be written,
`<user data folder>/sao-luu/<file name>-<hash>/`). What: a full copy made with SQLite's
online backup API (consistent even while the file is in use) after a WAL checkpoint, turned
into a single self-contained file (journal mode DELETE), checked with `PRAGMA quick_check`,
then renamed into place (temporary file, fsync, rename): a backup is whole or absent.

Names: `<stem>_<YYYY-MM-DD>_<HHMMSS>[-n]_<reason>.sqlite`, e.g.
`cchc_2024-05-02_081500_mo-tep.sqlite`; `index.json` in the folder keeps each backup's
SHA-256 so that "changed since the last backup" is a comparison of hashes. The index is a
cache: without it a backup is listed from its name and read from its content.

When: on opening a file that has changed since its last backup (`open_store`), when the app
closes, and always before a schema upgrade, a restore or an import (`backup_now`). Old
automatic backups are thinned by `thin()`: every backup of the last day, then one a day for
a week, one a week for a month, one a month after that.
"""
from __future__ import annotations

import datetime as dt
import glob
import hashlib
import json
import os
import re
import shutil
import sqlite3
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from cchc_desktop.domain import units
from cchc_desktop.errors import DataFileError, UserError
from cchc_desktop.fileio import _fsync_dir, atomic_write, os_error_message, replace_file, temp_file, usual_mode
from cchc_desktop.store.check import check_file
from cchc_desktop.store.errors import backup_error_message
from cchc_desktop.store.lock import WriterLock
from cchc_desktop.store.uri import sqlite_uri

DIR_NAME = "sao-luu"
INDEX_NAME = "index.json"
REASONS = {
    "mo-tep": "khi mở tệp",
    "dong": "khi đóng chương trình",
    "nang-cap": "trước khi nâng cấp phần mềm",
    "khoi-phuc": "trước khi khôi phục bản sao lưu",
    "nhap": "trước khi nhập dữ liệu",
    "thu-cong": "sao lưu theo yêu cầu",
    "hong": "tệp hỏng, giữ lại trước khi khôi phục",
}
_NAME = re.compile(
    r"^(?P<stem>.+)_(?P<date>\d{4}-\d{2}-\d{2})_(?P<time>\d{6})(?:-(?P<n>\d+))?_(?P<reason>[a-z0-9-]+)\.sqlite$"
)
_STALE_TEMP = dt.timedelta(minutes=10)
_INTERRUPTED_TEMP = dt.timedelta(minutes=1)  # at start, with the writer lock: no backup of ours runs
# What thinning keeps is also bounded in size: the oldest go first, the newest few always stay.
MIN_TOTAL_BYTES = 64 * 1024 * 1024
TOTAL_TIMES_FILE = 20  # the bound is the larger of MIN_TOTAL_BYTES and this many times the newest backup
ALWAYS_KEPT = 3


# --- thinning (pure) -----------------------------------------------------------------------
def thin(times: list[dt.datetime], now: dt.datetime) -> set[dt.datetime]:
    """The backup times to keep: every one of the last day; then the newest of each calendar
    day for a week, of each ISO week for a month (30 days), of each month after that.
    Backups from the future (a clock set back) are kept."""
    keep: set[dt.datetime] = set()
    buckets: dict[tuple, dt.datetime] = {}
    for t in times:
        age = now - t
        if age <= dt.timedelta(days=1):
            keep.add(t)
            continue
        if age <= dt.timedelta(days=7):
            key = ("ngay", t.date())
        elif age <= dt.timedelta(days=30):
            key = ("tuan", *t.isocalendar()[:2])
        else:
            key = ("thang", t.year, t.month)
        if key not in buckets or t > buckets[key]:
            buckets[key] = t
    keep.update(buckets.values())
    return keep


# --- where backups live --------------------------------------------------------------------
def backup_dir(data_path: str | Path) -> Path:
    """The backup folder beside the data file."""
    return Path(data_path).resolve().parent / DIR_NAME


def fallback_dir(data_path: str | Path) -> Path:
    """Used when the folder of the data file cannot be written (a read-only share)."""
    import platformdirs  # platformdirs: only when the default folder is needed (start-up time)

    p = Path(data_path).resolve()
    tag = hashlib.sha1(str(p).lower().encode()).hexdigest()[:8]
    return Path(platformdirs.user_data_dir("CCHC Desktop", appauthor=False)) / DIR_NAME / f"{p.stem}-{tag}"


def backup_dirs(data_path: str | Path) -> list[Path]:
    return [backup_dir(data_path), fallback_dir(data_path)]


@dataclass
class Backup:
    path: Path
    at: dt.datetime
    reason: str
    stem: str
    size: int = 0
    seq: int = 1  # 2, 3 … for backups made within the same second
    sha256: str | None = None
    details: dict = field(default_factory=dict)

    @property
    def reason_label(self) -> str:
        return REASONS.get(self.reason, self.reason)


def parse_name(path: Path) -> Backup | None:
    m = _NAME.match(path.name)
    if not m:
        return None
    try:
        at = dt.datetime.strptime(f"{m['date']} {m['time']}", "%Y-%m-%d %H%M%S")
    except ValueError:
        return None
    try:
        size = path.stat().st_size
    except OSError:
        size = 0
    return Backup(path, at, m["reason"], m["stem"], size, int(m["n"] or 1))


def list_backups(data_path: str | Path) -> list[Backup]:
    """The automatic backups of a data file, newest first (from both possible folders)."""
    stem = Path(data_path).stem
    found: dict[Path, Backup] = {}
    for folder in backup_dirs(data_path):
        if not folder.is_dir():
            continue
        index = _read_index(folder)
        for f in folder.glob("*.sqlite"):
            b = parse_name(f)
            if b is None or b.stem != stem:
                continue
            b.sha256 = index.get(f.name, {}).get("sha256")
            found[f.resolve()] = b
    return sorted(found.values(), key=lambda b: (b.at, b.seq, b.path.name), reverse=True)


def _read_index(folder: Path) -> dict[str, dict]:
    try:
        doc = json.loads((folder / INDEX_NAME).read_text(encoding="utf-8"))
        return {e["file"]: e for e in doc.get("backups", []) if isinstance(e, dict) and "file" in e}
    except (OSError, ValueError, TypeError, AttributeError):
        return {}


def _write_index(folder: Path, entries: dict[str, dict]) -> None:
    doc = {"format": "cchc-desktop/backups", "format_version": 1,
           "backups": sorted(entries.values(), key=lambda e: e.get("at", ""))}
    try:
        atomic_write(folder / INDEX_NAME, json.dumps(doc, ensure_ascii=False, indent=1).encode("utf-8"))
    except UserError:
        pass  # the index is a cache; the backups themselves are what matters


# --- making a backup -----------------------------------------------------------------------
def _source(store_or_path):
    """(connection, data path, close_after) for a Store, a sqlite3 connection pair or a path."""
    if isinstance(store_or_path, tuple):  # (conn, path) from open_store
        conn, path = store_or_path
        return conn, Path(path), False
    if hasattr(store_or_path, "db") and hasattr(store_or_path, "path"):
        return store_or_path.db.conn, Path(store_or_path.path), False
    path = Path(store_or_path)
    if not path.exists() or path.stat().st_size == 0:
        raise UserError(f"Không có tệp dữ liệu “{path}” để sao lưu.")
    state = check_file(path)  # a good file on read-only media or a full disk can be backed up elsewhere
    try:
        conn = sqlite3.connect(state.read_uri or sqlite_uri(path, mode="ro"), uri=True, timeout=10)
    except sqlite3.Error as e:
        raise DataFileError(f"Không mở được tệp “{path.name}” để sao lưu: {e}.") from None
    return conn, path, True


def _copy_to(conn: sqlite3.Connection, tmp: Path) -> str:
    """Copy the database of `conn` into `tmp` (backup API), verify it; returns its SHA-256."""
    usual_mode(tmp)
    dst = sqlite3.connect(str(tmp))
    try:
        dst.execute("PRAGMA synchronous = OFF")  # fsync once, below, when the file is kept
        conn.backup(dst)
        dst.execute("PRAGMA journal_mode = DELETE")  # one self-contained file, no -wal beside it
        result = dst.execute("PRAGMA quick_check").fetchone()[0]
        if result != "ok":
            raise UserError(f"Bản sao lưu vừa tạo không đọc lại được ({result}). Hãy thử lại hoặc chọn ổ khác.")
    finally:
        dst.close()
    h = hashlib.sha256()
    with open(tmp, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _free_name(folder: Path, stem: str, at: dt.datetime, reason: str) -> Path:
    """A new name; a second backup within the same second (any reason) gets -2, -3 …"""
    base = f"{stem}_{at:%Y-%m-%d_%H%M%S}"
    taken = {m["n"] for f in folder.glob(f"{glob_escape(base)}*.sqlite")
             if (m := _NAME.match(f.name)) and m["stem"] == stem}
    n, tag = 1, ""
    while (None if n == 1 else str(n)) in taken:
        n += 1
        tag = f"-{n}"
    return folder / f"{base}{tag}_{reason}.sqlite"


def glob_escape(text: str) -> str:
    return glob.escape(text)


def _clean_stale_temps(folder: Path, now: dt.datetime) -> None:
    for f in folder.glob(".*.tmp"):
        try:
            if now - dt.datetime.fromtimestamp(f.stat().st_mtime) > _STALE_TEMP:
                f.unlink()
        except OSError:
            pass


def _slug(reason: str) -> str:
    s = re.sub(r"[^a-z0-9-]+", "-", reason.lower()).strip("-")
    return s or "thu-cong"


def _make(conn, data_path: Path, reason: str, folder: Path, *, only_if_changed: bool, auto: bool,
          now: dt.datetime | None) -> Path | None:
    now = now or dt.datetime.now()
    stem = data_path.stem
    try:
        folder.mkdir(parents=True, exist_ok=True)
        tmp = temp_file(folder, f".{stem}-", ".tmp")
    except OSError as e:
        raise UserError(os_error_message(e, folder / f"{stem}.sqlite")) from None
    try:
        if conn.in_transaction:
            raise RuntimeError("backup inside an open transaction")
        try:  # what the WAL holds goes into the main file first (Anki does the same)
            conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
        except sqlite3.Error:
            pass
        digest = _copy_to(conn, tmp)
        index = _read_index(folder) if auto else {}
        if only_if_changed:
            mine = [b for b in list_backups(data_path) if b.path.parent == folder]
            last = mine[0] if mine else None
            if last is not None and index.get(last.path.name, {}).get("sha256") == digest:
                tmp.unlink()
                return None
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        target = _free_name(folder, stem, now, _slug(reason))
        replace_file(tmp, target)
        _fsync_dir(folder)
    except OSError as e:
        _remove(tmp)
        raise UserError(os_error_message(e, folder / f"{stem}.sqlite")) from None
    except sqlite3.Error as e:
        _remove(tmp)
        raise UserError(backup_error_message(e, folder / f"{stem}.sqlite")) from None
    except BaseException:
        _remove(tmp)
        raise
    if auto:
        index[target.name] = {"file": target.name, "source": data_path.name, "at": now.isoformat(timespec="seconds"),
                              "reason": _slug(reason), "sha256": digest, "size": target.stat().st_size}
        _write_index(folder, index)
        prune(data_path, now=now)
        _clean_stale_temps(folder, now)
    return target


def _auto_folder(data_path: Path) -> Path:
    """The folder beside the data file when it can be written, else the fallback folder."""
    primary = backup_dir(data_path)
    try:
        primary.mkdir(exist_ok=True)
        probe = tempfile.NamedTemporaryFile(dir=primary, prefix=".probe-", suffix=".tmp", delete=True)
        probe.close()
        return primary
    except OSError:
        return fallback_dir(data_path)


def _run(store_or_path, reason: str, *, only_if_changed: bool, to: str | Path | None = None,
         now: dt.datetime | None = None) -> Path | None:
    conn, data_path, close = _source(store_or_path)
    try:
        if to is not None:
            folder = Path(to)
            if not folder.is_dir():
                raise UserError(f"Thư mục “{folder}” không tồn tại (USB đã rút ra?). Hãy chọn lại nơi sao lưu.")
            return _make(conn, data_path, reason, folder, only_if_changed=False, auto=False, now=now)
        made = _make(conn, data_path, reason, _auto_folder(data_path), only_if_changed=only_if_changed,
                     auto=True, now=now)
        if not close:  # made or found equal: the newest backup is this content
            _note_current(conn)
        return made
    finally:
        if close:
            conn.close()


def backup_now(store_or_path, reason: str = "thu-cong", *, now: dt.datetime | None = None) -> Path:
    """Back up the data file now (a Store, or the path of a data file) into its backup folder.

    Call it before anything that rewrites much of the file (an import, a restore). Raises
    UserError (Vietnamese, says what to do) when the backup cannot be written.
    """
    return _run(store_or_path, reason, only_if_changed=False, now=now)


# The connections through which the newest automatic backup was made or found equal, with what
# they had written by then (id → (connection, mark)): the connection is kept so that its id is
# not reused; a few at most (a window, a command).
_CURRENT: dict[int, tuple] = {}


def _mark(conn) -> tuple:
    """What changes when the file changes: rows written through this connection (temporary tables
    included), a commit by another one, the schema, the user version."""
    return (conn.total_changes, *(conn.execute(f"PRAGMA main.{p}").fetchone()[0]
                                  for p in ("data_version", "schema_version", "user_version")))


def _note_current(conn) -> None:
    _CURRENT.pop(id(conn), None)
    while len(_CURRENT) >= 8:
        _CURRENT.pop(next(iter(_CURRENT)))
    _CURRENT[id(conn)] = (conn, _mark(conn))


def is_current(store_or_conn) -> bool:
    """True when the newest automatic backup holds exactly what the file holds now: it was made
    (or found equal) through this connection and nothing was written since, through it or
    another. Then backup_if_changed need not copy the file again to find that out (it copies
    and hashes the whole file: seconds for a register of a million dossiers)."""
    conn = getattr(getattr(store_or_conn, "db", None), "conn", store_or_conn)
    entry = _CURRENT.get(id(conn))
    if entry is None or entry[0] is not conn:
        return False
    try:
        return entry[1] == _mark(conn)
    except sqlite3.Error:
        return False


def backup_if_changed(store_or_path, reason: str, *, now: dt.datetime | None = None,
                      unless_newer_than: dt.timedelta | None = None) -> Path | None:
    """A backup only when the content differs from the last backup; returns None otherwise.
    `unless_newer_than`: none either while the newest backup is younger than that (the command
    line: one backup per sitting, not one per edit)."""
    conn = store_or_path[0] if isinstance(store_or_path, tuple) else getattr(
        getattr(store_or_path, "db", None), "conn", None)
    if conn is not None and is_current(conn):
        return None
    if unless_newer_than is not None:
        data_path = Path(store_or_path[1]) if isinstance(store_or_path, tuple) else Path(
            getattr(store_or_path, "path", store_or_path))
        newest = list_backups(data_path)[:1]
        if newest and dt.timedelta(0) <= (now or dt.datetime.now()) - newest[0].at < unless_newer_than:
            return None
    return _run(store_or_path, reason, only_if_changed=True, now=now)


def remove_interrupted(data_path: str | Path, now: dt.datetime | None = None) -> list[Path]:
    """The temporary files of a backup or restore cut short (the app killed, the power gone),
    removed: called at start with the writer lock held, so none of them is still being written."""
    now = now or dt.datetime.now()
    p = Path(data_path)
    removed = []
    for folder in [*backup_dirs(p), p.parent]:
        if not folder.is_dir():
            continue
        for pattern in (f".{glob_escape(p.stem)}-*.tmp", f".{glob_escape(p.name)}.*.restore.tmp"):
            for f in folder.glob(pattern):
                try:
                    if now - dt.datetime.fromtimestamp(f.stat().st_mtime) > _INTERRUPTED_TEMP:
                        f.unlink()
                        removed.append(f)
                except OSError:
                    pass
    return removed


def backup_to(store_or_path, folder: str | Path, *, now: dt.datetime | None = None) -> Path:
    """“Sao lưu ra USB…”: a verified copy in a folder of the user's choice (not thinned)."""
    return _run(store_or_path, "thu-cong", only_if_changed=False, to=folder, now=now)


def prune(data_path: str | Path, now: dt.datetime | None = None) -> list[Path]:
    """Delete the automatic backups that thinning does not keep; returns what was deleted."""
    now = now or dt.datetime.now()
    backups = list_backups(data_path)
    keep = thin([b.at for b in backups], now)
    seen: set[dt.datetime] = set()
    removed = []
    limit = max(MIN_TOTAL_BYTES, TOTAL_TIMES_FILE * (backups[0].size if backups else 0))
    total = kept = 0
    for b in backups:  # newest first
        # Two backups in the same second: both stay within the last day, else the newer one.
        if b.at in keep and (b.at not in seen or now - b.at <= dt.timedelta(days=1)) \
                and (kept < ALWAYS_KEPT or total + b.size <= limit):
            seen.add(b.at)
            total += b.size
            kept += 1
            continue
        for f in (b.path, b.path.with_name(b.path.name + "-wal")):
            try:
                f.unlink()
            except FileNotFoundError:
                pass
            except OSError:
                break
        else:
            removed.append(b.path)
    if removed:
        for folder in {p.parent for p in removed}:
            index = _read_index(folder)
            for p in removed:
                index.pop(p.name, None)
            _write_index(folder, index)
    return removed


# --- reading a backup ----------------------------------------------------------------------
def _ro(path: Path) -> sqlite3.Connection:
    # immutable: a backup is never written, and it may sit on a write-protected USB stick
    return sqlite3.connect(sqlite_uri(path, mode="ro", immutable="1"), uri=True)


def describe(path: str | Path) -> dict:
    """What a backup holds, read-only: unit, periods, a few key figures, last change."""
    path = Path(path)
    info: dict = {"unit": "", "periods": [], "values": 0, "dossiers": None, "edits": 0, "last_edit": None,
                  "error": None}
    try:
        conn = _ro(path)
    except sqlite3.Error as e:
        info["error"] = str(e)
        return info
    try:
        row = conn.execute("SELECT name, kind FROM units ORDER BY (parent_code IS NULL) DESC, rowid LIMIT 1").fetchone()
        if row:
            info["unit"] = units.label({"name": row[0], "kind": row[1]})
        info["periods"] = [f"{y}-{k}" for y, k in conn.execute("SELECT year, kind FROM periods ORDER BY year, id")]
        info["values"] = conn.execute("SELECT COUNT(*) FROM indicator_values WHERE value IS NOT NULL").fetchone()[0]
        info["dossiers"] = conn.execute(
            "SELECT SUM(COALESCE(truc_tuyen, 0) + COALESCE(truc_tiep, 0)) FROM dossier_rows WHERE field != '' "
        ).fetchone()[0]
        info["edits"], info["last_edit"] = conn.execute("SELECT COUNT(*), MAX(at) FROM audit").fetchone()
    except sqlite3.Error as e:
        info["error"] = str(e)
    finally:
        conn.close()
    return info


# --- restoring -----------------------------------------------------------------------------
def restore(data_path: str | Path, backup_path: str | Path, *, now: dt.datetime | None = None) -> Path | None:
    """Replace the data file by a backup. Close every Store on the file first.

    The current file is backed up first (as “khoi-phuc”; a damaged file is kept as a raw copy,
    reason “hong”). The backup is copied through the backup API into a temporary file beside
    the data file, checked, fsynced and renamed over it. Returns the safety copy of the file
    that was replaced (None when there was no file).
    """
    data_path, backup_path = Path(data_path), Path(backup_path)
    if not backup_path.is_file():
        raise UserError(f"Không tìm thấy bản sao lưu “{backup_path}”.")
    try:
        check_file(backup_path)
    except DataFileError as e:
        raise DataFileError(f"Bản sao lưu “{backup_path.name}” không dùng được: {e}") from None
    if data_path.exists() and data_path.resolve() == backup_path.resolve():
        raise UserError("Bản sao lưu chính là tệp dữ liệu đang dùng. Hãy chọn một bản sao lưu khác.")
    lock = WriterLock.acquire(data_path)  # refused while a window has the file open
    try:
        safety = None
        if data_path.exists() and data_path.stat().st_size > 0:
            try:
                check_file(data_path)
                usable = True
            except DataFileError:
                usable = False
            safety = backup_now(data_path, "khoi-phuc", now=now) if usable else _raw_copy(data_path, now)
        _replace_with(data_path, backup_path)
    finally:
        if lock is not None:
            lock.release()
    return safety


def _raw_copy(data_path: Path, now: dt.datetime | None) -> Path:
    """Keep a damaged file (and its WAL) byte for byte before it is replaced."""
    now = now or dt.datetime.now()
    folder = _auto_folder(data_path)
    target = _free_name(folder, data_path.stem, now, "hong")
    try:
        shutil.copyfile(data_path, target)
        wal = data_path.with_name(data_path.name + "-wal")
        if wal.exists():
            shutil.copyfile(wal, target.with_name(target.name + "-wal"))
    except OSError as e:
        raise UserError(os_error_message(e, target)) from None
    return target


def _replace_with(data_path: Path, backup_path: Path) -> None:
    folder = data_path.resolve().parent
    try:
        tmp = temp_file(folder, f".{data_path.name}.", ".restore.tmp")
    except OSError as e:
        raise UserError(os_error_message(e, data_path)) from None
    try:
        src = _ro(backup_path)
        try:
            _copy_to(src, tmp)
        finally:
            src.close()
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        # The old file's WAL must never be replayed onto the restored file.
        for suffix in ("-wal", "-shm", "-journal"):
            side = data_path.with_name(data_path.name + suffix)
            if side.exists():
                side.unlink()
        replace_file(tmp, data_path)
        _fsync_dir(folder)
    except OSError as e:
        _remove(tmp)
        raise UserError(os_error_message(e, data_path)) from None
    except sqlite3.Error as e:
        _remove(tmp)
        raise UserError(backup_error_message(e, data_path)) from None
    except BaseException:
        _remove(tmp)
        raise


def _remove(p: Path) -> None:
    for f in (p, p.with_name(p.name + "-journal")):
        try:
            f.unlink()
        except OSError:
            pass
