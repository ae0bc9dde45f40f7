"""The one-stop dossier tables: per field, per agency, with a totals row.

`DossierTableModel` is one agency's table (testable without any widget): rows are the fields
and a last "Cộng" row; columns are the field name, the typed columns of cchc_desktop.domain.dossiers
and two computed ones (total received, total resolved). A cell of the "Cộng" row is the sum of
the fields when every field has that column (computed, read-only, shaded) and otherwise the
typed total (editable, white, blue). Blank = unknown, 0 = zero.

`DossierTableView` walks with Tab / Enter only the cells that take a figure, and a key typed on
one that takes none (computed, or a final period) shows why in the box's message line.

`DossierPanel` shows the three agencies (Bộ phận Một cửa UBND, Công an xã, BCH Quân sự xã)
with add / rename / remove field buttons and a line of key rates under each table.

A field is renamed only on purpose: F2, a double-click or the "Đổi tên" button (typing over
the name cell does not open it). A name of digits only, or one the table has already, is
refused with a message box that says why.
"""
from __future__ import annotations

from cchc_desktop import fmt
from cchc_desktop.domain import dossiers
from cchc_desktop.store import Store
from ui import messages
from ui.messages import vi_buttons
from ui.safety.audit_view import field_target, open_history
from ui.tables import NamedColumns, exec_row_menu, header_data, wire_table_panel
from ui.qt import (
    QAbstractItemDelegate, QAbstractItemView, QAbstractTableModel, QColor, QDialog,
    QDialogButtonBox, QFont, QFormLayout, QGroupBox, QHBoxLayout, QHeaderView, QLabel, QLineEdit,
    QMenu, QModelIndex, QPushButton, QScrollArea, QSizePolicy, QStyledItemDelegate,
    QTableView, Qt, QTimer, QToolTip, QUndoCommand, QUndoStack, QVBoxLayout,
    QWidget, Signal,
)

# The columns by name, in order (as Vorta's models): the typed ones are cchc_desktop.domain.dossiers'
# keys, tiep_nhan and da_giai_quyet are computed. The model is addressed by name
# (`model.cell(row, "truc_tuyen")`); the COL_ numbers follow from this order.
COLUMNS = ("linh_vuc", "truc_tuyen", "truc_tiep", "ky_truoc", "tiep_nhan", "truoc_han", "dung_han", "qua_han",
           "da_giai_quyet", "dang_giai_quyet", "dang_qua_han")
(COL_FIELD, COL_ONLINE, COL_DIRECT, COL_CARRIED, COL_RECEIVED, COL_EARLY, COL_ON_TIME, COL_LATE, COL_RESOLVED,
 COL_PENDING, COL_OVERDUE) = range(len(COLUMNS))
COLUMN_COUNT = len(COLUMNS)

TYPED = {col: name for col, name in enumerate(COLUMNS) if name in dossiers.COLUMNS}
COMPUTED = {COL_RECEIVED: "tiep_nhan", COL_RESOLVED: "da_giai_quyet"}
HEADERS = {
    COL_FIELD: ("Lĩnh vực", "Tên lĩnh vực (dòng cuối: Cộng)"),
    COL_ONLINE: ("Trực\ntuyến", dossiers.COLUMN_LABELS["truc_tuyen"]),
    COL_DIRECT: ("Trực tiếp,\nbưu\nchính", dossiers.COLUMN_LABELS["truc_tiep"]),
    COL_CARRIED: ("Kỳ trước\nchuyển\nqua", dossiers.COLUMN_LABELS["ky_truoc"]),
    COL_RECEIVED: ("Tổng\ntiếp\nnhận", "Tổng số tiếp nhận = trực tuyến + trực tiếp + kỳ trước (tự tính)"),
    COL_EARLY: ("Trước\nhạn", dossiers.COLUMN_LABELS["truoc_han"]),
    COL_ON_TIME: ("Đúng\nhạn", dossiers.COLUMN_LABELS["dung_han"]),
    COL_LATE: ("Quá\nhạn", dossiers.COLUMN_LABELS["qua_han"]),
    COL_RESOLVED: ("Đã giải\nquyết", "Tổng số đã giải quyết = trước hạn + đúng hạn + quá hạn (tự tính)"),
    COL_PENDING: ("Đang\ngiải\nquyết", dossiers.COLUMN_LABELS["dang_giai_quyet"]),
    COL_OVERDUE: ("Trong đó\nquá hạn", dossiers.COLUMN_LABELS["dang_qua_han"] + " (trong số đang giải quyết)"),
}
TOTAL_LABEL = "Cộng"
RENAME_HINT = "Muốn đổi tên lĩnh vực: nhấn F2, nhấp đúp vào tên hoặc bấm nút “Đổi tên”."
# What the message line under a table says when a key is typed on a cell that takes no input.
COMPUTED_HINT = "Cột này được tính tự động từ các cột khác, không nhập tay."
COMPUTED_TOTAL_HINT = ("Ô này ở dòng Cộng là tổng các lĩnh vực, phần mềm tự cộng, không nhập tay. "
                       "Hãy sửa số ở dòng của từng lĩnh vực.")
TOTAL_LABEL_HINT = "Ô “Cộng” không nhập được. Số liệu gõ vào các cột bên phải."
FINAL_HINT = "Kỳ báo cáo này đã chốt: chỉ xem, không sửa được."

COMPUTED_BG = QColor("#eef2f7")  # shaded: the app computes it
TYPED_TOTAL_FG = QColor("#1d4ed8")  # blue: a total typed by hand
REJECTED_BG = QColor("#fecaca")
MISMATCH_FG = QColor("#b91c1c")


class _CellEdit(QUndoCommand):
    """One accepted edit of the table, already written when pushed; undo writes the old value back."""

    def __init__(self, model, method, redo_args: tuple, undo_args: tuple):
        super().__init__(method.__name__)
        self.model, self.method, self.redo_args, self.undo_args = model, method, redo_args, undo_args
        self._done = True

    def redo(self):
        if self._done:
            self._done = False
            return
        self.model._apply(self.method, *self.redo_args)

    def undo(self):
        self.model._apply(self.method, *self.undo_args)


def field_name_problem(name: str, existing, old: str | None = None) -> str | None:
    """Why `name` cannot be a field's (new) name, in Vietnamese; None when it can.

    `existing` are the table's field names; `old` the name being changed (it may stay).
    """
    clean = " ".join((name or "").split())
    if not clean:
        return "Lĩnh vực cần có tên. Hãy gõ tên lĩnh vực, ví dụ: Hộ tịch."
    if clean.replace(".", "").replace(",", "").isdigit():
        return (f"Tên lĩnh vực “{clean}” chỉ có chữ số, có lẽ là một con số gõ nhầm vào ô tên. "
                "Hãy gõ tên lĩnh vực bằng chữ, ví dụ: Hộ tịch; số hồ sơ gõ vào các cột bên phải.")
    for other in existing:
        if other != old and " ".join(other.split()).casefold() == clean.casefold():
            return f"Bảng đã có lĩnh vực “{other}”. Hãy đặt tên khác, hoặc nhập số liệu vào dòng đã có."
    return None


class DossierTableModel(NamedColumns, QAbstractTableModel):
    """One agency's dossier table over the AppContext; every edit is one ctx.write."""

    COLUMNS = COLUMNS

    def __init__(self, ctx, agency: str, parent=None):
        super().__init__(parent)
        if agency not in dossiers.AGENCIES:
            raise ValueError(agency)
        self.ctx = ctx
        self.agency = agency
        self.table = dossiers.AgencyTable(agency)
        self._effective: dict = {}
        self._sums: dict = {}
        self._read_only = False
        self._rejected: dict[tuple[int, int], tuple[str, str]] = {}  # (row, col) → (text, message)
        self._writing = False
        self._in_undo = False
        self.undo_stack = QUndoStack(self)
        ctx.period_changed.connect(self._on_period_changed)
        ctx.data_changed.connect(self._on_data_changed)
        self.reload()

    # --- loading ------------------------------------------------------------------------
    def reload(self) -> None:
        """Re-read the table; a reset only when the rows changed (keeps the view's current cell)."""
        if self.ctx.period_id is None:
            table, read_only = dossiers.AgencyTable(self.agency), True
        else:
            table, read_only = self.ctx.data().tables[self.agency], self.ctx.is_final()
        same_rows = [f["name"] for f in table.fields] == [f["name"] for f in self.table.fields]
        if same_rows and self.rowCount() > 0:
            self._set(table, read_only)
            self.dataChanged.emit(self.index(0, 0), self.index(self.rowCount() - 1, COLUMN_COUNT - 1))
            return
        if not self._in_undo:
            self.undo_stack.clear()  # fields added, renamed or removed: older edits name other rows
        self.beginResetModel()
        self._set(table, read_only)
        self.endResetModel()

    def _set(self, table, read_only) -> None:
        self.table = table
        self._read_only = read_only
        self._effective = table.effective()
        self._sums = table.field_sums()

    def _on_period_changed(self, _pid) -> None:
        self._rejected.clear()
        self.undo_stack.clear()
        self.reload()

    def _on_data_changed(self, what: str) -> None:
        if what.startswith(("value:", "text:", "note:")):
            return  # nothing of ours
        if self._writing:
            return  # setData refreshes itself
        if what != "dossier":
            self._rejected.clear()
        self.reload()

    # --- shape --------------------------------------------------------------------------
    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.table.fields) + 1

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else COLUMN_COUNT

    def is_total_row(self, row: int) -> bool:
        return row == len(self.table.fields)

    def field_at(self, row: int) -> str | None:
        """The field name of a row; None for the totals row."""
        if 0 <= row < len(self.table.fields):
            return self.table.fields[row]["name"]
        return None

    def row_of_field(self, name: str) -> int | None:
        for i, f in enumerate(self.table.fields):
            if f["name"] == name:
                return i
        return None

    def is_computed(self, row: int, col: int) -> bool:
        """Shown by the app, not typed: the computed columns, and totals whose fields are complete."""
        if col in COMPUTED:
            return True
        if self.is_total_row(row) and col in TYPED:
            return self._sums.get(TYPED[col]) is not None
        return False

    def value(self, row: int, col: int):
        """The Decimal (or None) a cell stands for."""
        if col == COL_FIELD:
            return None
        if self.is_total_row(row):
            if col in TYPED:
                return self._effective.get(TYPED[col])
            return self._received_or_resolved(self._effective, col)
        f = self.table.fields[row]
        if col in TYPED:
            return f.get(TYPED[col])
        return self._received_or_resolved(f, col)

    @staticmethod
    def _received_or_resolved(values: dict, col: int):
        m = dossiers.measures_of(values)
        if col == COL_RECEIVED:
            # Without the carried-over figure the paper table adds online + direct only.
            return m["tiep_nhan"] if values.get("ky_truoc") is not None else m["tiep_nhan_trong_ky"]
        return m["da_giai_quyet"]

    # --- data ---------------------------------------------------------------------------
    def data(self, index, role=Qt.DisplayRole):
        if not index.isValid():
            return None
        row, col = index.row(), index.column()
        total = self.is_total_row(row)
        rejected = self._rejected.get((row, col))
        if role in (Qt.DisplayRole, Qt.EditRole):
            if rejected is not None:
                return rejected[0]
            if col == COL_FIELD:
                return TOTAL_LABEL if total else self.table.fields[row]["name"]
            return fmt.number(self.value(row, col))
        if role == Qt.TextAlignmentRole:
            return int(Qt.AlignLeft | Qt.AlignVCenter) if col == COL_FIELD else int(Qt.AlignRight | Qt.AlignVCenter)
        if role == Qt.FontRole:
            if total or col in COMPUTED:
                f = QFont()
                f.setBold(total)
                f.setItalic(col in COMPUTED and not total)
                return f
            return None
        if role == Qt.BackgroundRole:
            if rejected is not None:
                return REJECTED_BG
            if self.is_computed(row, col) or (total and col == COL_FIELD):
                return COMPUTED_BG
            return None
        if role == Qt.ForegroundRole:
            if total and col in TYPED and not self.is_computed(row, col) and self.value(row, col) is not None:
                return TYPED_TOTAL_FG
            if total and col in TYPED and self._mismatch(col):
                return MISMATCH_FG
            return None
        if role == Qt.ToolTipRole:
            return self._tooltip(row, col, rejected)
        return None

    def _mismatch(self, col: int) -> bool:
        key = TYPED[col]
        typed = self.table.total.get(key)
        return typed is not None and self._sums.get(key) is not None and typed != self._sums[key]

    def _tooltip(self, row, col, rejected):
        if rejected is not None:
            return f"Chưa lưu: {rejected[1]}"
        if col == COL_FIELD:
            if self.is_total_row(row):
                return "Dòng Cộng: ô nền xám do phần mềm tự cộng các lĩnh vực; ô chữ xanh là số tổng nhập tay."
            return RENAME_HINT
        label = HEADERS[col][1]
        if col in COMPUTED:
            return f"{label}."
        if self.is_total_row(row):
            key = TYPED[col]
            if self._mismatch(col):
                return (f"{label}: các lĩnh vực cộng lại được {fmt.number(self._sums[key])} nhưng dòng Cộng ghi "
                        f"{fmt.number(self.table.total[key])}. Phần mềm dùng tổng các lĩnh vực.")
            if self.is_computed(row, col):
                return f"{label}: tổng của các lĩnh vực (tự tính)."
            return f"{label}: số tổng nhập tay (các lĩnh vực chưa có đủ số liệu cột này). Để trống nếu chưa biết."
        return f"{label}. Để trống nếu chưa biết; gõ 0 nếu không có hồ sơ."

    def flags(self, index):
        if not index.isValid():
            return Qt.NoItemFlags
        base = Qt.ItemIsEnabled | Qt.ItemIsSelectable
        if self._read_only:
            return base
        row, col = index.row(), index.column()
        if col == COL_FIELD:
            return base if self.is_total_row(row) else base | Qt.ItemIsEditable
        if self.is_computed(row, col):
            return base
        return base | Qt.ItemIsEditable

    def headerData(self, section, orientation, role=Qt.DisplayRole):  # noqa: N802
        return header_data(HEADERS, section, orientation, role,
                           lambda row: "" if self.is_total_row(row) else str(row + 1))

    def setData(self, index, value, role=Qt.EditRole):  # noqa: N802
        if not index.isValid() or role != Qt.EditRole or not (self.flags(index) & Qt.ItemIsEditable):
            return False
        row, col = index.row(), index.column()
        text = "" if value is None else str(value)
        pid = self.ctx.period_id
        if col == COL_FIELD:
            old = self.field_at(row)
            if text.strip() == old:
                return True
            problem = field_name_problem(text, [f["name"] for f in self.table.fields], old)
            if problem is not None:
                self.ctx.error.emit(problem)  # as ctx.write does for the store's refusals
                self._rejected[(row, col)] = (text, problem)
                self.dataChanged.emit(index, index)
                return False
            ok, msg = self._write(Store.rename_field, pid, self.agency, old, text)
            command = (Store.rename_field, (pid, self.agency, old, text.strip()), (pid, self.agency, text.strip(), old))
        else:
            field = "" if self.is_total_row(row) else self.field_at(row)
            key = TYPED[col]
            before = (self.table.total if field == "" else self.table.fields[row]).get(key)
            ok, msg = self._write(Store.set_dossier, pid, self.agency, field, key, text)
            command = (Store.set_dossier, (pid, self.agency, field, key, text), (pid, self.agency, field, key, before))
        if not ok:
            self._rejected[(row, col)] = (text, msg)
            self.dataChanged.emit(index, index)
            return False
        self._rejected.pop((row, col), None)
        rejected = dict(self._rejected)
        self._in_undo = True  # a rename made here is recorded below, so older edits stay valid
        try:
            self.reload()  # totals and computed columns follow
        finally:
            self._in_undo = False
        self._rejected = rejected
        if col != COL_FIELD and msg == command[2][4]:
            return True  # nothing changed: nothing to undo
        self.undo_stack.push(_CellEdit(self, *command))
        return True

    def undo(self) -> None:
        """Ctrl+Z outside a cell editor: write the last accepted edit's old value back."""
        if self.undo_stack.canUndo():
            self.undo_stack.undo()

    def _apply(self, method, *args) -> bool:
        self._in_undo = True
        try:
            ok, _ = self._write(method, *args)
            self._rejected.clear()
            self.reload()
        finally:
            self._in_undo = False
        return ok

    def _write(self, method, *args):
        self._writing = True
        try:
            return self.ctx.write("dossier", method, *args)
        finally:
            self._writing = False

    @property
    def read_only(self) -> bool:
        return self._read_only

    def rejected(self) -> dict:
        return dict(self._rejected)

    def input_hint(self, row: int, col: int) -> str | None:
        """Why a figure typed on this cell is not taken, in Vietnamese; None when the cell takes it
        (a field's name cell says how to rename instead: RENAME_HINT, shown by the view)."""
        index = self.index(row, col)
        if not index.isValid() or self.flags(index) & Qt.ItemIsEditable:
            return None
        if self._read_only:
            return FINAL_HINT if self.ctx.period_id is not None else None
        if col in COMPUTED:
            return COMPUTED_HINT
        if col == COL_FIELD:
            return TOTAL_LABEL_HINT
        return COMPUTED_TOTAL_HINT

    def measures(self) -> dict:
        return self.ctx.data().measures(self.agency) if self.ctx.period_id is not None else {}


def rates_text(m: dict) -> str:
    """The key figures of one agency in one line."""
    def n(k):
        return fmt.number(m.get(k)) if m.get(k) is not None else "…"

    def p(k):
        return fmt.percent(m.get(k), with_sign=True) if m.get(k) is not None else "…"

    return (f"Tiếp nhận {n('tiep_nhan')} hồ sơ (trực tuyến {p('ty_le_truc_tuyen')}) · "
            f"đã giải quyết {n('da_giai_quyet')} ({p('ty_le_da_giai_quyet')}) · "
            f"trước hạn {p('ty_le_truoc_han')} · đúng hạn {p('ty_le_dung_han')} · quá hạn {p('ty_le_qua_han')} · "
            f"đang giải quyết {n('dang_giai_quyet')}")


class NumberDelegate(QStyledItemDelegate):
    """A plain line editor (no spin box) that keeps the typed text as it is."""

    def createEditor(self, parent, option, index):  # noqa: N802
        editor = QLineEdit(parent)
        if index.column() != COL_FIELD:
            editor.setAlignment(Qt.AlignRight)
        return editor

    def setEditorData(self, editor, index):  # noqa: N802
        editor.setText(index.data(Qt.EditRole) or "")
        editor.selectAll()

    def setModelData(self, editor, model, index):  # noqa: N802
        if editor.text() != (index.data(Qt.EditRole) or "") and not model.setData(index, editor.text(), Qt.EditRole):
            refused = model.rejected().get((index.row(), index.column())) if index.column() == COL_FIELD else None
            if refused is not None:
                # A refused name is said in a message box, not only in the status bar; after the
                # editor has closed (a modal box inside the commit would close it twice).
                parent = self.parent()
                QTimer.singleShot(0, lambda: messages.error(parent, refused[1], "Đổi tên lĩnh vực"))


class DossierTableView(QTableView):
    """Enter commits and moves down; Tab (Shift+Tab) moves to the next (previous) cell that takes
    a figure, row after row: computed columns and computed totals are skipped, and so are the
    field names. A key typed on a cell that takes none is not dropped in silence: `hint` says
    why (the box shows it under the table). The current cell is kept in sight, also when the
    page around the table scrolls (the table itself never does). Typing over a field name does
    not rename it: F2 or a double-click opens that cell."""

    hint = Signal(str)  # a Vietnamese line for the message line under the table; "" clears it

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setTabKeyNavigation(True)
        self.setItemDelegate(NumberDelegate(self))
        self.setSelectionBehavior(QAbstractItemView.SelectItems)
        self.setSelectionMode(QAbstractItemView.SingleSelection)
        self.setEditTriggers(QAbstractItemView.DoubleClicked | QAbstractItemView.EditKeyPressed
                             | QAbstractItemView.AnyKeyPressed)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarAsNeeded)
        self.setWordWrap(False)
        self.verticalHeader().setVisible(False)
        h = self.horizontalHeader()
        h.setDefaultAlignment(Qt.AlignCenter)
        h.setMinimumSectionSize(54)

    def setModel(self, model):  # noqa: N802
        super().setModel(model)
        h = self.horizontalHeader()
        h.setSectionResizeMode(QHeaderView.Stretch)
        h.setSectionResizeMode(COL_FIELD, QHeaderView.Interactive)
        self.setColumnWidth(COL_FIELD, 112)  # at 1024×768 the ten figure columns need the room
        model.modelReset.connect(self.fit_height)
        self.fit_height()

    def fit_height(self) -> None:
        """As tall as its rows: the page scrolls, not the table."""
        model = self.model()
        rows = model.rowCount() if model else 1
        self.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 10)
        h = self.horizontalHeader().sizeHint().height() + rows * self.verticalHeader().defaultSectionSize()
        h += 2 * self.frameWidth() + (self.horizontalScrollBar().sizeHint().height() if self.horizontalScrollBar().isVisible() else 0)
        self.setFixedHeight(h + 2)

    def edit(self, index, trigger=None, event=None):  # noqa: D102
        if trigger is None:  # edit(index): the programmatic call opens any editable cell
            return super().edit(index)
        if index.column() == COL_FIELD and trigger == QAbstractItemView.AnyKeyPressed:
            if index.flags() & Qt.ItemIsEditable:
                rect = self.visualRect(index)
                QToolTip.showText(self.viewport().mapToGlobal(rect.bottomLeft()), RENAME_HINT, self)
            return False
        return super().edit(index, trigger, event)

    def keyPressEvent(self, e):  # noqa: N802
        cur = self.currentIndex()
        typed = (cur.isValid() and self.state() != QAbstractItemView.EditingState and e.text().strip()
                 and e.text().isprintable() and not e.modifiers() & (Qt.ControlModifier | Qt.AltModifier))
        if typed and not cur.flags() & Qt.ItemIsEditable:
            # Never dropped in silence (nor used for a keyboard search): say why the cell takes nothing.
            self.hint.emit(self.model().input_hint(cur.row(), cur.column()) or "")
            e.accept()
            return
        if typed and cur.column() == COL_FIELD:
            self.edit(cur, QAbstractItemView.AnyKeyPressed, e)  # the rename hint
            e.accept()
            return
        if e.key() in (Qt.Key_Return, Qt.Key_Enter) and self.state() != QAbstractItemView.EditingState:
            if cur.isValid() and cur.flags() & Qt.ItemIsEditable:
                self.edit(cur)
            else:
                self._move_down(cur)
            return
        super().keyPressEvent(e)

    def moveCursor(self, action, modifiers):  # noqa: N802
        """Tab and Shift+Tab (also Tab in a cell editor): the next / previous figure cell that
        takes input, row after row; none left: an invalid index (Tab then leaves the table)."""
        if action not in (QAbstractItemView.MoveNext, QAbstractItemView.MovePrevious):
            return super().moveCursor(action, modifiers)
        model, cur = self.model(), self.currentIndex()
        if model is None or not cur.isValid():
            return super().moveCursor(action, modifiers)
        step = 1 if action == QAbstractItemView.MoveNext else -1
        pos = cur.row() * COLUMN_COUNT + cur.column() + step
        while 0 <= pos < model.rowCount() * COLUMN_COUNT:
            idx = model.index(pos // COLUMN_COUNT, pos % COLUMN_COUNT)
            if idx.column() != COL_FIELD and idx.flags() & Qt.ItemIsEditable:
                return idx
            pos += step
        return QModelIndex()

    def context_menu(self, index) -> QMenu | None:
        """A row's menu: the history of its field (every column), or of the Cộng row."""
        model = self.model()
        if not index.isValid() or model is None or model.ctx.period_id is None:
            return None
        field = model.field_at(index.row())
        menu = QMenu(self)
        act = menu.addAction("Xem lịch sử thay đổi")
        act.triggered.connect(lambda _=False, f=field or "*": self.show_history(f))
        return menu

    def show_history(self, field: str):
        model = self.model()
        return open_history(model.ctx, field_target(model.agency, field), self.window())

    def contextMenuEvent(self, e):  # noqa: N802
        if not exec_row_menu(self, e):
            super().contextMenuEvent(e)

    def currentChanged(self, current, previous):  # noqa: N802
        super().currentChanged(current, previous)
        if current.isValid():
            self.reveal(current)
        self.hint.emit("")  # a hint speaks of the cell it was typed on

    def reveal(self, index) -> None:
        """Scroll the cell into sight: in the table, and in the scrolling page that holds it."""
        self.scrollTo(index)
        area = self.parentWidget()
        while area is not None and not isinstance(area, QScrollArea):
            area = area.parentWidget()
        if area is None or area.widget() is None:
            return
        rect = self.visualRect(index)
        if rect.isEmpty():
            return
        center = self.viewport().mapTo(area.widget(), rect.center())
        area.ensureVisible(center.x(), center.y(), rect.width() // 2 + 8, rect.height() + 8)

    def closeEditor(self, editor, hint):  # noqa: N802
        # Enter in the cell editor commits it; then go down one row, like a spreadsheet.
        super().closeEditor(editor, hint)
        if hint == QAbstractItemDelegate.SubmitModelCache:
            self._move_down(self.currentIndex())

    def _move_down(self, cur) -> None:
        model = self.model()
        if not cur.isValid():
            return
        for r in range(cur.row() + 1, model.rowCount()):
            idx = model.index(r, cur.column())
            if idx.flags() & Qt.ItemIsEditable:
                self.setCurrentIndex(idx)
                return


def ask_text(parent, title: str, label: str, text: str = "") -> tuple[str, bool]:
    """QInputDialog.getText with Vietnamese buttons (Qt ships no Vietnamese translation)."""
    dlg = QDialog(parent)
    dlg.setWindowTitle(title)
    form = QFormLayout(dlg)
    edit = QLineEdit(text)
    edit.selectAll()
    edit.setMinimumWidth(320)
    form.addRow(label, edit)
    buttons = vi_buttons(QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel))
    buttons.accepted.connect(dlg.accept)
    buttons.rejected.connect(dlg.reject)
    form.addRow(buttons)
    ok = dlg.exec() == QDialog.Accepted
    return edit.text(), ok


class AgencyBox(QGroupBox):
    """One agency: its table, the field buttons, the line of key rates."""

    def __init__(self, ctx, agency: str, hint: str = "", parent=None):
        super().__init__(dossiers.AGENCIES[agency], parent)
        self.ctx = ctx
        self.agency = agency
        layout = QVBoxLayout(self)
        if hint:
            h = QLabel(hint)
            h.setWordWrap(True)
            h.setStyleSheet("color: #4b5563;")
            layout.addWidget(h)
        self.model = DossierTableModel(ctx, agency, self)
        self.view = DossierTableView()
        self.view.setModel(self.model)
        self.view.setAccessibleName(f"Bảng hồ sơ {dossiers.AGENCIES[agency]}")
        layout.addWidget(self.view)
        self.message = QLabel()  # the table's message line: why a typed key was not taken
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #92400e; background: #fef3c7; padding: 2px 6px;")
        self.message.setAccessibleName("Thông báo của bảng")
        self.message.hide()
        layout.addWidget(self.message)
        row = QHBoxLayout()
        self.add_button = QPushButton("Thêm lĩnh vực")
        self.rename_button = QPushButton("Đổi tên")
        self.remove_button = QPushButton("Xóa lĩnh vực")
        self.rates = QLabel()
        self.rates.setWordWrap(True)
        self.rates.setStyleSheet("color: #1f2937;")
        for b in (self.add_button, self.rename_button, self.remove_button):
            row.addWidget(b)
        row.addWidget(self.rates, 1)
        layout.addLayout(row)
        wire_table_panel(
            self.view, self.model,
            [(self.add_button, self.add_field), (self.rename_button, self.rename_field),
             (self.remove_button, self.remove_field)],
            on_current=self.update_buttons, on_reset=self.refresh, on_data=self.refresh_rates,
        )
        self.view.hint.connect(self.show_hint)
        self.refresh()

    def show_hint(self, text: str) -> None:
        self.message.setText(text)
        self.message.setVisible(bool(text))

    def current_field(self) -> str | None:
        idx = self.view.currentIndex()
        return self.model.field_at(idx.row()) if idx.isValid() else None

    def refresh(self) -> None:
        self.refresh_rates()
        self.update_buttons()

    def refresh_rates(self) -> None:
        self.rates.setText(rates_text(self.model.measures()) if self.ctx.period_id is not None else "")

    def update_buttons(self) -> None:
        writable = self.ctx.period_id is not None and not self.model.read_only
        has_field = self.current_field() is not None
        self.add_button.setEnabled(writable)
        self.rename_button.setEnabled(writable and has_field)
        self.remove_button.setEnabled(writable and has_field)

    def _names(self) -> list[str]:
        return [f["name"] for f in self.model.table.fields]

    def add_field(self) -> None:
        name, ok = ask_text(self, "Thêm lĩnh vực", "Tên lĩnh vực mới (ví dụ: Hộ tịch):")
        if not ok or not name.strip():
            return
        problem = field_name_problem(name, self._names())
        if problem is not None:
            messages.error(self, problem, "Thêm lĩnh vực")
            return
        done, _ = self.ctx.write("dossier", Store.add_field, self.ctx.period_id, self.agency, name)
        if done:
            row = self.model.row_of_field(name.strip())
            if row is not None:
                self.view.setCurrentIndex(self.model.index(row, COL_ONLINE))
                self.view.setFocus()

    def rename_field(self) -> None:
        old = self.current_field()
        if old is None:
            return
        name, ok = ask_text(self, "Đổi tên lĩnh vực", "Tên mới của lĩnh vực:", old)
        if not ok or not name.strip() or name.strip() == old:
            return
        problem = field_name_problem(name, self._names(), old)
        if problem is not None:
            messages.error(self, problem, "Đổi tên lĩnh vực")
            return
        self.ctx.write("dossier", Store.rename_field, self.ctx.period_id, self.agency, old, name)

    def remove_field(self) -> None:
        name = self.current_field()
        if name is None:
            return
        if not messages.ask(self, f"Xóa lĩnh vực “{name}” cùng mọi số liệu của nó trong kỳ này?\n"
                                  "Việc xóa được ghi vào nhật ký thay đổi.", "Xóa lĩnh vực"):
            return
        self.ctx.write("dossier", Store.remove_field, self.ctx.period_id, self.agency, name)


class DossierPanel(QWidget):
    """The three agencies' tables in one scrolling page."""

    def __init__(self, ctx, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        self.banner = QLabel("Kỳ báo cáo này đã chốt: chỉ xem, không sửa được.")
        self.banner.setStyleSheet("background: #fef3c7; color: #92400e; padding: 4px 8px;")
        self.banner.hide()
        outer.addWidget(self.banner)
        legend = QLabel(
            "Gõ số vào ô, Enter để xuống dòng, Tab để sang ô nhập tiếp theo (bỏ qua ô xám). Để trống = chưa biết; 0 = không có. "
            "Ô nền xám do phần mềm tự tính; ở dòng Cộng, số chữ xanh là tổng nhập tay (khi các lĩnh vực chưa đủ số liệu)."
        )
        legend.setWordWrap(True)
        legend.setStyleSheet("color: #4b5563; padding: 2px 4px;")
        outer.addWidget(legend)
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QScrollArea.NoFrame)
        inner = QWidget()
        layout = QVBoxLayout(inner)
        self.boxes = {
            "ubnd": AgencyBox(ctx, "ubnd", "Số hồ sơ theo từng lĩnh vực của Bộ phận Tiếp nhận và trả kết quả."),
            "cong_an": AgencyBox(ctx, "cong_an", "Thường chỉ cần dòng Cộng."),
            "quan_su": AgencyBox(ctx, "quan_su", "Thường chỉ cần dòng Cộng."),
        }
        for box in self.boxes.values():
            box.setSizePolicy(QSizePolicy.Preferred, QSizePolicy.Fixed)
            layout.addWidget(box)
        layout.addStretch(1)
        self.scroll.setWidget(inner)
        outer.addWidget(self.scroll, 1)
        # bound methods, not lambdas: Qt drops them when the panel is deleted (MainWindow.rebuild_tabs)
        ctx.period_changed.connect(self._update_banner)
        ctx.data_changed.connect(self._update_banner)
        self._update_banner()

    def models(self) -> dict[str, DossierTableModel]:
        return {a: b.model for a, b in self.boxes.items()}

    def _update_banner(self, *_) -> None:
        self.banner.setVisible(self.ctx.period_id is not None and self.ctx.is_final())

    def focus_target(self, target: str) -> bool:
        """`hs.<agency>` (the totals row), `hs.<agency>.<field>` or `hs.<agency>.<measure>`."""
        if not target.startswith("hs."):
            return False
        parts = target.split(".", 2)
        box = self.boxes.get(parts[1]) if len(parts) > 1 else None
        if box is None:
            return False
        model = box.model
        row = model.rowCount() - 1
        col = COL_FIELD
        if len(parts) == 3:
            found = model.row_of_field(parts[2])
            if found is not None:
                row = found
            elif parts[2] in dossiers.COLUMNS:
                col = next(c for c, k in TYPED.items() if k == parts[2])
            elif parts[2] in ("tiep_nhan", "tiep_nhan_trong_ky"):
                col = COL_RECEIVED
            elif parts[2] == "da_giai_quyet":
                col = COL_RESOLVED
        idx = model.index(row, col)
        self.scroll.ensureWidgetVisible(box, 0, 20)
        box.view.setCurrentIndex(idx)
        box.view.scrollTo(idx)
        box.view.setFocus()
        return True
