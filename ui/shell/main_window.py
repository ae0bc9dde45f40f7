"""The main window: period selector, the report's sections in order, menus, status bar.

The sections ("tabs") are a list on the left beside the page of the chosen one (`SectionNav`):
at 1024 px every title and its count of findings is visible at once, where a tab bar needed
scroll arrows. Ctrl+PgDn / Ctrl+PgUp (or Ctrl+Tab / Ctrl+Shift+Tab) go to the next / previous
section. One notice above the pages says when the period is final or the file holds the sample
data (the parts' own final-period banners are not shown inside the window).

The window owns nothing but layout: data lives in the file, reached through `ctx`
(ui/shell/context.py). Sections other than the first are built the first time they are shown, so the
window appears fast. Features (ui/shell/features.py) add menu actions and tabs through
`add_action`, `add_tab` and run slow work with `run_task` (ui/shell/tasks.py).

The sections' pages are in ui/shell/sections.py, a report section's content in ui/shell/reform_tab.py.
"""
from __future__ import annotations

import importlib
import traceback
from pathlib import Path

from cchc_desktop import __version__, paths
from ui import messages
from ui.qt import (  # only what the frame needs: each name costs start-up time (ui/qt.py)
    QAction, QApplication, QComboBox, QFileDialog, QHBoxLayout, QKeySequence, QLabel, QMainWindow, QProgressBar,
    QSizePolicy, QTimer, QToolBar, QVBoxLayout, QWidget,
)
from ui.shell import features, single_instance
from ui.shell.sections import LazyTab, SectionNav, _tight
from ui.shell.tasks import Tasks
from cchc_desktop.domain.units import office_name
from ui.texts import is_sample_file, period_label, period_short

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
DOSSIER_SECTION = "II.2"  # where findings about the dossier tables ("hs.…") are shown

FINAL_NOTICE = ("Kỳ báo cáo này đã chốt (bản chính thức): số liệu và lời văn của kỳ chỉ xem, không sửa được. "
                "Muốn sửa, bấm “Mở lại kỳ để sửa”.")
READ_ONLY_NOTICE = "CHẾ ĐỘ CHỈ XEM — {reason}"
SAMPLE_NOTICE = ("Đây là DỮ LIỆU MẪU (tệp riêng “{name}”) để xem thử; sửa ở đây không ảnh hưởng dữ liệu "
                 "của đơn vị bạn.")


# --- the window ----------------------------------------------------------------------------
class MainWindow(QMainWindow):
    def __init__(self, ctx=None, install_features: bool = True, parent=None):
        """With `ctx` the window is complete; without, only its frame (menus, toolbar, tab
        titles) until `attach(ctx)`: app.run shows the frame first and opens the file after."""
        super().__init__(parent)
        self.ctx = None
        self.findings = []
        self.tasks = Tasks(self, default_error=self.error)
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
        self.tasks.busy_changed.connect(self._update_busy)
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
        from ui.qt import QFrame, QPushButton  # not needed for the frame's first paint (ui/qt.py)

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
        def build():  # the pages' modules are imported when first shown: the frame appears fast
            if key == "info":
                from ui.entry.info_tab import InfoTab  # a section's page: built when first shown (start-up time)

                return InfoTab(self.ctx)
            if key == "check":
                # a section's page: built when first shown (start-up time)
                from ui.entry.validation_tab import ValidationTab

                w = ValidationTab(self.ctx)
                w.set_findings(self.findings)
                w.activated.connect(self.focus_target)
                w.refresh_requested.connect(self.refresh_findings)
                return w
            from ui.shell.reform_tab import ReformTab  # a section's page: built when first shown (start-up time)

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
        from cchc_desktop.fmt import slug  # decimal & co.: not before the frame's first paint
        self.screenshot_names[key] = slug(title) or "the"
        self._update_tab_titles()

    def run_task(self, title: str, fn, on_done, on_error=None) -> None:
        """`fn()` off the UI thread, then `on_done(result)` or `on_error(message)` (ui/shell/tasks.py)."""
        self.tasks.run(title, fn, on_done, on_error)

    def wait_tasks(self, timeout_ms: int = 30000) -> bool:
        """Wait for the background tasks and run their callbacks (tests and screenshots)."""
        ok = self.tasks.wait(timeout_ms)
        QApplication.processEvents()
        return ok

    def _update_busy(self, title: str) -> None:
        if title:
            self.busy_label.setText(f"{title}…")
        self.busy_label.setVisible(bool(title))
        self.busy_bar.setVisible(bool(title))

    def info(self, text: str) -> None:
        messages.info(self, text)

    def error(self, text: str) -> None:
        messages.error(self, text)

    def ask(self, text: str) -> bool:
        return messages.ask(self, text)

    def choose(self, text: str, yes: str, no: str = "Hủy") -> bool:
        """A question with buttons named by what they do; True for `yes`."""
        return messages.choose(self, text, yes, no)

    def install_features(self) -> None:
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
        from cchc_desktop.report.values import outline_section  # ~35 ms of imports: not before the frame

        if target.startswith("text:"):
            try:
                return outline_section(target[5:]).get("tab")
            except KeyError:
                return None
        if target.startswith("hs."):
            return DOSSIER_SECTION
        if target.startswith(("unit.", "period.")):  # a field of Thông tin chung (the signer's name …)
            return "info"
        if target.startswith("par:"):  # the PAR Index self-assessment (ui/par/par_tab.py, an added tab)
            from cchc_desktop.report.rules import PAR_TAB
            return next((k for k, t in self.tab_titles.items() if t == PAR_TAB), None)
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
        from cchc_desktop.report import rules  # the checks run after the first paint, and so is this import

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
        read_only = getattr(self.ctx.store, "read_only", None)  # read-only media, a full disk (open_store)
        notes = ([READ_ONLY_NOTICE.format(reason=read_only)] if read_only else []) + \
            ([SAMPLE_NOTICE.format(name=self.ctx.store.path.name)] if sample else []) + \
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
        self.ctx.write("period", lambda s: s.set_status(p["id"], "final"))

    def reopen(self) -> None:
        p = self.ctx.data().period
        if p.get("status") != "final":
            return
        if not self.ask(f"Mở lại {period_short(p).lower()} để sửa?\nKỳ sẽ trở lại bản nháp; "
                        "việc mở lại được ghi vào nhật ký."):
            return
        self.ctx.write("period", lambda s: s.set_status(p["id"], "draft"))

    def new_period(self) -> None:
        from ui.shell.period_dialogs import NewPeriodDialog  # a dialog's module: when asked for, not with the frame

        dlg = NewPeriodDialog(self.ctx.store, self.ctx.unit_code, self.ctx.period_id, self)
        if dlg.exec() != NewPeriodDialog.DialogCode.Accepted:
            return
        self.create_period(dlg.code(), dlg.carry_from())

    def create_period(self, code: str, carry_from: int | None) -> dict | None:
        from cchc_desktop.report import default_texts  # the report's texts: not before the window's frame

        ok, period = self.ctx.write("*", default_texts.new_period, self.ctx.unit_code, code, carry_from=carry_from)
        if not ok:
            self.error(period)
            return None
        self.select_period(period["id"])
        note = ""
        if carry_from and not default_texts.same_frame(self.ctx.store.period(carry_from), period):
            note = (" Lời văn lấy theo mẫu của khung pháp lý mới (chính quyền địa phương hai cấp), "
                    "không mang sang từ kỳ trước; lĩnh vực hồ sơ vẫn mang sang.")
        self.statusBar().showMessage(f"Đã tạo kỳ báo cáo {period_label(period)}.{note}", 15000)
        return period

    # --- data files -------------------------------------------------------------------------
    def data_folder(self):
        """Where the file dialogs start: the folder of the user's own (default) data file."""
        if self.home_path is not None and not is_sample_file(self.home_path):
            return Path(self.home_path).parent
        try:
            return paths.default_db_path().parent
        except OSError:
            return Path(self.ctx.store.path).parent

    def own_file(self):
        """The user's own data file: the one the app was started on, unless that is the sample."""
        if self.home_path is not None and not is_sample_file(self.home_path):
            return self.home_path
        return paths.default_db_path()

    def open_other_file(self) -> None:
        name, _ = QFileDialog.getOpenFileName(self, "Mở tệp dữ liệu khác", str(self.data_folder()),
                                              "Tệp dữ liệu CCHC (*.sqlite);;Mọi tệp (*)")
        if name:
            self.open_file(name)

    def new_data_file(self) -> None:
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
        path = Path(path)
        if self.ctx is None:
            return False
        if path.exists() and Path(self.ctx.store.path).resolve() == path.resolve():
            self.statusBar().showMessage(f"Tệp “{path.name}” đang mở rồi.", 8000)
            return False
        if self.tasks.running():
            self.error("Đang có việc chạy nền (xuất báo cáo, nhập dữ liệu…). Hãy đợi việc đó xong rồi mở tệp khác.")
            return False
        from ui.shell import files  # the store and the dialogs: not imported with the frame

        if not all([editor.flush() for editor in self._editors()]):
            self.error("Chưa lưu được đoạn văn vừa gõ vào tệp đang mở (lỗi ghi ở thanh trạng thái). "
                       "Hãy xem lại đoạn văn đó rồi mở tệp khác; tệp đang mở vẫn giữ nguyên.")
            return False
        opened = files.open_data_file(path, self)
        if opened.store is None:
            return False
        self.switch_store(opened.store, opened.period_id)
        return True

    def switch_store(self, store, period_id: int | None = None) -> None:
        """Point the window (its one context, which every part holds) at another open store."""
        from ui.shell import files  # the store and the dialogs: not imported with the frame

        ctx = self.ctx
        old = ctx.store
        # Text typed and not yet saved belongs to the file shown until now: saved there first. A
        # block whose write failed forgets its period, so nothing of it reaches the new file.
        for editor in self._editors():
            for block in editor.blocks.values():
                if not block.save_now():
                    block.pid = None
        ctx.unit_code, ctx.period_id = files.unit_and_period(store, period_id)
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

    def _editors(self) -> list:
        """The narrative editors built so far (none until a report section was shown)."""
        from ui.entry.narrative_editor import NarrativeEditor  # comes with the first report section

        return self.findChildren(NarrativeEditor)

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
        from ui.shell.welcome import GuideDialog  # brings the store (sqlite-utils): not with the frame

        GuideDialog(self).exec()

    def show_about(self) -> None:
        where = f"; dữ liệu lưu trong tệp:\n{self.ctx.store.path}" if self.ctx else "."
        self.info(f"CCHC Desktop {__version__}\nBáo cáo kết quả cải cách hành chính cấp xã.\n"
                  f"Làm việc hoàn toàn ngoại tuyến{where}\n\nGiấy phép MIT. Danh mục đơn vị hành chính từ 01/7/2025: "
                  "dữ liệu của gói vietnamadminunits 1.0.4 (giấy phép MIT).")

    def closeEvent(self, event):
        # Every accepted edit is already saved: nothing to ask.
        self._closed = True
        self._validate_timer.stop()
        event.accept()
