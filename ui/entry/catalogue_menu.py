"""Tệp → Danh mục biểu mẫu…: which forms (catalogue) the unit's reports are entered with.

A province that uses other forms gives its communes a catalogue file (TOML, docs/catalogue.md).
The dialog loads it into the data file (`Store.add_catalogue`: a version already held with other
content is refused), chooses the catalogue of the unit's new periods (the unit setting
`danh_muc_bieu_mau`), and may switch the open period too while it holds no figure. Periods
already entered keep their catalogue, so an old report never changes.

The window's forms are generated from the catalogue of the open period: when that changes (this
dialog, or the period selector reaching a period of another catalogue), the built tabs are
discarded and built again on first view.
"""
from __future__ import annotations

from pathlib import Path

from cchc_desktop import paths
from cchc_desktop.domain import catalogue as catalogue_mod
from cchc_desktop.errors import UserError
from cchc_desktop.store import Store
from ui.qt import (QCheckBox, QComboBox, QDialog, QDialogButtonBox, QFileDialog, QHBoxLayout, QLabel, QLayout,
                   QPushButton, QVBoxLayout)

ACTION_TEXT = "Danh mục biểu mẫu…"


def ask_catalogue_file(parent) -> str:
    path, _ = QFileDialog.getOpenFileName(parent, "Chọn tệp danh mục biểu mẫu của tỉnh", str(paths.documents_dir()),
                                          "Danh mục biểu mẫu (*.toml);;Mọi tệp (*)")
    return path


def describe(cat: catalogue_mod.Catalogue) -> str:
    rows = sum(1 for r in cat.rows() if r.kind != "group")
    return f"{cat.name} (phiên bản {cat.version}): {len(cat.forms)} biểu mẫu, {rows} chỉ tiêu"


def catalogue_item(entry: dict, builtin) -> str:
    """`builtin`: the versions the app ships (its own and each legal frame's)."""
    text = f"{entry['name']} — phiên bản {entry['version']}"
    return text + " (có sẵn trong chương trình)" if entry["version"] in builtin else text


class CatalogueDialog(QDialog):
    """Shows the open period's catalogue; chooses the one of new periods; loads a file."""

    def __init__(self, ctx, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle("Danh mục biểu mẫu")
        self.setMinimumWidth(680)
        store = ctx.store
        period = store.period(ctx.period_id) if ctx.period_id is not None else None
        layout = QVBoxLayout(self)
        # wrapped labels: let the layout give them the height their text needs
        layout.setSizeConstraint(QLayout.SizeConstraint.SetMinimumSize)
        intro = QLabel(
            "Các biểu mẫu thống kê của phụ lục và các chỉ tiêu của báo cáo lấy từ danh mục biểu mẫu. "
            "Nếu tỉnh dùng biểu mẫu khác, hãy nạp tệp danh mục tỉnh gửi. Các kỳ đã nhập số liệu "
            "giữ nguyên danh mục cũ.")
        intro.setWordWrap(True)
        layout.addWidget(intro)
        if period is not None:
            cat = store.catalogue(period["catalogue_version"])
            self.current_label = QLabel(f"Kỳ đang mở dùng: <b>{describe(cat)}</b>.")
            self.current_label.setWordWrap(True)
            layout.addWidget(self.current_label)
        layout.addWidget(QLabel("Các kỳ báo cáo tạo mới của đơn vị dùng danh mục:"))
        row = QHBoxLayout()
        self.choice = QComboBox(self)
        row.addWidget(self.choice, 1)
        self.load_button = QPushButton("Nạp tệp danh mục…", self)
        self.load_button.setToolTip("Chọn tệp danh mục biểu mẫu (.toml) của tỉnh")
        self.load_button.clicked.connect(self.load_file)
        row.addWidget(self.load_button)
        layout.addLayout(row)
        self.apply_current = QCheckBox("Dùng cả cho kỳ đang mở", self)
        self.empty_period = period is not None and period["status"] != "final" and not store.has_values(period["id"])
        if period is None:
            self.apply_current.hide()
        elif not self.empty_period:
            self.apply_current.setEnabled(False)
            self.apply_current.setText("Dùng cả cho kỳ đang mở (không được: kỳ này đã có số liệu hoặc đã chốt, "
                                       "nên giữ danh mục cũ)")
        layout.addWidget(self.apply_current)
        self.message = QLabel("")
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        buttons = QDialogButtonBox(self)
        self.save_button = buttons.addButton("Lưu", QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton("Hủy", QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.fill(store.new_period_catalogue(ctx.unit_code))
        self.choice.currentIndexChanged.connect(self._choice_changed)
        self._choice_changed()

    def fill(self, selected: str) -> None:
        self.choice.clear()
        store = self.ctx.store
        shipped = {store.builtin_catalogue_version, *store.frame_catalogues.values()}
        for entry in store.catalogues():
            self.choice.addItem(catalogue_item(entry, shipped), entry["version"])
        i = self.choice.findData(selected)
        self.choice.setCurrentIndex(max(i, 0))

    def _choice_changed(self, *_):
        if self.ctx.period_id is None or not self.empty_period:
            return
        same = self.ctx.store.period(self.ctx.period_id)["catalogue_version"] == self.choice.currentData()
        self.apply_current.setEnabled(not same)
        if same:
            self.apply_current.setChecked(False)

    def load_file(self) -> None:
        chosen = ask_catalogue_file(self)
        if not chosen:
            return
        try:
            cat = catalogue_mod.load(chosen)
        except UserError as e:
            self.message.setText(f"<span style='color:#b00020'>Chưa nạp được danh mục: {e}</span>")
            return
        ok, result = self.ctx.write("catalogue", Store.add_catalogue, cat)
        if not ok:
            self.message.setText(f"<span style='color:#b00020'>Chưa nạp được danh mục: {result}</span>")
            return
        self.fill(cat.version)
        if self.apply_current.isEnabled():
            self.apply_current.setChecked(True)
        self.message.setText(f"Đã nạp {describe(cat)}. Bấm “Lưu” để dùng danh mục này.")

    def save(self) -> None:
        version = self.choice.currentData()
        switch = self.apply_current.isEnabled() and self.apply_current.isChecked()
        ok, result = self.ctx.write("catalogue", Store.choose_catalogue, self.ctx.unit_code, version,
                                    self.ctx.period_id if switch else None)
        if not ok:
            self.message.setText(f"<span style='color:#b00020'>{result}</span>")
            return
        self.accept()


class CatalogueFeature:
    def __init__(self, window):
        self.window = window
        self.built_with = self._version()
        self.action = window.add_action("Tệp", ACTION_TEXT, self.run)
        self.action.setToolTip("Xem hoặc nạp danh mục biểu mẫu (biểu mẫu thống kê của tỉnh)")
        window.ctx.period_changed.connect(self.check_forms)
        window.ctx.data_changed.connect(self._data_changed)

    def _version(self) -> str | None:
        ctx = self.window.ctx
        return ctx.store.period(ctx.period_id)["catalogue_version"] if ctx.period_id is not None else None

    def run(self) -> None:
        if self.window.ctx.unit_code is None:
            self.window.info("Tệp dữ liệu chưa có đơn vị. Hãy tạo đơn vị trước khi chọn danh mục biểu mẫu.")
            return
        CatalogueDialog(self.window.ctx, self.window).exec()

    def _data_changed(self, what: str) -> None:
        if what in ("catalogue", "*"):
            self.check_forms()

    def check_forms(self, *_) -> None:
        """Rebuild the forms when the open period uses another catalogue than they were built from."""
        version = self._version()
        if version == self.built_with:
            return
        self.built_with = version
        self.window.rebuild_tabs()


def install(window) -> None:
    window.catalogue_feature = CatalogueFeature(window)
