"""The read-only tables of the package dialogs (the import preview, the roll-up): cells, colours."""
from __future__ import annotations

from ui.qt import QAbstractItemView, QBrush, QColor, QHeaderView, Qt, QTableWidget, QTableWidgetItem

REFUSED = QColor("#fde2e1")
WARN = QColor("#fff3cd")
GOOD = QColor("#e3f4e1")


def cell(text, align_right: bool = False, tooltip: str = "") -> QTableWidgetItem:
    it = QTableWidgetItem("" if text is None else str(text))
    it.setFlags(it.flags() & ~Qt.ItemFlag.ItemIsEditable)
    if align_right:
        it.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    if tooltip:
        it.setToolTip(tooltip)
    return it


def read_only_table(headers: list[str]) -> QTableWidget:
    t = QTableWidget(0, len(headers))
    t.setHorizontalHeaderLabels(headers)
    t.verticalHeader().setVisible(False)
    t.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    t.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    t.setWordWrap(True)
    t.setAlternatingRowColors(True)
    # Wrapped cells follow the real column widths.
    t.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    return t


def paint(table: QTableWidget, row: int, color: QColor | None) -> None:
    if color is None:
        return
    for c in range(table.columnCount()):
        it = table.item(row, c)
        if it is not None:
            it.setBackground(QBrush(color))
