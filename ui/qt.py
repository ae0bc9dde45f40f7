"""Every Qt import of the app goes through here (one place to change bindings or versions).

Names resolve on first use (PEP 562 module __getattr__): `from ui.qt import QTableView` works as
before, but loads only what is asked for. Importing all of them up front cost ~150 ms of start-up
(PySide6 builds each class when first looked up; bench/bench_window.py). Add a name to its list.
"""
import importlib

_NAMES = {
    "PySide6.QtCore": """
        QAbstractTableModel QByteArray QLocale QEvent QItemSelectionModel QModelIndex QObject QPoint
        QRect QRunnable QSize QSortFilterProxyModel QStringListModel Qt QThreadPool QTimer QUrl Signal Slot QMimeData QTranslator
    """.split(),
    "PySide6.QtGui": """
        QAction QBrush QColor QDesktopServices QFont QFontMetrics QGuiApplication QIcon QKeySequence
        QPainter QPalette QPixmap QShortcut QSyntaxHighlighter QTextCharFormat QTextCursor
        QTextDocument QUndoCommand QUndoStack QValidator QKeyEvent QImage QDragEnterEvent QDropEvent
    """.split(),
    "PySide6.QtWidgets": """
        QAbstractItemDelegate QAbstractItemView QApplication QCheckBox QComboBox QCompleter
        QDateEdit QDialog QDialogButtonBox QFileDialog QFormLayout QFrame QGridLayout QGroupBox
        QHBoxLayout QHeaderView QInputDialog QLabel QLayout QLineEdit QListWidget QListWidgetItem
        QMainWindow QMenu QMessageBox QPlainTextEdit QProgressBar QProgressDialog QPushButton
        QScrollArea QSizePolicy QSpinBox QSplitter QStackedWidget QStatusBar QStyledItemDelegate
        QTableView QTableWidget QTableWidgetItem QTabWidget QTextBrowser QTextEdit QToolBar
        QToolButton QStyle QTreeWidget QTreeWidgetItem QVBoxLayout QWidget QToolTip
    """.split(),
    "PySide6.QtNetwork": """
        QLocalServer QLocalSocket
    """.split(),
}
_MODULE_OF = {name: module for module, names in _NAMES.items() for name in names}


def __getattr__(name: str):
    module = _MODULE_OF.get(name)
    if module is None:
        raise AttributeError(f"module 'ui.qt' has no attribute {name!r} (add it to ui/qt.py)")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__():
    return sorted(set(globals()) | set(_MODULE_OF))
