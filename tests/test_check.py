"""Unusable files are refused with the right message and never modified; `check` and the
window's open path (open_store) agree because both go through store.check_file."""
import hashlib
import os
import sqlite3
import subprocess
import sys
import textwrap

import pytest

from cchc_desktop.errors import DataFileError
from cchc_desktop.store import check, check_file, database, open_store
from conftest import MINI, ROOT, run_cli


def _good(path):
    store = open_store(path, MINI)
    store.create_unit("x1", "Thử", "xa")
    p = store.create_period("x1", "2024-NAM")
    for i in range(200):  # enough rows for several pages
        store.set_narrative(p["id"], f"S.{i}", "Nội dung " * 40)
    store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    store.close()
    return path


def _make(kind, tmp_path):
    path = tmp_path / f"{kind}.sqlite"
    if kind == "random":
        path.write_bytes(os.urandom(40_000))
    elif kind == "truncated":
        data = _good(tmp_path / "good.sqlite").read_bytes()
        page = int.from_bytes(data[16:18], "big")
        path.write_bytes(data[: (len(data) // page // 2) * page])  # whole pages, but too few
    elif kind == "truncated-mid-page":
        data = _good(tmp_path / "good.sqlite").read_bytes()
        path.write_bytes(data[: len(data) // 2 + 100])
    elif kind == "foreign":
        conn = sqlite3.connect(path)
        conn.execute("CREATE TABLE contacts (name TEXT, phone TEXT)")
        conn.execute("INSERT INTO contacts VALUES ('An', '0912')")
        conn.commit()
        conn.close()
    elif kind == "newer":
        store = open_store(path, MINI)
        store.db.execute("INSERT INTO _sqlite_migrations (migration_set, name, applied_at) "
                         "VALUES ('cchc_desktop', 'm999_future', 'x')")
        store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        store.close()
    elif kind == "bad-pages":
        _good(path)
        data = bytearray(path.read_bytes())
        page = int.from_bytes(data[16:18], "big")
        n = len(data) // page
        for k in range(n // 2, n // 2 + 3):  # scribble over three pages in the middle
            data[k * page + 8: k * page + 200] = os.urandom(192)
        path.write_bytes(bytes(data))
    for side in ("-wal", "-shm"):
        (tmp_path / f"{path.name}{side}").unlink(missing_ok=True)
    return path


EXPECTED = {
    "random": "không phải là tệp dữ liệu của CCHC Desktop",
    "truncated": "thiếu phần cuối",
    "truncated-mid-page": "thiếu phần cuối",
    "foreign": "của một chương trình khác",
    "newer": "phiên bản CCHC Desktop mới hơn",
    "bad-pages": "bị hỏng",
}


@pytest.mark.parametrize("kind", list(EXPECTED))
def test_unusable_file_refused_with_its_message_and_unchanged(tmp_path, kind):
    path = _make(kind, tmp_path)
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    listing = {p.name for p in tmp_path.iterdir()}
    with pytest.raises(DataFileError) as e:
        open_store(path, MINI, backup=True)
    message = str(e.value)
    assert EXPECTED[kind] in message
    if kind == "newer":
        assert "cập nhật phần mềm" in message
    elif kind != "foreign":
        assert "khôi phục" in message or "Khôi phục" in message
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before
    # Nothing was written for a refused file: no backup folder, no lock file (SQLite's own
    # read-only -wal/-shm companions of a WAL file aside).
    added = {p.name for p in tmp_path.iterdir()} - listing
    assert added <= {f"{path.name}-wal", f"{path.name}-shm"}
    # `check` (the command) says the same thing and exits 1.
    r = run_cli("check", "--db", path)
    assert r.returncode == 1
    assert r.stderr.strip() == f"cchc-desktop: {message}"
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before


def test_check_and_open_agree_on_a_good_file(tmp_path):
    path = _good(tmp_path / "ok.sqlite")
    r = run_cli("check", "--db", path)
    assert r.returncode == 0, r.stderr
    assert "dùng được" in r.stdout and "Đơn vị: xã Thử" in r.stdout
    open_store(path, MINI).close()


def test_check_is_the_function_the_window_uses(monkeypatch, tmp_path):
    """open_store (the window's open path) calls the very open_state that `check` judges by."""
    calls = []
    real = database.open_state
    monkeypatch.setattr(database, "open_state", lambda p: (calls.append(p), real(p))[1])
    open_store(tmp_path / "n.sqlite", MINI).close()
    assert calls == [tmp_path / "n.sqlite"]
    from cchc_desktop.commands import safety

    assert safety.cmd_check.__code__.co_names.count("check_file") == 1
    assert "open_state" in check.check_file.__code__.co_names


def test_missing_file_for_check(tmp_path):
    r = run_cli("check", "--db", tmp_path / "none.sqlite")
    assert r.returncode == 1 and "Không tìm thấy" in r.stderr


def test_file_write_locked_by_another_program(tmp_path, monkeypatch):
    path = _good(tmp_path / "held.sqlite")
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("PRAGMA locking_mode = EXCLUSIVE")
    other.execute("BEGIN EXCLUSIVE")
    other.execute("UPDATE units SET name = 'X'")
    monkeypatch.setattr(check, "CHECK_BUSY_TIMEOUT", 0.05)
    try:
        with pytest.raises(DataFileError) as e:
            check_file(path)
        assert "chương trình khác khóa" in str(e.value)
    finally:
        other.execute("ROLLBACK")
        other.close()
    check_file(path)


def test_second_writer_is_told_the_file_is_in_use(tmp_path):
    path = tmp_path / "one.sqlite"
    first = open_store(path, MINI)
    with pytest.raises(DataFileError) as e:
        open_store(path, MINI)
    assert "đang được mở ở một cửa sổ CCHC Desktop khác" in str(e.value)
    # Another process is refused too; `check` and `backup` still read.
    code = textwrap.dedent(f"""
        from cchc_desktop.store import open_store
        from cchc_desktop.errors import DataFileError
        try:
            open_store(r"{path}", r"{MINI}")
        except DataFileError as e:
            print("REFUSED", e)
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT,
                         env={**os.environ, "PYTHONIOENCODING": "utf-8"})
    assert out.stdout.startswith("REFUSED"), out.stderr
    r = run_cli("check", "--db", path)
    assert r.returncode == 0 and "đang được mở ở một cửa sổ" in r.stdout
    assert run_cli("backup", "--db", path).returncode == 0
    first.close()
    open_store(path, MINI).close()  # the lock went with close()


def test_hot_wal_after_a_crash_is_not_refused(tmp_path):
    """A file left with its WAL (the app was killed) is usable: SQLite recovers it."""
    path = tmp_path / "hot.sqlite"
    code = textwrap.dedent(f"""
        import os
        from cchc_desktop.store import open_store
        s = open_store(r"{path}", r"{MINI}")
        s.create_unit("x1", "Thử", "xa")
        s.create_period("x1", "2024-NAM")
        os._exit(0)  # no close, no checkpoint
    """)
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)
    assert (tmp_path / "hot.sqlite-wal").stat().st_size > 0
    check_file(path)
    store = open_store(path, MINI)
    assert store.unit("x1")["name"] == "Thử"
    store.close()


def test_disk_full_during_an_edit_is_a_user_error_and_loses_nothing(tmp_path):
    from cchc_desktop.errors import UserError

    path = _good(tmp_path / "full.sqlite")
    store = open_store(path, MINI)
    pid = store.periods("x1")[0]["id"]
    store.set_narrative(pid, "I.1", "trước")
    pages = store.db.execute("PRAGMA page_count").fetchone()[0]
    store.db.execute(f"PRAGMA max_page_count = {pages}")  # as if the disk were full
    with pytest.raises(UserError) as e:
        store.set_narrative(pid, "I.1", "x" * 500_000)
    assert isinstance(e.value, sqlite3.OperationalError)  # still what sqlite3 callers expect
    assert "Ổ đĩa đã đầy" in str(e.value)
    assert store.narratives(pid)["I.1"]["text"] == "trước"
    store.db.execute("PRAGMA query_only = ON")
    with pytest.raises(UserError) as e:
        store.set_value(pid, "A/1.1", "5")
    assert "chỉ đọc" in str(e.value)
    store.db.execute("PRAGMA query_only = OFF")
    store.db.execute("PRAGMA max_page_count = 1073741823")
    store.set_narrative(pid, "I.1", "x" * 500_000)  # the retry works
    assert store.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    store.close()
