"""Công cụ → Tổng hợp số liệu: the upper level's consolidated figures for one period (a table per
form), the dossier figures, the communes with their submission status, a per-commune comparison
of any indicator, and the export of the consolidated report / appendix, which Xuất Word / Xuất
Excel also make in an upper level's window (`export_upper`, reached through the package feature).
The dialogs are module names (`ask_save_path`, export_word's `ask_options`) so tests can replace them.
"""
from __future__ import annotations

import html

from pathlib import Path

from cchc_desktop import fmt
from cchc_desktop.domain import dossiers, periods
from cchc_desktop.errors import UserError
from cchc_desktop.exporting import docx_report, xlsx_appendix, xlsx_rollup
from cchc_desktop.importing import package as ip
from cchc_desktop.domain.units import label
from cchc_desktop.report import aggregate, index766_province
from cchc_desktop.report.index766 import NO_DATA
from cchc_desktop.store import rollup as store_rollup
from ui import messages
from ui.export import export_word
from ui.packages.tables import REFUSED, WARN, cell, paint, read_only_table
from ui.texts import period_text
from ui.qt import (
    QApplication, QComboBox, QDialog, QDialogButtonBox, QFileDialog, QHBoxLayout, QHeaderView, QLabel, QPushButton, QSize,
    QSplitter, Qt, QTableWidget, QTabWidget, QVBoxLayout, QWidget,
)


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


MISSING_SHOWN = 8  # names in the headline; every commune is in the status tab

STATUS_WIDTH = 300  # px of the status column (wrapped)


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
        self.communes = read_only_table(["Đơn vị cấp xã", "Tình trạng", "Lập gói lúc", "Hạn nộp", "Hồ sơ tiếp nhận", "Đã giải quyết",
                                "Tỷ lệ đúng hạn", "Tỷ lệ trực tuyến", "Mã khóa"])
        self.communes.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        # The status wraps in a column of its own width: a refusal's reason (a long line) would
        # otherwise push the dates, figures and fingerprint off a 1024 px screen.
        self.communes.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Interactive)
        self.communes.setColumnWidth(1, STATUS_WIDTH)
        status_page = QWidget()
        sl = QVBoxLayout(status_page)
        sl.addWidget(self.communes, 1)
        srow = QHBoxLayout()
        srow.addStretch(1)
        self.btn_status_xlsx = QPushButton("Xuất tình trạng nộp ra Excel…")
        self.btn_status_xlsx.clicked.connect(self.export_status)
        srow.addWidget(self.btn_status_xlsx)
        sl.addLayout(srow)
        i = self.tabs.addTab(status_page, "Tình trạng")  # short: eleven tabs fit 1024 px
        self.tabs.setTabToolTip(i, "Tình trạng nộp báo cáo của từng đơn vị")
        # Dossiers.
        self.dossier = read_only_table(["Chỉ số"] + list(dossiers.AGENCIES.values()))
        self.dossier.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        i = self.tabs.addTab(self.dossier, "Hồ sơ")  # short: eleven tabs fit 1024 px
        self.tabs.setTabToolTip(i, "Hồ sơ thủ tục hành chính của toàn đơn vị")
        # Comparison.
        cmp_page = QWidget()
        cl = QVBoxLayout(cmp_page)
        crow = QHBoxLayout()
        crow.addWidget(QLabel("Chỉ tiêu:"))
        self.indicator = QComboBox()
        self.indicator.setMinimumWidth(500)
        crow.addWidget(self.indicator, 1)
        cl.addLayout(crow)
        self.compare = read_only_table(["Đơn vị cấp xã", "Giá trị"])
        self.compare.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        cl.addWidget(self.compare, 1)
        self.tabs.addTab(cmp_page, "So sánh")
        self.index766: index766_province.ProvinceIndex | None = None
        self.index_page = Index766Page()
        self.tabs.addTab(self.index_page, INDEX_TAB)
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
        units = [c.unit or {} for c in r.communes]
        shown = ", ".join(c.name for c in r.missing[:MISSING_SHOWN])
        if len(r.missing) > MISSING_SHOWN:
            shown += f" và {len(r.missing) - MISSING_SHOWN} đơn vị khác (xem thẻ Tình trạng)"
        self.headline.setText(
            f"<b>{label(r.upper)}</b>: {len(r.reported)}/{len(r.communes)} {aggregate.unit_word(units)} "
            "đã có số liệu"
            + (f", <span style='color:#a00000'>còn thiếu: {shown}</span>" if r.missing else "")
            + f". Hồ sơ Một cửa: tiếp nhận {fmt.number(m['tiep_nhan']) or '—'}, "
              f"đúng hạn {fmt.percent(m['ty_le_dung_han'], with_sign=True) or '—'}."
            + "".join(f"<br><span style='color:#8a5a00'>Lưu ý: {html.escape(w)}</span>" for w in r.warnings()))
        self.fill_forms()
        self.fill_communes()
        self.fill_dossiers()
        self.fill_indicators()
        self.fill_index766()
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
            t = read_only_table(["STT", "Chỉ tiêu", "Đơn vị tính", "Tổng hợp", "Ghi chú"])
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
                    it = cell(value, align_right=c == 3, tooltip=row.label if c == 1 else (note if c == 4 else ""))
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
        keys = ip.pinned_fingerprints(self.store)
        for i, c in enumerate(r.communes):
            f = c.figures()
            sent = f"{fmt.date(c.submitted_at[:10])} {c.submitted_at[11:16]}" if c.submitted_at else ""
            cells = [c.name, c.status_label, sent, fmt.date(c.deadline) if c.deadline else "",
                     fmt.number(f.get("tiep_nhan")), fmt.number(f.get("da_giai_quyet")),
                     fmt.percent(f.get("ty_le_dung_han"), with_sign=True) if f.get("ty_le_dung_han") is not None else "",
                     fmt.percent(f.get("ty_le_truc_tuyen"), with_sign=True)
                     if f.get("ty_le_truc_tuyen") is not None else "", keys.get(c.code, "")]
            for col, text in enumerate(cells):
                t.setItem(i, col, cell(text, align_right=4 <= col <= 7))
            paint(t, i, {"chua_nop": REFUSED, "bi_tu_choi": REFUSED, "tre_han": WARN}.get(c.status))

    def fill_dossiers(self) -> None:
        r = self.rollup
        t = self.dossier
        names = list(dossiers.MEASURES.items())
        t.setRowCount(len(names))
        per = {a: r.data.measures(a) for a in dossiers.AGENCIES}
        for i, (m, label) in enumerate(names):
            t.setItem(i, 0, cell(label))
            for j, a in enumerate(dossiers.AGENCIES, 1):
                v = per[a][m]
                text = (fmt.percent(v, with_sign=True) if v is not None else "") if m in dossiers.RATE_MEASURES \
                    else fmt.number(v)
                t.setItem(i, j, cell(text, align_right=True))

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
            t.setItem(i, 0, cell(commune))
            t.setItem(i, 1, cell(text, align_right=True))
        total = self.rollup.total(name)[1]
        row = self.rollup.data.catalogue.rows_by_code.get(name)
        if row is not None and row.kind in ("choice", "percent") and not row.derived:
            total = self.rollup.data.note(name)
        t.setItem(len(rows), 0, cell(f"Toàn {label(self.rollup.upper)}"))
        t.setItem(len(rows), 1, cell(total, align_right=True))
        for c in range(2):
            f = t.item(len(rows), c).font()
            f.setBold(True)
            t.item(len(rows), c).setFont(f)

    def fill_index766(self) -> None:
        try:
            self.index766 = index766_province.province_table(self.store, self.period_code(), self.upper_code)
        except UserError as e:
            self.index766 = None
            self.index_page.show_error(str(e))
            return
        self.index_page.fill(self.index766)

    def export_status(self) -> str | None:
        """Every expected commune's submission status as a workbook (xlsx_rollup.write_status)."""
        r = self.rollup
        if r is None:
            return None
        proposed = f"Tinh trang nop {r.period_code} - {fmt.slug(aggregate.label(r.upper))}.xlsx"
        path = ask_save_path(self, "Xuất tình trạng nộp ra Excel", proposed, "Excel (*.xlsx)")
        if not path:
            return None
        try:
            out = xlsx_rollup.write_status(r, ip.pinned_fingerprints(self.store), Path(path))
        except UserError as e:
            messages.error(self, str(e))
            return None
        messages.info(self, f"Đã xuất tình trạng nộp: {out}")
        return str(out)

    def export(self, kind: str) -> str | None:
        r = self.rollup
        if r is None:
            return None
        target = ask_consolidated_target(self, r, kind, self.store, self.ctx)
        if target is None:
            return None
        path, charts = target
        work = consolidated_work(r, kind, path, charts, compare=self.indicator.currentData(), index766=self.index766)

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


# --- the communes' QĐ 766 index -------------------------------------------------------------
INDEX_TAB = "Chỉ số QĐ 766"


class Index766Page(QWidget):
    """Every commune's QĐ 766 index (report/index766_province.py): rank, total, the five groups,
    "chưa có số liệu" / "chưa nộp"; the criteria of the commune picked in the list below it."""

    CRIT_HEADERS = ["Mã", "Chỉ tiêu", "Giá trị", "Tử số / mẫu số", "Điểm", "Tối đa", "Ghi chú"]

    def __init__(self, parent=None):
        super().__init__(parent)
        self.table_data: index766_province.ProvinceIndex | None = None
        lay = QVBoxLayout(self)
        self.note = QLabel("")
        self.note.setWordWrap(True)
        lay.addWidget(self.note)
        split = QSplitter(Qt.Orientation.Vertical)
        self.communes = read_only_table(["Hạng", "Đơn vị cấp xã", "Tổng điểm"])
        self.communes.itemSelectionChanged.connect(self.show_selected)
        split.addWidget(self.communes)
        detail = QWidget()
        dl = QVBoxLayout(detail)
        dl.setContentsMargins(0, 0, 0, 0)
        self.detail_title = QLabel("Chọn một đơn vị ở bảng trên để xem từng chỉ tiêu.")
        self.detail_title.setWordWrap(True)
        dl.addWidget(self.detail_title)
        self.criteria = read_only_table(self.CRIT_HEADERS)
        hh = self.criteria.horizontalHeader()
        hh.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        hh.setSectionResizeMode(1, QHeaderView.ResizeMode.Interactive)
        self.criteria.setColumnWidth(1, 380)
        hh.setSectionResizeMode(6, QHeaderView.ResizeMode.Stretch)
        dl.addWidget(self.criteria, 1)
        split.addWidget(detail)
        split.setSizes([400, 260])
        lay.addWidget(split, 1)

    def show_error(self, text: str) -> None:
        self.note.setText(text)
        self.communes.setRowCount(0)
        self.criteria.setRowCount(0)

    def fill(self, table: index766_province.ProvinceIndex) -> None:
        self.table_data = table
        self.note.setText(
            f"{len(table.with_data)}/{len(table.communes)} đơn vị có số liệu chỉ số. Điểm được tính lại từ số liệu "
            f"gốc trong gói nộp của từng đơn vị theo bộ chỉ số {table.version}; “{NO_DATA}”: gói nộp không có số liệu "
            "này (lập bằng phiên bản cũ, hoặc sổ hồ sơ thiếu cột); “chưa nộp”: chưa có gói nộp kỳ này.")
        headers = ["Hạng", "Đơn vị cấp xã", f"Tổng điểm ({fmt.number(table.total_max)})"]
        headers += [f"Nhóm {c} ({fmt.number(m)})" for c, _n, m in table.groups] + ["Tình trạng"]
        t = self.communes
        t.setColumnCount(len(headers))
        t.setHorizontalHeaderLabels(headers)
        for k, (_c, name, _m) in enumerate(table.groups, 3):
            t.horizontalHeaderItem(k).setToolTip(name)
        t.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        t.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        t.setRowCount(len(table.communes))
        for i, c in enumerate(table.communes):
            groups = c.group_texts() or [""] * len(table.groups)  # "chưa nộp" once, in the total
            cells = [str(c.rank or ""), c.name, c.total_text(), *groups, c.status_label]
            for col, text in enumerate(cells):
                t.setItem(i, col, cell(text, align_right=col == 0 or 2 <= col < 3 + len(table.groups)))
            paint(t, i, {"chua_nop": REFUSED, "chua_co_so_lieu": WARN}.get(c.status))
        self.criteria.setRowCount(0)
        self.detail_title.setText("Chọn một đơn vị ở bảng trên để xem từng chỉ tiêu.")

    def show_selected(self) -> None:
        rows = self.communes.selectionModel().selectedRows() if self.communes.selectionModel() else []
        if not rows or self.table_data is None:
            return
        c = self.table_data.communes[rows[0].row()]
        self.criteria.setRowCount(0)
        if c.result is None:
            self.detail_title.setText(f"{c.name}: {c.total_text()}.")
            return
        res = c.result
        extra = "" if res.sent_version == res.version else \
            f" Xã tính bằng bộ chỉ số {res.sent_version}; điểm ở đây tính lại theo bộ {res.version}."
        self.detail_title.setText(f"<b>{c.name}</b>: {c.total_text()} / {fmt.number(res.total_max)} điểm "
                                  f"(tính được trên {fmt.number(res.counted_max, 2)} điểm).{extra}")
        crit = res.criteria()
        self.criteria.setRowCount(len(crit))
        for i, x in enumerate(crit):
            counts = "" if x.numerator is None or x.denominator is None else \
                f"{fmt.number(x.numerator)} / {fmt.number(x.denominator)}"
            cells = [x.code, x.name, x.value_text(), counts, x.points_text(), x.max_text(), x.missing]
            for col, text in enumerate(cells):
                self.criteria.setItem(i, col, cell(text, align_right=2 <= col <= 5, tooltip=x.source if col == 1 else ""))


def ask_save_path(parent, title: str, proposed: str, filter_text: str) -> str | None:
    path, _ = QFileDialog.getSaveFileName(parent, title, proposed, filter_text)
    return path or None


# --- the consolidated report's export: the roll-up dialog, and Xuất Word / Xuất Excel of an upper level
EXPORT_TASK_TITLE = "Đang xuất số liệu tổng hợp"
NO_COMMUNE_DATA = ("Chưa có số liệu của đơn vị cấp xã nào cho {period}, nên báo cáo tổng hợp của {upper} sẽ trống. "
                   "Hãy nhập gói nộp của các đơn vị cấp xã (Công cụ → Nhập gói của đơn vị cấp dưới…), rồi xuất lại.")


def ask_rollup_charts(parent, store, ctx, r: aggregate.RollUp) -> bool | None:
    """The commune export's options dialog (Kèm biểu đồ hồ sơ một cửa), its choice remembered
    per period kind in the upper unit's settings; None when cancelled."""
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
    name = (docx_report.file_name if kind == "docx" else xlsx_appendix.file_name)(r.data)
    head, sep, tail = name.partition(" CCHC ")
    return f"{head} CCHC tong hop {tail}" if sep else f"tong hop {name}"


def ask_consolidated_target(parent, r: aggregate.RollUp, kind: str, store, ctx=None,
                            folder: Path | None = None) -> tuple[Path, bool] | None:
    """The options (Word: the charts) and the file of the consolidated report ("docx") or
    appendix ("xlsx"): (path, charts), or None when the user cancels."""
    folder = folder or export_word.default_folder()
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


def consolidated_work(r: aggregate.RollUp, kind: str, path: Path, charts: bool, compare: str | None = None,
                      index766=None):
    """The writing of the consolidated file, to run on a worker thread (it reads only `r` and the
    communes' QĐ 766 index `index766`, read before on the UI thread)."""
    def work():
        if kind == "docx":
            return docx_report.write(r.data, path, charts=charts)
        return xlsx_rollup.write(r, path, compare=compare, index766=index766)
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
                                           upper=label(r.upper)))
        return None
    target = ask_consolidated_target(window, r, kind, ctx.store, ctx, folder)
    if target is None:
        return None
    path, charts = target
    index = index766_province.province_table(ctx.store, code, ctx.unit_code) if kind == "xlsx" else None
    window.run_task(EXPORT_TASK_TITLE, consolidated_work(r, kind, path, charts, index766=index), on_done, on_error)
    return path
