"""IndicatorTableModel as a plain object: no view, no widget; results read back from the data file."""
from decimal import Decimal

from cchc_desktop.store import Store
from ui.entry.indicator_form import CHI_TIEU, DON_VI, GHI_CHU, GIA_TRI, KY_TRUOC, STT, IndicatorTableModel
from ui.qt import QFont, Qt

EDIT = Qt.ItemDataRole.EditRole


def stored(ctx, code):
    return ctx.store.values(ctx.period_id).get(code, {})


def model_of(ctx, section, form=None):
    return IndicatorTableModel(ctx, section, form)


def idx(m, code, col=GIA_TRI):
    return m.index(m.row_of(code), col)


def test_columns_rows_and_formatting(ctx):
    m = model_of(ctx, "I", "BM1")
    assert m.columnCount() == 6
    assert [m.headerData(c, Qt.Orientation.Horizontal) for c in (STT, CHI_TIEU, DON_VI, GIA_TRI, GHI_CHU)] == \
        ["STT", "Chỉ tiêu", "Đơn vị tính", "Giá trị", "Ghi chú"]
    assert all(r.form == "BM1" and r.section == "I" for r in m.rows)
    # Thousands separators as the seed writes them; choices by their label.
    assert idx(m, "BM1/5.1").data() == "3.225"
    assert idx(m, "BM1/5").data() == "Có"
    assert idx(m, "BM1/5").data(EDIT) == 1
    money = model_of(ctx, "II.5", "BM6")
    assert idx(money, "BM6/1.2").data() == "3.523,681"
    # Rows of the TT form that belong to section I are in a model of their own.
    tt = model_of(ctx, "I", "TT")
    assert tt.rowCount() >= 1 and all(r.form == "TT" for r in tt.rows)


def test_derived_and_group_rows_are_read_only_and_marked(ctx):
    m = model_of(ctx, "I", "BM1")
    derived = idx(m, "BM1/2")
    group = idx(m, "BM1/3")
    assert not m.flags(derived) & Qt.ItemFlag.ItemIsEditable
    assert not m.flags(group) & Qt.ItemFlag.ItemIsEditable
    assert m.flags(idx(m, "BM1/2.1")) & Qt.ItemFlag.ItemIsEditable
    assert derived.data(Qt.ItemDataRole.ForegroundRole) is not None  # greyed
    font = idx(m, "BM1/3", CHI_TIEU).data(Qt.ItemDataRole.FontRole)
    assert isinstance(font, QFont) and font.bold()
    assert not m.setData(derived, "50")


def test_a_recomputed_row_is_marked_at_its_value(ctx):
    from ui.entry.indicator_form import CORRECTED_BG, DERIVED_BG

    m = model_of(ctx, "II.6", "BM7")
    fixed = idx(m, "BM7/6.7")
    assert fixed.data() == "97,6" and fixed.data(Qt.ItemDataRole.BackgroundRole) == CORRECTED_BG
    assert "Trước đây đơn vị ghi 84 %" in fixed.data(Qt.ItemDataRole.ToolTipRole)
    assert "(3.147/3.225)" in fixed.data(Qt.ItemDataRole.ToolTipRole)
    assert idx(m, "BM7/6.7", GHI_CHU).data() == "(*) Trước đây ghi 84 %"
    assert idx(m, "BM7/6.8").data(Qt.ItemDataRole.BackgroundRole) == DERIVED_BG  # computed, no own figure


def test_a_typed_row_printed_otherwise_before_is_marked_at_its_value(ctx):
    """BM6 1.2: the seed printed 3.523, the data holds 3.523,681 (the own figure beside the value)."""
    from ui.entry.indicator_form import CORRECTED_BG, INPUT_BG

    m = model_of(ctx, "II.5", "BM6")
    cell = idx(m, "BM6/1.2")
    assert cell.data() == "3.523,681" and cell.data(Qt.ItemDataRole.BackgroundRole) == CORRECTED_BG
    tip = cell.data(Qt.ItemDataRole.ToolTipRole)
    assert "Số đã nhập: 3.523,681" in tip and "Đơn vị đã in trước đây 3.523" in tip and "3.523.681.000 đồng" in tip
    assert idx(m, "BM6/1.2", GHI_CHU).data() == "(*) Trước đây ghi 3.523"
    assert idx(m, "BM6/1.1").data(Qt.ItemDataRole.BackgroundRole) == INPUT_BG  # typed, no own figure
    assert m.flags(cell) & Qt.ItemFlag.ItemIsEditable  # still typed


def test_a_count_is_stored_and_the_derived_row_follows(ctx):
    m = model_of(ctx, "I", "BM1")
    seen = []
    m.dataChanged.connect(lambda a, b: seen.append((a.row(), b.row())))
    assert m.setData(idx(m, "BM1/2.1"), "50")
    assert stored(ctx, "BM1/2.1")["value"] == "50"
    assert idx(m, "BM1/2").data() == "50"  # 25 of 50 tasks done
    assert seen  # views are told


def test_invalid_input_is_refused_with_a_vietnamese_message_and_kept(ctx):
    m = model_of(ctx, "I", "BM1")
    messages = []
    m.refused.connect(messages.append)
    ok = m.setData(idx(m, "BM1/2.1"), "hai mươi")
    assert not ok
    assert stored(ctx, "BM1/2.1")["value"] == "25"
    assert messages and "không phải là một con số" in messages[0]
    assert idx(m, "BM1/2.1").data(EDIT) == "hai mươi"  # the editor reopens with it
    assert m.setData(idx(m, "BM1/2.1"), "2,5") is False  # a count takes whole numbers only
    assert "số nguyên" in m.last_error
    assert m.setData(idx(m, "BM1/2.1"), "30")
    assert idx(m, "BM1/2.1").data() == "30"


def test_a_coded_choice_by_label_or_code(ctx):
    m = model_of(ctx, "I", "BM1")
    assert m.setData(idx(m, "BM1/5"), "Không")
    assert stored(ctx, "BM1/5")["value"] == "0"
    assert m.setData(idx(m, "BM1/5"), 1)
    assert stored(ctx, "BM1/5")["value"] == "1"
    assert not m.setData(idx(m, "BM1/5"), "Có lẽ")
    assert stored(ctx, "BM1/5")["value"] == "1"


def test_a_note(ctx):
    m = model_of(ctx, "I", "BM1")
    assert m.setData(idx(m, "BM1/1", GHI_CHU), "  gồm 3 công văn  ")
    assert stored(ctx, "BM1/1")["note"] == "gồm 3 công văn"
    assert idx(m, "BM1/1", GHI_CHU).data() == "gồm 3 công văn"


def test_undo_writes_the_old_value_back(ctx):
    m = model_of(ctx, "I", "BM1")
    m.setData(idx(m, "BM1/2.1"), "40")
    m.setData(idx(m, "BM1/1", GHI_CHU), "ghi chú")
    m.undo()
    assert stored(ctx, "BM1/1")["note"] == ""
    m.undo()
    assert stored(ctx, "BM1/2.1")["value"] == "25"
    m.undo_stack.redo()
    assert stored(ctx, "BM1/2.1")["value"] == "40"


def test_unchanged_text_writes_nothing(ctx):
    m = model_of(ctx, "I", "BM1")
    before = len(ctx.store.history(ctx.period_id))
    assert m.setData(idx(m, "BM1/5.1"), "3.225")
    assert len(ctx.store.history(ctx.period_id)) == before


def test_a_final_period_is_read_only(ctx):
    m = model_of(ctx, "I", "BM1")
    ok, _ = ctx.write("period", Store.set_status, ctx.period_id, "final")
    assert ok
    assert m.is_final
    assert not m.flags(idx(m, "BM1/2.1")) & Qt.ItemFlag.ItemIsEditable
    assert not m.setData(idx(m, "BM1/2.1"), "99")
    assert stored(ctx, "BM1/2.1")["value"] == "25"


def test_previous_period_column(ctx):
    m = model_of(ctx, "I", "BM1")
    assert not m.has_previous
    new = ctx.store.create_period(ctx.unit_code, "2024-NAM", carry_from=ctx.period_id)
    ctx.set_period(new["id"])
    assert m.has_previous
    assert "Năm 2023" in m.headerData(KY_TRUOC, Qt.Orientation.Horizontal)
    assert idx(m, "BM1/5.1", KY_TRUOC).data() == "3.225"
    assert idx(m, "BM1/5.1").data() == ""  # figures do not carry over
    assert m.setData(idx(m, "BM1/5.1"), "3.300")
    assert ctx.store.values(new["id"])["BM1/5.1"]["value"] == "3300"
    assert Decimal(ctx.store.values(ctx.store.find_period(ctx.unit_code, "2023-NAM")["id"])["BM1/5.1"]["value"]) == 3225


def test_coded_choices_leave_the_unit_column_blank(ctx):
    m = model_of(ctx, "I", "BM1")
    assert idx(m, "BM1/5", DON_VI).data() == ""  # not "Có = 1; Không = 0": the value column has the drop-down
    assert idx(m, "BM1/5.2", DON_VI).data() == ""
    assert idx(m, "BM1/5", DON_VI).data(Qt.ItemDataRole.ToolTipRole) == "Chọn ở cột Giá trị: Có / Không"
    assert idx(m, "BM1/5", GIA_TRI).data() == "Có"
    assert idx(m, "BM1/1", DON_VI).data() == "Văn bản"  # other rows keep their unit


def test_input_hint_says_why_a_cell_takes_no_input(ctx):
    from ui.entry.indicator_form import COLUMN_HINT, DERIVED_HINT, FINAL_HINT, GROUP_HINT, PREVIOUS_HINT

    m = model_of(ctx, "I", "BM1")
    assert m.input_hint(m.row_of("BM1/2"), GIA_TRI) == DERIVED_HINT
    assert DERIVED_HINT == "Dòng này được tính tự động từ các dòng khác, không nhập tay."
    assert m.input_hint(m.row_of("BM1/3"), GIA_TRI) == GROUP_HINT
    assert m.input_hint(m.row_of("BM1/1"), CHI_TIEU) == COLUMN_HINT
    assert m.input_hint(m.row_of("BM1/1"), KY_TRUOC) == PREVIOUS_HINT
    assert m.input_hint(m.row_of("BM1/1"), GIA_TRI) is None and m.input_hint(m.row_of("BM1/1"), GHI_CHU) is None
    assert ctx.write("period", Store.set_status, ctx.period_id, "final")[0]
    assert m.input_hint(m.row_of("BM1/1"), GIA_TRI) == FINAL_HINT


# --- the form, through its widgets ------------------------------------------------------------
def shown_form(ctx, qtbot):
    from ui.entry.indicator_form import IndicatorForm

    form = IndicatorForm(ctx, "I", "BM1", "Biểu mẫu 1")
    qtbot.addWidget(form)
    form.resize(760, 600)
    form.show()
    qtbot.waitExposed(form)
    return form


def test_tab_in_the_editor_skips_derived_and_heading_rows(ctx, qtbot):
    from ui.qt import QAbstractItemView

    form = shown_form(ctx, qtbot)
    view, m = form.table, form.model
    view.setFocus()
    view.setCurrentIndex(idx(m, "BM1/1"))
    qtbot.keyClicks(view, "3")
    editor = view.indexWidget(view.currentIndex())  # the cell editor the key opened
    assert editor is not None
    qtbot.keyClicks(editor, "0")
    qtbot.keyClick(editor, Qt.Key.Key_Tab)
    assert stored(ctx, "BM1/1")["value"] == "30"
    # BM1/2 is derived: the next editor opens on BM1/2.1, and what is typed lands there.
    assert view.currentIndex() == idx(m, "BM1/2.1") and view.state() == QAbstractItemView.State.EditingState
    editor = view.indexWidget(view.currentIndex())
    qtbot.keyClicks(editor, "9")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    assert stored(ctx, "BM1/2.1")["value"] == "9"
    assert not form.message.isVisible()


def test_tab_from_a_column_without_input_goes_on_in_the_value_column(ctx, qtbot):
    form = shown_form(ctx, qtbot)
    view, m = form.table, form.model
    view.setFocus()
    for col in (STT, CHI_TIEU, KY_TRUOC):
        view.setCurrentIndex(idx(m, "BM1/1", col))
        qtbot.keyClick(view, Qt.Key.Key_Tab)
        assert view.currentIndex() == idx(m, "BM1/2.1"), col  # it used to leave the table from Kỳ trước


def test_a_key_typed_on_a_derived_row_shows_a_hint_not_silence(ctx, qtbot):
    from ui.entry.indicator_form import COLUMN_HINT, DERIVED_HINT
    from ui.qt import QAbstractItemView

    form = shown_form(ctx, qtbot)
    view, m = form.table, form.model
    before = stored(ctx, "BM1/2")
    view.setFocus()
    view.setCurrentIndex(idx(m, "BM1/2"))
    assert not form.message.isVisible()
    qtbot.keyClicks(view, "50")
    assert form.message.isVisible() and form.message.text() == DERIVED_HINT
    assert view.state() != QAbstractItemView.State.EditingState
    assert stored(ctx, "BM1/2") == before
    view.setCurrentIndex(idx(m, "BM1/1", CHI_TIEU))
    assert not form.message.isVisible()  # the hint spoke of the other cell
    qtbot.keyClicks(view, "7")
    assert form.message.text() == COLUMN_HINT
    # A refused value keeps its own message when the editor reopens on its cell.
    view.setCurrentIndex(idx(m, "BM1/1"))
    assert m.setData(idx(m, "BM1/1"), "abc") is False  # says so in the message line
    view.setCurrentIndex(idx(m, "BM1/2.1"))
    assert form.message.isVisible() and form.message.text().startswith("Chưa lưu: ")
