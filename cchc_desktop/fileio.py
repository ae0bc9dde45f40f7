"""Writing a file so that the target is either the old file or the whole new one, never half.

Write into a temporary file in the target's own folder (so the rename stays on one
volume), flush and fsync it, then rename over the target. Every export, package and backup
writes through `atomic_write`. The file gets the permissions of any new file (not the 0600 of
a temporary file). OS errors become a Vietnamese UserError that says what to do.
"""
from __future__ import annotations

import contextlib
import errno
import os
import tempfile
from pathlib import Path
from typing import Callable, Iterator

from cchc_desktop.errors import UserError

_UMASK = os.umask(0o022)  # read once at import (os.umask is process-wide: never toggle it later)
os.umask(_UMASK)


def os_error_message(e: OSError, target: Path) -> str:
    """What an OS error while writing `target` means for the user, in Vietnamese."""
    name = target.name
    if e.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", -1)):
        return f"Ổ đĩa đã đầy, không ghi được “{name}”. Hãy xóa bớt tệp hoặc chọn ổ khác rồi thử lại."
    if e.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return (f"Không có quyền ghi “{name}” (tệp đang mở trong Word/Excel, hoặc thư mục chỉ đọc). "
                "Hãy đóng tệp đó hoặc chọn thư mục khác rồi thử lại.")
    if e.errno == errno.ENOENT:
        return f"Thư mục “{target.parent}” không còn tồn tại (USB đã rút ra?). Hãy chọn lại nơi lưu."
    if e.errno in (errno.EIO, getattr(errno, "ENODEV", -1), getattr(errno, "ENXIO", -1)):
        return f"Lỗi đọc/ghi thiết bị khi ghi “{name}” (USB bị rút ra hoặc hỏng?). Hãy cắm lại rồi thử lại."
    return f"Không ghi được “{name}”: {e.strerror or e}. Hãy chọn nơi lưu khác rồi thử lại."


@contextlib.contextmanager
def atomic_path(target: str | Path) -> Iterator[Path]:
    """Yields a temporary path beside `target`; on success it replaces `target` atomically."""
    target = Path(target)
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
        os.close(fd)
    except OSError as e:
        raise UserError(os_error_message(e, target)) from None
    tmp = Path(tmp_name)
    try:
        yield tmp
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        usual_mode(tmp)
        os.replace(tmp, target)
        _fsync_dir(target.parent)
    except OSError as e:
        _remove_quietly(tmp)
        raise UserError(os_error_message(e, target)) from None
    except BaseException:
        _remove_quietly(tmp)
        raise


def atomic_write(target: str | Path, write: Callable[[Path], None] | bytes) -> Path:
    """Write `target` atomically, from bytes or with `write(tmp_path)`."""
    target = Path(target)
    with atomic_path(target) as tmp:
        if isinstance(write, (bytes, bytearray)):
            tmp.write_bytes(write)
        else:
            write(tmp)
    return target


def usual_mode(tmp: Path) -> None:
    """mkstemp makes 0600 files; what is written gets the mode of any new file (0666 minus
    the umask), as if written in place. (On Windows only the read-only flag exists: unset.)"""
    try:
        os.chmod(tmp, 0o666 & ~_UMASK)
    except OSError:
        pass


def _fsync_dir(folder: Path) -> None:
    if os.name == "nt":
        return  # Windows cannot open a directory for fsync; NTFS journals the rename.
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _remove_quietly(p: Path) -> None:
    try:
        p.unlink()
    except OSError:
        pass
