"""First start on an empty data file: create the unit, open the sample data (in its own file), or
(upper level) import the communes' packages. The choices for a data file that cannot be opened at
start (`DamagedFileDialog`). The user guide viewer."""
from __future__ import annotations

from pathlib import Path

from cchc_desktop import dataio, paths
from cchc_desktop.domain import periods
from cchc_desktop.report import default_texts
from cchc_desktop.errors import UserError
from ui import messages
from ui.packages.handoff import import_into_new_file
from ui.texts import SAMPLE_FILE_NAME, is_sample_file
from ui.shell.unit_picker import UnitPicker
from ui.messages import vi_buttons
from ui.qt import (
    QDialog, QDialogButtonBox, QFormLayout, QHBoxLayout, QImage, QLabel, QLineEdit, QPushButton,
    QStackedWidget, Qt, QTextBrowser, QTextCursor, QTextDocument, QUrl, QVBoxLayout, QWidget,
)


def heading(text: str, grow: int) -> QLabel:
    """A bold title `grow` points larger than the text."""
    label = QLabel(text)
    f = label.font()
    f.setPointSize(f.pointSize() + grow)
    f.setBold(True)
    label.setFont(f)
    return label


class WelcomeDialog(QDialog):
    """Returns (accepted) with `period_id` set to the period to open, or `open_path` set to
    another file to open instead (the sample data's own file, beside this one)."""

    def __init__(self, store, parent=None):
        super().__init__(parent)
        self.store = store
        self.period_id: int | None = None
        self.open_path: Path | None = None
        self.setWindowTitle("Chào mừng đến với CCHC Desktop")
        self.setMinimumWidth(560)
        layout = QVBoxLayout(self)
        self.pages = QStackedWidget()
        layout.addWidget(self.pages)

        # Page 1: the choice.
        first = QWidget()
        v = QVBoxLayout(first)
        v.addWidget(heading("Chào mừng đến với CCHC Desktop", 4))
        text = QLabel("Phần mềm giúp UBND xã, phường, đặc khu lập báo cáo kết quả công tác cải cách hành "
                      "chính: nhập số liệu theo biểu mẫu, viết lời văn, kiểm tra và xuất báo cáo; tỉnh, thành phố nhập gói nộp "
                      "của các đơn vị cấp xã để tổng hợp số liệu. Mọi thay đổi được lưu ngay vào tệp dữ liệu trên máy này.\n\n"
                      f"Tệp dữ liệu: {store.path}\n\nBạn muốn bắt đầu thế nào?")
        text.setWordWrap(True)
        v.addWidget(text)
        self.btn_create = QPushButton("Tạo đơn vị mới…")
        self.btn_create.setToolTip("Chọn đơn vị theo danh mục từ 01/7/2025 và nhập người ký; kỳ báo cáo năm nay được tạo sẵn với lời văn mẫu")
        self.btn_demo = QPushButton("Xem dữ liệu mẫu (xã Chi Lăng Nam, năm 2023)")
        self.btn_demo.setToolTip(f"Dữ liệu của một báo cáo thật, để xem thử. Mở trong tệp riêng “{SAMPLE_FILE_NAME}”; "
                                 "tệp dữ liệu của bạn vẫn để trống cho đơn vị mình.")
        self.btn_upper = QPushButton("Nhập gói nộp của các đơn vị cấp xã (cấp tỉnh/thành phố)…")
        self.btn_upper.setToolTip("Ở tỉnh, thành phố: chọn các tệp .cchc các đơn vị cấp xã gửi lên. Tệp dữ liệu này thành "
                                  "tệp của tỉnh/thành phố mà các đơn vị khai báo, để tổng hợp số liệu.")
        for b in (self.btn_create, self.btn_demo, self.btn_upper):
            b.setMinimumHeight(36)
            v.addWidget(b)
        guide_btn = QPushButton("Hướng dẫn sử dụng")
        guide_btn.setToolTip("Đọc hướng dẫn sử dụng (cũng mở được bằng phím F1 trong cửa sổ chính)")
        guide_btn.clicked.connect(lambda: GuideDialog(self).exec())
        quit_btn = QPushButton("Thoát")
        quit_btn.clicked.connect(self.reject)
        row = QHBoxLayout()
        row.addWidget(guide_btn)
        row.addStretch(1)
        row.addWidget(quit_btn)
        v.addStretch(1)
        v.addLayout(row)
        self.pages.addWidget(first)
        self.btn_create.clicked.connect(lambda: self._show_page(1))
        self.btn_demo.clicked.connect(self.open_demo)
        self.btn_upper.clicked.connect(self.import_packages)

        # Page 2: the new unit.
        second = QWidget()
        v2 = QVBoxLayout(second)
        hint = QLabel("Thông tin của đơn vị (có thể sửa sau ở thẻ Thông tin chung):")
        hint.setWordWrap(True)
        v2.addWidget(hint)
        self.picker = UnitPicker()
        v2.addWidget(self.picker)
        form = QFormLayout()
        self.place = QLineEdit()
        self.place.setPlaceholderText("địa danh ở dòng ngày tháng; mặc định là tên đơn vị")
        self.picker.unit.currentIndexChanged.connect(self._suggest_place)
        form.addRow("Địa danh:", self.place)
        self.signer = QLineEdit()
        form.addRow("Người ký (họ và tên):", self.signer)
        self.signer_title = QLineEdit("CHỦ TỊCH")
        form.addRow("Chức vụ người ký:", self.signer_title)
        v2.addLayout(form)
        key = periods.parse_code(default_texts.current_period_code())
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
        self.btn_submit = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.btn_submit.setText("Tạo đơn vị")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Quay lại")
        buttons.accepted.connect(self.create_unit)
        buttons.rejected.connect(lambda: self._show_page(0))
        v2.addWidget(buttons)
        self.pages.addWidget(second)

    def _show_page(self, index: int) -> None:
        self.pages.setCurrentIndex(index)
        self.btn_submit.setDefault(index == 1)  # Enter in any field of the form submits it
        if index == 1:
            self.picker.province.setFocus()

    def _suggest_place(self, *_):
        u = self.picker.unit.choice()
        if u is not None:
            self.place.setPlaceholderText(f"địa danh ở dòng ngày tháng; mặc định: {u.short_name}")

    def create_unit(self) -> None:
        if self.pages.currentIndex() != 1:
            return  # the form is not shown
        try:
            fields = self.picker.fields()
        except UserError as e:
            self.message.setText(str(e))
            return
        code, name, kind = fields.pop("code"), fields.pop("name"), fields.pop("kind")
        fields.update({
            "place_name": self.place.text().strip() or fields["place_name"],
            "signer_name": self.signer.text().strip(),
            "signer_title": self.signer_title.text().strip() or "CHỦ TỊCH",
            "signing_capacity": "TM. ỦY BAN NHÂN DÂN",  # no recipients: the frame's Nơi nhận until the user types some
        })
        try:
            period = default_texts.setup_unit(self.store, code, name, kind, **fields)
        except UserError as e:
            self.message.setText(str(e))
            return
        self.period_id = period["id"]
        self.accept()

    def import_packages(self) -> None:
        """The upper level: the communes' packages set this empty file up as their huyện/tỉnh."""
        period_id = import_into_new_file(self.store, self)
        if period_id is not None:
            self.period_id = period_id
            self.accept()

    def open_demo(self) -> None:
        """The sample data opens in its own file beside this one (ui.shell.files.open_sample_file), so
        the user's file stays empty for their own unit. Only when this file is that sample
        file is the demo loaded into it."""
        sample = Path(self.store.path).with_name(SAMPLE_FILE_NAME)
        if not is_sample_file(self.store.path):
            self.open_path = sample
            self.accept()
            return
        try:
            period = dataio.load_demo(self.store)
        except UserError as e:
            messages.error(self, str(e))
            return
        self.period_id = period["id"]
        self.accept()


class DamagedFileDialog(QDialog):
    """The data file could not be opened at start: its full path, what happened, and three ways
    on (`choice` after exec): RESTORE a backup, NEW file (the damaged one kept, renamed), QUIT."""

    QUIT, RESTORE, NEW = 0, 1, 2

    def __init__(self, path, reason: str, backups: list, parent=None):
        super().__init__(parent)
        self.choice = self.QUIT
        self.setWindowTitle("Không mở được tệp dữ liệu")
        self.setMinimumWidth(600)
        layout = QVBoxLayout(self)
        layout.addWidget(heading("Tệp dữ liệu bị hỏng hoặc không đọc được", 2))
        if backups:
            found = (f"Có {len(backups)} bản sao lưu của tệp này, mới nhất lúc "
                     f"{backups[0].at:%H:%M ngày %d/%m/%Y}.")
        else:
            found = "Chưa thấy bản sao lưu nào cạnh tệp này; vẫn có thể chọn một tệp sao lưu khác (ví dụ trên USB)."
        self.text = QLabel(
            f"Tệp:\n{path}\n\nĐiều đã xảy ra: {reason}\n\nTệp chưa bị thay đổi gì. {found}\n\n"
            "• Khôi phục từ bản sao lưu: chọn một bản sao lưu; tệp hỏng vẫn được giữ lại trong thư mục sao lưu.\n"
            "• Tạo tệp mới: tệp hỏng được đổi tên (thêm chữ “hong” và thời điểm) và giữ nguyên cạnh tệp mới, "
            "không bị xóa; tệp mới bắt đầu trống.\n"
            "• Thoát: không làm gì; có thể gửi tệp cho người hỗ trợ kỹ thuật.")
        self.text.setWordWrap(True)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.text)
        row = QHBoxLayout()
        self.btn_restore = QPushButton("Khôi phục từ bản sao lưu…")
        self.btn_new = QPushButton("Tạo tệp mới")
        self.btn_quit = QPushButton("Thoát")
        for b, choice in ((self.btn_restore, self.RESTORE), (self.btn_new, self.NEW), (self.btn_quit, self.QUIT)):
            b.setMinimumHeight(32)
            b.clicked.connect(lambda _c=False, c=choice: self._choose(c))
        row.addWidget(self.btn_restore)
        row.addWidget(self.btn_new)
        row.addStretch(1)
        row.addWidget(self.btn_quit)
        layout.addLayout(row)
        self.btn_restore.setDefault(True)

    def _choose(self, choice: int) -> None:
        self.choice = choice
        (self.reject if choice == self.QUIT else self.accept)()


def fit_images(view: QTextBrowser, width: int) -> int:
    """Show the pictures of `view`'s document at most `width` px wide (the screenshots are
    1366 px): no sideways scrolling on a small screen. Returns how many were made smaller."""
    doc = view.document()
    found = []
    block = doc.begin()
    while block.isValid():
        it = block.begin()
        while not it.atEnd():
            frag = it.fragment()
            if frag.charFormat().isImageFormat():
                found.append((frag.position(), frag.length(), frag.charFormat().toImageFormat()))
            it += 1
        block = block.next()
    n = 0
    for pos, length, fmt in found:
        if 0 < fmt.width() <= width:
            continue  # fitted already
        data = view.loadResource(QTextDocument.ResourceType.ImageResource.value, QUrl(fmt.name()))
        size = QImage.fromData(data).size() if data is not None else None  # the file's bytes
        if size is None or size.isEmpty() or size.width() <= width:
            continue
        fmt.setWidth(width)
        fmt.setHeight(size.height() * width / size.width())
        cursor = QTextCursor(doc)
        cursor.setPosition(pos)
        cursor.setPosition(pos + length, QTextCursor.MoveMode.KeepAnchor)
        cursor.setCharFormat(fmt)
        n += 1
    return n


class GuideDialog(QDialog):
    """The user guide (docs/huong-dan-su-dung.md, found frozen too: paths.guide_path), shown offline."""

    IMAGE_WIDTH = 720  # the dialog is 820 px wide

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setWindowTitle("Hướng dẫn sử dụng CCHC Desktop")
        self.resize(820, 620)
        layout = QVBoxLayout(self)
        view = QTextBrowser()
        view.setOpenExternalLinks(False)
        guide = paths.guide_path()
        try:
            view.setSearchPaths([str(guide.parent)])
            view.setMarkdown(guide.read_text(encoding="utf-8"))
            fit_images(view, self.IMAGE_WIDTH)
        except OSError:
            view.setPlainText("Không tìm thấy tệp hướng dẫn sử dụng. Hãy cài lại phần mềm.")
        layout.addWidget(view)
        buttons = vi_buttons(QDialogButtonBox(QDialogButtonBox.StandardButton.Close))
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        view.setFocus(Qt.FocusReason.OtherFocusReason)
