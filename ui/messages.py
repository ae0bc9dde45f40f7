"""Vietnamese message boxes and button texts (Qt ships no Vietnamese translation of its own).

The app installs a translator for Qt's own texts (ui.shell.app); dialogs also set the texts of their
standard buttons through `vi_buttons`, from the same table, so they are Vietnamese wherever
they are built. Every message box goes through `info`, `error` or `ask` (tests monkeypatch these).
"""
from __future__ import annotations

from ui.qt import QDialogButtonBox, QMessageBox

APP_TITLE = "CCHC Desktop"

# Qt's own text of each standard button (context QPlatformTheme), by the button's name, so that
# QDialogButtonBox and QMessageBox buttons share it; ui.shell.app.QT_TEXTS holds the Vietnamese.
_QT_BUTTON_SOURCES = {
    "Ok": "OK", "Save": "Save", "SaveAll": "Save All", "Open": "Open", "Yes": "&Yes", "YesToAll": "Yes to &All",
    "No": "&No", "NoToAll": "N&o to All", "Abort": "Abort", "Retry": "Retry", "Ignore": "Ignore",
    "Close": "Close", "Cancel": "Cancel", "Discard": "Discard", "Help": "Help", "Apply": "Apply",
    "Reset": "Reset", "RestoreDefaults": "Restore Defaults",
}


def button_text(std) -> str | None:
    """The Vietnamese text of a standard button (QDialogButtonBox's or QMessageBox's enum)."""
    from ui.shell.app import qt_text

    source = _QT_BUTTON_SOURCES.get(getattr(std, "name", ""))
    return qt_text("QPlatformTheme", source) if source else None


def vi_buttons(box: QDialogButtonBox | QMessageBox):
    """Give the standard buttons of a QDialogButtonBox (or QMessageBox) their Vietnamese texts."""
    for b in box.buttons():
        text = button_text(box.standardButton(b))
        if text:
            b.setText(text)
    return box


def _box(parent, icon, text: str, buttons, default=None, title: str = APP_TITLE) -> QMessageBox:
    box = vi_buttons(QMessageBox(icon, title, text, buttons, parent))
    if default is not None:
        box.setDefaultButton(default)
    return box


def info(parent, text: str, title: str = APP_TITLE) -> None:
    _box(parent, QMessageBox.Icon.Information, text, QMessageBox.StandardButton.Ok, title=title).exec()


def error(parent, text: str, title: str = APP_TITLE) -> None:
    _box(parent, QMessageBox.Icon.Warning, text, QMessageBox.StandardButton.Ok, title=title).exec()


def ask(parent, text: str, title: str = APP_TITLE) -> bool:
    box = _box(parent, QMessageBox.Icon.Question, text,
               QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
               default=QMessageBox.StandardButton.No, title=title)
    return box.exec() == QMessageBox.StandardButton.Yes
