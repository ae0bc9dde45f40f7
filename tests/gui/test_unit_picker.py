"""The new-unit form picks province then commune from the official list; outside it only by choice."""
import os

import pytest

from tests.gui.test_main_window import type_text


@pytest.fixture
def welcome(tmp_path, qapp, qtbot):
    from cchc_desktop.store import open_store
    from ui.shell.welcome import WelcomeDialog

    store = open_store(tmp_path / "new.sqlite")
    dlg = WelcomeDialog(store)
    qtbot.addWidget(dlg)
    dlg.btn_create.click()
    yield dlg, store
    store.close()


def test_the_form_has_no_district_and_no_old_examples(welcome):
    from ui.qt import QLabel, QLineEdit

    dlg, _ = welcome
    labels = " ".join(w.text() for w in dlg.findChildren(QLabel))
    placeholders = " ".join(w.placeholderText() for w in dlg.findChildren(QLineEdit))
    assert "Huyện:" not in labels and "Cấp trên trực tiếp" not in labels
    assert "Thanh Miện" not in placeholders and "Hải Dương" not in placeholders
    assert dlg.picker.province.count() == 34


def test_loose_typing_finds_the_province_and_the_ward(welcome):
    dlg, store = welcome
    picker = dlg.picker
    type_text(picker.province.lineEdit(), "tp hai phong")
    assert picker.province.choice().code == "31"
    picker.province.lineEdit().editingFinished.emit()
    assert picker.unit.count() == 114
    type_text(picker.unit.lineEdit(), "tan hung")
    assert picker.unit.choice().code == "10537"
    assert "Phường Tân Hưng" in picker.unit.completer().model().stringList()


def test_an_ambiguous_or_missing_choice_is_refused_with_a_message(welcome):
    dlg, store = welcome
    dlg.create_unit()
    assert "tỉnh/thành phố" in dlg.message.text() and not store.units()
    dlg.picker.province.setEditText("Hải Phòng")
    dlg.picker.province.lineEdit().editingFinished.emit()
    dlg.picker.unit.setEditText("Tân")
    dlg.create_unit()
    assert "Đơn vị không có trong danh mục" in dlg.message.text() and not store.units()


def test_a_unit_outside_the_list_only_when_ticked_with_a_warning(welcome):
    dlg, store = welcome
    picker = dlg.picker
    assert picker.warning.isHidden() and picker.name.isHidden()
    picker.province.setEditText("Nghệ An")
    picker.outside.setChecked(True)
    assert not picker.warning.isHidden() and "01/7/2025" in picker.warning.text()
    picker.kind.setCurrentIndex(picker.kind.findData("dac_khu"))
    picker.name.setText("Đặc khu Mới")
    dlg.create_unit()
    unit = store.unit()
    assert (unit["code"], unit["name"], unit["kind"], unit["upper_name"]) == \
        ("dac-khu-moi", "Mới", "dac_khu", "tỉnh Nghệ An")


def test_screenshot_of_the_new_unit_form(welcome, tmp_path):
    dlg, _ = welcome
    picker = dlg.picker
    picker.province.setEditText("Hải Phòng")
    picker.province.lineEdit().editingFinished.emit()
    picker.select("10537")
    dlg.resize(1024, 768)
    dlg.show()
    out = os.environ.get("CCHC_SCREENSHOT_DIR") or str(tmp_path)
    path = os.path.join(out, "tao-don-vi-moi.png")
    assert dlg.grab().save(path)
    assert picker.unit.currentText() == "Phường Tân Hưng"
