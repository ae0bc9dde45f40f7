"""First start on an empty data file: create the unit, open the demo, or (upper level) import the
communes' packages. Also the user guide viewer."""
from __future__ import annotations

import re
import unicodedata

from cchc_desktop import paths, periods, templates
from cchc_desktop.errors import UserError
from cchc_desktop.store.database import UNIT_KINDS
from ui import messages
from ui.messages import vi_buttons
from ui.qt import (
    QComboBox, QDialog, QDialogButtonBox, QFormLayout, QHBoxLayout, QLabel, QLineEdit, QPushButton,
    QStackedWidget, Qt, QTextBrowser, QVBoxLayout, QWidget,
)


def unit_code(kind: str, name: str) -> str:
    """`xa`, `Chi Lăng Nam` → `xa-chi-lang-nam`."""
    t = name.replace("đ", "d").replace("Đ", "D")
    t = unicodedata.normalize("NFKD", t).encode("ascii", "ignore").decode().lower()
    t = re.sub(r"[^a-z0-9]+", "-", t).strip("-")
    return f"{kind.replace('_', '-')}-{t}" if t else kind


class WelcomeDialog(QDialog):
    """Returns (accepted) with `period_id` set to the period to open."""

    def __init__(self, store, parent=None):
        super().__init__(parent)
        self.store = store
        self.period_id: int | None = None
        self.setWindowTitle("Chào mừng đến với CCHC Desktop")
        self.setMinimumWidth(560)
        layout = QVBoxLayout(self)
        self.pages = QStackedWidget()
        layout.addWidget(self.pages)

        # Page 1: the choice.
        first = QWidget()
        v = QVBoxLayout(first)
        title = QLabel("Chào mừng đến với CCHC Desktop")
        f = title.font()
        f.setPointSize(f.pointSize() + 4)
        f.setBold(True)
        title.setFont(f)
        v.addWidget(title)
        text = QLabel("Phần mềm giúp UBND xã, phường, thị trấn lập báo cáo kết quả công tác cải cách hành "
                      "chính: nhập số liệu theo biểu mẫu, viết lời văn, kiểm tra và xuất báo cáo; huyện, tỉnh nhập gói nộp "
                      "của các xã để tổng hợp số liệu. Mọi thay đổi được lưu ngay vào tệp dữ liệu trên máy này.\n\n"
                      f"Tệp dữ liệu: {store.path}\n\nBạn muốn bắt đầu thế nào?")
        text.setWordWrap(True)
        v.addWidget(text)
        self.btn_create = QPushButton("Tạo đơn vị mới…")
        self.btn_create.setToolTip("Nhập tên đơn vị và người ký; kỳ báo cáo năm nay được tạo sẵn với lời văn mẫu")
        self.btn_demo = QPushButton("Mở dữ liệu mẫu (xã Chi Lăng Nam, năm 2023)")
        self.btn_demo.setToolTip("Dữ liệu của một báo cáo thật, để xem thử trước khi nhập của đơn vị mình")
        self.btn_upper = QPushButton("Nhập gói nộp của các xã (cấp huyện/tỉnh)…")
        self.btn_upper.setToolTip("Ở huyện, tỉnh: chọn các tệp .cchc các xã gửi lên. Tệp dữ liệu này thành tệp "
                                  "của huyện/tỉnh mà các xã khai báo, để tổng hợp số liệu.")
        for b in (self.btn_create, self.btn_demo, self.btn_upper):
            b.setMinimumHeight(36)
            v.addWidget(b)
        quit_btn = QPushButton("Thoát")
        quit_btn.clicked.connect(self.reject)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(quit_btn)
        v.addStretch(1)
        v.addLayout(row)
        self.pages.addWidget(first)
        self.btn_create.clicked.connect(lambda: self.pages.setCurrentIndex(1))
        self.btn_demo.clicked.connect(self.open_demo)
        self.btn_upper.clicked.connect(self.import_packages)

        # Page 2: the new unit.
        second = QWidget()
        v2 = QVBoxLayout(second)
        hint = QLabel("Thông tin của đơn vị (có thể sửa sau ở thẻ Thông tin chung):")
        hint.setWordWrap(True)
        v2.addWidget(hint)
        form = QFormLayout()
        self.kind = QComboBox()
        for code, word in UNIT_KINDS.items():
            if code in ("xa", "phuong", "thi_tran"):
                self.kind.addItem(word, code)
        form.addRow("Loại đơn vị:", self.kind)
        self.name = QLineEdit()
        self.name.setPlaceholderText("ví dụ: Chi Lăng Nam (không ghi chữ “xã”)")
        form.addRow("Tên đơn vị:", self.name)
        self.upper = QLineEdit()
        self.upper.setPlaceholderText("ví dụ: huyện Thanh Miện")
        form.addRow("Cấp trên trực tiếp:", self.upper)
        self.province = QLineEdit()
        self.province.setPlaceholderText("ví dụ: Hải Dương")
        form.addRow("Tỉnh:", self.province)
        self.place = QLineEdit()
        self.place.setPlaceholderText("địa danh ở dòng ngày tháng; mặc định là tên đơn vị")
        form.addRow("Địa danh:", self.place)
        self.signer = QLineEdit()
        form.addRow("Người ký (họ và tên):", self.signer)
        self.signer_title = QLineEdit("CHỦ TỊCH")
        form.addRow("Chức vụ người ký:", self.signer_title)
        v2.addLayout(form)
        key = periods.parse_code(templates.current_period_code())
        self.period_hint = QLabel(f"Kỳ báo cáo {periods.name(key)} sẽ được tạo sẵn, với lời văn mẫu có các "
                                  "chỗ chèn số liệu tự động.")
        self.period_hint.setWordWrap(True)
        v2.addWidget(self.period_hint)
        self.message = QLabel("")
        self.message.setStyleSheet("color:#a00000;")
        self.message.setWordWrap(True)
        v2.addWidget(self.message)
        v2.addStretch(1)
        buttons = vi_buttons(QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel))
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Tạo đơn vị")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Quay lại")
        buttons.accepted.connect(self.create_unit)
        buttons.rejected.connect(lambda: self.pages.setCurrentIndex(0))
        v2.addWidget(buttons)
        self.pages.addWidget(second)

    def create_unit(self) -> None:
        name = self.name.text().strip()
        if not name:
            self.message.setText("Hãy nhập tên đơn vị.")
            self.name.setFocus()
            return
        kind = self.kind.currentData()
        fields = {
            "upper_name": self.upper.text().strip(),
            "province": self.province.text().strip(),
            "place_name": self.place.text().strip() or name,
            "signer_name": self.signer.text().strip(),
            "signer_title": self.signer_title.text().strip() or "CHỦ TỊCH",
            "signing_capacity": "TM. ỦY BAN NHÂN DÂN",
            "recipients": ["Lãnh đạo UBND huyện", "Văn phòng HĐND - UBND huyện", "Lãnh đạo UBND xã", "Lưu: VT"],
        }
        upper = fields["upper_name"]
        if upper.lower().startswith("huyện "):
            fields["district"] = upper[6:].strip()
        try:
            period = templates.setup_unit(self.store, unit_code(kind, name), name, kind, **fields)
        except UserError as e:
            self.message.setText(str(e))
            return
        self.period_id = period["id"]
        self.accept()

    def import_packages(self) -> None:
        """The upper level: the communes' packages set this empty file up as their huyện/tỉnh."""
        from ui.package_dialogs import import_into_new_file

        period_id = import_into_new_file(self.store, self)
        if period_id is not None:
            self.period_id = period_id
            self.accept()

    def open_demo(self) -> None:
        from cchc_desktop import dataio

        try:
            period = dataio.load_demo(self.store)
        except UserError as e:
            messages.error(self, str(e))
            return
        self.period_id = period["id"]
        self.accept()


class GuideDialog(QDialog):
    """The user guide (docs/huong-dan-su-dung.md), shown offline."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setWindowTitle("Hướng dẫn sử dụng CCHC Desktop")
        self.resize(820, 620)
        layout = QVBoxLayout(self)
        view = QTextBrowser()
        view.setOpenExternalLinks(False)
        guide = paths.resource_dir().parent / "docs" / "huong-dan-su-dung.md"
        if not guide.exists():
            guide = paths.resource("docs", "huong-dan-su-dung.md")
        try:
            view.setSearchPaths([str(guide.parent)])
            view.setMarkdown(guide.read_text(encoding="utf-8"))
        except OSError:
            view.setPlainText("Không tìm thấy tệp hướng dẫn sử dụng. Hãy cài lại phần mềm.")
        layout.addWidget(view)
        buttons = vi_buttons(QDialogButtonBox(QDialogButtonBox.StandardButton.Close))
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        view.setFocus(Qt.FocusReason.OtherFocusReason)
