"""SQLite's errors in Vietnamese: the one place that reads sqlite3's English messages.

`disk_trouble_message` for a write the disk refused (what DiskTrouble carries),
`write_error_message` for any error of a write, as the window shows it (what happened, and
that what was typed is still on the screen), `open_error_message` when a file cannot be
opened for writing, `backup_error_message` when a backup cannot be written.
"""
from __future__ import annotations

import sqlite3
from pathlib import Path

from cchc_desktop.errors import UserError


class DiskTrouble(UserError, sqlite3.OperationalError):
    """Disk full, read-only or failing while writing the data file. Both a UserError (the CLI
    and the window show its Vietnamese message) and the sqlite3.OperationalError it was, so
    code that catches sqlite3 errors still does. The transaction was rolled back: what was
    saved before is intact, and the edit can be retried."""


def is_busy(e: Exception) -> bool:
    """Another connection holds the file's write lock."""
    text = str(e)
    return "locked" in text or "busy" in text


def disk_trouble_kind(e: Exception) -> str | None:
    """What sqlite's error says the disk did: "full", "readonly", "io", or None."""
    text = str(e).lower()
    if "database or disk is full" in text:
        return "full"
    if "readonly database" in text or "read-only" in text:
        return "readonly"
    if "disk i/o error" in text:
        return "io"
    return None


def disk_trouble_message(e: Exception) -> str | None:
    kind = disk_trouble_kind(e)
    if kind == "full":
        return ("Ổ đĩa đã đầy nên thay đổi chưa được lưu (dữ liệu đã lưu trước đó vẫn nguyên vẹn, nội dung vừa "
                "nhập vẫn còn trên màn hình). Hãy giải phóng dung lượng ổ đĩa rồi thử lại.")
    if kind == "readonly":
        return ("Tệp dữ liệu đang ở chế độ chỉ đọc nên thay đổi chưa được lưu. Hãy kiểm tra quyền ghi của thư mục "
                "(hoặc USB đang khóa ghi) rồi thử lại.")
    if kind == "io":
        return ("Lỗi đọc/ghi ổ đĩa nên thay đổi chưa được lưu (USB bị rút ra hoặc ổ đĩa hỏng?). Hãy kiểm tra ổ đĩa "
                "rồi thử lại; nội dung vừa nhập vẫn còn trên màn hình.")
    return None


def write_error_message(e: Exception) -> str:
    """Any error of a write that is not already a UserError, in one Vietnamese line."""
    text = str(e).lower()
    if "full" in text:
        return "Ổ đĩa đã đầy nên chưa lưu được thay đổi. Hãy giải phóng dung lượng rồi nhập lại (nội dung vẫn còn trên màn hình)."
    if "readonly" in text or "read-only" in text:
        return "Tệp dữ liệu đang ở chế độ chỉ đọc nên chưa lưu được. Hãy kiểm tra quyền ghi của thư mục."
    if is_busy(e):
        return "Tệp dữ liệu đang bận (một chương trình khác đang dùng). Hãy thử lại sau giây lát."
    if "disk i/o" in text:
        return "Lỗi đọc/ghi ổ đĩa khi lưu. Hãy kiểm tra ổ đĩa rồi thử lại (nội dung vẫn còn trên màn hình)."
    return f"Chưa lưu được thay đổi ({e}). Hãy thử lại."


def open_error_message(e: sqlite3.OperationalError, path) -> str:
    """Why the data file at `path` could not be opened for writing."""
    msg = str(e)
    if "readonly" in msg or "unable to open" in msg:
        return (f"Không ghi được vào tệp dữ liệu “{path}” (thư mục chỉ đọc hoặc không có quyền). "
                "Hãy chọn một thư mục khác, ví dụ trong Tài liệu của bạn.")
    if is_busy(e):
        return f"Tệp dữ liệu “{path.name}” đang được một chương trình khác dùng. Hãy đóng nó rồi thử lại."
    if "full" in msg:
        return f"Ổ đĩa đã đầy, không mở được tệp dữ liệu “{path.name}”. Hãy giải phóng dung lượng rồi thử lại."
    return f"Không mở được tệp dữ liệu “{path.name}”: {msg}."


def backup_error_message(e: sqlite3.Error, target: Path) -> str:
    """Why a backup (or a restore) could not be written to `target`."""
    text = str(e).lower()
    if "full" in text:
        return f"Ổ đĩa đã đầy, không ghi được bản sao lưu “{target.name}”. Hãy xóa bớt tệp hoặc chọn ổ khác rồi thử lại."
    if "readonly" in text or "unable to open" in text:
        return (f"Không ghi được bản sao lưu vào “{target.parent}” (thư mục chỉ đọc hoặc không có quyền). "
                "Hãy chọn thư mục khác rồi thử lại.")
    if "disk i/o" in text:
        return f"Lỗi đọc/ghi ổ đĩa khi sao lưu vào “{target.parent}” (USB bị rút ra?). Hãy cắm lại rồi thử lại."
    return f"Không sao lưu được ({e}). Hãy thử lại."
