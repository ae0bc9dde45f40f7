"""The hand-off package in the window: where a commune writes it (removable drives first), and the
upper level's import (files, a folder, or dropped; a preview table, then each package's result).
`import_into_new_file` sets an empty data file up from the communes' packages (the welcome screen).
"""
from __future__ import annotations

from pathlib import Path

from cchc_desktop import fmt
from cchc_desktop.errors import UserError
from cchc_desktop.exporting import package as pkg
from cchc_desktop.importing import package as ip
from cchc_desktop.domain.units import UPPER_KINDS, label
from ui import messages
from ui.packages.drives import folder_choices
from ui.packages.tables import GOOD, REFUSED, WARN, cell, paint, read_only_table
from ui.texts import period_text
from ui.qt import (
    QApplication, QCheckBox, QDialog, QDialogButtonBox, QFileDialog, QHBoxLayout, QHeaderView, QLabel,
    QListWidget, QListWidgetItem, QProgressBar, QPushButton, Qt, QVBoxLayout,
)


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


def package_paths(urls) -> list[Path]:
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
    COLS = ["Tệp", "Đơn vị", "Kỳ", "Lập gói lúc", "Hồ sơ tiếp nhận", "Tỷ lệ đúng hạn", "Mã khóa", "Tình trạng"]
    STATUS = len(COLS) - 1
    KEY_WORDS = {"new": "(lần đầu: đối chiếu với xã)", "changed": "(khóa khác khóa đã ghi nhận)"}

    def __init__(self, store, parent=None, on_imported=None):
        super().__init__(parent)
        self.store = store
        self.on_imported = on_imported
        self.paths: list[Path] = []
        self.previews: list[ip.Preview] = []
        self.results: list[ip.Result] = []
        self.accept_new_key = False  # the officer accepted the communes' new keys (button, audited)
        self.setWindowTitle("Nhập gói của đơn vị cấp dưới")
        self.setAcceptDrops(True)
        self.resize(1000, 520)
        lay = QVBoxLayout(self)
        hint = QLabel("Thêm các gói <i>.cchc</i> của các đơn vị cấp xã (chọn tệp, chọn cả thư mục, hoặc kéo thả vào đây). "
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
        self.table = read_only_table(self.COLS)
        hh = self.table.horizontalHeader()
        hh.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        hh.setSectionResizeMode(len(self.COLS) - 1, QHeaderView.ResizeMode.Stretch)
        lay.addWidget(self.table, 1)
        # After an import: one row per commune's package (what happened to it and why).
        self.result_title = QLabel("<b>Kết quả nhập theo từng đơn vị</b>")
        self.result_table = read_only_table(["Đơn vị", "Kỳ", "Kết quả", "Lý do, ghi chú"])
        self.result_table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.result_table.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        for w in (self.result_title, self.result_table):
            w.hide()
            lay.addWidget(w)
        lay.setStretchFactor(self.result_table, 1)
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
        self.btn_new_key = self.buttons.addButton("Chấp nhận khóa mới…", QDialogButtonBox.ButtonRole.ActionRole)
        self.btn_new_key.setToolTip("Chỉ khi đã gọi điện cho xã và xã đọc đúng mã khóa mới (xã đổi máy, cài lại)")
        self.btn_new_key.clicked.connect(self.ask_accept_new_keys)
        self.buttons.rejected.connect(self.reject)
        lay.addWidget(self.buttons)
        self._update_buttons()

    # drag and drop
    def dragEnterEvent(self, event):  # noqa: N802
        if event.mimeData().hasUrls() and package_paths(event.mimeData().urls()):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event):  # noqa: N802
        self.dragEnterEvent(event)

    def dropEvent(self, event):  # noqa: N802
        paths = package_paths(event.mimeData().urls())
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
            self.previews = ip.preview(self.store, self.paths, accept_new_key=self.accept_new_key)
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
                     figures.get("Hồ sơ Một cửa tiếp nhận", ""), figures.get("Tỷ lệ đúng hạn", ""),
                     self.key_text(pv), status]
            for c, text in enumerate(cells):
                self.table.setItem(r, c, cell(text, align_right=c in (4, 5),
                                              tooltip=status if c == self.STATUS else ""))
            color = None
            state = self.results[r].status if self.results and r < len(self.results) else pv.status
            if state in ("refused",):
                color = REFUSED
            elif state in ("older",):
                color = WARN
            elif state in ("imported", "replaced"):
                color = GOOD
            paint(self.table, r, color)
        self.table.resizeRowsToContents()
        if not self.results:
            self.result_title.hide()
            self.result_table.hide()
        self._update_summary()
        self._update_buttons()

    def key_text(self, pv: ip.Preview) -> str:
        if pv.info is None or not pv.info.public_key:
            return ""
        return " ".join(filter(None, [pv.info.fingerprint, self.KEY_WORDS.get(pv.key_status, "")]))

    def key_changes(self) -> list[ip.Preview]:
        return [pv for pv in self.previews if pv.key_status == "changed"]

    def ask_accept_new_keys(self) -> bool:
        """Accept the new keys of the packages refused for theirs, once the officer confirms."""
        changed = self.key_changes()
        if not changed:
            return False
        names = "; ".join(f"{pv.info.unit_label}: {pv.info.fingerprint}" for pv in changed[:5])
        if not messages.ask(self, f"Chấp nhận khóa ký mới cho {len(changed)} đơn vị ({names})? Chỉ chấp nhận khi "
                                  "đã gọi điện cho xã và xã đọc đúng mã khóa này. Việc chấp nhận được ghi vào "
                                  "lịch sử thay đổi."):
            return False
        self.accept_new_key = True
        self.refresh()
        return True

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
                     f"{label(u)} (cấp trên mà các đơn vị khai báo).")
        self.summary.setText(text)

    def importable(self) -> list[ip.Preview]:
        ok = {"new", "newer"} | ({"older"} if self.force.isChecked() else set())
        return [pv for pv in self.previews if pv.status in ok]

    def _update_buttons(self, *_):
        self.btn_import.setEnabled(bool(self.importable()) and not self.results)
        self.btn_new_key.setVisible(bool(self.key_changes()) and not self.accept_new_key and not self.results)

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
            for r in ip.import_packages(self.store, todo, force=self.force.isChecked(), on_result=step,
                                        accept_new_key=self.accept_new_key):
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
            self.table.setItem(r, self.STATUS, cell(text, tooltip=text))
            paint(self.table, r, {"refused": REFUSED, "imported": GOOD, "replaced": GOOD}.get(res.status))
        self.fill_result_table()
        self._update_summary()
        self._update_buttons()


    RESULT_WORDS = {"imported": "Đã nhập", "replaced": "Đã thay", "unchanged": "Không đổi", "refused": "Bị từ chối"}

    def result_rows(self) -> list[list[str]]:
        """[unit, period, result, reason] of each imported package, in the table's order; a package
        refused before its unit could be read is named by its file."""
        rows = []
        for pv, res in zip(self.previews, self.results):
            info = pv.info
            unit = res.unit_label or (info.unit_label if info else "") or pv.path.name
            period = res.period_code or (info.period_code if info else "")
            rows.append([unit, period_text(period) if period else "", self.RESULT_WORDS[res.status], res.message])
        return rows

    def fill_result_table(self) -> None:
        t = self.result_table
        rows = self.result_rows()
        t.setRowCount(len(rows))
        for r, (res, cells) in enumerate(zip(self.results, rows)):
            for c, text in enumerate(cells):
                t.setItem(r, c, cell(text, tooltip=text if c == 3 else ""))
            paint(t, r, {"refused": REFUSED, "imported": GOOD, "replaced": GOOD}.get(res.status))
        t.resizeRowsToContents()
        self.result_title.show()
        t.show()


def upper_period_id(store) -> int | None:
    """The newest period of the file's upper unit (after packages went into a new file), or None."""
    try:
        main = store.unit(None)
    except UserError:
        return None
    if main["kind"] not in UPPER_KINDS:
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
