"""Công cụ → Nhập sổ theo dõi hồ sơ (Excel)… and Công cụ → Tính số liệu kỳ từ sổ…

1. choose the file; 2. the mapping dialog shows the columns found, one combo per field and
the first rows as they will be read; the user corrects and confirms (the confirmed mapping
is remembered for the next file with the same headers); 3. the import runs on a worker
thread with a progress dialog that can cancel it (nothing is written then); 4. the summary
in Vietnamese, skipped rows listed; 5. on request, the per-field figures of the current
period computed from the register, put into the period's dossier table after confirmation.

The dialogs are module functions (`ask_open_path`, `confirm_mapping`, `show_summary`,
`confirm_figures`) so tests can replace them; `MappingDialog` and `FiguresDialog` are tested
as widgets.
"""
from __future__ import annotations

import threading
from pathlib import Path

from cchc_desktop import fmt
from cchc_desktop.domain import dossiers
from cchc_desktop.errors import UserError
from cchc_desktop.importing import register as reg
from ui import messages
from ui.texts import period_text
from ui.qt import (
    QAbstractItemView, QComboBox, QDialog, QDialogButtonBox, QFileDialog, QFont, QFormLayout, QGroupBox,
    QHeaderView, QLabel, QObject, QPlainTextEdit, QProgressDialog, Qt, QTableWidget,
    QTableWidgetItem, QVBoxLayout, Signal,
)

IMPORT_TEXT = "Nhập sổ theo dõi hồ sơ (Excel)…"
FIGURES_TEXT = "Tính số liệu kỳ từ sổ…"
TASK_TITLE = "Đang nhập sổ hồ sơ"
NONE_TEXT = "(không có cột này)"
MAX_SKIPPED_SHOWN = 500


# --- the mapping dialog ------------------------------------------------------------------------
class MappingDialog(QDialog):
    """One combo per register field over the file's columns, and a live preview of the first rows."""

    def __init__(self, preview: reg.Preview, parent=None):
        super().__init__(parent)
        self.preview = preview
        self.setWindowTitle("Ghép cột của sổ hồ sơ")
        self.resize(1000, 640)
        lay = QVBoxLayout(self)
        info = QLabel(
            f"Tệp <b>{_html(preview.path.name)}</b>, trang “{_html(preview.sheet)}”, dòng tiêu đề số "
            f"{preview.header_row}. Hãy kiểm tra mỗi trường lấy từ cột nào; sửa nếu chưa đúng."
        )
        info.setWordWrap(True)
        lay.addWidget(info)
        box = QGroupBox("Trường của sổ ← cột trong tệp Excel")
        form = QFormLayout(box)
        self.combos: dict[str, QComboBox] = {}
        for f, label in reg.FIELDS.items():
            combo = QComboBox()
            combo.addItem(NONE_TEXT, -1)
            for ci in range(len(preview.headers)):
                if ci in preview.personal:
                    continue
                combo.addItem(preview.column_label(ci), ci)
            current = preview.mapping.get(f, -1)
            combo.setCurrentIndex(max(0, combo.findData(current)))
            combo.currentIndexChanged.connect(self.refresh)
            self.combos[f] = combo
            text = f"{label}{' (bắt buộc)' if f in reg.REQUIRED else ''}:"
            form.addRow(text, combo)
        lay.addWidget(box)
        if preview.personal:
            names = ", ".join(f"“{preview.headers[c]}”" for c in sorted(preview.personal))
            p = QLabel(f"Các cột {_html(names)} là thông tin cá nhân của người dân: không đọc, không lưu.")
            p.setWordWrap(True)
            lay.addWidget(p)
        lay.addWidget(QLabel("Các dòng đầu tiên, như sẽ được đọc:"))
        self.table = QTableWidget(0, len(reg.FIELDS))
        self.table.setHorizontalHeaderLabels(list(reg.FIELDS.values()))
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setDefaultSectionSize(108)
        lay.addWidget(self.table, 1)
        self.message = QLabel()
        self.message.setWordWrap(True)
        lay.addWidget(self.message)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        messages.vi_buttons(self.buttons)
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("Nhập sổ")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        lay.addWidget(self.buttons)
        self.refresh()

    def mapping(self) -> dict[str, int]:
        return {f: c.currentData() for f, c in self.combos.items() if c.currentData() is not None
                and c.currentData() >= 0}

    def problems(self) -> list[str]:
        m = self.mapping()
        out = [f"Chưa chọn cột cho “{reg.FIELDS[f]}”." for f in reg.REQUIRED if f not in m]
        cols = list(m.values())
        dup = {c for c in cols if cols.count(c) > 1}
        for c in sorted(dup):
            names = ", ".join(f"“{reg.FIELDS[f]}”" for f, v in m.items() if v == c)
            out.append(f"Cột {self.preview.column_label(c)} được chọn cho nhiều trường: {names}.")
        return out

    def refresh(self) -> None:
        m = self.mapping()
        rows = self.preview.rows
        self.table.setRowCount(len(rows))
        self.table.setVerticalHeaderLabels([str(r) for r, _ in rows])
        for i, (_, texts) in enumerate(rows):
            for j, f in enumerate(reg.FIELDS):
                ci = m.get(f)
                raw = texts.get(ci, "") if ci is not None else ""
                shown, bad = _shown(f, raw, self.preview.date1904)
                item = QTableWidgetItem(shown)
                if bad:
                    item.setForeground(Qt.GlobalColor.red)
                    item.setToolTip("Không đọc được ngày này: dòng sẽ bị bỏ qua.")
                self.table.setItem(i, j, item)
        problems = self.problems()
        warnings = [w for w in self.preview.warnings if "thông tin cá nhân" not in w and "Chưa tìm thấy" not in w]
        if problems:
            self.message.setText("<span style='color:#b00020'>" + "<br>".join(_html(p) for p in problems) + "</span>")
        else:
            self.message.setText("<br>".join(_html(w) for w in warnings))
        self.ok_button.setEnabled(not problems)


def _html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _shown(field: str, raw: str, date1904: bool = False) -> tuple[str, bool]:
    if field in reg.DATE_FIELDS and raw:
        try:
            value = float(raw) + (1462 if date1904 else 0) if raw.replace(".", "", 1).isdigit() else raw
            d = reg.parse_date(value)
            return (fmt.date(d) if d else ""), False
        except reg.BadValue:
            return raw, True
    if field == "channel" and raw:
        return reg.CHANNELS.get(reg.channel_of(raw), raw), False
    return raw, False


# --- the figures dialog --------------------------------------------------------------------------
def _period_words(period: dict) -> str:
    """The period inside a sentence: `năm 2023`, `quý I năm 2024` (never its code 2023-NAM)."""
    text = period_text(period["code"])
    return text[:1].lower() + text[1:]


class FiguresDialog(QDialog):
    """The period's figures computed from the register, per agency (the register's Cơ quan
    column): one block of field rows and a "Cộng" row for each agency that has dossiers."""

    def __init__(self, by_agency: dict, period: dict, parent=None, notes: list[str] = ()):
        super().__init__(parent)
        self.setWindowTitle("Số liệu hồ sơ của kỳ, tính từ sổ")
        self.resize(980, 420)
        lay = QVBoxLayout(self)
        tables = ", ".join(dossiers.AGENCIES[a] for a in by_agency) or dossiers.AGENCIES["ubnd"]
        head = QLabel(
            f"Số liệu hồ sơ theo lĩnh vực của kỳ {_period_words(period)} ({fmt.date(period['start_date'])} – "
            f"{fmt.date(period['end_date'])}), tính từ sổ theo dõi hồ sơ đã nhập. Khi đồng ý, các số này thay cho "
            f"bảng hồ sơ của {tables} trong kỳ (kể cả các số đã nhập tay)."
        )
        head.setWordWrap(True)
        lay.addWidget(head)
        # what the register holds outside the window, withdrawn, or under a field the tables lack
        self.notes = QLabel("\n".join(notes))
        self.notes.setWordWrap(True)
        self.notes.setVisible(bool(notes))
        lay.addWidget(self.notes)
        cols = list(dossiers.COLUMNS)
        headed = len(by_agency) > 1 or any(a != "ubnd" for a in by_agency)
        lines: list[tuple[str, dict | None, str]] = []  # (text, row, kind: agency | field | total)
        for agency, figures in by_agency.items():
            if headed:
                lines.append((dossiers.AGENCIES[agency], None, "agency"))
            lines += [(name, row, "field") for name, row in figures.items()]
            lines.append(("Cộng", {c: sum(r[c] for r in figures.values()) for c in cols}, "total"))
        self.table = QTableWidget(len(lines), len(cols) + 1)
        self.table.setHorizontalHeaderLabels(["Lĩnh vực"] + [dossiers.COLUMN_SHORT[c] for c in cols])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        bold = QFont()
        bold.setBold(True)
        for i, (text, row, kind) in enumerate(lines):
            self.table.setItem(i, 0, QTableWidgetItem(text))
            if kind != "field":
                self.table.item(i, 0).setFont(bold)
            if kind == "agency":
                self.table.setSpan(i, 0, 1, len(cols) + 1)
                continue
            for j, c in enumerate(cols, 1):
                item = QTableWidgetItem(fmt.number(row[c]))
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                if kind == "total":
                    item.setFont(bold)
                self.table.setItem(i, j, item)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        lay.addWidget(self.table, 1)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        messages.vi_buttons(self.buttons)
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("Đưa vào kỳ báo cáo")
        self.ok_button.setEnabled(bool(by_agency))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Đóng")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        lay.addWidget(self.buttons)


class SummaryDialog(QDialog):
    def __init__(self, summary: reg.Summary, can_compute: bool, parent=None):
        super().__init__(parent)
        self.setWindowTitle("Kết quả nhập sổ hồ sơ")
        self.resize(720, 460)
        lay = QVBoxLayout(self)
        text = QPlainTextEdit(summary.text(MAX_SKIPPED_SHOWN))
        text.setReadOnly(True)
        lay.addWidget(text, 1)
        self.buttons = QDialogButtonBox()
        self.compute_button = None
        if can_compute:
            self.compute_button = self.buttons.addButton("Tính số liệu kỳ từ sổ…", QDialogButtonBox.ButtonRole.AcceptRole)
        close = self.buttons.addButton("Đóng", QDialogButtonBox.ButtonRole.RejectRole)
        close.setDefault(not can_compute)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        lay.addWidget(self.buttons)


# --- dialogs as functions (replaced in tests) ------------------------------------------------------
def ask_open_path(parent) -> str:
    path, _ = QFileDialog.getOpenFileName(parent, "Chọn tệp sổ theo dõi hồ sơ", "",
                                          "Bảng tính (*.xlsx *.xlsm *.xlsb *.xls *.ods);;Mọi tệp (*)")
    return path


def confirm_mapping(parent, preview: reg.Preview) -> dict[str, int] | None:
    dlg = MappingDialog(preview, parent)
    if dlg.exec() == QDialog.DialogCode.Accepted:
        return dlg.mapping()
    return None


def show_summary(parent, summary: reg.Summary, can_compute: bool) -> bool:
    """True when the user asks to compute the period's figures now."""
    dlg = SummaryDialog(summary, can_compute, parent)
    return dlg.exec() == QDialog.DialogCode.Accepted


def confirm_figures(parent, figures: dict, period: dict, notes: list[str] = ()) -> bool:
    return FiguresDialog(figures, period, parent, notes).exec() == QDialog.DialogCode.Accepted


def ask_date_order(parent, question: str) -> str | None:
    """"dmy" / "mdy" for a text date column that fits both orders; None: the user cancelled."""
    from ui.qt import QMessageBox  # Qt names resolve on first use (ui/qt.py)

    box = QMessageBox(parent)
    box.setWindowTitle("Cách ghi ngày trong sổ")
    box.setIcon(QMessageBox.Icon.Question)
    box.setText(question.split(";")[0] + ".")
    box.setInformativeText("Các ngày trong tệp được ghi theo cách nào?")
    dmy = box.addButton("Ngày/tháng/năm (15/03/2024)", QMessageBox.ButtonRole.AcceptRole)
    mdy = box.addButton("Tháng/ngày/năm (03/15/2024)", QMessageBox.ButtonRole.AcceptRole)
    box.addButton("Hủy", QMessageBox.ButtonRole.RejectRole)
    box.exec()
    clicked = box.clickedButton()
    return "dmy" if clicked == dmy else "mdy" if clicked == mdy else None


class _Progress(QObject):
    changed = Signal(int, int)


# --- the feature ---------------------------------------------------------------------------------
class RegisterImport:
    def __init__(self, window):
        self.window = window
        self.busy = False
        self.cancel_event: threading.Event | None = None
        self.progress_dialog: QProgressDialog | None = None
        self._preview: "reg.Preview | None" = None  # holds the workbook parsed for the preview
        self.import_action = window.add_action("Công cụ", IMPORT_TEXT, self.run)
        self.import_action.setToolTip("Nhập danh sách hồ sơ xuất từ phần mềm một cửa (.xlsx, .xls)")
        self.figures_action = window.add_action("Công cụ", FIGURES_TEXT, self.compute_figures)
        self.figures_action.setToolTip("Tính số hồ sơ theo lĩnh vực của kỳ đang mở từ sổ đã nhập")
        self._progress = _Progress()
        self._progress.changed.connect(self._on_progress)

    @property
    def ctx(self):
        return self.window.ctx

    def run(self) -> None:
        if self.busy:
            return
        if not self.ctx.unit_code and self.ctx.period_id is None:
            self.window.info("Chưa có đơn vị nào. Hãy tạo đơn vị và kỳ báo cáo trước khi nhập sổ hồ sơ.")
            return
        chosen = ask_open_path(self.window)
        if not chosen:
            return
        path = Path(chosen)
        self._set_busy(True)
        # Reading the first rows of a large .xls can take a moment: off the UI thread.
        self.window.run_task("Đang đọc tệp sổ hồ sơ", lambda: reg.inspect(path, keep_book=True), self._inspected, self._inspect_failed)

    def _inspect_failed(self, message: str) -> None:
        self._set_busy(False)
        self.window.error(message)

    def _inspected(self, preview: reg.Preview) -> None:
        self._set_busy(False)
        reg.apply_remembered(preview, self.ctx.store)
        mapping = confirm_mapping(self.window, preview)
        if mapping is None:
            preview.close_book()
            return
        # the import reads the workbook the preview parsed (the file is parsed once)
        self.start_import(preview.path, mapping, preview=preview)

    def _drop_book(self) -> None:
        if self._preview is not None:
            self._preview.close_book()
            self._preview = None

    def start_import(self, path: Path, mapping: dict[str, int], date_order: str | None = None,
                     preview: "reg.Preview | None" = None) -> None:
        """`preview`: the one holding the parsed workbook of `path` (kept for a date-order retry)."""
        store = self.ctx.store
        unit = self.ctx.unit_code or store.period(self.ctx.period_id)["unit_code"]
        self._last_path, self._last_mapping = path, mapping
        if preview is not None and preview is not self._preview:
            self._drop_book()
            self._preview = preview
        kept = self._preview
        parsed = kept.book if kept is not None and kept.path == path else None
        self.cancel_event = threading.Event()
        dlg = QProgressDialog(f"Đang đọc “{path.name}”…", "Hủy", 0, 0, self.window)
        dlg.setWindowTitle("Nhập sổ hồ sơ")
        dlg.setWindowModality(Qt.WindowModality.WindowModal)
        dlg.setMinimumDuration(300)
        dlg.setAutoClose(False)
        dlg.setAutoReset(False)
        dlg.canceled.connect(self.cancel_event.set)
        self.progress_dialog = dlg
        self._set_busy(True)
        cancel, signal = self.cancel_event, self._progress.changed

        def work():
            with reg.own_connection(store) as own:
                try:
                    return reg.import_register(own, unit, path, mapping=mapping,
                                               progress=lambda done, total: signal.emit(int(done), int(total or 0)),
                                               cancel=cancel.is_set, date_order=date_order, book=parsed)
                except reg.AmbiguousDates as e:  # asked on the window's thread, then imported again
                    return e

        self.window.run_task(TASK_TITLE, work, self._done, self._failed)

    def cancel(self) -> None:
        if self.cancel_event is not None:
            self.cancel_event.set()

    def _on_progress(self, done: int, total: int) -> None:
        dlg = self.progress_dialog
        if dlg is None:
            return
        if total:
            dlg.setMaximum(total)
            dlg.setValue(min(done, total))
            dlg.setLabelText(f"Đang đọc dòng {fmt.number(done)} / {fmt.number(total)}…")

    def _finish(self) -> None:
        self._set_busy(False)
        if self.progress_dialog is not None:
            self.progress_dialog.close()
            self.progress_dialog.deleteLater()
            self.progress_dialog = None

    def _set_busy(self, busy: bool) -> None:
        self.busy = busy
        self.import_action.setEnabled(not busy)
        self.figures_action.setEnabled(not busy)

    def _done(self, summary) -> None:
        self._finish()
        if isinstance(summary, reg.AmbiguousDates):
            order = ask_date_order(self.window, str(summary))
            if order is not None:
                self.start_import(self._last_path, self._last_mapping, order)
            else:
                self._drop_book()
            return
        self._drop_book()
        self.last_summary = summary
        self.ctx.invalidate("register")
        self.window.statusBar().showMessage(
            f"Đã nhập sổ hồ sơ: {fmt.number(summary.imported)} mới, {fmt.number(summary.updated)} cập nhật", 10000)
        can_compute = self.ctx.period_id is not None and not self.ctx.is_final()
        if show_summary(self.window, summary, can_compute) and can_compute:
            self.compute_figures()

    def _failed(self, message: str) -> None:
        self._finish()
        self._drop_book()
        if self.cancel_event is not None and self.cancel_event.is_set():
            self.window.info(message)
        else:
            self.window.error(message)

    def compute_figures(self) -> None:
        ctx = self.ctx
        if ctx.period_id is None:
            self.window.info("Chưa chọn kỳ báo cáo. Hãy chọn một kỳ trước khi tính số liệu từ sổ.")
            return
        period = ctx.store.period(ctx.period_id)
        if reg.register_count(ctx.store, period["unit_code"]) == 0:
            self.window.info("Chưa có sổ hồ sơ. Hãy nhập sổ trước (Công cụ → Nhập sổ theo dõi hồ sơ).")
            return
        computed = reg.period_window_figures(ctx.store, ctx.period_id)
        figures = computed.by_agency
        notes = computed.outside_lines(period["start_date"], period["end_date"])
        if not figures:
            self.window.info(f"Sổ hồ sơ không có hồ sơ nào trong kỳ {_period_words(period)} "
                             f"({fmt.date(period['start_date'])} – {fmt.date(period['end_date'])})."
                             + "".join(f"\n{n}" for n in notes))
            return
        if not confirm_figures(self.window, figures, period, notes):
            return
        if ctx.is_final():
            self.window.error("Kỳ báo cáo này đã chốt (bản chính thức) nên không sửa được. Hãy mở lại kỳ để sửa.")
            return
        try:
            reg.apply_figures_by_agency(ctx.store, ctx.period_id, figures)
        except UserError as e:
            self.window.error(str(e))
            return
        except Exception as e:  # sqlite errors: disk full, locked …
            self.window.error(f"Chưa đưa được số liệu vào kỳ ({e}). Hãy thử lại.")
            return
        ctx.invalidate("dossier")
        ctx.saved.emit("Đã đưa số liệu hồ sơ từ sổ vào kỳ báo cáo")
        self.window.statusBar().showMessage("Đã đưa số liệu hồ sơ từ sổ vào kỳ báo cáo", 10000)


def install(window) -> RegisterImport:
    feature = RegisterImport(window)
    window.register_import = feature
    return feature
