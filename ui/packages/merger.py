"""Công cụ → "Tổng hợp số liệu xã cũ (năm 2025)…": a commune formed on 1/7/2025 takes its former
communes' first half of 2025 (their packages .cchc or data files .sqlite) into the current
period (cchc_desktop/importing/former.py). As in the package import: files are added, a table
says per file what would be taken or why not, and nothing is written before "Tổng hợp vào báo cáo".
"""
from __future__ import annotations

from pathlib import Path

from cchc_desktop.domain import frames
from cchc_desktop.domain.units import label
from cchc_desktop.errors import UserError
from cchc_desktop.importing import former
from ui import messages
from ui.packages.tables import GOOD, REFUSED, cell, paint, read_only_table
from ui.texts import period_text
from ui.qt import (
    QApplication, QDialog, QDialogButtonBox, QFileDialog, QHBoxLayout, QHeaderView, QLabel, QPushButton, Qt,
    QVBoxLayout,
)

MENU_TEXT = "Tổng hợp số liệu xã cũ (năm 2025)…"


def choose_source_files(parent) -> list[str]:
    files, _ = QFileDialog.getOpenFileNames(
        parent, "Chọn gói nộp hoặc tệp dữ liệu của các xã cũ", "",
        "Gói nộp hoặc tệp dữ liệu (*.cchc *.sqlite);;Gói nộp CCHC (*.cchc);;Tệp dữ liệu (*.sqlite);;Tất cả tệp (*)")
    return list(files)


class MergerDialog(QDialog):
    COLS = ["Tệp", "Đơn vị cũ", "Kỳ báo cáo", "Sẽ lấy", "Tình trạng"]

    def __init__(self, ctx, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.paths: list[Path] = []
        self.plan: former.Plan | None = None
        unit, period, formers = former.check_target(ctx.store, ctx.period_id)  # UserError: not a merger period
        self.setWindowTitle("Tổng hợp số liệu của các xã cũ")
        self.resize(1000, 520)
        lay = QVBoxLayout(self)
        hint = QLabel(f"{label(unit)} được thành lập ngày 01/7/2025 trên cơ sở "
                      f"{frames.former_names(formers)}. Thêm gói nộp (.cchc) hoặc tệp dữ liệu (.sqlite) kỳ 6 tháng "
                      f"đầu năm 2025 của các đơn vị này: số liệu được cộng vào báo cáo {period_text(period['code'])} "
                      "theo cách tổng hợp của cấp trên (cộng số, tính lại tỷ lệ); số liệu của riêng đơn vị "
                      "được giữ lại để có thể bỏ tổng hợp.")
        hint.setWordWrap(True)
        lay.addWidget(hint)
        row = QHBoxLayout()
        self.btn_files = QPushButton("Thêm tệp…")
        self.btn_files.clicked.connect(self._add_files)
        self.btn_clear = QPushButton("Xóa danh sách")
        self.btn_clear.clicked.connect(self.clear)
        row.addWidget(self.btn_files)
        row.addWidget(self.btn_clear)
        row.addStretch(1)
        lay.addLayout(row)
        self.table = read_only_table(self.COLS)
        hh = self.table.horizontalHeader()
        hh.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        hh.setSectionResizeMode(len(self.COLS) - 1, QHeaderView.ResizeMode.Stretch)
        lay.addWidget(self.table, 1)
        self.held = QLabel()
        self.held.setWordWrap(True)
        lay.addWidget(self.held)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        messages.vi_buttons(self.buttons)
        self.btn_apply = self.buttons.addButton("Tổng hợp vào báo cáo", QDialogButtonBox.ButtonRole.ActionRole)
        self.btn_apply.clicked.connect(self.apply)
        self.btn_undo = self.buttons.addButton("Bỏ tổng hợp", QDialogButtonBox.ButtonRole.ActionRole)
        self.btn_undo.clicked.connect(self.undo)
        self.buttons.rejected.connect(self.reject)
        lay.addWidget(self.buttons)
        self.refresh()

    def _add_files(self) -> None:
        files = choose_source_files(self)
        if files:
            self.add_paths(files)

    def clear(self) -> None:
        self.paths = []
        self.refresh()

    def add_paths(self, paths) -> None:
        known = {p.resolve() for p in self.paths}
        for p in map(Path, paths):
            if p.resolve() not in known:
                self.paths.append(p)
                known.add(p.resolve())
        self.refresh()

    def refresh(self) -> None:
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            self.plan = former.plan(self.ctx.store, self.ctx.period_id, self.paths)
        finally:
            QApplication.restoreOverrideCursor()
        self.table.setRowCount(len(self.plan.sources))
        for r, s in enumerate(self.plan.sources):
            status = "Sẽ lấy" if s.ok else f"Không lấy: {s.reason}"
            cells = [s.path.name, s.name if s.doc else "", period_text(s.period_code) if s.doc else "",
                     s.taken() if s.ok else "", status]
            for c, text in enumerate(cells):
                self.table.setItem(r, c, cell(text, tooltip=status if c == 4 else ""))
            paint(self.table, r, GOOD if s.ok else REFUSED)
        self.table.resizeRowsToContents()
        lines = former.source_lines(self.plan.held)
        self.held.setText("Đã tổng hợp vào báo cáo: " + "; ".join(lines) + "." if lines
                          else "Chưa tổng hợp số liệu của đơn vị cũ nào.")
        self.btn_apply.setEnabled(bool(self.plan.accepted))
        self.btn_undo.setEnabled(bool(self.plan.held))

    def apply(self) -> bool:
        ok, result = self.ctx.write("*", former.apply, self.plan)
        if not ok:
            return False  # ctx.write showed the error
        self.paths = []
        self.refresh()
        self._status(f"Đã tổng hợp số liệu của {len(result)} đơn vị cũ vào báo cáo.")
        return True

    def undo(self) -> bool:
        if not messages.ask(self, "Bỏ số liệu của các đơn vị cũ đã tổng hợp, trả lại số liệu của riêng đơn vị?"):
            return False
        ok, n = self.ctx.write("*", former.undo, self.ctx.period_id)
        if ok:
            self.refresh()
            self._status(f"Đã bỏ số liệu của {n} đơn vị cũ khỏi báo cáo.")
        return ok

    def _status(self, text: str) -> None:
        self.ctx.invalidate("*")
        bar = getattr(self.parent(), "statusBar", None)
        if bar is not None:
            bar().showMessage(text, 10000)


class MergerFeature:
    def __init__(self, window):
        self.window = window
        self.action = window.add_action("Công cụ", MENU_TEXT, self.open)
        self.last_dialog = None

    def open(self, paths=None) -> MergerDialog | None:
        ctx = self.window.ctx
        if ctx.period_id is None:
            self.window.error("Chưa chọn kỳ báo cáo. Hãy chọn kỳ báo cáo năm 2025 ở thanh công cụ.")
            return None
        try:
            dlg = MergerDialog(ctx, self.window)
        except UserError as e:
            self.window.info(str(e))
            return None
        self.last_dialog = dlg
        if paths:
            dlg.add_paths(paths)
        dlg.open()
        return dlg


def install(window) -> MergerFeature:
    feature = MergerFeature(window)
    window.merger_feature = feature
    return feature
