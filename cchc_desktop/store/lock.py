"""One writer per data file: an OS lock on a small file beside it.

`WriterLock.acquire(data_path)` opens `<data file>.lock` (e.g. `cchc.sqlite.lock`) and takes
an exclusive, non-blocking OS lock on it: `fcntl.flock` on Linux/macOS, `msvcrt.locking` on
Windows. The lock is held while the store is open and released by `Store.close()`. A crash
cannot leave a stale lock: the OS drops the lock with the process; the file itself stays
(deleting it would let two processes lock two different files of the same name), and its
content (process id, computer, time) is only informative.

Both locks are per open file handle, so a second `open_store` of the same file in the same
process is refused too: there is exactly one writing Store per file.

What is refused while another window holds the lock: `open_store(..., lock=True)`, i.e. every
command that edits (cli.open_db with write=True). What still works: the reading commands (dump,
validate, export, …: `lock=False`), `check_file` / `cchc-desktop check` and `cchc-desktop backup`.
"""
from __future__ import annotations

import datetime as dt
import errno
import os
import socket
from pathlib import Path

from cchc_desktop.errors import DataFileError

IN_USE_MESSAGE = (
    "Tệp dữ liệu “{name}” đang được mở ở một cửa sổ CCHC Desktop khác (trên máy này hoặc qua mạng). "
    "Hãy dùng cửa sổ đó, hoặc đóng nó rồi mở lại tệp."
)


def lock_path(data_path: str | Path) -> Path:
    p = Path(data_path)
    return p.with_name(p.name + ".lock")


def _try_lock(fh) -> bool:
    if os.name == "nt":
        import msvcrt  # the platform's own module: exists on one OS only

        try:
            fh.seek(0)
            msvcrt.locking(fh.fileno(), msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
    import fcntl  # the platform's own module: exists on one OS only

    try:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    except OSError as e:  # a file system without locks (some network shares): do not block the user
        if e.errno in (errno.EAGAIN, errno.EACCES):
            return False
        return True
    return True


def _unlock(fh) -> None:
    try:
        if os.name == "nt":
            import msvcrt  # the platform's own module: exists on one OS only

            fh.seek(0)
            msvcrt.locking(fh.fileno(), msvcrt.LK_UNLCK, 1)
        else:
            import fcntl  # the platform's own module: exists on one OS only

            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)
    except OSError:
        pass


class WriterLock:
    """The lock of one data file held by this process; `release()` is idempotent."""

    def __init__(self, path: Path, fh):
        self.path = path
        self._fh = fh

    @classmethod
    def acquire(cls, data_path: str | Path) -> "WriterLock | None":
        """Take the lock, or raise DataFileError if another writer holds it.

        Returns None when no lock file can be made (a read-only folder): the store cannot
        write there anyway and will say so itself.
        """
        path = lock_path(data_path)
        try:
            fh = open(path, "a+b")
        except OSError:
            try:  # made by another user on a shared folder: a read handle can hold the lock too
                fh = open(path, "rb")
            except OSError:
                return None
        if not _try_lock(fh):
            fh.close()
            raise DataFileError(IN_USE_MESSAGE.format(name=Path(data_path).name))
        try:  # informative only: who holds it
            info = f"{os.getpid()} {socket.gethostname()} {dt.datetime.now().isoformat(timespec='seconds')}\n"
            if os.name != "nt":
                fh.seek(0)
                fh.truncate()
                fh.write(info.encode())
                fh.flush()
        except OSError:
            pass
        return cls(path, fh)

    @property
    def held(self) -> bool:
        return self._fh is not None

    def release(self) -> None:
        fh, self._fh = self._fh, None
        if fh is not None:
            _unlock(fh)
            fh.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.release()

    def __del__(self):  # a Store dropped without close(): do not keep the file locked
        try:
            self.release()
        except Exception:
            pass


def is_locked(data_path: str | Path) -> bool:
    """True when another writer (another window, another process) holds the file's lock."""
    if not lock_path(data_path).exists():
        return False
    try:
        lk = WriterLock.acquire(data_path)
    except DataFileError:
        return True
    if lk is not None:
        lk.release()
    return False
