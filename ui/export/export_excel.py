"""Tệp → Xuất Excel… (beside Xuất Word, also on the toolbar): the appendix (Biểu mẫu) and the
dossier tables as one .xlsx.

The save dialog proposes `Phu luc CCHC nam 2023 - xa Chi Lang Nam.xlsx`; the workbook is
written on a worker thread (window.run_task); then the user may open the file or its folder.
In an upper level's window (huyện, tỉnh) the workbook is the consolidated appendix of the open
period with the communes' submission status, as Công cụ → Tổng hợp số liệu → Xuất Excel makes it
(ui/packages/rollup.export_upper, through export_word.export_upper). The dialogs are module functions (`ask_save_path`,
`offer_open`, `open_url`) so tests can replace them.
"""
from __future__ import annotations

from pathlib import Path

from cchc_desktop.domain.units import UPPER_KINDS
from cchc_desktop.exporting import xlsx_appendix
from ui.export import export_word
from ui.export.export_word import default_folder, open_chosen, open_url  # module names: tests replace them
from ui.qt import QFileDialog

ACTION_TEXT = "Xuất Excel…"
SHORTCUT = "Ctrl+Shift+E"
TASK_TITLE = "Đang xuất phụ lục Excel"
WHAT = "phụ lục (Biểu mẫu) và bảng hồ sơ"
ROLLUP_WHAT = "phụ lục tổng hợp, bảng hồ sơ và tình hình nộp của các xã"


def ask_save_path(parent, proposed: Path) -> str:
    path, _ = QFileDialog.getSaveFileName(parent, "Xuất phụ lục ra Excel", str(proposed), "Bảng tính Excel (*.xlsx)")
    return path


def offer_open(parent, path: Path, what: str = WHAT) -> str | None:
    """'file', 'folder' or None (Đóng): the offer box of Xuất Word, with this export's words."""
    return export_word.offer_open(parent, path, "Xuất Excel", what)


class ExcelExport:
    def __init__(self, window):
        self.window = window
        self.last_dir: Path | None = None
        self.busy = False
        self.offer_words: tuple = ()  # the consolidated appendix's words at the upper level
        self.action = window.add_action("Tệp", ACTION_TEXT, self.run, shortcut=SHORTCUT, toolbar=True)
        self.action.setToolTip("Xuất phụ lục (các biểu mẫu) và bảng hồ sơ ra tệp Excel (Ctrl+Shift+E); "
                               "ở cấp huyện/tỉnh: phụ lục tổng hợp")

    def run(self) -> None:
        if self.busy:
            return
        ctx = self.window.ctx
        if ctx.period_id is None:
            self.window.info("Chưa chọn kỳ báo cáo. Hãy chọn hoặc tạo một kỳ báo cáo trước khi xuất.")
            return
        data = ctx.data()  # read on the UI thread: the data file's connection belongs to it
        word = getattr(self.window, "word_export", None)
        folder = self.last_dir or (word.last_dir if word is not None and word.last_dir else None) or default_folder()
        if data.unit.get("kind") in UPPER_KINDS:
            self.offer_words = (ROLLUP_WHAT,)
            if export_word.export_upper(self.window, "xlsx", folder, self._done, self._failed) is not None:
                self._set_busy(True)  # the worker's result arrives through the event loop, after this
            return
        self.offer_words = ()
        chosen = ask_save_path(self.window, folder / xlsx_appendix.file_name(data))
        if not chosen:
            return
        path = Path(chosen)
        if path.suffix.lower() != ".xlsx":
            path = path.with_name(path.name + ".xlsx")
        self._set_busy(True)
        self.window.run_task(TASK_TITLE, lambda: xlsx_appendix.write(data, path), self._done, self._failed)

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


def install(window) -> ExcelExport:
    feature = ExcelExport(window)
    window.excel_export = feature
    return feature
