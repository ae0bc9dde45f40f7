"""Is this file a usable data file of this app? Checked before anything writes to it, and
without modifying it: by the window and the command line when they open a file (open_store),
by `cchc-desktop check`, and on a backup before it replaces the file (store/backup.py)."""
from __future__ import annotations

import sqlite3
from pathlib import Path

from cchc_desktop.errors import DataFileError
from cchc_desktop.store.errors import is_busy
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


def check_file(path: str | Path) -> None:
    """Refuse a file that is not a usable data file of this app, without modifying it.

    A missing or empty file is fine (it will be created). Raises DataFileError with a
    Vietnamese message that says what to do. The window's open path (`open_store`) and the
    `check` command both go through this one function, so they agree on what is unusable.
    """
    p = Path(path)
    if not p.exists() or (p.is_file() and p.stat().st_size == 0):
        return
    if p.is_dir():
        raise DataFileError(f"“{p}” là một thư mục, không phải tệp dữ liệu. Hãy chọn một tệp .sqlite.")
    try:
        size = p.stat().st_size
        with open(p, "rb") as fh:
            header = fh.read(100)
    except OSError as e:
        raise DataFileError(f"Không đọc được tệp dữ liệu “{p}”: {e.strerror}. Hãy kiểm tra quyền truy cập.") from None
    if not header.startswith(SQLITE_HEADER):
        raise DataFileError(
            f"Tệp “{p.name}” không phải là tệp dữ liệu của CCHC Desktop (hoặc đã bị hỏng). "
            "Hãy chọn đúng tệp, hoặc khôi phục từ một bản sao lưu."
        )
    short = _header_problem(p, header, size)
    if short:
        raise DataFileError(
            f"Tệp dữ liệu “{p.name}” bị hỏng: thiếu phần cuối ({short}), có thể do sao chép dở dang hoặc USB bị rút ra "
            f"khi đang ghi. {RESTORE_HINT}"
        )
    try:
        conn = sqlite3.connect(sqlite_uri(p, mode="ro"), uri=True, timeout=CHECK_BUSY_TIMEOUT)
    except sqlite3.Error as e:
        raise DataFileError(f"Không mở được tệp “{p.name}”: {e}. {RESTORE_HINT}") from None
    try:
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        if app_id != APPLICATION_ID:
            if conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' LIMIT 1").fetchone() is None:
                return
            raise DataFileError(
                f"Tệp “{p.name}” là cơ sở dữ liệu của một chương trình khác, không phải của CCHC Desktop. "
                "Hãy chọn đúng tệp dữ liệu."
            )
        applied = applied_names(conn)
        if any(n not in KNOWN for n in applied):
            raise DataFileError(
                f"Tệp “{p.name}” được tạo bởi phiên bản CCHC Desktop mới hơn (cấu trúc dữ liệu "
                f"{len(applied)}, phiên bản này chỉ hiểu đến {SCHEMA_VERSION}). Hãy cập nhật phần mềm "
                "lên bản mới nhất rồi mở lại tệp; tệp không bị thay đổi."
            )
        result = [r[0] for r in conn.execute("PRAGMA quick_check(5)")]
        if result != ["ok"]:
            raise DataFileError(
                f"Tệp dữ liệu “{p.name}” bị hỏng ({'; '.join(result)[:200]}). {RESTORE_HINT}"
            )
    except sqlite3.OperationalError as e:
        if is_busy(e):
            raise DataFileError(
                f"Tệp dữ liệu “{p.name}” đang bị một chương trình khác khóa để ghi. "
                "Hãy đóng chương trình đó (hoặc đợi nó ghi xong) rồi mở lại tệp."
            ) from None
        raise DataFileError(f"Tệp dữ liệu “{p.name}” bị hỏng hoặc không đọc được ({e}). {RESTORE_HINT}") from None
    except sqlite3.DatabaseError as e:
        raise DataFileError(f"Tệp dữ liệu “{p.name}” bị hỏng hoặc không đọc được ({e}). {RESTORE_HINT}") from None
    finally:
        conn.close()
