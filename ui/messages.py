"""Vietnamese message boxes and button texts (Qt ships no Vietnamese translation of its own).

The app installs a translator for Qt's own texts (ui/qt_texts.py); dialogs also set the texts of their
standard buttons through `vi_buttons`, from the same table, so they are Vietnamese wherever
they are built. Every message box goes through `info`, `error`, `ask` or `choose` (tests monkeypatch these).
"""
from __future__ import annotations

from ui import qt  # qt.QMessageBox … when a box is made: importing this module costs nothing
from ui.qt_texts import qt_text

APP_TITLE = "CCHC Desktop"

# Qt's own text of each standard button (context QPlatformTheme), by the button's name, so that
# QDialogButtonBox and QMessageBox buttons share it; ui/qt_texts.py's QT_TEXTS holds the Vietnamese.
_QT_BUTTON_SOURCES = {
    "Ok": "OK", "Save": "Save", "SaveAll": "Save All", "Open": "Open", "Yes": "&Yes", "YesToAll": "Yes to &All",
    "No": "&No", "NoToAll": "N&o to All", "Abort": "Abort", "Retry": "Retry", "Ignore": "Ignore",
    "Close": "Close", "Cancel": "Cancel", "Discard": "Discard", "Help": "Help", "Apply": "Apply",
    "Reset": "Reset", "RestoreDefaults": "Restore Defaults",
}


def button_text(std) -> str | None:
    """The Vietnamese text of a standard button (QDialogButtonBox's or QMessageBox's enum)."""
    source = _QT_BUTTON_SOURCES.get(getattr(std, "name", ""))
    return qt_text("QPlatformTheme", source) if source else None


def vi_buttons(box: qt.QDialogButtonBox | qt.QMessageBox):
    """Give the standard buttons of a QDialogButtonBox (or QMessageBox) their Vietnamese texts."""
    for b in box.buttons():
        text = button_text(box.standardButton(b))
        if text:
            b.setText(text)
    return box


def _box(parent, icon, text: str, buttons, default=None, title: str = APP_TITLE) -> qt.QMessageBox:
    box = vi_buttons(qt.QMessageBox(icon, title, text, buttons, parent))
    if default is not None:
        box.setDefaultButton(default)
    return box


def info(parent, text: str, title: str = APP_TITLE) -> None:
    _box(parent, qt.QMessageBox.Icon.Information, text, qt.QMessageBox.StandardButton.Ok, title=title).exec()


def error(parent, text: str, title: str = APP_TITLE) -> None:
    _box(parent, qt.QMessageBox.Icon.Warning, text, qt.QMessageBox.StandardButton.Ok, title=title).exec()


def ask(parent, text: str, title: str = APP_TITLE) -> bool:
    box = _box(parent, qt.QMessageBox.Icon.Question, text,
               qt.QMessageBox.StandardButton.Yes | qt.QMessageBox.StandardButton.No,
               default=qt.QMessageBox.StandardButton.No, title=title)
    return box.exec() == qt.QMessageBox.StandardButton.Yes


NOTE_WIDTH = 620  # a note dialog's width: the finding it quotes wraps inside it (a 1366 px screen)


def note_dialog(parent, title: str, message: str, prompt: str) -> qt.QDialog:
    """A dialog asking for a note (a reason, a comment) under a finding: the finding wraps, the
    width stays within a small screen, the buttons are Vietnamese. `ask_note` runs it."""
    dlg = qt.QDialog(parent)
    dlg.setWindowTitle(title)
    layout = qt.QVBoxLayout(dlg)
    for text in (message, prompt):
        if text:
            label = qt.QLabel(text)
            label.setWordWrap(True)
            label.setTextInteractionFlags(qt.Qt.TextInteractionFlag.TextSelectableByMouse)
            layout.addWidget(label)
    dlg.edit = qt.QLineEdit()
    layout.addWidget(dlg.edit)
    buttons = vi_buttons(qt.QDialogButtonBox(qt.QDialogButtonBox.StandardButton.Ok
                                             | qt.QDialogButtonBox.StandardButton.Cancel))
    buttons.accepted.connect(dlg.accept)
    buttons.rejected.connect(dlg.reject)
    layout.addWidget(buttons)
    dlg.setFixedWidth(NOTE_WIDTH)
    return dlg


def ask_note(parent, title: str, message: str, prompt: str) -> tuple[str, bool]:
    dlg = note_dialog(parent, title, message, prompt)
    ok = dlg.exec() == qt.QDialog.DialogCode.Accepted
    return dlg.edit.text(), ok


def choose(parent, text: str, yes: str, no: str, title: str = APP_TITLE) -> bool:
    """A question whose two buttons say what they do (“Chốt rồi xuất” / “Hủy”); True for `yes`.
    The `no` button is the default and Esc."""
    box = _box(parent, qt.QMessageBox.Icon.Question, text, qt.QMessageBox.StandardButton.NoButton, title=title)
    ok = box.addButton(yes, qt.QMessageBox.ButtonRole.AcceptRole)
    cancel = box.addButton(no, qt.QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(cancel)
    box.setEscapeButton(cancel)
    box.exec()
    return box.clickedButton() is ok


def run_now(title, fn, on_done, on_error=None) -> None:
    """The task runner of a tab without a window: at once, on this thread."""
    try:
        result = fn()
    except Exception as e:  # noqa: BLE001 - shown as the tab's message
        if on_error is not None:
            on_error(str(e))
            return
        raise
    on_done(result)
