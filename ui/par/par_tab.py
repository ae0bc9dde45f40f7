"""The tab "Chỉ số CCHC (tự đánh giá)" (issue 21): the province's criteria tree with max, self-score,
note and evidence; totals and findings; load a set (.toml / Excel form), attach a file, choose a
document of the unit's periods. Self-scores and notes are edited in the tree (double-click).

In an upper level's file (tỉnh) the same tab appraises: a commune picker (the communes whose annual
package brought their self-assessment), the tree with the self-score beside the appraised score and
its note (these two editable), what did not fit the province's set, and a page "Xếp hạng" ranking
the communes by appraised score (self-score where not yet appraised, marked), exported to Excel."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from cchc_desktop.domain import par_criteria as pc
from cchc_desktop.domain.units import UPPER_KINDS
from cchc_desktop.errors import UserError
from cchc_desktop.importing import par_package
from cchc_desktop.report import par as par_report, values
from cchc_desktop.report.rules import PAR_TAB
from cchc_desktop.store import par as par_store
from ui import messages
from ui.qt import (QAbstractItemView, QComboBox, QFileDialog, QHBoxLayout, QInputDialog, QLabel, QPushButton,
                   QSpinBox, QTableWidget, QTableWidgetItem, QTabWidget, QTreeWidget, QTreeWidgetItem, QVBoxLayout,
                   QWidget, Qt)

TITLE = PAR_TAB  # the words Kiểm tra's findings point to
COLUMNS = ("Mã", "Nội dung tiêu chí", "Tối đa", "Tự chấm", "Thẩm định", "Giải trình", "Kiểm chứng", "Cách chấm",
           "Đề xuất từ số liệu", "Ghi chú thẩm định")
COL_SCORE, COL_APPRAISED, COL_NOTE, COL_APPRAISED_NOTE = 3, 4, 5, 9
RANK_COLUMNS = ("Hạng", "Mã", "Đơn vị", "Tự chấm", "Thẩm định", "Điểm xếp hạng", "Tối đa", "Tình trạng thẩm định",
                "Ghi chú")


class ParTab(QWidget):
    def __init__(self, ctx, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.assessment = None
        self.rank_rows = []
        self._filling = False
        self.upper = self._is_upper()
        outer = QVBoxLayout(self)
        page = QWidget()
        lay = QVBoxLayout(page)
        if self.upper:
            self.pages = QTabWidget()
            self.pages.addTab(page, "Thẩm định từng xã")
            self.pages.addTab(self._ranking_page(), "Xếp hạng")
            outer.addWidget(self.pages)
        else:
            lay.setContentsMargins(0, 0, 0, 0)
            outer.addWidget(page)
        top = QHBoxLayout()
        top.addWidget(QLabel("Năm đánh giá:"))
        self.year = QSpinBox()
        self.year.setRange(2000, 2100)
        self.year.setValue(self._period_year())
        self.year.valueChanged.connect(lambda _v: self.refresh())
        top.addWidget(self.year)
        self.commune = QComboBox()
        self.commune.setMinimumWidth(220)
        if self.upper:
            top.addWidget(QLabel("Xã:"))
            top.addWidget(self.commune)
            self.commune.currentIndexChanged.connect(lambda _i: self.refresh(communes=False))
        buttons = (("Nạp bộ tiêu chí của tỉnh…", self.load_set),) if self.upper else (
            ("Nạp bộ tiêu chí…", self.load_set), ("Gắn tệp kiểm chứng…", self.attach_file),
            ("Chọn văn bản đã ban hành…", self.attach_document))
        for text, slot in buttons:
            b = QPushButton(text)
            b.clicked.connect(slot)
            top.addWidget(b)
        top.addStretch(1)
        lay.addLayout(top)
        self.source = QLabel()
        self.source.setWordWrap(True)
        lay.addWidget(self.source)
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels(list(COLUMNS))
        self.tree.setColumnWidth(0, 70)
        self.tree.setColumnWidth(1, 300)
        for c in (2, 3, 4):
            self.tree.setColumnWidth(c, 70)
        self.tree.itemChanged.connect(self._edited)
        self.tree.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.tree.itemDoubleClicked.connect(self._edit)
        self.tree.setColumnHidden(COL_APPRAISED_NOTE, not self.upper)
        lay.addWidget(self.tree, 1)
        self.totals = QLabel()
        lay.addWidget(self.totals)
        self.findings = QLabel()
        self.findings.setWordWrap(True)
        lay.addWidget(self.findings)
        ctx.period_changed.connect(lambda _pid: self.year.setValue(self._period_year()))
        self.refresh()

    def focus_target(self, target: str) -> bool:
        """Select the criterion of a Kiểm tra finding ("par:<mã>")."""
        if not target.startswith("par:"):
            return False
        self.year.setValue(self._period_year())
        code = target[4:]
        for it in self.tree.findItems("*", Qt.MatchFlag.MatchWildcard | Qt.MatchFlag.MatchRecursive):
            if it.data(0, Qt.ItemDataRole.UserRole) == code:
                self.tree.setCurrentItem(it)
                self.tree.scrollToItem(it)
                return True
        return False

    def _is_upper(self) -> bool:
        try:
            return self.ctx.store.unit(self.ctx.unit_code)["kind"] in UPPER_KINDS
        except UserError:
            return False

    @property
    def editable(self) -> tuple[int, ...]:
        """The columns typed into: the appraisal at the upper level, the self-assessment in a commune's file."""
        return (COL_APPRAISED, COL_APPRAISED_NOTE) if self.upper else (COL_SCORE, COL_NOTE)

    def _edit(self, item: QTreeWidgetItem, column: int) -> None:
        if column in self.editable and item.flags() & Qt.ItemFlag.ItemIsEditable:
            self.tree.editItem(item, column)

    def _ranking_page(self) -> QWidget:
        w = QWidget()
        lay = QVBoxLayout(w)
        self.rank_note = QLabel("Điểm xếp hạng: điểm thẩm định; tiêu chí chưa thẩm định tính theo điểm tự chấm "
                                "(cột Tình trạng thẩm định ghi rõ). Xã chấm theo bộ tiêu chí khác bộ của tỉnh "
                                "không được xếp hạng.")
        self.rank_note.setWordWrap(True)
        lay.addWidget(self.rank_note)
        self.rank_table = QTableWidget(0, len(RANK_COLUMNS))
        self.rank_table.setHorizontalHeaderLabels(list(RANK_COLUMNS))
        self.rank_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.rank_table.verticalHeader().setVisible(False)
        for c, width in enumerate((50, 70, 220, 70, 80, 100, 60, 220, 300)):
            self.rank_table.setColumnWidth(c, width)
        lay.addWidget(self.rank_table, 1)
        row = QHBoxLayout()
        b = QPushButton("Xuất Excel bảng xếp hạng…")
        b.clicked.connect(self.export_ranking)
        row.addWidget(b)
        row.addStretch(1)
        lay.addLayout(row)
        return w

    def _fill_communes(self) -> None:
        keep = self.commune.currentData()
        self.commune.blockSignals(True)
        self.commune.clear()
        for sub in par_store.submissions(self.ctx.store, self.year.value()):
            u = self.ctx.store.find_unit(sub["unit_code"])
            if u is not None and u.get("parent_code") == self.ctx.unit_code:
                self.commune.addItem(f"{u['name']} ({u['code']})", u["code"])
        k = self.commune.findData(keep)
        self.commune.setCurrentIndex(k if k >= 0 else (0 if self.commune.count() else -1))
        self.commune.blockSignals(False)

    def _fill_ranking(self) -> None:
        self.rank_rows = par_report.ranking(self.ctx.store, self.ctx.unit_code, self.year.value())
        t = self.rank_table
        t.setRowCount(len(self.rank_rows))
        for i, r in enumerate(self.rank_rows):
            ap = "" if r.appraised_total is None else pc.fmt_points(r.appraised_total)
            vals = ("—" if r.rank is None else str(r.rank), r.unit_code, r.name, pc.fmt_points(r.self_total), ap,
                    pc.fmt_points(r.score), pc.fmt_points(r.max_total), r.status,
                    r.flag if r.rank is not None else f"Không xếp hạng: {r.flag}")
            for c, v in enumerate(vals):
                item = QTableWidgetItem(v)
                if c == 7 and r.appraised < r.scored:
                    item.setForeground(Qt.GlobalColor.darkRed)  # not (fully) appraised: the self-score counts
                t.setItem(i, c, item)

    def export_ranking(self, path: str | None = None) -> Path | None:
        if not self.rank_rows:
            messages.info(self, f"Chưa có xã nào nộp bản tự đánh giá năm {self.year.value()}.")
            return None
        if path is None:
            path, _ = QFileDialog.getSaveFileName(self, "Xuất Excel bảng xếp hạng",
                                                  f"xep-hang-chi-so-cchc-{self.year.value()}.xlsx", "Excel (*.xlsx)")
            if not path:
                return None
        from cchc_desktop.exporting import par_export  # openpyxl: with the export only
        try:
            name = self.ctx.store.unit(self.ctx.unit_code)["name"]
            out = par_export.write_ranking_xlsx(self.rank_rows, name, self.year.value(), path)
        except UserError as e:
            messages.error(self, str(e))
            return None
        messages.info(self, f"Đã ghi bảng xếp hạng:\n{out}")
        return out

    def _period_year(self) -> int:
        try:
            return int(self.ctx.store.period(self.ctx.period_id)["year"])
        except Exception:  # no period open yet
            return dt.date.today().year

    @property
    def unit(self) -> str | None:
        """The unit whose assessment the tree shows: the file's own, or at the upper level the chosen commune."""
        return self.commune.currentData() if self.upper else self.ctx.unit_code

    def refresh(self, communes: bool = True) -> None:
        self._filling = True
        self.tree.clear()
        if self.upper:
            if communes:
                self._fill_communes()
            self._fill_ranking()
        try:
            if self.unit is None:
                raise UserError(f"Chưa có xã nào nộp bản tự đánh giá Chỉ số CCHC năm {self.year.value()}: "
                                "nhập các gói nộp kỳ Năm của các xã (Công cụ → Nhập gói của các xã), và nạp bộ "
                                "tiêu chí của tỉnh (nút Nạp bộ tiêu chí của tỉnh).")
            self.assessment = par_report.assessment(self.ctx.store, self.unit, self.year.value())
        except UserError as e:
            self.assessment = None
            self.source.setText(str(e))
            self.totals.setText("")
            self.findings.setText("")
            self._filling = False
            return
        a = self.assessment
        cs = a.criteria
        try:
            props = par_report.proposals(values.annual_data(self.ctx.store, self.unit, self.year.value()), cs)
        except UserError:
            props = {}
        flag = ""
        if self.upper:
            sub = par_store.submission(self.ctx.store, self.unit, self.year.value()) or {}
            if sub.get("flag"):
                flag = f"<br><b style='color:#a00'>Cần xem lại: {sub['flag']}</b>"
        self.source.setText(f"<b>{cs.name}</b> — {cs.document}"
                            + ("<br><b style='color:#a00'>Bộ tiêu chí chưa đầy đủ so với văn bản của tỉnh.</b>"
                               if cs.partial else "") + flag)
        items: dict[str, QTreeWidgetItem] = {}
        for ln in a.lines:
            c = ln.criterion
            ev = "; ".join(par_report.evidence_label(e) for e in ln.evidence)
            vals = [c.code, c.label, pc.fmt_points(c.max_points),
                    "" if ln.score is None else pc.fmt_points(ln.score),
                    "" if ln.appraised is None else pc.fmt_points(ln.appraised),
                    ln.note, ev, pc.RULES.get(c.rule, "") if c.rule else "Tổng tiêu chí con", "", ln.appraised_note]
            if c.code in props:
                p = props[c.code]
                vals[8] = ("" if p.points is None else f"{pc.fmt_points(p.points)} điểm — ") + p.source
            parent = items.get(c.parent_code) if c.parent_code else None
            it = QTreeWidgetItem(parent if parent is not None else self.tree, vals)
            it.setData(0, Qt.ItemDataRole.UserRole, c.code)
            if vals[8]:
                it.setToolTip(8, vals[8])
            it.setToolTip(1, c.label + (f"\nTài liệu kiểm chứng: {c.evidence}" if c.evidence else ""))
            if c.is_leaf:
                it.setFlags(it.flags() | Qt.ItemFlag.ItemIsEditable)
            else:
                f = it.font(0)
                f.setBold(True)
                for col in range(len(COLUMNS)):
                    it.setFont(col, f)
            items[c.code] = it
        self.tree.expandAll()
        ap = a.total_appraised
        self.totals.setText("Tổng điểm tự chấm: <b>" + pc.fmt_points(a.total) + "</b> / " + pc.fmt_points(cs.total)
                            + ("" if ap is None else f" — thẩm định: {pc.fmt_points(ap)}") + " — "
                            + "; ".join(f"{ln.criterion.code}: {'—' if ln.score is None else pc.fmt_points(ln.score)}"
                                        f"/{pc.fmt_points(ln.criterion.max_points)}"
                                        for ln in a.lines if ln.criterion.depth == 0))
        f = a.findings()
        self.findings.setText(("Cảnh báo (" + str(len(f)) + "): " + " ".join(f[:6]) + (" …" if len(f) > 6 else ""))
                              if f else "Mọi tiêu chí đã chấm và có tài liệu kiểm chứng.")
        self._filling = False

    def _edited(self, item: QTreeWidgetItem, column: int) -> None:
        if self._filling:
            return
        if column not in self.editable:
            self.refresh(communes=False)  # only the editable columns are ever written
            return
        code = item.data(0, Qt.ItemDataRole.UserRole)
        if self.upper:
            score = item.text(COL_APPRAISED).strip()
            ok, msg = self.ctx.write("par", par_store.appraise, self.unit, self.year.value(), code, score or None,
                                     note=item.text(COL_APPRAISED_NOTE))
        else:
            score = item.text(COL_SCORE).strip()
            ok, msg = self.ctx.write("par", par_store.set_score, self.unit, self.year.value(), code, score or None,
                                     note=item.text(COL_NOTE))
        if not ok:
            messages.error(self, msg)
        self.refresh()

    def _code(self) -> str | None:
        it = self.tree.currentItem()
        code = it.data(0, Qt.ItemDataRole.UserRole) if it else None
        if not code:
            messages.info(self, "Chọn một tiêu chí trong bảng trước.")
        return code

    def load_set(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Nạp bộ tiêu chí Chỉ số CCHC", "",
                                              "Bộ tiêu chí (*.toml *.xlsx *.xls *.ods)")
        if path:
            self.load_path(path)

    def load_path(self, path: str, province: str | None = None, document: str | None = None) -> bool:
        try:
            if Path(path).suffix.lower() == ".toml":
                cs = pc.load(path)
            else:
                from cchc_desktop.importing import par_excel  # calamine: when a workbook is read
                if province is None:
                    province, ok = QInputDialog.getText(self, "Nạp bộ tiêu chí", "Tên tỉnh:")
                    if not ok or not province.strip():
                        return False
                if document is None:
                    document, ok = QInputDialog.getText(self, "Nạp bộ tiêu chí", "Văn bản ban hành (số, ngày):")
                    if not ok or not document.strip():
                        return False
                cs = par_excel.read(path, province, self.year.value(), document)
        except UserError as e:
            messages.error(self, str(e))
            return False
        ok, msg = self.ctx.write("par", par_store.load_set, cs, self.ctx.unit_code, Path(path).name)
        if not ok:
            messages.error(self, msg)
        elif self.upper:  # the communes' packages that came before the set: judged again
            ok2, judged = self.ctx.write("par", par_package.recheck, self.ctx.unit_code, cs.year)
            if ok2 and judged:
                messages.info(self, "Đã đối chiếu lại bản tự đánh giá của các xã:\n" + "\n".join(judged))
        if cs.year != self.year.value():
            self.year.setValue(cs.year)
        self.refresh()
        return ok

    def attach_file(self) -> None:
        code = self._code()
        if not code:
            return
        path, _ = QFileDialog.getOpenFileName(self, f"Tài liệu kiểm chứng cho tiêu chí {code}")
        if path:
            self.attach_path(code, path)

    def attach_path(self, code: str, path: str) -> bool:
        ok, msg = self.ctx.write("par", par_store.attach_file, self.unit, self.year.value(), code, path)
        if not ok:
            messages.error(self, msg)
        self.refresh()
        return ok

    def attach_document(self) -> None:
        code = self._code()
        if not code:
            return
        docs = [d for p in self.ctx.store.periods(self.unit) for d in self.ctx.store.documents(p["id"])]
        if not docs:
            messages.info(self, "Chưa có văn bản đã ban hành nào trong các kỳ báo cáo của đơn vị.")
            return
        labels = [f"{d['number']}/{d['symbol']} ngày {d.get('date') or ''}: {d['summary']}"[:120] for d in docs]
        label, ok = QInputDialog.getItem(self, f"Kiểm chứng cho tiêu chí {code}", "Văn bản:", labels, 0, False)
        if ok:
            ok, msg = self.ctx.write("par", par_store.attach_document, self.unit, self.year.value(), code,
                                     docs[labels.index(label)]["id"])
            if not ok:
                messages.error(self, msg)
            self.refresh()


def install(window) -> ParTab:
    tab = ParTab(window.ctx)
    window.add_tab(tab, TITLE)
    return tab
