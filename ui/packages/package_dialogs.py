"""Hand-off packages in the window: export for the upper level, import at the upper level, roll-up.

- Tệp → "Xuất gói nộp cấp trên…": a folder choice with removable drives (USB sticks) first;
  the package is written and read back on a worker thread.
- Công cụ → "Nhập gói của đơn vị cấp dưới…": files, a whole folder, or drag and drop (onto the
  dialog or the main window); a preview table before importing, then each package's result.
- Công cụ → "Tổng hợp số liệu": the consolidated appendix (a table per form), the dossier
  figures, the communes with their submission status, a per-commune comparison of any
  indicator, and export of the consolidated report / appendix to Word / Excel.
"""
from __future__ import annotations

import sys
from pathlib import Path

from cchc_desktop import fmt
from cchc_desktop.report import aggregate
from cchc_desktop.domain import dossiers, periods
from cchc_desktop.errors import UserError
from cchc_desktop.exporting import package as pkg
from cchc_desktop.importing import package as ip
from cchc_desktop.store import rollup as store_rollup
from ui import messages
from ui.safety.backup_dialogs import period_text
from ui.qt import (
    QAbstractItemView, QApplication, QBrush, QCheckBox, QColor, QComboBox, QDialog, QDialogButtonBox, QEvent,
    QFileDialog, QHBoxLayout, QHeaderView, QLabel, QListWidget, QListWidgetItem, QObject, QProgressBar,
    QPushButton, QSize, Qt, QTableWidget, QTableWidgetItem, QTabWidget, QVBoxLayout, QWidget,
)

REFUSED = QColor("#fde2e1")
WARN = QColor("#fff3cd")
GOOD = QColor("#e3f4e1")


# --- removable drives ---------------------------------------------------------------------
def removable_drives() -> list[Path]:
    """Mounted removable drives where the OS tells: Windows drive types, Linux/macOS mount folders."""
    out: list[Path] = []
    if sys.platform == "win32":
        try:
            import ctypes
            import string

            kernel32 = ctypes.windll.kernel32
            mask = kernel32.GetLogicalDrives()
            for i, letter in enumerate(string.ascii_uppercase):
                if mask & (1 << i):
                    root = f"{letter}:\\"
                    if kernel32.GetDriveTypeW(ctypes.c_wchar_p(root)) == 2:  # DRIVE_REMOVABLE
                        out.append(Path(root))
        except Exception:
            return out
        return out
    mounts = []
    try:
        with open("/proc/mounts", encoding="utf-8", errors="replace") as fh:
            for line in fh:
                parts = line.split()
                if len(parts) >= 2:
                    mounts.append(parts[1].replace("\\040", " ").replace("\\011", "\t"))
    except OSError:
        pass
    if sys.platform == "darwin":
        vol = Path("/Volumes")
        if vol.is_dir():
            mounts.extend(str(p) for p in vol.iterdir() if not p.is_symlink())
    for m in mounts:
        if m.startswith(("/media/", "/run/media/", "/Volumes/")) and Path(m).is_dir():
            out.append(Path(m))
    return out


def folder_choices() -> list[tuple[str, Path]]:
    """(label, folder): removable drives first, then Desktop and Documents."""
    out = [(f"USB / ổ di động: {p}", p) for p in removable_drives()]
    home = Path.home()
    for name, label in (("Desktop", "Màn hình nền"), ("Documents", "Tài liệu")):
        p = home / name
        if p.is_dir():
            out.append((f"{label}: {p}", p))
    return out


def choose_folder(parent, start: str = "") -> str | None:
    path = QFileDialog.getExistingDirectory(parent, "Chọn thư mục ghi gói", start)
    return path or None


def choose_package_files(parent) -> list[str]:
    files, _ = QFileDialog.getOpenFileNames(parent, "Chọn gói nộp của đơn vị cấp dưới", "",
                                            "Gói nộp CCHC (*.cchc);;Tất cả tệp (*)")
    return list(files)


def choose_package_folder(parent) -> str | None:
    path = QFileDialog.getExistingDirectory(parent, "Chọn thư mục chứa các gói nộp (.cchc)")
    return path or None


def ask_save_path(parent, title: str, proposed: str, filter_text: str) -> str | None:
    path, _ = QFileDialog.getSaveFileName(parent, title, proposed, filter_text)
    return path or None


def _item(text, align_right: bool = False, tooltip: str = "") -> QTableWidgetItem:
    it = QTableWidgetItem("" if text is None else str(text))
    it.setFlags(it.flags() & ~Qt.ItemFlag.ItemIsEditable)
    if align_right:
        it.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    if tooltip:
        it.setToolTip(tooltip)
    return it


def _table(headers: list[str]) -> QTableWidget:
    t = QTableWidget(0, len(headers))
    t.setHorizontalHeaderLabels(headers)
    t.verticalHeader().setVisible(False)
    t.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    t.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    t.setWordWrap(True)
    t.setAlternatingRowColors(True)
    # Wrapped cells follow the real column widths.
    t.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    return t


def _paint(table: QTableWidget, row: int, color: QColor | None) -> None:
    if color is None:
        return
    for c in range(table.columnCount()):
        it = table.item(row, c)
        if it is not None:
            it.setBackground(QBrush(color))


def _package_paths(urls) -> list[Path]:
    out = []
    for u in urls:
        if u.isLocalFile():
            p = Path(u.toLocalFile())
            if p.is_dir() or p.suffix.lower() == pkg.SUFFIX:
                out.append(p)
    return out


# --- export -------------------------------------------------------------------------------
class ExportPackageDialog(QDialog):
    """Where to write the package: removable drives first, or any folder."""

    def __init__(self, unit_label: str, period_label: str, parent=None):
        super().__init__(parent)
        self.setWindowTitle("Xuất gói nộp cấp trên")
        self.setMinimumWidth(560)
        lay = QVBoxLayout(self)
        self.intro = intro = QLabel(
            f"Gói nộp của <b>{unit_label}</b>, kỳ <b>{period_label}</b>: một tệp <i>.cchc</i> chứa số liệu, "
            "báo cáo Word và phụ lục Excel, kèm mã kiểm tra. Chọn nơi ghi (nên ghi thẳng vào USB):")
        intro.setWordWrap(True)
        lay.addWidget(intro)
        self.list = QListWidget()
        for label, path in folder_choices():
            it = QListWidgetItem(label)
            it.setData(Qt.ItemDataRole.UserRole, str(path))
            self.list.addItem(it)
        if self.list.count():
            self.list.setCurrentRow(0)
        lay.addWidget(self.list)
        self.no_usb = QLabel("Chưa thấy USB nào: hãy cắm USB rồi bấm “Tìm lại USB”, hoặc chọn một thư mục.")
        self.no_usb.setStyleSheet("color:#805b00;")
        self.no_usb.setWordWrap(True)
        lay.addWidget(self.no_usb)
        row = QHBoxLayout()
        self.other = QPushButton("Chọn thư mục khác…")
        self.other.clicked.connect(self._choose_other)
        self.refresh = QPushButton("Tìm lại USB")
        self.refresh.clicked.connect(self._refresh)
        row.addWidget(self.other)
        row.addWidget(self.refresh)
        row.addStretch(1)
        lay.addLayout(row)
        self.with_documents = QCheckBox("Kèm báo cáo Word và phụ lục Excel")
        self.with_documents.setChecked(True)
        lay.addWidget(self.with_documents)
        self.buttons = messages.vi_buttons(QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel))
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Ghi gói")
        self.buttons.accepted.connect(self._accept)
        self.buttons.rejected.connect(self.reject)
        lay.addWidget(self.buttons)
        self._update_hint()

    def _update_hint(self) -> None:
        has_usb = any(str(self.list.item(i).text()).startswith("USB") for i in range(self.list.count()))
        self.no_usb.setVisible(not has_usb)

    def _refresh(self) -> None:
        chosen = self.folder()
        self.list.clear()
        for label, path in folder_choices():
            it = QListWidgetItem(label)
            it.setData(Qt.ItemDataRole.UserRole, str(path))
            self.list.addItem(it)
        if chosen:
            self.add_folder(chosen)
        elif self.list.count():
            self.list.setCurrentRow(0)
        self._update_hint()

    def add_folder(self, path: str) -> None:
        for i in range(self.list.count()):
            if self.list.item(i).data(Qt.ItemDataRole.UserRole) == str(path):
                self.list.setCurrentRow(i)
                return
        it = QListWidgetItem(f"Thư mục: {path}")
        it.setData(Qt.ItemDataRole.UserRole, str(path))
        self.list.addItem(it)
        self.list.setCurrentItem(it)

    def _choose_other(self) -> None:
        path = choose_folder(self)
        if path:
            self.add_folder(path)

    def folder(self) -> str | None:
        it = self.list.currentItem()
        return it.data(Qt.ItemDataRole.UserRole) if it is not None else None

    def _accept(self) -> None:
        if not self.folder():
            messages.error(self, "Hãy chọn nơi ghi gói (cắm USB rồi bấm “Tìm lại USB”, hoặc chọn một thư mục).")
            return
        self.accept()


# --- import -------------------------------------------------------------------------------
class ImportPackagesDialog(QDialog):
    COLS = ["Tệp", "Đơn vị", "Kỳ", "Lập gói lúc", "Hồ sơ tiếp nhận", "Tỷ lệ đúng hạn", "Tình trạng"]

    def __init__(self, store, parent=None, on_imported=None):
        super().__init__(parent)
        self.store = store
        self.on_imported = on_imported
        self.paths: list[Path] = []
        self.previews: list[ip.Preview] = []
        self.results: list[ip.Result] = []
        self.setWindowTitle("Nhập gói của đơn vị cấp dưới")
        self.setAcceptDrops(True)
        self.resize(1000, 520)
        lay = QVBoxLayout(self)
        hint = QLabel("Thêm các gói <i>.cchc</i> của các xã (chọn tệp, chọn cả thư mục, hoặc kéo thả vào đây). "
                      "Mỗi gói được kiểm tra trước khi nhập; gói lỗi bị từ chối và không ảnh hưởng các gói khác.")
        hint.setWordWrap(True)
        lay.addWidget(hint)
        row = QHBoxLayout()
        self.btn_files = QPushButton("Thêm tệp…")
        self.btn_files.clicked.connect(self._add_files)
        self.btn_folder = QPushButton("Thêm cả thư mục…")
        self.btn_folder.clicked.connect(self._add_folder)
        self.btn_clear = QPushButton("Xóa danh sách")
        self.btn_clear.clicked.connect(self.clear)
        for b in (self.btn_files, self.btn_folder, self.btn_clear):
            row.addWidget(b)
        row.addStretch(1)
        lay.addLayout(row)
        self.table = _table(self.COLS)
        hh = self.table.horizontalHeader()
        hh.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        hh.setSectionResizeMode(len(self.COLS) - 1, QHeaderView.ResizeMode.Stretch)
        lay.addWidget(self.table, 1)
        self.summary = QLabel("Chưa có gói nào. Kéo thả các tệp .cchc vào cửa sổ này.")
        self.summary.setWordWrap(True)
        lay.addWidget(self.summary)
        self.force = QCheckBox("Vẫn nhập cả gói cũ hơn gói đang có (nhập đè; bản đang có vẫn lưu trong lịch sử)")
        self.force.toggled.connect(self._update_buttons)
        lay.addWidget(self.force)
        self.progress = QProgressBar()
        self.progress.hide()
        lay.addWidget(self.progress)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        messages.vi_buttons(self.buttons)
        self.btn_import = self.buttons.addButton("Nhập các gói", QDialogButtonBox.ButtonRole.ActionRole)
        self.btn_import.clicked.connect(self.run_import)
        self.buttons.rejected.connect(self.reject)
        lay.addWidget(self.buttons)
        self._update_buttons()

    # drag and drop
    def dragEnterEvent(self, event):  # noqa: N802
        if event.mimeData().hasUrls() and _package_paths(event.mimeData().urls()):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event):  # noqa: N802
        self.dragEnterEvent(event)

    def dropEvent(self, event):  # noqa: N802
        paths = _package_paths(event.mimeData().urls())
        if paths:
            event.acceptProposedAction()
            self.add_paths(paths)

    def _add_files(self) -> None:
        files = choose_package_files(self)
        if files:
            self.add_paths(files)

    def _add_folder(self) -> None:
        folder = choose_package_folder(self)
        if folder:
            found = ip.expand_paths([folder])
            if not found:
                messages.info(self, f"Thư mục “{folder}” không có tệp gói (.cchc) nào.")
            self.add_paths(found)

    def clear(self) -> None:
        self.paths = []
        self.results = []
        self.refresh()

    def add_paths(self, paths) -> None:
        self.results = []
        known = {p.resolve() for p in self.paths}
        for p in ip.expand_paths([Path(x) for x in paths]):
            if p.resolve() not in known:
                self.paths.append(p)
                known.add(p.resolve())
        self.refresh()

    def refresh(self) -> None:
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            self.previews = ip.preview(self.store, self.paths)
        finally:
            QApplication.restoreOverrideCursor()
        self.table.setRowCount(len(self.previews))
        for r, pv in enumerate(self.previews):
            info = pv.info
            figures = info.key_figures() if info else {}
            created = ""
            if info:
                created = f"{fmt.date(info.created_at[:10])} {info.created_at[11:16]}"
            status = pv.status_label + (f": {pv.reason}" if pv.reason else "")
            if pv.status == "older" and pv.held_created_at:
                status += f" (bản đang có lập {fmt.date(pv.held_created_at[:10])})"
            if self.results and r < len(self.results):
                res = self.results[r]
                status = res.status_label[:1].upper() + res.status_label[1:] + (
                    f": {res.message}" if res.message else "")
            cells = [pv.path.name, info.unit_label if info else "",
                     period_text(info.period_code) if info else "", created,
                     figures.get("Hồ sơ Một cửa tiếp nhận", ""), figures.get("Tỷ lệ đúng hạn", ""), status]
            for c, text in enumerate(cells):
                self.table.setItem(r, c, _item(text, align_right=c in (4, 5), tooltip=status if c == 6 else ""))
            color = None
            state = self.results[r].status if self.results and r < len(self.results) else pv.status
            if state in ("refused",):
                color = REFUSED
            elif state in ("older",):
                color = WARN
            elif state in ("imported", "replaced"):
                color = GOOD
            _paint(self.table, r, color)
        self.table.resizeRowsToContents()
        self._update_summary()
        self._update_buttons()

    def _counts(self) -> dict[str, int]:
        out = {k: 0 for k in ip.STATUS_LABELS}
        for pv in self.previews:
            out[pv.status] += 1
        return out

    def _update_summary(self) -> None:
        if self.results:
            n = {s: sum(r.status == s for r in self.results) for s in ip.RESULT_LABELS}
            self.summary.setText(
                f"Đã xong: {n['imported']} gói mới, {n['replaced']} gói thay bản cũ, "
                f"{n['unchanged']} gói không đổi, {n['refused']} gói bị từ chối.")
            return
        if not self.previews:
            self.summary.setText("Chưa có gói nào. Kéo thả các tệp .cchc vào cửa sổ này.")
            return
        c = self._counts()
        parts = [f"{len(self.previews)} gói: {c['new']} mới, {c['newer']} bản mới hơn, {c['same']} đã có"]
        if c["older"]:
            parts.append(f"{c['older']} cũ hơn bản đang có (chỉ nhập khi đánh dấu “Vẫn nhập”)")
        if c["refused"]:
            parts.append(f"{c['refused']} bị từ chối (xem lý do ở cột Tình trạng)")
        uppers = {pv.upper["code"]: pv.upper for pv in self.previews if pv.upper and not pv.upper.get("exists")}
        text = "; ".join(parts) + "."
        if uppers:
            u = next(iter(uppers.values()))
            text += (f" Tệp dữ liệu đang trống: sẽ được lập thành tệp của "
                     f"{aggregate.label(u)} (cấp trên mà các xã khai báo).")
        self.summary.setText(text)

    def importable(self) -> list[ip.Preview]:
        ok = {"new", "newer"} | ({"older"} if self.force.isChecked() else set())
        return [pv for pv in self.previews if pv.status in ok]

    def _update_buttons(self, *_):
        self.btn_import.setEnabled(bool(self.importable()) and not self.results)

    def run_import(self) -> list[ip.Result]:
        todo = [pv.info for pv in self.previews if pv.info is not None]
        if not todo or not self.importable():
            return []
        self.progress.setRange(0, len(todo))
        self.progress.setValue(0)
        self.progress.show()
        self.btn_import.setEnabled(False)

        def step(k, n, result):
            self.progress.setValue(k + 1)
            QApplication.processEvents()

        results_by_path = {}
        try:
            for r in ip.import_packages(self.store, todo, force=self.force.isChecked(), on_result=step):
                results_by_path[r.path] = r
        finally:
            self.progress.hide()
        # One result per row, in the table's order (refused-at-check rows keep their reason).
        self.results = [results_by_path.get(pv.path) or ip.Result(pv.path, "refused", pv.reason)
                        for pv in self.previews]
        self.refresh_results()
        if self.on_imported is not None and any(r.status in ("imported", "replaced") for r in self.results):
            self.on_imported(self.results)
        return self.results

    def refresh_results(self) -> None:
        results = self.results
        self.refresh()
        self.results = results
        # refresh() recomputed previews (now "same"); paint the results over them.
        for r, res in enumerate(self.results):
            text = res.status_label[:1].upper() + res.status_label[1:] + (f": {res.message}" if res.message else "")
            self.table.setItem(r, 6, _item(text, tooltip=text))
            _paint(self.table, r, {"refused": REFUSED, "imported": GOOD, "replaced": GOOD}.get(res.status))
        self._update_summary()
        self._update_buttons()


# --- roll-up ------------------------------------------------------------------------------
def available_geometry(widget=None):
    """The usable part (without the taskbar) of the screen of `widget`, or of the primary screen."""
    screen = widget.screen() if widget is not None else None
    return (screen or QApplication.primaryScreen()).availableGeometry()


def fit_size(wanted: QSize, available, frame: tuple[int, int] = (16, 40)) -> QSize:
    """`wanted`, made smaller where the screen's `available` rectangle (less the window frame:
    borders, title bar) is."""
    return QSize(max(1, min(wanted.width(), available.width() - frame[0])),
                 max(1, min(wanted.height(), available.height() - frame[1])))


class RollupDialog(QDialog):
    """The consolidated figures of the upper level for one period."""

    WANTED = QSize(1100, 700)  # smaller on a small screen (fit_size)

    def __init__(self, store, upper_code: str, period_code: str, parent=None, run_task=None, ctx=None):
        super().__init__(parent)
        self.store = store
        self.upper_code = upper_code
        self.run_task = run_task
        self.ctx = ctx  # the window's context: the Word export's charts choice is remembered through it
        self.rollup: aggregate.RollUp | None = None
        self.setWindowTitle("Tổng hợp số liệu")
        self.resize(fit_size(self.WANTED, available_geometry(parent)))
        lay = QVBoxLayout(self)
        top = QHBoxLayout()
        top.addWidget(QLabel("Kỳ báo cáo:"))
        self.period = QComboBox()
        for code in self._period_codes():
            self.period.addItem(period_text(code), code)
        i = self.period.findData(period_code)
        if i < 0:
            self.period.addItem(period_text(period_code), period_code)
            i = self.period.count() - 1
        self.period.setCurrentIndex(i)
        self.period.currentIndexChanged.connect(lambda _i: self.reload())
        top.addWidget(self.period)
        self.headline = QLabel("")
        self.headline.setWordWrap(True)
        top.addWidget(self.headline, 1)
        lay.addLayout(top)
        self.tabs = QTabWidget()
        lay.addWidget(self.tabs, 1)
        # Communes and their status.
        self.communes = _table(["Xã", "Tình trạng", "Lập gói lúc", "Hạn nộp", "Hồ sơ tiếp nhận", "Đã giải quyết",
                                "Tỷ lệ đúng hạn", "Tỷ lệ trực tuyến"])
        self.communes.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.tabs.addTab(self.communes, "Tình trạng nộp")  # short: ten tabs fit 1024 px
        # Dossiers.
        self.dossier = _table(["Chỉ số"] + list(dossiers.AGENCIES.values()))
        self.dossier.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.tabs.addTab(self.dossier, "Hồ sơ TTHC")
        # Comparison.
        cmp_page = QWidget()
        cl = QVBoxLayout(cmp_page)
        crow = QHBoxLayout()
        crow.addWidget(QLabel("Chỉ tiêu:"))
        self.indicator = QComboBox()
        self.indicator.setMinimumWidth(500)
        crow.addWidget(self.indicator, 1)
        cl.addLayout(crow)
        self.compare = _table(["Xã", "Giá trị"])
        self.compare.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        cl.addWidget(self.compare, 1)
        self.tabs.addTab(cmp_page, "So sánh theo xã")
        self.form_tables: dict[str, QTableWidget] = {}
        # Buttons.
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        messages.vi_buttons(self.buttons)
        self.btn_docx = self.buttons.addButton("Xuất Word…", QDialogButtonBox.ButtonRole.ActionRole)
        self.btn_xlsx = self.buttons.addButton("Xuất Excel…", QDialogButtonBox.ButtonRole.ActionRole)
        self.btn_docx.clicked.connect(lambda: self.export("docx"))
        self.btn_xlsx.clicked.connect(lambda: self.export("xlsx"))
        self.buttons.rejected.connect(self.reject)
        lay.addWidget(self.buttons)
        self.indicator.currentIndexChanged.connect(lambda _i: self.fill_compare())
        self.reload()

    def _period_codes(self) -> list[str]:
        codes = store_rollup.period_codes_of(self.store, self.upper_code)
        return sorted(codes, key=lambda c: periods.sort_key(periods.parse_code(c)), reverse=True)

    def period_code(self) -> str:
        return self.period.currentData()

    def reload(self) -> None:
        try:
            self.rollup = aggregate.rollup(self.store, self.period_code(), self.upper_code)
        except UserError as e:
            messages.error(self, str(e))
            return
        r = self.rollup
        m = r.data.measures("ubnd")
        self.headline.setText(
            f"<b>{aggregate.label(r.upper)}</b>: {len(r.reported)}/{len(r.communes)} xã đã có số liệu"
            + (f", <span style='color:#a00000'>còn thiếu: {', '.join(c.name for c in r.missing)}</span>"
               if r.missing else "")
            + f". Hồ sơ Một cửa: tiếp nhận {fmt.number(m['tiep_nhan']) or '—'}, "
              f"đúng hạn {fmt.percent(m['ty_le_dung_han'], with_sign=True) or '—'}.")
        self.fill_forms()
        self.fill_communes()
        self.fill_dossiers()
        self.fill_indicators()
        self.btn_docx.setEnabled(bool(r.reported))
        self.btn_xlsx.setEnabled(bool(r.reported))

    def fill_forms(self) -> None:
        r = self.rollup
        cat = r.data.catalogue
        for code, table in list(self.form_tables.items()):
            i = self.tabs.indexOf(table)
            if i >= 0:
                self.tabs.removeTab(i)
            table.deleteLater()
        self.form_tables = {}
        for k, form in enumerate(cat.appendix_forms()):
            t = _table(["STT", "Chỉ tiêu", "Đơn vị tính", "Tổng hợp", "Ghi chú"])
            hh = t.horizontalHeader()
            hh.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
            hh.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
            hh.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
            hh.setSectionResizeMode(3, QHeaderView.ResizeMode.ResizeToContents)
            t.setColumnWidth(4, 300)
            t.setRowCount(len(form.rows))
            for i, row in enumerate(form.rows):
                v = r.data.values.get(row.code)
                text = "" if row.kind == "choice" else row.format(v)
                note = r.data.note(row.code)
                cells = [row.stt, row.label, row.unit, text, note]
                for c, value in enumerate(cells):
                    it = _item(value, align_right=c == 3, tooltip=row.label if c == 1 else (note if c == 4 else ""))
                    if row.kind == "group":
                        f = it.font()
                        f.setBold(True)
                        it.setFont(f)
                    t.setItem(i, c, it)
            t.resizeRowsToContents()
            self.tabs.insertTab(k, t, form.heading or form.code)
            self.tabs.setTabToolTip(k, form.title)
            self.form_tables[form.code] = t
        self.tabs.setCurrentIndex(0)

    def fill_communes(self) -> None:
        r = self.rollup
        t = self.communes
        t.setRowCount(len(r.communes))
        for i, c in enumerate(r.communes):
            f = c.figures()
            sent = f"{fmt.date(c.submitted_at[:10])} {c.submitted_at[11:16]}" if c.submitted_at else ""
            cells = [c.name, c.status_label, sent, fmt.date(c.deadline) if c.deadline else "",
                     fmt.number(f.get("tiep_nhan")), fmt.number(f.get("da_giai_quyet")),
                     fmt.percent(f.get("ty_le_dung_han"), with_sign=True) if f.get("ty_le_dung_han") is not None else "",
                     fmt.percent(f.get("ty_le_truc_tuyen"), with_sign=True)
                     if f.get("ty_le_truc_tuyen") is not None else ""]
            for col, text in enumerate(cells):
                t.setItem(i, col, _item(text, align_right=col >= 4))
            _paint(t, i, {"chua_nop": REFUSED, "tre_han": WARN}.get(c.status))

    def fill_dossiers(self) -> None:
        r = self.rollup
        t = self.dossier
        names = list(dossiers.MEASURES.items())
        t.setRowCount(len(names))
        per = {a: r.data.measures(a) for a in dossiers.AGENCIES}
        for i, (m, label) in enumerate(names):
            t.setItem(i, 0, _item(label))
            for j, a in enumerate(dossiers.AGENCIES, 1):
                v = per[a][m]
                text = (fmt.percent(v, with_sign=True) if v is not None else "") if m in dossiers.RATE_MEASURES \
                    else fmt.number(v)
                t.setItem(i, j, _item(text, align_right=True))

    def fill_indicators(self) -> None:
        current = self.indicator.currentData()
        self.indicator.blockSignals(True)
        self.indicator.clear()
        for m in ("tiep_nhan", "da_giai_quyet", "ty_le_dung_han", "ty_le_truc_tuyen", "ty_le_da_giai_quyet"):
            self.indicator.addItem(f"Hồ sơ Một cửa: {dossiers.MEASURES[m]}", f"hs.ubnd.{m}")
        for row in self.rollup.data.catalogue.rows():
            if row.has_value and row.kind != "text":
                self.indicator.addItem(f"{row.form} {row.stt} {row.label[:90]}", row.code)
        i = self.indicator.findData(current) if current else 0
        self.indicator.setCurrentIndex(max(i, 0))
        self.indicator.blockSignals(False)
        self.fill_compare()

    def fill_compare(self) -> None:
        if self.rollup is None:
            return
        name = self.indicator.currentData()
        if not name:
            return
        rows = self.rollup.compare(name)
        t = self.compare
        t.setRowCount(len(rows) + 1)
        for i, (commune, _v, text) in enumerate(rows):
            t.setItem(i, 0, _item(commune))
            t.setItem(i, 1, _item(text, align_right=True))
        total = self.rollup.total(name)[1]
        row = self.rollup.data.catalogue.rows_by_code.get(name)
        if row is not None and row.kind in ("choice", "percent") and not row.derived:
            total = self.rollup.data.note(name)
        t.setItem(len(rows), 0, _item(f"Toàn {aggregate.label(self.rollup.upper)}"))
        t.setItem(len(rows), 1, _item(total, align_right=True))
        for c in range(2):
            f = t.item(len(rows), c).font()
            f.setBold(True)
            t.item(len(rows), c).setFont(f)

    def export(self, kind: str) -> str | None:
        r = self.rollup
        if r is None:
            return None
        target = ask_consolidated_target(self, r, kind, self.store, self.ctx)
        if target is None:
            return None
        path, charts = target
        work = consolidated_work(r, kind, path, charts, compare=self.indicator.currentData())

        def done(out):
            messages.info(self, f"Đã xuất {'báo cáo Word' if kind == 'docx' else 'phụ lục Excel'}: {out}")

        if self.run_task is not None:
            self.run_task(EXPORT_TASK_TITLE, work, done, lambda msg: messages.error(self, msg))
        else:
            try:
                done(work())
            except UserError as e:
                messages.error(self, str(e))
        return str(path)


# --- the consolidated report's export: the roll-up dialog, and Xuất Word / Xuất Excel of an upper level
EXPORT_TASK_TITLE = "Đang xuất số liệu tổng hợp"
NO_COMMUNE_DATA = ("Chưa có số liệu của xã nào cho {period}, nên báo cáo tổng hợp của {upper} sẽ trống. "
                   "Hãy nhập gói nộp của các xã (Công cụ → Nhập gói của đơn vị cấp dưới…), rồi xuất lại.")


def ask_rollup_charts(parent, store, ctx, r: aggregate.RollUp) -> bool | None:
    """The commune export's options dialog (Kèm biểu đồ hồ sơ một cửa), its choice remembered
    per period kind in the upper unit's settings; None when cancelled."""
    from ui.export import export_word

    unit = store.unit(r.upper["code"])
    period_kind = r.data.period["kind"]
    charts = export_word.ask_options(parent, r.data, export_word.remembered_charts(unit, period_kind))
    if charts is not None and ctx is not None:
        export_word.remember_charts(ctx, unit, period_kind, charts)
    return charts


def consolidated_file_name(r: aggregate.RollUp, kind: str) -> str:
    """The name proposed for the consolidated report ("docx") or appendix ("xlsx"), worded as a
    commune's export names its own: `BC CCHC tong hop nam 2023 - huyen Thanh Mien.docx`,
    `Phu luc CCHC tong hop nam 2023 - huyen Thanh Mien.xlsx`."""
    from cchc_desktop.exporting import docx_report, xlsx_appendix

    name = (docx_report.file_name if kind == "docx" else xlsx_appendix.file_name)(r.data)
    head, sep, tail = name.partition(" CCHC ")
    return f"{head} CCHC tong hop {tail}" if sep else f"tong hop {name}"


def ask_consolidated_target(parent, r: aggregate.RollUp, kind: str, store, ctx=None,
                            folder: Path | None = None) -> tuple[Path, bool] | None:
    """The options (Word: the charts) and the file of the consolidated report ("docx") or
    appendix ("xlsx"): (path, charts), or None when the user cancels."""
    from ui.export.export_word import default_folder

    folder = folder or default_folder()
    charts = False
    if kind == "docx":
        charts = ask_rollup_charts(parent, store, ctx, r)
        if charts is None:
            return None
        path = ask_save_path(parent, "Xuất báo cáo tổng hợp ra Word", str(folder / consolidated_file_name(r, kind)),
                             "Tài liệu Word (*.docx)")
    else:
        path = ask_save_path(parent, "Xuất phụ lục tổng hợp ra Excel", str(folder / consolidated_file_name(r, kind)),
                             "Bảng tính Excel (*.xlsx)")
    if not path:
        return None
    path = Path(path)
    if path.suffix.lower() != f".{kind}":
        path = path.with_name(f"{path.name}.{kind}")
    return path, charts


def consolidated_work(r: aggregate.RollUp, kind: str, path: Path, charts: bool, compare: str | None = None):
    """The writing of the consolidated file, to run on a worker thread (it reads only `r`)."""
    def work():
        if kind == "docx":
            from cchc_desktop.exporting import docx_report

            return docx_report.write(r.data, path, charts=charts)
        from cchc_desktop.exporting import xlsx_rollup

        return xlsx_rollup.write(r, path, compare=compare)
    return work


def export_upper(window, kind: str, folder: Path | None = None, on_done=None, on_error=None) -> Path | None:
    """Xuất Word / Xuất Excel in an upper level's window: the consolidated report of the open
    period, as the roll-up dialog exports it. When no commune has reported for the period the
    user is told to import the packages instead. The path being written, or None."""
    ctx = window.ctx
    code = ctx.store.period(ctx.period_id)["code"]
    try:
        r = aggregate.rollup(ctx.store, code, ctx.unit_code)
    except UserError as e:
        window.error(str(e))
        return None
    if not r.reported:
        window.info(NO_COMMUNE_DATA.format(period=periods.name(periods.parse_code(code)),
                                           upper=aggregate.label(r.upper)))
        return None
    target = ask_consolidated_target(window, r, kind, ctx.store, ctx, folder)
    if target is None:
        return None
    path, charts = target
    window.run_task(EXPORT_TASK_TITLE, consolidated_work(r, kind, path, charts), on_done, on_error)
    return path


# --- the feature ------------------------------------------------------------------------
class _DropFilter(QObject):
    """Packages dropped onto the main window open the import dialog with them."""

    def __init__(self, feature):
        super().__init__(feature.window)
        self.feature = feature

    def eventFilter(self, obj, event):  # noqa: N802
        et = event.type()
        if et in (QEvent.Type.DragEnter, QEvent.Type.DragMove):
            md = event.mimeData()
            if md.hasUrls() and _package_paths(md.urls()):
                event.acceptProposedAction()
                return True
        elif et == QEvent.Type.Drop:
            md = event.mimeData()
            paths = _package_paths(md.urls()) if md.hasUrls() else []
            if paths:
                event.acceptProposedAction()
                self.feature.import_packages(paths)
                return True
        return False


class PackageFeature(QObject):
    def __init__(self, window):
        super().__init__(window)
        self.window = window
        self.act_export = window.add_action("Tệp", "Xuất gói nộp cấp trên…", self.export_package)
        self.act_import = window.add_action("Công cụ", "Nhập gói của đơn vị cấp dưới…", self.import_packages)
        self.act_rollup = window.add_action("Công cụ", "Tổng hợp số liệu", self.show_rollup)
        self.drop_filter = _DropFilter(self)
        window.setAcceptDrops(True)
        window.installEventFilter(self.drop_filter)
        self.last_dialog = None

    @property
    def ctx(self):
        return self.window.ctx

    # export ---------------------------------------------------------------------------
    def export_package(self, folder: str | None = None, documents: bool | None = None) -> None:
        ctx = self.ctx
        if ctx.period_id is None:
            self.window.error("Chưa chọn kỳ báo cáo. Hãy chọn kỳ cần nộp ở thanh công cụ.")
            return
        unit = ctx.store.unit(ctx.unit_code)
        period = ctx.store.period(ctx.period_id)
        if unit["kind"] in aggregate.UPPER_KINDS:
            self.window.error(f"{aggregate.label(unit)} là cấp trên: gói nộp dành cho xã, phường, thị trấn. "
                              "Để gửi số liệu tổng hợp, hãy dùng Công cụ → Tổng hợp số liệu → Xuất Word/Excel.")
            return
        if not (unit.get("upper_name") or "").strip():
            if not self.window.ask(f"{aggregate.label(unit)} chưa khai báo cấp trên (huyện/tỉnh) trong Thông tin "
                                   "đơn vị. Cấp trên sẽ khó nhập gói này. Vẫn xuất gói?"):
                return
        if folder is None:
            dlg = ExportPackageDialog(aggregate.label(unit), period_text(period["code"]), self.window)
            self.last_dialog = dlg
            if dlg.exec() != QDialog.DialogCode.Accepted:
                return
            folder = dlg.folder()
            documents = dlg.with_documents.isChecked()
        if documents is None:
            documents = True
        try:
            prepared = pkg.Prepared(ctx.store, unit["code"], period["code"], documents=documents)
        except UserError as e:
            self.window.error(str(e))
            return
        target = Path(folder)

        def work():
            if not target.is_dir():
                raise UserError(f"Thư mục “{target}” không tồn tại (USB đã rút ra?). Hãy chọn lại nơi lưu gói.")
            return pkg.write_package(prepared.members(), target / prepared.file_name)

        def done(path):
            self.last_package = path
            self.window.info(f"Đã ghi và kiểm tra lại gói nộp:\n{path}\n\nNếu ghi vào USB, hãy dùng “Rút thiết bị "
                             "an toàn” trước khi rút USB ra, rồi gửi USB cho cấp trên.")

        self.window.run_task("Đang ghi gói nộp", work, done)

    # import ---------------------------------------------------------------------------
    def import_packages(self, paths=None) -> ImportPackagesDialog:
        dlg = ImportPackagesDialog(self.ctx.store, self.window, on_imported=self._imported)
        self.last_dialog = dlg
        if paths:
            dlg.add_paths(paths)
        dlg.open()
        return dlg

    def _imported(self, results) -> None:
        ctx = self.ctx
        store = ctx.store
        try:
            main = store.unit(None)
        except UserError:
            return
        # A file that was empty (or a commune file opened by mistake) now shows the upper level.
        if ctx.unit_code != main["code"] and main["kind"] in aggregate.UPPER_KINDS:
            periods = store.periods(main["code"])
            if periods:
                ctx.unit_code = main["code"]
                ctx.set_period(periods[-1]["id"])
                fill = getattr(self.window, "_fill_periods", None)
                if fill:
                    fill()
        ctx.invalidate("*")

    # roll-up --------------------------------------------------------------------------
    def show_rollup(self) -> RollupDialog | None:
        ctx = self.ctx
        try:
            unit = ctx.store.unit(ctx.unit_code)
        except UserError as e:
            self.window.error(str(e))
            return None
        if unit["kind"] not in aggregate.UPPER_KINDS:
            self.window.info(
                f"Tổng hợp số liệu dành cho cấp huyện/tỉnh. Tệp dữ liệu này là của {aggregate.label(unit)}. "
                "Ở cấp trên: mở tệp dữ liệu của huyện (hoặc một tệp mới), rồi Công cụ → Nhập gói của đơn vị "
                "cấp dưới.")
            return None
        code = ctx.store.period(ctx.period_id)["code"] if ctx.period_id else None
        if code is None:
            codes = RollupDialog._period_codes(type("X", (), {"store": ctx.store, "upper_code": unit["code"]})())
            if not codes:
                self.window.info("Chưa có số liệu của xã nào. Hãy nhập các gói nộp trước.")
                return None
            code = codes[0]
        dlg = RollupDialog(ctx.store, unit["code"], code, self.window, run_task=self.window.run_task, ctx=ctx)
        self.last_dialog = dlg
        dlg.open()
        return dlg


def install(window) -> PackageFeature:
    feature = PackageFeature(window)
    window.package_feature = feature
    return feature


def upper_period_id(store) -> int | None:
    """The newest period of the file's upper unit (after packages went into a new file), or None."""
    try:
        main = store.unit(None)
    except UserError:
        return None
    if main["kind"] not in aggregate.UPPER_KINDS:
        return None
    periods = store.periods(main["code"])
    return periods[-1]["id"] if periods else None


def import_into_new_file(store, parent=None, paths=None) -> int | None:
    """For the welcome screen of an empty data file at the upper level: import the communes'
    packages (the file becomes the upper unit they name) and return the period to open, or None
    if nothing was imported. `paths`: packages already chosen (a double-clicked .cchc)."""
    dlg = ImportPackagesDialog(store, parent)
    if paths:
        dlg.add_paths(paths)
    dlg.exec()
    return upper_period_id(store)
