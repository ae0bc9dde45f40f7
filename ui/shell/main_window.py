"""The main window: period selector, the report's sections in order, menus, status bar.

The sections ("tabs") are a list on the left beside the page of the chosen one (`SectionNav`):
at 1024 px every title and its count of findings is visible at once, where a tab bar needed
scroll arrows. Ctrl+PgDn / Ctrl+PgUp (or Ctrl+Tab / Ctrl+Shift+Tab) go to the next / previous
section. One notice above the pages says when the period is final or the file holds the sample
data (the parts' own final-period banners are not shown inside the window).

The window owns nothing but layout: data lives in the file, reached through `ctx`
(ui/shell/context.py). Sections other than the first are built the first time they are shown, so the
window appears fast. Features (ui/shell/features.py) add menu actions and tabs through
`add_action`, `add_tab` and run slow work with `run_task` (the methods below under "window API").
"""
from __future__ import annotations

import importlib
import traceback

from ui.qt import (  # only what the frame needs: each name costs start-up time (ui/qt.py)
    QAction, QComboBox, QHBoxLayout, QKeySequence, QLabel, QListWidget, QListWidgetItem, QMainWindow,
    QObject, QProgressBar, QRunnable, QSizePolicy, QStackedWidget, QThreadPool, QTimer, QToolBar,
    QVBoxLayout, QWidget, Signal, Slot,
)

from cchc_desktop.domain.units import KIND_WORDS, office_name
from cchc_desktop.report import default_texts
from cchc_desktop.store import Store

# (key, title, file name of the screenshot): the tabs in the order of the report.
TABS = [
    ("info", "Thông tin chung", "thong-tin-chung"),
    ("I", "I. Chỉ đạo điều hành", "chi-dao-dieu-hanh"),
    ("II.1", "1. Thể chế", "the-che"),
    ("II.2", "2. Thủ tục hành chính", "thu-tuc-hanh-chinh"),
    ("II.3", "3. Bộ máy", "bo-may"),
    ("II.4", "4. Công vụ", "cong-vu"),
    ("II.5", "5. Tài chính công", "tai-chinh-cong"),
    ("II.6", "6. Chính quyền số", "chinh-quyen-so"),
    ("III", "III. Đánh giá chung", "danh-gia-chung"),
    ("IV", "IV–V. Phương hướng, kiến nghị", "phuong-huong-kien-nghi"),
    ("check", "Kiểm tra", "kiem-tra"),
]
MENUS = ("Tệp", "Kỳ báo cáo", "Công cụ", "Trợ giúp")
STATUS_LABELS = {"draft": "Bản nháp", "final": "Đã chốt"}
VALIDATE_DELAY_MS = 400


SAMPLE_FILE_NAME = "du-lieu-mau.sqlite"  # the demo's own file, beside the user's (never the user's file)
FINAL_NOTICE = ("Kỳ báo cáo này đã chốt (bản chính thức): số liệu và lời văn của kỳ chỉ xem, không sửa được. "
                "Muốn sửa, bấm “Mở lại kỳ để sửa”.")
# At the top of a section with forms, in an upper level's window (huyện, tỉnh): one line, a button.
UPPER_NOTICE = "Số liệu các xã được cộng ở Tổng hợp số liệu; {upper} chỉ nhập dòng riêng: {rows}."
UPPER_NOTICE_NONE = "Số liệu các xã được cộng ở Tổng hợp số liệu; mục này không có dòng riêng nào {upper} phải nhập."
UPPER_NOTICE_TIP = ("Các biểu mẫu ở đây là của {unit}: số liệu của các xã không nhập lại ở đây mà được cộng từ gói "
                    "nộp của các xã, xem và xuất ở Công cụ → Tổng hợp số liệu (Xuất Word / Xuất Excel trên thanh "
                    "công cụ cũng xuất báo cáo tổng hợp). Chỉ các dòng không cộng từ xã mới nhập ở đây.")
UPPER_NOTICE_BUTTON = "Mở Tổng hợp số liệu"
SAMPLE_NOTICE = ("Đây là DỮ LIỆU MẪU (tệp riêng “{name}”) để xem thử; sửa ở đây không ảnh hưởng dữ liệu "
                 "của đơn vị bạn.")


def is_sample_file(path) -> bool:
    from pathlib import Path

    return Path(path).name.lower() == SAMPLE_FILE_NAME


def period_short(period: dict) -> str:
    from cchc_desktop.domain import periods

    return f"{periods.KIND_LABELS[period['kind']]} {period['year']}"


def period_label(period: dict) -> str:
    from cchc_desktop.domain import periods

    key = periods.PeriodKey(period["year"], period["kind"])
    text = periods.label(key, period["start_date"], period["end_date"])
    return text + (" — đã chốt" if period.get("status") == "final" else "")


def slug(text: str) -> str:
    import re
    import unicodedata

    t = text.replace("đ", "d").replace("Đ", "D")
    t = unicodedata.normalize("NFKD", t).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", t).strip("-") or "the"


# --- tabs ----------------------------------------------------------------------------------
class LazyTab(QWidget):
    """A tab page whose content is built the first time it is needed."""

    def __init__(self, key: str, build, parent=None):
        super().__init__(parent)
        self.key = key
        self._build = build
        self.content: QWidget | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)

    def ensure_built(self) -> QWidget:
        if self.content is None:
            self.content = self._build()
            self.layout().addWidget(self.content)
        return self.content

    def focus_target(self, target: str) -> bool:
        content = self.ensure_built()
        fn = getattr(content, "focus_target", None)
        return bool(fn and fn(target))

    def discard(self) -> None:
        """Drop the built content; the next `ensure_built` builds it again."""
        if self.content is not None:
            content, self.content = self.content, None
            content.hide()
            self.layout().removeWidget(content)
            content.deleteLater()


def _tight(layout):
    """A layout without margins or spacing."""
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(0)
    return layout


class SectionNav(QWidget):
    """The sections: a list on the left (title and count of findings) beside the chosen page.

    Offers the calls of QTabWidget that the window, features and tests use (addTab, insertTab,
    count, widget, indexOf, currentIndex/Widget, setCurrent…, tabText, setTabText,
    setTabToolTip, currentChanged), so a feature's `window.tabs` keeps working."""

    currentChanged = Signal(int)
    COUNT_ROOM = " (99)"  # the list is as wide as the longest title with a count: no jumps

    def __init__(self, parent=None):
        super().__init__(parent)
        layout = _tight(QHBoxLayout(self))
        self.list = QListWidget(self)
        self.list.setObjectName("sections")
        self.list.setAccessibleName("Các phần của báo cáo")
        self.list.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Expanding)
        self.stack = QStackedWidget(self)
        layout.addWidget(self.list)
        layout.addWidget(self.stack, 1)
        self.list.currentRowChanged.connect(self._row_changed)
        self.stack.currentChanged.connect(self.currentChanged.emit)

    def finish(self) -> None:
        """The list's look, set once the window is shown (a style sheet before the first paint
        costs ~20 ms of start-up, bench/bench_window.py)."""
        self.list.setStyleSheet(
            "QListWidget#sections { background:#f3f5f8; border:none; border-right:1px solid #c8ced6; }"
            "QListWidget#sections::item { padding:5px 8px; border-bottom:1px solid #e3e7ec; }"
            "QListWidget#sections::item:selected { background:#1f5fa8; color:#ffffff; }")

    # QTabWidget's calls
    def addTab(self, page: QWidget, title: str) -> int:  # noqa: N802 (Qt names)
        return self.insertTab(self.count(), page, title)

    def insertTab(self, index: int, page: QWidget, title: str) -> int:  # noqa: N802
        index = max(0, min(index, self.count()))
        item = QListWidgetItem(title)
        item.setData(256, title)  # Qt.ItemDataRole.UserRole: the title without its count
        self.list.insertItem(index, item)
        self.stack.insertWidget(index, page)
        if self.list.currentRow() < 0:
            self.list.setCurrentRow(0)
        self._fit_width()
        return index

    def count(self) -> int:
        return self.stack.count()

    def widget(self, index: int):
        return self.stack.widget(index)

    def indexOf(self, page) -> int:  # noqa: N802
        return self.stack.indexOf(page)

    def currentIndex(self) -> int:  # noqa: N802
        return self.stack.currentIndex()

    def currentWidget(self):  # noqa: N802
        return self.stack.currentWidget()

    def setCurrentIndex(self, index: int) -> None:  # noqa: N802
        if 0 <= index < self.count():
            self.list.setCurrentRow(index)

    def setCurrentWidget(self, page) -> None:  # noqa: N802
        self.setCurrentIndex(self.indexOf(page))

    def tabText(self, index: int) -> str:  # noqa: N802
        item = self.list.item(index)
        return item.text() if item is not None else ""

    def setTabText(self, index: int, text: str) -> None:  # noqa: N802
        item = self.list.item(index)
        if item is not None and item.text() != text:
            item.setText(text)

    def setTabToolTip(self, index: int, text: str) -> None:  # noqa: N802
        item = self.list.item(index)
        if item is not None:
            item.setToolTip(text)

    def set_marks(self, index: int, colour: str | None) -> None:
        """The title's colour: red when the section has errors, amber for warnings only."""
        from ui.qt import QBrush, QColor

        item = self.list.item(index)
        if item is not None:
            item.setForeground(QBrush(QColor(colour)) if colour else QBrush())

    def step(self, delta: int) -> None:
        """The next (+1) or previous (-1) section, round the ends."""
        if self.count():
            self.setCurrentIndex((self.currentIndex() + delta) % self.count())

    def _row_changed(self, row: int) -> None:
        if row >= 0 and row != self.stack.currentIndex():
            self.stack.setCurrentIndex(row)

    def _fit_width(self) -> None:
        fm = self.list.fontMetrics()
        titles = [self.list.item(i).data(256) or "" for i in range(self.list.count())]
        widest = max((fm.horizontalAdvance(t + self.COUNT_ROOM) for t in titles), default=120)
        self.list.setFixedWidth(widest + 2 * 8 + 14)  # the items' padding, frame and a little air


class ReformTab(QWidget):
    """The indicator forms of one section, the extra panel of the section, its narrative editor."""

    def __init__(self, ctx, key: str, parent=None):
        super().__init__(parent)
        from cchc_desktop.report.values import outline
        from ui.entry.indicator_form import IndicatorForm

        self.ctx = ctx
        self.key = key
        self.forms: list[IndicatorForm] = []
        self.panel = None
        self.editor = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        from ui.qt import QSplitter, Qt

        self.splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.splitter.setChildrenCollapsible(False)
        layout.addWidget(self.splitter)
        data = ctx.data()
        form_codes = []
        for row in data.catalogue.rows_in_section(key):
            if row.form not in form_codes:
                form_codes.append(row.form)
        parts: list[tuple[QWidget, str]] = []
        for code in form_codes:
            form = data.catalogue.form(code)
            title = f"{form.heading} — {form.title}" if form.heading else form.title
            w = IndicatorForm(ctx, key, code, title)
            self.forms.append(w)
            parts.append((w, form.heading or "Số liệu khác nêu trong báo cáo"))
        panel_cls, panel_title = None, ""
        if key == "II.2":
            from ui.entry.dossier_tab import DossierPanel

            panel_cls, panel_title = DossierPanel, "Hồ sơ một cửa"
        elif key == "I":
            from ui.entry.documents import DocumentsPanel

            panel_cls, panel_title = DocumentsPanel, "Văn bản đã ban hành"
        if panel_cls is not None:
            self.panel = panel_cls(ctx)
            parts.insert(0 if key == "II.2" else len(parts), (self.panel, panel_title))
        # The data part: one widget, or sub-tabs when the section has several.
        self.parts_tabs = None
        if len(parts) == 1:
            self.splitter.addWidget(parts[0][0])
        elif parts:
            from ui.qt import QTabWidget

            self.parts_tabs = QTabWidget()
            self.parts_tabs.setDocumentMode(True)
            for w, title in parts:
                self.parts_tabs.addTab(w, title)
            self.splitter.addWidget(self.parts_tabs)
        sections = [s["key"] for s in outline() if s.get("tab") == key and s.get("text", True)]
        if sections:
            from ui.entry.narrative_editor import NarrativeEditor

            self.editor = NarrativeEditor(ctx, sections)
            self.splitter.addWidget(self.editor)
        if parts and self.editor is not None:
            small = all(isinstance(w, IndicatorForm) and w.model.rowCount() <= 6 for w, _ in parts)
            weights = [1, 5] if small else [11, 9]
            self.splitter.setStretchFactor(0, weights[0])
            self.splitter.setStretchFactor(1, weights[1])
            self.splitter.setSizes([w * 100 for w in weights])
        self._silence_banners()
        self.upper_notice = None
        if self.forms:
            self._build_upper_notice(layout)
            ctx.period_changed.connect(self._update_upper_notice)
            ctx.data_changed.connect(self._data_changed)

    def _build_upper_notice(self, layout) -> None:
        """The notice of an upper level (UPPER_NOTICE): its forms hold only its own rows, the
        communes' figures are consolidated in the roll-up dialog. Hidden for a commune."""
        from ui.qt import QFrame, QPushButton

        self.upper_notice = QFrame(self)
        self.upper_notice.setObjectName("upperNotice")
        self.upper_notice.setStyleSheet("QFrame#upperNotice { background:#e8f1fb; border:1px solid #b6cde8; }")
        row = QHBoxLayout(self.upper_notice)
        row.setContentsMargins(8, 3, 8, 3)
        self.upper_notice_label = QLabel("")
        self.upper_notice_label.setStyleSheet("color:#173f6b;")
        self.upper_notice_label.setWordWrap(True)
        row.addWidget(self.upper_notice_label, 1)
        self.upper_notice_button = QPushButton(UPPER_NOTICE_BUTTON)
        self.upper_notice_button.setToolTip("Công cụ → Tổng hợp số liệu: số liệu cộng từ các xã, xuất Word/Excel")
        self.upper_notice_button.clicked.connect(self.open_rollup)
        row.addWidget(self.upper_notice_button)
        layout.insertWidget(0, self.upper_notice)
        self._update_upper_notice()

    def _data_changed(self, what: str) -> None:
        if what in ("*", "unit", "period"):  # another file (or unit) opened, a catalogue switched
            self._update_upper_notice()

    def _update_upper_notice(self, *_args) -> None:
        from cchc_desktop.report import aggregate

        if self.upper_notice is None or self.ctx.period_id is None:
            return
        data = self.ctx.data()
        kind = data.unit.get("kind")
        upper = kind in aggregate.UPPER_KINDS
        self.upper_notice.setVisible(upper)
        if not upper:
            return
        own: dict[str, list[str]] = {}
        for row in data.catalogue.rows_in_section(self.key):
            if row.editable and row.kind in ("count", "money") and \
                    aggregate.aggregation(data.catalogue, row) == "khong":
                own.setdefault(row.form_name or row.form, []).append(row.stt.rstrip("."))
        word = KIND_WORDS[kind]
        rows = "; ".join(f"{form} dòng {', '.join(stts)}" for form, stts in own.items())
        text = UPPER_NOTICE.format(upper=word, rows=rows) if rows else UPPER_NOTICE_NONE.format(upper=word)
        self.upper_notice_label.setText(text)
        self.upper_notice_label.setToolTip(UPPER_NOTICE_TIP.format(unit=aggregate.label(data.unit)))

    def open_rollup(self):
        """The roll-up dialog (Công cụ → Tổng hợp số liệu, ui/packages/package_dialogs.py)."""
        feature = getattr(self.window(), "package_feature", None)
        if feature is None:
            from ui import messages

            messages.info(self, "Chức năng Tổng hợp số liệu chưa nạp được. Hãy khởi động lại phần mềm.")
            return None
        return feature.show_rollup()

    def _silence_banners(self) -> None:
        """The window shows one notice for a final period: the parts' own banners (forms, dossier
        panel, narrative editor each have one) go into a hidden holder, out of their layouts, so
        that showing them changes nothing on screen."""
        self._banner_holder = QWidget(self)
        self._banner_holder.hide()
        for w in [*self.forms, self.panel, self.editor]:
            banner = getattr(w, "banner", None)
            if isinstance(banner, QLabel):
                banner.setParent(self._banner_holder)

    def _reveal(self, widget) -> None:
        if self.parts_tabs is not None and self.parts_tabs.indexOf(widget) >= 0:
            self.parts_tabs.setCurrentWidget(widget)

    def focus_target(self, target: str) -> bool:
        for f in self.forms:
            if f.model.row_of(target) >= 0:
                self._reveal(f)
                return f.focus_code(target)
        for w in (self.panel, self.editor):
            fn = getattr(w, "focus_target", None)
            if fn is not None:
                if w is self.panel and target.startswith("hs."):
                    self._reveal(w)
                if fn(target):
                    self._reveal(w)
                    return True
        return False


# --- background work -----------------------------------------------------------------------
class _TaskSignals(QObject):
    done = Signal(int, object)
    failed = Signal(int, str)


class _Task(QRunnable):
    def __init__(self, task_id: int, fn, signals: _TaskSignals):
        super().__init__()
        self.task_id, self.fn, self.signals = task_id, fn, signals
        self.setAutoDelete(True)

    def run(self):
        from cchc_desktop.errors import UserError

        try:
            result = self.fn()
        except UserError as e:
            self.signals.failed.emit(self.task_id, str(e))
        except Exception as e:  # never a traceback on screen
            traceback.print_exc()
            self.signals.failed.emit(
                self.task_id, f"Lỗi không mong đợi ({type(e).__name__}: {e}). Hãy thử lại; nếu lặp lại, "
                              "hãy báo cho người hỗ trợ kỹ thuật.")
        else:
            self.signals.done.emit(self.task_id, result)


# --- the window ----------------------------------------------------------------------------
class MainWindow(QMainWindow):
    def __init__(self, ctx=None, install_features: bool = True, parent=None):
        """With `ctx` the window is complete; without, only its frame (menus, toolbar, tab
        titles) until `attach(ctx)`: app.run shows the frame first and opens the file after."""
        super().__init__(parent)
        self.ctx = None
        self.findings = []
        self._tasks: dict[int, tuple] = {}
        self._task_seq = 0
        self._task_signals = _TaskSignals(self)
        self._task_signals.done.connect(self._task_done)
        self._task_signals.failed.connect(self._task_failed)
        self.menus: dict[str, object] = {}
        self.tab_keys: list[str] = []
        self.tab_titles: dict[str, str] = {}
        self.feature_errors: list[str] = []
        self._closed = False
        self._pending_shortcuts: list[tuple[QAction, str]] = []
        self._file_tail = None  # the separator above "Thoát" (set by _build_menus)
        self.setMinimumSize(800, 560)  # fits 1024×600 netbooks less the taskbar; maximized there
        self.setWindowTitle("CCHC Desktop")
        self._build_menus()
        self._build_toolbar()
        self._build_tabs()
        self._build_statusbar()
        self._validate_timer = QTimer(self)
        self._validate_timer.setSingleShot(True)
        self._validate_timer.setInterval(VALIDATE_DELAY_MS)
        self._validate_timer.timeout.connect(self.refresh_findings)
        self.home_path = None  # the user's own data file (set by ui.shell.app.run); None: the default one
        for act in (self.act_new_period, self.act_final, self.act_reopen, self.act_check,
                    self.act_open_file, self.act_new_file):
            act.setEnabled(False)
        if ctx is not None:
            self.attach(ctx, install_features)
        else:
            self.saved_label.setText("Đang mở tệp dữ liệu…")

    def attach(self, ctx, install_features: bool = True) -> None:
        """Fill the window from the data file's context (once; `switch_store` for another file)."""
        self.ctx = ctx
        ctx.data_changed.connect(self._on_data_changed)
        ctx.period_changed.connect(self._on_period_changed)
        ctx.saved.connect(self._on_saved)
        ctx.error.connect(self.show_error)
        self.saved_label.setText("Chưa có thay đổi nào trong lần mở này.")
        for act in (self.act_new_period, self.act_check, self.act_open_file, self.act_new_file):
            act.setEnabled(True)
        self._fill_periods()
        self._update_period_state()
        for act, shortcut in self._pending_shortcuts:
            act.setShortcut(QKeySequence(shortcut))
        self._pending_shortcuts.clear()
        self.act_next_section.setShortcuts([QKeySequence("Ctrl+PgDown"), QKeySequence("Ctrl+Tab")])
        self.act_prev_section.setShortcuts([QKeySequence("Ctrl+PgUp"), QKeySequence("Ctrl+Shift+Tab")])
        self.tabs.finish()
        self._tab_shown(self.tabs.currentIndex())
        if install_features:
            self.install_features()
        # Findings are computed after the first paint, then after each change.
        self._validate_timer.start(0)

    # --- building ---------------------------------------------------------------------------
    def _build_menus(self) -> None:
        bar = self.menuBar()
        for name in MENUS:
            self.menus[name] = bar.addMenu(name)
        self.toolbar = QToolBar("Thanh công cụ", self)
        self.toolbar.setObjectName("toolbar")
        self.toolbar.setMovable(False)
        # (Actions have no icons, so the toolbar shows their short texts. The Qt namespace is
        # not touched before the window is shown: building its enums costs ~20 ms.)
        self.addToolBar(self.toolbar)
        self.act_quit = self.add_action("Tệp", "Thoát", self.close, "Ctrl+Q")
        # "Thoát" stays the last item of Tệp: add_action puts later items above this separator.
        self._file_tail = self.menus["Tệp"].insertSeparator(self.act_quit)
        self.act_open_file = self.add_action("Tệp", "Mở tệp dữ liệu khác…", self.open_other_file, "Ctrl+O")
        self.act_new_file = self.add_action("Tệp", "Tạo tệp dữ liệu mới…", self.new_data_file)
        self.menus["Tệp"].insertSeparator(self._file_tail)
        self.act_new_period = self.add_action("Kỳ báo cáo", "Tạo kỳ báo cáo mới…", self.new_period, "Ctrl+N")
        self.act_final = self.add_action("Kỳ báo cáo", "Chốt kỳ (bản chính thức)", self.mark_final)
        self.act_reopen = self.add_action("Kỳ báo cáo", "Mở lại kỳ để sửa", self.reopen)
        self.act_check = self.add_action("Công cụ", "Kiểm tra số liệu", self.show_findings, "F5")
        for act, short in ((self.act_new_period, "Kỳ mới"), (self.act_final, "Chốt kỳ"),
                           (self.act_reopen, "Mở lại kỳ"), (self.act_check, "Kiểm tra")):
            act.setIconText(short)  # the toolbar's short label; the menu keeps the full text
            act.setToolTip(act.text().rstrip("…"))
        self.add_action("Trợ giúp", "Hướng dẫn sử dụng", self.show_guide, "F1")
        self.add_action("Trợ giúp", "Giới thiệu CCHC Desktop", self.show_about)
        # Next / previous section: window-wide keys, no menu item (shortcuts set in attach).
        self.act_next_section = QAction("Phần tiếp theo", self)
        self.act_prev_section = QAction("Phần trước", self)
        self.act_next_section.triggered.connect(lambda _c=False: self.tabs.step(1))
        self.act_prev_section.triggered.connect(lambda _c=False: self.tabs.step(-1))
        self.addAction(self.act_next_section)
        self.addAction(self.act_prev_section)

    def _build_toolbar(self) -> None:
        tb = self.toolbar
        label = QLabel(" Kỳ báo cáo: ")
        tb.addWidget(label)
        self.period_combo = QComboBox(self)
        self.period_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.period_combo.setToolTip("Chọn kỳ báo cáo để xem và nhập số liệu")
        self.period_combo.currentIndexChanged.connect(self._period_selected)
        tb.addWidget(self.period_combo)
        self.status_label = QLabel("")
        self.status_label.setContentsMargins(8, 0, 8, 0)
        tb.addWidget(self.status_label)
        tb.addSeparator()
        tb.addAction(self.act_final)
        tb.addAction(self.act_reopen)
        tb.addAction(self.act_new_period)
        tb.addSeparator()
        tb.addAction(self.act_check)
        spacer = QWidget()
        spacer.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self._toolbar_spacer = tb.addWidget(spacer)

    def _build_tabs(self) -> None:
        central = QWidget(self)
        self._central_layout = _tight(QVBoxLayout(central))
        self.tabs = SectionNav(central)
        self._central_layout.addWidget(self.tabs, 1)
        self.setCentralWidget(central)
        self.notice = None  # built when the file is open (_build_notice): not in the first paint
        self.screenshot_names: dict[str, str] = {}
        for key, title, shot in TABS:
            page = LazyTab(key, self._builder(key))
            self.tabs.addTab(page, title)
            self.tab_keys.append(key)
            self.tab_titles[key] = title
            self.screenshot_names[key] = shot
        self.tabs.currentChanged.connect(self._tab_shown)

    def _build_notice(self) -> None:
        """The one notice above the pages: a final period (with "Mở lại kỳ để sửa"), the sample
        data (with the way back to the user's own file)."""
        from ui.qt import QFrame, QPushButton

        self.notice = QFrame(self.centralWidget())
        self.notice.setObjectName("notice")
        self.notice.setStyleSheet("QFrame#notice { background:#fff4ce; border-bottom:1px solid #e0c060; }")
        row = QHBoxLayout(self.notice)
        row.setContentsMargins(10, 4, 10, 4)
        self.notice_label = QLabel("")
        self.notice_label.setWordWrap(True)
        self.notice_label.setStyleSheet("color:#5d4000;")
        row.addWidget(self.notice_label, 1)
        self.notice_reopen = QPushButton("Mở lại kỳ để sửa")
        self.notice_reopen.clicked.connect(self.reopen)
        self.notice_home = QPushButton("Về tệp dữ liệu của đơn vị")
        self.notice_home.setToolTip("Mở lại tệp dữ liệu của đơn vị bạn (đóng dữ liệu mẫu)")
        self.notice_home.clicked.connect(self.open_home_file)
        row.addWidget(self.notice_reopen)
        row.addWidget(self.notice_home)
        self.notice.hide()
        self._central_layout.insertWidget(0, self.notice)

    def _builder(self, key: str):
        def build():
            if key == "info":
                from ui.entry.info_tab import InfoTab

                return InfoTab(self.ctx)
            if key == "check":
                from ui.entry.validation_tab import ValidationTab

                w = ValidationTab(self.ctx)
                w.set_findings(self.findings)
                w.activated.connect(self.focus_target)
                w.refresh_requested.connect(self.refresh_findings)
                return w
            return ReformTab(self.ctx, key)
        return build

    def _build_statusbar(self) -> None:
        sb = self.statusBar()
        self.error_label = QLabel("")
        self.error_label.setStyleSheet("color:#a00000;")
        self.error_label.setWordWrap(False)
        sb.addWidget(self.error_label, 1)
        self.busy_label = QLabel("")
        self.busy_bar = QProgressBar()
        self.busy_bar.setRange(0, 0)
        self.busy_bar.setMaximumWidth(120)
        self.busy_bar.setMaximumHeight(14)
        self.busy_label.hide()
        self.busy_bar.hide()
        sb.addPermanentWidget(self.busy_label)
        sb.addPermanentWidget(self.busy_bar)
        self.saved_label = QLabel("")
        sb.addPermanentWidget(self.saved_label)
        self._error_timer = QTimer(self)
        self._error_timer.setSingleShot(True)
        self._error_timer.setInterval(20000)
        self._error_timer.timeout.connect(lambda: self.error_label.setText(""))

    # --- window API for features ----------------------------------------------------------
    def add_action(self, menu: str, text: str, callback, shortcut: str | None = None,
                   toolbar: bool = False) -> QAction:
        if menu not in self.menus:
            raise ValueError(f"menu {menu!r} is not one of {MENUS}")
        act = QAction(text, self)
        if shortcut and self.ctx is None:
            # Set when the window is filled: the first shortcut builds Qt's enums (~20 ms),
            # which would delay the first paint of the frame.
            self._pending_shortcuts.append((act, shortcut))
        elif shortcut:
            act.setShortcut(QKeySequence(shortcut))
        act.triggered.connect(lambda _checked=False: callback())
        tail = self._file_tail if menu == "Tệp" else None
        if tail is not None:
            self.menus[menu].insertAction(tail, act)
        else:
            self.menus[menu].addAction(act)
        if toolbar and hasattr(self, "_toolbar_spacer"):
            self.toolbar.insertAction(self._toolbar_spacer, act)
        return act

    def add_tab(self, widget: QWidget, title: str) -> None:
        key = f"extra:{title}"
        at = self.tab_keys.index("check")
        page = LazyTab(key, lambda: widget)
        self.tabs.insertTab(at, page, title)
        self.tab_keys.insert(at, key)
        self.tab_titles[key] = title
        self.screenshot_names[key] = slug(title)
        self._update_tab_titles()

    def run_task(self, title: str, fn, on_done, on_error=None) -> None:
        self._task_seq += 1
        tid = self._task_seq
        self._tasks[tid] = (title, on_done, on_error)
        self._update_busy()
        QThreadPool.globalInstance().start(_Task(tid, fn, self._task_signals))

    def wait_tasks(self, timeout_ms: int = 30000) -> bool:
        """Wait for the background tasks (tests and screenshots)."""
        from ui.qt import QApplication

        ok = QThreadPool.globalInstance().waitForDone(timeout_ms)
        QApplication.processEvents()
        return ok

    @Slot(int, object)
    def _task_done(self, tid: int, result) -> None:
        title, on_done, _ = self._tasks.pop(tid, (None, None, None))
        self._update_busy()
        if on_done is not None:
            on_done(result)

    @Slot(int, str)
    def _task_failed(self, tid: int, message: str) -> None:
        title, _, on_error = self._tasks.pop(tid, (None, None, None))
        self._update_busy()
        if on_error is not None:
            on_error(message)
        else:
            self.error(message)

    def _update_busy(self) -> None:
        busy = bool(self._tasks)
        if busy:
            titles = [t[0] for t in self._tasks.values()]
            self.busy_label.setText(f"{titles[-1]}…")
        self.busy_label.setVisible(busy)
        self.busy_bar.setVisible(busy)

    def info(self, text: str) -> None:
        from ui import messages

        messages.info(self, text)

    def error(self, text: str) -> None:
        from ui import messages

        messages.error(self, text)

    def ask(self, text: str) -> bool:
        from ui import messages

        return messages.ask(self, text)

    def install_features(self) -> None:
        from ui.shell import features

        for entry in features.FEATURES:
            try:
                module, _, func = entry.partition(":")
                getattr(importlib.import_module(module), func or "install")(self)
            except Exception as e:
                traceback.print_exc()
                self.feature_errors.append(f"{entry}: {type(e).__name__}: {e}")
        if self.feature_errors:
            text = ("Một số chức năng bổ sung không nạp được, các phần khác vẫn dùng bình thường:\n"
                    + "\n".join(self.feature_errors)
                    + "\nHãy cài lại phần mềm nếu cần các chức năng này.")
            QTimer.singleShot(0, lambda: self.error(text))

    # --- tabs -------------------------------------------------------------------------------
    def tab(self, key: str) -> LazyTab:
        return self.tabs.widget(self.tab_keys.index(key))

    def tab_widget(self, key: str):
        """The built content of a tab (InfoTab, ReformTab, ValidationTab …)."""
        return self.tab(key).ensure_built()

    def show_tab(self, key: str):
        page = self.tab(key)
        if self.ctx is None:
            self.tabs.setCurrentWidget(page)
            return None
        content = page.ensure_built()
        self.tabs.setCurrentWidget(page)
        return content

    def rebuild_tabs(self) -> None:
        """The forms are generated from the open period's catalogue: when that changes
        (ui/entry/catalogue_menu.py), the report's sections built so far are dropped and built again,
        the one on screen at once, the others on first view. Thông tin chung, Kiểm tra and the
        features' tabs do not depend on the catalogue and stay."""
        for i, key in enumerate(self.tab_keys):
            page = self.tabs.widget(i)
            if key not in ("info", "check") and not key.startswith("extra:") and isinstance(page, LazyTab):
                page.discard()
        self._tab_shown(self.tabs.currentIndex())

    def _tab_shown(self, index: int) -> None:
        w = self.tabs.widget(index)
        if isinstance(w, LazyTab) and self.ctx is not None:
            w.ensure_built()

    def focus_target(self, target: str) -> bool:
        """Show the tab and the place a finding is about: a code, "hs.<agency>…", "text:<section>"."""
        if not target:
            return False
        key = self._tab_of_target(target)
        if key is None or key not in self.tab_keys:
            return False
        self.show_tab(key)
        return self.tab(key).focus_target(target)

    def _tab_of_target(self, target: str, section: str = "") -> str | None:
        from cchc_desktop.report.values import outline_section

        if target.startswith("text:"):
            try:
                return outline_section(target[5:]).get("tab")
            except KeyError:
                return None
        if target.startswith("hs."):
            return "II.2"
        row = self.ctx.data().catalogue.rows_by_code.get(target)
        if row is not None:
            return row.section
        if section:
            if section in self.tab_keys:
                return section
            try:
                return outline_section(section).get("tab")
            except KeyError:
                return None
        return None

    # --- findings ---------------------------------------------------------------------------
    def refresh_findings(self) -> None:
        from cchc_desktop.report import rules

        self._validate_timer.stop()
        self._validate_timer.setInterval(VALIDATE_DELAY_MS)  # after the first, immediate run
        if self.ctx is None or self.ctx.period_id is None or self._closed:
            return
        try:
            self.findings = rules.validate(self.ctx.data())
        except Exception:  # the file was closed under us (window closing): nothing to show
            traceback.print_exc()
            return
        self._update_tab_titles()
        page = self.tab("check")
        if page.content is not None:
            page.content.set_findings(self.findings)

    def findings_by_tab(self, errors_only: bool = False) -> dict[str, int]:
        counts: dict[str, int] = {}
        for f in self.findings:
            if errors_only and f.severity != "loi":
                continue
            key = self._tab_of_target(f.target, f.section)
            if key:
                counts[key] = counts.get(key, 0) + 1
        return counts

    def _update_tab_titles(self) -> None:
        counts = self.findings_by_tab()
        errors = self.findings_by_tab(errors_only=True)
        n_errors = sum(f.severity == "loi" for f in self.findings)
        for i, key in enumerate(self.tab_keys):
            base = self.tab_titles[key]
            n = len(self.findings) if key == "check" else counts.get(key, 0)
            bad = n_errors if key == "check" else errors.get(key, 0)
            self.tabs.setTabText(i, f"{base} ({n})" if n else base)
            self.tabs.setTabToolTip(i, f"{n} lỗi/cảnh báo cần xem ở phần Kiểm tra" if n else "")
            self.tabs.set_marks(i, "#b00020" if bad else "#8a5a00" if n else None)

    def show_findings(self) -> None:
        self.refresh_findings()
        self.show_tab("check")

    # --- periods ----------------------------------------------------------------------------
    def _fill_periods(self) -> None:
        combo = self.period_combo
        combo.blockSignals(True)
        combo.clear()
        for p in self.ctx.store.periods(self.ctx.unit_code):
            combo.addItem(period_label(p), p["id"])
        i = combo.findData(self.ctx.period_id)
        combo.setCurrentIndex(max(i, 0))
        combo.blockSignals(False)

    def _period_selected(self, index: int) -> None:
        pid = self.period_combo.itemData(index)
        if pid is not None and pid != self.ctx.period_id:
            self.ctx.set_period(pid)

    def select_period(self, period_id: int) -> None:
        self._fill_periods()
        i = self.period_combo.findData(period_id)
        if i >= 0:
            self.period_combo.setCurrentIndex(i)
        self.ctx.set_period(period_id)

    def _update_period_state(self) -> None:
        data = self.ctx.data()
        p = data.period
        final = p.get("status") == "final"
        sample = is_sample_file(self.ctx.store.path)
        if self.notice is None:
            self._build_notice()
        self.setWindowTitle(f"{office_name(data.unit)} — {period_short(p)}"
                            f"{' — DỮ LIỆU MẪU' if sample else ''} — CCHC Desktop")
        notes = ([SAMPLE_NOTICE.format(name=self.ctx.store.path.name)] if sample else []) + \
            ([FINAL_NOTICE] if final else [])
        self.notice_label.setText("\n".join(notes))
        self.notice_reopen.setVisible(final)
        self.notice_home.setVisible(sample)
        self.notice.setVisible(bool(notes))
        self.status_label.setText(STATUS_LABELS[p.get("status", "draft")])
        self.status_label.setStyleSheet(
            "color:#ffffff; background:#2e7d32; padding:2px 8px; border-radius:3px;" if final else
            "color:#5d4000; background:#ffe9a8; padding:2px 8px; border-radius:3px;")
        self.status_label.setToolTip("Kỳ đã chốt: chỉ xem, không sửa được." if final else
                                     "Bản nháp: mọi thay đổi được lưu ngay.")
        self.act_final.setEnabled(not final)
        self.act_reopen.setEnabled(final)
        i = self.period_combo.findData(p["id"])
        if i >= 0:
            self.period_combo.setItemText(i, period_label(p))

    def _on_period_changed(self, pid: int) -> None:
        i = self.period_combo.findData(pid)
        if i >= 0 and self.period_combo.currentIndex() != i:
            self.period_combo.blockSignals(True)
            self.period_combo.setCurrentIndex(i)
            self.period_combo.blockSignals(False)
        self._update_period_state()
        self.refresh_findings()

    def _on_data_changed(self, what: str) -> None:
        if what in ("*", "period"):
            self._fill_periods()  # a period may have been added (new period, import)
        if what in ("*", "period", "unit") or what.startswith(("period", "unit")):
            self._update_period_state()
        self._validate_timer.start()

    def mark_final(self) -> None:
        p = self.ctx.data().period
        if p.get("status") == "final":
            return
        if not self.ask(f"Chốt {period_short(p).lower()} thành bản chính thức?\n"
                        "Sau khi chốt, số liệu và lời văn của kỳ này chỉ xem được; "
                        "muốn sửa phải mở lại kỳ. Việc chốt được ghi vào nhật ký."):
            return
        self.ctx.write("period", Store.set_status, p["id"], "final")

    def reopen(self) -> None:
        p = self.ctx.data().period
        if p.get("status") != "final":
            return
        if not self.ask(f"Mở lại {period_short(p).lower()} để sửa?\nKỳ sẽ trở lại bản nháp; "
                        "việc mở lại được ghi vào nhật ký."):
            return
        self.ctx.write("period", Store.set_status, p["id"], "draft")

    def new_period(self) -> None:
        from ui.shell.period_dialogs import NewPeriodDialog

        dlg = NewPeriodDialog(self.ctx.store, self.ctx.unit_code, self.ctx.period_id, self)
        if dlg.exec() != NewPeriodDialog.DialogCode.Accepted:
            return
        self.create_period(dlg.code(), dlg.carry_from())

    def create_period(self, code: str, carry_from: int | None) -> dict | None:
        ok, period = self.ctx.write("*", default_texts.new_period, self.ctx.unit_code, code, carry_from=carry_from)
        if not ok:
            self.error(period)
            return None
        self.select_period(period["id"])
        self.statusBar().showMessage(f"Đã tạo kỳ báo cáo {period_label(period)}.", 8000)
        return period

    # --- data files -------------------------------------------------------------------------
    def data_folder(self):
        """Where the file dialogs start: the folder of the user's own (default) data file."""
        from pathlib import Path

        from cchc_desktop import paths

        if self.home_path is not None and not is_sample_file(self.home_path):
            return Path(self.home_path).parent
        try:
            return paths.default_db_path().parent
        except OSError:
            return Path(self.ctx.store.path).parent

    def own_file(self):
        """The user's own data file: the one the app was started on, unless that is the sample."""
        from cchc_desktop import paths

        if self.home_path is not None and not is_sample_file(self.home_path):
            return self.home_path
        return paths.default_db_path()

    def open_other_file(self) -> None:
        from ui.qt import QFileDialog

        name, _ = QFileDialog.getOpenFileName(self, "Mở tệp dữ liệu khác", str(self.data_folder()),
                                              "Tệp dữ liệu CCHC (*.sqlite);;Mọi tệp (*)")
        if name:
            self.open_file(name)

    def new_data_file(self) -> None:
        from pathlib import Path

        from ui.qt import QFileDialog

        name, _ = QFileDialog.getSaveFileName(self, "Tạo tệp dữ liệu mới", str(self.data_folder() / "du-lieu-moi.sqlite"),
                                              "Tệp dữ liệu CCHC (*.sqlite)")
        if not name:
            return
        path = Path(name)
        if not path.suffix:
            path = path.with_suffix(".sqlite")
        if path.exists() and path.stat().st_size > 0:
            self.error(f"Đã có tệp “{path}”. Hãy đặt tên khác; muốn mở tệp đó thì chọn Tệp → Mở tệp dữ liệu khác…")
            return
        self.open_file(path)

    def open_home_file(self) -> None:
        self.open_file(self.own_file())

    def open_file(self, path) -> bool:
        """Show another data file in this window (the welcome screen if it is empty); the file
        shown until now is closed and its lock released. False when nothing changed."""
        from pathlib import Path

        from ui.shell.app import open_data_file

        path = Path(path)
        if self.ctx is None:
            return False
        if path.exists() and Path(self.ctx.store.path).resolve() == path.resolve():
            self.statusBar().showMessage(f"Tệp “{path.name}” đang mở rồi.", 8000)
            return False
        if self._tasks:
            self.error("Đang có việc chạy nền (xuất báo cáo, nhập dữ liệu…). Hãy đợi việc đó xong rồi mở tệp khác.")
            return False
        from ui.entry.narrative_editor import NarrativeEditor

        if not all([editor.flush() for editor in self.findChildren(NarrativeEditor)]):
            self.error("Chưa lưu được đoạn văn vừa gõ vào tệp đang mở (lỗi ghi ở thanh trạng thái). "
                       "Hãy xem lại đoạn văn đó rồi mở tệp khác; tệp đang mở vẫn giữ nguyên.")
            return False
        opened = open_data_file(path, self)
        if opened.store is None:
            return False
        self.switch_store(opened.store, opened.period_id)
        return True

    def switch_store(self, store, period_id: int | None = None) -> None:
        """Point the window (its one context, which every part holds) at another open store."""
        from ui.shell import single_instance
        from ui.shell.app import unit_and_period
        from ui.entry.narrative_editor import NarrativeEditor

        ctx = self.ctx
        old = ctx.store
        # Text typed and not yet saved belongs to the file shown until now: saved there first. A
        # block whose write failed forgets its period, so nothing of it reaches the new file.
        for editor in self.findChildren(NarrativeEditor):
            for block in editor.blocks.values():
                if not block.save_now():
                    block.pid = None
        ctx.unit_code, ctx.period_id = unit_and_period(store, period_id)
        ctx.store = store
        ctx._data = None
        if old is not store:
            old.close()  # releases its writer lock
        self.findings = []
        self._fill_periods()
        ctx.period_changed.emit(ctx.period_id)
        ctx.invalidate("*")
        single_instance.follow(self, store.path)  # a start on the old file no longer comes here
        self.statusBar().showMessage(f"Đang dùng tệp dữ liệu: {store.path}", 15000)

    # --- status bar -------------------------------------------------------------------------
    def _on_saved(self, text: str) -> None:
        self.saved_label.setText(text)
        if self.error_label.text():
            self.error_label.setText("")

    def show_error(self, text: str) -> None:
        """An error of a write: shown in the status bar, never blocking the typing."""
        self.error_label.setText("⚠ " + text.replace("\n", " "))
        self.error_label.setToolTip(text)
        self._error_timer.start()

    # --- help -------------------------------------------------------------------------------
    def show_guide(self) -> None:
        from ui.shell.welcome import GuideDialog

        GuideDialog(self).exec()

    def show_about(self) -> None:
        from cchc_desktop import __version__

        where = f"; dữ liệu lưu trong tệp:\n{self.ctx.store.path}" if self.ctx else "."
        self.info(f"CCHC Desktop {__version__}\nBáo cáo kết quả cải cách hành chính cấp xã.\n"
                  f"Làm việc hoàn toàn ngoại tuyến{where}")

    def closeEvent(self, event):
        # Every accepted edit is already saved: nothing to ask.
        self._closed = True
        self._validate_timer.stop()
        event.accept()
