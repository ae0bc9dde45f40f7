"""Starting the window: `run(db_path, screenshot_dir=None) -> exit code` (cli.py's `gui` calls it).

Start-up stays light: matplotlib, python-docx and openpyxl are imported by the features that
need them, when first needed (cchc_desktop.store keeps pandas/numpy out of sqlite-utils);
tabs other than the first are built when first shown; the checks run after the first paint.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path


def _app():
    from ui.qt import QApplication, QLocale

    app = QApplication.instance()
    if app is None:
        app = QApplication(sys.argv[:1])
    app.setApplicationName("CCHC Desktop")
    app.setApplicationDisplayName("CCHC Desktop")
    app.setOrganizationName("CCHC Desktop")
    QLocale.setDefault(QLocale(QLocale.Language.Vietnamese, QLocale.Country.Vietnam))
    return app


def _window_size() -> tuple[int, int]:
    """1366×768 by default; CCHC_WINDOW_SIZE=1024x768 for checking the small screen."""
    text = os.environ.get("CCHC_WINDOW_SIZE", "")
    try:
        w, h = (int(x) for x in text.lower().split("x"))
        return w, h
    except ValueError:
        return 1366, 768


def open_window(store, period_id: int | None = None, install_features: bool = True):
    """The complete main window over an open store: the main unit and its most recent period."""
    from ui.main_window import MainWindow

    return MainWindow(context_for(store, period_id), install_features=install_features)


def save_screenshots(window, folder: Path) -> list[Path]:
    """One PNG per tab: 01-thong-tin-chung.png … (the window as the user sees it)."""
    from ui.qt import QApplication

    import time

    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for i, key in enumerate(window.tab_keys):
        window.show_tab(key)
        window.wait_tasks()
        until = time.monotonic() + 0.15  # let layouts settle (rows fitted to the final widths)
        while time.monotonic() < until:
            QApplication.processEvents()
            time.sleep(0.01)
        path = folder / f"{i + 1:02d}-{window.screenshot_names[key]}.png"
        window.grab().save(str(path))
        out.append(path)
    return out


def run(db_path: str | None, screenshot_dir: str | None = None, quit_after_show: bool = False) -> int:
    """Show the window, open the data file, run until closed; returns the exit code.

    The window's frame is shown first and the data file opened at the first turn of the
    event loop, so the window appears as fast as a bare one and fills in a moment later.
    With `screenshot_dir`: offscreen, one PNG per tab, exit 0. `quit_after_show`: exit once
    the window is filled (bench/bench_window.py).
    """
    if screenshot_dir:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        return _run_screenshots(db_path, Path(screenshot_dir))
    app = _app()
    from ui import single_instance
    from ui.main_window import MainWindow
    from ui.qt import QTimer

    guard = single_instance.claim(db_path)  # None: the default file, keyed without computing its path
    if guard is None:  # another window has this file open; it was asked to come forward
        from ui import messages

        messages.info(None, single_instance.ALREADY_OPEN.format(name=Path(db_path).name if db_path else "cchc.sqlite"))
        return 0
    window = MainWindow()
    window.resize(*_window_size())
    window.show()
    state = {"code": 0, "store": None}

    def load() -> None:
        from cchc_desktop import paths
        from cchc_desktop.errors import UserError
        from cchc_desktop.store import open_store
        from ui import messages
        from ui.backup_dialogs import reopen_after_restore

        try:
            path = Path(db_path) if db_path else paths.default_db_path()
        except OSError as e:
            messages.error(window, f"Không tạo được thư mục dữ liệu của người dùng ({e.strerror}). "
                           "Hãy mở phần mềm với một tệp dữ liệu cụ thể, hoặc kiểm tra quyền ghi.",
                           "Không mở được tệp dữ liệu")
            state["code"] = 1
            app.exit(1)
            return
        try:
            store = open_store(path, backup=True)  # a backup when it changed since the last one
        except UserError as e:  # DataFileError included
            store = reopen_after_restore(path, e, window)  # a damaged file: offers to restore a backup
            if store is None:
                messages.error(window, f"{e}\n\nChương trình sẽ đóng lại.", "Không mở được tệp dữ liệu")
                state["code"] = 1
                app.exit(1)
                return
        state["store"] = store
        period_id = None
        if not store.units():
            from ui.welcome import WelcomeDialog

            dlg = WelcomeDialog(store, window)
            if dlg.exec() != WelcomeDialog.DialogCode.Accepted:
                app.exit(0)
                return
            period_id = dlg.period_id
        window.attach(context_for(store, period_id))
        guard.attach(window)  # a second start on this file brings this window forward
        if quit_after_show:
            QTimer.singleShot(0, app.quit)

    def safe_load() -> None:
        try:
            load()
        except Exception as e:  # never an empty window and a traceback: say it and close
            import traceback

            from ui import messages

            traceback.print_exc()
            messages.error(window, f"Lỗi không mong đợi khi mở dữ liệu ({type(e).__name__}: {e}). "
                           "Chương trình sẽ đóng lại; hãy mở lại, nếu vẫn lỗi hãy báo người hỗ trợ.")
            state["code"] = 3
            app.exit(3)

    QTimer.singleShot(0, safe_load)
    try:
        code = app.exec()
    finally:
        if state["store"] is not None:
            state["store"].close()
    return state["code"] or code


def context_for(store, period_id: int | None = None):
    """The context of the main unit and its most recent period (made if there is none)."""
    from ui.context import AppContext

    unit = store.unit()
    if period_id is None:
        plist = store.periods(unit["code"])
        if not plist:
            from cchc_desktop import templates

            period_id = store.create_period(unit["code"], templates.current_period_code())["id"]
        else:
            period_id = plist[-1]["id"]
    return AppContext(store, store.period(period_id)["unit_code"], period_id)


def _run_screenshots(db_path: str | None, folder: Path) -> int:
    from cchc_desktop import paths
    from cchc_desktop.errors import UserError
    from cchc_desktop.store import open_store

    app = _app()
    try:
        store = open_store(Path(db_path) if db_path else paths.default_db_path())
    except UserError as e:
        sys.stderr.write(f"cchc-desktop: {e}\n")
        return 1
    try:
        if not store.units():
            from ui.welcome import WelcomeDialog

            dlg = WelcomeDialog(store)
            folder.mkdir(parents=True, exist_ok=True)
            dlg.show()
            app.processEvents()
            dlg.grab().save(str(folder / "00-chao-mung.png"))
            dlg.close()
            return 0
        window = open_window(store)
        window.resize(*_window_size())
        window.show()
        save_screenshots(window, folder)
        window.close()
        return 0
    finally:
        store.close()
