"""Starting the window: `run(db_path, screenshot_dir=None, quit_after_show=False, open_package=None)
-> exit code` (cli.py's `gui` calls it).

Start-up stays light: matplotlib, python-docx and openpyxl are imported by the features that
need them, when first needed (cchc_desktop.store keeps pandas/numpy out of sqlite-utils);
tabs other than the first are built when first shown; the checks run after the first paint.
The application gets the app icon (resources/icons) and a translator that puts Qt's own texts
(context menus of text fields, standard buttons, the non-native file dialog) in Vietnamese.
"""
from __future__ import annotations

import os
import sys
import time
import traceback
from pathlib import Path

from cchc_desktop import paths
from ui import messages
from ui.qt import QApplication, QEvent, QGuiApplication, QIcon, QLocale, QSize, QTimer
from ui.qt_texts import install_translator
from ui.shell import single_instance
from ui.shell.main_window import MainWindow

def app_icon():
    """The app icon from resources/icons (app-16.png … app-256.png), found frozen too.

    Each size is added with its size given, so Qt reads a file only when that size is drawn."""
    icon = QIcon()
    folder = paths.resource("icons")
    for f in sorted(folder.glob("app-*.png")):
        size = f.stem.partition("-")[2]
        if size.isdigit():
            icon.addFile(str(f), QSize(int(size), int(size)))
    if icon.isNull() and (folder / "app.png").is_file():
        icon.addFile(str(folder / "app.png"))
    return icon


def _app():
    app = QApplication.instance()
    if app is None:
        app = QApplication(sys.argv[:1])
    app.setApplicationName("CCHC Desktop")
    app.setApplicationDisplayName("CCHC Desktop")
    app.setOrganizationName("CCHC Desktop")
    QLocale.setDefault(QLocale(QLocale.Language.Vietnamese, QLocale.Country.Vietnam))
    install_translator(app)
    app.setWindowIcon(app_icon())
    return app


WINDOW_SIZE = (1366, 768)


def _window_size() -> tuple[int, int]:
    """1366×768 by default; CCHC_WINDOW_SIZE=1024x768 for checking the small screen."""
    text = os.environ.get("CCHC_WINDOW_SIZE", "")
    try:
        w, h = (int(x) for x in text.lower().split("x"))
        return w, h
    except ValueError:
        return WINDOW_SIZE


def start_geometry(available: tuple[int, int, int, int],
                   wanted: tuple[int, int] = WINDOW_SIZE) -> tuple[int, int, int, int] | None:
    """Where the window starts on a screen whose free area (without the taskbar) is `available`
    (x, y, width, height): None = maximized, when the wanted size does not fit with a margin
    (1024×768 and 1366×768 screens); else the wanted size, centred."""
    w, h = wanted
    ax, ay, aw, ah = available
    margin = 40  # the window frame and title bar are outside the client size
    if w + margin > aw or h + margin > ah:
        return None
    return ax + (aw - w) // 2, ay + (ah - h) // 2, w, h


def show_at_start(window) -> None:
    """Show the window sized for the screen it opens on: maximized on a small screen."""
    wanted = _window_size()
    screen = QGuiApplication.primaryScreen()
    if os.environ.get("CCHC_WINDOW_SIZE") or screen is None:  # a size asked for: exactly that
        window.resize(*wanted)
        window.show()
        return
    r = screen.availableGeometry()
    geo = start_geometry((r.x(), r.y(), r.width(), r.height()), wanted)
    if geo is None:
        window.resize(min(wanted[0], r.width()), min(wanted[1], r.height()))  # the size when un-maximized
        window.showMaximized()
    else:
        window.setGeometry(*geo)
        window.show()


def open_window(store, period_id: int | None = None, install_features: bool = True):
    """The complete main window over an open store: the main unit and its most recent period."""
    from ui.shell import files  # the store and the dialogs: not before the frame is shown

    return MainWindow(files.context_for(store, period_id), install_features=install_features)


def save_screenshots(window, folder: Path) -> list[Path]:
    """One PNG per tab: 01-thong-tin-chung.png … (the window as the user sees it)."""
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


def run(db_path: str | None, screenshot_dir: str | None = None, quit_after_show: bool = False,
        open_package: str | None = None) -> int:
    """Show the window, open the data file, run until closed; returns the exit code.

    The window's frame is shown first and the data file opened at the first turn of the
    event loop, so the window appears as fast as a bare one and fills in a moment later.
    With `screenshot_dir`: offscreen, one PNG per tab, exit 0. `quit_after_show`: exit once
    the window is filled (bench/bench_window.py). `open_package`: a .cchc file (double-clicked:
    `gui --open-package FILE`) whose import preview opens once the window is filled; on a file
    with no unit, the upper level is set up from it (the welcome screen if nothing was imported).
    """
    if screenshot_dir:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        return _run_screenshots(db_path, Path(screenshot_dir))
    app = _app()
    # None: another window has this file open (the default file is keyed without computing its path)
    guard = single_instance.claim(db_path, package=open_package)
    if guard is None:  # that window was asked to come forward, and to open the package's import preview
        if open_package:
            return 0
        messages.info(None, single_instance.ALREADY_OPEN.format(name=Path(db_path).name if db_path else "cchc.sqlite"))
        return 0
    window = MainWindow()
    show_at_start(window)
    state = {"code": 0, "store": None}

    def load() -> None:
        from ui.shell import files  # the store and the dialogs: only once the frame is shown

        try:
            path = Path(db_path) if db_path else paths.default_db_path()
        except OSError as e:
            messages.error(window, f"Không tạo được thư mục dữ liệu của người dùng ({e.strerror}). "
                           "Hãy mở phần mềm với một tệp dữ liệu cụ thể, hoặc kiểm tra quyền ghi.",
                           "Không mở được tệp dữ liệu")
            state["code"] = 1
            app.exit(1)
            return
        window.home_path = path  # the user's own file (Tệp → … and the sample data's way back)
        opened = files.open_data_file(path, window, package=open_package, at_start=True)
        if opened.store is None:
            state["code"] = opened.code
            app.exit(opened.code)
            return
        state["store"] = opened.store
        window.attach(files.context_for(opened.store, opened.period_id))
        guard.attach(window)  # a second start on this file brings this window forward
        if Path(opened.store.path).resolve() != path.resolve():  # the sample data, in its own file
            single_instance.follow(window, opened.store.path)
        if open_package and not opened.package_offered:
            single_instance.show_package_import(window, open_package)
        if quit_after_show:
            QTimer.singleShot(0, app.quit)

    def safe_load() -> None:
        try:
            load()
        except Exception as e:  # never an empty window and a traceback: say it and close
            traceback.print_exc()
            messages.error(window, f"Lỗi không mong đợi khi mở dữ liệu ({type(e).__name__}: {e}). "
                           "Chương trình sẽ đóng lại; hãy mở lại, nếu vẫn lỗi hãy báo người hỗ trợ.")
            state["code"] = 3
            app.exit(3)

    QTimer.singleShot(0, safe_load)
    try:
        code = app.exec()
    finally:
        current = window.ctx.store if window.ctx is not None else None
        for store in {id(s): s for s in (state["store"], current) if s is not None}.values():
            store.close()  # closing twice is harmless (a feature may have closed the current one)
        for g in {id(g): g for g in (guard, getattr(window, "instance_guard", None)) if g is not None}.values():
            g.close()  # the next start on the file (this process too) owns it
        # Closing the last window while quitting posts one more Quit; left queued, it would end
        # the next event loop of this process at once (a second run, the tests). The window goes
        # too, and with it what features hung on the application (their aboutToQuit handlers).
        app.removePostedEvents(app, QEvent.Type.Quit)
        window.hide()
        window.deleteLater()
        app.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)
    return state["code"] or code


def _run_screenshots(db_path: str | None, folder: Path) -> int:
    from ui.shell import files  # the store and the dialogs: app.run's frame comes without them

    app = _app()
    try:
        store = files.open_store(Path(db_path) if db_path else paths.default_db_path())
    except files.UserError as e:
        sys.stderr.write(f"cchc-desktop: {e}\n")
        return 1
    try:
        if not store.units():
            dlg = files.WelcomeDialog(store)
            folder.mkdir(parents=True, exist_ok=True)
            dlg.show()
            app.processEvents()
            dlg.grab().save(str(folder / "00-chao-mung.png"))
            dlg.close()
            return 0
        window = open_window(store)
        window.resize(*_window_size())  # the screenshots are of 1366×768 (or CCHC_WINDOW_SIZE)
        window.show()
        save_screenshots(window, folder)
        window.close()
        return 0
    finally:
        store.close()
