"""Where the app finds its resources and keeps its data file."""
import os
import sys
from pathlib import Path, PureWindowsPath


def resource_dir() -> Path:
    """The `resources/` folder: beside the package in a source tree, inside the bundle when frozen."""
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        return Path(frozen) / "resources"
    return Path(__file__).resolve().parent.parent / "resources"


def resource(*parts: str) -> Path:
    return resource_dir().joinpath(*parts)


def guide_path() -> Path:
    """The user guide `docs/huong-dan-su-dung.md` (its pictures in `docs/images/`): in the source
    tree, or inside the bundle when frozen (installer/cchc-desktop.spec puts docs/ beside resources/)."""
    return resource_dir().parent / "docs" / "huong-dan-su-dung.md"


def default_db_path() -> Path:
    """The data file in the user's data folder (created on first use)."""
    import platformdirs  # platformdirs: only when the default folder is needed (start-up time)

    folder = Path(platformdirs.user_data_dir("CCHC Desktop", appauthor=False))
    folder.mkdir(parents=True, exist_ok=True)
    return folder / "cchc.sqlite"


def documents_dir() -> Path:
    """The user's Documents folder where the Windows shell keeps it (OneDrive known-folder
    move and folder redirection put it elsewhere than %USERPROFILE%\\Documents): platformdirs
    asks SHGetKnownFolderPath. The home folder if that folder does not exist."""
    import platformdirs  # only when a folder is asked for (start-up time)

    return _existing(platformdirs.user_documents_dir())


def desktop_dir() -> Path:
    """The user's Desktop folder, from the shell like documents_dir()."""
    import platformdirs  # only when a folder is asked for (start-up time)

    return _existing(platformdirs.user_desktop_dir())


def _existing(folder: str) -> Path:
    p = Path(folder)
    return p if p.is_dir() else Path.home()


# Network file systems: SQLite's WAL needs shared memory between the PCs, which they lack.
_NETWORK_FS = {"nfs", "nfs4", "cifs", "smb3", "smbfs", "9p", "afs", "ceph", "glusterfs", "davfs",
               "fuse.sshfs", "fuse.glusterfs", "fuse.rclone", "fuse.davfs2"}
_DRIVE_REMOTE = 4  # GetDriveTypeW


def on_network_share(path: str | Path) -> bool:
    """True when `path` lies on another computer: a UNC path (\\\\server\\share\\…), a mapped
    network drive, or (elsewhere than Windows) a network file system mount. False when unsure."""
    try:
        if sys.platform == "win32":
            import ctypes  # Windows only (GetDriveTypeW)

            return _network_windows(os.path.abspath(path), ctypes.windll.kernel32.GetDriveTypeW)
        if sys.platform.startswith("linux"):
            with open("/proc/self/mounts", encoding="utf-8", errors="replace") as fh:
                return _network_posix(os.path.realpath(path), fh.read())
    except (OSError, AttributeError, ValueError):
        pass
    return False


def _network_windows(absolute: str, drive_type) -> bool:
    if absolute.upper().startswith("\\\\?\\UNC\\"):
        return True
    if absolute.startswith("\\\\?\\"):  # a verbatim path: \\?\C:\…
        absolute = absolute[4:]
    drive = PureWindowsPath(absolute).drive
    if drive.startswith("\\\\"):
        return True
    return bool(drive) and drive_type(drive + "\\") == _DRIVE_REMOTE


def _network_posix(real: str, mounts: str) -> bool:
    """The file system type of the longest mount point holding `real` (/proc/self/mounts)."""
    best, fstype = "", ""
    for line in mounts.splitlines():
        fields = line.split()
        if len(fields) < 3:
            continue
        point = fields[1].replace("\\040", " ")
        inside = real == point or real.startswith(point.rstrip("/") + "/")
        if inside and len(point) > len(best):
            best, fstype = point, fields[2]
    return fstype in _NETWORK_FS
