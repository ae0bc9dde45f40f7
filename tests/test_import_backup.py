"""Issue 9: a backup always before an import that writes into a file holding data; no backup,
no import (the file stays as it was, the message says so)."""
from __future__ import annotations

import datetime as dt
import json
import shutil
import sqlite3

import pytest

from cchc_desktop import cli, dataio
from cchc_desktop.exporting import package as pkg
from cchc_desktop.importing import ImportBackupError, backup_before_import
from cchc_desktop.importing import package as ip
from cchc_desktop.importing import register as reg
from cchc_desktop.store import packages as store_packages
from cchc_desktop.store import backup, open_store

from test_register_import import make_dossiers, write_igate

PERIOD = "2023-NAM"
UNIT = "xa-chi-lang-nam"
NO_BACKUP_WORDS = ("không tạo được bản sao lưu", "chưa bị thay đổi")


def content(path) -> list[str]:
    """The file's SQL dump but the record of refused packages (the one thing a refusal writes)."""
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return [line for line in conn.iterdump() if not line.startswith('INSERT INTO "package_refusals"')]
    finally:
        conn.close()


def imports(folder) -> list[backup.Backup]:
    return [b for b in backup.list_backups(folder) if b.reason == "nhap"]


def dump_of_backup(b: backup.Backup, tmp_path, unit=UNIT, period=PERIOD) -> dict:
    copy = tmp_path / "doc-ban-sao.sqlite"
    shutil.copy(b.path, copy)
    store = open_store(copy, lock=False)
    try:
        return dataio.dump(store, unit, period)
    finally:
        store.close()


def disk_full(*a, **k):
    raise sqlite3.OperationalError("database or disk is full")


@pytest.fixture
def packages(demo_store, tmp_path):
    """The demo commune's package, and a later one with BM1/1 changed to 30."""
    out = tmp_path / "usb"
    out.mkdir()
    first = pkg.make_package(demo_store, None, PERIOD, out, check_errors=False, documents=False, created_at="2023-12-16T09:00:00+07:00")
    demo_store.set_value(demo_store.get_period(UNIT, PERIOD)["id"], "BM1/1", "30")
    later = tmp_path / "usb2"
    later.mkdir()
    second = pkg.make_package(demo_store, None, PERIOD, later, check_errors=False, documents=False,
                              created_at="2023-12-17T10:00:00+07:00")
    return first, second


@pytest.fixture
def upper_path(tmp_path):
    path = tmp_path / "huyen" / "huyen.sqlite"
    path.parent.mkdir()
    return path


@pytest.fixture
def upper(packages, upper_path):
    """The upper level's file, the first package imported into it (no backup: it was empty)."""
    store = open_store(upper_path)
    assert [r.status for r in ip.import_packages(store, [packages[0]])] == ["imported"]
    assert backup.list_backups(upper_path) == []
    yield store
    store.close()


# --- hand-off packages ---------------------------------------------------------------------
def test_package_import_backs_up_a_file_with_data_first(packages, upper, tmp_path):
    before = dataio.dump(upper, UNIT, PERIOD)
    assert before["values"]["BM1/1"]["value"] == 25
    assert [r.status for r in ip.import_packages(upper, [packages[1]])] == ["replaced"]
    assert dataio.dump(upper, UNIT, PERIOD)["values"]["BM1/1"]["value"] == 30
    made = imports(upper.path)
    assert len(made) == 1 and made[0].reason_label == "trước khi nhập dữ liệu"
    assert dump_of_backup(made[0], tmp_path) == before  # the file as it was before the import


def test_package_batch_is_backed_up_once_and_unchanged_needs_none(packages, upper):
    first, second = packages
    # nothing written (the same package again): no backup
    assert [r.status for r in ip.import_packages(upper, [first])] == ["unchanged"]
    assert imports(upper.path) == []
    # two writes in one batch: one backup, before the first
    results = ip.import_packages(upper, [second, first], force=True)
    assert [r.status for r in results] == ["replaced", "replaced"]
    assert len(imports(upper.path)) == 1


def test_package_import_refused_when_no_backup_can_be_made(packages, upper, monkeypatch):
    first, second = packages
    upper.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    before = content(upper.path)
    monkeypatch.setattr(backup, "_copy_to", disk_full)
    results = ip.import_packages(upper, [second, first], force=True)
    assert [r.status for r in results] == ["refused", "unchanged"]  # the held one needs no write
    assert all(w in results[0].message for w in NO_BACKUP_WORDS), results[0].message
    assert "Ổ đĩa đã đầy" in results[0].message
    tries = []
    monkeypatch.setattr(backup, "_copy_to", lambda *a: tries.append(1) or disk_full())
    results = ip.import_packages(upper, [second, second])
    assert [r.status for r in results] == ["refused", "refused"]
    assert results[0].message == results[1].message and len(tries) == 1  # tried once per batch
    assert content(upper.path) == before
    # a single package through import_one backs up too (its default)
    r = ip.import_one(upper, ip.check_package(second))
    assert r.status == "refused" and NO_BACKUP_WORDS[0] in r.message
    assert content(upper.path) == before


def test_cli_import_package_refused_without_backup(packages, upper_path, monkeypatch, capsys):
    first, second = packages
    assert cli.main(["import-package", "--db", str(upper_path), str(first)]) == 0
    before = content(upper_path)
    monkeypatch.setattr(backup, "_copy_to", disk_full)
    capsys.readouterr()
    assert cli.main(["import-package", "--db", str(upper_path), str(second)]) == 1
    out, err = capsys.readouterr()
    assert "bị từ chối" in out and NO_BACKUP_WORDS[0] in out
    assert "lưu ý: Chưa tạo được bản sao lưu tự động" in err  # the backup on opening failed too
    assert content(upper_path) == before
    store = open_store(upper_path, lock=False)
    try:
        assert NO_BACKUP_WORDS[0] in store_packages.latest_refusals(store, PERIOD)[UNIT]["reason"]
    finally:
        store.close()


# --- the dossier register ------------------------------------------------------------------
def test_register_import_backs_up_first_and_only_when_it_changes_something(mini_store, tmp_path):
    store, _ = mini_store
    write_igate(tmp_path / "a.xlsx", make_dossiers(40, seed=21))
    write_igate(tmp_path / "b.xlsx", make_dossiers(40, seed=21) + make_dossiers(5, seed=22, prefix="NEW"))
    reg.import_register(store, "x1", tmp_path / "a.xlsx")
    first = imports(store.path)
    assert len(first) == 1  # the unit was there already: the file held data
    assert reg.register_count(store, "x1") == 40
    reg.import_register(store, "x1", tmp_path / "a.xlsx")  # nothing new: only its history line
    assert imports(store.path) == first
    reg.import_register(store, "x1", tmp_path / "b.xlsx")
    made = imports(store.path)
    assert len(made) == 2
    conn = sqlite3.connect(f"{made[0].path.as_uri()}?mode=ro", uri=True)
    try:  # the newest backup holds the register as it was before the second import
        assert conn.execute("SELECT COUNT(*) FROM register").fetchone()[0] == 40
    finally:
        conn.close()
    assert reg.register_count(store, "x1") == 45


def test_register_import_on_its_own_connection_as_the_window_does(mini_store, tmp_path):
    store, _ = mini_store
    write_igate(tmp_path / "a.xlsx", make_dossiers(30, seed=23))
    with reg.own_connection(store) as own:  # ui/register/register_import.py, on a worker thread there
        summary = reg.import_register(own, "x1", tmp_path / "a.xlsx")
    assert summary.imported == 30
    assert len(imports(store.path)) == 1
    assert reg.register_count(store, "x1") == 30


def test_register_import_refused_when_no_backup_can_be_made(mini_store, tmp_path, monkeypatch):
    store, _ = mini_store
    write_igate(tmp_path / "a.xlsx", make_dossiers(30, seed=24))
    before = list(store.db.conn.iterdump())
    monkeypatch.setattr(backup, "_copy_to", disk_full)
    with pytest.raises(ImportBackupError) as e:
        reg.import_register(store, "x1", tmp_path / "a.xlsx")
    assert all(w in str(e.value) for w in NO_BACKUP_WORDS)
    assert list(store.db.conn.iterdump()) == before
    assert reg.register_count(store, "x1") == 0


# --- load of a JSON period -----------------------------------------------------------------
def test_cli_load_backs_up_a_file_with_data(demo_file, tmp_path, capsys):
    db = tmp_path / "d.sqlite"
    shutil.copy(demo_file, db)
    assert cli.main(["dump", "--db", str(db), "--period", PERIOD]) == 0
    original = json.loads(capsys.readouterr().out)
    changed = json.loads(json.dumps(original))
    changed["values"]["BM1/1"]["value"] = 40
    (tmp_path / "k.json").write_text(dataio.dumps(changed), encoding="utf-8")
    assert cli.main(["load", "--db", str(db), str(tmp_path / "k.json"), "--replace"]) == 0
    found = backup.list_backups(db)
    assert len(found) == 1  # made on opening (changed since the last backup: there was none)
    assert dump_of_backup(found[0], tmp_path) == original
    # The same load again: the file changed since that backup, so the import makes one
    assert cli.main(["load", "--db", str(db), str(tmp_path / "k.json"), "--replace"]) == 0
    assert len(backup.list_backups(db)) == 2
    # a new file: nothing to back up
    new = tmp_path / "moi" / "moi.sqlite"
    new.parent.mkdir()
    assert cli.main(["load", "--db", str(new), str(tmp_path / "k.json")]) == 0
    assert backup.list_backups(new) == []


def test_load_refused_when_no_backup_can_be_made(demo_file, tmp_path, monkeypatch, capsys):
    db = tmp_path / "d.sqlite"
    shutil.copy(demo_file, db)
    store = open_store(db, lock=False)
    doc = dataio.dump(store, None, PERIOD)
    store.close()
    (tmp_path / "k.json").write_text(dataio.dumps(doc), encoding="utf-8")
    before = content(db)
    monkeypatch.setattr(backup, "_copy_to", disk_full)
    capsys.readouterr()
    assert cli.main(["load", "--db", str(db), str(tmp_path / "k.json"), "--replace"]) == 1
    err = capsys.readouterr().err
    assert all(w in err for w in NO_BACKUP_WORDS) and "Ổ đĩa đã đầy" in err
    assert content(db) == before


def test_backup_before_import_nothing_for_an_empty_file(tmp_path):
    store = open_store(tmp_path / "trong.sqlite")
    try:
        assert backup_before_import(store) is None
        assert backup.list_backups(store.path) == []
        store.create_unit("x1", "Thử", "xa")
        made = backup_before_import(store)
        assert made is not None and made.exists()
        assert backup_before_import(store) is None  # unchanged since: that backup holds it already
    finally:
        store.close()


def test_register_import_reads_the_previews_workbook_and_lets_its_sheet_go(mini_store, tmp_path):
    """The window's path: inspect(keep_book=True), then import_register(book=…) without opening the file again."""
    store, _ = mini_store
    write_igate(tmp_path / "a.xlsx", make_dossiers(30, seed=24))
    preview = reg.inspect(tmp_path / "a.xlsx", store, keep_book=True)
    assert preview.book is not None
    opened = []
    real = reg._open
    reg._open = lambda path: opened.append(path) or real(path)
    try:
        summary = reg.import_register(store, "x1", tmp_path / "a.xlsx", mapping=preview.mapping, book=preview.book)
    finally:
        reg._open = real
    assert opened == [] and summary.imported == 30
    assert preview.book._sheets == {}  # not held through the upsert
    preview.close_book()
    assert preview.book is None and reg.register_count(store, "x1") == 30


def test_cli_register_import_copies_the_file_once(mini_store, tmp_path, monkeypatch):
    """`import-register` backs the file up on opening; the import then knows that backup is the
    file as it is (nothing written since) and does not copy the file a second time to find out.
    Within the sitting, the command makes no backup on opening, and the import makes one."""
    from tests.test_register_import import make_dossiers, write_igate

    store, _ = mini_store
    path = store.path
    store.close()
    write_igate(tmp_path / "a.xlsx", make_dossiers(30, seed=51))
    write_igate(tmp_path / "b.xlsx", make_dossiers(30, seed=52, prefix="B"))
    copies = []
    real = backup._copy_to
    monkeypatch.setattr(backup, "_copy_to", lambda *a: copies.append(1) or real(*a))
    before = len(backup.list_backups(path))
    assert cli.main(["import-register", "--db", str(path), str(tmp_path / "a.xlsx")]) == 0
    assert len(copies) == 1 and len(backup.list_backups(path)) == before + 1
    # into a register that holds rows (the rows staged and compared first): the same
    monkeypatch.setattr(cli, "CLI_BACKUP_INTERVAL", dt.timedelta(0))
    assert cli.main(["import-register", "--db", str(path), str(tmp_path / "b.xlsx")]) == 0
    assert len(copies) == 2 and len(backup.list_backups(path)) == before + 2
    # within the sitting: no backup on opening; the import changes the file, so it makes one
    monkeypatch.setattr(cli, "CLI_BACKUP_INTERVAL", dt.timedelta(hours=1))
    write_igate(tmp_path / "c.xlsx", make_dossiers(30, seed=53, prefix="C"))
    assert cli.main(["import-register", "--db", str(path), str(tmp_path / "c.xlsx")]) == 0
    assert len(copies) == 3 and len(backup.list_backups(path)) == before + 3
