"""Kiểm tra: the validator's findings, errors first; double-click (or Enter) jumps to the place."""
from __future__ import annotations

from cchc_desktop.domain import dossiers
from cchc_desktop.domain.catalogue import shorten
from cchc_desktop.report import rules
from cchc_desktop.store import Store
from ui import messages
from cchc_desktop.report.values import outline_section
from ui.qt import (
    QAbstractItemView, QAbstractTableModel, QColor, QHBoxLayout, QHeaderView, QLabel, QModelIndex,
    QPushButton, QStyle, Qt, QTableView, QTimer, QVBoxLayout, QWidget, Signal,
)

MUC_DO, NOI_DUNG, VI_TRI = range(3)
HEADERS = ("Mức độ", "Nội dung", "Ở đâu")
COLOURS = {"loi": QColor(176, 0, 32), "canh_bao": QColor(150, 95, 0)}
TARGET_ROLE = Qt.ItemDataRole.UserRole


def where(target: str, data) -> str:
    """Where a finding points, in words: `Biểu mẫu 3, dòng 3.3.1`, `Hồ sơ: Công an xã` …"""
    if not target:
        return ""
    if target.startswith("text:"):
        try:
            outline_section(target[5:])
            title = data.section_title(target[5:]) or ("Đoạn mở đầu" if target[5:] == "MO" else "Phần kết")
        except KeyError:
            title = target[5:]
        return f"Lời văn: {title[:50]}"
    if target.startswith("par:"):
        return f"Chỉ số CCHC: tiêu chí {target[4:]}"
    if target.startswith("hs."):
        parts = target.split(".", 2)
        # as the period's frame names it for the unit's kind: “Công an phường” for a ward
        agency = (data.agency_name(parts[1]) if parts[1] in dossiers.AGENCIES else parts[1]) if len(parts) > 1 else ""
        return f"Hồ sơ: {agency}" + (f", lĩnh vực {parts[2]}" if len(parts) > 2 else "")
    if target == "unit.signer_name":
        return "Thông tin chung: người ký"
    row = data.catalogue.rows_by_code.get(target)
    if row is None:
        return target
    form = data.catalogue.form(row.form)
    if not form.appendix:  # a figure of the text alone (TT/20): where the text prints it
        return f"Lời văn mục {row.section}: {shorten(row.label, 40)}"
    return f"{form.heading or form.title}, dòng {row.number}"


class FindingsModel(QAbstractTableModel):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.findings = []
        self.places: list[str] = []
        self.accepted: dict[tuple[str, str], dict] = {}  # (rule, target) → the accepted error (store)
        self.choices: dict[str, str] = {}  # value name → the unit's choice (store.correction_choices)
        self.typed: set[str] = set()  # codes of the typed rows (their own printed figure: "Dùng số đã nhập")
        self._icons = {}

    def set_findings(self, findings, data, accepted=()) -> None:
        self.beginResetModel()
        self.accepted = {(a["rule"], a["target"]): a for a in accepted}
        # the unit's choices and the typed rows among the recomputed figures, read once with the
        # findings (the buttons follow the selection without reading the data file again)
        self.choices = {name: c.get("choice", "") for name, c in (data.choices or {}).items()} if data else {}
        rows = data.catalogue.rows_by_code if data else {}
        self.typed = {code for code, row in rows.items() if row.editable}
        order = sorted(findings, key=lambda f: f.severity != "loi")
        self.findings = order
        self.places = [where(f.target, data) for f in order]
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.findings)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[section]
        return None

    def _icon(self, severity: str):
        if severity not in self._icons:
            from ui.qt import QApplication  # Qt names resolve on first use (ui/qt.py)

            sp = QStyle.StandardPixmap.SP_MessageBoxCritical if severity == "loi" else \
                QStyle.StandardPixmap.SP_MessageBoxWarning
            self._icons[severity] = QApplication.style().standardIcon(sp)
        return self._icons[severity]

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        f = self.findings[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            taken = self.accepted.get((f.rule, f.target)) if f.severity == "loi" else None
            if taken and col == MUC_DO:
                return f"{f.severity_label} (đã chấp nhận)"
            if taken and col == NOI_DUNG:
                return f"{f.message}\nĐã chấp nhận, lý do: {taken['reason']}"
            return (f.severity_label, f.message, self.places[index.row()])[col]
        if role == Qt.ItemDataRole.ToolTipRole:
            return f.message if col == NOI_DUNG else "Nhấp đúp để đến chỗ cần sửa"
        if role == Qt.ItemDataRole.DecorationRole and col == MUC_DO:
            return self._icon(f.severity)
        if role == Qt.ItemDataRole.ForegroundRole and col == MUC_DO:
            return COLOURS.get(f.severity)
        if role == TARGET_ROLE:
            return f.target
        return None


class ValidationTab(QWidget):
    activated = Signal(str)  # the target of the finding to show
    refresh_requested = Signal()

    def __init__(self, ctx, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        top = QHBoxLayout()
        self.summary = QLabel("")
        f = self.summary.font()
        f.setBold(True)
        self.summary.setFont(f)
        top.addWidget(self.summary, 1)

        def button(text: str, tip: str, slot) -> QPushButton:
            b = QPushButton(text)
            b.setToolTip(tip)
            b.setEnabled(False)
            b.clicked.connect(slot)
            top.addWidget(b)
            return b

        self.accept_button = button(
            "Dùng số tính lại", "Đồng ý với số phần mềm tính lại: báo cáo in số tính lại, cột Ghi chú của phụ lục "
            "nêu số đơn vị đã ghi trước đây đã được sửa (ghi vào lịch sử thay đổi)", self.accept_computed)
        self.keep_button = button(
            "Giữ số của đơn vị…", "Giữ số đơn vị đã ghi, kèm ghi chú lý do: báo cáo in số của đơn vị, cột Ghi chú "
            "nêu số tính lại và ghi chú (ghi vào lịch sử thay đổi)", lambda: self.keep_own())
        self.undo_choice_button = button(
            "Bỏ chọn", "Bỏ lựa chọn đã ghi cho số này (dùng số tính lại hay giữ số của đơn vị): báo cáo lại in số "
            "tính lại, cột Ghi chú nêu số cũ (ghi vào lịch sử thay đổi)", self.undo_choice)
        self.accept_error_button = button(
            "Chấp nhận lỗi…", "Giữ nguyên chỗ bị báo lỗi vì nó đúng như vậy, kèm lý do (ghi vào lịch sử thay đổi và "
            "vào gói nộp để cấp trên biết). Lỗi chưa sửa hay chưa chấp nhận thì chưa xuất được gói nộp cấp trên.",
            lambda: self.accept_error())
        again = QPushButton("Kiểm tra lại")
        again.setToolTip("Kiểm tra lại toàn bộ số liệu và lời văn của kỳ (F5)")
        again.clicked.connect(self.refresh_requested.emit)
        top.addWidget(again)
        layout.addLayout(top)
        hint = QLabel("Nhấp đúp vào một dòng (hoặc chọn rồi nhấn Enter) để đến đúng chỗ cần sửa.")
        hint.setStyleSheet("color:#555;")
        layout.addWidget(hint)
        self.model = FindingsModel(self)
        self.view = QTableView(self)
        self.view.setModel(self.model)
        self.view.setWordWrap(True)
        self.view.verticalHeader().setVisible(False)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        h = self.view.horizontalHeader()
        h.setSectionResizeMode(MUC_DO, QHeaderView.ResizeMode.ResizeToContents)
        h.setSectionResizeMode(NOI_DUNG, QHeaderView.ResizeMode.Stretch)
        h.setSectionResizeMode(VI_TRI, QHeaderView.ResizeMode.Interactive)
        self.view.setColumnWidth(VI_TRI, 230)
        self.view.selectionModel().currentRowChanged.connect(self._on_current)
        self.view.doubleClicked.connect(self._go)
        self.view.activated.connect(self._go)
        layout.addWidget(self.view, 1)

    def set_findings(self, findings) -> None:
        accepted = self.ctx.store.accepted_errors(self.ctx.period_id) if self.ctx.period_id is not None else []
        self.model.set_findings(findings, self.ctx.data(), accepted)
        self.view.resizeRowsToContents()
        self._on_current()
        n_err = sum(f.severity == "loi" and (f.rule, f.target) not in self.model.accepted for f in findings)
        n_warn = len(findings) - n_err
        if not findings:
            self.summary.setText("Không phát hiện lỗi hay cảnh báo nào.")
            self.summary.setStyleSheet("color:#2e7d32;")
        else:
            n_taken = sum(f.severity == "loi" for f in findings) - n_err
            self.summary.setText(f"{n_err} lỗi" + (f" (và {n_taken} lỗi đã chấp nhận)" if n_taken else "")
                                 + f", {n_warn} cảnh báo. "
                                 + ("Sửa hoặc chấp nhận (kèm lý do) từng lỗi trước khi xuất gói nộp." if n_err
                                    else "Gói nộp ghi rõ các lỗi đã chấp nhận." if n_taken else ""))
            self.summary.setStyleSheet("color:#b00020;" if n_err else "color:#965f00;")

    def showEvent(self, e):  # noqa: N802 (Qt name): wrap the messages at the real width
        super().showEvent(e)
        QTimer.singleShot(0, self.view, self.view.resizeRowsToContents)  # cancelled with the view

    def resizeEvent(self, e):  # noqa: N802
        super().resizeEvent(e)
        QTimer.singleShot(0, self.view, self.view.resizeRowsToContents)  # cancelled with the view

    def _correction(self) -> str | None:
        """The value name of the selected finding when it is a recomputed figure."""
        row = self.view.currentIndex().row()
        if not 0 <= row < len(self.model.findings):
            return None
        rule, _, name = self.model.findings[row].rule.partition(":")
        return name if rule == rules.CORRECTION_RULE and name else None

    def _error(self):
        """The selected finding when it is an error."""
        row = self.view.currentIndex().row()
        if 0 <= row < len(self.model.findings) and self.model.findings[row].severity == "loi":
            return self.model.findings[row]
        return None

    def _choice(self, name: str | None) -> str:
        """The unit's choice so far for a recomputed figure ("" when none)."""
        return self.model.choices.get(name, "") if name is not None else ""

    def _on_current(self, *_) -> None:
        name = self._correction()
        choosable = name is not None and not self.ctx.is_final()
        chosen = self._choice(name)
        typed = name in self.model.typed  # a typed row's own printed figure (m012)
        self.accept_button.setText("Dùng số đã nhập" if typed else "Dùng số tính lại")
        self.accept_button.setEnabled(choosable and chosen != "dung-so-tinh-lai")
        self.keep_button.setEnabled(choosable)
        self.undo_choice_button.setEnabled(choosable and bool(chosen))
        f = self._error()
        self.accept_error_button.setEnabled(f is not None)
        taken = f is not None and (f.rule, f.target) in self.model.accepted
        self.accept_error_button.setText("Bỏ chấp nhận lỗi" if taken else "Chấp nhận lỗi…")

    def accept_error(self, reason: str | None = None) -> None:
        """Accept the selected error with a reason (asked when not given), or withdraw an accepted one."""
        f = self._error()
        if f is None:
            return
        if (f.rule, f.target) in self.model.accepted:
            ok, _ = self.ctx.write(f"error:{f.rule}", Store.unaccept_error, self.ctx.period_id, f.rule, f.target)
        else:
            if reason is None:
                reason, given = messages.ask_note(
                    self, "Chấp nhận lỗi", f.message, "Lý do giữ nguyên (ghi vào gói nộp để cấp trên biết):")
                if not given:
                    return
            ok, _ = self.ctx.write(f"error:{f.rule}", Store.accept_error, self.ctx.period_id, f.rule, f.target,
                                   f.message, reason)
        if ok:
            self.refresh_requested.emit()

    def accept_computed(self) -> None:
        """The selected recomputed figure: print the computed one (store.set_correction_choice)."""
        name = self._correction()
        if name is None:
            return
        ok, _ = self.ctx.write(f"so-tinh-lai:{name}", Store.set_correction_choice, self.ctx.period_id, name,
                               "dung-so-tinh-lai")
        if ok:
            self.refresh_requested.emit()

    def undo_choice(self) -> None:
        """The selected recomputed figure: drop the unit's choice (store.clear_correction_choice, audited)."""
        name = self._correction()
        if name is None or not self._choice(name):
            return
        ok, _ = self.ctx.write(f"so-tinh-lai:{name}", Store.clear_correction_choice, self.ctx.period_id, name)
        if ok:
            self.refresh_requested.emit()

    def keep_own(self, note: str | None = None) -> None:
        """The selected recomputed figure: print the unit's own, with its note (asked when not given)."""
        name = self._correction()
        if name is None:
            return
        if note is None:
            f = self.model.findings[self.view.currentIndex().row()]
            note, given = messages.ask_note(
                self, "Giữ số của đơn vị", f.message,
                "Ghi chú lý do giữ số của đơn vị (in ở phần Ghi chú của phụ lục và ghi vào gói nộp):")
            if not given:
                return
        ok, _ = self.ctx.write(f"so-tinh-lai:{name}", Store.set_correction_choice, self.ctx.period_id, name,
                               "giu-so", note)
        if ok:
            self.refresh_requested.emit()

    def _go(self, index) -> None:
        target = index.data(TARGET_ROLE)
        if target:
            self.activated.emit(target)
