"""Backups in the window: Tệp → “Sao lưu ra USB…”, Tệp → “Khôi phục bản sao lưu…”,
Công cụ → “Lịch sử thay đổi…”, and a backup when the app closes (cchc_desktop/store/backup.py
does the work; this module only asks and shows).

Restoring replaces the data file under the open window: the store is closed, the file is
backed up and replaced, the store is opened again and the window shows the restored data.
"""
from __future__ import annotations

from pathlib import Path

from cchc_desktop import fmt
from cchc_desktop.errors import UserError
from cchc_desktop.store import backup, open_store
from ui import messages
from ui.safety.audit_view import show_history, when
from ui.texts import period_text
from ui.qt import (
    QAbstractItemView, QApplication, QDialog, QDialogButtonBox, QFileDialog, QHBoxLayout, QHeaderView, QLabel,
    QPushButton, QTableWidget, QTableWidgetItem, Qt, QVBoxLayout,
)

COLUMNS = ("Thời điểm", "Lý do", "Đơn vị", "Kỳ báo cáo", "Chỉ tiêu đã nhập", "Hồ sơ tiếp nhận", "Lần sửa cuối")


def install(window) -> None:
    window.add_action("Tệp", "Sao lưu ra USB…", lambda: backup_to_folder(window))
    window.add_action("Tệp", "Khôi phục bản sao lưu…", lambda: choose_and_restore(window))

    window.add_action("Công cụ", "Lịch sử thay đổi…", lambda: show_history(window))
    warning = getattr(window.ctx.store, "backup_warning", None)
    if warning:
        window.statusBar().showMessage("⚠ " + warning, 20000)
    app = QApplication.instance()
    if app is not None:
        opened_with = window.ctx.store

        def on_quit():
            backup_on_close(window, opened_with)

        def forget(*_):
            try:
                app.aboutToQuit.disconnect(on_quit)
            except (RuntimeError, TypeError):
                pass

        app.aboutToQuit.connect(on_quit)
        window.destroyed.connect(forget)


def backup_on_close(window, opened_with=None) -> Path | None:
    """The app is closing: back the file up if it changed since the last backup."""
    store = window.ctx.store
    try:
        if getattr(store, "read_only", None):
            return None  # opened read-only: nothing changed, and nothing can be written beside it
        return backup.backup_if_changed(store, "dong")
    except UserError as e:
        messages.error(None, f"{e}\n\nDữ liệu vẫn an toàn trong tệp; chỉ bản sao lưu khi đóng chưa tạo được.")
        return None
    except Exception:
        return None
    finally:
        if opened_with is not None and store is not opened_with:
            store.close()  # a store opened by a restore: ui/shell/app.py closes only the first one


# --- back up to a folder of the user's choice ------------------------------------------------
def backup_to_folder(window, folder: str | None = None) -> None:
    if folder is None:
        folder = QFileDialog.getExistingDirectory(window, "Chọn thư mục (ví dụ USB) để sao lưu tệp dữ liệu")
        if not folder:
            return
    path = window.ctx.store.path
    window.run_task(
        "Đang sao lưu",
        lambda: backup.backup_to(path, folder),
        lambda out: window.info(f"Đã sao lưu tệp dữ liệu vào:\n{out}\n\nBản sao lưu đã được kiểm tra, "
                                "có thể mở lại bằng Tệp → Khôi phục bản sao lưu…"),
        lambda message: window.error(f"{message}\n\nDữ liệu trong chương trình không bị ảnh hưởng; "
                                     "hãy thử lại sau khi xử lý."),
    )


# --- restore ---------------------------------------------------------------------------------
class RestoreDialog(QDialog):
    """The backups of the open file, newest first, with what each holds."""

    def __init__(self, data_path: Path, parent=None):
        super().__init__(parent)
        self.data_path = Path(data_path)
        self.chosen: Path | None = None
        self.setWindowTitle("Khôi phục bản sao lưu")
        self.resize(1000, 460)
        self.backups = backup.list_backups(self.data_path)
        intro = QLabel(
            "Chọn bản sao lưu cần khôi phục. Tệp dữ liệu hiện tại sẽ được sao lưu trước khi bị thay thế, "
            f"nên vẫn có thể quay lại. Thư mục sao lưu: {backup.backup_dir(self.data_path)}")
        intro.setWordWrap(True)
        self.table = QTableWidget(len(self.backups), len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.setAlternatingRowColors(True)
        self.first_good: int | None = None  # the newest backup that reads: offered first
        for i, b in enumerate(self.backups):
            texts = self.row_texts(b)
            if self.first_good is None and texts[2] != "(không đọc được)":
                self.first_good = i
            for j, text in enumerate(texts):
                item = QTableWidgetItem(text)
                if j in (4, 5):
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                item.setToolTip(str(b.path))
                self.table.setItem(i, j, item)
        h = self.table.horizontalHeader()
        for j in range(len(COLUMNS)):
            h.setSectionResizeMode(j, QHeaderView.ResizeMode.ResizeToContents)
        h.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.empty = QLabel("Chưa có bản sao lưu nào của tệp này. Có thể chọn một tệp sao lưu khác (ví dụ trên USB).")
        self.empty.setVisible(not self.backups)

        self.buttons = QDialogButtonBox()
        self.restore_button = QPushButton("Khôi phục bản đã chọn")
        self.other_button = QPushButton("Chọn tệp sao lưu khác…")
        close = QPushButton("Đóng")
        self.buttons.addButton(self.restore_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton(self.other_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.buttons.addButton(close, QDialogButtonBox.ButtonRole.RejectRole)
        self.restore_button.clicked.connect(self._accept_selected)
        self.other_button.clicked.connect(self._choose_file)
        close.clicked.connect(self.reject)
        self.table.doubleClicked.connect(lambda _i: self._accept_selected())
        self.table.itemSelectionChanged.connect(self._update)
        if self.backups:
            self.table.selectRow(self.first_good if self.first_good is not None else 0)
        self._update()

        lay = QVBoxLayout(self)
        lay.addWidget(intro)
        lay.addWidget(self.table, 1)
        lay.addWidget(self.empty)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.buttons)
        lay.addLayout(row)

    @staticmethod
    def row_texts(b: backup.Backup) -> list[str]:
        d = backup.describe(b.path)
        if d["error"]:
            return [f"{b.at:%d/%m/%Y %H:%M:%S}", b.reason_label, "(không đọc được)", d["error"], "", "", ""]
        return [
            f"{b.at:%d/%m/%Y %H:%M:%S}",
            b.reason_label,
            d["unit"] or "(chưa có đơn vị)",
            ", ".join(period_text(code) for code in d["periods"]) or "chưa có kỳ",
            fmt.number(d["values"]),
            fmt.number(d["dossiers"]) if d["dossiers"] is not None else "",
            when(d["last_edit"]) if d["last_edit"] else "",
        ]

    def _update(self) -> None:
        self.restore_button.setEnabled(bool(self.table.selectionModel().selectedRows()))

    def _accept_selected(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if rows:
            self.chosen = self.backups[rows[0].row()].path
            self.accept()

    def _choose_file(self) -> None:
        name, _ = QFileDialog.getOpenFileName(self, "Chọn tệp sao lưu", str(backup.backup_dir(self.data_path)),
                                              "Tệp dữ liệu CCHC (*.sqlite);;Mọi tệp (*)")
        if name:
            self.chosen = Path(name)
            self.accept()


def choose_and_restore(window) -> None:
    if window.tasks.running():  # an export or import is still reading the file
        window.error("Đang có việc chạy nền (xuất báo cáo, nhập dữ liệu…). Hãy đợi việc đó xong rồi khôi phục.")
        return
    dlg = RestoreDialog(window.ctx.store.path, window)
    if dlg.exec() != QDialog.DialogCode.Accepted or dlg.chosen is None:
        return
    b = backup.parse_name(dlg.chosen)
    when = f"lúc {b.at:%H:%M:%S ngày %d/%m/%Y}" if b else f"“{dlg.chosen.name}”"
    if not window.ask(f"Khôi phục dữ liệu về bản sao lưu {when}?\n\nMọi thay đổi sau thời điểm đó sẽ không còn "
                      "trong tệp, nhưng tệp hiện tại được sao lưu trước nên vẫn có thể quay lại."):
        return
    restore_into_window(window, dlg.chosen)


def restore_into_window(window, chosen: Path) -> bool:
    """Close the store, restore the file, open it again and show it. True when restored."""
    ctx = window.ctx
    path = Path(ctx.store.path)
    ctx.store.close()
    restored, safety, problem = False, None, None
    try:
        safety = backup.restore(path, chosen)
        restored = True
    except UserError as e:
        problem = str(e)
    try:
        store = open_store(path, backup=False)
    except UserError as e:
        window.error(f"{problem or ''}\n\nKhông mở lại được tệp dữ liệu: {e}\nChương trình sẽ đóng lại; "
                     "hãy mở lại chương trình.".strip())
        window.close()
        return False
    _show_store(window, store)
    if problem:
        window.error(f"Chưa khôi phục được: {problem}\n\nTệp dữ liệu vẫn như trước.")
        return False
    text = f"Đã khôi phục dữ liệu từ bản sao lưu “{chosen.name}”."
    if safety:
        text += f"\nTệp trước khi khôi phục được giữ ở:\n{safety}"
    window.info(text)
    return restored


def _show_store(window, store) -> None:
    """Point the window at a (re)opened store and show its data."""
    ctx = window.ctx
    ctx.store = store
    ctx._data = None
    try:
        unit = store.unit(ctx.unit_code)
    except UserError:
        unit = store.unit()
    ctx.unit_code = unit["code"]
    ids = [p["id"] for p in store.periods(unit["code"])]
    if ctx.period_id not in ids and ids:
        ctx.period_id = ids[-1]
    if hasattr(window, "_fill_periods"):
        window._fill_periods()
    ctx.period_changed.emit(ctx.period_id)
    ctx.invalidate("*")
