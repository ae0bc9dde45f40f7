"""Removable drives (USB sticks), offered first where the hand-off package is written.

What the OS tells: on Windows the drive types (GetDriveTypeW through ctypes), elsewhere the mount
folders (/media, /run/media, /Volumes).
"""
from __future__ import annotations

import string
import sys
from pathlib import Path

from cchc_desktop import paths


# GetDriveTypeW
DRIVE_REMOVABLE, DRIVE_FIXED = 2, 3
# SetThreadErrorMode: no "There is no disk in the drive" box while an empty slot is probed
SEM_FAILCRITICALERRORS, SEM_NOOPENFILEERRORBOX = 0x0001, 0x8000


class WindowsDrives:
    """The few kernel32 calls the drive list needs (ctypes); tests pass a fake with the same methods."""

    def __init__(self):
        import ctypes  # Windows only
        from ctypes import wintypes  # Windows only

        self.ctypes, self.wintypes = ctypes, wintypes
        self.k32 = k32 = ctypes.WinDLL("kernel32", use_last_error=True)
        # handles are pointers: without these, 64-bit handles would be cut to a C int
        k32.CreateFileW.restype = wintypes.HANDLE
        k32.CreateFileW.argtypes = [wintypes.LPCWSTR, wintypes.DWORD, wintypes.DWORD, wintypes.LPVOID,
                                    wintypes.DWORD, wintypes.DWORD, wintypes.HANDLE]
        k32.DeviceIoControl.restype = wintypes.BOOL
        k32.DeviceIoControl.argtypes = [wintypes.HANDLE, wintypes.DWORD, wintypes.LPVOID, wintypes.DWORD,
                                        wintypes.LPVOID, wintypes.DWORD, ctypes.POINTER(wintypes.DWORD),
                                        wintypes.LPVOID]
        k32.CloseHandle.argtypes = [wintypes.HANDLE]

    def logical_drives(self) -> int:
        return self.k32.GetLogicalDrives()

    def drive_type(self, root: str) -> int:
        return self.k32.GetDriveTypeW(self.ctypes.c_wchar_p(root))

    def quiet(self, on: bool, old: int = 0) -> int:
        """Turn the system's error boxes off (on=True, returns the old mode) or back (on=False)."""
        prev = self.wintypes.DWORD(0)
        mode = (SEM_FAILCRITICALERRORS | SEM_NOOPENFILEERRORBOX) if on else old
        self.k32.SetThreadErrorMode(self.wintypes.DWORD(mode), self.ctypes.byref(prev))
        return prev.value

    def has_media(self, root: str) -> bool:
        """A volume is there (an empty card-reader slot has none)."""
        name = self.ctypes.create_unicode_buffer(261)
        return bool(self.k32.GetVolumeInformationW(self.ctypes.c_wchar_p(root), name, 261,
                                                   None, None, None, None, 0))

    def on_usb(self, root: str) -> bool:
        """The drive's bus is USB (IOCTL_STORAGE_QUERY_PROPERTY): USB disks report DRIVE_FIXED."""
        ctypes, w = self.ctypes, self.wintypes
        handle = self.k32.CreateFileW(f"\\\\.\\{root[:2]}", 0, 3, None, 3, 0, None)  # share read|write, OPEN_EXISTING
        if handle is None or handle == self.ctypes.c_void_p(-1).value:  # NULL or INVALID_HANDLE_VALUE
            return False
        try:
            query = (ctypes.c_ulong * 3)(0, 0, 0)  # StorageDeviceProperty, PropertyStandardQuery
            out = (ctypes.c_ubyte * 1024)()
            got = w.DWORD(0)
            if not self.k32.DeviceIoControl(handle, 0x2D1400, query, ctypes.sizeof(query), out,
                                            ctypes.sizeof(out), ctypes.byref(got), None):
                return False
            # STORAGE_DEVICE_DESCRIPTOR: BusType is the DWORD at offset 28; BusTypeUsb = 7
            return got.value >= 32 and int.from_bytes(bytes(out[28:32]), "little") == 7
        finally:
            self.k32.CloseHandle(handle)


def windows_removable(api) -> list[Path]:
    """USB sticks and USB disks with a volume in them, by drive letter; empty slots left out, no
    system error box while probing (the error mode is restored even when a call fails)."""
    out: list[Path] = []
    old = api.quiet(True)
    try:
        mask = api.logical_drives()
        for i, letter in enumerate(string.ascii_uppercase):
            if not mask & (1 << i):
                continue
            root = f"{letter}:\\"
            try:
                kind = api.drive_type(root)
                usb = kind == DRIVE_REMOVABLE or (kind == DRIVE_FIXED and api.on_usb(root))
                if usb and api.has_media(root):
                    out.append(Path(root))
            except OSError:
                continue  # a drive that vanished while it was looked at
    finally:
        api.quiet(False, old)
    return out


def removable_drives() -> list[Path]:
    """Mounted removable drives where the OS tells: Windows drive types and bus, Linux/macOS mount folders."""
    out: list[Path] = []
    if sys.platform == "win32":
        try:
            return windows_removable(WindowsDrives())
        except (OSError, AttributeError):  # no kernel32 call: offer the other folders only
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
