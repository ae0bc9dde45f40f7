"""store/uri.py: the file: URI of a data file, for Windows drive letters, mapped drives and
UNC shares (built from PureWindowsPath here), and for odd folder names opened for real."""
import sqlite3
from pathlib import PurePosixPath, PureWindowsPath
from urllib.parse import unquote

import pytest

from cchc_desktop.store.uri import sqlite_uri

W = PureWindowsPath


@pytest.mark.parametrize("path, uri", [
    (W(r"C:\Users\ubnd\Documents\cchc.sqlite"), "file:///C:/Users/ubnd/Documents/cchc.sqlite"),
    # a mapped drive stays a drive: never turned into file://SERVER/… (SQLite: invalid uri authority)
    (W(r"Z:\Báo cáo CCHC\cchc.sqlite"),
     "file:///Z:/B%C3%A1o%20c%C3%A1o%20CCHC/cchc.sqlite"),
    (W(r"\\may-chu\chia se\Xã Chi Lăng Nam\cchc.sqlite"),
     "file:////may-chu/chia%20se/X%C3%A3%20Chi%20L%C4%83ng%20Nam/cchc.sqlite"),
    (W(r"\\?\C:\dữ liệu\cchc.sqlite"), "file:///C:/d%E1%BB%AF%20li%E1%BB%87u/cchc.sqlite"),
    (W(r"\\?\UNC\srv\share\cchc.sqlite"), "file:////srv/share/cchc.sqlite"),
    (W(r"D:\Năm 2024 #1 ?50% xong\cchc.sqlite"),
     "file:///D:/N%C4%83m%202024%20%231%20%3F50%25%20xong/cchc.sqlite"),
])
def test_windows_paths(path, uri):
    assert sqlite_uri(path) == uri
    # never an authority: after "file://" comes "/" (empty authority)
    assert sqlite_uri(path).startswith("file:///")


def test_query_parameters_follow_the_path():
    assert sqlite_uri(W(r"C:\a #b.sqlite"), mode="ro", immutable="1") == \
        "file:///C:/a%20%23b.sqlite?mode=ro&immutable=1"
    assert sqlite_uri(PurePosixPath("/srv/x?.sqlite"), mode="ro") == "file:///srv/x%3F.sqlite?mode=ro"


def test_the_path_decodes_back_to_the_windows_path():
    path = W(r"\\srv\Phòng VH-XH\50% #2?\cchc.sqlite")
    decoded = unquote(sqlite_uri(path)[len("file://"):])
    assert PureWindowsPath(decoded) == path


@pytest.mark.parametrize("folder", ["Năm 2024 #1", "50% xong", "hỏi?đáp", "a b&c=d", "Z:"])
def test_sqlite_opens_odd_folder_names_read_only(tmp_path, folder):
    target = tmp_path / folder / "dữ liệu.sqlite"
    target.parent.mkdir()
    with sqlite3.connect(target) as conn:
        conn.execute("CREATE TABLE t (x)")
        conn.execute("INSERT INTO t VALUES (42)")
    conn.close()
    ro = sqlite3.connect(sqlite_uri(target, mode="ro"), uri=True)
    try:
        assert ro.execute("SELECT x FROM t").fetchone() == (42,)
        with pytest.raises(sqlite3.OperationalError):
            ro.execute("INSERT INTO t VALUES (1)")  # mode=ro reached SQLite
    finally:
        ro.close()


def test_relative_paths_are_made_absolute_without_resolving_links(tmp_path, monkeypatch):
    real = tmp_path / "that"
    real.mkdir()
    (tmp_path / "link").symlink_to(real)
    monkeypatch.chdir(tmp_path)
    assert sqlite_uri("link/x.sqlite") == "file://" + str(tmp_path / "link" / "x.sqlite").replace(" ", "%20")


def test_check_and_backup_open_a_data_file_in_a_folder_named_like_a_uri(demo_file, tmp_path, capsys):
    """`check` (store/database.py check_file, commands/safety.py) and `backup` (store/backup.py:
    the source and the verification of the copy) all open the file through its URI."""
    import shutil

    from cchc_desktop import cli

    target = tmp_path / "USB #2 (50% xong?)" / "cchc.sqlite"
    target.parent.mkdir()
    shutil.copy(demo_file, target)
    assert cli.main(["check", "--db", str(target)]) == 0
    out_dir = tmp_path / "sao lưu #1"
    out_dir.mkdir()
    assert cli.main(["backup", "--db", str(target), "--to", str(out_dir)]) == 0
    assert list(out_dir.glob("*.sqlite")), capsys.readouterr()
