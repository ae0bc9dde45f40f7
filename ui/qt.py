"""Every Qt import of the app goes through here (one place to change bindings or versions)."""
from PySide6.QtCore import (  # noqa: F401
    QAbstractTableModel, QByteArray, QLocale, QEvent, QItemSelectionModel, QModelIndex, QObject, QPoint,
    QRect, QRunnable, QSize, QSortFilterProxyModel, Qt, QThreadPool, QTimer, QUrl, Signal, Slot,
    QMimeData,
)
from PySide6.QtGui import (  # noqa: F401
    QAction, QBrush, QColor, QDesktopServices, QFont, QFontMetrics, QGuiApplication, QIcon,
    QKeySequence, QPainter, QPalette, QPixmap, QShortcut, QSyntaxHighlighter, QTextCharFormat,
    QTextCursor, QTextDocument, QUndoCommand, QUndoStack, QValidator,
    QKeyEvent,
    QImage,
    QDragEnterEvent, QDropEvent,
)
from PySide6.QtWidgets import (  # noqa: F401
    QAbstractItemDelegate, QAbstractItemView, QApplication, QCheckBox, QComboBox, QCompleter, QDateEdit, QDialog,
    QDialogButtonBox, QFileDialog, QFormLayout, QFrame, QGridLayout, QGroupBox, QHBoxLayout,
    QHeaderView, QInputDialog, QLabel, QLineEdit, QListWidget, QListWidgetItem, QMainWindow,
    QMenu, QMessageBox, QPlainTextEdit, QProgressBar, QProgressDialog, QPushButton, QScrollArea,
    QSizePolicy, QSpinBox, QSplitter, QStackedWidget, QStatusBar, QStyledItemDelegate, QTableView,
    QTableWidget, QTableWidgetItem, QTabWidget, QTextBrowser, QTextEdit, QToolBar, QToolButton,
    QStyle, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget,
    QToolTip,
)
from PySide6.QtNetwork import QLocalServer, QLocalSocket  # noqa: F401
