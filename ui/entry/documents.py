"""The documents the unit issued for the reform (Kế hoạch số 44/KH-UBND ngày 30/12/2022 về …).

`DocumentsModel` (no widget needed): one row per document, columns number, symbol, date
(dd/mm/yyyy), kind, summary; each edit is one `ctx.write` of store.update_document. A value
the store refuses (a date that does not exist …) stays in its cell, red, with the reason.
`DocumentsPanel`: the table with add / remove buttons and the citation the report will write.
"""
from __future__ import annotations

import datetime as dt
import re

from cchc_desktop import fmt
from cchc_desktop.report import narrative
from cchc_desktop.store import Store
from ui import messages
from ui.tables import NamedColumns, header_data, wire_table_panel
from ui.qt import (
    QAbstractItemView, QAbstractTableModel, QColor, QComboBox, QHBoxLayout, QHeaderView, QLabel,
    QLineEdit, QModelIndex, QPushButton, QStyledItemDelegate, QTableView, Qt,
    QUndoCommand, QUndoStack, QVBoxLayout, QWidget,
)

# The columns by name, in order: the store's fields of a document (as Vorta's models). The model is
# addressed by name (`model.cell(row, "date")`); the COL_ numbers follow from this order.
COLUMNS = ("number", "symbol", "date", "kind", "summary")
COL_NUMBER, COL_SYMBOL, COL_DATE, COL_KIND, COL_SUMMARY = range(len(COLUMNS))
COLUMN_COUNT = len(COLUMNS)

FIELDS = dict(enumerate(COLUMNS))
HEADERS = {
    COL_NUMBER: ("Số", "Số văn bản, ví dụ 44"),
    COL_SYMBOL: ("Ký hiệu", "Ký hiệu, ví dụ KH-UBND"),
    COL_DATE: ("Ngày ban hành", "Ngày ban hành, dạng ngày/tháng/năm, ví dụ 30/12/2022"),
    COL_KIND: ("Loại văn bản", "Kế hoạch, Quyết định, Công văn …"),
    COL_SUMMARY: ("Trích yếu", "Trích yếu nội dung, ví dụ: về Cải cách hành chính năm 2023"),
}
KINDS = ["Kế hoạch", "Quyết định", "Công văn", "Chỉ thị", "Thông báo", "Báo cáo", "Nghị quyết", "Tờ trình"]
REJECTED_BG = QColor("#fecaca")


def parse_date(text: str) -> str | None:
    """`30/12/2022`, `30-12-2022`, `30.12.2022`, `30/12/22` or ISO → `2022-12-30`; '' → None.

    Raises ValueError with a Vietnamese message.
    """
    raw = (text or "").strip()
    if not raw:
        return None
    m = re.fullmatch(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2}|\d{4})", raw)
    try:
        if m:
            day, month, year = (int(g) for g in m.groups())
            if year < 100:
                year += 2000
            return dt.date(year, month, day).isoformat()
        return dt.date.fromisoformat(raw).isoformat()
    except ValueError:
        pass
    raise ValueError(f"Ngày “{raw}” không hợp lệ. Hãy gõ theo dạng ngày/tháng/năm, ví dụ 30/12/2022.")


class _DocEdit(QUndoCommand):
    """One accepted edit of a document, already written when pushed."""

    def __init__(self, model, doc_id: int, field: str, old, new):
        super().__init__(field)
        self.model, self.doc_id, self.field, self.old, self.new = model, doc_id, field, old, new
        self._done = True

    def redo(self):
        if self._done:
            self._done = False
            return
        self.model._apply(self.doc_id, self.field, self.new)

    def undo(self):
        self.model._apply(self.doc_id, self.field, self.old)


class DocumentsModel(NamedColumns, QAbstractTableModel):
    """The issued documents of the current period."""

    COLUMNS = COLUMNS

    def __init__(self, ctx, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.rows: list[dict] = []
        self._read_only = False
        self._rejected: dict[tuple[int, int], tuple[str, str]] = {}  # (doc id, col) → (text, message)
        self._writing = False
        self.undo_stack = QUndoStack(self)
        ctx.period_changed.connect(self._on_period_changed)
        ctx.data_changed.connect(self._on_data_changed)
        self.reload()

    def reload(self) -> None:
        self.beginResetModel()
        if self.ctx.period_id is None:
            self.rows, self._read_only = [], True
        else:
            self.rows = [dict(d) for d in self.ctx.data().documents]
            self._read_only = self.ctx.is_final()
        self.endResetModel()

    def _on_period_changed(self, _pid) -> None:
        self._rejected.clear()
        self.undo_stack.clear()
        self.reload()

    def _on_data_changed(self, what: str) -> None:
        if self._writing or what.startswith(("value:", "note:", "text:", "dossier")):
            return
        self.reload()

    @property
    def read_only(self) -> bool:
        return self._read_only

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else COLUMN_COUNT

    def doc_id(self, row: int) -> int | None:
        return self.rows[row]["id"] if 0 <= row < len(self.rows) else None

    def row_of(self, doc_id: int) -> int | None:
        for i, r in enumerate(self.rows):
            if r["id"] == doc_id:
                return i
        return None

    def citation(self, row: int) -> str:
        return narrative.document_citation(self.rows[row]) if 0 <= row < len(self.rows) else ""

    def data(self, index, role=Qt.DisplayRole):
        if not index.isValid():
            return None
        row, col = index.row(), index.column()
        doc = self.rows[row]
        rejected = self._rejected.get((doc["id"], col))
        if role in (Qt.DisplayRole, Qt.EditRole):
            if rejected is not None:
                return rejected[0]
            value = doc.get(FIELDS[col]) or ""
            return fmt.date(value) if col == COL_DATE and value else value
        if role == Qt.BackgroundRole and rejected is not None:
            return REJECTED_BG
        if role == Qt.ToolTipRole:
            if rejected is not None:
                return f"Chưa lưu: {rejected[1]}"
            return HEADERS[col][1]
        if role == Qt.TextAlignmentRole and col in (COL_NUMBER, COL_DATE):
            return int(Qt.AlignCenter)
        return None

    def flags(self, index):
        if not index.isValid():
            return Qt.NoItemFlags
        base = Qt.ItemIsEnabled | Qt.ItemIsSelectable
        return base if self._read_only else base | Qt.ItemIsEditable

    def headerData(self, section, orientation, role=Qt.DisplayRole):  # noqa: N802
        return header_data(HEADERS, section, orientation, role, lambda row: str(row + 1))

    def setData(self, index, value, role=Qt.EditRole):  # noqa: N802
        if not index.isValid() or role != Qt.EditRole or not (self.flags(index) & Qt.ItemIsEditable):
            return False
        row, col = index.row(), index.column()
        doc = self.rows[row]
        text = "" if value is None else str(value).strip()
        if col == COL_DATE:
            try:
                stored = parse_date(text)
            except ValueError as e:
                self.ctx.error.emit(str(e))  # as ctx.write does for the store's refusals
                self._reject(index, doc, col, text, str(e))
                return False
        else:
            stored = text
        if (doc.get(FIELDS[col]) or None) == (stored or None) and (doc["id"], col) not in self._rejected:
            return True
        self._writing = True
        try:
            ok, msg = self.ctx.write("documents", Store.update_document, doc["id"], **{FIELDS[col]: stored})
        finally:
            self._writing = False
        if not ok:
            self._reject(index, doc, col, text, msg)
            return False
        self._rejected.pop((doc["id"], col), None)
        old = doc.get(FIELDS[col])
        doc[FIELDS[col]] = stored
        self.dataChanged.emit(index, index)
        if (old or None) != (stored or None):
            self.undo_stack.push(_DocEdit(self, doc["id"], FIELDS[col], old, stored))
        return True

    def undo(self) -> None:
        """Ctrl+Z outside a cell editor: the last accepted edit's old value goes back."""
        if self.undo_stack.canUndo():
            self.undo_stack.undo()

    def _apply(self, doc_id: int, field: str, value) -> bool:
        ok, _ = self.ctx.write("documents", Store.update_document, doc_id, **{field: value})
        return ok

    def _reject(self, index, doc, col, text, message) -> None:
        self._rejected[(doc["id"], col)] = (text, message)
        self.dataChanged.emit(index, index)

    def rejected(self) -> dict:
        return dict(self._rejected)


class KindDelegate(QStyledItemDelegate):
    """An editable drop-down of the usual kinds for the 'Loại văn bản' column."""

    def createEditor(self, parent, option, index):  # noqa: N802
        if index.column() != COL_KIND:
            editor = QLineEdit(parent)
            if index.column() == COL_DATE:
                editor.setPlaceholderText("ngày/tháng/năm")
            return editor
        combo = QComboBox(parent)
        combo.setEditable(True)
        combo.addItems(KINDS)
        return combo

    def setEditorData(self, editor, index):  # noqa: N802
        text = index.data(Qt.EditRole) or ""
        if isinstance(editor, QComboBox):
            editor.setCurrentText(text)
        else:
            editor.setText(text)

    def setModelData(self, editor, model, index):  # noqa: N802
        text = editor.currentText() if isinstance(editor, QComboBox) else editor.text()
        if text != (index.data(Qt.EditRole) or ""):
            model.setData(index, text, Qt.EditRole)


class DocumentsPanel(QWidget):
    """The list of issued documents with add / remove and the citation preview."""

    def __init__(self, ctx, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        title = QLabel("Văn bản đã ban hành về cải cách hành chính")
        f = title.font()
        f.setBold(True)
        title.setFont(f)
        layout.addWidget(title)
        hint = QLabel("Báo cáo trích dẫn danh sách này ở chỗ chèn {{ds.van_ban}}. Nhấp đúp vào ô để sửa; "
                      "ngày gõ dạng 30/12/2022.")
        hint.setWordWrap(True)
        hint.setStyleSheet("color: #4b5563;")
        layout.addWidget(hint)
        self.model = DocumentsModel(ctx, self)
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.setItemDelegate(KindDelegate(self.view))
        self.view.setSelectionBehavior(QAbstractItemView.SelectItems)
        self.view.setSelectionMode(QAbstractItemView.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.DoubleClicked | QAbstractItemView.EditKeyPressed
                                  | QAbstractItemView.AnyKeyPressed)
        self.view.setWordWrap(False)
        self.view.setAccessibleName("Danh sách văn bản đã ban hành")
        h = self.view.horizontalHeader()
        h.setSectionResizeMode(QHeaderView.Interactive)
        h.setSectionResizeMode(COL_SUMMARY, QHeaderView.Stretch)
        for col, width in ((COL_NUMBER, 60), (COL_SYMBOL, 110), (COL_DATE, 110), (COL_KIND, 120)):
            self.view.setColumnWidth(col, width)
        layout.addWidget(self.view, 1)
        row = QHBoxLayout()
        self.add_button = QPushButton("Thêm văn bản")
        self.remove_button = QPushButton("Xóa văn bản")
        row.addWidget(self.add_button)
        row.addWidget(self.remove_button)
        row.addStretch(1)
        layout.addLayout(row)
        self.citation = QLabel()
        self.citation.setWordWrap(True)
        self.citation.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.citation.setStyleSheet("background: #fbfaf7; border: 1px solid #e5e7eb; padding: 6px;")
        self.citation.setMinimumHeight(48)
        layout.addWidget(self.citation)
        wire_table_panel(self.view, self.model,
                         [(self.add_button, self.add_document), (self.remove_button, self.remove_document)],
                         on_current=self.refresh, on_reset=self.refresh, on_data=self.refresh)
        self.refresh()

    def current_row(self) -> int | None:
        idx = self.view.currentIndex()
        return idx.row() if idx.isValid() else None

    def refresh(self) -> None:
        writable = self.ctx.period_id is not None and not self.model.read_only
        row = self.current_row()
        self.add_button.setEnabled(writable)
        self.remove_button.setEnabled(writable and row is not None)
        if row is not None:
            self.citation.setText(f"Báo cáo sẽ viết: {self.model.citation(row)}")
        elif self.model.rowCount():
            self.citation.setText(f"Báo cáo sẽ viết (văn bản đầu tiên): {self.model.citation(0)}")
        else:
            self.citation.setText("Chưa có văn bản nào. Bấm “Thêm văn bản” để thêm.")

    def add_document(self) -> None:
        ok, doc_id = self.ctx.write("documents", Store.add_document, self.ctx.period_id, kind="Kế hoạch")
        if ok:
            row = self.model.row_of(doc_id)
            if row is not None:
                idx = self.model.index(row, COL_NUMBER)
                self.view.setCurrentIndex(idx)
                self.view.setFocus()
                self.view.edit(idx)

    def remove_document(self) -> None:
        row = self.current_row()
        if row is None:
            return
        if not messages.ask(self, f"Xóa văn bản “{self.model.citation(row)}” khỏi danh sách?", "Xóa văn bản"):
            return
        self.ctx.write("documents", Store.remove_document, self.model.doc_id(row))

    def focus_target(self, target: str) -> bool:
        """`ds.van_ban` / `documents` (the list) or `document:<id>`."""
        if target.startswith("document:"):
            try:
                row = self.model.row_of(int(target.split(":", 1)[1].split(".")[0]))
            except ValueError:
                return False
            if row is None:
                return False
        elif target in ("ds.van_ban", "documents", "document"):
            row = 0
        else:
            return False
        self.view.setFocus()
        if self.model.rowCount():
            idx = self.model.index(row, COL_NUMBER)
            self.view.setCurrentIndex(idx)
            self.view.scrollTo(idx)
        return True

