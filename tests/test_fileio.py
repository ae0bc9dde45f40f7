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
    from cchc_desktop.report import values as report
    from cchc_desktop.exporting import package, xlsx_appendix

    monkeypatch.setattr(fileio, "_UMASK", 0o022)
    data = report.load_report(demo_store, None, "2023-NAM")
    out = xlsx_appendix.write(data, tmp_path / "phu-luc.xlsx")
    assert _mode(out) == 0o644
    usb = tmp_path / "usb"
    usb.mkdir()
    p = package.make_package(demo_store, None, "2023-NAM", usb, documents=False)
    assert _mode(p) == 0o644
