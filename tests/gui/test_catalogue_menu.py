"""Tệp → Danh mục biểu mẫu…: loading a province's catalogue from the window."""
from pathlib import Path

from tests.conftest import MINI
from ui.entry import catalogue_menu


def open_dialog(window, qtbot):
    dlg = catalogue_menu.CatalogueDialog(window.ctx, window)
    qtbot.addWidget(dlg)
    return dlg


def test_menu_entry(window):
    catalogue_menu.install(window)
    assert catalogue_menu.ACTION_TEXT in [a.text() for a in window.menus["Tệp"].actions()]


def test_load_a_province_catalogue_for_new_periods(window, qtbot, monkeypatch, tmp_path):
    catalogue_menu.install(window)
    ctx = window.ctx
    store = ctx.store
    demo_period = ctx.period_id
    dlg = open_dialog(window, qtbot)
    assert "Biểu mẫu thống kê CCHC cấp xã" in dlg.current_label.text()
    # the demo period holds figures: it keeps its catalogue
    assert not dlg.apply_current.isEnabled()
    monkeypatch.setattr(catalogue_menu, "ask_catalogue_file", lambda parent: str(MINI))
    dlg.load_button.click()
    assert "Danh mục thử" in dlg.message.text() and "TEST-1" in dlg.choice.currentText()
    dlg.grab().save(str(tmp_path / "danh-muc.png"))
    dlg.save_button.click()
    assert store.new_period_catalogue(ctx.unit_code) == "TEST-1"
    assert store.period(demo_period)["catalogue_version"] == store.builtin_catalogue_version
    # a period created from the window now uses the province's forms
    new = window.create_period("2024-NAM", carry_from=demo_period)
    assert new["catalogue_version"] == "TEST-1"


def test_an_empty_open_period_may_switch_and_the_forms_follow(window, qtbot, monkeypatch):
    feature = catalogue_menu.CatalogueFeature(window)
    ctx = window.ctx
    store = ctx.store
    empty = store.create_period(ctx.unit_code, "2024-Q1")
    ctx.invalidate("period")
    window.select_period(empty["id"])
    window.show_tab("II.2")  # forms and the dossier panel built before the switch
    window.show_tab("I")
    dlg = open_dialog(window, qtbot)
    monkeypatch.setattr(catalogue_menu, "ask_catalogue_file", lambda parent: str(MINI))
    dlg.load_button.click()
    assert dlg.apply_current.isEnabled() and dlg.apply_current.isChecked()
    dlg.save_button.click()
    assert store.period(empty["id"])["catalogue_version"] == "TEST-1"
    # the section's forms are rebuilt from the new catalogue
    form = window.show_tab("I").forms[0]
    assert [r.code for r in form.model.rows][:2] == ["A/1", "A/1.1"]
    assert feature.built_with == "TEST-1"
    # the dropped widgets no longer listen: a change reaches only the live ones (pytest-qt fails
    # the test on an exception in a slot, e.g. "Internal C++ object already deleted")
    ctx.invalidate("*")
    qtbot.wait(50)
    # back to the demo period: its own forms again
    window.select_period(store.get_period(ctx.unit_code, "2023-NAM")["id"])
    form = window.show_tab("I").forms[0]
    assert form.model.rows[0].code.startswith("BM1/")


def test_a_broken_catalogue_file_is_explained(window, qtbot, monkeypatch, tmp_path):
    bad = tmp_path / "hong.toml"
    bad.write_text("version = \n[[forms", encoding="utf-8")
    dlg = open_dialog(window, qtbot)
    monkeypatch.setattr(catalogue_menu, "ask_catalogue_file", lambda parent: str(bad))
    before = window.ctx.store.catalogues()
    dlg.load_button.click()
    assert "Chưa nạp được danh mục" in dlg.message.text()
    assert window.ctx.store.catalogues() == before
    assert Path(bad).exists()


def test_every_shipped_catalogue_is_marked_built_in(window, qtbot):
    dlg = open_dialog(window, qtbot)
    items = {dlg.choice.itemData(i): dlg.choice.itemText(i) for i in range(dlg.choice.count())}
    assert {"HD-2023.1", "HC2-2025.1"} <= set(items)
    for version in ("HD-2023.1", "HC2-2025.1"):
        assert items[version].endswith("(có sẵn trong chương trình)"), items[version]
