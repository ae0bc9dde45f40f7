"""Vietnamese message boxes and button texts (Qt ships no Vietnamese translation of its own).

Every dialog of the app sets the texts of its standard buttons through `vi_buttons`; every
message box goes through `info`, `error` or `ask` (tests monkeypatch these three).
"""
from __future__ import annotations

from ui.qt import QDialogButtonBox, QMessageBox

APP_TITLE = "CCHC Desktop"

BUTTON_TEXTS = {
    QDialogButtonBox.StandardButton.Ok: "Đồng ý",
    QDialogButtonBox.StandardButton.Cancel: "Hủy",
    QDialogButtonBox.StandardButton.Yes: "Có",
    QDialogButtonBox.StandardButton.No: "Không",
    QDialogButtonBox.StandardButton.Close: "Đóng",
    QDialogButtonBox.StandardButton.Save: "Lưu",
    QDialogButtonBox.StandardButton.Apply: "Áp dụng",
    QDialogButtonBox.StandardButton.Help: "Trợ giúp",
    QDialogButtonBox.StandardButton.Discard: "Bỏ qua",
    QDialogButtonBox.StandardButton.Retry: "Thử lại",
    QDialogButtonBox.StandardButton.Open: "Mở",
}

_BOX_TEXTS = {
    QMessageBox.StandardButton.Ok: "Đồng ý",
    QMessageBox.StandardButton.Cancel: "Hủy",
    QMessageBox.StandardButton.Yes: "Có",
    QMessageBox.StandardButton.No: "Không",
    QMessageBox.StandardButton.Close: "Đóng",
}


def vi_buttons(box: QDialogButtonBox) -> QDialogButtonBox:
    """Give the standard buttons of a QDialogButtonBox their Vietnamese texts."""
    for std, text in BUTTON_TEXTS.items():
        b = box.button(std)
        if b is not None:
            b.setText(text)
    return box


def _box(parent, icon, text: str, buttons, default=None, title: str = APP_TITLE) -> QMessageBox:
    box = QMessageBox(icon, title, text, buttons, parent)
    for std, label in _BOX_TEXTS.items():
        b = box.button(std)
        if b is not None:
            b.setText(label)
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
