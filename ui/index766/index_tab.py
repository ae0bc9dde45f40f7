"""The "Chỉ số phục vụ (QĐ 766)" tab: the unit's score per group, every criterion with its value,
points and source, the trend per week or month, the dossiers that cost points, and the values the
unit types (saved as typed, through ctx.write).

The figures come from cchc_desktop.report.index766 on the UI thread (a few thousand per-day rows:
milliseconds); the trend picture is drawn by matplotlib (Agg, exporting/index766_chart.py) in a
background task and shown as an image, so the tab never imports matplotlib's Qt backend.
"""
from __future__ import annotations

from cchc_desktop import fmt
from cchc_desktop.domain import index766 as index_def
from cchc_desktop.errors import UserError
from cchc_desktop.exporting import index766_chart
from cchc_desktop.report import index766
from cchc_desktop.store import register as store_register
from ui.messages import run_now
from ui.qt import (
    QAbstractItemView, QBrush, QColor, QComboBox, QHBoxLayout, QHeaderView, QLabel, QLineEdit, QPixmap,
    QPushButton, QSizePolicy, Qt, QTableWidget, QTableWidgetItem, QTabWidget, QVBoxLayout, QWidget,
)

TITLE = "Chỉ số phục vụ (QĐ 766)"
LOST_LIMIT = 500



def _item(text, tip: str = "", editable: bool = False, right: bool = False) -> QTableWidgetItem:
    it = QTableWidgetItem(str(text))
    if tip:
        it.setToolTip(tip)
    if not editable:
        it.setFlags(it.flags() & ~Qt.ItemFlag.ItemIsEditable)
    if right:
        it.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    return it


def _table(headers: list[str]) -> QTableWidget:
    t = QTableWidget(0, len(headers))
    t.setHorizontalHeaderLabels(headers)
    t.verticalHeader().setVisible(False)
    t.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    t.setWordWrap(True)
    t.setAlternatingRowColors(True)
    t.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    return t


class IndexTab(QWidget):
    CRIT_HEADERS = ["Mã", "Chỉ tiêu", "Giá trị", "Tử số / mẫu số", "Điểm", "Tối đa", "Ghi chú, nguồn"]
    LOST_HEADERS = ["Số hồ sơ", "Thủ tục", "Lĩnh vực", "Ngày tiếp nhận", "Ngày hẹn trả", "Ngày kết thúc"]
    INPUT_HEADERS = ["Giá trị đơn vị tự nhập", "Số", "Dùng cho chỉ tiêu"]

    def __init__(self, ctx, parent=None, run_task=None):
        super().__init__(parent)
        self.ctx = ctx
        self.run_task = run_task or run_now
        self.defn = index_def.load()
        self.result: index766.IndexResult | None = None
        self._filling = False
        self._chart_seq = 0

        self.total = QLabel()
        self.total.setStyleSheet("font-size: 15px; font-weight: bold;")
        self.total.setWordWrap(True)
        self.from_week = QLineEdit()
        self.to_week = QLineEdit()
        for w, tip in ((self.from_week, "Từ tuần"), (self.to_week, "Đến tuần")):
            w.setPlaceholderText("cả kỳ")
            w.setToolTip(f"{tip} (ISO), ví dụ 2024-W05; để trống: cả kỳ báo cáo")
            w.setMaximumWidth(110)
        self.apply = QPushButton("Tính lại")
        self.apply.clicked.connect(self.refresh)
        top = QHBoxLayout()
        top.addWidget(self.total, 1)
        top.addWidget(QLabel("Từ tuần"))
        top.addWidget(self.from_week)
        top.addWidget(QLabel("đến tuần"))
        top.addWidget(self.to_week)
        top.addWidget(self.apply)

        self.groups = QLabel()
        self.groups.setWordWrap(True)
        self.groups.setTextFormat(Qt.TextFormat.RichText)

        self.criteria = _table(self.CRIT_HEADERS)
        self.criteria.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        hh = self.criteria.horizontalHeader()
        hh.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        hh.setSectionResizeMode(6, QHeaderView.ResizeMode.Stretch)
        for col, width in ((0, 44), (2, 88), (3, 100), (4, 56), (5, 50)):
            self.criteria.setColumnWidth(col, width)

        self.by = QComboBox()
        self.by.addItem("Theo tuần", "week")
        self.by.addItem("Theo tháng", "month")
        self.by.currentIndexChanged.connect(self._draw_trend)
        self.chart = QLabel("Đang vẽ biểu đồ…")
        self.chart.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.chart.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
        self.chart.setMinimumHeight(200)
        trend = QWidget()
        tl = QVBoxLayout(trend)
        row = QHBoxLayout()
        row.addWidget(self.by)
        row.addStretch(1)
        tl.addLayout(row)
        tl.addWidget(self.chart, 1)

        self.kind = QComboBox()
        self.kind.currentIndexChanged.connect(self._fill_lost)
        self._lost: dict[str, tuple[int, list[dict]]] = {}  # kind → (count, first rows), on demand
        self.lost_note = QLabel()
        self.lost = _table(self.LOST_HEADERS)
        self.lost.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.lost.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        lost = QWidget()
        ll = QVBoxLayout(lost)
        row = QHBoxLayout()
        row.addWidget(QLabel("Loại"))
        row.addWidget(self.kind, 1)
        ll.addLayout(row)
        ll.addWidget(self.lost_note)
        ll.addWidget(self.lost, 1)

        self.inputs = _table(self.INPUT_HEADERS)
        self.inputs.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.inputs.setColumnWidth(1, 90)
        self.inputs.itemChanged.connect(self._input_changed)
        self.input_note = QLabel("Gõ số vào cột “Số” (để trống: chưa có số liệu). Số được lưu ngay.")

        inputs = QWidget()
        il = QVBoxLayout(inputs)
        il.addWidget(self.input_note)
        il.addWidget(self.inputs, 1)

        self.pages = QTabWidget()
        self.pages.addTab(self.criteria, "Các chỉ tiêu")
        self.pages.addTab(trend, "Xu hướng")
        self.pages.addTab(lost, "Hồ sơ làm mất điểm")
        self.pages.addTab(inputs, "Số liệu đơn vị tự nhập")
        self.pages.currentChanged.connect(lambda _i: self._fill_lost())

        lay = QVBoxLayout(self)
        lay.addLayout(top)
        lay.addWidget(self.groups)
        lay.addWidget(self.pages, 1)

        self._dirty = True  # computed when first shown, and again when shown after a change
        ctx.period_changed.connect(lambda _id: self._changed())
        ctx.data_changed.connect(self._on_data_changed)

    def showEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().showEvent(event)
        if self._dirty:
            self.refresh()

    # --- data ---------------------------------------------------------------------------
    def _changed(self, keep_inputs: bool = False) -> None:
        if self.isVisible():
            self.refresh(keep_inputs)
        else:
            self._dirty = True

    def _on_data_changed(self, what: str) -> None:
        if what.startswith("index766:"):
            self._changed(keep_inputs=True)
        elif what in ("*", "register", "period", "unit", "dossier") or what.startswith("register"):
            self._changed()

    def refresh(self, keep_inputs: bool = False) -> None:
        if self.ctx.period_id is None:
            return
        self._dirty = False
        period = self.ctx.store.period(self.ctx.period_id)
        try:
            self.result = index766.compute(self.ctx.store, period["unit_code"], period["code"],
                                           self.from_week.text().strip() or None,
                                           self.to_week.text().strip() or None)
        except UserError as e:
            self.total.setText(str(e))
            return
        self.typed = index766.typed_values(self.ctx.store, self.ctx.period_id)
        r = self.result
        self.total.setText(f"Tổng điểm: {index766.score_text(r.points, r.counted_max)} / {fmt.number(r.total_max)} "
                           f"<span style='font-size:12px; font-weight:normal'>(có số liệu cho "
                           f"{fmt.number(r.counted_max, 2)} điểm) — {r.label}</span>")
        self.groups.setText(" &nbsp;·&nbsp; ".join(
            f"<b>{g.code}. {g.name}</b>: {index766.score_text(g.points, g.counted_max)}/{fmt.number(g.max_points)}"
            + ("" if g.complete else f" <span style='color:#8a6d00'>(có số liệu cho {fmt.number(g.counted_max, 2)})</span>")
            for g in r.groups))
        self._fill_criteria()
        self._fill_kinds()
        if not keep_inputs:
            self._fill_inputs()
        self._draw_trend()

    def _fill_criteria(self) -> None:
        t = self.criteria
        t.setRowCount(0)
        grey = QBrush(QColor("#8a6d00"))
        for g in self.result.groups:
            row = t.rowCount()
            t.insertRow(row)
            head = _item(f"{g.code}. {g.name}")
            font = head.font()
            font.setBold(True)
            head.setFont(font)
            t.setItem(row, 0, _item(g.code))
            t.setItem(row, 1, head)
            t.setItem(row, 4, _item(fmt.number(g.points, 2), right=True))
            t.setItem(row, 5, _item(fmt.number(g.max_points), right=True))
            for c in g.criteria:
                row = t.rowCount()
                t.insertRow(row)
                frac = "" if c.numerator is None or c.denominator is None else \
                    f"{fmt.number(c.numerator)} / {fmt.number(c.denominator)}"
                tip = "\n".join(x for x in (c.missing, c.note, "Nguồn: " + c.source) if x)
                cells = [_item(c.code), _item(c.name, c.name), _item(c.value_text(), right=True),
                         _item(frac, right=True), _item(c.points_text(), right=True), _item(c.max_text(), right=True),
                         _item((c.missing + ". " if c.missing else "") + "Nguồn: " + c.short_source, tip)]
                for col, it in enumerate(cells):
                    if c.points is None and col in (2, 4):
                        it.setForeground(grey)
                    t.setItem(row, col, it)

    def _fill_kinds(self) -> None:
        self._lost = {}
        current = self.kind.currentData()
        self.kind.blockSignals(True)
        self.kind.clear()
        for k, label in store_register.LOST_KINDS.items():
            self.kind.addItem(f"Hồ sơ {label}", k)
        if current is not None:
            i = self.kind.findData(current)
            if i >= 0:
                self.kind.setCurrentIndex(i)
        self.kind.blockSignals(False)
        self._fill_lost()

    def _fill_lost(self) -> None:
        # the list reads the register itself (not its per-day counts): only when its page is shown
        if self.result is None or self.pages.currentIndex() != 2:
            return
        kind = self.kind.currentData()
        if kind not in self._lost:
            r = self.result
            self._lost[kind] = store_register.lost_dossiers(
                self.ctx.store, r.unit_code, r.start.isoformat(), r.end.isoformat(), kind, LOST_LIMIT)
        n, rows = self._lost[kind]
        t = self.lost
        t.setRowCount(0)
        for r in rows:
            row = t.rowCount()
            t.insertRow(row)
            for col, v in enumerate((r["code"], r["procedure"], r["field"], fmt.date(r["received_date"]),
                                     fmt.date(r["due_date"]), fmt.date(r["finished_date"]))):
                t.setItem(row, col, _item(v))
        self.lost_note.setText(
            "Không có hồ sơ nào loại này trong kỳ." if not n else
            f"{fmt.number(n)} hồ sơ" + (f", hiện {fmt.number(len(rows))} hồ sơ đầu" if n > len(rows) else "")
            + ". Sửa trên hệ thống một cửa rồi nhập lại sổ để tính lại điểm.")

    def _fill_inputs(self) -> None:
        self._filling = True
        t = self.inputs
        t.setRowCount(0)
        final = self.ctx.is_final() if hasattr(self.ctx, "is_final") else False
        for name, label, codes in self.defn.typed_inputs():
            row = t.rowCount()
            t.insertRow(row)
            lab = _item(label)
            lab.setData(Qt.ItemDataRole.UserRole, name)
            t.setItem(row, 0, lab)
            v = self.typed.get(name)
            t.setItem(row, 1, _item("" if v is None else fmt.number(v), editable=not final, right=True))
            t.setItem(row, 2, _item(", ".join(codes)))
        self._filling = False

    def _input_changed(self, item: QTableWidgetItem) -> None:
        if self._filling or item.column() != 1:
            return
        name = self.inputs.item(item.row(), 0).data(Qt.ItemDataRole.UserRole)
        ok, _ = self.ctx.write(f"index766:{name}", index766.set_typed, self.ctx.period_id, name, item.text())
        if not ok:
            self._filling = True
            v = index766.typed_values(self.ctx.store, self.ctx.period_id).get(name)
            item.setText("" if v is None else fmt.number(v))
            self._filling = False

    # --- trend ---------------------------------------------------------------------------
    def _draw_trend(self) -> None:
        if self.result is None:
            return
        by = self.by.currentData()
        r = self.result
        days = index766.load_days(self.ctx.store, r.unit_code, r.end)
        points = index766.trend(self.defn, days, self.typed, r.start, r.end, by)
        self._chart_seq += 1
        seq = self._chart_seq
        width = max(6.0, self.chart.width() / 100) if self.chart.width() > 200 else 9.5
        height = max(2.6, self.chart.height() / 100) if self.chart.height() > 150 else 4.0

        def draw():
            return index766_chart.png_bytes(index766_chart.trend_figure(points, by, size=(width, height)))

        def done(data: bytes) -> None:
            if seq != self._chart_seq:
                return
            pm = QPixmap()
            pm.loadFromData(data, "PNG")
            self.chart.setPixmap(pm)

        self.run_task("Vẽ biểu đồ chỉ số phục vụ", draw, done, lambda msg: self.chart.setText(msg))


def install(window) -> IndexTab:
    tab = IndexTab(window.ctx, run_task=window.run_task)
    window.add_tab(tab, TITLE)
    return tab
