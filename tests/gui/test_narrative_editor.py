"""The narrative editor: typing, the placeholder picker, typed figures, read-only final periods.

Everything typed goes through the real widgets (qtbot.keyClicks) and is read back from the
data file with a separate sqlite3 connection.
"""
import sqlite3

import pytest

from cchc_desktop.store import Store
from ui.qt import QApplication, QEvent, QKeyEvent, QTextCursor, Qt


def type_text(qtbot, widget, text):
    """qtbot.keyClicks, also for Vietnamese letters (QTest only maps Latin-1 to keys)."""
    for ch in text:
        if ord(ch) < 128:
            qtbot.keyClicks(widget, ch)
        else:
            for kind in (QEvent.KeyPress, QEvent.KeyRelease):
                QApplication.sendEvent(widget, QKeyEvent(kind, Qt.Key_unknown, Qt.NoModifier, ch))


def stored_text(ctx, section):
    conn = sqlite3.connect(str(ctx.store.path))
    try:
        row = conn.execute("SELECT text FROM narratives WHERE period_id = ? AND section = ?",
                           [ctx.period_id, section]).fetchone()
        return row[0] if row else None
    finally:
        conn.close()


@pytest.fixture
def editor(ctx, qtbot):
    from ui.entry.narrative_editor import NarrativeEditor

    w = NarrativeEditor(ctx, ["II.2", "II.3"])
    qtbot.addWidget(w)
    w.resize(1000, 700)
    w.show()
    qtbot.waitExposed(w)
    yield w
    w.close()  # saves what is pending while the data file is still open


def go_to_end(block):
    ed = block.editor
    ed.setFocus()
    ed.moveCursor(QTextCursor.End)
    return ed


def test_one_block_per_section_with_rendered_title(editor, ctx):
    assert list(editor.blocks) == ["II.2", "II.3"]
    assert editor.blocks["II.2"].title_label.text() == "2. Cải cách thủ tục hành chính"
    assert editor.blocks["II.2"].editor.toPlainText() == ctx.store.narratives(ctx.period_id)["II.2"]["text"]
    # Sections without text of their own are left out; a title with a placeholder is rendered.
    from ui.entry.narrative_editor import NarrativeEditor

    w = NarrativeEditor(ctx, ["II", "IV"])
    assert list(w.blocks) == ["IV"]
    assert w.blocks["IV"].title_label.text() == "IV. PHƯƠNG HƯỚNG, NHIỆM VỤ NĂM 2024"


def test_type_insert_placeholder_through_picker_and_save(editor, ctx, qtbot):
    block = editor.blocks["II.2"]
    ed = go_to_end(block)
    qtbot.keyClick(ed, Qt.Key_Return)
    type_text(qtbot, ed, "- Tổng số hồ sơ phải giải quyết: ")
    qtbot.keyClick(ed, Qt.Key_Space, Qt.ControlModifier)
    picker = block.picker
    assert picker is not None and picker.isVisible()
    type_text(qtbot, picker.filter, "ubnd tong so ho so tiep nhan")  # accents optional
    assert picker.current_name() == "hs.ubnd.tiep_nhan"
    qtbot.keyClick(picker.filter, Qt.Key_Return)
    assert not picker.isVisible()
    type_text(qtbot, ed, " hồ sơ.")
    expected = "- Tổng số hồ sơ phải giải quyết: {{hs.ubnd.tiep_nhan}} hồ sơ."
    assert ed.toPlainText().endswith("\n" + expected)
    # Saved by the debounce, without leaving the editor.
    qtbot.waitUntil(lambda: (stored_text(ctx, "II.2") or "").endswith("\n" + expected), timeout=3000)
    # The preview shows the value as the export will write it.
    qtbot.waitUntil(lambda: "Tổng số hồ sơ phải giải quyết: 3.225 hồ sơ." in block.preview.toPlainText(), timeout=2000)


def test_picker_button_and_block_on_own_line(editor, ctx, qtbot):
    block = editor.blocks["II.3"]
    ed = go_to_end(block)
    type_text(qtbot, ed, " Xem bảng")
    qtbot.mouseClick(block.insert_button, Qt.LeftButton)
    picker = block.picker
    type_text(qtbot, picker.filter, "bang ho so theo linh vuc")
    assert picker.visible_names() == ["bang.ho_so_linh_vuc"]
    qtbot.keyClick(picker.filter, Qt.Key_Return)
    assert ed.toPlainText().endswith(" Xem bảng\n{{bang.ho_so_linh_vuc}}")
    block.save_now()
    assert stored_text(ctx, "II.3").endswith("\n{{bang.ho_so_linh_vuc}}")


def test_focus_out_saves_at_once(editor, ctx, qtbot):
    ed = go_to_end(editor.blocks["II.3"])
    type_text(qtbot, ed, " Thêm.")
    editor.blocks["II.2"].editor.setFocus()
    qtbot.waitUntil(lambda: stored_text(ctx, "II.3").endswith(" Thêm."), timeout=1000)


def test_undo_inside_the_editor(editor, qtbot):
    ed = go_to_end(editor.blocks["II.3"])
    before = ed.toPlainText()
    type_text(qtbot, ed, "xyz")
    assert ed.toPlainText() == before + "xyz"
    qtbot.keyClick(ed, Qt.Key_Z, Qt.ControlModifier)
    assert ed.toPlainText() == before


def test_typed_figure_offers_the_placeholder(editor, ctx, qtbot):
    block = editor.blocks["II.3"]
    ed = go_to_end(block)
    qtbot.keyClick(ed, Qt.Key_Return)
    type_text(qtbot, ed, "Đã tiếp nhận 3.225 hồ sơ, trực tuyến đạt 97,6 %.")
    qtbot.waitUntil(lambda: block.figures.count() == 2, timeout=2000)
    assert block.figures_bar.isVisible() and "2 số gõ tay" in block.figures_label.text()
    first = block.figures.item(0).data(Qt.UserRole)
    assert first["text"] == "3.225" and first["names"][0] == "hs.ubnd.tiep_nhan_trong_ky"
    assert "{{hs.ubnd.tiep_nhan_trong_ky}}" in block.figures.item(0).text()
    # The figure is underlined (wavy) in the editor.
    from ui.qt import QTextCharFormat

    last = ed.document().lastBlock()
    col = last.text().index("3.225")
    fmts = [r for r in last.layout().formats() if r.start <= col < r.start + r.length]
    assert any(r.format.underlineStyle() == QTextCharFormat.WaveUnderline for r in fmts)
    # The context menu on the figure offers its candidates, best first.
    pos = last.position() + col + 1
    menu = ed.build_context_menu(pos)
    sub = next(a.menu() for a in menu.actions() if a.menu() is not None and "3.225" in a.text())
    labels = [a.text() for a in sub.actions()]
    assert labels[0].startswith("{{hs.ubnd.tiep_nhan_trong_ky}}")
    assert any(t.startswith("{{BM7/6.7.1}}") for t in labels)
    assert "Hoàn tác\tCtrl+Z" in [a.text() for a in menu.actions()]  # Vietnamese standard actions
    sub.actions()[0].trigger()
    assert ed.toPlainText().endswith("Đã tiếp nhận {{hs.ubnd.tiep_nhan_trong_ky}} hồ sơ, trực tuyến đạt 97,6 %.")
    # A percent: the "%" goes too (the value is written "97,6 %").
    pct = block.figures.item(0).data(Qt.UserRole)
    assert pct["text"] == "97,6" and pct["names"][0] == "hs.ubnd.ty_le_truc_tuyen"
    block.replace_figure(pct["start"], pct["repl_end"], pct["names"][0])
    assert ed.toPlainText().endswith("trực tuyến đạt {{hs.ubnd.ty_le_truc_tuyen}}.")
    qtbot.waitUntil(lambda: stored_text(ctx, "II.3").endswith(
        "Đã tiếp nhận {{hs.ubnd.tiep_nhan_trong_ky}} hồ sơ, trực tuyến đạt {{hs.ubnd.ty_le_truc_tuyen}}."), timeout=3000)
    assert block.figures.count() == 0 and not block.figures_bar.isVisible()
    # One Ctrl+Z undoes one replacement.
    qtbot.keyClick(ed, Qt.Key_Z, Qt.ControlModifier)
    assert ed.toPlainText().endswith("trực tuyến đạt 97,6 %.")


def test_figure_list_replaces_on_activation(editor, ctx, qtbot):
    block = editor.blocks["II.3"]
    ed = go_to_end(block)
    qtbot.keyClick(ed, Qt.Key_Return)
    type_text(qtbot, ed, "Trực tiếp 78 hồ sơ; đã giải quyết 3.218 hồ sơ.")
    qtbot.waitUntil(lambda: block.figures.count() == 2, timeout=2000)
    # One candidate: activating the row replaces at once.
    single = block.figures.item(0)
    assert single.data(Qt.UserRole)["names"] == ["hs.ubnd.truc_tiep"]
    block.figures.itemActivated.emit(single)
    assert ed.toPlainText().endswith("Trực tiếp {{hs.ubnd.truc_tiep}} hồ sơ; đã giải quyết 3.218 hồ sơ.")
    # Several: a menu of the candidates, the dossier measure first.
    assert block.figures.count() == 1
    f = block.figures.item(0).data(Qt.UserRole)
    assert f["names"][0] == "hs.ubnd.da_giai_quyet" and "BM3/3.3.1" in f["names"]
    menu = block.figure_menu(f)
    assert menu.actions()[0].text().startswith("{{hs.ubnd.da_giai_quyet}}")
    menu.actions()[0].trigger()
    assert ed.toPlainText().endswith("đã giải quyết {{hs.ubnd.da_giai_quyet}} hồ sơ.")
    assert block.save_now()
    assert stored_text(ctx, "II.3").endswith(
        "Trực tiếp {{hs.ubnd.truc_tiep}} hồ sơ; đã giải quyết {{hs.ubnd.da_giai_quyet}} hồ sơ.")


def test_placeholders_highlighted_unknown_in_red_with_tooltip_value(editor, ctx, qtbot):
    from ui.entry.narrative_editor import PLACEHOLDER_BG, UNKNOWN_BG

    block = editor.blocks["II.3"]
    ed = go_to_end(block)
    qtbot.keyClick(ed, Qt.Key_Return)
    type_text(qtbot, ed, "A {{hs.ubnd.tiep_nhan}} B {{khong.co}}")
    last = ed.document().lastBlock()

    def bg_at(col):
        return [r.format.background().color() for r in last.layout().formats() if r.start <= col < r.start + r.length]

    assert PLACEHOLDER_BG in bg_at(3)
    assert UNKNOWN_BG in bg_at(last.text().index("{{khong"))
    # The tooltip text names the value and its current figure.
    kind, m, _ = ed._at(last.position() + 4)
    assert kind == "placeholder" and m.group(1) == "hs.ubnd.tiep_nhan"
    from ui.entry.placeholder_picker import describe

    assert describe("hs.ubnd.tiep_nhan", ctx.data()) == (
        "Bộ phận Một cửa UBND: Tổng số hồ sơ tiếp nhận (cả kỳ trước chuyển qua)", "3.225")
    # The preview shows the unknown one in red, raw.
    block.refresh_preview()
    assert "{{khong.co}}" in block.preview.toPlainText()
    # A validation finding on the section selects the unknown placeholder.
    assert editor.focus_target("text:II.3")
    assert ed.textCursor().selectedText() == "{{khong.co}}"
    assert not editor.focus_target("text:I.1")


def test_other_changes_refresh_the_preview(editor, ctx, qtbot):
    block = editor.blocks["II.2"]
    assert "3.225" in block.preview.toPlainText()
    ok, _ = ctx.write("dossier", Store.set_dossier, ctx.period_id, "ubnd", "Hộ tịch", "truc_tiep", "44")
    assert ok
    qtbot.waitUntil(lambda: "3.226" in block.preview.toPlainText(), timeout=2000)


def test_title_is_editable(editor, ctx, qtbot):
    block = editor.blocks["II.3"]
    qtbot.mouseClick(block.title_button, Qt.LeftButton)
    assert block.title_edit.isVisible()
    block.title_edit.clear()
    type_text(qtbot, block.title_edit, "3. Tổ chức bộ máy năm {{ky.nam}}")
    qtbot.keyClick(block.title_edit, Qt.Key_Return)
    assert block.title_label.text() == "3. Tổ chức bộ máy năm 2023"
    conn = sqlite3.connect(str(ctx.store.path))
    title = conn.execute("SELECT title FROM narratives WHERE period_id = ? AND section = 'II.3'", [ctx.period_id]).fetchone()[0]
    conn.close()
    assert title == "3. Tổ chức bộ máy năm {{ky.nam}}"


def test_final_period_refuses_edits(ctx, qtbot):
    from ui.entry.narrative_editor import NarrativeEditor

    before = stored_text(ctx, "II.3")
    ctx.store.set_status(ctx.period_id, "final")
    w = NarrativeEditor(ctx, ["II.3"])
    qtbot.addWidget(w)
    w.show()
    block = w.blocks["II.3"]
    ed = go_to_end(block)
    assert ed.isReadOnly() and w.banner.isVisible()
    type_text(qtbot, ed, "không được")
    qtbot.keyClick(ed, Qt.Key_Space, Qt.ControlModifier)
    assert block.picker is None and not block.insert_button.isEnabled()
    assert ed.toPlainText() == before
    block.save_now()
    assert stored_text(ctx, "II.3") == before


def test_marking_final_while_open_makes_it_read_only(editor, ctx, qtbot):
    block = editor.blocks["II.3"]
    ed = go_to_end(block)
    type_text(qtbot, ed, " X")
    ok, _ = ctx.write("period", Store.set_status, ctx.period_id, "final")
    assert ok
    assert ed.isReadOnly()
    ctx.write("period", Store.set_status, ctx.period_id, "draft")
    assert not ed.isReadOnly()


def test_failed_save_keeps_the_text(editor, ctx, qtbot):
    errors = []
    ctx.error.connect(errors.append)
    block = editor.blocks["II.3"]
    ed = go_to_end(block)
    type_text(qtbot, ed, " mới")
    ctx.store.set_status(ctx.period_id, "final")  # behind the editor's back
    assert not block.save_now()
    assert errors and "đã chốt" in errors[-1]
    assert ed.toPlainText().endswith(" mới")
    ctx.store.set_status(ctx.period_id, "draft")
    assert block.save_now()
    assert stored_text(ctx, "II.3").endswith(" mới")


def test_period_switch_saves_pending_text_to_its_own_period(editor, ctx, qtbot):
    old = ctx.period_id
    ed = go_to_end(editor.blocks["II.3"])
    type_text(qtbot, ed, " cuối kỳ")
    new = ctx.store.create_period(ctx.unit_code, "2024-NAM", carry_from=old)["id"]
    ctx.set_period(new)
    conn = sqlite3.connect(str(ctx.store.path))
    text_old = conn.execute("SELECT text FROM narratives WHERE period_id = ? AND section = 'II.3'", [old]).fetchone()[0]
    conn.close()
    assert text_old.endswith(" cuối kỳ")
    assert not ed.toPlainText().endswith(" cuối kỳ")
    assert editor.blocks["II.3"].pid == new


def test_picker_lists_every_kind_of_name(ctx, qtbot):
    from ui.entry.placeholder_picker import PlaceholderPicker, fold, label_of, value_entries

    entries = {e.name: e for e in value_entries(ctx.data())}
    assert entries["BM3/3.3.1"].value == "3.218"
    # The label first (the code is drawn beside it, smaller and grey), groups named like the forms.
    assert entries["BM3/3.3.1"].text.startswith(entries["BM3/3.3.1"].label) and "BM3/" not in entries["BM3/3.3.1"].text
    assert entries["BM3/3.3.1"].text.endswith("(3.218)")
    assert entries["BM7/6.7"].group == "Biểu mẫu 7 – Xây dựng chính quyền điện tử, Chính quyền số"
    assert entries["BM1/5"].text.endswith("(Có)") and "= 1" not in entries["BM1/5"].text  # a choice: no codes
    assert entries["hs.cong_an.tiep_nhan"].value == "322"
    assert entries["ky.nam"].value == "2023" and entries["don_vi.ten"].value == "xã Chi Lăng Nam"
    assert {"bang.ho_so_linh_vuc", "bang.ho_so_nganh_doc", "ds.van_ban"} <= set(entries)
    assert fold("Đúng hạn") == "dung han"
    p = PlaceholderPicker(ctx.data())
    qtbot.addWidget(p)
    type_text(qtbot, p.filter, "ky.nam")
    assert p.visible_names() == ["ky.nam", "ky.nam_sau", "ky.nam_truoc"]
    qtbot.keyClick(p.filter, Qt.Key_Down)
    assert p.current_name() == "ky.nam_sau"
    p.filter.setText("zzzz khong co")
    assert p.visible_names() == [] and not p.ok_button.isEnabled()
    # Enter inserts a dossier figure for "tiếp nhận", not the first row that names the words
    # among others (BM3/2.3, a count of procedures)
    p.filter.setText("tiep nhan")
    assert "BM3/2.3" in p.visible_names() and p.current_name().startswith("hs.ubnd.")
    assert "tiếp nhận" in label_of(p.current_name(), ctx.data()).lower()


def test_preview_menu_is_vietnamese(editor):
    from ui.entry.narrative_editor import vi_menu

    preview = editor.blocks["II.2"].preview
    texts = [a.text() for a in vi_menu(preview.createStandardContextMenu()).actions() if a.text()]
    assert texts and all(t.split("\t")[0] in ("Sao chép", "Chọn tất cả", "Sao chép địa chỉ liên kết") for t in texts)


def test_hover_shows_the_current_value(editor, qtbot):
    from PySide6.QtGui import QHelpEvent

    from ui.qt import QToolTip

    block = editor.blocks["II.3"]
    ed = go_to_end(block)
    qtbot.keyClick(ed, Qt.Key_Return)
    type_text(qtbot, ed, "Có {{hs.ubnd.tiep_nhan}} và 78 hồ sơ")
    last = ed.document().lastBlock()

    def hover(col):
        cur = ed.textCursor()
        cur.setPosition(last.position() + col)
        rect = ed.cursorRect(cur)
        pos = ed.viewport().mapTo(ed, rect.center())
        QApplication.sendEvent(ed, QHelpEvent(QEvent.ToolTip, pos, ed.mapToGlobal(pos)))
        return QToolTip.text() if QToolTip.isVisible() else ""

    tip = hover(last.text().index("tiep_nhan") + 2)
    assert "{{hs.ubnd.tiep_nhan}}" in tip and "Giá trị hiện tại: 3.225" in tip
    tip = hover(last.text().index("78") + 1)
    assert "{{hs.ubnd.truc_tiep}}" in tip and "nhấp chuột phải" in tip


def test_a_figure_in_dong_is_offered_with_the_dong_format(ctx):
    from ui.entry.narrative_editor import figures_in
    from ui.entry.placeholder_picker import describe

    data = ctx.data()
    found = figures_in("Đã chi 3.523.681.000 đồng; có 10 cán bộ.", data)
    assert [f["names"][0] for f in found] == ["BM6/1.2|dong", "TT/8"]
    label, value = describe("BM6/1.2|dong", data)
    assert "viết bằng đồng" in label and value == "3.523.681.000"
    assert describe("BM6/1.2|khong_co", data) is None


def test_the_underscore_of_a_placeholder_on_a_paragraphs_last_line_is_drawn(editor, qtbot):
    """The faint rule under each paragraph once hid it: {{hs.ubnd.truc_tiep}} read "truc tiep"."""
    from ui.qt import QColor

    block = editor.blocks["II.2"]
    ed = block.editor
    ed.setPlainText("Trực tiếp {{hs.ubnd.truc_tiep}}\nDòng sau.")
    qtbot.waitUntil(lambda: ed.isVisible(), timeout=1000)
    ed.viewport().repaint()
    image = ed.viewport().grab().toImage()
    pos = ed.toPlainText().index("_")
    cur = ed.textCursor()
    cur.setPosition(pos)
    left = ed.cursorRect(cur)
    cur.setPosition(pos + 1)
    right = ed.cursorRect(cur)
    bottom = int(ed.blockBoundingGeometry(ed.document().firstBlock()).translated(ed.contentOffset()).bottom())
    dark = [QColor(image.pixel(x, y)).lightness() < 120
            for x in range(left.x() + 1, right.x()) for y in range(bottom - 4, bottom)]
    assert any(dark), "the underscore is not drawn"


def test_picker_shows_labels_first_and_finds_codes_and_unaccented_words(ctx, qtbot, tmp_path):
    from ui.entry.placeholder_picker import PlaceholderPicker

    p = PlaceholderPicker(ctx.data())
    qtbot.addWidget(p)
    p.resize(700, 480)
    p.show()
    qtbot.waitExposed(p)
    heads = [p.list.item(i).text() for i in range(p.list.count()) if not p._keys[i]]
    assert "— Biểu mẫu 3 – Cải cách thủ tục hành chính —" in heads
    assert not any("Biểu BM" in h for h in heads)
    p.filter.setText("BM7/6.7")  # a code still finds its row
    assert p.visible_names()[0] == "BM7/6.7"
    p.filter.setText("bieu mau 7 truc tuyen")  # the group's words, without accents
    names = p.visible_names()
    assert names[0].startswith("BM7/") and sum(n.startswith("BM7/") for n in names) >= 5
    assert all(n.startswith("BM7/") or n == "TT/20" for n in names)  # TT/20's label cites Biểu mẫu 7
    item = next(p.list.item(i) for i in range(p.list.count()) if p.list.item(i).data(Qt.UserRole) == names[0])
    assert not item.text().startswith("BM7")  # what the line says first is the label
    p.grab().save(str(tmp_path / "picker.png"))


def test_the_typed_figures_bar_shows_without_scrolling_at_1024x768(ctx, qtbot):
    """The trial: at 1024×768 the list of typed figures under the text was cut off, out of sight
    until the page was scrolled. Now one line under the text counts them and opens their list."""
    from ui.shell.main_window import MainWindow

    w = MainWindow(ctx, install_features=False)
    qtbot.addWidget(w)
    w.resize(1024, 768)
    w.show()
    qtbot.waitExposed(w)
    page = w.show_tab("II.2")
    editor = page.editor
    block = editor.blocks["II.2"]
    ed = go_to_end(block)
    qtbot.keyClick(ed, Qt.Key_Return)
    type_text(qtbot, ed, "Đã tiếp nhận 3.225 hồ sơ, trực tuyến đạt 97,6 %; trực tiếp 78 hồ sơ; đã giải quyết 3.218 hồ sơ.")
    qtbot.waitUntil(lambda: block.figures.count() == 4, timeout=2000)
    qtbot.waitUntil(lambda: block.figures_bar.isVisible(), timeout=2000)
    assert "4 số gõ tay" in block.figures_label.text()
    # The whole bar, its button included, lies inside the visible part of the page, unscrolled.
    viewport = editor.scroll.viewport()
    for widget in (block.figures_bar, block.figures_button):
        top_left = widget.mapTo(viewport, widget.rect().topLeft())
        bottom_right = widget.mapTo(viewport, widget.rect().bottomRight())
        assert viewport.rect().contains(top_left) and viewport.rect().contains(bottom_right), widget
    assert editor.scroll.verticalScrollBar().value() == 0
    # Its button opens the list, away from the text; choosing a row shows that figure in the text.
    qtbot.mouseClick(block.figures_button, Qt.LeftButton)
    assert block.figures_popup.isVisible() and block.figures.count() == 4
    assert block.figures_popup.geometry().bottom() < block.mapToGlobal(block.rect().topLeft()).y() + 1
    block.figures.setCurrentRow(2)
    assert ed.textCursor().selectedText() == "78"
    # Activating a row with one candidate replaces it; the list stays open with the others.
    block.figures.itemActivated.emit(block.figures.item(2))
    assert "trực tiếp {{hs.ubnd.truc_tiep}} hồ sơ" in ed.toPlainText()
    assert block.figures.count() == 3 and "3 số gõ tay" in block.figures_label.text()
    assert block.figures_popup.isVisible()
    qtbot.keyClick(block.figures, Qt.Key_Escape)  # Esc closes the list
    assert not block.figures_popup.isVisible()
    w.close()


def test_typing_never_moves_the_cursor_to_a_listed_figure(editor, qtbot):
    """The list is rebuilt as the user types; only an open list may select a figure in the text."""
    block = editor.blocks["II.3"]
    ed = go_to_end(block)
    qtbot.keyClick(ed, Qt.Key_Return)
    type_text(qtbot, ed, "Trực tiếp 78 hồ sơ và")
    qtbot.waitUntil(lambda: block.figures.count() == 1, timeout=2000)
    type_text(qtbot, ed, " thêm")
    block.refresh_figures()
    assert not block.figures_popup.isVisible()
    assert ed.textCursor().position() == len(ed.toPlainText()) and not ed.textCursor().hasSelection()
