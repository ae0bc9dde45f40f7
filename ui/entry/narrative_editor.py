"""The report text editor: one block per outline section, saved as you type.

Each block has the section's title (rendered, editable), a plain-text editor (one paragraph
per line, "- " / "+ " bullets, `**bold**`, `{{name}}` placeholders), a preview of the text as
the export will write it, and a one-line bar that counts the figures typed by hand that equal
a value of the data; its button opens their list (each can become its placeholder). The bar
takes its line from the text's height, so at 1024×768 it shows without scrolling the page. Placeholders are highlighted (red when they name nothing),
their current value shows on hover; Ctrl+Space or "Chèn số liệu" opens the picker.

The text is saved 600 ms after the last keystroke and when the editor loses focus, through
`ctx.write` (one transaction); when a save fails the text stays in the editor and the next
keystroke retries. A final period is read-only.
"""
from __future__ import annotations

import re

from cchc_desktop.report import narrative, values
from cchc_desktop.report.narrative_html import preview_html
from cchc_desktop.store import Store
from ui.entry.placeholder_picker import PlaceholderPicker, describe
from ui.qt import (
    QAction, QApplication, QColor, QEvent, QFont, QFrame, QHBoxLayout, QLabel, QLineEdit, QListWidget,
    QListWidgetItem, QMenu, QPainter, QPlainTextEdit, QPushButton, QScrollArea, QSizePolicy, QSplitter,
    QSyntaxHighlighter, QTextBrowser, QTextCharFormat, QTextCursor, QTimer, QToolButton, QToolTip,
    QVBoxLayout, QWidget, Qt, Signal,
)

SAVE_DELAY_MS = 600
PREVIEW_DELAY_MS = 250
MIN_LINES, MAX_LINES = 5, 16

PLACEHOLDER_BG = QColor("#dbeafe")  # light blue
UNKNOWN_BG = QColor("#fecaca")  # light red
UNKNOWN_FG = QColor("#b91c1c")
FIGURE_LINE = QColor("#d97706")  # amber wavy underline
FIGURE_BG = QColor("#fef3c7")
PARA_RULE = QColor("#e5e7eb")
MARKER_FG = QColor("#9ca3af")
BULLET_FG = QColor("#1d4ed8")
ANY_BRACES = re.compile(r"\{\{.*?(\}\}|$)")
BOLD = re.compile(r"\*\*(.+?)\*\*")

_STD_ACTIONS = {
    "edit-undo": "Hoàn tác", "edit-redo": "Làm lại", "edit-cut": "Cắt", "edit-copy": "Sao chép",
    "edit-paste": "Dán", "edit-delete": "Xóa", "select-all": "Chọn tất cả", "link-copy": "Sao chép địa chỉ liên kết",
}


def vi_menu(menu: QMenu) -> QMenu:
    """Vietnamese texts for a Qt standard context menu (Qt ships no Vietnamese translation)."""
    for action in menu.actions():
        label = _STD_ACTIONS.get(action.objectName())
        if label:
            shortcut = action.text().split("\t", 1)
            action.setText(label + ("\t" + shortcut[1] if len(shortcut) > 1 else ""))
    return menu


class PreviewBrowser(QTextBrowser):
    """The preview, with its context menu in Vietnamese."""

    def contextMenuEvent(self, e):  # noqa: N802
        menu = vi_menu(self.createStandardContextMenu(e.pos()))
        menu.exec(e.globalPos())
        menu.deleteLater()


def rank_candidates(names: list[str], unit: str, data) -> list[str]:
    """Best placeholder first: the unit fits (narrative.unit_fits), then dossier figures (the
    source), then typed catalogue rows, then derived rows."""
    def key(item):
        i, name = item
        if name.startswith("hs."):
            source = 0
        else:
            row = data.catalogue.rows_by_code.get(name.partition("|")[0])
            source = 2 if row is not None and row.derived else 1
        return (not narrative.unit_fits(name, unit, data), source, i)

    return [n for _, n in sorted(enumerate(names), key=key)]


_index_cache: list = [None, None]  # (ReportData, its figure index): one data at a time


def _figure_index(data) -> dict:
    if _index_cache[0] is not data:
        _index_cache[:] = [data, narrative.figure_index(data)]
    return _index_cache[1]


def figures_in(text: str, data) -> list[dict]:
    """narrative.typed_figures with ranked candidates and `repl_end` (where the replaced text ends:
    after the number, or after the "%" for a percent, whose value text already has it)."""
    out = []
    for f in narrative.typed_figures(text, data, _figure_index(data)):
        f = dict(f)
        f["names"] = rank_candidates(f["names"], f["unit"], data)
        end = f["end"]
        if f["unit"] == "%":
            m = re.compile(r"\s*%").match(text, end)
            if m:
                end = m.end()
        f["repl_end"] = end
        out.append(f)
    return out


# --- highlighting ----------------------------------------------------------------------
class NarrativeHighlighter(QSyntaxHighlighter):
    """Bullets, **bold**, placeholders (blue; red when unknown), typed figures (wavy)."""

    def __init__(self, document, get_data):
        super().__init__(document)
        self.get_data = get_data
        self._figure_cache: dict[str, list[dict]] = {}
        self.fmt_bullet = QTextCharFormat()
        self.fmt_bullet.setForeground(BULLET_FG)
        self.fmt_bullet.setFontWeight(QFont.Bold)
        self.fmt_marker = QTextCharFormat()
        self.fmt_marker.setForeground(MARKER_FG)

    def clear_cache(self) -> None:
        self._figure_cache.clear()

    def figures(self, line: str) -> list[dict]:
        hit = self._figure_cache.get(line)
        if hit is None:
            hit = figures_in(line, self.get_data())
            if len(self._figure_cache) > 2000:
                self._figure_cache.clear()
            self._figure_cache[line] = hit
        return hit

    def _merge(self, start: int, length: int, **props) -> None:
        for i in range(start, start + length):
            f = QTextCharFormat(self.format(i))
            if "background" in props:
                f.setBackground(props["background"])
            if "foreground" in props:
                f.setForeground(props["foreground"])
            if props.get("bold"):
                f.setFontWeight(QFont.Bold)
            if props.get("wavy"):
                f.setUnderlineStyle(QTextCharFormat.WaveUnderline)
                f.setUnderlineColor(FIGURE_LINE)
                f.setBackground(FIGURE_BG)
            self.setFormat(i, 1, f)

    def highlightBlock(self, text: str) -> None:  # noqa: N802 (Qt name)
        stripped = text.lstrip()
        if stripped.startswith(("- ", "+ ")):
            self.setFormat(len(text) - len(stripped), 1, self.fmt_bullet)
        for m in BOLD.finditer(text):
            self._merge(m.start(1), len(m.group(1)), bold=True)
            self.setFormat(m.start(), 2, self.fmt_marker)
            self.setFormat(m.end() - 2, 2, self.fmt_marker)
        try:
            data = self.get_data()
        except Exception:  # no period yet: nothing to check against
            return
        good = set()
        for m in narrative.PLACEHOLDER.finditer(text):
            good.add(m.start())
            if narrative.is_valid_placeholder(m.group(1), m.group(2), data):
                self._merge(m.start(), m.end() - m.start(), background=PLACEHOLDER_BG)
            else:
                self._merge(m.start(), m.end() - m.start(), background=UNKNOWN_BG, foreground=UNKNOWN_FG)
        for m in ANY_BRACES.finditer(text):  # "{{" that is no placeholder at all
            if m.start() not in good:
                self._merge(m.start(), m.end() - m.start(), background=UNKNOWN_BG, foreground=UNKNOWN_FG)
        for f in self.figures(text):
            self._merge(f["start"], f["repl_end"] - f["start"], wavy=True)


# --- the editor of one section ---------------------------------------------------------
class SectionTextEdit(QPlainTextEdit):
    """QPlainTextEdit (its own undo: Ctrl+Z) with placeholder tooltips, a context menu that
    offers to turn a typed figure into its placeholder, Ctrl+Space for the picker."""

    picker_requested = Signal()
    focus_lost = Signal()
    replace_requested = Signal(int, int, str)  # start, end, name

    def __init__(self, get_data, parent=None):
        super().__init__(parent)
        self.get_data = get_data
        self.setTabChangesFocus(True)
        self.setLineWrapMode(QPlainTextEdit.WidgetWidth)
        self.highlighter = NarrativeHighlighter(self.document(), get_data)

    # What lies under a document position.
    def _at(self, pos: int):
        block = self.document().findBlock(pos)
        text, off = block.text(), pos - block.position()
        for m in narrative.PLACEHOLDER.finditer(text):
            if m.start() <= off <= m.end():
                return "placeholder", m, block.position()
        for f in self.highlighter.figures(text):
            if f["start"] <= off <= f["repl_end"]:
                return "figure", f, block.position()
        return None, None, 0

    def event(self, e):
        if e.type() == QEvent.ToolTip:
            pos = self.cursorForPosition(self.viewport().mapFrom(self, e.pos())).position()
            kind, what, _ = self._at(pos)
            tip = ""
            try:
                data = self.get_data()
            except Exception:
                data = None
            if data is not None and kind == "placeholder":
                desc = describe(what.group(1), data)
                if desc is None or not narrative.is_valid_placeholder(what.group(1), what.group(2), data):
                    tip = (f"{what.group(0)} không trỏ tới số liệu nào.\n"
                           "Hãy xóa nó, hoặc chèn lại từ danh sách (Ctrl+Space).")
                else:
                    value = narrative.format_value(what.group(1), what.group(2), data)
                    if what.group(1) in narrative.BLOCKS:
                        value = "(bảng/danh sách, xem ở khung xem trước)" if what.group(1) != "ds.van_ban" else value
                    tip = f"{what.group(0)}\n{desc[0]}\nGiá trị hiện tại: {value}"
            elif data is not None and kind == "figure":
                best = what["names"][0]
                desc = describe(best, data)
                more = f" (và {len(what['names']) - 1} số liệu khác)" if len(what["names"]) > 1 else ""
                tip = (f"Số {what['text']} gõ tay trùng với {{{{{best}}}}}: {desc[0] if desc else best}{more}.\n"
                       "Số gõ tay sẽ không tự cập nhật: nhấp chuột phải để thay bằng chỗ chèn số liệu.")
            if tip:
                QToolTip.showText(e.globalPos(), tip, self)
            else:
                QToolTip.hideText()
                e.ignore()
            return True
        return super().event(e)

    def paintEvent(self, e):  # noqa: N802
        # A faint rule under each paragraph: one line of text is one paragraph of the report.
        # Drawn first, under the text: on top it hid the "_" of a placeholder on a paragraph's
        # last line ({{hs.ubnd.truc_tiep}} read "truc tiep").
        self.paint_rules()
        super().paintEvent(e)

    def paint_rules(self) -> None:
        painter = QPainter(self.viewport())
        painter.setPen(PARA_RULE)
        block = self.firstVisibleBlock()
        offset = self.contentOffset()
        bottom_limit = self.viewport().height()
        right = self.viewport().width() - 4
        while block.isValid():
            geo = self.blockBoundingGeometry(block).translated(offset)
            if geo.top() > bottom_limit:
                break
            if block.next().isValid():
                y = int(geo.bottom()) - 1
                painter.drawLine(4, y, right, y)
            block = block.next()
        painter.end()

    def keyPressEvent(self, e):  # noqa: N802
        if e.key() == Qt.Key_Space and e.modifiers() & Qt.ControlModifier:
            self.picker_requested.emit()
            e.accept()
            return
        super().keyPressEvent(e)

    def focusOutEvent(self, e):  # noqa: N802
        super().focusOutEvent(e)
        self.focus_lost.emit()

    def build_context_menu(self, pos: int) -> QMenu:
        menu = vi_menu(self.createStandardContextMenu())
        first = menu.actions()[0] if menu.actions() else None
        kind, what, base = self._at(pos)
        extra = []
        if kind == "figure" and not self.isReadOnly():
            data = self.get_data()
            sub = QMenu(f"Thay “{what['text']}” bằng chỗ chèn số liệu", menu)
            for name in what["names"][:20]:
                desc = describe(name, data)
                act = sub.addAction(f"{{{{{name}}}}} — {desc[0] if desc else name}")
                act.triggered.connect(
                    lambda _=False, s=base + what["start"], en=base + what["repl_end"], n=name:
                    self.replace_requested.emit(s, en, n)
                )
            extra.append(sub.menuAction())
        insert = QAction("Chèn số liệu…\tCtrl+Space", menu)
        insert.setEnabled(not self.isReadOnly())
        insert.triggered.connect(self.picker_requested.emit)
        extra.append(insert)
        for act in extra:
            menu.insertAction(first, act)
        if first is not None:
            menu.insertSeparator(first)
        return menu

    def contextMenuEvent(self, e):  # noqa: N802
        pos = self.cursorForPosition(e.pos()).position()
        menu = self.build_context_menu(pos)
        menu.exec(e.globalPos())
        menu.deleteLater()


class SectionBlock(QFrame):
    """Title + editor + preview + typed-figure bar (and its list, a popup) of one outline section."""

    def __init__(self, ctx, key: str, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.key = key
        self.section = values.outline_section(key)
        self.pid: int | None = None
        self._saved_text = ""
        self._loading = False
        self.writing = False
        self.picker: PlaceholderPicker | None = None
        self.max_height = 0  # set by the NarrativeEditor from its visible height
        self.setObjectName("sectionBlock")
        self.setFrameShape(QFrame.StyledPanel)

        outer = QVBoxLayout(self)
        outer.setContentsMargins(8, 6, 8, 8)
        head = QHBoxLayout()
        self.title_label = QLabel()
        f = self.title_label.font()
        f.setBold(True)
        f.setPointSizeF(f.pointSizeF() * 1.1)
        self.title_label.setFont(f)
        self.title_label.setWordWrap(True)
        self.title_edit = QLineEdit()
        self.title_edit.setPlaceholderText("Để trống: dùng tiêu đề mặc định")
        self.title_edit.hide()
        self.title_button = QToolButton()
        self.title_button.setText("Sửa tiêu đề")
        self.title_button.setToolTip("Sửa tiêu đề mục (có thể dùng chỗ chèn như {{ky.nam}}); Enter để lưu, Esc để thôi.")
        self.insert_button = QPushButton("Chèn số liệu")
        self.insert_button.setToolTip("Chèn một số liệu sống vào chỗ con trỏ (Ctrl+Space)")
        head.addWidget(self.title_label, 1)
        head.addWidget(self.title_edit, 1)
        head.addWidget(self.title_button)
        head.addWidget(self.insert_button)
        outer.addLayout(head)

        self.splitter = QSplitter(Qt.Horizontal)
        self.editor = SectionTextEdit(self.ctx.data)
        self.editor.setAccessibleName(f"Nội dung mục {self.key}")
        self.preview = PreviewBrowser()
        self.preview.setOpenLinks(False)
        self.preview.setAccessibleName("Xem trước")
        self.preview.setFocusPolicy(Qt.NoFocus)
        self.preview.setStyleSheet("QTextBrowser { background: #fbfaf7; }")
        self.splitter.addWidget(self.editor)
        self.splitter.addWidget(self.preview)
        self.splitter.setStretchFactor(0, 11)
        self.splitter.setStretchFactor(1, 9)
        self.splitter.setChildrenCollapsible(False)
        outer.addWidget(self.splitter)

        # Typed figures: one line under the text (it must fit a 1024×768 screen without scrolling
        # the page), its button opens the list, where each figure becomes its placeholder.
        self.figures_bar = QFrame()
        self.figures_bar.setObjectName("figuresBar")
        self.figures_bar.setStyleSheet("#figuresBar { background: #fef3c7; border-radius: 3px; }")
        bar = QHBoxLayout(self.figures_bar)
        bar.setContentsMargins(6, 2, 2, 2)
        self.figures_label = QLabel()
        self.figures_label.setStyleSheet("color: #92400e;")
        self.figures_button = QPushButton("Xem và thay bằng chỗ chèn…")
        self.figures_button.setToolTip("Danh sách các số gõ tay trùng với số liệu; chọn một số để thay nó "
                                       "bằng chỗ chèn số liệu sống (tự cập nhật khi số liệu thay đổi).")
        bar.addWidget(self.figures_label, 1)
        bar.addWidget(self.figures_button)
        self.figures_bar.hide()
        outer.addWidget(self.figures_bar)

        self.figures_popup = QFrame(self, Qt.Popup)
        self.figures_popup.setFrameShape(QFrame.StyledPanel)
        pop = QVBoxLayout(self.figures_popup)
        pop.setContentsMargins(6, 6, 6, 6)
        head = QLabel("Số gõ tay trùng với số liệu — nhấp đúp hoặc Enter để thay bằng chỗ chèn (Esc: đóng):")
        head.setStyleSheet("color: #92400e;")
        self.figures = QListWidget()
        self.figures.setTextElideMode(Qt.ElideRight)
        self.figures.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        pop.addWidget(head)
        pop.addWidget(self.figures)

        self.save_timer = QTimer(self)
        self.save_timer.setSingleShot(True)
        self.save_timer.setInterval(SAVE_DELAY_MS)
        self.save_timer.timeout.connect(self.save_now)
        self.preview_timer = QTimer(self)
        self.preview_timer.setSingleShot(True)
        self.preview_timer.setInterval(PREVIEW_DELAY_MS)
        self.preview_timer.timeout.connect(self.refresh_preview)

        self.editor.textChanged.connect(self._on_text_changed)
        self.editor.focus_lost.connect(self.save_now)
        self.editor.picker_requested.connect(self.open_picker)
        self.editor.replace_requested.connect(self.replace_figure)
        self.editor.document().documentLayout().documentSizeChanged.connect(self._fit_height)
        self.insert_button.clicked.connect(self.open_picker)
        self.title_button.clicked.connect(self.edit_title)
        self.title_edit.returnPressed.connect(self.save_title)
        self.title_edit.installEventFilter(self)
        self.figures.itemActivated.connect(self._figure_activated)
        self.figures.currentItemChanged.connect(self._show_figure)
        self.figures_button.clicked.connect(self.open_figures)

    # --- loading ------------------------------------------------------------------------
    def stored(self) -> dict:
        return self.ctx.data().narratives.get(self.key) or {}

    def load(self) -> None:
        """Show the stored text of the current period (resets the editor's undo)."""
        self.pid = self.ctx.period_id
        text = self.stored().get("text") or ""
        self._loading = True
        try:
            self.editor.highlighter.clear_cache()
            self.editor.setPlainText(text)
        finally:
            self._loading = False
        self._saved_text = text
        self.refresh()

    def reload_if_clean(self) -> None:
        """Another part of the window changed the text: take it unless the user is typing."""
        if self.pending():
            return
        text = self.stored().get("text") or ""
        if text != self.editor.toPlainText():
            self.load()

    def pending(self) -> bool:
        return self.save_timer.isActive() or self.editor.toPlainText() != self._saved_text

    def refresh(self) -> None:
        """Values changed: title, preview, highlighting, figure list."""
        self.editor.highlighter.clear_cache()
        self.editor.highlighter.rehighlight()
        self.refresh_title()
        self.refresh_preview()
        self._fit_height()

    def refresh_title(self) -> None:
        data = self.ctx.data()
        title = data.section_title(self.key)
        if not title:
            title = {"MO": "Đoạn mở đầu báo cáo", "KET": "Đoạn kết báo cáo"}.get(self.key, self.key)
        self.title_label.setText(title)

    def refresh_preview(self) -> None:
        self.preview_timer.stop()
        data = self.ctx.data()
        text = self.editor.toPlainText()
        title = data.section_title(self.key) if self.key not in ("MO", "KET") else ""
        bar = self.preview.verticalScrollBar().value()
        self.preview.setHtml(preview_html(title, narrative.with_merger_sources(self.key, text, data), data))
        self.preview.verticalScrollBar().setValue(bar)
        self.refresh_figures(text, data)

    def refresh_figures(self, text: str | None = None, data=None) -> None:
        text = self.editor.toPlainText() if text is None else text
        data = data or self.ctx.data()
        found = figures_in(text, data)
        self.figures.clear()
        for f in found:
            line = text.count("\n", 0, f["start"]) + 1
            best = f["names"][0]
            desc = describe(best, data)
            more = f" — còn {len(f['names']) - 1} lựa chọn khác" if len(f["names"]) > 1 else ""
            shown = text[f["start"]:f["repl_end"]] if f["unit"] == "%" else f"{f['text']} {f['unit']}"
            item = QListWidgetItem(
                f"Dòng {line}: “{shown}” → {{{{{best}}}}} ({desc[0] if desc else best}){more}"
            )
            item.setData(Qt.UserRole, f)
            item.setToolTip("\n".join(f"{{{{{n}}}}} — {(describe(n, data) or (n,))[0]}" for n in f["names"][:20]))
            self.figures.addItem(item)
        show = bool(found) and not self.editor.isReadOnly()
        n = len(found)
        self.figures_label.setText(
            f"⚠ {n} số gõ tay trùng với số liệu của báo cáo, sẽ không tự cập nhật." if n != 1 else
            f"⚠ Số {found[0]['text']} gõ tay trùng với số liệu của báo cáo, sẽ không tự cập nhật.")
        if show != (not self.figures_bar.isHidden()):
            self.figures_bar.setVisible(show)
            self._fit_height()
        if found:
            rows = min(len(found), 8)
            self.figures.setFixedHeight(rows * self.figures.sizeHintForRow(0) + 2 * self.figures.frameWidth() + 2)
            if self.figures_popup.isVisible():
                self.figures_popup.adjustSize()
        if not show:
            self.figures_popup.hide()

    def open_figures(self) -> None:
        """The list of typed figures, as wide as the section, where it hides none of the section's
        text (the figure chosen in the list is selected there): above the section, else below the
        bar, else over the text just above the bar."""
        if self.figures.count() == 0:
            return
        pop = self.figures_popup
        pop.setFixedWidth(max(self.width(), 560))
        pop.adjustSize()
        pop.show()  # its height is final once shown
        top = self.mapToGlobal(self.rect().topLeft())
        bar_top = self.mapToGlobal(self.figures_bar.geometry().topLeft()).y()
        bar_bottom = bar_top + self.figures_bar.height()
        screen = self.screen().availableGeometry() if self.screen() is not None else None
        if screen is None or top.y() - pop.height() >= screen.top():
            y = top.y() - pop.height()
        elif bar_bottom + pop.height() <= screen.bottom():
            y = bar_bottom
        else:
            y = max(screen.top(), bar_top - pop.height())
        pop.move(top.x(), y)
        self.figures.setCurrentRow(0)
        self.figures.setFocus()

    def _show_figure(self, item, _previous=None) -> None:
        """Select the figure of the list's current row in the text, so the user sees which it is."""
        if not self.figures_popup.isVisible():
            return  # the list is being rebuilt while the user types: never move the text cursor
        f = item.data(Qt.UserRole) if item is not None else None
        if f is None or self.editor.toPlainText()[f["start"]:f["end"]] != f["text"]:
            return
        cur = self.editor.textCursor()
        cur.setPosition(f["start"])
        cur.setPosition(f["repl_end"], QTextCursor.KeepAnchor)
        self.editor.setTextCursor(cur)
        self.editor.ensureCursorVisible()

    def _fit_height(self, *_args) -> None:
        lines = self.editor.document().documentLayout().documentSize().height()
        lines = max(MIN_LINES, min(MAX_LINES, int(lines) + 1))
        fm = self.editor.fontMetrics()
        h = int(lines * fm.lineSpacing() + 2 * self.editor.frameWidth() + self.editor.document().documentMargin() * 2 + 4)
        if self.max_height:  # never taller than the page that shows it: one scroll at a time
            floor = int(MIN_LINES * fm.lineSpacing() + 2 * self.editor.frameWidth() + 12)
            room = self.max_height
            if not self.figures_bar.isHidden():  # the typed-figures line shows too, without scrolling
                room -= self.figures_bar.sizeHint().height() + self.layout().spacing()
            h = max(floor, min(h, room))
        if self.splitter.height() != h:
            self.splitter.setFixedHeight(h)

    # --- saving -------------------------------------------------------------------------
    def _on_text_changed(self) -> None:
        if self._loading:
            return
        if self.editor.isReadOnly():
            return
        self.save_timer.start()
        self.preview_timer.start()

    def save_now(self) -> bool:
        """Write the text if it changed; False when the write failed (text stays on screen)."""
        self.save_timer.stop()
        text = self.editor.toPlainText()
        if self.pid is None or text == self._saved_text:
            return True
        self.writing = True
        try:
            ok, _ = self.ctx.write(f"text:{self.key}", Store.set_narrative, self.pid, self.key, text)
        finally:
            self.writing = False
        if ok:
            self._saved_text = text
        return ok

    def edit_title(self) -> None:
        if self.editor.isReadOnly():
            return
        stored = self.stored().get("title")
        self.title_edit.setText(stored if stored else self.section["title"])
        self.title_label.hide()
        self.title_button.hide()
        self.title_edit.show()
        self.title_edit.setFocus()
        self.title_edit.selectAll()

    def save_title(self) -> None:
        if not self.title_edit.isVisible():
            return
        new = self.title_edit.text().strip()
        stored = self.stored().get("title")
        current = stored if stored else self.section["title"]
        ok = True
        if new != current and self.pid is not None:
            self.writing = True
            try:
                ok, _ = self.ctx.write(f"text:{self.key}", Store.set_narrative, self.pid, self.key, None, new)
            finally:
                self.writing = False
        if ok:
            self._close_title()

    def _close_title(self) -> None:
        self.title_edit.hide()
        self.title_label.show()
        self.title_button.show()
        self.refresh_title()
        self.refresh_preview()

    def eventFilter(self, obj, event):  # noqa: N802
        if obj is self.title_edit:
            if event.type() == QEvent.KeyPress and event.key() == Qt.Key_Escape:
                self._close_title()
                return True
            if event.type() == QEvent.FocusOut and self.title_edit.isVisible():
                QTimer.singleShot(0, self.save_title)
        return super().eventFilter(obj, event)

    # --- placeholders -------------------------------------------------------------------
    def open_picker(self) -> None:
        if self.editor.isReadOnly():
            return
        self.picker = PlaceholderPicker(self.ctx.data(), self.window())
        self.picker.chosen.connect(self.insert_placeholder)
        self.picker.finished.connect(lambda _r: self.editor.setFocus())
        self.picker.open()

    def insert_placeholder(self, name: str) -> None:
        cur = self.editor.textCursor()
        text = "{{" + name + "}}"
        cur.beginEditBlock()
        if name in narrative.BLOCKS and name != "ds.van_ban":
            # A block stands on a line of its own.
            line = cur.block().text()
            col = cur.positionInBlock()
            if line[:col].strip():
                text = "\n" + text
            if line[col:].strip():
                text = text + "\n"
        cur.insertText(text)
        cur.endEditBlock()
        self.editor.setTextCursor(cur)
        self.editor.setFocus()

    def replace_figure(self, start: int, end: int, name: str) -> None:
        if self.editor.isReadOnly():
            return
        cur = QTextCursor(self.editor.document())
        cur.setPosition(start)
        cur.setPosition(end, QTextCursor.KeepAnchor)
        cur.insertText("{{" + name + "}}")  # one step on the editor's undo stack
        self.editor.setTextCursor(cur)
        self.refresh_figures()

    def _figure_activated(self, item) -> None:
        f = item.data(Qt.UserRole)
        text = self.editor.toPlainText()
        if text[f["start"]:f["end"]] != f["text"]:  # the text moved on since the list was made
            self.refresh_figures()
            return
        if len(f["names"]) == 1:
            self.replace_figure(f["start"], f["repl_end"], f["names"][0])
            return
        menu = self.figure_menu(f)
        rect = self.figures.visualItemRect(item)
        menu.exec(self.figures.viewport().mapToGlobal(rect.bottomLeft()))
        menu.deleteLater()

    def figure_menu(self, f: dict) -> QMenu:
        data = self.ctx.data()
        menu = QMenu(self)
        for name in f["names"][:20]:
            desc = describe(name, data)
            act = menu.addAction(f"{{{{{name}}}}} — {desc[0] if desc else name} ({desc[1] if desc else ''})")
            act.triggered.connect(lambda _=False, n=name: self.replace_figure(f["start"], f["repl_end"], n))
        return menu

    # --- state --------------------------------------------------------------------------
    def set_read_only(self, ro: bool) -> None:
        self.editor.setReadOnly(ro)
        self.insert_button.setEnabled(not ro)
        self.title_button.setEnabled(not ro)
        self.figures.setEnabled(not ro)
        self.figures_button.setEnabled(not ro)
        if ro and self.title_edit.isVisible():
            self._close_title()
        self.editor.setStyleSheet("QPlainTextEdit { background: #f3f4f6; }" if ro else "")

    def select_first_unknown(self) -> bool:
        data = self.ctx.data()
        for m in narrative.PLACEHOLDER.finditer(self.editor.toPlainText()):
            if not narrative.is_valid_placeholder(m.group(1), m.group(2), data):
                cur = self.editor.textCursor()
                cur.setPosition(m.start())
                cur.setPosition(m.end(), QTextCursor.KeepAnchor)
                self.editor.setTextCursor(cur)
                return True
        return False


class NarrativeEditor(QWidget):
    """The text of several outline sections, one block each, in a scroll area."""

    def __init__(self, ctx, section_keys: list[str], parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.keys = [k for k in section_keys if values.outline_section(k).get("text", True)]
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.banner = QLabel("Kỳ báo cáo này đã chốt: chỉ xem, không sửa được. Muốn sửa, hãy mở lại kỳ (menu Kỳ báo cáo).")
        self.banner.setWordWrap(True)
        self.banner.setStyleSheet("background: #fef3c7; color: #92400e; padding: 4px 8px;")
        self.banner.hide()
        layout.addWidget(self.banner)
        hint = QLabel(
            "Mỗi dòng là một đoạn; dòng bắt đầu bằng “- ” hoặc “+ ” là gạch đầu dòng; **chữ đậm**. "
            "Số liệu sống được chèn dạng {{tên}} (Ctrl+Space). Nội dung tự lưu khi gõ."
        )
        hint.setWordWrap(True)
        hint.setStyleSheet("color: #4b5563; padding: 2px 4px;")
        layout.addWidget(hint)
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.NoFrame)
        inner = QWidget()
        inner_layout = QVBoxLayout(inner)
        inner_layout.setContentsMargins(4, 4, 4, 4)
        inner_layout.setSpacing(10)
        self.blocks: dict[str, SectionBlock] = {}
        for key in self.keys:
            block = SectionBlock(ctx, key)
            block.setSizePolicy(QSizePolicy.Preferred, QSizePolicy.Fixed)
            self.blocks[key] = block
            inner_layout.addWidget(block)
        inner_layout.addStretch(1)
        self.scroll.setWidget(inner)
        self.scroll.viewport().installEventFilter(self)
        layout.addWidget(self.scroll, 1)

        self._refresh_timer = QTimer(self)
        self._refresh_timer.setSingleShot(True)
        self._refresh_timer.setInterval(50)
        self._refresh_timer.timeout.connect(self.refresh)
        self._stale = False
        ctx.period_changed.connect(self._on_period_changed)
        ctx.data_changed.connect(self._on_data_changed)
        app = QApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.flush)
        if ctx.period_id is not None:
            self.load()

    # --- public -------------------------------------------------------------------------
    def load(self) -> None:
        for block in self.blocks.values():
            block.load()
        self._apply_read_only()

    def flush(self) -> bool:
        """Save every pending edit now (before closing, switching period …)."""
        ok = True
        for block in self.blocks.values():
            ok = block.save_now() and ok
        return ok

    def focus_target(self, target: str) -> bool:
        key = target[5:] if target.startswith("text:") else target
        block = self.blocks.get(key)
        if block is None:
            return False
        self.scroll.ensureWidgetVisible(block, 0, 20)
        block.editor.setFocus()
        if not block.select_first_unknown():
            self.scroll.ensureWidgetVisible(block.editor, 0, 20)
        return True

    def refresh(self) -> None:
        if not self.isVisible():
            self._stale = True
            return
        self._stale = False
        self._apply_read_only()
        for block in self.blocks.values():
            block.refresh()

    # --- signals ------------------------------------------------------------------------
    def _on_period_changed(self, _pid: int) -> None:
        for block in self.blocks.values():
            block.save_now()  # pending text belongs to the period it was typed in
        self.load()

    def _on_data_changed(self, what: str) -> None:
        if what.startswith("text:"):
            block = self.blocks.get(what[5:])
            if block is not None and block.writing:
                return  # our own save: the screen already shows it
            if block is not None:
                block.reload_if_clean()
            return
        if what in ("*", "period", "unit"):
            for block in self.blocks.values():
                if block.pid != self.ctx.period_id:
                    block.load()
                else:
                    block.reload_if_clean()
        self._apply_read_only()
        self._refresh_timer.start()

    def _apply_read_only(self) -> None:
        ro = self.ctx.period_id is None or self.ctx.is_final()
        self.banner.setVisible(ro and self.ctx.period_id is not None)
        for block in self.blocks.values():
            if block.editor.isReadOnly() != ro:
                block.set_read_only(ro)
                block.refresh_figures()

    def eventFilter(self, obj, event):  # noqa: N802
        if obj is self.scroll.viewport() and event.type() == QEvent.Resize:
            self._fit_blocks()
        return super().eventFilter(obj, event)

    def _fit_blocks(self) -> None:
        room = self.scroll.viewport().height() - 70  # the block's title row and margins
        for block in self.blocks.values():
            if block.max_height != room:
                block.max_height = room
                block._fit_height()

    def showEvent(self, e):  # noqa: N802
        super().showEvent(e)
        if self._stale:
            self._refresh_timer.start()

    def hideEvent(self, e):  # noqa: N802
        self.flush()
        for block in self.blocks.values():
            block.preview_timer.stop()
        self._refresh_timer.stop()
        self._stale = True
        super().hideEvent(e)
