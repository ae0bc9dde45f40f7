"""paths.py on office PCs: Documents and Desktop from the shell's known folders, and network
shares told apart (no WAL there). Windows answers are faked; Linux mounts are parsed."""
import pytest

from cchc_desktop import paths


def test_documents_and_desktop_come_from_platformdirs(tmp_path, monkeypatch):
    """Under OneDrive's known-folder move Documents is not %USERPROFILE%\\Documents."""
    import platformdirs

    onedrive = tmp_path / "OneDrive - UBND xã" / "Tài liệu"
    desktop = tmp_path / "OneDrive - UBND xã" / "Màn hình nền"
    onedrive.mkdir(parents=True)
    desktop.mkdir()
    monkeypatch.setattr(platformdirs, "user_documents_dir", lambda: str(onedrive))
    monkeypatch.setattr(platformdirs, "user_desktop_dir", lambda: str(desktop))
    assert paths.documents_dir() == onedrive
    assert paths.desktop_dir() == desktop


def test_a_missing_known_folder_falls_back_to_home(tmp_path, monkeypatch):
    import platformdirs

    monkeypatch.setattr(platformdirs, "user_documents_dir", lambda: str(tmp_path / "không có"))
    monkeypatch.setattr(paths.Path, "home", classmethod(lambda cls: tmp_path))
    assert paths.documents_dir() == tmp_path


@pytest.mark.parametrize("path, types, network", [
    (r"\\may-chu\chia se\cchc.sqlite", {}, True),
    (r"\\?\UNC\may-chu\share\cchc.sqlite", {}, True),
    (r"Z:\Báo cáo\cchc.sqlite", {"Z:\\": 4}, True),      # a mapped network drive: DRIVE_REMOTE
    (r"C:\Users\ubnd\cchc.sqlite", {"C:\\": 3}, False),  # DRIVE_FIXED
    (r"E:\cchc.sqlite", {"E:\\": 2}, False),             # DRIVE_REMOVABLE: a USB stick is local
    (r"\\?\C:\dữ liệu\cchc.sqlite", {"C:\\": 3}, False),
])
def test_windows_network_paths(path, types, network):
    asked = []

    def drive_type(root):
        asked.append(root)
        return types[root]

    assert paths._network_windows(path, drive_type) is network
    assert asked == list(types)  # UNC paths need no question


MOUNTS = r"""overlay / overlay rw,relatime 0 0
/dev/sda1 /home ext4 rw 0 0
//nas/bao\040cao /mnt/bao\040cao cifs rw,vers=3.0 0 0
nas:/export /mnt/nfs nfs4 rw 0 0
/dev/sdb1 /mnt/nfs/usb vfat rw 0 0
"""


@pytest.mark.parametrize("path, network", [
    ("/home/ubnd/cchc.sqlite", False),
    ("/mnt/bao cao/xa/cchc.sqlite", True),
    ("/mnt/bao caox/cchc.sqlite", False),  # a prefix of the name is not the mount
    ("/mnt/nfs/cchc.sqlite", True),
    ("/mnt/nfs/usb/cchc.sqlite", False),   # the longest mount point decides
])
def test_linux_network_mounts(path, network):
    assert paths._network_posix(path, MOUNTS) is network


def _journal_mode(store):
    return store.db.conn.execute("PRAGMA journal_mode").fetchone()[0].lower()


def test_the_data_file_uses_wal_locally_and_the_rollback_journal_on_a_share(tmp_path, monkeypatch):
    from cchc_desktop.store import open_store

    local = open_store(tmp_path / "local.sqlite")
    try:
        assert _journal_mode(local) == "wal"
    finally:
        local.close()

    monkeypatch.setattr(paths, "on_network_share", lambda p: True)
    shared = open_store(tmp_path / "shared.sqlite")
    try:
        assert _journal_mode(shared) == "delete"
    finally:
        shared.close()
    # a file that was in WAL and is now opened from a share leaves WAL
    moved = open_store(tmp_path / "local.sqlite")
    try:
        assert _journal_mode(moved) == "delete"
    finally:
        moved.close()
    assert not (tmp_path / "local.sqlite-wal").exists()
