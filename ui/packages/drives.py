"""Removable drives (USB sticks), offered first where the hand-off package is written.

What the OS tells: on Windows the drive types (GetDriveTypeW through ctypes), elsewhere the mount
folders (/media, /run/media, /Volumes).
"""
from __future__ import annotations

import sys
from pathlib import Path

from cchc_desktop import paths


def removable_drives() -> list[Path]:
    """Mounted removable drives where the OS tells: Windows drive types, Linux/macOS mount folders."""
    out: list[Path] = []
    if sys.platform == "win32":
        try:
            import ctypes  # Windows only: the drive types come from kernel32
            import string

            kernel32 = ctypes.windll.kernel32
            mask = kernel32.GetLogicalDrives()
            for i, letter in enumerate(string.ascii_uppercase):
                if mask & (1 << i):
                    root = f"{letter}:\\"
                    if kernel32.GetDriveTypeW(ctypes.c_wchar_p(root)) == 2:  # DRIVE_REMOVABLE
                        out.append(Path(root))
        except Exception:
            return out
        return out
    mounts = []
    try:
        with open("/proc/mounts", encoding="utf-8", errors="replace") as fh:
            for line in fh:
                parts = line.split()
                if len(parts) >= 2:
                    mounts.append(parts[1].replace("\\040", " ").replace("\\011", "\t"))
    except OSError:
        pass
    if sys.platform == "darwin":
        vol = Path("/Volumes")
        if vol.is_dir():
            mounts.extend(str(p) for p in vol.iterdir() if not p.is_symlink())
    for m in mounts:
        if m.startswith(("/media/", "/run/media/", "/Volumes/")) and Path(m).is_dir():
            out.append(Path(m))
    return out


def folder_choices() -> list[tuple[str, Path]]:
    """(label, folder): removable drives first, then Desktop and Documents."""
    out = [(f"USB / ổ di động: {p}", p) for p in removable_drives()]
    for folder, label in ((paths.desktop_dir(), "Màn hình nền"), (paths.documents_dir(), "Tài liệu")):
        if folder.is_dir() and folder != Path.home():  # the shell's known folders (OneDrive, redirection)
            out.append((f"{label}: {folder}", folder))
    return out
