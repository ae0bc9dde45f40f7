"""Automatic backups, their thinning (fake clock), backups to a chosen folder, restore."""
import datetime as dt
import errno
import os
import sqlite3
from pathlib import Path

import pytest

from cchc_desktop import fileio
from cchc_desktop.errors import DataFileError, UserError
from cchc_desktop.store import backup, open_store
from conftest import MINI, run_cli

T0 = dt.datetime(2024, 6, 30, 18, 0, 0)


def _store(tmp_path, name="data.sqlite", **kw):
    store = open_store(tmp_path / name, MINI, **kw)
    if not store.units():
        store.create_unit("x1", "Thử Nghiệm", "xa")
        store.create_period("x1", "2024-NAM")
    return store


# --- thinning ----------------------------------------------------------------------------
def test_thinning_keeps_the_last_day_then_daily_weekly_monthly():
    now = T0
    times = [now - dt.timedelta(hours=h) for h in range(0, 24 * 400, 3)]  # every 3 hours for 400 days
    keep = backup.thin(times, now)
    day = [t for t in keep if now - t <= dt.timedelta(days=1)]
    assert sorted(day) == sorted(t for t in times if now - t <= dt.timedelta(days=1))  # all 9 of the last day
    week = [t for t in keep if dt.timedelta(days=1) < now - t <= dt.timedelta(days=7)]
    assert len({t.date() for t in week}) == len(week)  # one a day
    assert len(week) in (6, 7)
    month = [t for t in keep if dt.timedelta(days=7) < now - t <= dt.timedelta(days=30)]
    assert len({t.isocalendar()[:2] for t in month}) == len(month) and 3 <= len(month) <= 5  # one a week
    older = [t for t in keep if now - t > dt.timedelta(days=30)]
    assert len({(t.year, t.month) for t in older}) == len(older) and 12 <= len(older) <= 14  # one a month
    # The newest of each bucket is the one kept.
    for t in week:
        assert t == max(x for x in times if x.date() == t.date() and now - x > dt.timedelta(days=1))
    assert max(times) in keep


def test_thinning_is_stable_as_the_clock_moves():
    """Running the thinning again later never brings back or needs what it deleted, and a
    backup that survived once keeps surviving until its bucket gets a newer one."""
    times = [T0 - dt.timedelta(hours=h) for h in range(0, 24 * 60, 5)]
    kept = set(times)
    for step in range(0, 24 * 45, 7):  # the clock moves on for 45 days
        now = T0 + dt.timedelta(hours=step)
        new = backup.thin(sorted(kept), now)
        assert new <= kept
        kept = new
    assert max(times) in kept and len(kept) < 10


def test_thinning_of_empty_and_future():
    assert backup.thin([], T0) == set()
    future = T0 + dt.timedelta(days=3)  # a clock set back
    assert backup.thin([future], T0) == {future}


def test_prune_deletes_files_with_a_fake_clock(tmp_path):
    store = _store(tmp_path)
    made = []
    for days in (45, 44, 20, 19, 5, 4.5, 0.5, 0.2):
        made.append(backup.backup_now(store, "thu-cong", now=T0 - dt.timedelta(days=days)))
    store.close()
    backup.prune(tmp_path / "data.sqlite", now=T0)
    left = {b.at for b in backup.list_backups(tmp_path / "data.sqlite")}
    assert left == backup.thin([T0 - dt.timedelta(days=d) for d in (45, 44, 20, 19, 5, 4.5, 0.5, 0.2)], T0)
    assert len(left) == 6  # 45/44 same month → one; 20/19 same ISO week → one; 5 and 4.5 two days
    index = backup._read_index(tmp_path / "sao-luu")
    assert set(index) == {b.path.name for b in backup.list_backups(tmp_path / "data.sqlite")}


# --- automatic backups -------------------------------------------------------------------
def test_backup_on_open_only_when_changed(tmp_path):
    path = tmp_path / "data.sqlite"
    store = _store(tmp_path, backup=True)  # a new file: nothing to back up yet
    assert backup.list_backups(path) == []
    store.close()
    store = open_store(path, MINI, backup=True)
    assert [b.reason for b in backup.list_backups(path)] == ["mo-tep"]
    store.close()
    store = open_store(path, MINI, backup=True)  # unchanged since: no new backup
    assert len(backup.list_backups(path)) == 1
    store.set_value(store.periods("x1")[0]["id"], "A/1.1", "7")
    assert backup.backup_if_changed(store, "dong") is not None  # the app closing after an edit
    assert backup.backup_if_changed(store, "dong") is None
    store.close()
    found = backup.list_backups(path)
    assert [b.reason for b in found] == ["dong", "mo-tep"]
    conn = sqlite3.connect(found[0].path)
    assert conn.execute("SELECT value FROM indicator_values").fetchone() == ("7",)
    assert conn.execute("PRAGMA journal_mode").fetchone() == ("delete",)  # one self-contained file
    assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    conn.close()
    assert not list((tmp_path / "sao-luu").glob("*.tmp")) and not list((tmp_path / "sao-luu").glob("*-wal"))


def test_backup_now_from_a_path_while_the_window_has_it_open(tmp_path):
    store = _store(tmp_path)
    store.set_value(store.periods("x1")[0]["id"], "A/1.1", "9")  # still in the WAL
    out = backup.backup_now(tmp_path / "data.sqlite", "nhap")
    assert out.parent == tmp_path / "sao-luu" and out.name.endswith("_nhap.sqlite")
    assert sqlite3.connect(out).execute("SELECT value FROM indicator_values").fetchone() == ("9",)
    store.close()


def test_describe_reads_unit_periods_and_figures(demo_store):
    out = backup.backup_now(demo_store, "thu-cong")
    before = out.read_bytes()
    info = backup.describe(out)
    assert info["unit"] == "xã Chi Lăng Nam" and info["periods"] == ["2023-NAM"]
    assert info["values"] > 20 and info["dossiers"] and info["error"] is None
    assert out.read_bytes() == before


def test_backup_folder_falls_back_when_the_data_folder_is_read_only(tmp_path, monkeypatch):
    store = _store(tmp_path)
    fallback = tmp_path / "userdata" / "sao-luu" / "data-x"
    monkeypatch.setattr(backup, "fallback_dir", lambda p: fallback)
    real_mkstemp = backup.tempfile.mkstemp

    def refuse_beside(*a, dir=None, **k):
        if Path(dir) == tmp_path / "sao-luu":
            raise OSError(errno.EROFS, "Read-only file system")
        return real_mkstemp(*a, dir=dir, **k)

    monkeypatch.setattr(backup.tempfile, "mkstemp", refuse_beside)
    monkeypatch.setattr(backup.tempfile, "NamedTemporaryFile",
                        lambda **k: (_ for _ in ()).throw(OSError(errno.EROFS, "ro")))
    out = backup.backup_now(store, "thu-cong")
    assert out.parent == fallback
    assert [b.path for b in backup.list_backups(tmp_path / "data.sqlite")] == [out]
    store.close()


# --- backup to a folder of the user's choice ---------------------------------------------
def test_backup_to_a_usb_folder(tmp_path):
    store = _store(tmp_path)
    usb = tmp_path / "usb"
    usb.mkdir()
    out = backup.backup_to(store, usb)
    assert out.parent == usb and sqlite3.connect(out).execute("PRAGMA quick_check").fetchone() == ("ok",)
    assert sorted(p.name for p in usb.iterdir()) == [out.name]  # no index, no temp file
    with pytest.raises(UserError) as e:
        backup.backup_to(store, tmp_path / "rut-ra")
    assert "không tồn tại" in str(e.value)
    store.close()


@pytest.mark.parametrize("err, words", [(errno.ENOSPC, "Ổ đĩa đã đầy"), (errno.EROFS, "Không có quyền ghi"),
                                        (errno.EIO, "USB bị rút ra")])
def test_disk_trouble_during_a_backup(tmp_path, monkeypatch, err, words):
    store = _store(tmp_path)
    usb = tmp_path / "usb"
    usb.mkdir()
    real_replace = os.replace

    def failing_replace(a, b):
        if Path(b).parent == usb:
            raise OSError(err, os.strerror(err))
        return real_replace(a, b)

    monkeypatch.setattr(backup.os, "replace", failing_replace)
    with pytest.raises(UserError) as e:
        backup.backup_to(store, usb)
    assert words in str(e.value)
    assert list(usb.iterdir()) == []  # the temporary file is gone, nothing half-written
    store.close()


def test_disk_full_inside_sqlite_during_a_backup(tmp_path, monkeypatch):
    store = _store(tmp_path)

    def full(*a, **k):
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(backup, "_copy_to", full)
    with pytest.raises(UserError) as e:
        backup.backup_now(store, "thu-cong")
    assert "Ổ đĩa đã đầy" in str(e.value)
    assert not list((tmp_path / "sao-luu").glob("*.sqlite"))
    store.close()


# --- restore -----------------------------------------------------------------------------
def test_restore_backs_up_the_current_file_then_replaces_it(tmp_path):
    path = tmp_path / "data.sqlite"
    store = _store(tmp_path)
    pid = store.periods("x1")[0]["id"]
    store.set_value(pid, "A/1.1", "1")
    good = backup.backup_now(store, "thu-cong", now=T0)
    store.set_value(pid, "A/1.1", "2")
    with pytest.raises(DataFileError):  # the window still has it open
        backup.restore(path, good)
    store.close()
    safety = backup.restore(path, good)
    assert safety is not None and safety.name.endswith("_khoi-phuc.sqlite")
    assert sqlite3.connect(safety).execute("SELECT value FROM indicator_values").fetchone() == ("2",)
    assert not (tmp_path / "data.sqlite-wal").exists()
    store = open_store(path, MINI)
    assert store.values(pid)["A/1.1"]["value"] == "1"
    store.set_value(pid, "A/1.1", "3")  # an ordinary file again
    store.close()
    assert oct(path.stat().st_mode & 0o777) == oct(0o666 & ~fileio._UMASK)


def test_restore_over_a_damaged_file_keeps_the_damaged_bytes(tmp_path):
    path = tmp_path / "data.sqlite"
    store = _store(tmp_path)
    good = backup.backup_now(store, "thu-cong")
    store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    store.close()
    damaged = path.read_bytes()[:5000]
    path.write_bytes(damaged)
    with pytest.raises(DataFileError):
        open_store(path, MINI)
    safety = backup.restore(path, good)
    assert safety.name.endswith("_hong.sqlite") and safety.read_bytes() == damaged
    open_store(path, MINI).close()


def test_restore_refuses_a_bad_backup_and_keeps_the_file(tmp_path):
    path = tmp_path / "data.sqlite"
    _store(tmp_path).close()
    before = path.read_bytes()
    bad = tmp_path / "bad.sqlite"
    bad.write_bytes(os.urandom(9000))
    with pytest.raises(DataFileError) as e:
        backup.restore(path, bad)
    assert "không dùng được" in str(e.value)
    assert path.read_bytes() == before and backup.list_backups(path) == []


def test_cli_backup_restore_check(tmp_path):
    path = tmp_path / "data.sqlite"
    store = _store(tmp_path)
    pid = store.periods("x1")[0]["id"]
    store.set_value(pid, "A/1.1", "5")
    store.close()
    r = run_cli("backup", "--db", path)
    assert r.returncode == 0 and "Đã sao lưu vào" in r.stdout, r.stderr
    made = Path(r.stdout.split("Đã sao lưu vào ", 1)[1].strip())
    usb = tmp_path / "usb"
    usb.mkdir()
    r = run_cli("backup", "--db", path, "--to", usb)
    assert r.returncode == 0 and len(list(usb.glob("*.sqlite"))) == 1
    store = open_store(path, MINI)
    store.set_value(pid, "A/1.1", "6")
    store.close()
    r = run_cli("restore", "--db", path)
    assert r.returncode == 0 and "xã Thử Nghiệm" in r.stdout and made.name in r.stdout
    r = run_cli("restore", "--db", path, made.name)
    assert r.returncode == 0 and "Đã khôi phục" in r.stdout, r.stderr
    store = open_store(path, MINI)
    assert store.values(pid)["A/1.1"]["value"] == "5"
    store.close()
    r = run_cli("restore", "--db", path, "khong-co.sqlite")
    assert r.returncode == 1 and "Không tìm thấy bản sao lưu" in r.stderr
    assert run_cli("check", "--db", path).returncode == 0
