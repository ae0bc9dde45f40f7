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
from pathlib import Path

# Qt's own texts in Vietnamese (Qt ships no Vietnamese translation): (contexts) → {English: Vietnamese}.
# The contexts are the ones Qt 6 passes to QCoreApplication::translate. "&" marks the Alt+letter
# key; Qt appends a shortcut such as "\tCtrl+Z" to a menu text itself. Shortcut strings Qt parses
# back (QFileDialog's "Alt+Left") and key names (QShortcut: "Ctrl") stay as they are.
_EDIT_MENU = {
    "&Undo": "&Hoàn tác", "&Redo": "&Làm lại", "Cu&t": "Cắ&t", "&Copy": "&Sao chép", "&Paste": "&Dán",
    "Delete": "Xóa", "Select All": "Chọn tất cả", "Copy &Link Location": "Sao chép địa chỉ &liên kết",
}
_FILE_TYPES = {
    "Drive": "Ổ đĩa", "Folder": "Thư mục", "File Folder": "Thư mục", "File": "Tệp", "%1 File": "Tệp %1",
    "Shortcut": "Lối tắt", "Alias": "Lối tắt", "Unknown": "Không rõ",
}
_FILE_COLUMNS = {
    "Name": "Tên", "Size": "Kích thước", "Type": "Loại", "Kind": "Loại", "Date Modified": "Ngày sửa",
    "My Computer": "Máy tính", "Computer": "Máy tính",
}
QT_TEXTS: dict[tuple[str, ...], dict[str, str]] = {
    ("QLineEdit", "QWidgetTextControl"): _EDIT_MENU,
    ("QPlatformTheme",): {
        "OK": "Đồng ý", "Save": "Lưu", "Save All": "Lưu tất cả", "Open": "Mở", "&Yes": "&Có",
        "Yes to &All": "Có cho &tất cả", "&No": "&Không", "N&o to All": "Không c&ho tất cả",
        "Abort": "Dừng lại", "Retry": "Thử lại", "Ignore": "Bỏ qua", "Close": "Đóng", "Cancel": "Hủy",
        "Discard": "Không lưu", "Help": "Trợ giúp", "Apply": "Áp dụng", "Reset": "Đặt lại",
        "Restore Defaults": "Khôi phục mặc định",
    },
    ("QGnomeTheme",): {  # Linux desktops with the GNOME theme
        "&OK": "Đồn&g ý", "&Save": "&Lưu", "&Cancel": "&Hủy", "&Close": "Đón&g",
        "Close without Saving": "Đóng, không lưu",
    },
    ("QMessageBox",): {
        "Show Details...": "Xem chi tiết…", "Hide Details...": "Ẩn chi tiết…", "About Qt": "Giới thiệu Qt",
    },
    ("QAbstractSpinBox",): {"&Select All": "&Chọn tất cả", "&Step up": "&Tăng", "Step &down": "&Giảm"},
    ("QScrollBar",): {
        "Scroll here": "Cuộn đến đây", "Left edge": "Mép trái", "Right edge": "Mép phải", "Top": "Trên cùng",
        "Bottom": "Dưới cùng", "Page left": "Sang trái một trang", "Page right": "Sang phải một trang",
        "Page up": "Lên một trang", "Page down": "Xuống một trang", "Scroll left": "Cuộn sang trái",
        "Scroll right": "Cuộn sang phải", "Scroll up": "Cuộn lên", "Scroll down": "Cuộn xuống",
    },
    ("QTabBar",): {"Scroll Left": "Cuộn sang trái", "Scroll Right": "Cuộn sang phải", "Close Tab": "Đóng thẻ"},
    ("QUndoStack", "QUndoGroup"): {
        "Undo": "Hoàn tác", "Redo": "Làm lại", "Undo %1": "Hoàn tác %1", "Redo %1": "Làm lại %1",
    },
    ("QUndoModel",): {"<empty>": "<trống>"},
    ("QInputDialog",): {"Enter a value:": "Nhập một giá trị:"},
    ("QProgressDialog",): {"Cancel": "Hủy"},
    ("QFileDialog",): {
        **_FILE_TYPES, **_FILE_COLUMNS,
        "&Open": "&Mở", "&Save": "&Lưu", "&Choose": "&Chọn", "Open": "Mở", "Save As": "Lưu thành",
        "Find Directory": "Chọn thư mục", "&Look in:": "Tìm t&rong:", "Look in:": "Tìm trong:",
        "File &name:": "&Tên tệp:", "Files of &type:": "L&oại tệp:", "Files of type:": "Loại tệp:",
        "Directory:": "Thư mục:", "Directories": "Thư mục", "Files": "Tệp", "All Files (*)": "Tất cả tệp (*)",
        "All files (*)": "Tất cả tệp (*)", "Back": "Quay lại", "Forward": "Tiến tới", "Go back": "Quay lại",
        "Go forward": "Tiến tới", "Parent Directory": "Thư mục cha", "Go to the parent directory": "Lên thư mục cha",
        "Create New Folder": "Tạo thư mục mới", "Create a New Folder": "Tạo thư mục mới",
        "New Folder": "Thư mục mới", "&New Folder": "Thư mục &mới", "&Rename": "Đổi &tên", "&Delete": "&Xóa",
        "Remove": "Bỏ khỏi danh sách", "Show &hidden files": "Hiện tệp ẩ&n", "Show ": "Hiện cột ",
        "List View": "Danh sách", "Detail View": "Chi tiết", "Change to list view mode": "Xem dạng danh sách",
        "Change to detail view mode": "Xem dạng chi tiết", "Sidebar": "Thanh bên",
        "List of places and bookmarks": "Các nơi thường dùng", "Recent Places": "Nơi mở gần đây",
        "%1 already exists.\nDo you want to replace it?": "Đã có tệp %1.\nGhi đè lên tệp đó?",
        "Are you sure you want to delete '%1'?": "Xóa “%1”?",
        "'%1' is write protected.\nDo you want to delete it anyway?": "“%1” đang được chống ghi.\nVẫn xóa?",
        "Could not delete directory.": "Không xóa được thư mục.",
        "%1\nFile not found.\nPlease verify the correct file name was given.":
            "%1\nKhông tìm thấy tệp.\nHãy kiểm tra lại tên tệp.",
        "%1\nDirectory not found.\nPlease verify the correct directory name was given.":
            "%1\nKhông tìm thấy thư mục.\nHãy kiểm tra lại tên thư mục.",
    },
    ("QAbstractFileIconProvider",): _FILE_TYPES,
    ("QFileSystemModel",): {
        **_FILE_COLUMNS, "Invalid filename": "Tên tệp không hợp lệ",
        '<b>The name "%1" cannot be used.</b><p>Try using another name, with fewer characters or no '
        "punctuation marks.": "<b>Không dùng được tên “%1”.</b><p>Hãy đặt tên khác, ngắn hơn hoặc không "
                              "có dấu câu.",
    },
}
_qt_table: dict[tuple[str, str], str] = {}
_translator = None


def qt_text(context: str, source: str) -> str | None:
    """The Vietnamese of one of Qt's own texts, or None (Qt then keeps its English).

    A shortcut suffix ("&Undo\\tCtrl+Z") is kept as it is and only the text before it translated."""
    if not _qt_table:
        for contexts, texts in QT_TEXTS.items():
            for ctx in contexts:
                for src, vi in texts.items():
                    _qt_table[(ctx, src)] = vi
    text, tab, suffix = source.partition("\t")
    vi = _qt_table.get((context, text))
    return None if vi is None else vi + tab + suffix


def install_translator(app) -> None:
    """Qt's own texts in Vietnamese from now on (once per process)."""
    global _translator
    if _translator is not None:
        return
    from ui.qt import QTranslator

    class QtTextsVietnamese(QTranslator):
        def translate(self, context, source, disambiguation=None, n=-1):  # noqa: ARG002
            return qt_text(context or "", source or "")  # None: not ours, Qt falls back

        def isEmpty(self):  # noqa: N802
            return False

    _translator = QtTextsVietnamese(app)
    app.installTranslator(_translator)


def app_icon():
    """The app icon from resources/icons (app-16.png … app-256.png), found frozen too.

    Each size is added with its size given, so Qt reads a file only when that size is drawn."""
    from cchc_desktop import paths
    from ui.qt import QIcon, QSize

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
    from ui.qt import QApplication, QLocale

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
    from ui.qt import QGuiApplication

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
    from ui.shell.main_window import MainWindow

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
    from ui.shell import single_instance
    from ui.shell.main_window import MainWindow
    from ui.qt import QTimer

    # None: another window has this file open (the default file is keyed without computing its path)
    guard = single_instance.claim(db_path, package=open_package)
    if guard is None:  # that window was asked to come forward, and to open the package's import preview
        if open_package:
            return 0
        from ui import messages

        messages.info(None, single_instance.ALREADY_OPEN.format(name=Path(db_path).name if db_path else "cchc.sqlite"))
        return 0
    window = MainWindow()
    show_at_start(window)
    state = {"code": 0, "store": None}

    def load() -> None:
        from cchc_desktop import paths
        from ui import messages

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
        opened = open_data_file(path, window, package=open_package, at_start=True)
        if opened.store is None:
            state["code"] = opened.code
            app.exit(opened.code)
            return
        state["store"] = opened.store
        window.attach(context_for(opened.store, opened.period_id))
        guard.attach(window)  # a second start on this file brings this window forward
        if Path(opened.store.path).resolve() != path.resolve():  # the sample data, in its own file
            single_instance.follow(window, opened.store.path)
        if open_package and not opened.package_offered:
            show_package_import(window, open_package)
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
        current = window.ctx.store if window.ctx is not None else None
        for store in {id(s): s for s in (state["store"], current) if s is not None}.values():
            store.close()  # closing twice is harmless (a feature may have closed the current one)
        for g in {id(g): g for g in (guard, getattr(window, "instance_guard", None)) if g is not None}.values():
            g.close()  # the next start on the file (this process too) owns it
        # Closing the last window while quitting posts one more Quit; left queued, it would end
        # the next event loop of this process at once (a second run, the tests). The window goes
        # too, and with it what features hung on the application (their aboutToQuit handlers).
        from ui.qt import QEvent

        app.removePostedEvents(app, QEvent.Type.Quit)
        window.hide()
        window.deleteLater()
        app.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)
    return state["code"] or code


def set_up_empty_file(store, parent, package: str | None = None) -> int | Path | None:
    """A data file with no unit: the period to open, a Path (open that file instead: the
    sample data, which lives in its own file), or None (the user quit).

    With a package (double-clicked), the upper level is set up from it: the import preview with
    that file; if nothing was imported there, or without a package, the welcome screen."""
    if package:
        from ui.packages.package_dialogs import import_into_new_file

        period_id = import_into_new_file(store, parent, [package])
        if period_id is not None:
            return period_id
    from ui.shell.welcome import WelcomeDialog

    dlg = WelcomeDialog(store, parent)
    if dlg.exec() != WelcomeDialog.DialogCode.Accepted:
        return None
    return dlg.open_path or dlg.period_id


class Opened:
    """What `open_data_file` gives: the open store and the period to show, or (store None) the
    exit code for a start that cannot go on (1: the file could not be opened, 0: the user quit)."""

    def __init__(self, store=None, period_id: int | None = None, code: int = 0, package_offered: bool = False):
        self.store, self.period_id, self.code, self.package_offered = store, period_id, code, package_offered


def open_data_file(path: Path, parent, *, package: str | None = None, at_start: bool = False) -> Opened:
    """Open a data file for the window (at start, or Tệp → Mở tệp dữ liệu khác… / Tạo tệp dữ liệu mới…).

    A refused file: at start, a damaged one gets the choice of restoring a backup, a new file
    (the damaged one kept, renamed) or quitting; otherwise the reason is shown. An empty file
    gets the welcome screen; its "sample data" opens the demo's own file beside it
    (`du-lieu-mau.sqlite`, made from the demo when missing), never the user's file."""
    from cchc_desktop.errors import UserError
    from cchc_desktop.store import open_store
    from ui import messages

    path = Path(path)
    try:
        store = open_store(path, backup=True)  # a backup when it changed since the last one
    except UserError as e:  # DataFileError included
        store = recover_at_start(path, e, parent) if at_start else None
        if store is None:
            if not at_start:
                messages.error(parent, f"Không mở được tệp dữ liệu:\n{path}\n\n{e}\n\n"
                                       "Tệp đang mở vẫn giữ nguyên.", "Không mở được tệp dữ liệu")
            return Opened(code=1)
    if store.units():
        return Opened(store)
    choice = set_up_empty_file(store, parent, package)
    if isinstance(choice, Path):
        store.close()  # the user's file stays empty (its lock released): the demo goes to its own file
        return open_sample_file(choice, parent)
    if choice is None:
        store.close()
        return Opened(code=0)
    return Opened(store, choice, package_offered=True)


def open_sample_file(path: Path, parent) -> Opened:
    """The demo's own file: opened as it is (the trial edits kept), or made from the demo."""
    from cchc_desktop import dataio
    from cchc_desktop.errors import UserError
    from cchc_desktop.store import open_store
    from ui import messages

    store = None
    try:
        store = open_store(path, backup=True)
        if not store.units():
            period = dataio.load_demo(store)
            return Opened(store, period["id"], package_offered=True)
    except BaseException as e:
        if store is not None:
            store.close()  # its lock released: the file can be opened again (or by another program)
        if not isinstance(e, UserError):
            raise
        messages.error(parent, f"Không mở được dữ liệu mẫu ({path}):\n{e}", "Không mở được dữ liệu mẫu")
        return Opened(code=1)
    return Opened(store, package_offered=True)


def set_aside(path: Path, now=None) -> Path:
    """Rename a damaged data file (and its -wal/-shm/-journal) to `<name>.hong-<time>.sqlite`
    beside it; never deletes anything. Returns the new name; OSError if it cannot be renamed."""
    import datetime as dt

    now = now or dt.datetime.now()
    base = f"{path.stem}.hong-{now:%Y%m%d-%H%M%S}"
    target = path.with_name(base + path.suffix)
    n = 1
    while target.exists():
        n += 1
        target = path.with_name(f"{base}-{n}{path.suffix}")
    os.rename(path, target)
    for suffix in ("-wal", "-shm", "-journal"):
        side = path.with_name(path.name + suffix)
        if side.exists():  # an old WAL must never be replayed onto the new file
            os.rename(side, target.with_name(target.name + suffix))
    return target


def recover_at_start(path: Path, error, parent):
    """The file was refused at start: the full path, what happened, and the ways on.

    A damaged (or foreign) file: "Khôi phục từ bản sao lưu…" (ui.safety.backup_dialogs' restore dialog,
    cchc_desktop.store.backup.restore), "Tạo tệp mới" (the damaged file renamed aside, kept) or
    "Thoát". A file from a newer version, in use by another window, or refused for another reason
    (a folder without write access): the message only. Returns the opened Store, or None."""
    from cchc_desktop.errors import DataFileError, UserError
    from cchc_desktop.store import backup, check_file, lock, open_store
    from ui import messages
    from ui.shell.welcome import DamagedFileDialog

    damaged = False
    if isinstance(error, DataFileError) and "mới hơn" not in str(error) and path.is_file() \
            and not lock.is_locked(path):
        try:
            check_file(path)
        except DataFileError:
            damaged = True
    if not damaged:
        messages.error(parent, f"Không mở được tệp dữ liệu:\n{path}\n\n{error}\n\nChương trình sẽ đóng lại.",
                       "Không mở được tệp dữ liệu")
        return None
    while True:
        dlg = DamagedFileDialog(path, str(error), backup.list_backups(path), parent)
        dlg.exec()
        if dlg.choice == DamagedFileDialog.RESTORE:
            from ui.safety.backup_dialogs import RestoreDialog

            chooser = RestoreDialog(path, parent)
            if chooser.exec() != RestoreDialog.DialogCode.Accepted or chooser.chosen is None:
                continue  # back to the choice
            try:
                safety = backup.restore(path, chooser.chosen)  # the damaged file is kept as a raw copy
                store = open_store(path, backup=False)
            except UserError as e:
                messages.error(parent, f"Chưa khôi phục được: {e}")
                continue
            kept = f"\nTệp hỏng được giữ lại ở:\n{safety}" if safety else ""
            messages.info(parent, f"Đã khôi phục dữ liệu từ bản sao lưu “{chooser.chosen.name}”.{kept}")
            return store
        if dlg.choice == DamagedFileDialog.NEW:
            try:
                aside = set_aside(path)
            except OSError as e:
                messages.error(parent, f"Không đổi tên được tệp hỏng ({e.strerror}); chưa tạo tệp mới. "
                                       "Hãy đóng các chương trình đang mở tệp đó rồi thử lại.")
                continue
            try:
                store = open_store(path, backup=False)
            except UserError as e:
                messages.error(parent, f"Không tạo được tệp dữ liệu mới:\n{path}\n\n{e}")
                return None
            messages.info(parent, f"Tệp hỏng được đổi tên và giữ nguyên (không bị xóa):\n{aside}\n\n"
                                  f"Tệp dữ liệu mới, còn trống:\n{path}\n\nNếu cần lấy lại dữ liệu cũ, hãy gửi "
                                  "tệp hỏng cho người hỗ trợ kỹ thuật.")
            return store
        return None


def show_package_import(window, package: str):
    """The menu's package import (Công cụ → Nhập gói của đơn vị cấp dưới…) with `package` chosen."""
    feature = getattr(window, "package_feature", None)
    if feature is None:  # the feature did not load (its error was shown)
        from ui import messages

        messages.error(window, f"Không mở được gói “{Path(package).name}”: chức năng nhập gói chưa nạp được. "
                               "Hãy cài lại phần mềm.")
        return None
    return feature.import_packages([package])


def context_for(store, period_id: int | None = None):
    """The context of the main unit and its most recent period (made if there is none)."""
    from ui.shell.context import AppContext

    return AppContext(store, *unit_and_period(store, period_id))


def unit_and_period(store, period_id: int | None = None) -> tuple[str, int]:
    """(unit code, period id) to show: `period_id`'s, else the main unit's most recent period."""
    if period_id is None:
        unit = store.unit()
        plist = store.periods(unit["code"])
        if not plist:
            from cchc_desktop.report import default_texts as templates

            period_id = templates.new_period(store, unit["code"], templates.current_period_code())["id"]
        else:
            period_id = plist[-1]["id"]
    return store.period(period_id)["unit_code"], period_id


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
            from ui.shell.welcome import WelcomeDialog

            dlg = WelcomeDialog(store)
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
