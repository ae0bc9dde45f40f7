"""The audit trail: who changed what, when, from what to what (Store.history).

`AuditModel` is a plain QAbstractTableModel over history rows (tested without widgets);
`AuditDialog` shows one period's changes, or those of one value (`target`, e.g.
"value:BM3/3.3.1"), newest first, with a filter. Besides an audit target, `target` may name a
whole row: `row:BM1/1` (an indicator's value and its note) or `dossier:ubnd:Hộ tịch` (every
column of one dossier field, and the field's own adding / renaming). The indicator forms and
the dossier tables open it from a row's context menu ("Xem lịch sử thay đổi",
`open_history(ctx, target, parent)`); the menu Công cụ → "Lịch sử thay đổi…" opens it for the
whole period (installed by ui.safety.backup_dialogs).
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from cchc_desktop import fmt
from cchc_desktop.domain import dossiers
from ui import messages
from ui.qt import (
    QAbstractTableModel, QComboBox, QDialog, QDialogButtonBox, QHBoxLayout, QHeaderView, QLabel,
    QLineEdit, QModelIndex, QSortFilterProxyModel, Qt, QTableView, QVBoxLayout,
)

COL_AT, COL_USER, COL_TARGET, COL_OLD, COL_NEW = range(5)
HEADERS = ("Thời điểm", "Người sửa", "Nội dung", "Giá trị cũ", "Giá trị mới")
_SHORT = 90
_UNIT_FIELDS = {
    "name": "tên", "kind": "loại", "district": "huyện", "province": "tỉnh", "place_name": "địa danh",
    "signer_name": "người ký", "signer_title": "chức vụ người ký", "signing_capacity": "thẩm quyền ký",
    "recipients": "nơi nhận", "upper_name": "cơ quan cấp trên", "settings": "cài đặt",
}
_PERIOD_FIELDS = {
    "start_date": "ngày bắt đầu", "end_date": "ngày kết thúc", "deadline": "hạn gửi", "doc_number": "số văn bản",
    "doc_symbol": "ký hiệu văn bản", "doc_date": "ngày văn bản", "on_time_formula": "cách tính tỷ lệ đúng hạn",
    "status": "trạng thái", "load": "nạp từ tệp",
}


def when(at: str | None) -> str:
    try:
        return dt.datetime.fromisoformat(at).strftime("%d/%m/%Y %H:%M:%S")
    except (TypeError, ValueError):
        return at or ""


def _row(catalogue, code: str):
    try:
        return catalogue.row(code) if catalogue is not None else None
    except Exception:
        return None


def row_target(code: str) -> str:
    """The history filter of one indicator: its value and its note."""
    return f"row:{code}"


def field_target(agency: str, field: str) -> str:
    """The history filter of one dossier field (every column, and the field's adding / renaming)."""
    return f"dossier:{agency}:{field}"


def _dossier_parts(rest: str) -> tuple[str, str, str]:
    """Agency, field and column of what follows "dossier:" (column "" for a whole-row filter).

    A field's name may hold ":" ("Hộ tịch: khai sinh"); the column, when there is one, is the
    last part and one of the dossier columns."""
    agency, _, tail = rest.partition(":")
    field, sep, column = tail.rpartition(":")
    if sep and column in dossiers.COLUMN_SHORT:
        return agency, field, column
    return agency, tail, ""


def matches(wanted: str, row: dict) -> bool:
    """Whether a history row belongs to `wanted` (an audit target or a row filter, see above)."""
    target = row["target"]
    if target == wanted:
        return True
    kind, _, rest = wanted.partition(":")
    if kind == "row":
        return target in (f"value:{rest}", f"note:{rest}")
    if kind == "dossier":
        agency, field, column = _dossier_parts(rest)
        if column:
            return False  # one value: the same target only
        t_kind, _, t_rest = target.partition(":")
        if t_kind == "dossier":
            t_agency, t_field, t_column = _dossier_parts(t_rest)
            return bool(t_column) and (t_agency, t_field) == (agency, field)
        return target == f"field:{agency}" and field in (row.get("old"), row.get("new"))
    return False


def _row_name(code: str, catalogue) -> str:
    """An indicator as users know it: `Biểu mẫu 3, dòng 1.4.3 «…»` (the code if the catalogue lacks it)."""
    row = _row(catalogue, code)
    return row.describe() if row is not None else code


def target_label(target: str, catalogue=None) -> str:
    """What an audit target (or a row filter) means, in Vietnamese."""
    kind, _, rest = target.partition(":")
    if kind == "row":
        return f"{_row_name(rest, catalogue)} (số liệu và ghi chú)"
    if kind == "dossier":
        agency, field, column = _dossier_parts(rest)
        where = dossiers.AGENCIES.get(agency, agency)
        if not column:
            what = "dòng Cộng" if field == "*" else f"lĩnh vực {field}"
            return f"Hồ sơ {where} – {what} (mọi cột)"
        field = "dòng tổng" if field in ("*", "") else field
        return f"Hồ sơ {where} – {field} – {dossiers.COLUMN_SHORT[column]}"
    if kind in ("value", "note"):
        name = _row_name(rest, catalogue)
        return name if kind == "value" else f"Ghi chú: {name}"
    if kind == "text":
        return f"Lời văn mục {rest}"
    if kind == "title":
        return f"Tiêu đề mục {rest}"
    if kind == "field":
        return f"Lĩnh vực hồ sơ ({dossiers.AGENCIES.get(rest, rest)})"
    if kind.startswith("document"):
        key = target.partition(".")[2]
        return "Văn bản đã ban hành" + (f" ({key})" if key else "")
    if kind.startswith("period"):
        key = target.partition(".")[2]
        return "Kỳ báo cáo" + (f": {_PERIOD_FIELDS.get(key, key)}" if key else " (tạo mới)")
    if kind.startswith("unit"):
        key = target.partition(".")[2]
        return "Đơn vị" + (f": {_UNIT_FIELDS.get(key, key)}" if key else " (tạo mới)")
    return target


def value_label(target: str, text: str | None, catalogue=None) -> str:
    """An old/new value as the screen shows it (numbers as 3.225, choices by their label)."""
    if text is None or text == "":
        return "(trống)"
    kind, _, code = target.partition(":")
    if kind == "value":
        row = _row(catalogue, code)
        if row is not None:
            try:
                return row.display(Decimal(text) if row.kind not in ("text",) else text)
            except (InvalidOperation, ValueError, TypeError):
                return text
    if kind == "dossier":
        try:
            return fmt.number(Decimal(text))
        except (InvalidOperation, ValueError):
            return text
    if target == "period.status":
        return {"draft": "bản nháp", "final": "đã chốt"}.get(text, text)
    return text


class AuditModel(QAbstractTableModel):
    def __init__(self, rows: list[dict] | None = None, catalogue=None, parent=None):
        super().__init__(parent)
        self.catalogue = catalogue
        self.rows: list[dict] = []
        self.set_rows(rows or [])

    def set_rows(self, rows: list[dict]) -> None:
        self.beginResetModel()
        self.rows = sorted(rows, key=lambda r: r["id"], reverse=True)  # newest first
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()):
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=QModelIndex()):
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[section]
        return None

    def text(self, row: int, col: int, full: bool = False) -> str:
        r = self.rows[row]
        if col == COL_AT:
            return when(r["at"])
        if col == COL_USER:
            return r["user"] or ""
        if col == COL_TARGET:
            return target_label(r["target"], self.catalogue)
        value = value_label(r["target"], r["old"] if col == COL_OLD else r["new"], self.catalogue)
        if not full and len(value) > _SHORT:
            value = value[:_SHORT].rstrip() + "…"
        return value.replace("\n", " ⏎ ") if not full else value

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.text(index.row(), index.column())
        if role == Qt.ItemDataRole.ToolTipRole and index.column() in (COL_OLD, COL_NEW, COL_TARGET):
            return self.text(index.row(), index.column(), full=True)
        if role == Qt.ItemDataRole.UserRole:
            return self.rows[index.row()]
        return None


def period_history(store, period_id: int, unit_code: str | None = None) -> list[dict]:
    """The period's changes, and its unit's (which belong to no period)."""
    rows = store.history(period_id)
    if unit_code:
        rows += [r for r in store.history() if r["period_id"] is None and r["unit_code"] == unit_code]
    return rows


class AuditDialog(QDialog):
    def __init__(self, ctx, target: str | None = None, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle("Lịch sử thay đổi")
        self.resize(980, 560)
        try:
            catalogue = ctx.store.catalogue_for(ctx.period_id)
        except Exception:
            catalogue = None
        self.all_rows = period_history(ctx.store, ctx.period_id, ctx.unit_code)
        self.model = AuditModel([], catalogue, self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.proxy.setFilterKeyColumn(-1)

        self.target_box = QComboBox()
        self.target_box.addItem("Mọi thay đổi của kỳ báo cáo này", None)
        targets = sorted({r["target"] for r in self.all_rows}, key=lambda t: target_label(t, catalogue))
        for t in targets:
            self.target_box.addItem(target_label(t, catalogue), t)
        if target is not None and self.target_box.findData(target) < 0:
            self.target_box.addItem(target_label(target, catalogue), target)
        self.search = QLineEdit()
        self.search.setPlaceholderText("Tìm theo nội dung, người sửa, giá trị…")
        self.search.setClearButtonEnabled(True)
        self.count_label = QLabel()

        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        self.table.setWordWrap(False)
        h = self.table.horizontalHeader()
        h.setSectionResizeMode(COL_AT, QHeaderView.ResizeMode.ResizeToContents)
        h.setSectionResizeMode(COL_USER, QHeaderView.ResizeMode.ResizeToContents)
        h.setSectionResizeMode(COL_TARGET, QHeaderView.ResizeMode.Interactive)
        h.setSectionResizeMode(COL_OLD, QHeaderView.ResizeMode.Stretch)
        h.setSectionResizeMode(COL_NEW, QHeaderView.ResizeMode.Stretch)
        self.table.setColumnWidth(COL_TARGET, 300)

        buttons = messages.vi_buttons(QDialogButtonBox(QDialogButtonBox.StandardButton.Close))
        buttons.rejected.connect(self.reject)

        top = QHBoxLayout()
        top.addWidget(QLabel("Xem:"))
        top.addWidget(self.target_box, 2)
        top.addWidget(self.search, 1)
        lay = QVBoxLayout(self)
        lay.addLayout(top)
        lay.addWidget(self.table, 1)
        bottom = QHBoxLayout()
        bottom.addWidget(self.count_label, 1)
        bottom.addWidget(buttons)
        lay.addLayout(bottom)

        self.target_box.currentIndexChanged.connect(self._refill)
        self.search.textChanged.connect(self._filter)
        if target is not None:
            self.target_box.setCurrentIndex(self.target_box.findData(target))
        self._refill()

    def _refill(self) -> None:
        t = self.target_box.currentData()
        rows = self.all_rows if t is None else [r for r in self.all_rows if matches(t, r)]
        self.model.set_rows(rows)
        self._filter(self.search.text())

    def _filter(self, text: str) -> None:
        self.proxy.setFilterFixedString(text.strip())
        n = self.proxy.rowCount()
        self.count_label.setText("Chưa có thay đổi nào." if n == 0 else f"{n} thay đổi, mới nhất ở trên.")


def open_history(ctx, target: str | None = None, parent=None) -> AuditDialog:
    """Open (not modal to the caller's code) the audit trail of ctx's period, or of `target`."""
    dlg = AuditDialog(ctx, target, parent)
    dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dlg.open()
    return dlg


def show_history(window, target: str | None = None) -> AuditDialog:
    """Open the audit trail of the window's current period (or of one value: `target`)."""
    return open_history(window.ctx, target, window)
