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
    """The main window over an open store: the main unit and its most recent period."""
    from ui.context import AppContext
    from ui.main_window import MainWindow

    unit = store.unit()
    if period_id is None:
        plist = store.periods(unit["code"])
        if not plist:
            from cchc_desktop import templates

            period_id = store.create_period(unit["code"], templates.current_period_code())["id"]
        else:
            period_id = plist[-1]["id"]
    unit_code = store.period(period_id)["unit_code"]
    ctx = AppContext(store, unit_code, period_id)
    return MainWindow(ctx, install_features=install_features)


def save_screenshots(window, folder: Path) -> list[Path]:
    """One PNG per tab: 01-thong-tin-chung.png … (the window as the user sees it)."""
    from ui.qt import QApplication

    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for i, key in enumerate(window.tab_keys):
        window.show_tab(key)
        for _ in range(3):
            QApplication.processEvents()
        window.wait_tasks()
        path = folder / f"{i + 1:02d}-{window.screenshot_names[key]}.png"
        window.grab().save(str(path))
        out.append(path)
    return out


def run(db_path: str | None, screenshot_dir: str | None = None, quit_after_show: bool = False) -> int:
    from cchc_desktop import paths
    from cchc_desktop.errors import DataFileError, UserError
    from cchc_desktop.store import open_store
    from ui import messages

    if screenshot_dir:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    app = _app()
    guard = None
    try:
        path = Path(db_path) if db_path else paths.default_db_path()
        if not screenshot_dir:
            from ui import single_instance

            guard = single_instance.claim(path)
            if guard is None:  # another window has this file open; it was asked to come forward
                messages.info(None, single_instance.ALREADY_OPEN.format(name=path.name))
                return 0
        store = open_store(path, backup=not screenshot_dir)  # a backup when it changed since the last one
    except (DataFileError, UserError) as e:
        if screenshot_dir:
            sys.stderr.write(f"cchc-desktop: {e}\n")
        else:
            messages.error(None, f"{e}\n\nChương trình sẽ đóng lại.", "Không mở được tệp dữ liệu")
        return 1
    try:
        period_id = None
        if not store.units():
            from ui.welcome import WelcomeDialog

            dlg = WelcomeDialog(store)
            if screenshot_dir:
                folder = Path(screenshot_dir)
                folder.mkdir(parents=True, exist_ok=True)
                dlg.show()
                app.processEvents()
                dlg.grab().save(str(folder / "00-chao-mung.png"))
                return 0
            if dlg.exec() != WelcomeDialog.DialogCode.Accepted:
                return 0
            period_id = dlg.period_id
        window = open_window(store, period_id)
        if guard is not None:
            guard.attach(window)  # a second start on this file brings this window forward
        window.resize(*_window_size())
        window.show()
        if screenshot_dir:
            save_screenshots(window, Path(screenshot_dir))
            window.close()
            return 0
        if quit_after_show:
            from ui.qt import QTimer

            QTimer.singleShot(0, app.quit)
        return app.exec()
    finally:
        store.close()
