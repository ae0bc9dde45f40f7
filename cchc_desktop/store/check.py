"""Is this file a usable data file of this app? Checked before anything writes to it, and
without modifying it: by the window and the command line when they open a file (open_store),
by `cchc-desktop check`, and on a backup before it replaces the file (store/backup.py)."""
from __future__ import annotations

import errno
import os
import shutil
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from cchc_desktop.errors import DataFileError
from cchc_desktop.store.errors import is_busy
from cchc_desktop.store.lock import IN_USE_MESSAGE, is_locked
from cchc_desktop.store.migrations import KNOWN, SCHEMA_VERSION, applied_names
from cchc_desktop.store.uri import sqlite_uri

# PRAGMA application_id marks the file as ours: 'CCHC' in ASCII.
APPLICATION_ID = 0x43434843
SQLITE_HEADER = b"SQLite format 3\x00"
CHECK_BUSY_TIMEOUT = 2.0  # seconds to wait for another program's write lock while checking
RESTORE_HINT = ("Hãy khôi phục từ một bản sao lưu trong thư mục “sao-luu” bên cạnh tệp (chương trình đề nghị "
                "việc này khi mở tệp; hoặc lệnh cchc-desktop restore).")


def _header_problem(p: Path, header: bytes, size: int) -> str | None:
    """A file shorter than its own header says (copied half-way, USB pulled out)."""
    if len(header) < 100:
        return f"chỉ còn {size} byte"
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    if page_size < 512 or page_size & (page_size - 1):
        return None  # not a size SQLite writes: quick_check will say what is wrong
    wal = p.with_name(p.name + "-wal")
    if wal.exists() and wal.stat().st_size > 0:
        return None  # pages may still be in the WAL; SQLite's own checks decide
    pages = int.from_bytes(header[28:32], "big")
    valid = header[24:28] == header[92:96] and pages > 0
    if size % page_size:
        return f"{size // 1024} KB, không trọn trang dữ liệu"
    if valid and size < pages * page_size:
        return f"chỉ còn {size // 1024} KB trên {pages * page_size // 1024} KB"
    return None


# What state a data file is in (FileState.kind)
NEW = "new"  # missing or empty: it will be created
USABLE = "usable"
READ_ONLY = "read_only"  # read-only media, folder or file: opens read-only
DISK_FULL = "disk_full"  # no room to write: opens read-only
LOCKED_BY_APP = "locked_by_app"  # another window of this app writes it: readers go on
LOCKED_BY_OTHER = "locked_by_other"  # another program holds SQLite's lock
NEWER = "newer"  # made by a newer version
NOT_OURS = "not_ours"  # a folder, another program's database, not SQLite at all
DAMAGED = "damaged"  # fails its integrity check (or cut short): only this is called damaged
UNREADABLE = "unreadable"  # the OS refuses to read it (permissions)

MIN_FREE = 1024 * 1024  # bytes a writer needs free beside the file (WAL, journal, lock)
_OS_READ_ONLY = {errno.EROFS, errno.EACCES, errno.EPERM}

LOCKED_BY_OTHER_MESSAGE = (
    "Tệp dữ liệu “{name}” đang bị một chương trình khác khóa: thường là DB Browser for SQLite (hoặc công cụ "
    "xem cơ sở dữ liệu khác) đang mở tệp, phần mềm diệt virus đang quét, hoặc OneDrive/Google Drive đang "
    "đồng bộ. Hãy đóng chương trình đó, hoặc đợi vài giây cho việc quét, đồng bộ xong, rồi thử lại. "
    "Tệp không bị thay đổi."
)


@dataclass(frozen=True)
class FileState:
    """What `open_state` found. `message` (Vietnamese, empty when usable) says what it means
    and what to do; `read_uri`, when set, is how the file can still be read (mode=ro, or
    immutable=1 where not even the -shm can be made)."""

    kind: str
    path: Path
    message: str = ""
    read_uri: str | None = None

    @property
    def writable(self) -> bool:
        return self.kind in (NEW, USABLE)

    @property
    def readable(self) -> bool:
        """The file holds good data that can be shown (maybe not written)."""
        return self.kind in (USABLE, READ_ONLY, DISK_FULL, LOCKED_BY_APP)


def _human(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB".replace(".", ",")


def _os_refuses_writing(p: Path) -> OSError | None:
    """The error the OS gives for writing the file (opened, nothing written) or creating files
    beside it (its -wal, -shm, journal, lock), if any."""
    folder = p.parent if str(p.parent) else Path(".")
    try:
        if p.exists():
            with open(p, "r+b"):
                pass
    except OSError as e:
        return e
    if not os.access(folder, os.W_OK):  # a read-only mount says so even to root
        return OSError(errno.EACCES, "thư mục chỉ đọc")
    return None


def _full_message(p: Path, free: int) -> str:
    return (f"Ổ đĩa đầy: nơi chứa tệp “{p.name}” chỉ còn trống {_human(free)}, cần ít nhất {_human(MIN_FREE)} "
            "để ghi (bản sao lưu cần thêm khoảng bằng cỡ tệp, "
            f"{_human(p.stat().st_size if p.exists() else 0)}). Hãy xóa bớt tệp không cần trên ổ đĩa đó rồi mở lại; "
            "tệp dữ liệu vẫn nguyên vẹn.")


def _free(folder: Path) -> int | None:
    try:
        return shutil.disk_usage(folder).free
    except OSError:
        return None


def open_state(path: str | Path, busy_timeout: float | None = None) -> FileState:
    """Read the situation, then judge the file, without modifying it: the one place that says
    whether a data file is usable, read-only (media, folder or file), on a full disk, locked
    by another window of this app or by another program, from a newer version, or damaged.

    Only a file that fails its integrity check (or is cut short) is DAMAGED: a read-only USB
    stick, a full disk or a lock held by another program never is."""
    p = Path(path)
    busy_timeout = CHECK_BUSY_TIMEOUT if busy_timeout is None else busy_timeout
    folder = p.parent if str(p.parent) else Path(".")
    if not p.exists() or (p.is_file() and p.stat().st_size == 0):
        refused = _os_refuses_writing(p) if folder.is_dir() else None
        if refused is not None and refused.errno in _OS_READ_ONLY:
            return FileState(READ_ONLY, p, f"Không tạo được tệp dữ liệu “{p.name}”: thư mục “{folder}” chỉ đọc "
                                            "(USB khóa ghi, đĩa CD, thư mục dùng chung chỉ đọc hoặc không có quyền). "
                                            "Hãy chọn một thư mục khác, ví dụ trong Tài liệu của bạn.")
        return FileState(NEW, p)
    if p.is_dir():
        return FileState(NOT_OURS, p, f"“{p}” là một thư mục, không phải tệp dữ liệu. Hãy chọn một tệp .sqlite.")
    try:
        size = p.stat().st_size
        with open(p, "rb") as fh:
            header = fh.read(100)
    except OSError as e:
        if getattr(e, "winerror", None) in (32, 33):
            return FileState(LOCKED_BY_OTHER, p, LOCKED_BY_OTHER_MESSAGE.format(name=p.name))
        return FileState(UNREADABLE, p, f"Không đọc được tệp dữ liệu “{p}”: {e.strerror}. "
                                        "Hãy kiểm tra quyền truy cập (tệp không bị thay đổi).")
    if not header.startswith(SQLITE_HEADER):
        return FileState(NOT_OURS, p, f"Tệp “{p.name}” không phải là tệp dữ liệu của CCHC Desktop (hoặc đã bị hỏng). "
                                      "Hãy chọn đúng tệp, hoặc khôi phục từ một bản sao lưu.")
    short = _header_problem(p, header, size)
    if short:
        return FileState(DAMAGED, p, f"Tệp dữ liệu “{p.name}” bị hỏng: thiếu phần cuối ({short}), có thể do sao chép dở "
                                     f"dang hoặc USB bị rút ra khi đang ghi. {RESTORE_HINT}")
    refused = _os_refuses_writing(p)
    if refused is not None and getattr(refused, "winerror", None) in (32, 33):
        return FileState(LOCKED_BY_OTHER, p, LOCKED_BY_OTHER_MESSAGE.format(name=p.name))
    read_only = refused is not None
    free = _free(folder)
    full = not read_only and free is not None and free < MIN_FREE
    wal = p.with_name(p.name + "-wal")
    uris = [sqlite_uri(p, mode="ro")]
    if (read_only or full) and not (wal.exists() and wal.stat().st_size > 0):
        # a WAL file read where its -shm cannot be made: immutable is exact while no -wal holds pages
        uris.append(sqlite_uri(p, mode="ro", immutable="1"))
    problem = None
    for uri in uris:
        problem = _judge(p, uri, busy_timeout)
        if problem is None or problem.kind != UNREADABLE:
            break
    if problem is not None:
        if problem.kind == UNREADABLE and (read_only or full):
            return FileState(READ_ONLY if read_only else DISK_FULL, p, (
                f"Tệp dữ liệu “{p.name}” có phần thay đổi chưa gộp vào tệp (“{wal.name}”) nhưng nằm ở nơi không ghi được, "
                "nên chưa đọc được an toàn. Hãy chép tệp cùng các tệp “-wal”, “-shm” bên cạnh sang một thư mục trên "
                "máy (ví dụ Tài liệu) rồi mở bản chép; tệp không bị thay đổi."))
        if problem.kind == UNREADABLE and free is not None and free < MIN_FREE:
            return FileState(DISK_FULL, p, _full_message(p, free))
        return problem
    read_uri = uri
    if read_only:
        return FileState(READ_ONLY, p, (
            f"Tệp dữ liệu “{p.name}” đang ở nơi chỉ đọc (USB khóa ghi, đĩa CD, thư mục dùng chung chỉ đọc, hoặc tệp "
            "chỉ đọc): xem, xuất Word/Excel và kiểm tra được, nhưng không sửa được. "
            "Muốn sửa, hãy chép tệp sang một thư mục trên máy (ví dụ Tài liệu) rồi mở bản chép. Tệp không bị hỏng."),
            read_uri)
    if full:
        return FileState(DISK_FULL, p, _full_message(p, free) + " Trong lúc chờ vẫn xem, xuất và kiểm tra được.", read_uri)
    if is_locked(p):
        return FileState(LOCKED_BY_APP, p, IN_USE_MESSAGE.format(name=p.name), read_uri)
    return FileState(USABLE, p, read_uri=read_uri)


def _judge(p: Path, uri: str, busy_timeout: float) -> FileState | None:
    """None if SQLite, reading through `uri`, finds a good data file of this app; else its state."""
    try:
        conn = sqlite3.connect(uri, uri=True, timeout=busy_timeout)
    except sqlite3.Error as e:
        return FileState(UNREADABLE, p, f"Không mở được tệp “{p.name}” ({e}). Tệp không bị thay đổi.")
    try:
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        if app_id != APPLICATION_ID:
            if conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' LIMIT 1").fetchone() is None:
                return None
            return FileState(NOT_OURS, p, f"Tệp “{p.name}” là cơ sở dữ liệu của một chương trình khác, không phải của "
                                          "CCHC Desktop. Hãy chọn đúng tệp dữ liệu.")
        applied = applied_names(conn)
        if any(n not in KNOWN for n in applied):
            return FileState(NEWER, p, f"Tệp “{p.name}” được tạo bởi phiên bản CCHC Desktop mới hơn (cấu trúc dữ liệu "
                                       f"{len(applied)}, phiên bản này chỉ hiểu đến {SCHEMA_VERSION}). Hãy cập nhật "
                                       "phần mềm lên bản mới nhất rồi mở lại tệp; tệp không bị thay đổi.")
        result = [r[0] for r in conn.execute("PRAGMA quick_check(5)")]
        if result != ["ok"]:
            return FileState(DAMAGED, p, f"Tệp dữ liệu “{p.name}” bị hỏng ({'; '.join(result)[:200]}). {RESTORE_HINT}")
        if applied:  # the catalogues' texts are read at every opening: a damaged cell quick_check cannot see
            conn.execute("SELECT version, name, text FROM catalogues").fetchall()
    except sqlite3.OperationalError as e:
        if is_busy(e):
            return FileState(LOCKED_BY_OTHER, p, LOCKED_BY_OTHER_MESSAGE.format(name=p.name))
        text = str(e).lower()
        if "unable to open" in text or "disk i/o" in text or "readonly" in text or "full" in text:
            # the situation (no -shm, no room), not the file: the caller decides with what it read
            return FileState(UNREADABLE, p, f"Không đọc được tệp dữ liệu “{p.name}” ({e}). Tệp không bị thay đổi.")
        return FileState(DAMAGED, p, f"Tệp dữ liệu “{p.name}” bị hỏng hoặc không đọc được ({e}). {RESTORE_HINT}")
    except sqlite3.DatabaseError as e:
        return FileState(DAMAGED, p, f"Tệp dữ liệu “{p.name}” bị hỏng hoặc không đọc được ({e}). {RESTORE_HINT}")
    finally:
        conn.close()
    return None


class FileRefused(DataFileError):
    """A data file refused as it is: `state` (a FileState) says why."""

    def __init__(self, state: FileState):
        super().__init__(state.message)
        self.state = state


def check_file(path: str | Path) -> FileState:
    """Refuse (FileRefused, a DataFileError) a file whose data cannot be used — damaged,
    foreign, newer, held by another program, unreadable — without modifying it. A missing or
    empty file is fine (it will be created); so is a good file on read-only media or a full
    disk (it can be read, backed up, exported). Returns the state (open_state)."""
    state = open_state(path)
    if state.kind in (NEW, USABLE, READ_ONLY, DISK_FULL, LOCKED_BY_APP):
        return state
    raise FileRefused(state)
