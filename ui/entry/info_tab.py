"""Thông tin chung: the unit, the signer, the report's number and date, the period window.

Every field is saved when the user leaves it (editingFinished) through `ctx.write`
(store.update_unit / store.update_period); a refused value stays on screen, marked, with
the message in the status bar.
"""
from __future__ import annotations

import datetime as dt
import re

from cchc_desktop import fmt
from cchc_desktop.domain import dossiers, frames
from cchc_desktop.domain.units import KIND_WORDS, STORED_KINDS, UPPER_KINDS, bare_name
from cchc_desktop.errors import UserError
from cchc_desktop.report import narrative
from cchc_desktop.store import Store
from ui import messages
from ui.qt import (
    QComboBox, QDialog, QDialogButtonBox, QFormLayout, QFrame, QGroupBox, QHBoxLayout, QLabel, QLineEdit,
    QPlainTextEdit, QPushButton, QScrollArea, Qt, QVBoxLayout, QWidget, Signal,
)

TWO_TIER_FROM = "2025-07-01"  # ISO: compared with a period's end date

CAPACITIES = ("TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "TL. CHỦ TỊCH", "Q. CHỦ TỊCH")
BAD_STYLE = "background:#ffe0e0;"
# Two columns side by side only where each still gives its fields room (label + ≥ 250 px);
# below this width (1024×768 with the section list: about 800 px) the groups stand in one column.
TWO_COLUMNS_MIN = 1000
FIELD_MIN = 250


def parse_date(text: str) -> str | None:
    """`15/12/2023` (or `15-12-2023`, `2023-12-15`) → ISO; '' → None; ValueError otherwise."""
    t = (text or "").strip()
    if not t:
        return None
    m = re.fullmatch(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})", t)
    if m:
        return dt.date(int(m.group(3)), int(m.group(2)), int(m.group(1))).isoformat()
    return dt.date.fromisoformat(t).isoformat()


class RecipientsEdit(QPlainTextEdit):
    """One recipient per line; saved when the field loses focus."""

    editingFinished = Signal()

    def focusOutEvent(self, e):  # noqa: N802 (Qt name)
        super().focusOutEvent(e)
        self.editingFinished.emit()


class InfoTab(QScrollArea):
    def __init__(self, ctx, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        inner = QWidget()
        self.setWidget(inner)
        self.columns = QHBoxLayout(inner)  # a QBoxLayout: its direction follows the width
        left, right = QVBoxLayout(), QVBoxLayout()
        self.columns.addLayout(left, 1)
        self.columns.addLayout(right, 1)
        self.fields: dict[str, QWidget] = {}  # "unit.name", "period.doc_date" …

        unit_box, f = self._group("Đơn vị báo cáo")
        self.official = QLabel("")
        self.official.setWordWrap(True)
        self.official.setStyleSheet("color:#555;")
        f.addRow(self.official)  # a row of its own: a wrapped label beside a button is cut in height
        self.btn_pick = QPushButton("Chọn theo danh mục…")
        self.btn_pick.setToolTip("Chọn tỉnh/thành phố và xã/phường/đặc khu trong danh mục đơn vị hành chính "
                                 "từ ngày 01/7/2025: tên, loại, cấp trên và tỉnh lấy theo danh mục.")
        self.btn_pick.clicked.connect(self.pick_from_list)
        pick = QHBoxLayout()
        pick.addStretch(1)
        pick.addWidget(self.btn_pick)
        f.addRow(pick)
        self._unit_form = f
        self._line(f, "unit.name", "Tên đơn vị:", "ví dụ: Tân Hưng")
        kind = QComboBox()
        for code in STORED_KINDS:
            kind.addItem(KIND_WORDS[code], code)
        kind.activated.connect(lambda _i: self._save("unit.kind", kind.currentData()))
        f.addRow("Loại đơn vị:", kind)
        self.fields["unit.kind"] = kind
        upper = self._line(f, "unit.upper_name", "Cấp trên trực tiếp:", "ví dụ: thành phố Hải Phòng")
        upper.setToolTip("In ở dòng trên cùng của tiêu đề báo cáo (cơ quan chủ quản, ví dụ UBND THÀNH PHỐ HẢI PHÒNG).\n"
                         "Để trống nếu văn bản của đơn vị không ghi dòng này.")
        # Only for the data of periods before 1/7/2025, when a district stood between (load() shows it then).
        self._line(f, "unit.district", "Huyện (trước 01/7/2025):", "")
        self._line(f, "unit.province", "Tỉnh/thành phố:", "ví dụ: Hải Phòng")
        self._line(f, "unit.place_name", "Địa danh (dòng ngày tháng):", "ví dụ: Tân Hưng")
        left.addWidget(unit_box)

        sign_box, f = self._group("Người ký")
        self._line(f, "unit.signer_name", "Họ và tên:", "")
        self._line(f, "unit.signer_title", "Chức vụ:", "ví dụ: CHỦ TỊCH")
        cap = QComboBox()
        cap.setEditable(True)
        cap.addItems(CAPACITIES)
        cap.lineEdit().editingFinished.connect(lambda: self._save("unit.signing_capacity", cap.currentText()))
        cap.activated.connect(lambda _i: self._save("unit.signing_capacity", cap.currentText()))
        f.addRow("Thẩm quyền ký:", cap)
        self.fields["unit.signing_capacity"] = cap
        rec = RecipientsEdit()
        rec.setTabChangesFocus(True)
        rec.setPlaceholderText("Mỗi dòng một nơi nhận")
        rec.setMinimumHeight(110)
        rec.editingFinished.connect(lambda: self._save("unit.recipients", rec.toPlainText()))
        f.addRow("Nơi nhận\n(mỗi dòng một nơi):", rec)
        self.fields["unit.recipients"] = rec
        left.addWidget(sign_box)
        self._left_stretch = QWidget()  # takes the free height only when the columns stand side by side
        left.addWidget(self._left_stretch, 1)

        doc_box, f = self._group("Văn bản báo cáo")
        self._line(f, "period.doc_number", "Số:", "để trống nếu chưa lấy số")
        self._line(f, "period.doc_symbol", "Ký hiệu:", "ví dụ: BC-UBND")
        self._line(f, "period.doc_date", "Ngày ban hành:", "ngày/tháng/năm, ví dụ 15/12/2023")
        right.addWidget(doc_box)

        per_box, f = self._group("Kỳ báo cáo")
        self._line(f, "period.start_date", "Số liệu từ ngày:", "ngày/tháng/năm")
        self._line(f, "period.end_date", "Đến ngày:", "ngày/tháng/năm")
        self._line(f, "period.deadline", "Hạn nộp báo cáo:", "ngày/tháng/năm")
        formula = QComboBox()
        for code, text in dossiers.ON_TIME_FORMULAS.items():
            formula.addItem(text, code)
        formula.activated.connect(lambda _i: self._save("period.on_time_formula", formula.currentData()))
        f.addRow("Cách tính tỷ lệ đúng hạn:", formula)
        self.fields["period.on_time_formula"] = formula
        note = QLabel("Khoảng thời gian lấy số liệu theo Nghị định 09/2019/NĐ-CP (chốt ngày 14 của tháng cuối kỳ); "
                      "có thể sửa nếu cấp trên yêu cầu khác.")
        note.setWordWrap(True)
        note.setStyleSheet("color:#555;")
        f.addRow(note)
        right.addWidget(per_box)
        self.message = QLabel("")
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color:#a00000;")
        right.addWidget(self.message)
        right.addStretch(1)

        for w in self.fields.values():
            w.setMinimumWidth(FIELD_MIN)
            if isinstance(w, QComboBox):  # a long choice never widens its column
                w.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
                w.setMinimumContentsLength(20)
        self._arrange(self.width())

        ctx.period_changed.connect(self._on_period_changed)  # bound methods: no call once the tab is gone
        ctx.data_changed.connect(self._on_data_changed)
        self.load()

    # --- building ---------------------------------------------------------------------------
    def _group(self, title: str):
        box = QGroupBox(title)
        form = QFormLayout(box)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
        return box, form

    def resizeEvent(self, event):  # noqa: N802 (Qt name)
        super().resizeEvent(event)
        self._arrange(event.size().width())

    def _arrange(self, width: int) -> None:
        """Side by side on a wide page, one column on a narrow one (1024×768)."""
        wide = width >= TWO_COLUMNS_MIN
        direction = QHBoxLayout.Direction.LeftToRight if wide else QHBoxLayout.Direction.TopToBottom
        if self.columns.direction() != direction:
            self.columns.setDirection(direction)
        self._left_stretch.setVisible(wide)

    def _line(self, form: QFormLayout, key: str, label: str, placeholder: str) -> QLineEdit:
        edit = QLineEdit()
        edit.setPlaceholderText(placeholder)
        edit.editingFinished.connect(lambda: self._save(key, edit.text()))
        edit.returnPressed.connect(lambda: edit.focusNextChild())
        form.addRow(label, edit)
        self.fields[key] = edit
        return edit

    # --- loading ----------------------------------------------------------------------------
    def _on_period_changed(self, _period_id: int) -> None:
        self.load()

    def _on_data_changed(self, what: str) -> None:
        if what in ("*", "period", "unit"):
            self.load()

    def load(self) -> None:
        data = self.ctx.data()
        unit, period = data.unit, data.period
        final = period.get("status") == "final"
        official = frames.official_unit(unit)
        self.official.setText(f"Theo danh mục từ 01/7/2025: {official.name} (mã {official.code}), "
                              f"{official.province.name}." if official else
                              "Đơn vị chưa chọn theo danh mục đơn vị hành chính từ 01/7/2025.")
        self._unit_form.setRowVisible(self.fields["unit.district"], self._has_district(unit))
        default = [narrative.render_inline(r, data) for r in data.frame.recipients]
        self.fields["unit.recipients"].setPlaceholderText(
            "Mỗi dòng một nơi nhận. Để trống thì báo cáo ghi nơi nhận mặc định:\n" + "\n".join(default)
            if default else "Mỗi dòng một nơi nhận")
        for key, w in self.fields.items():
            scope, name = key.split(".", 1)
            src = unit if scope == "unit" else period
            value = src.get(name)
            w.setStyleSheet("")
            if name == "recipients":
                w.setPlainText("\n".join(value or []))
            elif isinstance(w, QComboBox) and not w.isEditable():
                i = w.findData(value)
                w.setCurrentIndex(max(i, 0))
            elif isinstance(w, QComboBox):
                w.setCurrentText(value or "")
            elif name.endswith("date") or name == "deadline":
                w.setText(fmt.date(value))
            else:
                w.setText(value or "")
            if scope == "period":
                if isinstance(w, QLineEdit):
                    w.setReadOnly(final)
                else:
                    w.setEnabled(not final)
        self.message.setText("")  # a final period: the window's one notice says so

    # --- saving -----------------------------------------------------------------------------
    def _save(self, key: str, raw) -> None:
        scope, name = key.split(".", 1)
        w = self.fields[key]
        data = self.ctx.data()
        if scope == "period" and data.period.get("status") == "final":
            return
        value = raw
        if name.endswith("date") or name == "deadline":
            try:
                value = parse_date(raw)
            except ValueError:
                msg = f"“{raw}” không phải ngày hợp lệ. Hãy nhập ngày/tháng/năm, ví dụ 15/12/2023."
                w.setStyleSheet(BAD_STYLE)
                self.message.setText(msg)
                self.ctx.error.emit(msg)
                return
            if name in ("start_date", "end_date") and value is None:
                w.setStyleSheet(BAD_STYLE)
                self.message.setText("Kỳ báo cáo cần có ngày bắt đầu và ngày kết thúc.")
                return
        elif name == "recipients":
            value = [line.strip() for line in (raw or "").splitlines() if line.strip()]
        elif isinstance(value, str):
            value = value.strip()
            if key == "unit.name":  # "Xã Chi Lăng Nam" → "Chi Lăng Nam": the kind is said by the title
                value = bare_name(value, data.unit.get("kind"))
                w.setText(value)
            if name == "name" and not value:
                w.setStyleSheet(BAD_STYLE)
                self.message.setText("Đơn vị cần có tên.")
                return
        current = (data.unit if scope == "unit" else data.period).get(name)
        if (current or None) == (value or None):
            w.setStyleSheet("")
            return
        if scope == "unit":
            ok, msg = self.ctx.write(f"unit.{name}", Store.update_unit, self.ctx.unit_code, **{name: value})
        else:
            ok, msg = self.ctx.write(f"period.{name}", Store.update_period, self.ctx.period_id, **{name: value})
        w.setStyleSheet("" if ok else BAD_STYLE)
        self.message.setText("" if ok else msg)

    def _has_district(self, unit: dict) -> bool:
        """A district is shown only where one stood: a unit with periods ending before 1/7/2025."""
        if (unit.get("kind") or "") in UPPER_KINDS:
            return False
        return any(p["end_date"] < TWO_TIER_FROM for p in self.ctx.store.periods(unit["code"]))

    def pick_from_list(self, unit_code: str | None = None) -> bool:
        """Chọn theo danh mục…: the unit's name, kind, province and upper level from the official list
        (its code in the file stays: periods, packages and the roll-up know the unit by it)."""
        from ui.shell.unit_picker import UnitPicker  # the official list's picker: only when the user chooses from it

        data = self.ctx.data()
        dlg = QDialog(self)
        dlg.setWindowTitle("Chọn đơn vị theo danh mục")
        lay = QVBoxLayout(dlg)
        picker = UnitPicker(dlg)
        official = frames.official_unit(data.unit)
        picker.select(unit_code or (official.code if official else None), data.unit.get("upper_code") or None)
        lay.addWidget(picker)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        messages.vi_buttons(buttons)
        buttons.accepted.connect(dlg.accept)
        buttons.rejected.connect(dlg.reject)
        lay.addWidget(buttons)
        self.last_dialog = dlg
        if unit_code is None and dlg.exec() != QDialog.DialogCode.Accepted:
            return False
        try:
            chosen = picker.fields()
        except UserError as e:
            self.message.setText(str(e))
            return False
        fields = {k: chosen[k] for k in ("name", "kind", "upper_name", "upper_code", "province", "place_name")}
        fields["district"] = data.unit.get("district", "") if self._has_district(data.unit) else ""
        ok, msg = self.ctx.write("unit", Store.update_unit, self.ctx.unit_code, **fields)
        self.message.setText("" if ok else msg)
        return ok

    def focus_target(self, target: str) -> bool:
        w = self.fields.get(target)
        if w is None:
            return False
        self.ensureWidgetVisible(w)
        w.setFocus(Qt.FocusReason.OtherFocusReason)
        return True
