"""The indicator forms: one table per form and section, laid out like the paper form.

`IndicatorTableModel` holds no data of its own: it reads the current period's ReportData
through the context and writes every accepted edit through `ctx.write` (one transaction
each). It is a plain QAbstractTableModel, tested without any widget
(tests/gui/test_indicator_model.py). `IndicatorForm` is the widget: a title, a banner when
the period is final, the table, and the message of a refused edit. A row's context menu
opens its history ("Xem lịch sử thay đổi": the value's and the note's changes).

A coded choice (Có = 1; Không = 0) leaves the Đơn vị tính column blank: its value column
shows the label and offers the drop-down; the codes are for the paper form only.
"""
from __future__ import annotations

from decimal import Decimal

from cchc_desktop.domain import periods
from cchc_desktop.exporting import wording
from cchc_desktop.report import corrections
from cchc_desktop.store import Store
from ui.safety.audit_view import open_history, row_target
from ui.tables import exec_row_menu
from ui.qt import (
    QAbstractItemDelegate, QAbstractItemView, QAbstractTableModel, QColor, QComboBox, QEvent,
    QFont, QHeaderView, QKeySequence, QLabel, QLineEdit, QMenu, QModelIndex, QShortcut, QSizePolicy,
    QStyledItemDelegate, Qt, QTableView, QTimer, QUndoCommand, QUndoStack, QVBoxLayout, QWidget,
    Signal,
)

STT, CHI_TIEU, DON_VI, GIA_TRI, KY_TRUOC, GHI_CHU = range(6)
HEADERS = ("STT", "Chỉ tiêu", "Đơn vị tính", "Giá trị", "Kỳ trước", "Ghi chú")
FINAL_BANNER = ("Kỳ này đã chốt (bản chính thức) nên chỉ xem, không sửa được. "
                "Muốn sửa: menu Kỳ báo cáo → Mở lại kỳ để sửa.")

GREY = QColor(105, 105, 105)
DERIVED_BG = QColor(238, 238, 238)
CORRECTED_BG = QColor(255, 236, 204)  # a computed figure that differs from the unit's own (Kiểm tra says why)
INPUT_BG = QColor(255, 253, 235)
REFUSED_BG = QColor(255, 224, 224)
REFUSED_FG = QColor(170, 0, 0)
CODE_ROLE = Qt.ItemDataRole.UserRole
REFUSED_STYLE = "color:#a00000;"
HINT_STYLE = "color:#92400e; background:#fef3c7; padding:2px 6px;"
# What the message line under a form says when a key is typed on a cell that takes no input.
DERIVED_HINT = "Dòng này được tính tự động từ các dòng khác, không nhập tay."
GROUP_HINT = "Dòng tiêu đề không có số liệu. Hãy gõ số liệu vào các dòng bên dưới."
COLUMN_HINT = "Cột này không nhập được. Hãy gõ số liệu vào cột “Giá trị”."
PREVIOUS_HINT = "Cột “Kỳ trước” lấy từ kỳ báo cáo trước, không sửa ở đây."
FINAL_HINT = "Kỳ này đã chốt nên chỉ xem, không sửa được (menu Kỳ báo cáo → Mở lại kỳ để sửa)."


class _EditCommand(QUndoCommand):
    """One accepted edit: (code, old, new) of a value or a note, written back through ctx."""

    def __init__(self, model: "IndicatorTableModel", field: str, code: str, old, new):
        super().__init__(f"{field}:{code}")
        self.model, self.field, self.code, self.old, self.new = model, field, code, old, new
        self._done = True  # already written when pushed

    def redo(self):
        if self._done:
            self._done = False
            return
        self.model._write(self.field, self.code, self.new)

    def undo(self):
        self.model._write(self.field, self.code, self.old)


class IndicatorTableModel(QAbstractTableModel):
    """The rows of one section (and optionally one form) of the period's catalogue."""

    refused = Signal(str)  # the Vietnamese message of a refused edit

    dropped = Signal()  # a refused text given up (Esc): its message goes
    accepted = Signal(str)  # the code of an accepted edit

    def __init__(self, ctx, section: str, form: str | None = None, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.section = section
        self.form = form
        self.rows = []
        self.last_error: str | None = None
        self._rejected: dict[tuple[int, int], str] = {}
        self.undo_stack = QUndoStack(self)
        self._load_rows()
        ctx.period_changed.connect(self._on_period_changed)
        ctx.data_changed.connect(self._on_data_changed)

    # --- rows -----------------------------------------------------------------------------
    def _load_rows(self) -> None:
        data = self.ctx.data()
        self.rows = [r for r in data.catalogue.rows_in_section(self.section)
                     if self.form is None or r.form == self.form]
        self._final = data.period.get("status") == "final"

    def _fixes_now(self) -> dict:
        """The corrections (report/corrections.py), computed once per state of the data."""
        data = self.ctx.data()
        if getattr(self, "_fixes_of", None) is not data:
            self._fixes_of, self._fixes = data, corrections.by_code(data)
        return self._fixes

    def _fix(self, row):
        return self._fixes_now().get(row.code)

    def reload(self) -> None:
        self.beginResetModel()
        self._rejected.clear()
        self._load_rows()
        self.endResetModel()

    def _on_period_changed(self, _pid) -> None:
        self.undo_stack.clear()
        self.reload()

    def _on_data_changed(self, what: str) -> None:
        if what in ("*", "period"):
            self.reload()
            return
        self._final = self.ctx.data().period.get("status") == "final"
        if self.rows:
            self.dataChanged.emit(self.index(0, GIA_TRI), self.index(len(self.rows) - 1, GHI_CHU))

    def row_at(self, i: int):
        return self.rows[i]

    def row_of(self, code: str) -> int:
        for i, r in enumerate(self.rows):
            if r.code == code:
                return i
        return -1

    @property
    def is_final(self) -> bool:
        return self._final

    @property
    def has_previous(self) -> bool:
        return self.ctx.data().previous is not None

    # --- Qt model API ---------------------------------------------------------------------
    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation != Qt.Orientation.Horizontal:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            if section == KY_TRUOC:
                code = self.ctx.data().previous_code
                if code:
                    key = periods.parse_code(code)
                    return f"Kỳ trước ({periods.KIND_LABELS[key.kind]} {key.year})"
            return HEADERS[section]
        if role == Qt.ItemDataRole.ToolTipRole and section == GIA_TRI:
            return "Nhập số liệu của kỳ này; ô xám là dòng tự tính hoặc dòng tiêu đề."
        return None

    def flags(self, index):
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        row = self.rows[index.row()]
        if self._final:
            return base
        if index.column() == GIA_TRI and row.editable:
            return base | Qt.ItemFlag.ItemIsEditable
        if index.column() == GHI_CHU and row.has_value:
            return base | Qt.ItemFlag.ItemIsEditable
        return base

    def input_hint(self, r: int, col: int) -> str | None:
        """Why a key typed on this cell is not taken, in Vietnamese; None when the cell takes it."""
        index = self.index(r, col)
        if not index.isValid() or self.flags(index) & Qt.ItemFlag.ItemIsEditable:
            return None
        row = self.rows[r]
        if self._final:
            return FINAL_HINT
        if col == KY_TRUOC:
            return PREVIOUS_HINT
        if not row.has_value:
            return GROUP_HINT
        if row.derived and col in (GIA_TRI, GHI_CHU, STT, CHI_TIEU, DON_VI):
            return DERIVED_HINT
        return COLUMN_HINT

    def _value(self, row):
        return self.ctx.data().values.get(row.code)

    def edit_text(self, row, col: int):
        """What an editor of the cell starts with: a choice's code, a number as the screen writes it."""
        data = self.ctx.data()
        if col == GHI_CHU:
            return data.note(row.code)
        value = data.values.get(row.code)
        if row.kind == "choice":
            return None if value is None else int(value)
        if row.kind == "text":
            return value or ""
        return row.format(value)

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        r, col = index.row(), index.column()
        row = self.rows[r]
        rejected = self._rejected.get((r, col))
        if role == Qt.ItemDataRole.DisplayRole:
            if col == STT:
                return row.stt
            if col == CHI_TIEU:
                return row.label
            if col == DON_VI:
                return "" if row.kind == "choice" else row.unit
            if col == GIA_TRI:
                if rejected is not None:
                    return rejected
                return row.display(self._value(row)) if row.has_value else ""
            if col == KY_TRUOC:
                return row.display(self.ctx.data().row_previous(row.code)) if row.has_value else ""
            if col == GHI_CHU:
                if rejected is not None:
                    return rejected
                return wording.row_note(self.ctx.data(), row.code, self._fixes_now())
        elif role == Qt.ItemDataRole.EditRole:
            if col in (GIA_TRI, GHI_CHU):
                return rejected if rejected is not None else self.edit_text(row, col)
            return self.data(index, Qt.ItemDataRole.DisplayRole)
        elif role == Qt.ItemDataRole.FontRole:
            if row.kind == "group" or row.italic:
                f = QFont()
                f.setBold(row.kind == "group")
                f.setItalic(row.italic)
                return f
        elif role == Qt.ItemDataRole.ForegroundRole:
            if rejected is not None:
                return REFUSED_FG
            if col == KY_TRUOC or row.kind == "group" or (row.derived and col in (GIA_TRI, DON_VI)):
                return GREY
        elif role == Qt.ItemDataRole.BackgroundRole:
            if rejected is not None:
                return REFUSED_BG
            if col == GIA_TRI:
                if self._fix(row):  # a recomputed figure, or a typed one the unit printed otherwise
                    return CORRECTED_BG
                if not row.has_value or row.derived:
                    return DERIVED_BG
                if not self._final:
                    return INPUT_BG
        elif role == Qt.ItemDataRole.TextAlignmentRole:
            if col in (GIA_TRI, KY_TRUOC) and row.kind not in ("text", "choice"):
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            if col in (STT, DON_VI):
                return int(Qt.AlignmentFlag.AlignCenter)
        elif role == Qt.ItemDataRole.ToolTipRole:
            if rejected is not None and self.last_error:
                return self.last_error
            if col == GIA_TRI:
                fix = self._fix(row)
                if fix:
                    head = (f"Số đã nhập: {fix.computed_text} {fix.why}".rstrip() + f". Đơn vị đã in trước đây {fix.own_text}. "
                            if fix.typed else
                            f"Số tính lại: {fix.computed_text} {fix.why}. Trước đây đơn vị ghi {fix.own_text}. ")
                    if fix.choice:
                        tail = f"Đơn vị đã chọn: {fix.state}; báo cáo in {fix.printed_text}."
                        if fix.rests_on:
                            tail += f" {fix.rests_on}."
                    elif fix.typed:
                        tail = "Nếu số đã nhập sai, hãy sửa ô này; nếu không, hãy chọn trong thẻ Kiểm tra."
                    else:
                        tail = "Nếu số cũ mới đúng, hãy sửa các số thành phần, hoặc chọn trong thẻ Kiểm tra."
                    return head + tail
                if row.derived:
                    return "Dòng tự tính từ các dòng khác, không nhập tay."
                if row.kind == "choice":
                    return "Chọn: " + " / ".join(lab for _, lab in row.choices)
            if col == DON_VI and row.kind == "choice":
                return "Chọn ở cột Giá trị: " + " / ".join(lab for _, lab in row.choices)
            if col == CHI_TIEU:
                return f"{row.label} (mã {row.code})"
        elif role == CODE_ROLE:
            return row.code
        return None

    def setData(self, index, value, role=Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid():
            return False
        if not self.flags(index) & Qt.ItemFlag.ItemIsEditable:
            return False
        r, col = index.row(), index.column()
        row = self.rows[r]
        if col == GIA_TRI:
            if row.kind == "choice" and isinstance(value, str):
                value = self._choice_code(row, value)
            current = self.edit_text(row, col)
            if (r, col) not in self._rejected and _same(value, current):
                return True
            old = self._value(row)
            ok, result = self.ctx.write(f"value:{row.code}", Store.set_value, self.ctx.period_id, row.code,
                                        value, catalogue=self.ctx.data().catalogue)
            field, new = "value", result
        elif col == GHI_CHU:
            value = "" if value is None else str(value)
            old = self.ctx.data().note(row.code)
            if (r, col) not in self._rejected and value.strip() == old:
                return True
            ok, result = self.ctx.write(f"note:{row.code}", Store.set_note, self.ctx.period_id, row.code, value)
            field, new = "note", value.strip()
        else:
            return False
        if not ok:
            self._rejected[(r, col)] = "" if value is None else str(value)
            self.last_error = result
            self.refused.emit(result)
            self.dataChanged.emit(index, index)
            return False
        self._rejected.pop((r, col), None)
        self.last_error = None
        if old != new:
            self.undo_stack.push(_EditCommand(self, field, row.code, old, new))
        self.dataChanged.emit(index, index)
        self.accepted.emit(row.code)
        return True

    @staticmethod
    def _choice_code(row, text: str):
        t = text.strip()
        if not t:
            return None
        for c, lab in row.choices:
            if lab.lower() == t.lower():
                return c
        return t  # a typed code ("1") or wrong text: the store decides

    def _write(self, field: str, code: str, value) -> bool:
        """Write without recording (undo / redo)."""
        if field == "value":
            ok, _ = self.ctx.write(f"value:{code}", Store.set_value, self.ctx.period_id, code, value)
        else:
            ok, _ = self.ctx.write(f"note:{code}", Store.set_note, self.ctx.period_id, code, value or "")
        r = self.row_of(code)
        if r >= 0:
            self._rejected.pop((r, GIA_TRI if field == "value" else GHI_CHU), None)
        return ok

    def undo(self) -> None:
        if self.undo_stack.canUndo():
            self.undo_stack.undo()

    def discard_rejected(self, index) -> None:
        if self._rejected.pop((index.row(), index.column()), None) is not None:
            self.last_error = None
            self.dataChanged.emit(index, index)
            self.dropped.emit()


def _same(value, current) -> bool:
    if value is None or value == "":
        return current is None or current == ""
    if isinstance(current, int) and not isinstance(value, str):
        return Decimal(value) == current
    return str(value).strip() == ("" if current is None else str(current))


# --- the widgets -----------------------------------------------------------------------------
class ValueDelegate(QStyledItemDelegate):
    """Line editors for numbers and notes, a drop-down (label shown, code stored) for choices.

    Enter and Tab commit and move down the column; a refused value reopens the editor with
    what the user typed so it can be corrected.
    """

    def __init__(self, view: "IndicatorTable"):
        super().__init__(view)
        self.view = view

    def createEditor(self, parent, option, index):
        model = index.model()
        row = model.row_at(index.row())
        if index.column() == GIA_TRI and row.kind == "choice":
            combo = QComboBox(parent)
            combo.addItem("(để trống)", None)
            for code, label in row.choices:
                combo.addItem(label, code)
            combo.installEventFilter(self)
            return combo
        editor = QLineEdit(parent)
        editor.setFrame(False)
        if index.column() == GIA_TRI and row.kind not in ("text",):
            editor.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        editor.installEventFilter(self)
        return editor

    def setEditorData(self, editor, index):
        value = index.data(Qt.ItemDataRole.EditRole)
        if isinstance(editor, QComboBox):
            i = editor.findData(value) if value is not None else 0
            if isinstance(value, str):  # a refused typed text
                i = max(editor.findText(value), 0)
            editor.setCurrentIndex(max(i, 0))
        else:
            editor.setText("" if value is None else str(value))

    def setModelData(self, editor, model, index):
        value = editor.currentData() if isinstance(editor, QComboBox) else editor.text()
        if not model.setData(index, value, Qt.ItemDataRole.EditRole):
            if model.flags(index) & Qt.ItemFlag.ItemIsEditable:
                self.view.reopen_later(index)

    def eventFilter(self, obj, event):
        if event.type() == QEvent.Type.KeyPress and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            if isinstance(obj, QComboBox) and obj.view().isVisible():
                return False
            self.commitData.emit(obj)
            self.closeEditor.emit(obj, QAbstractItemDelegate.EndEditHint.EditNextItem)
            return True
        if event.type() == QEvent.Type.KeyPress and event.key() == Qt.Key.Key_Escape:
            self.view.model().discard_rejected(self.view.currentIndex())
        return super().eventFilter(obj, event)


class IndicatorTable(QTableView):
    """Tab / Enter move down the column being edited (Giá trị, or Ghi chú), skipping rows that
    take no input (derived and heading rows); after the last input row Tab leaves the table.
    A key typed on a cell that takes none is not dropped in silence: `hint` says why."""

    hint = Signal(str)  # a Vietnamese line for the form's message line; "" clears it

    def __init__(self, model: IndicatorTableModel, parent=None):
        super().__init__(parent)
        # setModel takes no ownership: a model without a Qt parent must live as long as its view,
        # or a paint after the caller dropped it reads a deleted model (a crash, seen in the tests)
        self._model = model
        self.setModel(model)
        self.setItemDelegate(ValueDelegate(self))
        self.setWordWrap(True)
        self.setAlternatingRowColors(False)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed | QAbstractItemView.EditTrigger.SelectedClicked
        )
        self.setTabKeyNavigation(True)
        self.verticalHeader().setVisible(False)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        h = self.horizontalHeader()
        h.setSectionResizeMode(CHI_TIEU, QHeaderView.ResizeMode.Stretch)
        for col, width in ((STT, 48), (DON_VI, 112), (GIA_TRI, 120), (KY_TRUOC, 110), (GHI_CHU, 170)):
            h.setSectionResizeMode(col, QHeaderView.ResizeMode.Interactive)
            self.setColumnWidth(col, width)
        h.setHighlightSections(False)
        self._rows_timer = QTimer(self)
        self._rows_timer.setSingleShot(True)
        self._rows_timer.setInterval(30)
        self._rows_timer.timeout.connect(self.fit_rows)
        model.modelReset.connect(self._after_reset)
        self._after_reset()

    def _after_reset(self) -> None:
        m = self.model()
        self.setColumnHidden(KY_TRUOC, not m.has_previous)
        self._rows_timer.start()

    def fit_rows(self) -> None:
        self.resizeRowsToContents()

    def resizeEvent(self, event):
        super().resizeEvent(event)
        self._rows_timer.start()

    def _next_editable(self, row: int, col: int, step: int) -> int:
        m = self.model()
        r = row + step
        while 0 <= r < m.rowCount():
            if m.flags(m.index(r, col)) & Qt.ItemFlag.ItemIsEditable:
                return r
            r += step
        return -1

    @staticmethod
    def _input_column(col: int) -> int:
        """The column Tab / Enter walk from a cell: its own when it takes input, else Giá trị."""
        return col if col in (GIA_TRI, GHI_CHU) else GIA_TRI

    def moveCursor(self, action, modifiers):
        cur = self.currentIndex()
        if action in (QAbstractItemView.CursorAction.MoveNext, QAbstractItemView.CursorAction.MovePrevious) \
                and cur.isValid():
            col = self._input_column(cur.column())
            step = 1 if action == QAbstractItemView.CursorAction.MoveNext else -1
            r = self._next_editable(cur.row(), col, step)
            return self.model().index(r, col) if r >= 0 else cur
        return super().moveCursor(action, modifiers)

    def keyPressEvent(self, event):
        cur = self.currentIndex()
        text = event.text()
        if (cur.isValid() and self.state() != QAbstractItemView.State.EditingState and text.strip()
                and text.isprintable()
                and not event.modifiers() & (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier)
                and not self.model().flags(cur) & Qt.ItemFlag.ItemIsEditable):
            # Never dropped in silence (nor used for a keyboard search): say why the cell takes nothing.
            self.hint.emit(self.model().input_hint(cur.row(), cur.column()) or "")
            event.accept()
            return
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.state() != QAbstractItemView.State.EditingState:
            idx = self.currentIndex()
            if idx.isValid() and self.model().flags(idx) & Qt.ItemFlag.ItemIsEditable:
                self.edit(idx)
            else:
                nxt = self.moveCursor(QAbstractItemView.CursorAction.MoveNext, event.modifiers())
                if nxt.isValid():
                    self.setCurrentIndex(nxt)
            return
        if event.key() == Qt.Key.Key_Tab and event.modifiers() == Qt.KeyboardModifier.NoModifier:
            cur = self.currentIndex()
            if cur.isValid() and self._next_editable(cur.row(), self._input_column(cur.column()), 1) < 0:
                self.focusNextChild()  # leave the table after its last input row
                return
        super().keyPressEvent(event)

    def currentChanged(self, current, previous):  # noqa: N802
        super().currentChanged(current, previous)
        self.hint.emit("")  # a hint speaks of the cell it was typed on

    def context_menu(self, index) -> QMenu | None:
        """The menu of a row: its history (None on a heading row, which holds no value)."""
        if not index.isValid():
            return None
        row = self.model().row_at(index.row())
        if not row.has_value:
            return None
        menu = QMenu(self)
        act = menu.addAction("Xem lịch sử thay đổi")
        act.setToolTip(f"Ai đã sửa số liệu và ghi chú của chỉ tiêu {row.stt}, lúc nào, từ giá trị nào")
        act.triggered.connect(lambda _=False, code=row.code: self.show_history(code))
        return menu

    def show_history(self, code: str):
        return open_history(self.model().ctx, row_target(code), self.window())

    def contextMenuEvent(self, event):  # noqa: N802
        if not exec_row_menu(self, event):
            super().contextMenuEvent(event)

    def reopen_later(self, index) -> None:
        def reopen():
            self.setCurrentIndex(index)
            self.edit(index)
        QTimer.singleShot(0, reopen)

    def focus_row(self, r: int) -> None:
        idx = self.model().index(r, GIA_TRI)
        self.setCurrentIndex(idx)
        self.scrollTo(idx, QAbstractItemView.ScrollHint.PositionAtCenter)
        self.setFocus(Qt.FocusReason.OtherFocusReason)


class IndicatorForm(QWidget):
    """A titled indicator table with the final-period banner and the refused-edit message."""

    def __init__(self, ctx, section: str, form: str | None = None, title: str = "", parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.model = IndicatorTableModel(ctx, section, form, self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(3)
        self.title = QLabel(title)
        f = self.title.font()
        f.setBold(True)
        self.title.setFont(f)
        self.title.setWordWrap(True)
        layout.addWidget(self.title)
        self.banner = QLabel(FINAL_BANNER)
        self.banner.setWordWrap(True)
        self.banner.setStyleSheet("background:#fff4ce; border:1px solid #e0c060; padding:4px;")
        layout.addWidget(self.banner)
        self.table = IndicatorTable(self.model, self)
        self.table.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.table.setMinimumHeight(110)
        layout.addWidget(self.table, 1)
        self.message = QLabel("")
        self.message.setWordWrap(True)
        self.message.setStyleSheet(REFUSED_STYLE)
        self.message.hide()
        layout.addWidget(self.message)
        self.model.refused.connect(self._show_refused)
        self.model.accepted.connect(lambda _c: self.message.hide())
        self.model.dropped.connect(self.message.hide)
        self.table.hint.connect(self._show_hint)
        self.model.modelReset.connect(self._update_banner)
        ctx.data_changed.connect(self._update_banner)  # bound: dropped with the form (rebuild_tabs)
        self._update_banner()
        undo = QShortcut(QKeySequence.StandardKey.Undo, self)
        undo.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        undo.activated.connect(self.model.undo)

    def _update_banner(self, *_) -> None:
        self.banner.setVisible(self.model.is_final)

    def _show_refused(self, text: str) -> None:
        self.message.setStyleSheet(REFUSED_STYLE)
        self.message.setText("Chưa lưu: " + text)
        self.message.show()

    def _show_hint(self, text: str) -> None:
        if not text:
            if self.message.styleSheet() == HINT_STYLE:  # a refusal stays until its cell is fixed
                self.message.hide()
            return
        self.message.setStyleSheet(HINT_STYLE)
        self.message.setText(text)
        self.message.show()

    def focus_code(self, code: str) -> bool:
        r = self.model.row_of(code)
        if r < 0:
            return False
        self.table.focus_row(r)
        return True
