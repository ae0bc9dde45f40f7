import sqlite3
from decimal import Decimal

import pytest

from cchc_desktop.errors import DataFileError, InvalidValue, ReadOnlyPeriod
from cchc_desktop.store import open_store
from cchc_desktop.store.check import APPLICATION_ID
from cchc_desktop.store.migrations import SCHEMA_VERSION
from conftest import MINI


def test_migrations_from_an_empty_file(tmp_path):
    path = tmp_path / "new.sqlite"
    store = open_store(path, MINI)
    conn = store.db.conn
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"units", "periods", "indicator_values", "narratives", "dossier_rows", "documents",
            "register", "audit", "catalogues"} <= tables
    store.close()
    # Opening again applies nothing new and keeps the data.
    store = open_store(path, MINI)
    assert store.db.execute("SELECT COUNT(*) FROM _sqlite_migrations").fetchone()[0] == SCHEMA_VERSION
    store.close()


def test_values_are_parsed_checked_and_audited(mini_store):
    store, pid = mini_store
    assert store.set_value(pid, "A/1.1", "1.250") == Decimal(1250)
    store.set_note(pid, "A/1.1", "theo kế hoạch số 44")
    assert store.values(pid)["A/1.1"] == {"value": "1250", "note": "theo kế hoạch số 44"}
    for bad in ("-3", "abc", "1e9999", "2,5"):
        with pytest.raises(InvalidValue):
            store.set_value(pid, "A/1.1", bad)
    assert store.values(pid)["A/1.1"]["value"] == "1250"
    with pytest.raises(InvalidValue):
        store.set_value(pid, "A/2", "5")  # a choice takes only its codes
    with pytest.raises(InvalidValue):
        store.set_value(pid, "A/1", "50")  # derived rows are not typed
    with pytest.raises(InvalidValue):
        store.set_value(pid, "A/4", "101")
    store.set_value(pid, "A/3", "3.523,681")
    assert store.values(pid)["A/3"]["value"] == "3523.681"
    hist = store.history(pid, "value:A/1.1")
    assert [(h["old"], h["new"]) for h in hist] == [(None, "1250")]


def test_final_period_refuses_edits(mini_store):
    store, pid = mini_store
    store.set_status(pid, "final")
    with pytest.raises(ReadOnlyPeriod):
        store.set_value(pid, "A/1.1", "3")
    with pytest.raises(ReadOnlyPeriod):
        store.set_narrative(pid, "I.1", "x")
    with pytest.raises(ReadOnlyPeriod):
        store.add_field(pid, "ubnd", "Hộ tịch")
    store.set_status(pid, "draft")
    store.set_value(pid, "A/1.1", "3")
    targets = [h["target"] for h in store.history(pid)]
    assert targets.count("period.status") == 2


def test_dossier_fields_and_totals(mini_store):
    store, pid = mini_store
    store.add_field(pid, "ubnd", "Hộ tịch")
    store.add_field(pid, "ubnd", "Chứng thực")
    with pytest.raises(InvalidValue):
        store.add_field(pid, "ubnd", "Hộ tịch")
    store.set_dossier(pid, "ubnd", "Hộ tịch", "truc_tuyen", "458")
    store.set_dossier(pid, "ubnd", "Chứng thực", "truc_tuyen", "2.645")
    store.set_dossier(pid, "ubnd", "", "truoc_han", 10)
    store.rename_field(pid, "ubnd", "Chứng thực", "Chứng thực bản sao")
    table = store.dossier_table(pid, "ubnd")
    assert [f["name"] for f in table.fields] == ["Hộ tịch", "Chứng thực bản sao"]
    eff = table.effective()
    assert eff["truc_tuyen"] == 3103 and eff["truoc_han"] == 10 and eff["truc_tiep"] is None
    with pytest.raises(InvalidValue):
        store.set_dossier(pid, "ubnd", "Hộ tịch", "truc_tiep", "-1")
    store.remove_field(pid, "ubnd", "Hộ tịch")
    assert [f["name"] for f in store.dossier_table(pid, "ubnd").fields] == ["Chứng thực bản sao"]


def test_new_period_carries_text_and_fields_not_figures(mini_store):
    store, pid = mini_store
    store.set_narrative(pid, "I.1", "- Đã ban hành {{A/1.1}} kế hoạch.")
    store.add_field(pid, "ubnd", "Hộ tịch")
    store.set_dossier(pid, "ubnd", "Hộ tịch", "truc_tuyen", 5)
    store.set_value(pid, "A/1.1", "4")
    new = store.create_period("x1", "2025-Q1", carry_from=pid)
    assert store.narratives(new["id"])["I.1"]["text"] == "- Đã ban hành {{A/1.1}} kế hoạch."
    table = store.dossier_table(new["id"], "ubnd")
    assert [f["name"] for f in table.fields] == ["Hộ tịch"] and table.fields[0]["truc_tuyen"] is None
    assert store.values(new["id"]) == {}
    assert (new["start_date"], new["end_date"]) == ("2024-12-15", "2025-03-14")


@pytest.mark.parametrize("make", ["random", "truncated", "foreign"])
def test_unusable_files_are_refused_and_left_unchanged(tmp_path, make):
    path = tmp_path / "bad.sqlite"
    if make == "random":
        path.write_bytes(bytes(range(256)) * 64)
    elif make == "foreign":
        conn = sqlite3.connect(path)
        conn.execute("CREATE TABLE contacts (name TEXT)")
        conn.commit()
        conn.close()
    else:
        good = open_store(tmp_path / "good.sqlite", MINI)
        good.create_unit("x1", "Thử", "xa")
        good.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        good.close()
        data = (tmp_path / "good.sqlite").read_bytes()
        path.write_bytes(data[: len(data) // 2])
    before = path.read_bytes()
    with pytest.raises(DataFileError) as e:
        open_store(path, MINI)
    assert "CCHC Desktop" in str(e.value) or "hỏng" in str(e.value)
    assert path.read_bytes() == before


def test_newer_schema_is_refused(tmp_path):
    path = tmp_path / "newer.sqlite"
    store = open_store(path, MINI)
    store.db.execute(
        "INSERT INTO _sqlite_migrations (migration_set, name, applied_at) VALUES ('cchc_desktop', 'm999_future', 'x')"
    )
    store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    store.close()
    before = path.read_bytes()
    with pytest.raises(DataFileError) as e:
        open_store(path, MINI)
    assert "mới hơn" in str(e.value)
    assert path.read_bytes() == before


def test_setup_unit_starts_from_default_texts_and_fields(tmp_path):
    import datetime as dt

    from cchc_desktop.report import default_texts

    store = open_store(tmp_path / "new.sqlite")
    period = default_texts.setup_unit(store, "xa-an-binh", "An Bình", "xa", upper_name="huyện Kim Thành",
                                  province="Hải Dương", period_code="2024-NAM")
    texts = store.narratives(period["id"])
    assert "An Bình" in texts["II.3"]["text"] and "Chi Lăng Nam" not in "".join(t["text"] for t in texts.values())
    fields = [f["name"] for f in store.dossier_table(period["id"], "ubnd").fields]
    assert fields[:2] == ["Hộ tịch", "Chứng thực"] and len(fields) == len(default_texts.DEFAULT_FIELDS)
    assert default_texts.current_period_code(dt.date(2026, 11, 26)) == "2026-NAM"
    assert default_texts.current_period_code(dt.date(2026, 12, 15)) == "2027-NAM"
    store.close()
