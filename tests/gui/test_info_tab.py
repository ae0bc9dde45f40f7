"""Thông tin chung at the smallest screen the offices have (1024×768, window maximized, the
section list beside the page): every field wide enough to read what it holds."""
import pytest

from ui.qt import QApplication, QComboBox, QLineEdit, QPlainTextEdit

MIN_FIELD = 250


def _field_widths(info):
    return {key: w.width() for key, w in info.fields.items()}


@pytest.mark.parametrize("width,height", [(1024, 768), (1366, 768)])
def test_every_field_is_wide_enough(window, qtbot, width, height):
    window.resize(width, height)
    qtbot.waitUntil(lambda: window.width() == width)
    info = window.show_tab("info")
    QApplication.processEvents()
    edits = info.findChildren(QLineEdit)
    assert len(edits) >= 12
    narrow = {key: w for key, w in _field_widths(info).items() if w < MIN_FIELD}
    assert narrow == {}
    for e in edits:  # the combo boxes' own line edits included
        assert e.width() >= MIN_FIELD - 40, e.placeholderText()
    # nothing pushed out sideways: no horizontal scrolling
    assert info.horizontalScrollBar().maximum() == 0
    # the recipients box shows a whole recipient on a line
    rec = info.fields["unit.recipients"]
    assert isinstance(rec, QPlainTextEdit)
    assert rec.viewport().width() > rec.fontMetrics().horizontalAdvance("- Văn phòng HĐND và UBND huyện;")


def test_two_columns_on_a_wide_screen_one_on_a_small_one(window, qtbot):
    info = window.show_tab("info")
    window.resize(1366, 768)
    qtbot.waitUntil(lambda: window.width() == 1366)
    QApplication.processEvents()
    name, number = info.fields["unit.name"], info.fields["period.doc_number"]
    assert number.mapTo(info.widget(), number.rect().topLeft()).x() > name.mapTo(info.widget(), name.rect().topLeft()).x() + 200
    window.resize(1024, 768)
    qtbot.waitUntil(lambda: window.width() == 1024)
    QApplication.processEvents()
    assert abs(number.mapTo(info.widget(), number.rect().topLeft()).x()
               - name.mapTo(info.widget(), name.rect().topLeft()).x()) < 200
    assert isinstance(info.fields["unit.kind"], QComboBox)


def test_the_upper_level_field_says_it_is_the_letterheads_first_line(window):
    info = window.show_tab("info")
    tip = info.fields["unit.upper_name"].toolTip()
    assert "tiêu đề báo cáo" in tip and "Để trống" in tip


def test_district_only_for_units_with_periods_before_the_two_tiers(window, tmp_path, qtbot, no_dialogs):
    info = window.show_tab("info")
    form = info._unit_form
    assert form.isRowVisible(info.fields["unit.district"])  # the demo: 2023, huyện Thanh Miện
    assert "chưa chọn theo danh mục" in info.official.text()
    # picked from the list: xã Nam Thanh Miện, which Chi Lăng Nam is part of today
    assert info.pick_from_list("11284")
    unit = window.ctx.store.unit(window.ctx.unit_code)
    assert (unit["name"], unit["kind"], unit["upper_name"], unit["upper_code"], unit["province"]) == \
        ("Nam Thanh Miện", "xa", "thành phố Hải Phòng", "31", "Hải Phòng")
    assert unit["district"] == "Thanh Miện"  # kept: the 2023 period was under the district


def test_a_ward_of_the_list_shows_the_list_and_no_district(tmp_path, qtbot, no_dialogs):
    from cchc_desktop.domain import official_choice, official_units
    from cchc_desktop.report.default_texts import setup_unit
    from cchc_desktop.store import open_store
    from ui.entry.info_tab import InfoTab
    from ui.shell.context import AppContext

    store = open_store(tmp_path / "p.sqlite")
    f = official_choice.unit_fields(official_units.unit("10537"))
    code, name, kind = f.pop("code"), f.pop("name"), f.pop("kind")
    period = setup_unit(store, code, name, kind, period_code="2026-Q1", **f)
    info = InfoTab(AppContext(store, code, period["id"]))
    qtbot.addWidget(info)
    assert not info._unit_form.isRowVisible(info.fields["unit.district"])
    assert info.official.text() == "Theo danh mục từ 01/7/2025: Phường Tân Hưng (mã 10537), Thành phố Hải Phòng."
    assert "Thanh Miện" not in info.fields["unit.upper_name"].placeholderText()
    # no Nơi nhận stored: the box says which ones the report writes (the frame's)
    assert "UBND thành phố Hải Phòng (qua Sở Nội vụ)" in info.fields["unit.recipients"].placeholderText()
    store.close()
