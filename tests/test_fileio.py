"""fileio: an atomically written file gets the permissions of any new file, not mkstemp's 0600."""
import os
import stat

import pytest

from cchc_desktop import fileio

posix_only = pytest.mark.skipif(os.name != "posix", reason="POSIX permission bits")


def _mode(p):
    return stat.S_IMODE(p.stat().st_mode)


@posix_only
def test_module_reads_the_process_umask():
    current = os.umask(0o022)
    os.umask(current)
    assert fileio._UMASK == current


@posix_only
@pytest.mark.parametrize("umask, mode", [(0o022, 0o644), (0o027, 0o640), (0o002, 0o664)])
def test_written_files_get_0666_minus_umask(tmp_path, monkeypatch, umask, mode):
    monkeypatch.setattr(fileio, "_UMASK", umask)
    a = fileio.atomic_write(tmp_path / "bao-cao.docx", b"docx")
    assert _mode(a) == mode and a.read_bytes() == b"docx"
    b = fileio.atomic_write(tmp_path / "phu-luc.xlsx", lambda tmp: tmp.write_bytes(b"xlsx"))
    assert _mode(b) == mode
    with fileio.atomic_path(tmp_path / "xa_2023-NAM.cchc") as tmp:
        assert _mode(tmp) == 0o600  # the temporary file stays private while it is written
        tmp.write_bytes(b"zip")
    assert _mode(tmp_path / "xa_2023-NAM.cchc") == mode
    # replacing a file left at 0600 by an earlier version fixes it
    (tmp_path / "cu.docx").write_bytes(b"old")
    os.chmod(tmp_path / "cu.docx", 0o600)
    assert _mode(fileio.atomic_write(tmp_path / "cu.docx", b"new")) == mode
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


@posix_only
def test_export_and_package_are_readable_by_others(demo_store, tmp_path, monkeypatch):
    from cchc_desktop.report import values
    from cchc_desktop.exporting import package, xlsx_appendix

    monkeypatch.setattr(fileio, "_UMASK", 0o022)
    data = values.load_report(demo_store, None, "2023-NAM")
    out = xlsx_appendix.write(data, tmp_path / "phu-luc.xlsx")
    assert _mode(out) == 0o644
    usb = tmp_path / "usb"
    usb.mkdir()
    p = package.make_package(demo_store, None, "2023-NAM", usb, check_errors=False, documents=False)
    assert _mode(p) == 0o644


# --- Windows: winerror codes, retries, hidden temporary files (fake OSErrors on any system) ---
import errno  # noqa: E402
from pathlib import Path  # noqa: E402

from cchc_desktop.errors import UserError  # noqa: E402


def _win_error(winerror, err=errno.EACCES):
    e = OSError(err, "Windows says no")
    e.winerror = winerror  # what Windows sets; errno alone lumps these causes together
    return e


@pytest.mark.parametrize("winerror, words", [
    (21, "USB đã bị rút ra"),      # ERROR_NOT_READY: the stick was pulled
    (1167, "USB đã bị rút ra"),    # ERROR_DEVICE_NOT_CONNECTED
    (31, "USB đã bị rút ra"),      # ERROR_GEN_FAILURE
    (433, "USB đã bị rút ra"),     # ERROR_NO_SUCH_DEVICE
    (19, "khóa chống ghi"),        # ERROR_WRITE_PROTECT: the switch on the stick
    (32, "đang được mở trong chương trình khác"),  # ERROR_SHARING_VIOLATION
    (33, "đang được mở trong chương trình khác"),  # ERROR_LOCK_VIOLATION
    (112, "Ổ đĩa đã đầy"),          # ERROR_DISK_FULL
    (39, "Ổ đĩa đã đầy"),           # ERROR_HANDLE_DISK_FULL
    (206, "quá dài"),               # ERROR_FILENAME_EXCED_RANGE
    (5, "Không có quyền ghi"),      # ERROR_ACCESS_DENIED
    (64, "thư mục dùng chung trên mạng"),  # ERROR_NETNAME_DELETED
    (225, "diệt virus"),            # ERROR_VIRUS_INFECTED
])
def test_winerror_decides_the_message(winerror, words):
    msg = fileio.os_error_message(_win_error(winerror), Path("E:/bao-cao.docx"))
    assert words in msg and "“bao-cao.docx”" in msg
    # errno 13 alone would have said "open in Word": a pulled stick must not
    if winerror in (21, 1167, 19):
        assert "Word" not in msg


def test_without_winerror_errno_still_decides():
    assert "Ổ đĩa đã đầy" in fileio.os_error_message(OSError(errno.ENOSPC, "full"), Path("x"))
    assert "quá dài" in fileio.os_error_message(OSError(errno.ENAMETOOLONG, "long"), Path("x"))
    assert "Word/Excel" in fileio.os_error_message(OSError(errno.EACCES, "denied"), Path("x"))


def test_a_sharing_violation_is_retried_briefly_then_the_write_succeeds(tmp_path, monkeypatch):
    calls, pauses = [], []
    real = fileio._os_replace

    def busy_twice(src, dst):
        calls.append(dst)
        if len(calls) <= 2:
            raise _win_error(32)  # the antivirus holds the file for a moment
        real(src, dst)

    monkeypatch.setattr(fileio, "_os_replace", busy_twice)
    monkeypatch.setattr(fileio, "_sleep", pauses.append)
    out = fileio.atomic_write(tmp_path / "bao-cao.docx", b"docx")
    assert out.read_bytes() == b"docx" and len(calls) == 3
    assert pauses == list(fileio.RETRY_DELAYS[:2])
    assert [p.name for p in tmp_path.iterdir()] == ["bao-cao.docx"]  # no temporary file left


def test_a_file_held_open_for_good_gives_up_after_the_delays(tmp_path, monkeypatch):
    pauses = []
    monkeypatch.setattr(fileio, "_os_replace", lambda src, dst: (_ for _ in ()).throw(_win_error(32)))
    monkeypatch.setattr(fileio, "_sleep", pauses.append)
    (tmp_path / "phu-luc.xlsx").write_bytes(b"old")
    with pytest.raises(UserError, match="đang được mở trong chương trình khác"):
        fileio.atomic_write(tmp_path / "phu-luc.xlsx", b"new")
    assert pauses == list(fileio.RETRY_DELAYS) and sum(pauses) < 2
    assert (tmp_path / "phu-luc.xlsx").read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["phu-luc.xlsx"]


def test_a_write_protected_stick_is_not_retried(tmp_path, monkeypatch):
    pauses = []
    monkeypatch.setattr(fileio, "_os_replace", lambda src, dst: (_ for _ in ()).throw(_win_error(19)))
    monkeypatch.setattr(fileio, "_sleep", pauses.append)
    with pytest.raises(UserError, match="khóa chống ghi"):
        fileio.atomic_write(tmp_path / "goi.cchc", b"zip")
    assert pauses == []


def test_temporary_files_are_hidden_on_windows_and_the_result_is_not(tmp_path, monkeypatch):
    """Fake Windows file attributes: the temporary file is hidden while it is written and
    unhidden before the rename (a rename keeps attributes: the report would be hidden)."""
    attributes = {}
    seen_while_writing = []
    real = fileio._os_replace

    def rename(src, dst):
        attributes[str(dst)] = attributes.pop(str(src), 0x80)
        real(src, dst)

    monkeypatch.setattr(fileio, "WINDOWS", True)
    monkeypatch.setattr(fileio, "_get_attributes", lambda p: attributes.setdefault(str(p), 0x80))
    monkeypatch.setattr(fileio, "_set_attributes", lambda p, a: attributes.__setitem__(str(p), a))
    monkeypatch.setattr(fileio, "_os_replace", rename)

    def write(tmp):
        seen_while_writing.append(attributes[str(tmp)])
        tmp.write_bytes(b"docx")

    target = fileio.atomic_write(tmp_path / "bao-cao.docx", write)
    assert seen_while_writing == [0x80 | 0x2]  # hidden while it was a temporary file
    assert attributes[str(target)] == 0x80  # the report itself is not hidden


def test_hiding_never_fails_a_save(tmp_path, monkeypatch):
    def broken(p):
        raise OSError("no attributes here")

    monkeypatch.setattr(fileio, "WINDOWS", True)
    monkeypatch.setattr(fileio, "_get_attributes", broken)
    assert fileio.atomic_write(tmp_path / "a.docx", b"x").read_bytes() == b"x"
