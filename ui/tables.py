"""What the tables of data entry share (the indicator forms, the dossier tables, the issued
documents): models addressed by column name, header data from a {column: (title, tooltip)} table,
the wiring of a table panel, a row's context menu. The models stay testable without any view."""
from __future__ import annotations

from ui.qt import QKeySequence, QShortcut, Qt


class NamedColumns:
    """A table model whose columns have names (`COLUMNS`, in order), so that code and tests say
    which column they mean: `cell(row, "truc_tuyen")`, `text(row, "date")`."""

    COLUMNS: tuple[str, ...] = ()

    def column(self, name: str) -> int:
        """The number of the column `name` (ValueError for a name the model does not have)."""
        return self.COLUMNS.index(name)

    def cell(self, row: int, name: str):
        return self.index(row, self.column(name))

    def text(self, row: int, name: str, role=Qt.ItemDataRole.DisplayRole):
        """What the cell shows (or holds for `role`)."""
        return self.data(self.cell(row, name), role)


def header_data(headers: dict, section: int, orientation, role, row_label):
    """headerData of a table whose columns are `headers` {column: (title, tooltip)} and whose
    rows are numbered by `row_label(row)`."""
    if orientation == Qt.Horizontal and section in headers:
        if role == Qt.DisplayRole:
            return headers[section][0]
        if role == Qt.ToolTipRole:
            return headers[section][1]
    if orientation == Qt.Vertical and role == Qt.DisplayRole:
        return row_label(section)
    return None


def wire_table_panel(view, model, buttons, *, on_current, on_reset, on_data) -> None:
    """The wiring a table panel shares (dossier fields, issued documents): Ctrl+Z in the table
    undoes the model's last accepted edit; each (button, slot) pair is connected; the panel
    refreshes on a new current cell, a reset of the model and a change of its data."""
    undo = QShortcut(QKeySequence.Undo, view)
    undo.setContext(Qt.WidgetShortcut)
    undo.activated.connect(model.undo)
    for button, slot in buttons:
        button.clicked.connect(slot)
    view.selectionModel().currentChanged.connect(lambda *_: on_current())
    model.modelReset.connect(on_reset)
    model.dataChanged.connect(lambda *_: on_data())


def exec_row_menu(view, event) -> bool:
    """Show `view.context_menu(index)` (a row's menu, e.g. its history) at a context-menu event;
    False when the row has none (the caller then does Qt's default)."""
    index = view.indexAt(event.pos())
    menu = view.context_menu(index)
    if menu is None:
        return False
    view.setCurrentIndex(index)
    _exec_menu(menu, event.globalPos())
    menu.deleteLater()
    return True


def _exec_menu(menu, pos) -> None:
    """Run the menu (its own function: tests replace it, a real menu would wait for a click)."""
    menu.exec(pos)
