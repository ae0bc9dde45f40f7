"""The dossier table model without any widget, then the panel driven through its widgets.

Figures are read back from the data file with a separate sqlite3 connection.
"""
import sqlite3

import pytest

from cchc_desktop.store import Store
from ui.qt import QApplication, QEvent, QKeyEvent, Qt


def type_text(qtbot, widget, text):
    """qtbot.keyClicks, also for Vietnamese letters (QTest only maps Latin-1 to keys)."""
    for ch in text:
        if ord(ch) < 128:
            qtbot.keyClicks(widget, ch)
        else:
            for kind in (QEvent.KeyPress, QEvent.KeyRelease):
                QApplication.sendEvent(widget, QKeyEvent(kind, Qt.Key_unknown, Qt.NoModifier, ch))


def type_in_cell(qtbot, view, text):
    """Type into the view's current cell as a user does: the first key opens the cell editor."""
    type_text(qtbot, view, text[0])
    editor = QApplication.focusWidget()
    assert editor is not view, "the first key should open the cell editor"
    type_text(qtbot, editor, text[1:])
    return editor


def cell_in_file(ctx, agency, field, column):
    conn = sqlite3.connect(str(ctx.store.path))
    try:
        row = conn.execute(f"SELECT {column} FROM dossier_rows WHERE period_id = ? AND agency = ? AND field = ?",
                           [ctx.period_id, agency, field]).fetchone()
        return row[0] if row else "missing"
    finally:
        conn.close()


@pytest.fixture
def model(ctx):
    from ui.entry.dossier_tab import DossierTableModel

    return DossierTableModel(ctx, "ubnd")


def test_shape_and_figures(model):
    """Read by column name (the model's COLUMNS), never by a bare number."""
    from cchc_desktop.domain import dossiers

    assert model.columnCount() == len(model.COLUMNS) == 11
    # every typed column of the store is a column, in the store's order, and the two computed ones
    assert [c for c in model.COLUMNS if c in dossiers.COLUMNS] == list(dossiers.COLUMNS)
    assert model.rowCount() == 5  # four fields + Cộng
    d = model.text
    assert [d(r, "linh_vuc") for r in range(5)] == ["Hộ tịch", "Chứng thực", "Người có công", "Bảo trợ xã hội", "Cộng"]
    assert d(0, "truc_tuyen") == "458" and d(1, "truc_tuyen") == "2.645" and d(1, "truc_tiep") == "0"
    assert d(0, "ky_truoc") == ""  # unknown, not zero
    assert d(0, "tiep_nhan") == "501"  # online + direct when the carried-over figure is unknown
    assert d(4, "truc_tuyen") == "3.147" and d(4, "truc_tiep") == "78"
    assert d(4, "ky_truoc") == "0" and d(4, "tiep_nhan") == "3.225"
    assert d(4, "truoc_han") == "3.143" and d(4, "da_giai_quyet") == "3.218" and d(4, "dang_giai_quyet") == "7"
    assert d(4, "dang_qua_han") == ""
    assert model.headerData(model.column("truc_tuyen"), Qt.Horizontal) == "Trực\ntuyến"
    assert model.field_at(0) == "Hộ tịch" and model.field_at(4) is None
    with pytest.raises(ValueError):
        model.column("khong_co")


def test_an_edit_by_column_name_reaches_the_file_and_the_computed_columns(model, ctx):
    assert model.setData(model.cell(0, "ky_truoc"), "12")
    assert cell_in_file(ctx, "ubnd", "Hộ tịch", "ky_truoc") == 12
    assert model.text(0, "tiep_nhan") == "513"  # 458 + 43 + 12, recomputed without a view
    assert not model.flags(model.cell(0, "tiep_nhan")) & Qt.ItemIsEditable


def test_computed_and_typed_totals(model):
    from ui.entry.dossier_tab import COL_EARLY, COL_FIELD, COL_ONLINE, COL_RECEIVED, COMPUTED_BG, TYPED_TOTAL_FG

    total = 4
    editable = lambda r, c: bool(model.flags(model.index(r, c)) & Qt.ItemIsEditable)  # noqa: E731
    # Every field has "online": the total is their sum, computed, read-only, shaded.
    assert model.is_computed(total, COL_ONLINE) and not editable(total, COL_ONLINE)
    assert model.data(model.index(total, COL_ONLINE), Qt.BackgroundRole) == COMPUTED_BG
    # No field has "early": the total is typed, editable, blue.
    assert not model.is_computed(total, COL_EARLY) and editable(total, COL_EARLY)
    assert model.data(model.index(total, COL_EARLY), Qt.ForegroundRole) == TYPED_TOTAL_FG
    # Computed columns and the "Cộng" label are never editable; field cells are.
    assert not editable(0, COL_RECEIVED) and not editable(total, COL_FIELD)
    assert editable(0, COL_ONLINE) and editable(0, COL_FIELD)
    assert not model.setData(model.index(total, COL_ONLINE), "1")
    assert not model.setData(model.index(0, COL_RECEIVED), "1")


def test_set_data_writes_the_store(model, ctx):
    from ui.entry.dossier_tab import COL_CARRIED, COL_DIRECT, COL_EARLY, COL_ONLINE, COL_RECEIVED

    assert model.setData(model.index(0, COL_DIRECT), "1.043")  # thousands separator
    assert cell_in_file(ctx, "ubnd", "Hộ tịch", "truc_tiep") == 1043
    assert model.data(model.index(0, COL_DIRECT)) == "1.043"
    assert model.data(model.index(4, COL_DIRECT)) == "1.078"  # the total follows
    assert model.data(model.index(4, COL_RECEIVED)) == "4.225"
    # The typed total of a column no field has.
    assert model.setData(model.index(4, COL_EARLY), "3144")
    assert cell_in_file(ctx, "ubnd", "", "truoc_han") == 3144
    # Blank = unknown, 0 = zero.
    assert model.setData(model.index(1, COL_ONLINE), "")
    assert cell_in_file(ctx, "ubnd", "Chứng thực", "truc_tuyen") is None
    assert model.data(model.index(1, COL_ONLINE)) == ""
    assert model.setData(model.index(1, COL_ONLINE), "0")
    assert cell_in_file(ctx, "ubnd", "Chứng thực", "truc_tuyen") == 0
    assert model.data(model.index(1, COL_ONLINE)) == "0"
    # A column becomes computed once every field has it.
    assert not model.is_computed(4, COL_CARRIED)
    for r in range(4):
        assert model.setData(model.index(r, COL_CARRIED), "1")
    assert model.is_computed(4, COL_CARRIED) and model.data(model.index(4, COL_CARRIED)) == "4"


def test_undo_writes_the_old_value_back(model, ctx):
    from ui.entry.dossier_tab import COL_DIRECT, COL_EARLY, COL_FIELD

    assert model.setData(model.index(0, COL_DIRECT), "50")
    assert model.setData(model.index(4, COL_EARLY), "")
    assert model.setData(model.index(0, COL_FIELD), "Hộ tịch mới")
    assert model.setData(model.index(0, COL_DIRECT), "50")  # unchanged: nothing to undo
    model.undo()
    assert model.field_at(0) == "Hộ tịch"
    model.undo()
    assert cell_in_file(ctx, "ubnd", "", "truoc_han") == 3143
    model.undo()
    assert cell_in_file(ctx, "ubnd", "Hộ tịch", "truc_tiep") == 43
    assert model.data(model.index(0, COL_DIRECT)) == "43"
    model.undo()  # nothing left: no harm
    model.undo_stack.redo()
    assert cell_in_file(ctx, "ubnd", "Hộ tịch", "truc_tiep") == 50
    # A field added elsewhere changes the rows: older edits are no longer undone.
    ctx.write("dossier", Store.add_field, ctx.period_id, "ubnd", "Đất đai")
    assert not model.undo_stack.canUndo()


def test_invalid_input_refused(model, ctx):
    from ui.entry.dossier_tab import COL_DIRECT, REJECTED_BG

    errors = []
    ctx.error.connect(errors.append)
    idx = model.index(0, COL_DIRECT)
    for bad in ("abc", "-1", "1,5"):
        assert not model.setData(idx, bad)
        assert cell_in_file(ctx, "ubnd", "Hộ tịch", "truc_tiep") == 43
        # The typed text stays in the cell, red, with the reason.
        assert model.data(idx) == bad
        assert model.data(idx, Qt.BackgroundRole) == REJECTED_BG
        assert model.data(idx, Qt.ToolTipRole).startswith("Chưa lưu: ")
    assert len(errors) == 3 and "không âm" in errors[1]
    assert model.setData(idx, "44")
    assert model.data(idx) == "44" and model.data(idx, Qt.BackgroundRole) is None


def test_rename_through_the_name_cell(model, ctx):
    from ui.entry.dossier_tab import COL_FIELD

    assert model.setData(model.index(0, COL_FIELD), "Hộ tịch – Chứng thực bản sao")
    assert cell_in_file(ctx, "ubnd", "Hộ tịch – Chứng thực bản sao", "truc_tuyen") == 458
    assert not model.setData(model.index(1, COL_FIELD), "Bảo trợ xã hội")  # already there
    assert model.data(model.index(1, COL_FIELD)) == "Bảo trợ xã hội"  # shown, refused, red


def test_agencies_with_only_the_totals_row(ctx):
    from ui.entry.dossier_tab import COL_ONLINE, COL_RESOLVED, DossierTableModel

    m = DossierTableModel(ctx, "cong_an")
    assert m.rowCount() == 1 and m.data(m.index(0, 0)) == "Cộng"
    assert m.data(m.index(0, COL_ONLINE)) == "322" and m.data(m.index(0, COL_RESOLVED)) == "322"
    assert m.setData(m.index(0, COL_ONLINE), "330")
    assert cell_in_file(ctx, "cong_an", "", "truc_tuyen") == 330


def test_follows_other_writes_and_periods(model, ctx):
    from ui.entry.dossier_tab import COL_ONLINE

    ctx.write("dossier", Store.set_dossier, ctx.period_id, "ubnd", "Hộ tịch", "truc_tuyen", "460")
    assert model.data(model.index(0, COL_ONLINE)) == "460"
    new = ctx.store.create_period(ctx.unit_code, "2024-NAM", carry_from=ctx.period_id)["id"]
    ctx.set_period(new)
    assert model.rowCount() == 5 and model.data(model.index(0, 0)) == "Hộ tịch"
    assert model.data(model.index(0, COL_ONLINE)) == ""  # fields carry over, figures do not


def test_final_period_refuses_edits(ctx):
    from ui.entry.dossier_tab import COL_DIRECT, DossierTableModel

    ctx.store.set_status(ctx.period_id, "final")
    m = DossierTableModel(ctx, "ubnd")
    assert m.read_only
    assert not (m.flags(m.index(0, COL_DIRECT)) & Qt.ItemIsEditable)
    assert not m.setData(m.index(0, COL_DIRECT), "1")
    assert cell_in_file(ctx, "ubnd", "Hộ tịch", "truc_tiep") == 43


# --- the panel, through its widgets ----------------------------------------------------
def shown_panel(ctx, qtbot, width=1000, height=760, active=False):
    """The dossier panel on screen at that size (`active`: its window has the keyboard focus)."""
    from ui.entry.dossier_tab import DossierPanel

    w = DossierPanel(ctx)
    qtbot.addWidget(w)
    w.resize(width, height)
    w.show()
    qtbot.waitExposed(w)
    if active:
        w.activateWindow()
        qtbot.waitUntil(lambda: QApplication.activeWindow() is w, timeout=2000)
    return w


@pytest.fixture
def panel(ctx, qtbot):
    w = shown_panel(ctx, qtbot)
    yield w
    w.close()


def test_add_field_and_type_figures(panel, ctx, qtbot, monkeypatch):
    from ui.entry import dossier_tab
    from ui.entry.dossier_tab import COL_DIRECT, COL_ONLINE

    asked = []
    monkeypatch.setattr(dossier_tab, "ask_text", lambda parent, title, label, text="": asked.append(title) or ("Đất đai", True))
    box = panel.boxes["ubnd"]
    qtbot.mouseClick(box.add_button, Qt.LeftButton)
    assert asked == ["Thêm lĩnh vực"]
    assert box.model.rowCount() == 6 and box.model.field_at(4) == "Đất đai"
    assert cell_in_file(ctx, "ubnd", "Đất đai", "truc_tuyen") is None
    # The new row's first figure cell is current: type, Enter commits and goes down.
    view = box.view
    assert view.currentIndex().row() == 4 and view.currentIndex().column() == COL_ONLINE
    editor = type_in_cell(qtbot, view, "1.234")
    qtbot.keyClick(editor, Qt.Key_Return)
    qtbot.waitUntil(lambda: cell_in_file(ctx, "ubnd", "Đất đai", "truc_tuyen") == 1234, timeout=2000)
    assert box.model.data(box.model.index(4, COL_ONLINE)) == "1.234"
    # Tab moves to the next cell to the right.
    view.setCurrentIndex(box.model.index(4, COL_ONLINE))
    qtbot.keyClick(view, Qt.Key_Tab)
    assert view.currentIndex().column() == COL_DIRECT
    editor = type_in_cell(qtbot, view, "6")
    qtbot.keyClick(editor, Qt.Key_Tab)
    qtbot.waitUntil(lambda: cell_in_file(ctx, "ubnd", "Đất đai", "truc_tiep") == 6, timeout=2000)
    # The totals now include the new field; the key rates line follows.
    assert box.model.data(box.model.index(5, COL_ONLINE)) == "4.381"
    assert "Tiếp nhận 4.465 hồ sơ" in box.rates.text()


def test_enter_moves_down(panel, qtbot):
    from ui.entry.dossier_tab import COL_DIRECT

    box = panel.boxes["ubnd"]
    view = box.view
    view.setFocus()
    view.setCurrentIndex(box.model.index(0, COL_DIRECT))
    editor = type_in_cell(qtbot, view, "40")
    qtbot.keyClick(editor, Qt.Key_Return)
    qtbot.waitUntil(lambda: view.currentIndex().row() != 0, timeout=1000)
    assert view.currentIndex().row() == 1 and view.currentIndex().column() == COL_DIRECT
    assert box.model.data(box.model.index(0, COL_DIRECT)) == "40"
    # Ctrl+Z in the table (not in a cell editor) undoes the last accepted edit.
    view.setFocus()
    qtbot.keyClick(view, Qt.Key_Z, Qt.ControlModifier)
    assert box.model.data(box.model.index(0, COL_DIRECT)) == "43"


def test_rename_and_remove_field(panel, ctx, qtbot, monkeypatch):
    from ui import messages

    from ui.entry import dossier_tab
    box = panel.boxes["ubnd"]
    assert not box.rename_button.isEnabled()  # no field chosen yet
    box.view.setCurrentIndex(box.model.index(3, 1))
    assert box.rename_button.isEnabled() and box.remove_button.isEnabled()
    monkeypatch.setattr(dossier_tab, "ask_text", lambda *a, **k: ("Bảo trợ xã hội và trẻ em", True))
    qtbot.mouseClick(box.rename_button, Qt.LeftButton)
    assert box.model.field_at(3) == "Bảo trợ xã hội và trẻ em"
    assert cell_in_file(ctx, "ubnd", "Bảo trợ xã hội và trẻ em", "truc_tuyen") == 44
    # Removing asks first; "Không" keeps it.
    monkeypatch.setattr(messages, "ask", lambda parent, text, title=None: False)
    box.view.setCurrentIndex(box.model.index(3, 1))
    qtbot.mouseClick(box.remove_button, Qt.LeftButton)
    assert box.model.rowCount() == 5
    asked = []
    monkeypatch.setattr(messages, "ask", lambda parent, text, title=None: asked.append(text) or True)
    qtbot.mouseClick(box.remove_button, Qt.LeftButton)
    assert "Bảo trợ xã hội và trẻ em" in asked[0]
    assert box.model.rowCount() == 4
    assert cell_in_file(ctx, "ubnd", "Bảo trợ xã hội và trẻ em", "truc_tuyen") == "missing"


def test_panel_final_period(ctx, qtbot):
    from ui.entry.dossier_tab import DossierPanel

    ctx.store.set_status(ctx.period_id, "final")
    w = DossierPanel(ctx)
    qtbot.addWidget(w)
    w.show()
    assert w.banner.isVisible()
    for box in w.boxes.values():
        assert not box.add_button.isEnabled()
    box = w.boxes["ubnd"]
    box.view.setCurrentIndex(box.model.index(0, 2))
    assert not box.remove_button.isEnabled()
    type_text(qtbot, box.view, "9")
    from ui.qt import QAbstractItemView

    assert box.view.state() != QAbstractItemView.EditingState
    assert cell_in_file(ctx, "ubnd", "Hộ tịch", "truc_tiep") == 43
    w.close()


def test_focus_target(panel):
    from ui.entry.dossier_tab import COL_RESOLVED

    assert panel.focus_target("hs.cong_an")
    box = panel.boxes["cong_an"]
    assert box.view.currentIndex().row() == 0
    assert panel.focus_target("hs.ubnd.Người có công")
    assert panel.boxes["ubnd"].view.currentIndex().row() == 2
    assert panel.focus_target("hs.ubnd.da_giai_quyet")
    assert panel.boxes["ubnd"].view.currentIndex().column() == COL_RESOLVED
    assert not panel.focus_target("BM1/1") and not panel.focus_target("hs.khac")


def test_field_names_of_digits_only_or_taken_are_refused(model, ctx):
    from ui.entry.dossier_tab import COL_FIELD, field_name_problem

    names = ["Hộ tịch", "Chứng thực"]
    assert "chỉ có chữ số" in field_name_problem("1.234", names)
    assert "đã có lĩnh vực “Hộ tịch”" in field_name_problem("  hộ  tịch ", names)
    assert field_name_problem("Hộ tịch", names, old="Hộ tịch") is None  # keeping its own name
    assert field_name_problem("Đất đai", names) is None
    errors = []
    ctx.error.connect(errors.append)
    assert not model.setData(model.index(0, COL_FIELD), "458")
    assert "chỉ có chữ số" in errors[-1]
    assert cell_in_file(ctx, "ubnd", "458", "truc_tuyen") == "missing"
    assert cell_in_file(ctx, "ubnd", "Hộ tịch", "truc_tuyen") == 458


def test_typing_over_a_field_name_does_not_rename_it(panel, ctx, qtbot):
    from ui.entry.dossier_tab import COL_FIELD
    from ui.qt import QAbstractItemView

    box = panel.boxes["ubnd"]
    view = box.view
    view.setFocus()
    view.setCurrentIndex(box.model.index(0, COL_FIELD))
    type_text(qtbot, view, "45")
    assert view.state() != QAbstractItemView.EditingState
    assert QApplication.focusWidget() is view
    assert box.model.field_at(0) == "Hộ tịch" and cell_in_file(ctx, "ubnd", "Hộ tịch", "truc_tuyen") == 458
    # F2 opens the name on purpose.
    qtbot.keyClick(view, Qt.Key_F2)
    assert view.state() == QAbstractItemView.EditingState


def test_a_refused_name_in_the_cell_gets_a_message_box(panel, ctx, qtbot, no_dialogs):
    from ui.entry.dossier_tab import COL_FIELD

    box = panel.boxes["ubnd"]
    view = box.view
    view.setFocus()
    view.setCurrentIndex(box.model.index(1, COL_FIELD))
    qtbot.keyClick(view, Qt.Key_F2)
    editor = QApplication.focusWidget()
    editor.selectAll()
    type_text(qtbot, editor, "Hộ tịch")
    qtbot.keyClick(editor, Qt.Key_Return)
    qtbot.waitUntil(lambda: bool(no_dialogs), timeout=2000)
    kind, text = no_dialogs[-1]
    assert kind == "error" and "đã có lĩnh vực “Hộ tịch”" in text
    assert cell_in_file(ctx, "ubnd", "Chứng thực", "truc_tuyen") == 2645


def test_rename_button_refuses_digits_and_duplicates_with_a_message_box(panel, ctx, qtbot, monkeypatch, no_dialogs):
    from ui.entry import dossier_tab

    box = panel.boxes["ubnd"]
    box.view.setCurrentIndex(box.model.index(3, 1))
    for typed, expected in (("2023", "chỉ có chữ số"), ("Chứng thực", "đã có lĩnh vực “Chứng thực”")):
        monkeypatch.setattr(dossier_tab, "ask_text", lambda *a, t=typed, **k: (t, True))
        qtbot.mouseClick(box.rename_button, Qt.LeftButton)
        assert no_dialogs[-1][0] == "error" and expected in no_dialogs[-1][1]
        assert box.model.field_at(3) == "Bảo trợ xã hội"
    monkeypatch.setattr(dossier_tab, "ask_text", lambda *a, **k: ("12", True))
    qtbot.mouseClick(box.add_button, Qt.LeftButton)
    assert "chỉ có chữ số" in no_dialogs[-1][1] and box.model.rowCount() == 5


def test_enter_keeps_the_current_cell_in_sight(ctx, qtbot):
    from ui.entry.dossier_tab import COL_DIRECT

    w = shown_panel(ctx, qtbot, 1000, 190, active=True)  # the page shows only the first rows of the first table
    box = w.boxes["ubnd"]
    view = box.view
    view.setFocus()
    view.setCurrentIndex(box.model.index(0, COL_DIRECT))
    viewport = w.scroll.viewport()

    def in_sight(idx):
        rect = view.visualRect(idx)
        top_left = view.viewport().mapTo(viewport, rect.topLeft())
        bottom_right = view.viewport().mapTo(viewport, rect.bottomRight())
        return viewport.rect().contains(top_left) and viewport.rect().contains(bottom_right)

    for row in range(3):
        editor = type_in_cell(qtbot, view, str(40 + row))
        qtbot.keyClick(editor, Qt.Key_Return)
        qtbot.waitUntil(lambda r=row: view.currentIndex().row() == r + 1, timeout=1000)
        assert in_sight(view.currentIndex()), f"row {row + 1} went out of sight"
    assert w.scroll.verticalScrollBar().value() > 0
    w.close()


def test_history_of_a_field_from_its_context_menu(panel, ctx):
    from ui.safety.audit_view import AuditDialog
    from ui.entry.dossier_tab import COL_ONLINE

    ctx.write("dossier", Store.set_dossier, ctx.period_id, "ubnd", "Hộ tịch", "truc_tuyen", "460")
    ctx.write("dossier", Store.set_dossier, ctx.period_id, "ubnd", "Chứng thực", "truc_tuyen", "2600")
    view = panel.boxes["ubnd"].view
    menu = view.context_menu(view.model().index(0, COL_ONLINE))
    assert [a.text() for a in menu.actions()] == ["Xem lịch sử thay đổi"]
    menu.actions()[0].trigger()
    dlg = next(w for w in panel.findChildren(AuditDialog) if w.isVisible())
    assert [dlg.model.rows[i]["target"] for i in range(dlg.model.rowCount())] == ["dossier:ubnd:Hộ tịch:truc_tuyen"]
    assert "lĩnh vực Hộ tịch" in dlg.target_box.currentText()
    dlg.close()


def test_headers_fit_their_columns_on_a_small_screen(ctx, qtbot):
    """At 1024×768 the tab's page is about 760 px wide: every header line fits its column."""
    from ui.entry.dossier_tab import COLUMN_COUNT

    w = shown_panel(ctx, qtbot, 760, 500)
    view = w.boxes["ubnd"].view
    header = view.horizontalHeader()
    metrics = header.fontMetrics()
    for col in range(COLUMN_COUNT):
        text = view.model().headerData(col, Qt.Horizontal)
        widest = max(metrics.horizontalAdvance(line) for line in text.split("\n"))
        assert widest + 4 <= header.sectionSize(col), (text, widest, header.sectionSize(col))
    w.close()


def test_input_hint_says_why_a_cell_takes_no_figure(model, ctx):
    from ui.entry.dossier_tab import (
        COL_CARRIED, COL_DIRECT, COL_FIELD, COL_ONLINE, COL_RECEIVED, COL_RESOLVED, COMPUTED_HINT,
        COMPUTED_TOTAL_HINT, FINAL_HINT, TOTAL_LABEL_HINT, DossierTableModel,
    )

    total = 4
    assert model.input_hint(0, COL_RECEIVED) == COMPUTED_HINT == "Cột này được tính tự động từ các cột khác, không nhập tay."
    assert model.input_hint(total, COL_RESOLVED) == COMPUTED_HINT
    assert model.input_hint(total, COL_ONLINE) == COMPUTED_TOTAL_HINT  # every field has it: summed
    assert model.input_hint(total, COL_FIELD) == TOTAL_LABEL_HINT
    assert model.input_hint(0, COL_DIRECT) is None and model.input_hint(total, COL_CARRIED) is None  # typed
    ctx.store.set_status(ctx.period_id, "final")
    final = DossierTableModel(ctx, "ubnd")
    assert final.input_hint(0, COL_DIRECT) == FINAL_HINT


def test_tab_skips_computed_cells_so_typed_figures_land_where_typed(panel, ctx, qtbot):
    """The trial: 5 Tab 7 Tab, Tab past an empty "Kỳ trước", 100 — the 100 used to land on the grey
    "Tổng tiếp nhận" and be dropped. Now it lands in "Trước hạn" and is saved."""
    from ui.entry.dossier_tab import COL_CARRIED, COL_DIRECT, COL_EARLY, COL_ONLINE
    from ui.qt import QAbstractItemView

    box = panel.boxes["ubnd"]
    view, m = box.view, box.model
    view.setFocus()
    view.setCurrentIndex(m.index(0, COL_ONLINE))
    editor = type_in_cell(qtbot, view, "5")
    qtbot.keyClick(editor, Qt.Key_Tab)
    assert view.currentIndex().column() == COL_DIRECT and view.state() == QAbstractItemView.EditingState
    qtbot.keyClicks(QApplication.focusWidget(), "7")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key_Tab)
    assert view.currentIndex().column() == COL_CARRIED
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key_Tab)  # left empty
    assert view.currentIndex().column() == COL_EARLY  # not the computed "Tổng tiếp nhận"
    assert view.state() == QAbstractItemView.EditingState
    qtbot.keyClicks(QApplication.focusWidget(), "100")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key_Return)
    qtbot.waitUntil(lambda: cell_in_file(ctx, "ubnd", "Hộ tịch", "truoc_han") == 100, timeout=2000)
    assert cell_in_file(ctx, "ubnd", "Hộ tịch", "truc_tuyen") == 5
    assert cell_in_file(ctx, "ubnd", "Hộ tịch", "truc_tiep") == 7
    assert cell_in_file(ctx, "ubnd", "Hộ tịch", "ky_truoc") is None
    assert not box.message.isVisible()


def test_tab_order_skips_names_computed_columns_and_computed_totals(panel):
    from ui.entry.dossier_tab import (
        COL_CARRIED, COL_DIRECT, COL_EARLY, COL_LATE, COL_ON_TIME, COL_ONLINE, COL_OVERDUE, COL_PENDING,
        COLUMN_COUNT,
    )
    from ui.qt import QAbstractItemView

    box = panel.boxes["ubnd"]
    view, m = box.view, box.model
    typed_cols = [COL_ONLINE, COL_DIRECT, COL_CARRIED, COL_EARLY, COL_ON_TIME, COL_LATE, COL_PENDING, COL_OVERDUE]
    view.setCurrentIndex(m.index(0, COL_ONLINE))
    seen = [(0, COL_ONLINE)]
    while True:
        nxt = view.moveCursor(QAbstractItemView.MoveNext, Qt.NoModifier)
        if not nxt.isValid():
            break
        view.setCurrentIndex(nxt)
        seen.append((nxt.row(), nxt.column()))
    # Every field row: its eight typed columns, left to right, never its name or a computed column.
    assert seen[:4 * 8] == [(r, c) for r in range(4) for c in typed_cols]
    # The Cộng row: only the totals typed by hand (columns some field leaves blank).
    total = [c for r, c in seen[4 * 8:]]
    assert all(r == 4 for r, _ in seen[4 * 8:])
    assert total == [c for c in typed_cols if not m.is_computed(4, c)]
    assert COL_ONLINE not in total and COL_CARRIED in total  # online: summed; carried: Hộ tịch is blank
    assert len(seen) < 5 * COLUMN_COUNT
    # Shift+Tab goes back the same way.
    view.setCurrentIndex(m.index(1, COL_ONLINE))
    back = view.moveCursor(QAbstractItemView.MovePrevious, Qt.NoModifier)
    assert (back.row(), back.column()) == (0, COL_OVERDUE)


def test_a_key_typed_on_a_computed_cell_is_not_dropped_in_silence(panel, ctx, qtbot):
    from ui.entry.dossier_tab import COL_DIRECT, COL_ONLINE, COL_RECEIVED, COMPUTED_HINT, COMPUTED_TOTAL_HINT
    from ui.qt import QAbstractItemView

    box = panel.boxes["ubnd"]
    view, m = box.view, box.model
    view.setFocus()
    view.setCurrentIndex(m.index(0, COL_RECEIVED))
    assert not box.message.isVisible()
    type_text(qtbot, view, "100")
    assert box.message.isVisible() and box.message.text() == COMPUTED_HINT
    assert view.state() != QAbstractItemView.EditingState
    view.setCurrentIndex(m.index(4, COL_ONLINE))  # the Cộng row's sum of the fields
    assert not box.message.isVisible()  # the hint spoke of the other cell
    type_text(qtbot, view, "9")
    assert box.message.text() == COMPUTED_TOTAL_HINT and box.message.isVisible()
    assert cell_in_file(ctx, "ubnd", "", "truc_tuyen") != 9
    # An input cell takes the key as before.
    view.setCurrentIndex(m.index(0, COL_DIRECT))
    editor = type_in_cell(qtbot, view, "44")
    qtbot.keyClick(editor, Qt.Key_Return)
    qtbot.waitUntil(lambda: cell_in_file(ctx, "ubnd", "Hộ tịch", "truc_tiep") == 44, timeout=2000)
    assert not box.message.isVisible()


def test_a_key_typed_in_a_final_period_says_it_is_final(ctx, qtbot):
    from ui.entry.dossier_tab import COL_DIRECT, FINAL_HINT

    ctx.store.set_status(ctx.period_id, "final")
    w = shown_panel(ctx, qtbot)
    box = w.boxes["ubnd"]
    box.view.setFocus()
    box.view.setCurrentIndex(box.model.index(0, COL_DIRECT))
    type_text(qtbot, box.view, "9")
    assert box.message.isVisible() and box.message.text() == FINAL_HINT
    assert cell_in_file(ctx, "ubnd", "Hộ tịch", "truc_tiep") == 43
    w.close()
