"""Qt's own texts in Vietnamese (Qt ships no Vietnamese translation): the table, the lookup, the translator.

Context menus of text fields, standard buttons (ui/messages.py's `vi_buttons` reads the same table),
the non-native file dialog. A plain module: the message boxes and the start-up both need it.
"""
from __future__ import annotations

from ui.qt import QTranslator

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
    class QtTextsVietnamese(QTranslator):
        def translate(self, context, source, disambiguation=None, n=-1):  # noqa: ARG002
            return qt_text(context or "", source or "")  # None: not ours, Qt falls back

        def isEmpty(self):  # noqa: N802
            return False

    _translator = QtTextsVietnamese(app)
    app.installTranslator(_translator)
