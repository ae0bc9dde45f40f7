"""The "Biểu đồ" tab: the dossier charts of cchc_desktop.exporting.charts on screen.

matplotlib is NOT imported when the window starts. The first time the tab is shown it says
"Đang chuẩn bị biểu đồ…" while a background task (the window's `run_task`) imports matplotlib
and its QtAgg backend module (about half a second here, seconds on an old PC: the window keeps
answering); back on the UI thread the canvas is then created (Qt widgets only there) and the
chart drawn. Without a task runner (a tab built on its own) that is done at once. After that the one figure is cleared and re-drawn:
on a change of the chart, the period or the indicator, and (debounced) on `data_changed`.
The period follows the window's (`ctx.period_changed`) and can be chosen here as well.
A resize of the canvas re-draws it too (debounced), so `charts.fit_axes` keeps the axis labels
inside the picture at any window size (1024×768 included). Laid out for a narrow screen:
the period on top, the compared indicator on a row of its own (theo-xa), the save buttons
under the chart beside its status line.
"""
from __future__ import annotations

import re
import sys
from pathlib import Path

from cchc_desktop.domain import periods
from cchc_desktop.domain.units import UPPER_KINDS
from cchc_desktop.errors import UserError
from cchc_desktop.exporting import charts  # no matplotlib at import (it is imported to draw)
from cchc_desktop.report import chart_data
from cchc_desktop.report import values
from ui import messages
from ui.messages import run_now
from ui.qt import (
    QComboBox, QEvent, QFileDialog, QFrame, QGuiApplication, QHBoxLayout, QImage, QLabel, QListWidget,
    QListWidgetItem, QPushButton, QSizePolicy, QSplitter, Qt, QTimer, QVBoxLayout, QWidget,
)

TITLE = "Biểu đồ"
DEBOUNCE_MS = 300
KIND_ROLE = Qt.ItemDataRole.UserRole
PREPARING = "Đang chuẩn bị biểu đồ…"
BACKEND = "matplotlib.backends.backend_qtagg"


def backend_ready() -> bool:
    """matplotlib's Qt canvas already imported: the canvas can be made at once."""
    return BACKEND in sys.modules


def prepare_matplotlib() -> bool:
    """Import what drawing needs (run in a worker thread: imports only, no Qt object is made)."""
    import matplotlib.backends.backend_agg  # noqa: F401
    import matplotlib.backends.backend_qtagg  # noqa: F401
    import matplotlib.figure  # noqa: F401
    import matplotlib.ticker  # noqa: F401

    charts.font()  # the font lookup, once
    return True


class ChartsTab(QWidget):
    def __init__(self, ctx, parent=None, run_task=None):
        super().__init__(parent)
        self.ctx = ctx
        self.run_task = run_task or run_now  # window.run_task(title, fn, on_done, on_error)
        self.canvas = None  # FigureCanvasQTAgg, made on first show
        self.preparing = False  # matplotlib being imported in the background
        self._cache: dict[int, object] = {}  # period id → ReportData (not the current one)
        self._dirty = True
        self._last_dir: Path | None = None

        self.kinds = QListWidget()
        for kind, title in charts.KINDS.items():
            item = QListWidgetItem(title)
            item.setData(KIND_ROLE, kind)
            item.setToolTip(title)
            self.kinds.addItem(item)
        self.kinds.setCurrentRow(0)
        self.kinds.setWordWrap(True)
        self.kinds.setSpacing(3)
        self.kinds.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.kinds.setMinimumWidth(170)

        self.period_combo = QComboBox()
        self.period_combo.setMinimumContentsLength(20)
        self.indicator_label = QLabel("Chỉ tiêu so sánh:")
        self.indicator_combo = QComboBox()
        self.indicator_combo.setMinimumContentsLength(20)
        self.indicator_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.save_png = QPushButton("Lưu PNG…")
        self.save_svg = QPushButton("Lưu SVG…")
        self.copy_button = QPushButton("Sao chép")
        self.save_png.setToolTip("Lưu biểu đồ thành ảnh PNG (chèn vào Word, gửi Zalo…)")
        self.save_svg.setToolTip("Lưu biểu đồ thành ảnh SVG (ảnh vẽ, phóng to không vỡ nét)")
        self.copy_button.setToolTip("Sao chép ảnh biểu đồ để dán vào Word hoặc Excel (Ctrl+V)")

        self.status = QLabel("")
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        top = QHBoxLayout()
        top.addWidget(QLabel("Kỳ báo cáo:"))
        top.addWidget(self.period_combo, 1)
        indicator_row = QHBoxLayout()
        indicator_row.addWidget(self.indicator_label)
        indicator_row.addWidget(self.indicator_combo, 1)
        bottom = QHBoxLayout()
        bottom.addWidget(self.status, 1)
        for b in (self.save_png, self.save_svg, self.copy_button):
            bottom.addWidget(b)

        # The chart's title and subtitle are the window's own text above the canvas (crisp,
        # selectable, and a re-draw renders less text); saved pictures carry them inside.
        self.title_label = QLabel("")
        self.title_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.title_label.setStyleSheet("font-size: 15px; font-weight: bold;")
        self.subtitle_label = QLabel("")
        self.subtitle_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.subtitle_label.setWordWrap(True)
        self.subtitle_label.setStyleSheet("color: #444444;")
        for lab in (self.title_label, self.subtitle_label):
            lab.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.placeholder = QLabel("Biểu đồ sẽ hiện ở đây.")
        self.placeholder.setWordWrap(True)
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)

        right = QWidget()
        self.right_layout = QVBoxLayout(right)
        self.right_layout.setContentsMargins(0, 0, 0, 0)
        self.right_layout.addLayout(top)
        self.right_layout.addLayout(indicator_row)
        sheet = QFrame()  # white, like the picture that is saved
        sheet.setObjectName("sheet")
        sheet.setStyleSheet("#sheet { background: white; border: 1px solid #d0d0d0; }")
        self.sheet_layout = QVBoxLayout(sheet)
        self.sheet_layout.setContentsMargins(1, 8, 1, 1)
        self.sheet_layout.setSpacing(2)
        self.sheet_layout.addWidget(self.title_label)
        self.sheet_layout.addWidget(self.subtitle_label)
        self.sheet_layout.addWidget(self.placeholder, 1)
        self.right_layout.addWidget(sheet, 1)
        self.right_layout.addLayout(bottom)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.kinds)
        splitter.addWidget(right)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([260, 900])
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DEBOUNCE_MS)
        self._timer.timeout.connect(self.redraw)

        self._fill_periods()
        self._update_indicator_visibility()
        self.kinds.currentRowChanged.connect(self._on_kind)
        self.period_combo.currentIndexChanged.connect(lambda _i: self.redraw())
        self.indicator_combo.currentIndexChanged.connect(lambda _i: self.redraw())
        self.save_png.clicked.connect(lambda: self.save_as("png"))
        self.save_svg.clicked.connect(lambda: self.save_as("svg"))
        self.copy_button.clicked.connect(self.copy_to_clipboard)
        ctx.period_changed.connect(self._on_ctx_period)
        ctx.data_changed.connect(self._on_data_changed)

    # --- what is chosen -------------------------------------------------------------------
    def _offer_kinds(self, data) -> None:
        """The comparison between communes only for a level that has communes (not a ward's own
        report)."""
        upper = data.unit.get("kind") in UPPER_KINDS
        for i in range(self.kinds.count()):
            item = self.kinds.item(i)
            if item.data(KIND_ROLE) == "theo-xa":
                item.setHidden(not upper)
                if not upper and self.kinds.currentItem() is item:
                    self.kinds.setCurrentRow(0)

    def kind(self) -> str:
        item = self.kinds.currentItem()
        return item.data(KIND_ROLE) if item else next(iter(charts.KINDS))

    def set_kind(self, kind: str) -> None:
        for row in range(self.kinds.count()):
            if self.kinds.item(row).data(KIND_ROLE) == kind:
                self.kinds.setCurrentRow(row)
                return
        raise KeyError(kind)

    def period_id(self) -> int | None:
        pid = self.period_combo.currentData()
        return pid if pid is not None else self.ctx.period_id

    def indicator(self) -> str:
        return self.indicator_combo.currentData() or charts.DEFAULT_INDICATOR

    def _fill_periods(self) -> None:
        self.period_combo.blockSignals(True)
        try:
            current = self.period_combo.currentData() or self.ctx.period_id
            self.period_combo.clear()
            unit = self.ctx.unit_code
            if unit is None and self.ctx.period_id is not None:
                unit = self.ctx.store.period(self.ctx.period_id)["unit_code"]
            rows = self.ctx.store.periods(unit) if unit else []
            for p in reversed(rows):  # newest first, as the window's period list
                key = periods.PeriodKey(p["year"], p["kind"])
                self.period_combo.addItem(periods.label(key, p["start_date"], p["end_date"]), p["id"])
            i = self.period_combo.findData(current)
            self.period_combo.setCurrentIndex(i if i >= 0 else 0)
        finally:
            self.period_combo.blockSignals(False)

    def _fill_indicators(self, data) -> None:
        if self.indicator_combo.count():
            return
        self.indicator_combo.blockSignals(True)
        try:
            for name, label in charts.indicator_choices(data):
                self.indicator_combo.addItem(label if len(label) < 90 else label[:88] + "…", name)
                self.indicator_combo.setItemData(self.indicator_combo.count() - 1, label, Qt.ItemDataRole.ToolTipRole)
            i = self.indicator_combo.findData(charts.DEFAULT_INDICATOR)
            self.indicator_combo.setCurrentIndex(max(i, 0))
        finally:
            self.indicator_combo.blockSignals(False)

    def _update_indicator_visibility(self) -> None:
        show = charts.kind_needs_indicator(self.kind())
        self.indicator_label.setVisible(show)
        self.indicator_combo.setVisible(show)

    # --- signals --------------------------------------------------------------------------
    def _on_kind(self, _row: int) -> None:
        self._update_indicator_visibility()
        self.redraw()

    def _on_ctx_period(self, period_id: int) -> None:
        self._fill_periods()
        i = self.period_combo.findData(period_id)
        if i >= 0 and i != self.period_combo.currentIndex():
            self.period_combo.blockSignals(True)
            self.period_combo.setCurrentIndex(i)
            self.period_combo.blockSignals(False)
        self.schedule()

    def _on_data_changed(self, what: str) -> None:
        self._cache.clear()
        if what in ("*", "period", "unit") or what.startswith("period"):
            self._fill_periods()
        self.schedule()

    def schedule(self) -> None:
        """Re-draw soon (several changes in a row make one re-draw), or when next shown."""
        self._dirty = True
        if self.canvas is not None and self.isVisible():
            self._timer.start()

    # --- drawing --------------------------------------------------------------------------
    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self.canvas is None:
            if backend_ready():
                self._make_canvas()
            else:
                self._prepare()
                return
        if self._dirty:
            self.redraw()

    def _prepare(self) -> None:
        if self.preparing:
            return
        self.preparing = True
        self.placeholder.setText(PREPARING)
        self.placeholder.setStyleSheet("color: #444444; font-size: 15px;")
        self.run_task(PREPARING.rstrip("…"), prepare_matplotlib, self._prepared, self._not_prepared)

    def _prepared(self, _result) -> None:
        self.preparing = False
        if self.canvas is None:
            self._make_canvas()
        self.redraw()

    def _not_prepared(self, message: str) -> None:
        self.preparing = False
        self.placeholder.setStyleSheet("color: #a00000;")
        self.placeholder.setText(f"Không chuẩn bị được biểu đồ. {message}\n"
                                 "Hãy chuyển sang phần khác rồi mở lại Biểu đồ; nếu vẫn lỗi, hãy khởi động lại phần mềm.")

    def _make_canvas(self) -> None:
        from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg  # matplotlib: on the worker, first chart only
        from matplotlib.figure import Figure  # (the same)

        fig = Figure(figsize=charts.SIZE, dpi=100, facecolor="white")
        self.canvas = FigureCanvasQTAgg(fig)
        self.canvas.setMinimumSize(420, 300)
        self.canvas.installEventFilter(self)
        self.canvas.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.sheet_layout.replaceWidget(self.placeholder, self.canvas)
        self.placeholder.hide()
        self.placeholder.deleteLater()
        if self.isVisible():  # made after the tab was shown (background preparation): show it now
            self.canvas.show()

    def eventFilter(self, obj, event):  # noqa: N802
        if obj is self.canvas and event.type() == QEvent.Type.Resize:
            self.schedule()  # the axes' margins are fitted to the new size when re-drawn
        return super().eventFilter(obj, event)

    def data_for(self, period_id: int):
        if period_id == self.ctx.period_id:
            return self.ctx.data()
        data = self._cache.get(period_id)
        if data is None:
            data = self._cache[period_id] = values.load_period(self.ctx.store, period_id, with_previous=False)
        return data

    def _options(self, kind: str, data) -> dict:
        if kind == "theo-xa":
            self._fill_indicators(data)
            return {"indicator": self.indicator(), **chart_data.inputs(kind, self.ctx.store, data)}
        if kind == "xu-huong":
            unit = data.unit["code"]
            return {"series": [self.data_for(p["id"]) for p in self.ctx.store.periods(unit)]}
        return chart_data.inputs(kind, self.ctx.store, data)

    def redraw(self, sync: bool = False) -> None:
        """Draw the chosen chart into the one figure (nothing before the canvas exists)."""
        self._timer.stop()
        if self.canvas is None:
            self._dirty = True
            return
        self._dirty = False
        pid = self.period_id()
        if pid is None:
            self.canvas.figure.clear()
            self._set_header("", "")
            self.status.setText("Chưa chọn kỳ báo cáo.")
            self.canvas.draw_idle()
            return
        try:
            data = self.data_for(pid)
            self._offer_kinds(data)
            kind = self.kind()
            fig = charts.figure(kind, data, fig=self.canvas.figure, header=False,
                                **self._options(kind, data))
        except UserError as e:
            kind = self.kind()
            self.canvas.figure.clear()
            self._set_header(charts.KINDS[kind], "")
            self.status.setText(str(e))
        else:
            self._set_header(*charts.header_of(fig))
            self.status.setText("")
        if sync:
            self.canvas.draw()
        else:
            self.canvas.draw_idle()

    def _set_header(self, title: str, subtitle: str) -> None:
        self.title_label.setText(title)
        self.subtitle_label.setText(subtitle)
        self.subtitle_label.setVisible(bool(subtitle))

    # --- output ---------------------------------------------------------------------------
    def _export_figure(self):
        """The chart at its standard size (not the size of the window) for files and the clipboard."""
        pid = self.period_id()
        if pid is None:
            raise UserError("Chưa chọn kỳ báo cáo.")
        kind = self.kind()
        data = self.data_for(pid)
        return charts.figure(kind, data, **self._options(kind, data)), data

    def default_name(self, suffix: str, data) -> str:
        unit = re.sub(r"[^0-9A-Za-z_-]+", "-", data.unit["code"]).strip("-")
        return f"bieu-do-{self.kind()}-{unit}-{data.key.code}.{suffix}"

    def save_as(self, suffix: str, path: str | None = None) -> Path | None:
        """Ask where (unless `path` is given) and write the chart there; returns the path written."""
        try:
            fig, data = self._export_figure()
            if path is None:
                folder = self._last_dir or Path(self.ctx.store.path).parent
                filters = "Ảnh PNG (*.png)" if suffix == "png" else "Ảnh SVG (*.svg)"
                chosen, _ = QFileDialog.getSaveFileName(
                    self, "Lưu biểu đồ", str(folder / self.default_name(suffix, data)), filters)
                if not chosen:
                    return None
                path = chosen
            target = Path(path)
            if target.suffix.lower() != f".{suffix}":
                target = target.with_name(target.name + f".{suffix}")
            written = charts.save(fig, target)
        except UserError as e:
            messages.error(self, str(e))
            return None
        self._last_dir = written.parent
        self.status.setText(f"Đã lưu biểu đồ vào {written}")
        return written

    def copy_to_clipboard(self) -> bool:
        try:
            fig, _ = self._export_figure()
        except UserError as e:
            messages.error(self, str(e))
            return False
        image = QImage.fromData(charts.png_bytes(fig), "PNG")
        QGuiApplication.clipboard().setImage(image)
        self.status.setText("Đã sao chép biểu đồ. Dán vào Word hoặc Excel bằng Ctrl+V.")
        return True


def install(window) -> ChartsTab:
    tab = ChartsTab(window.ctx, run_task=window.run_task)
    window.add_tab(tab, TITLE)
    return tab
