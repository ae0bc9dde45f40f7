"""Writing a file so that the target is either the old file or the whole new one, never half.

Write into a temporary file in the target's own folder (so the rename stays on one
volume), flush and fsync it, then rename over the target. Every export, package and backup
writes through `atomic_write`. The file gets the permissions of any new file (not the 0600 of
a temporary file); on Windows the temporary file is hidden while it exists. OS errors become a
Vietnamese UserError that says what to do; on Windows the error's winerror code decides
(errno lumps a pulled USB stick, a write-protect switch and a file open in Word together).
A sharing violation (antivirus or the search indexer holding a just-written file for a
moment) is retried briefly before anyone sees it.
"""
from __future__ import annotations

import contextlib
import errno
import os
import tempfile
import time
from pathlib import Path
from typing import Callable, Iterator, TypeVar

from cchc_desktop.errors import UserError

_UMASK = os.umask(0o022)  # read once at import (os.umask is process-wide: never toggle it later)
os.umask(_UMASK)
WINDOWS = os.name == "nt"

# Windows system error codes (winerror.h) → what happened
_USB_GONE = {21, 31, 433, 1006, 1167}  # not ready, device error, no such device, volume changed, not connected
_NETWORK_GONE = {51, 53, 59, 64, 67, 1222}  # the network share went away
_WRITE_PROTECTED = {19}
_IN_USE = {32, 33}  # sharing violation, lock violation
_DISK_FULL = {39, 112}
_NAME_TOO_LONG = {206}
_ACCESS_DENIED = {5}
_VIRUS = {225, 226}
# Retried before the error reaches the user: another program holds the file for a moment.
# (5: os.replace onto a file the antivirus is scanning reports "access denied".)
_TRANSIENT = _IN_USE | _ACCESS_DENIED
RETRY_DELAYS = (0.05, 0.1, 0.2, 0.4, 0.8)  # seconds, 1.55 s in all
_sleep = time.sleep
T = TypeVar("T")


def os_error_message(e: OSError, target: Path) -> str:
    """What an OS error while writing `target` means for the user, in Vietnamese."""
    name = target.name
    win = getattr(e, "winerror", None)
    if win in _USB_GONE:
        return (f"Không ghi được “{name}”: ổ đĩa không còn sẵn sàng (USB đã bị rút ra hoặc bị lỗi?). "
                "Hãy cắm lại USB rồi thử lại.")
    if win in _NETWORK_GONE:
        return (f"Không ghi được “{name}”: mất kết nối tới thư mục dùng chung trên mạng. "
                "Hãy kiểm tra mạng nội bộ rồi thử lại, hoặc chọn ổ đĩa trên máy này.")
    if win in _WRITE_PROTECTED:
        return (f"Không ghi được “{name}”: USB hoặc thẻ nhớ đang bị khóa chống ghi. "
                "Hãy gạt khóa trên USB/thẻ nhớ sang vị trí mở rồi thử lại.")
    if win in _IN_USE:
        return (f"Tệp “{name}” đang được mở trong chương trình khác (Word, Excel…). "
                "Hãy đóng tệp đó rồi thử lại.")
    if win in _DISK_FULL or e.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", -1)):
        return f"Ổ đĩa đã đầy, không ghi được “{name}”. Hãy xóa bớt tệp hoặc chọn ổ khác rồi thử lại."
    if win in _NAME_TOO_LONG or e.errno == errno.ENAMETOOLONG:
        return (f"Đường dẫn tới “{name}” quá dài. Hãy lưu vào thư mục ngắn hơn (ví dụ D:\\BaoCao) "
                "hoặc đặt tên tệp ngắn hơn.")
    if win in _VIRUS:
        return (f"Phần mềm diệt virus đã chặn việc ghi “{name}”. "
                "Hãy nhờ cán bộ tin học cho phép CCHC Desktop, hoặc chọn thư mục khác.")
    if win in _ACCESS_DENIED:
        return (f"Không có quyền ghi “{name}” (thư mục chỉ đọc, tệp đang mở, hoặc Windows/phần mềm diệt virus "
                "chặn ghi vào thư mục này). Hãy chọn thư mục khác rồi thử lại.")
    if e.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return (f"Không có quyền ghi “{name}” (tệp đang mở trong Word/Excel, hoặc thư mục chỉ đọc). "
                "Hãy đóng tệp đó hoặc chọn thư mục khác rồi thử lại.")
    if e.errno == errno.ENOENT:
        return f"Thư mục “{target.parent}” không còn tồn tại (USB đã rút ra?). Hãy chọn lại nơi lưu."
    if e.errno in (errno.EIO, getattr(errno, "ENODEV", -1), getattr(errno, "ENXIO", -1)):
        return f"Lỗi đọc/ghi thiết bị khi ghi “{name}” (USB bị rút ra hoặc hỏng?). Hãy cắm lại rồi thử lại."
    return f"Không ghi được “{name}”: {e.strerror or e}. Hãy chọn nơi lưu khác rồi thử lại."


def retrying(action: Callable[..., T], *args) -> T:
    """`action(*args)`, tried again after a short pause while Windows reports the file in use
    by another program (RETRY_DELAYS); any other error, or the last one, is raised."""
    for delay in RETRY_DELAYS:
        try:
            return action(*args)
        except OSError as e:
            if getattr(e, "winerror", None) not in _TRANSIENT:
                raise
        _sleep(delay)
    return action(*args)


def temp_file(folder: Path, prefix: str, suffix: str) -> Path:
    """A new empty temporary file in `folder` (mkstemp), hidden on Windows (the dot of
    `prefix` hides it elsewhere); `replace_file` puts it in place."""
    fd, name = tempfile.mkstemp(prefix=prefix, suffix=suffix, dir=folder)
    os.close(fd)
    tmp = Path(name)
    _set_hidden(tmp, True)
    return tmp


def replace_file(tmp: Path, target: Path) -> None:
    """Rename `tmp` over `target`, unhidden first (the rename keeps the attributes: the
    report itself would be hidden), retried while another program holds the target."""
    _set_hidden(tmp, False)
    retrying(_os_replace, tmp, target)


def _os_replace(src: Path, dst: Path) -> None:
    os.replace(src, dst)


_FILE_ATTRIBUTE_HIDDEN = 0x2
_INVALID_FILE_ATTRIBUTES = 0xFFFFFFFF


def _get_attributes(path: Path) -> int:
    import ctypes  # Windows only (file attributes), never loaded elsewhere

    return ctypes.windll.kernel32.GetFileAttributesW(str(path)) & 0xFFFFFFFF


def _set_attributes(path: Path, attributes: int) -> None:
    import ctypes  # Windows only (file attributes), never loaded elsewhere

    ctypes.windll.kernel32.SetFileAttributesW(str(path), attributes)


def _set_hidden(path: Path, hidden: bool) -> None:
    """The Windows hidden flag of `path`; a no-op elsewhere, and never an error (hiding is a
    courtesy: a visible temporary file is no reason to fail a save)."""
    if not WINDOWS:
        return
    try:
        attributes = _get_attributes(path)
        if attributes == _INVALID_FILE_ATTRIBUTES:
            return
        wanted = attributes | _FILE_ATTRIBUTE_HIDDEN if hidden else attributes & ~_FILE_ATTRIBUTE_HIDDEN
        if wanted != attributes:
            _set_attributes(path, wanted)
    except (OSError, AttributeError, ValueError):
        pass


@contextlib.contextmanager
def atomic_path(target: str | Path) -> Iterator[Path]:
    """Yields a temporary path beside `target`; on success it replaces `target` atomically."""
    target = Path(target)
    try:
        tmp = temp_file(target.parent, f".{target.name}.", ".tmp")
    except OSError as e:
        raise UserError(os_error_message(e, target)) from None
    try:
        yield tmp
        _fsync_file(tmp)
        usual_mode(tmp)
        replace_file(tmp, target)
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


def _fsync_file(path: Path) -> None:
    def sync():
        with open(path, "rb+") as fh:
            os.fsync(fh.fileno())

    retrying(sync)  # an antivirus scan of the file just closed can hold it for a moment


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
