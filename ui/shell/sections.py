"""The window's sections: a list on the left beside the page of the chosen one (`SectionNav`,
with the calls of QTabWidget), and pages built the first time they are shown (`LazyTab`)."""
from __future__ import annotations

from ui.qt import (  # only what the frame needs: each name costs start-up time (ui/qt.py)
    QHBoxLayout, QListWidget, QListWidgetItem, QSizePolicy, QStackedWidget, QVBoxLayout, QWidget, Signal,
)


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
        from ui.qt import QBrush, QColor  # QtGui's classes are built when first looked up: not before the frame

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
