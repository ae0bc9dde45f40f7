"""A province's own catalogue: stored in the file, chosen per unit, old periods untouched."""
import shutil

import pytest

from cchc_desktop.domain import catalogue as catalogue_mod
from cchc_desktop import cli
from cchc_desktop.errors import UserError
from cchc_desktop.store import open_store
from tests.conftest import MINI


def test_new_periods_use_the_units_chosen_catalogue(demo_store):
    store = demo_store
    unit = store.unit()["code"]
    old = store.get_period(unit, "2023-NAM")
    mini = catalogue_mod.load(MINI)
    store.add_catalogue(mini)
    assert store.new_period_catalogue(unit) == store.builtin_catalogue_version
    store.choose_unit_catalogue(unit, mini.version)
    new = store.create_period(unit, "2024-NAM", carry_from=old["id"])
    assert new["catalogue_version"] == "TEST-1"
    assert store.catalogue_for(new["id"]).version == "TEST-1"
    # the period entered before keeps its forms
    assert store.period(old["id"])["catalogue_version"] == store.builtin_catalogue_version
    # back to the app's own: the setting is removed
    store.choose_unit_catalogue(unit, None)
    assert "danh_muc_bieu_mau" not in store.unit(unit)["settings"]
    assert store.create_period(unit, "2025-Q1")["catalogue_version"] == store.builtin_catalogue_version


def test_the_choice_survives_reopening(demo_file, tmp_path):
    path = tmp_path / "d.sqlite"
    shutil.copy(demo_file, path)
    store = open_store(path)
    store.add_catalogue(catalogue_mod.load(MINI))
    store.choose_unit_catalogue(store.unit()["code"], "TEST-1")
    store.close()
    store = open_store(path)  # no --catalogue: the window's way of opening
    try:
        assert store.new_period_catalogue(store.unit()["code"]) == "TEST-1"
    finally:
        store.close()


def test_a_version_reused_with_other_content_is_refused(demo_store, tmp_path):
    store = demo_store
    store.add_catalogue(catalogue_mod.load(MINI))
    changed = tmp_path / "mini2.toml"
    changed.write_text(MINI.read_text(encoding="utf-8").replace("Số nhiệm vụ hoàn thành", "Số việc xong"),
                       encoding="utf-8")
    with pytest.raises(UserError, match="nội dung khác"):
        store.add_catalogue(catalogue_mod.load(changed))
    assert "Số việc xong" not in store.catalogue("TEST-1").text
    store.add_catalogue(catalogue_mod.load(MINI))  # the same content again is fine


def test_switching_a_period_only_while_it_holds_no_figure(demo_store):
    store = demo_store
    unit = store.unit()["code"]
    store.add_catalogue(catalogue_mod.load(MINI))
    filled = store.get_period(unit, "2023-NAM")
    with pytest.raises(UserError, match="đã có số liệu"):
        store.set_period_catalogue(filled["id"], "TEST-1")
    assert store.period(filled["id"])["catalogue_version"] == store.builtin_catalogue_version
    empty = store.create_period(unit, "2024-Q1")
    store.set_period_catalogue(empty["id"], "TEST-1")
    assert store.catalogue_for(empty["id"]).version == "TEST-1"
    audit = store.db.execute("SELECT old, new FROM audit WHERE target = 'period.catalogue_version'").fetchall()
    assert audit == [(store.builtin_catalogue_version, "TEST-1")]
    store.set_value(empty["id"], "A/1.1", "4")
    with pytest.raises(UserError):
        store.set_period_catalogue(empty["id"], store.builtin_catalogue_version)


def test_unknown_version_cannot_be_chosen(demo_store):
    with pytest.raises(UserError):
        demo_store.choose_unit_catalogue(demo_store.unit()["code"], "KHONG-CO")


def test_gui_catalogue_option_sets_the_units_choice(demo_file, tmp_path, monkeypatch):
    import ui.shell.app

    path = tmp_path / "d.sqlite"
    shutil.copy(demo_file, path)
    opened = []
    monkeypatch.setattr(ui.shell.app, "run", lambda db, **kw: opened.append(db) or 0)
    assert cli.main(["--db", str(path), "--catalogue", str(MINI)]) == 0
    assert opened == [str(path)]
    store = open_store(path)
    try:
        assert store.new_period_catalogue(store.unit()["code"]) == "TEST-1"
    finally:
        store.close()


def test_gui_catalogue_on_an_empty_file_says_what_to_do(tmp_path, capsys, monkeypatch):
    import ui.shell.app

    monkeypatch.setattr(ui.shell.app, "run", lambda db, **kw: 0)
    assert cli.main(["gui", "--db", str(tmp_path / "new.sqlite"), "--catalogue", str(MINI)]) != 0
    err = capsys.readouterr().err
    assert "chưa có đơn vị" in err and "Danh mục biểu mẫu" in err


def test_the_same_catalogue_with_a_comment_added_is_not_another_catalogue(demo_store, tmp_path):
    store = demo_store
    store.add_catalogue(catalogue_mod.load(MINI))
    commented = tmp_path / "mini-comment.toml"
    commented.write_text("# gửi kèm công văn của Sở Nội vụ\n" + MINI.read_text(encoding="utf-8"), encoding="utf-8")
    store.add_catalogue(catalogue_mod.load(commented))  # same fingerprint: accepted, nothing changes
    assert [c["version"] for c in store.catalogues()].count("TEST-1") == 1


# The app's own catalogue, pinned: a data file keeps the text of a version as it first saw it, so
# changing what the catalogue says (a label, a formula, a rule) without a new
# `version` would leave every existing file on the old content. Change the content → bump the
# version (resources/catalogue/*.toml) and put the new pair here.
BUILTIN_PINS = {"HD-2023.1": "1b35d81b0806dbc57fefa4812e4b588e88e2f9328b3fe9cf282cbd5f22282788"}


def test_the_builtin_catalogue_content_matches_its_version():
    cat = catalogue_mod.load(None)
    assert cat.version in BUILTIN_PINS, f"phiên bản mới {cat.version}: thêm vào BUILTIN_PINS"
    assert cat.fingerprint == BUILTIN_PINS[cat.version], (
        "Danh mục có sẵn đã đổi nội dung mà chưa đổi version: hãy đổi version trong "
        "resources/catalogue/*.toml rồi ghi dấu mới vào BUILTIN_PINS")


def test_a_derived_row_is_refused_by_name(demo_store):
    store = demo_store
    pid = store.get_period(store.unit()["code"], "2023-NAM")["id"]
    with pytest.raises(UserError, match=r"Biểu mẫu 7, dòng 6\.7.*tính tự động"):
        store.set_value(pid, "BM7/6.7", "50")


def test_choosing_and_switching_go_together_or_not_at_all(demo_store):
    store = demo_store
    unit = store.unit()["code"]
    filled = store.get_period(unit, "2023-NAM")
    store.add_catalogue(catalogue_mod.load(MINI))
    with pytest.raises(UserError, match=r"Kỳ báo cáo năm 2023 đã có số liệu.*“Biểu mẫu thống kê CCHC cấp xã"):
        store.choose_catalogue(unit, "TEST-1", filled["id"])
    assert "danh_muc_bieu_mau" not in store.unit(unit)["settings"]  # the refused switch undid the choice
    store.choose_catalogue(unit, "TEST-1")
    assert store.new_period_catalogue(unit) == "TEST-1"


def test_a_catalogue_file_that_is_not_text_or_has_a_bom(tmp_path):
    from cchc_desktop.domain.catalogue import CatalogueError

    binary = tmp_path / "anh.toml"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\xff\xfe\x00")
    with pytest.raises(CatalogueError, match="không phải văn bản UTF-8"):
        catalogue_mod.load(binary)
    bom = tmp_path / "notepad.toml"
    bom.write_bytes(b"\xef\xbb\xbf" + MINI.read_bytes())
    assert catalogue_mod.load(bom).version == "TEST-1"
