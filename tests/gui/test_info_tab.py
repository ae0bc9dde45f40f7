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
