"""The tab "Chỉ số CCHC (tự đánh giá)" (issue 21): the province's criteria tree with max, self-score,
note and evidence; totals and findings; load a set (.toml / Excel form), attach a file, choose a
document of the unit's periods. Self-scores and notes are edited in the tree (double-click)."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from cchc_desktop.domain import par_criteria as pc
from cchc_desktop.errors import UserError
from cchc_desktop.report import par as par_report, values
from cchc_desktop.report.rules import PAR_TAB
from cchc_desktop.store import par as par_store
from ui import messages
from ui.qt import (QFileDialog, QHBoxLayout, QInputDialog, QLabel, QPushButton, QSpinBox, QTreeWidget,
                   QTreeWidgetItem, QVBoxLayout, QWidget, Qt)

TITLE = PAR_TAB  # the words Kiểm tra's findings point to
COLUMNS = ("Mã", "Nội dung tiêu chí", "Tối đa", "Tự chấm", "Thẩm định", "Giải trình", "Kiểm chứng", "Cách chấm",
           "Đề xuất từ số liệu")
COL_SCORE, COL_NOTE = 3, 5


class ParTab(QWidget):
    def __init__(self, ctx, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.assessment = None
        self._filling = False
        lay = QVBoxLayout(self)
        top = QHBoxLayout()
        top.addWidget(QLabel("Năm đánh giá:"))
        self.year = QSpinBox()
        self.year.setRange(2000, 2100)
        self.year.setValue(self._period_year())
        self.year.valueChanged.connect(lambda _v: self.refresh())
        top.addWidget(self.year)
        for text, slot in (("Nạp bộ tiêu chí…", self.load_set), ("Gắn tệp kiểm chứng…", self.attach_file),
                           ("Chọn văn bản đã ban hành…", self.attach_document)):
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

    def _period_year(self) -> int:
        try:
            return int(self.ctx.store.period(self.ctx.period_id)["year"])
        except Exception:  # no period open yet
            return dt.date.today().year

    @property
    def unit(self) -> str:
        return self.ctx.unit_code

    def refresh(self) -> None:
        self._filling = True
        self.tree.clear()
        try:
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
        self.source.setText(f"<b>{cs.name}</b> — {cs.document}"
                            + ("<br><b style='color:#a00'>Bộ tiêu chí chưa đầy đủ so với văn bản của tỉnh.</b>"
                               if cs.partial else ""))
        items: dict[str, QTreeWidgetItem] = {}
        for ln in a.lines:
            c = ln.criterion
            ev = "; ".join(e.get("file_name") or f"Văn bản số {e.get('document_id')}" for e in ln.evidence)
            vals = [c.code, c.label, pc.fmt_points(c.max_points),
                    "" if ln.score is None else pc.fmt_points(ln.score),
                    "" if ln.appraised is None else pc.fmt_points(ln.appraised),
                    ln.note, ev, pc.RULES.get(c.rule, "") if c.rule else "Tổng tiêu chí con", ""]
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
        if self._filling or column not in (COL_SCORE, COL_NOTE):
            return
        code = item.data(0, Qt.ItemDataRole.UserRole)
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
        ok, msg = self.ctx.write("par", par_store.load_set, cs, self.unit, Path(path).name)
        if not ok:
            messages.error(self, msg)
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
