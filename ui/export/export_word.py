"""Tệp → Xuất Word… (Ctrl+E): the whole report and its appendix as one .docx.

If the validator finds errors, a warning lists them first (export anyway / cancel). A small
options dialog then asks whether to include the one-stop desk's charts (on by default for the
annual report; the choice is remembered per period kind in the unit's settings in the data
file, like the register's column mappings) and, for a commune, the QĐ 766 index section
(off by default, remembered per unit), and the native save dialog proposes a name built
from the report without diacritics (`BC CCHC nam 2023 - xa Chi Lang Nam.docx`). The file is
written on a worker thread (window.run_task) so the window never freezes; then the user may
open the file or its folder.

In an upper level's window (huyện, tỉnh) the file is the consolidated report of the open period,
exactly as Công cụ → Tổng hợp số liệu → Xuất Word makes it (ui/packages/rollup.export_upper, reached
through the window's package feature);
with no commune's figures for the period the user is told to import the packages first.

The dialogs are module functions (`confirm_errors`, `ask_options`, `ask_save_path`,
`offer_open`, `open_url`) so tests can replace them.
"""
from __future__ import annotations

from pathlib import Path

from cchc_desktop import paths
from cchc_desktop.errors import UserError
from cchc_desktop.report import aggregate, index766_province, rules
from cchc_desktop.domain import periods
from cchc_desktop.domain.units import UPPER_KINDS
from cchc_desktop.exporting import docx_report
from cchc_desktop.store import Store
from ui.messages import vi_buttons
from ui.qt import (QCheckBox, QDesktopServices, QDialog, QDialogButtonBox, QFileDialog, QLabel, QMessageBox, QUrl,
                   QVBoxLayout)

ACTION_TEXT = "Xuất Word…"
SHORTCUT = "Ctrl+E"
TASK_TITLE = "Đang xuất báo cáo Word"
MAX_LISTED = 8
CHARTS_TEXT = "Kèm biểu đồ hồ sơ một cửa"
CHARTS_HINT = ("Hai biểu đồ (hồ sơ tiếp nhận và tình hình giải quyết theo lĩnh vực), đặt sau bảng hồ sơ "
               "ở mục II.2; biểu đồ chưa có số liệu thì không chèn.\n"
               "Mặc định có với báo cáo năm, không với các kỳ khác; phần mềm nhớ lựa chọn cho từng loại kỳ.")
# the upper level's consolidated report (docx_report.commune_charts adds the per-commune ones)
ROLLUP_CHARTS_HINT = CHARTS_HINT.replace(
    "Hai biểu đồ (hồ sơ tiếp nhận và tình hình giải quyết theo lĩnh vực)",
    "Bốn biểu đồ (hồ sơ tiếp nhận và tình hình giải quyết theo lĩnh vực; tỷ lệ giải quyết đúng hạn và "
    "tỷ lệ tiếp nhận trực tuyến theo xã)")
ROLLUP_WHAT = "báo cáo tổng hợp và phụ lục"  # the offer box's words for the consolidated report
SETTINGS_KEY = "xuat_word_bieu_do"  # unit settings: {"NAM": true, "Q1": false, …}
INDEX_TEXT = "Kèm phần Chỉ số phục vụ người dân, doanh nghiệp (QĐ 766)"
INDEX_HINT = ("Bảng các nhóm và chỉ tiêu (giá trị, điểm, điểm tối đa, nguồn) ở cuối phụ lục, tính từ sổ theo dõi hồ sơ "
              "và số liệu đơn vị tự nhập ở thẻ Chỉ số phục vụ (QĐ 766); chỉ tiêu chưa có số liệu ghi rõ "
              "“chưa có số liệu”. Phần mềm nhớ lựa chọn.")
INDEX_SETTINGS_KEY = "xuat_word_chi_so_766"  # unit settings: true / false


# --- the charts setting, remembered per period kind ---------------------------------------
def charts_default(kind: str) -> bool:
    return kind == "NAM"


def remembered_charts(unit: dict, kind: str) -> bool:
    value = (unit.get("settings") or {}).get(SETTINGS_KEY, {}).get(kind)
    return charts_default(kind) if not isinstance(value, bool) else value


def remember_charts(ctx, unit: dict, kind: str, on: bool) -> None:
    """Store the choice in the unit's settings; nothing is written when it is already stored."""
    settings = dict(unit.get("settings") or {})
    chosen = dict(settings.get(SETTINGS_KEY) or {})
    if chosen.get(kind) is on:
        return
    chosen[kind] = on
    settings[SETTINGS_KEY] = chosen
    ctx.write("unit", Store.update_unit, unit["code"], settings=settings)


def remembered_index(unit: dict) -> bool:
    return (unit.get("settings") or {}).get(INDEX_SETTINGS_KEY) is True


def remember_index(ctx, unit: dict, on: bool) -> None:
    if remembered_index(unit) is on:
        return
    ctx.write("unit", Store.update_unit, unit["code"], settings={**(unit.get("settings") or {}), INDEX_SETTINGS_KEY: on})


# --- dialogs (replaced in tests) -----------------------------------------------------------
def error_text(findings) -> str:
    errors = [f for f in findings if f.severity == "loi"]
    lines = [f"• {f.message}" for f in errors[:MAX_LISTED]]
    if len(errors) > MAX_LISTED:
        lines.append(f"… và {len(errors) - MAX_LISTED} lỗi khác (xem thẻ Kiểm tra).")
    return (f"Báo cáo còn {len(errors)} lỗi:\n\n" + "\n".join(lines)
            + "\n\nCó thể vẫn xuất ra Word để xem trước, rồi sửa và xuất lại. Vẫn xuất?")


def confirm_box(parent, findings) -> QMessageBox:
    box = QMessageBox(QMessageBox.Icon.Warning, "Xuất Word", error_text(findings), QMessageBox.StandardButton.NoButton,
                      parent)
    box.go = box.addButton("Vẫn xuất", QMessageBox.ButtonRole.AcceptRole)
    box.cancel = box.addButton("Hủy", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(box.cancel)
    box.setEscapeButton(box.cancel)
    return box


def confirm_errors(parent, findings) -> bool:
    box = confirm_box(parent, findings)
    box.exec()
    return box.clickedButton() is box.go


class OptionsDialog(QDialog):
    """Before the save dialog: what goes into the file, and the charts check box."""

    def __init__(self, parent, data, charts: bool, index766: bool | None = None):
        super().__init__(parent)
        communes = getattr(data, "communes", None)  # an upper level's consolidated report (aggregate.RollUpData)
        self.setWindowTitle("Xuất Word — báo cáo tổng hợp" if communes is not None else "Xuất Word")
        layout = QVBoxLayout(self)
        if communes is None:
            self.title = QLabel(f"Xuất báo cáo CCHC {periods.name(data.key)} — {data.text_value('don_vi.ten')}")
            what = f"Toàn văn báo cáo (mục I–V) và phụ lục {data.catalogue.appendix_span()} trong một tệp Word."
        else:
            reported = sum(c.reported for c in communes)
            self.title = QLabel(f"Báo cáo tổng hợp của {data.text_value('don_vi.ten')}, {periods.name(data.key)}")
            what = (f"Số liệu cộng từ {reported}/{len(communes)} xã đã nộp (như ở Công cụ → Tổng hợp số liệu): "
                    f"toàn văn báo cáo (mục I–V), tình hình nộp của các xã và phụ lục {data.catalogue.appendix_span()} "
                    "trong một tệp Word.")
        self.title.setStyleSheet("font-weight: bold;")
        layout.addWidget(self.title)
        self.what = QLabel(what)
        self.what.setWordWrap(True)
        layout.addWidget(self.what)
        layout.addSpacing(6)
        self.charts_box = QCheckBox(CHARTS_TEXT)
        self.charts_box.setChecked(charts)
        layout.addWidget(self.charts_box)
        self.hint = hint = QLabel(ROLLUP_CHARTS_HINT if communes else CHARTS_HINT)
        hint.setWordWrap(True)
        hint.setStyleSheet("color: #4b5563; margin-left: 22px;")
        layout.addWidget(hint)
        self.index_box = None
        if index766 is not None and communes is None:  # a commune's own report
            layout.addSpacing(6)
            self.index_box = QCheckBox(INDEX_TEXT)
            self.index_box.setChecked(index766)
            layout.addWidget(self.index_box)
            self.index_hint = QLabel(INDEX_HINT)
            self.index_hint.setWordWrap(True)
            self.index_hint.setStyleSheet("color: #4b5563; margin-left: 22px;")
            layout.addWidget(self.index_hint)
        layout.addSpacing(6)
        buttons = vi_buttons(QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel))
        self.go = buttons.addButton("Chọn nơi lưu…", QDialogButtonBox.ButtonRole.AcceptRole)
        self.go.setDefault(True)
        self.go.setFocus()
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.buttons = buttons
        layout.addWidget(buttons)
        self.setMinimumWidth(520)

    def charts(self) -> bool:
        return self.charts_box.isChecked()

    def index766(self) -> bool:
        return self.index_box is not None and self.index_box.isChecked()


def ask_options(parent, data, charts: bool, index766: bool | None = None):
    """Whether to include the charts; with `index766` (its current choice) also whether to add the
    QĐ 766 section: (charts, index766). None when the user cancels."""
    dlg = OptionsDialog(parent, data, charts, index766)
    if dlg.exec() != QDialog.DialogCode.Accepted:
        return None
    return dlg.charts() if index766 is None else (dlg.charts(), dlg.index766())


def ask_save_path(parent, proposed: Path) -> str:
    path, _ = QFileDialog.getSaveFileName(parent, "Xuất báo cáo ra Word", str(proposed),
                                          "Tài liệu Word (*.docx)")
    return path


def offer_box(parent, path: Path, title: str = "Xuất Word", what: str = "báo cáo và phụ lục") -> QMessageBox:
    box = QMessageBox(QMessageBox.Icon.Information, title, f"Đã xuất {what} ra tệp:\n{path}",
                      QMessageBox.StandardButton.NoButton, parent)
    box.open_file = box.addButton("Mở tệp", QMessageBox.ButtonRole.AcceptRole)
    box.open_folder = box.addButton("Mở thư mục", QMessageBox.ButtonRole.ActionRole)
    box.close_button = box.addButton("Đóng", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(box.open_file)
    box.setEscapeButton(box.close_button)
    return box


def offer_open(parent, path: Path, title: str = "Xuất Word", what: str = "báo cáo và phụ lục") -> str | None:
    """'file', 'folder' or None (Đóng)."""
    box = offer_box(parent, path, title, what)
    box.exec()
    clicked = box.clickedButton()
    if clicked is box.open_file:
        return "file"
    if clicked is box.open_folder:
        return "folder"
    return None


def open_chosen(window, path: Path, choice: str | None, opener) -> None:
    """Open the exported file or its folder, as chosen in the offer box (Xuất Word, Xuất Excel)."""
    target = path if choice == "file" else path.parent if choice == "folder" else None
    if target is not None and not opener(target):
        window.error(f"Không mở được “{target}”. Hãy mở bằng tay trong thư mục {path.parent}.")


def open_url(path: Path) -> bool:
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))


def default_folder() -> Path:
    """Documents as the Windows shell knows it (OneDrive, redirected folders), else home."""
    return paths.documents_dir()


def export_upper(window, kind: str, folder: Path, on_done, on_error) -> Path | None:
    """The consolidated report of an upper level, through the package feature (which owns the
    roll-up: ui/packages/feature.py); None when nothing is being written."""
    feature = getattr(window, "package_feature", None)
    if feature is None:  # the feature did not load (its error was shown)
        window.error("Chức năng Tổng hợp số liệu chưa nạp được nên chưa xuất được báo cáo tổng hợp. "
                     "Hãy khởi động lại phần mềm.")
        return None
    return feature.export_upper(kind, folder, on_done, on_error)


# --- the feature ---------------------------------------------------------------------------
class WordExport:
    def __init__(self, window):
        self.window = window
        self.last_dir: Path | None = None
        self.busy = False
        self.offer_words: tuple = ()  # the offer box's title and words: the consolidated report's at the upper level
        self.action = window.add_action("Tệp", ACTION_TEXT, self.run, shortcut=SHORTCUT, toolbar=True)
        self.action.setToolTip("Xuất toàn văn báo cáo và phụ lục (Biểu mẫu) ra tệp Word (Ctrl+E); "
                               "ở cấp huyện/tỉnh: báo cáo tổng hợp")

    def run(self) -> None:
        if self.busy:
            return
        ctx = self.window.ctx
        if ctx.period_id is None:
            self.window.info("Chưa chọn kỳ báo cáo. Hãy chọn hoặc tạo một kỳ báo cáo trước khi xuất.")
            return
        data = ctx.data()  # read on the UI thread: the data file's connection belongs to it
        if data.unit.get("kind") in UPPER_KINDS:
            self.export_consolidated()
            return
        self.offer_words = ()
        findings = rules.validate(data)
        if rules.has_errors(findings) and not confirm_errors(self.window, findings):
            return
        kind = data.period["kind"]
        unit = ctx.store.unit(data.unit["code"])  # fresh: the settings may have changed since `data`
        choice = ask_options(self.window, data, remembered_charts(unit, kind), index766=remembered_index(unit))
        if choice is None:
            return
        charts, with_index = choice
        remember_charts(ctx, unit, kind, charts)
        remember_index(ctx, ctx.store.unit(unit["code"]), with_index)
        index = None
        if with_index:
            try:  # on the UI thread: the data file's connection belongs to it (milliseconds)
                index = index766_province.for_report(ctx.store, data.unit, data.period)
            except UserError as e:
                self.window.error(str(e))
                return
        proposed = (self.last_dir or default_folder()) / docx_report.file_name(data)
        chosen = ask_save_path(self.window, proposed)
        if not chosen:
            return
        path = Path(chosen)
        if path.suffix.lower() != ".docx":
            path = path.with_name(path.name + ".docx")
        self._set_busy(True)
        if index is None:
            work = lambda: docx_report.write(data, path, charts=charts)  # noqa: E731
        else:
            work = lambda: docx_report.write(data, path, charts=charts, index766=index)  # noqa: E731
        self.window.run_task(TASK_TITLE, work, self._done, self._failed)

    def export_consolidated(self) -> None:
        """An upper level: the consolidated report, as the roll-up dialog exports it."""
        self.offer_words = ("Xuất Word", ROLLUP_WHAT)
        if export_upper(self.window, "docx", self.last_dir or default_folder(), self._done, self._failed) is not None:
            self._set_busy(True)  # the worker's result arrives through the event loop, after this

    def _set_busy(self, busy: bool) -> None:
        self.busy = busy
        self.action.setEnabled(not busy)

    def _done(self, path) -> None:
        self._set_busy(False)
        path = Path(path)
        self.last_dir = path.parent
        self.window.statusBar().showMessage(f"Đã xuất {path.name}", 10000)
        open_chosen(self.window, path, offer_open(self.window, path, *self.offer_words), open_url)

    def _failed(self, message: str) -> None:
        self._set_busy(False)
        self.window.error(message)


def install(window) -> WordExport:
    feature = WordExport(window)
    window.word_export = feature
    return feature
