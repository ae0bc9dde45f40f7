"""Kiểm tra's “Ở đâu” column in words (ui/entry/validation_tab.where)."""


def test_where_names_a_wards_police_and_the_signer(tmp_path):
    """Review of issue 17 (V4, V6): “Hồ sơ: Công an xã” for a phường; the signer's finding in words."""
    from cchc_desktop.domain import official_choice, official_units
    from cchc_desktop.report import default_texts, values
    from cchc_desktop.store import open_store
    from ui.entry.validation_tab import where

    fields = official_choice.unit_fields(official_units.unit("11383"))  # phường Lê Chân
    store = open_store(tmp_path / "w.sqlite")
    period = default_texts.setup_unit(store, fields.pop("code"), fields.pop("name"), fields.pop("kind"),
                                      "2026-Q3", **fields)
    data = values.load_period(store, period["id"])
    store.close()
    assert where("hs.cong_an", data) == "Hồ sơ: Công an phường"
    assert where("unit.signer_name", data) == "Thông tin chung: người ký"


def test_the_signer_finding_leads_to_its_field(window, qtbot):
    window.ctx.store.update_unit(window.ctx.unit_code, signer_name="")
    window.ctx.invalidate("unit")
    assert window.focus_target("unit.signer_name")
    assert window.tabs.currentWidget() is window.tab("info")
    assert "unit.signer_name" in window.tab_widget("info").fields
