"""Creating the next report period: kind, year, and the period whose text and fields carry over."""
from __future__ import annotations

import datetime as dt

from cchc_desktop import fmt
from cchc_desktop.domain import periods
from ui.messages import vi_buttons
from ui.qt import (
    QCheckBox, QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLabel, QSpinBox, QVBoxLayout,
)


class NewPeriodDialog(QDialog):
    def __init__(self, store, unit_code: str, current_period_id: int | None, parent=None):
        super().__init__(parent)
        self.setWindowTitle("Tạo kỳ báo cáo mới")
        self.store = store
        self.unit_code = unit_code
        current = store.period(current_period_id) if current_period_id else None
        default = periods.next_key(periods.PeriodKey(current["year"], current["kind"])) if current else \
            periods.PeriodKey(dt.date.today().year, "NAM")

        layout = QVBoxLayout(self)
        intro = QLabel("Kỳ mới bắt đầu với số liệu trống. Lời văn, các lĩnh vực hồ sơ và cài đặt "
                       "được mang sang từ kỳ bạn chọn, để chỉ cần sửa những gì đã thay đổi.")
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        self.kind = QComboBox()
        for kind, label in periods.KIND_LABELS.items():
            self.kind.addItem(label, kind)
        self.kind.setCurrentIndex(self.kind.findData(default.kind))
        form.addRow("Loại kỳ:", self.kind)
        self.year = QSpinBox()
        self.year.setRange(2000, 2100)
        self.year.setValue(default.year)
        form.addRow("Năm:", self.year)
        self.window_label = QLabel("")
        form.addRow("Thời gian lấy số liệu:", self.window_label)
        self.carry = QCheckBox("Mang sang lời văn, lĩnh vực hồ sơ và cài đặt từ kỳ:")
        self.carry.setChecked(current is not None)
        self.source = QComboBox()
        for p in store.periods(unit_code):
            key = periods.PeriodKey(p["year"], p["kind"])
            self.source.addItem(periods.label(key, p["start_date"], p["end_date"]), p["id"])
        if current:
            self.source.setCurrentIndex(self.source.findData(current["id"]))
        self.carry.setEnabled(self.source.count() > 0)
        form.addRow(self.carry)
        form.addRow("", self.source)
        layout.addLayout(form)
        self.warning = QLabel("")
        self.warning.setStyleSheet("color:#a00000;")
        self.warning.setWordWrap(True)
        layout.addWidget(self.warning)
        self.buttons = vi_buttons(QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel))
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Tạo kỳ")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.kind.currentIndexChanged.connect(self._update)
        self.year.valueChanged.connect(self._update)
        self.carry.toggled.connect(self.source.setEnabled)
        self._update()

    def key(self) -> periods.PeriodKey:
        return periods.PeriodKey(self.year.value(), self.kind.currentData())

    def code(self) -> str:
        return self.key().code

    def carry_from(self) -> int | None:
        return self.source.currentData() if self.carry.isChecked() and self.source.count() else None

    def _update(self) -> None:
        key = self.key()
        start, end = periods.default_window(key)
        self.window_label.setText(f"{fmt.date(start)} – {fmt.date(end)} (hạn nộp {fmt.date(periods.default_deadline(key))})")
        exists = self.store.find_period(self.unit_code, key.code) is not None
        self.warning.setText(f"Đã có kỳ {periods.name(key)}. Hãy chọn kỳ khác." if exists else "")
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(not exists)
