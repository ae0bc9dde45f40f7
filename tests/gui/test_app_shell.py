"""The application around the window (ui/shell/app.py): the app icon, Qt's own texts in Vietnamese."""
import re
import shutil
import sqlite3

import pytest

from ui.qt import (
    QApplication, QDialogButtonBox, QFileDialog, QLabel, QLineEdit, QMessageBox, QPlainTextEdit, QPushButton,
    QTextEdit, Qt,
)


@pytest.fixture
def app(qapp):
    """The application as ui.shell.app.run makes it (names, locale, translator, icon)."""
    import ui.shell.app as app_mod

    return app_mod._app()


def _sizes(icon):
    return sorted(s.width() for s in icon.availableSizes())


def test_the_app_and_its_windows_have_the_icon(app, qtbot):
    from ui.shell.main_window import MainWindow

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

    import ui.shell.app as app_mod

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
    from ui.qt_texts import QT_TEXTS

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


def test_the_tests_application_has_the_vietnamese_texts(qapp, qtbot):
    """tests/gui/conftest.py installs ui/qt_texts.py's translator for every UI test (no `app` fixture here)."""
    bb = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
    qtbot.addWidget(bb)
    assert sorted(b.text() for b in bb.buttons()) == ["Hủy", "Đồng ý"]


# --- the start: size, files, a damaged file ---------------------------------------------------
def test_start_size_follows_the_screen():
    from ui.shell.app import start_geometry

    assert start_geometry((0, 0, 1024, 728)) is None  # 1024×768 less the taskbar: maximized
    assert start_geometry((0, 0, 1366, 728)) is None  # 1366×768 likewise
    assert start_geometry((0, 0, 1920, 1040)) == (277, 136, 1366, 768)  # room: the usual size, centred
    assert start_geometry((1920, 0, 1600, 860)) == (1920 + 117, 46, 1366, 768)  # a second screen


def test_the_window_starts_maximized_on_a_small_screen(qapp, qtbot, monkeypatch):
    from ui.shell.app import show_at_start
    from ui.shell.main_window import MainWindow
    from ui.qt import QGuiApplication

    monkeypatch.delenv("CCHC_WINDOW_SIZE", raising=False)
    area = QGuiApplication.primaryScreen().availableGeometry()
    assert area.width() < 1366 + 40 or area.height() < 768 + 40  # the offscreen screen is small
    w = MainWindow()
    qtbot.addWidget(w)
    show_at_start(w)
    assert w.isMaximized()
    assert w.width() <= area.width() and w.height() <= area.height()


def test_sample_data_opens_in_its_own_file(qapp, tmp_path, monkeypatch, no_dialogs):
    from cchc_desktop.store import open_store
    from tests.gui.test_package_dialogs import _titles
    from ui.shell.app import run
    from ui.shell.welcome import WelcomeDialog

    own = tmp_path / "cchc.sqlite"
    titles = _titles(monkeypatch)  # the window title each time the window is filled

    def choose_demo(dlg):
        dlg.btn_demo.click()
        return dlg.result()

    monkeypatch.setattr(WelcomeDialog, "exec", choose_demo)
    assert run(str(own), quit_after_show=True) == 0
    assert titles == ["UBND xã Chi Lăng Nam — Năm 2023 — DỮ LIỆU MẪU — CCHC Desktop"]
    for path, units in ((own, set()), (tmp_path / "du-lieu-mau.sqlite", {"xa-chi-lang-nam"})):
        store = open_store(path)  # both locks released at the end
        try:
            assert {u["code"] for u in store.units()} == units
        finally:
            store.close()


def test_the_window_switches_files_and_releases_their_locks(window, tmp_path, demo_file, qtbot):
    import shutil

    from cchc_desktop.store import lock, open_store

    own = window.ctx.store.path
    window.home_path = own
    sample = tmp_path / "mau" / "du-lieu-mau.sqlite"
    sample.parent.mkdir()
    shutil.copy(demo_file, sample)
    assert window.open_file(sample)
    assert window.ctx.store.path == sample and not lock.is_locked(own) and lock.is_locked(sample)
    assert "DỮ LIỆU MẪU" in window.windowTitle()
    assert window.notice.isVisible() and window.notice_home.isVisible() and "du-lieu-mau.sqlite" in \
        window.notice_label.text()
    open_store(own).close()  # another program may write the user's file now
    window.notice_home.click()  # the way back
    assert window.ctx.store.path == own and not lock.is_locked(sample)
    assert "DỮ LIỆU MẪU" not in window.windowTitle() and not window.notice.isVisible()
    assert window.period_combo.currentText().startswith("Năm 2023")


def test_a_new_data_file_from_the_file_menu(window, tmp_path, monkeypatch, qtbot):
    from ui.qt import QFileDialog
    from ui.shell.welcome import WelcomeDialog

    seen = {}

    def save_name(parent, title, start, filters):
        seen["start"] = start
        return str(tmp_path / "xa-moi"), ""

    def create(dlg):
        dlg.btn_create.click()
        dlg.picker.province.setEditText("Hải Phòng")
        dlg.picker.outside.setChecked(True)
        dlg.picker.name.setText("Hồng Phong")
        dlg.create_unit()
        return dlg.result()

    monkeypatch.setattr(QFileDialog, "getSaveFileName", save_name)
    monkeypatch.setattr(WelcomeDialog, "exec", create)
    old = window.ctx.store.path
    window.home_path = old
    next(a for a in window.menus["Tệp"].actions() if a.text() == "Tạo tệp dữ liệu mới…").trigger()
    assert seen["start"].startswith(str(old.parent))  # the dialog starts in the user's data folder
    assert window.ctx.store.path == tmp_path / "xa-moi.sqlite"
    assert window.windowTitle().startswith("UBND xã Hồng Phong — ")
    assert [window.period_combo.itemText(i) for i in range(window.period_combo.count())] and \
        window.ctx.store.unit()["name"] == "Hồng Phong"


def _damaged(tmp_path, demo_file, with_backup=False):
    from cchc_desktop.store import backup

    path = tmp_path / "cchc.sqlite"
    shutil.copy(demo_file, path)
    if with_backup:
        backup.backup_now(path, "dong")
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 3])  # the USB stick was pulled out mid-copy
    return path, path.read_bytes()


def _refusal(path):
    from cchc_desktop.errors import DataFileError
    from cchc_desktop.store import open_store

    with pytest.raises(DataFileError) as e:
        open_store(path)
    return e.value


def test_a_damaged_file_at_start_says_where_and_what(qapp, qtbot, tmp_path, demo_file):
    from ui.shell.welcome import DamagedFileDialog

    path, _ = _damaged(tmp_path, demo_file)
    error = _refusal(path)
    dlg = DamagedFileDialog(path, str(error), [])
    qtbot.addWidget(dlg)
    assert str(path) in dlg.text.text() and str(error) in dlg.text.text()
    assert [b.text() for b in (dlg.btn_restore, dlg.btn_new, dlg.btn_quit)] == \
        ["Khôi phục từ bản sao lưu…", "Tạo tệp mới", "Thoát"]


def test_a_damaged_file_set_aside_for_a_new_one(qapp, tmp_path, demo_file, monkeypatch, no_dialogs):
    from ui.shell import files
    from ui.shell.welcome import DamagedFileDialog

    path, damaged = _damaged(tmp_path, demo_file)
    wal = path.with_name(path.name + "-wal")
    wal.write_bytes(b"old wal")

    def choose_new(dlg):
        dlg.btn_new.click()
        return dlg.result()

    monkeypatch.setattr(DamagedFileDialog, "exec", choose_new)
    store = files.recover_at_start(path, _refusal(path), None)
    try:
        assert store is not None and store.units() == [] and store.path == path
    finally:
        store.close()
    kept = [p for p in tmp_path.glob("cchc.hong-*.sqlite")]
    assert len(kept) == 1 and kept[0].read_bytes() == damaged  # never deleted, byte for byte
    assert kept[0].with_name(kept[0].name + "-wal").read_bytes() == b"old wal"  # not replayed onto the new file
    assert no_dialogs[-1][0] == "info" and str(kept[0]) in no_dialogs[-1][1]


def test_a_damaged_file_restored_from_a_backup_at_start(qapp, tmp_path, demo_file, monkeypatch, no_dialogs):
    from ui.shell import files
    from ui.safety.backup_dialogs import RestoreDialog
    from ui.shell.welcome import DamagedFileDialog

    path, damaged = _damaged(tmp_path, demo_file, with_backup=True)
    choices = iter([DamagedFileDialog.RESTORE])

    def choose(dlg):
        dlg._choose(next(choices))
        return dlg.result()

    def pick_first(dlg):
        dlg._accept_selected()
        return RestoreDialog.DialogCode.Accepted

    monkeypatch.setattr(DamagedFileDialog, "exec", choose)
    monkeypatch.setattr(RestoreDialog, "exec", pick_first)
    store = files.recover_at_start(path, _refusal(path), None)
    try:
        assert store.unit()["name"] == "Chi Lăng Nam"
    finally:
        store.close()
    assert "Đã khôi phục" in no_dialogs[-1][1]


def test_quitting_at_a_damaged_file_leaves_it_untouched(qapp, tmp_path, demo_file, monkeypatch, no_dialogs):
    from ui.shell.app import run
    from ui.shell.welcome import DamagedFileDialog

    path, damaged = _damaged(tmp_path, demo_file)
    monkeypatch.setattr(DamagedFileDialog, "exec", lambda dlg: dlg._choose(DamagedFileDialog.QUIT) or 0)
    assert run(str(path), quit_after_show=True) == 1
    assert path.read_bytes() == damaged and sorted(p.name for p in tmp_path.iterdir()) == ["cchc.sqlite"]


def test_a_newer_or_busy_file_is_only_explained(qapp, tmp_path, no_dialogs, monkeypatch):
    from cchc_desktop.errors import DataFileError
    from ui.shell import files
    from ui.shell.welcome import DamagedFileDialog

    monkeypatch.setattr(DamagedFileDialog, "exec", lambda dlg: pytest.fail("no choice for this file"))
    path = tmp_path / "moi-hon.sqlite"
    path.write_bytes(b"x" * 100)
    assert files.recover_at_start(path, DataFileError("Tệp do phiên bản mới hơn tạo ra."), None) is None
    assert no_dialogs[-1][0] == "error" and str(path) in no_dialogs[-1][1]


# --- the user guide ----------------------------------------------------------------------------
def test_the_guide_is_found_inside_a_frozen_bundle(qapp, qtbot, tmp_path, monkeypatch):
    """Frozen, docs/ sits beside resources/ inside the bundle (installer/cchc-desktop.spec)."""
    from cchc_desktop import paths
    from ui.qt import QTextDocument, QUrl
    from ui.shell.welcome import GuideDialog

    source = paths.guide_path()
    bundle = tmp_path / "_internal"
    (bundle / "resources").mkdir(parents=True)
    shutil.copytree(source.parent, bundle / "docs")
    monkeypatch.setattr(paths, "resource_dir", lambda: bundle / "resources")
    assert paths.guide_path() == bundle / "docs" / "huong-dan-su-dung.md"
    dlg = GuideDialog()
    qtbot.addWidget(dlg)
    view = dlg.findChild(__import__("ui.qt", fromlist=["QTextBrowser"]).QTextBrowser)
    assert view.toPlainText().startswith("Hướng dẫn sử dụng CCHC Desktop")
    image = view.loadResource(QTextDocument.ResourceType.ImageResource.value, QUrl("images/man-hinh-chao-mung.png"))
    assert image is not None and not image.isEmpty()
    # the 1366 px screenshots are shown at most 720 px wide: no sideways scrolling in the dialog
    from ui.shell.welcome import fit_images

    assert fit_images(view, GuideDialog.IMAGE_WIDTH) == 0  # every wide picture fitted already
    shutil.rmtree(bundle / "docs")
    dlg = GuideDialog()  # a broken install says so
    qtbot.addWidget(dlg)
    view = dlg.findChild(__import__("ui.qt", fromlist=["QTextBrowser"]).QTextBrowser)
    assert "Không tìm thấy tệp hướng dẫn" in view.toPlainText()


def test_every_picture_of_the_guide_is_in_the_bundled_folder():
    from cchc_desktop import paths

    guide = paths.guide_path()
    names = re.findall(r"\]\((images/[^)]+)\)", guide.read_text(encoding="utf-8"))
    assert names and all((guide.parent / n).is_file() for n in names)
    spec = (guide.parents[1] / "installer" / "cchc-desktop.spec").read_text(encoding="utf-8")
    assert '"huong-dan-su-dung.md"), "docs")' in spec and '"images"), str(Path("docs") / "images"))' in spec


def test_the_help_menu_and_the_welcome_open_the_guide(window, monkeypatch, tmp_path, qtbot):
    from cchc_desktop.store import open_store
    from ui.shell.welcome import GuideDialog, WelcomeDialog

    shown = []
    monkeypatch.setattr(GuideDialog, "exec", lambda dlg: shown.append(dlg) or 0)
    next(a for a in window.menus["Trợ giúp"].actions() if a.text() == "Hướng dẫn sử dụng").trigger()
    store = open_store(tmp_path / "trong.sqlite")
    try:
        dlg = WelcomeDialog(store)
        qtbot.addWidget(dlg)
        next(b for b in dlg.findChildren(QPushButton) if b.text() == "Hướng dẫn sử dụng").click()
    finally:
        store.close()
    assert len(shown) == 2


def _sample_copy(tmp_path, demo_file):
    sample = tmp_path / "mau" / "du-lieu-mau.sqlite"
    sample.parent.mkdir()
    shutil.copy(demo_file, sample)
    return sample


def test_the_one_window_guard_follows_the_file_on_screen(window, tmp_path, demo_file, qtbot, monkeypatch):
    """After Tệp → Mở tệp dữ liệu khác… a start on the first file opens it (this window no longer
    answers for it), and a double-clicked package of the new file comes to this window."""
    from ui.shell import single_instance

    own = window.ctx.store.path
    window.home_path = own
    sample = _sample_copy(tmp_path, demo_file)
    handed = []
    monkeypatch.setattr(single_instance, "open_package", lambda w, p: handed.append((w, p)))
    first = single_instance.claim(own)
    first.attach(window)
    guards = [first]
    try:
        assert window.open_file(sample)
        guard = window.instance_guard
        guards.append(guard)
        assert guard is not None and guard is not first and first.server is None
        again = single_instance.claim(own)  # the first file is nobody's now: that start owns it
        assert again is not None
        again.close()
        package = tmp_path / "xa.cchc"
        with qtbot.waitSignal(guard.package_requested, timeout=5000):
            assert single_instance.claim(sample, package=package) is None
        qtbot.waitUntil(lambda: handed == [(window, str(package.absolute()))], timeout=5000)
        window.notice_home.click()  # back to the user's file: the guard comes back with it
        guards.append(window.instance_guard)
        assert window.ctx.store.path == own and guard.server is None
        assert window.instance_guard.name == single_instance.server_name(own)
        with qtbot.waitSignal(window.instance_guard.activate_requested, timeout=5000):
            assert single_instance.claim(own) is None
    finally:
        for g in guards:
            if g is not None:
                g.close()


def test_the_sample_data_at_start_takes_the_guard_with_it(qapp, tmp_path, monkeypatch, no_dialogs):
    from ui.shell import single_instance
    from ui.shell.app import run
    from ui.shell.welcome import WelcomeDialog

    own = tmp_path / "cchc.sqlite"
    held = []
    real_follow = single_instance.follow

    def follow(window, path):
        guard = real_follow(window, path)
        held.append(guard.name if guard is not None else None)
        return guard

    def choose_demo(dlg):
        dlg.btn_demo.click()
        return dlg.result()

    monkeypatch.setattr(single_instance, "follow", follow)
    monkeypatch.setattr(WelcomeDialog, "exec", choose_demo)
    assert run(str(own), quit_after_show=True) == 0
    assert held == [single_instance.server_name(tmp_path / "du-lieu-mau.sqlite")]
    guard = single_instance.claim(own)  # released by the window, and the sample's at its end
    sample_guard = single_instance.claim(tmp_path / "du-lieu-mau.sqlite")
    try:
        assert guard is not None and sample_guard is not None
    finally:
        for g in (guard, sample_guard):
            if g is not None:
                g.close()


def test_unsaved_text_stays_in_its_own_file_when_switching_files(window, tmp_path, demo_file, qtbot):
    from cchc_desktop.store import open_store

    own = window.ctx.store.path
    window.home_path = own
    pid = window.ctx.period_id
    sample = _sample_copy(tmp_path, demo_file)  # the same period ids as the file on screen
    before = open_store(sample)
    try:
        sample_text = before.narratives(pid)["II.2"]["text"]
    finally:
        before.close()
    page = window.show_tab("II.2")
    block = page.editor.blocks["II.2"]
    block.editor.setPlainText(block.editor.toPlainText() + "\nĐoạn vừa gõ, chưa lưu.")
    assert block.save_timer.isActive()  # pending: the debounce has not written it yet
    assert window.open_file(sample)
    assert window.ctx.store.path == sample
    assert window.ctx.store.narratives(pid)["II.2"]["text"] == sample_text
    assert block.editor.toPlainText() == sample_text  # the new file's text on screen
    window.notice_home.click()
    assert window.ctx.store.narratives(pid)["II.2"]["text"].endswith("\nĐoạn vừa gõ, chưa lưu.")


def test_a_failed_sample_file_is_closed(qapp, tmp_path, monkeypatch, no_dialogs):
    from cchc_desktop import dataio
    from cchc_desktop.errors import UserError
    from cchc_desktop.store import lock
    from ui.shell.files import open_sample_file

    seen = []

    def refuse(store):
        seen.append(store)  # held here, so only a close releases its lock
        raise UserError("Danh mục hỏng.")

    monkeypatch.setattr(dataio, "load_demo", refuse)
    path = tmp_path / "du-lieu-mau.sqlite"
    opened = open_sample_file(path, None)
    assert opened.store is None and opened.code == 1
    assert len(seen) == 1 and not lock.is_locked(path)
    with pytest.raises(sqlite3.ProgrammingError):  # closed
        seen[0].db.execute("SELECT 1")
    assert no_dialogs and "Danh mục hỏng." in no_dialogs[0][1]


def test_the_file_opens_on_the_period_last_worked_on(demo_store):
    from ui.shell import files

    unit = demo_store.unit()["code"]
    nam = demo_store.get_period(unit, "2023-NAM")
    later = demo_store.create_period(unit, "2026-NAM")  # e.g. made by the app for today's year
    q1 = demo_store.create_period(unit, "2024-Q1", carry_from=nam["id"])
    demo_store.set_value(q1["id"], "BM1/1", "7")
    demo_store.set_narrative(later["id"], "I.1", "")  # nothing changes: no audit, not "worked on"
    assert files.unit_and_period(demo_store) == (unit, q1["id"])
    demo_store.set_value(nam["id"], "BM1/1", "26")
    assert files.unit_and_period(demo_store) == (unit, nam["id"])
