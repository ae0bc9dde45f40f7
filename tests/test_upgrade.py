"""Schema upgrades: files of every earlier version open, are backed up first, upgrade in one
exclusive transaction with their data intact; a failing step leaves the file as it was."""
import hashlib
import shutil
import sqlite3
from decimal import Decimal
from pathlib import Path

import pytest
from sqlite_utils.migrations import Migrations

from cchc_desktop.errors import DataFileError
from cchc_desktop.store import backup, check, database, open_store
from cchc_desktop.store.migrations import KNOWN, SCHEMA_VERSION, STEPS, migrations
from conftest import MINI

SCHEMA = Path(__file__).resolve().parent / "fixtures" / "schema"


def _sha(p):
    return hashlib.sha256(Path(p).read_bytes()).hexdigest()


def _old_file(tmp_path, fixture="v1.sqlite"):
    """A copy of a fixture as an older app left it: WAL mode, checkpointed. (The fixtures are kept
    in journal mode DELETE so that nothing writes -wal/-shm files into the source tree.)"""
    path = tmp_path / "old.sqlite"
    shutil.copy(SCHEMA / fixture, path)
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.close()
    return path


def _applied(path):
    conn = sqlite3.connect(f"{Path(path).as_uri()}?mode=ro", uri=True)
    try:
        return [r[0] for r in conn.execute("SELECT name FROM _sqlite_migrations ORDER BY id")]
    finally:
        conn.close()


def test_a_fixture_for_every_earlier_version(tmp_path):
    have = sorted(int(p.stem[1:]) for p in SCHEMA.glob("v*.sqlite"))
    missing = [v for v in range(1, SCHEMA_VERSION) if v not in have]
    assert not missing, (f"no fixture file for schema version(s) {missing}: run "
                         "`.venv/bin/python tests/fixtures/schema/make_fixtures.py` and commit the files")
    for v in have:
        # Journal mode DELETE (header bytes 18-19 = 1, WAL would be 2): opening it leaves no -wal/-shm.
        assert (SCHEMA / f"v{v}.sqlite").read_bytes()[18:20] == b"\x01\x01", f"v{v}.sqlite is in WAL mode"
        copy = shutil.copy(SCHEMA / f"v{v}.sqlite", tmp_path / f"v{v}.sqlite")  # never opened in place
        # Version v: v known steps applied. Not always the first v of KNOWN: versions 2 applied
        # m003 before m002 existed in number order, so v2 files in the field hold m001 and m003.
        applied = _applied(copy)
        assert len(applied) == v and set(applied) <= set(KNOWN), f"v{v}.sqlite is not at version {v}: {applied}"


@pytest.mark.parametrize("fixture", sorted(p.name for p in SCHEMA.glob("v*.sqlite")))
def test_each_earlier_version_is_backed_up_then_upgraded_with_its_data(tmp_path, fixture):
    original = _sha(SCHEMA / fixture)
    path = _old_file(tmp_path, fixture)
    version = int(fixture[1:].split(".")[0])
    store = open_store(path, MINI)
    try:
        assert not migrations.pending(store.db)
        assert store.db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert store.unit("x-co")["name"] == "Cổ Lũy"
        assert store.unit("x-co")["recipients"] == ["Lãnh đạo UBND huyện", "Lưu: VT"]
        periods = store.periods("x-co")
        assert [(p["year"], p["kind"], p["status"]) for p in periods] == [(2023, "NAM", "final"), (2024, "Q1", "draft")]
        assert store.values(1) == {"A/1.1": {"value": "12", "note": "theo Kế hoạch số 44/KH-UBND"},
                                   "A/3": {"value": "3523.681", "note": ""}}
        assert store.narratives(1)["I.1"]["text"] == "- Đã ban hành {{A/1.1}} kế hoạch."
        assert store.dossier_table(1, "ubnd").fields[0]["truc_tuyen"] == Decimal(458)
        assert [d["number"] for d in store.documents(1)] == ["44"]
        assert [(h["old"], h["new"]) for h in store.history(1, "value:A/1.1")] == [("10", "12")]
        # Still an ordinary, writable file after the upgrade.
        store.set_value(2, "A/1.1", "4")
        assert store.db.execute("PRAGMA foreign_key_check").fetchall() == []
        assert store.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        store.close()
    found = backup.list_backups(path)
    if version < SCHEMA_VERSION:
        assert [b.reason for b in found] == ["nang-cap"]
        # The backup is the file as it was before the upgrade.
        assert _applied(found[0].path) == _applied(SCHEMA / fixture)
        conn = sqlite3.connect(found[0].path)
        assert conn.execute("SELECT value FROM indicator_values WHERE period_id = 2").fetchone() == ("3",)
        conn.close()
    else:
        assert found == []  # nothing to upgrade, backup=False: no backup
    assert _sha(SCHEMA / fixture) == original  # the fixture itself is untouched


def _failing_set(step_ok_name="m900_ok"):
    """The app's steps, then one that works and one that fails."""
    ms = Migrations(migrations.name)
    for step in STEPS:
        ms()(step)

    @ms(name=step_ok_name)
    def ok(db):
        db.execute("CREATE TABLE new_things (id INTEGER PRIMARY KEY)")
        db.execute("UPDATE units SET name = 'ĐÃ ĐỔI'")

    @ms(name="m901_fails")
    def fails(db):
        db.execute("ALTER TABLE periods ADD COLUMN extra TEXT")
        raise RuntimeError("bước nâng cấp hỏng")

    return ms


def test_a_failing_step_rolls_back_the_whole_upgrade(tmp_path, monkeypatch):
    path = _old_file(tmp_path)
    before = _sha(path)
    ms = _failing_set()
    monkeypatch.setattr(database, "migrations", ms)
    monkeypatch.setattr(check, "KNOWN", KNOWN + ["m900_ok", "m901_fails"])
    with pytest.raises(DataFileError) as e:
        open_store(path, MINI)
    assert "Không nâng cấp được" in str(e.value) and "giữ nguyên" in str(e.value)
    # Nothing of the upgrade is in the file: not the steps that worked, not the marks.
    assert _applied(path) == KNOWN[:1]
    conn = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
    assert "new_things" not in tables and "package_imports" not in tables
    assert conn.execute("SELECT name FROM units").fetchone() == ("Cổ Lũy",)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
    conn.close()
    assert _sha(path) == before
    # It was backed up before the attempt, and the lock was released.
    assert [b.reason for b in backup.list_backups(path)] == ["nang-cap"]
    monkeypatch.undo()
    store = open_store(path, MINI)
    assert _applied(path) == KNOWN
    store.close()


def test_no_upgrade_without_its_backup(tmp_path, monkeypatch):
    path = _old_file(tmp_path)
    before = _sha(path)

    def disk_full(*a, **k):
        raise backup.UserError("Ổ đĩa đã đầy, không ghi được “x”. Hãy xóa bớt tệp hoặc chọn ổ khác rồi thử lại.")

    monkeypatch.setattr(backup, "backup_now", disk_full)
    with pytest.raises(DataFileError) as e:
        open_store(path, MINI)
    assert "không tạo được bản sao lưu" in str(e.value) and "Ổ đĩa đã đầy" in str(e.value)
    assert _sha(path) == before and _applied(path) == KNOWN[:1]


def test_upgrade_runs_in_one_exclusive_transaction(tmp_path, monkeypatch):
    """While the steps run, no other connection can even start writing."""
    path = _old_file(tmp_path)
    seen = {}
    ms = Migrations(migrations.name)
    for step in STEPS:
        ms()(step)

    @ms(name="m902_probe")
    def probe(db):
        seen["in_transaction"] = db.conn.in_transaction
        other = sqlite3.connect(path, timeout=0)
        try:
            other.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as e:
            seen["other"] = str(e)
        finally:
            other.close()
        seen["fk"] = db.conn.execute("PRAGMA foreign_keys").fetchone()[0]

    monkeypatch.setattr(database, "migrations", ms)
    monkeypatch.setattr(check, "KNOWN", KNOWN + ["m902_probe"])
    store = open_store(path, MINI)
    assert store.db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    store.close()
    assert seen == {"in_transaction": True, "other": "database is locked", "fk": 0}


def test_migration_steps_are_registered_in_number_order():
    """m001, m002, m003, …: a new step is appended after the last, numbered after it."""
    from cchc_desktop.store.migrations import KNOWN, SCHEMA_VERSION

    # No gap and no step out of order: a branch that took a number ahead is renumbered at merge.
    numbers = [int(name[1:4]) for name in KNOWN]
    assert numbers == list(range(1, SCHEMA_VERSION + 1))


def test_v13_file_upgrades_to_the_own_figure_column(tmp_path):
    """m014: a typed row's own printed figure beside its value; the old values are untouched."""
    path = _old_file(tmp_path, "v13.sqlite")
    store = open_store(path, MINI)
    try:
        assert store.values(1)["A/3"] == {"value": "3523.681", "note": ""}
        store.db.execute("UPDATE periods SET status = 'draft' WHERE id = 1")
        store.set_own_figure(1, "A/3", "3523")
        assert store.values(1)["A/3"] == {"value": "3523.681", "note": "", "own": "3523"}
    finally:
        store.close()
