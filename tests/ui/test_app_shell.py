"""The application around the window (ui/app.py): the app icon, Qt's own texts in Vietnamese."""
import re
import shutil

import pytest

from ui.qt import (
    QApplication, QDialogButtonBox, QFileDialog, QLabel, QLineEdit, QMessageBox, QPlainTextEdit, QPushButton,
    QTextEdit, Qt,
)


@pytest.fixture
def app(qapp):
    """The application as ui.app.run makes it (names, locale, translator, icon)."""
    import ui.app as app_mod

    return app_mod._app()


def _sizes(icon):
    return sorted(s.width() for s in icon.availableSizes())


def test_the_app_and_its_windows_have_the_icon(app, qtbot):
    from ui.main_window import MainWindow

    assert _sizes(app.windowIcon()) == [16, 32, 48, 64, 128, 256]
    w = MainWindow()
    qtbot.addWidget(w)
    assert not w.windowIcon().isNull()
    assert w.windowIcon().pixmap(32, 32).size().width() == 32  # the file is read when drawn
    box = QMessageBox()
    assert not box.windowIcon().isNull()


def test_the_icon_is_found_through_the_resource_folder(tmp_path, monkeypatch, qapp):
    """Frozen, resources/ is inside the bundle: the icon follows cchc_desktop.paths, not the source tree."""
    from cchc_desktop import paths

    import ui.app as app_mod

    source = paths.resource("icons")
    (tmp_path / "icons").mkdir()
    shutil.copy(source / "app-16.png", tmp_path / "icons" / "app-16.png")
    monkeypatch.setattr(paths, "resource_dir", lambda: tmp_path)
    assert _sizes(app_mod.app_icon()) == [16]
    (tmp_path / "icons" / "app-16.png").unlink()
    assert app_mod.app_icon().isNull()  # a broken install: no icon, no failure


def _menu_texts(widget):
    menu = widget.createStandardContextMenu()
    try:
        return [a.text() for a in menu.actions() if not a.isSeparator()]
    finally:
        menu.deleteLater()


@pytest.mark.parametrize("cls", [QLineEdit, QTextEdit, QPlainTextEdit])
def test_context_menus_of_text_fields_are_vietnamese(app, qtbot, cls):
    field = cls()
    qtbot.addWidget(field)
    texts = _menu_texts(field)
    assert texts == ["&Hoàn tác\tCtrl+Z", "&Làm lại\tCtrl+Y", "Cắ&t\tCtrl+X", "&Sao chép\tCtrl+C",
                     "&Dán\tCtrl+V", "Xóa", "Chọn tất cả\tCtrl+A"]


def test_standard_buttons_are_vietnamese(app, qtbot):
    box = QMessageBox(QMessageBox.Icon.Question, "CCHC Desktop", "Xóa?",
                      QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No)
    qtbot.addWidget(box)
    assert sorted(b.text() for b in box.buttons()) == ["&Có", "&Không"]
    bb = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
                          | QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Close
                          | QDialogButtonBox.StandardButton.Retry | QDialogButtonBox.StandardButton.Discard)
    qtbot.addWidget(bb)
    texts = {bb.standardButton(b).name: b.text() for b in bb.buttons()}
    assert texts == {"Ok": "Đồng ý", "Cancel": "Hủy", "Save": "Lưu", "Close": "Đóng", "Retry": "Thử lại",
                     "Discard": "Không lưu"}


def test_the_non_native_file_dialog_is_vietnamese(app, qtbot, tmp_path):
    dlg = QFileDialog(None, "Chọn gói", str(tmp_path), "Gói nộp CCHC (*.cchc)")
    dlg.setOption(QFileDialog.Option.DontUseNativeDialog, True)
    qtbot.addWidget(dlg)
    labels = {w.text() for w in dlg.findChildren(QLabel)}
    assert {"Tìm t&rong:", "&Tên tệp:", "L&oại tệp:"} <= labels
    buttons = {w.text() for w in dlg.findChildren(QPushButton)}
    assert {"&Mở", "Hủy"} <= buttons


def test_texts_that_are_not_ours_stay_as_qt_has_them(app):
    from ui.qt import QKeySequence

    translate = app.translate
    assert translate("QGuiApplication", "QT_LAYOUT_DIRECTION") == "QT_LAYOUT_DIRECTION"
    assert app.layoutDirection() == Qt.LayoutDirection.LeftToRight
    assert translate("QFileDialog", "Alt+Left") == "Alt+Left"  # parsed back into a shortcut
    assert translate("KhongCo", "Cancel") == "Cancel"
    assert QKeySequence("Ctrl+Q").toString(QKeySequence.SequenceFormat.NativeText) == "Ctrl+Q"


def test_every_translation_keeps_accelerators_and_placeholders():
    from ui.app import QT_TEXTS

    for contexts, texts in QT_TEXTS.items():
        for source, vi in texts.items():
            where = f"{contexts} {source!r} → {vi!r}"
            assert source.count("&") == vi.count("&"), where
            if "&" in vi:  # the Alt+letter: a letter every keyboard has
                key = vi[vi.index("&") + 1]
                assert key.isascii() and key.isalnum(), where
            assert re.findall(r"%\d", source) == re.findall(r"%\d", vi), where
            assert source.count("\n") == vi.count("\n"), where
    # No two items of one menu or dialog share an Alt+letter.
    for context, group in (("QLineEdit", ["&Undo", "&Redo", "Cu&t", "&Copy", "&Paste"]),
                           ("QFileDialog", ["&Look in:", "File &name:", "Files of &type:", "&Save"])):
        texts = next(t for c, t in QT_TEXTS.items() if context in c)
        keys = [texts[s][texts[s].index("&") + 1].lower() for s in group]
        assert len(set(keys)) == len(keys), (context, keys)
