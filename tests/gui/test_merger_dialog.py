"""Công cụ → Tổng hợp số liệu xã cũ: the preview before anything is written, then the merge and its undo."""
from __future__ import annotations

import pytest

from cchc_desktop.report.default_texts import setup_unit
from cchc_desktop.store import open_store
from tests.test_merger import NEW, _former_package
from ui.packages import merger
from ui.shell.context import AppContext


@pytest.fixture
def new_window(tmp_path, qtbot, no_dialogs):
    from ui.shell.main_window import MainWindow

    store = open_store(tmp_path / "ntm.sqlite")
    setup_unit(store, NEW, "Nam Thanh Miện", "xa", period_code="2025-NAM", upper_name="thành phố Hải Phòng",
               upper_code="31", province="Hải Phòng", place_name="Nam Thanh Miện")
    pid = store.get_period(NEW, "2025-NAM")["id"]
    w = MainWindow(AppContext(store, NEW, pid), install_features=False)
    qtbot.addWidget(w)
    yield w
    store.close()


def test_preview_then_merge_then_undo(new_window, tmp_path, qtbot, no_dialogs):
    feature = merger.install(new_window)
    assert merger.MENU_TEXT in [a.text() for a in new_window.menus["Công cụ"].actions()]
    ctx = new_window.ctx
    good = _former_package(tmp_path, "11287", "Thanh Giang", 1)
    stranger = _former_package(tmp_path, "11011", "Tân Hưng", 1)
    dlg = feature.open([good, stranger])
    assert dlg.table.rowCount() == 2
    assert dlg.table.item(0, 1).text() == "xã Thanh Giang" and dlg.table.item(0, 4).text() == "Sẽ lấy"
    assert dlg.table.item(1, 4).text().startswith("Không lấy: xã Tân Hưng không phải đơn vị cũ")
    assert ctx.data().merger_sources == []  # nothing written by the preview
    assert dlg.btn_apply.isEnabled() and not dlg.btn_undo.isEnabled()
    assert dlg.apply()
    assert [s["former_name"] for s in ctx.data().merger_sources] == ["xã Thanh Giang"]
    assert "Đã tổng hợp vào báo cáo: xã Thanh Giang: số liệu 6 tháng đầu năm 2025" in dlg.held.text()
    assert dlg.table.rowCount() == 0 and dlg.btn_undo.isEnabled()
    # the window's preview of the opening names the source, as the Word report does
    from ui.entry.narrative_editor import NarrativeEditor

    ed = NarrativeEditor(ctx, ["MO"])
    qtbot.addWidget(ed)
    ed.blocks["MO"].refresh_preview()
    shown = ed.blocks["MO"].preview.toPlainText()
    assert "- Xã Thanh Giang: báo cáo 6 tháng đầu năm 2025" in shown
    assert shown.index("Xã Thanh Giang") < shown.index("như sau:")
    assert dlg.undo()
    assert ctx.data().merger_sources == []


def test_a_period_without_the_merger_day_says_why(window, no_dialogs):
    feature = merger.install(window)  # the demo: xã Chi Lăng Nam 2023, not a unit of the list
    assert feature.open() is None
    assert no_dialogs and "không được hình thành" in no_dialogs[-1][1]
