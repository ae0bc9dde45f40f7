"""Package export / import / roll-up dialogs, offscreen, with file dialogs and message boxes replaced."""
from __future__ import annotations

import copy
import datetime as dt
from pathlib import Path

import pytest

from cchc_desktop import dataio, paths
from cchc_desktop.exporting import package as pkg
from cchc_desktop.importing import package as ip
from cchc_desktop.store import open_store
from ui.packages import drives, handoff, rollup
from conftest import accept_all_errors
from ui.packages import feature as package_feature
from ui.texts import period_text
from ui.qt import QDialogButtonBox, QDropEvent, QEvent, QMimeData, QPoint, QRect, Qt, QUrl

PERIOD = "2023-NAM"


@pytest.fixture
def feature(window):
    return package_feature.install(window)


@pytest.fixture
def packages(demo_store, tmp_path):
    """Two communes' packages (the demo and a copy under another code) and a broken one."""
    out = tmp_path / "usb"
    out.mkdir()
    a = pkg.make_package(demo_store, None, PERIOD, out, check_errors=False, documents=False)
    doc = dataio.read_file(paths.resource("demo", "chi-lang-nam-2023.json"))
    other = copy.deepcopy(doc)
    other["unit"].update(code="xa-doan-ket", name="Đoàn Kết")
    other["dossiers"]["ubnd"]["total"]["truoc_han"] = 1000
    src = open_store(tmp_path / "xa2.sqlite")
    dataio.load(src, other)
    b = pkg.make_package(src, "xa-doan-ket", PERIOD, out, check_errors=False, documents=False)
    src.close()
    bad = out / "hong.cchc"
    bad.write_bytes(a.read_bytes()[:300])
    return a, b, bad


@pytest.fixture
def upper(tmp_path):
    store = open_store(tmp_path / "huyen.sqlite")
    yield store
    store.close()


def test_actions_in_menus(window, feature):
    texts = {m: [a.text() for a in window.menus[m].actions()] for m in ("Tệp", "Công cụ")}
    assert "Xuất gói nộp cấp trên…" in texts["Tệp"]
    assert "Nhập gói của đơn vị cấp dưới…" in texts["Công cụ"]
    assert "Tổng hợp số liệu" in texts["Công cụ"]
    assert window.acceptDrops()


def test_export_package_waits_for_the_errors_to_be_fixed_or_accepted(window, feature, tmp_path, qtbot):
    """Issue 17: the demo's two errors refuse the package, named in the message; accepted with a
    reason on the Kiểm tra tab, the package is written and its manifest lists them."""
    import json
    import zipfile

    out = tmp_path / "usb"
    out.mkdir()
    feature.export_package(folder=str(out), documents=False)
    assert window.wait_tasks(30000)
    kind, text = window.shown_messages[-1]
    assert kind == "error" and "chưa được chấp nhận" in text and "trên 100 %" in text
    assert not list(out.iterdir())
    window.refresh_findings()
    check = window.show_tab("check")
    errors = [r for r, f in enumerate(check.model.findings) if f.severity == "loi"]
    assert len(errors) == 2
    warning = next(r for r, f in enumerate(check.model.findings) if f.severity != "loi")
    check.view.setCurrentIndex(check.model.index(warning, 0))
    assert not check.accept_error_button.isEnabled()  # a warning never blocks
    for r in errors:
        rule = check.model.findings[r].rule
        row = next(i for i, f in enumerate(check.model.findings) if f.rule == rule)
        check.view.setCurrentIndex(check.model.index(row, 0))
        assert check.accept_error_button.isEnabled() and check.accept_error_button.text() == "Chấp nhận lỗi…"
        check.accept_error("Đúng như văn bản gốc của đơn vị")
        qtbot.waitUntil(lambda: (rule, check.model.findings[row].target) in check.model.accepted, timeout=5000)
    assert check.summary.text().startswith("0 lỗi (và 2 lỗi đã chấp nhận)")
    assert "đã chấp nhận" in check.model.data(check.model.index(errors[0], 0))
    feature.export_package(folder=str(out), documents=False)
    assert window.wait_tasks(30000)
    assert window.shown_messages[-1][0] == "info"
    manifest = json.loads(zipfile.ZipFile(next(out.iterdir())).read(pkg.MANIFEST))
    assert [a["reason"] for a in manifest["accepted_errors"]] == ["Đúng như văn bản gốc của đơn vị"] * 2


def test_export_package_writes_and_verifies(window, feature, tmp_path):
    accept_all_errors(window.ctx.store)
    out = tmp_path / "usb"
    out.mkdir()
    feature.export_package(folder=str(out), documents=False)
    assert window.wait_tasks(30000)
    files = list(out.iterdir())
    assert [f.name for f in files] == ["xa-chi-lang-nam_2023-NAM.cchc"]
    assert ip.check_package(files[0]).unit_code == "xa-chi-lang-nam"
    kinds = [k for k, _ in window.shown_messages]
    assert kinds == ["choose", "info"] and "Rút thiết bị an toàn" in window.shown_messages[1][1]  # chốt first
    fingerprint = ip.check_package(files[0]).fingerprint  # the key the commune's file made for it
    assert f"Mã khóa của đơn vị: {fingerprint}" in window.shown_messages[1][1]


def test_export_to_a_removed_stick_says_so(window, feature, tmp_path):
    accept_all_errors(window.ctx.store)
    feature.export_package(folder=str(tmp_path / "gone"), documents=False)
    assert window.wait_tasks(30000)
    assert window.shown_messages[-1][0] == "error"
    assert "USB" in window.shown_messages[-1][1]


def test_export_dialog_lists_removable_drives_first(qtbot, monkeypatch, tmp_path):
    usb = tmp_path / "KINGSTON"
    usb.mkdir()
    monkeypatch.setattr(drives, "removable_drives", lambda: [usb])
    dlg = handoff.ExportPackageDialog("xã Chi Lăng Nam", PERIOD)
    qtbot.addWidget(dlg)
    assert dlg.list.item(0).text().startswith("USB")
    assert dlg.folder() == str(usb)
    assert dlg.buttons.button(QDialogButtonBox.StandardButton.Ok).text() == "Ghi gói"
    assert dlg.buttons.button(QDialogButtonBox.StandardButton.Cancel).text() == "Hủy"
    other = tmp_path / "khac"
    other.mkdir()
    dlg.add_folder(str(other))
    assert dlg.folder() == str(other)


def test_removable_drives_is_a_list():
    assert isinstance(drives.removable_drives(), list)


def test_import_dialog_previews_then_imports(qtbot, upper, packages, no_dialogs):
    a, b, bad = packages
    imported = []
    dlg = handoff.ImportPackagesDialog(upper, on_imported=imported.append)
    qtbot.addWidget(dlg)
    dlg.add_paths([a.parent])  # a whole folder
    assert dlg.table.rowCount() == 3
    states = {dlg.table.item(r, 0).text(): dlg.table.item(r, dlg.STATUS).text() for r in range(3)}
    assert states[a.name].startswith("Mới") and states[b.name].startswith("Mới")
    assert states[bad.name].startswith("Bị từ chối")
    assert "huyện Thanh Miện" in dlg.summary.text()
    assert dlg.btn_import.isEnabled()
    assert upper.units() == []  # nothing written by the preview
    results = dlg.run_import()
    assert sorted(r.status for r in results) == ["imported", "imported", "refused"]
    states = {dlg.table.item(r, 0).text(): dlg.table.item(r, dlg.STATUS).text() for r in range(3)}
    assert states[a.name].startswith("Đã nhập")
    assert states[bad.name].startswith("Bị từ chối")
    assert "2 gói mới" in dlg.summary.text()
    assert imported and not dlg.btn_import.isEnabled()
    assert {u["code"] for u in upper.units()} == {"huyen-thanh-mien", "xa-chi-lang-nam", "xa-doan-ket"}
    # The per-commune result table, shown once imported.
    assert dlg.result_table.isVisibleTo(dlg)
    rows = {tuple(dlg.result_table.item(r, c).text() for c in range(4)) for r in range(3)}
    assert ("xã Chi Lăng Nam", period_text(PERIOD), "Đã nhập", "ghi nhận khóa của xã lần đầu, mã khóa "
            f"{ip.check_package(a).fingerprint}: hãy gọi điện đối chiếu với xã") in rows
    assert any(r[0] == "xã Đoàn Kết" and r[2] == "Đã nhập" for r in rows)
    broken = next(r for r in rows if r[0] == bad.name)
    assert broken[2] == "Bị từ chối" and broken[3]
    # The same files again: nothing to do.
    dlg2 = handoff.ImportPackagesDialog(upper)
    qtbot.addWidget(dlg2)
    dlg2.add_paths([a, b])
    assert [dlg2.table.item(r, dlg2.STATUS).text() for r in range(2)] == [ip.STATUS_LABELS["same"]] * 2
    assert not dlg2.btn_import.isEnabled()
    assert not dlg2.result_table.isVisibleTo(dlg2)


def test_import_dialog_shows_fingerprints_and_accepts_a_new_key_only_when_asked(qtbot, upper, packages, tmp_path,
                                                                                no_dialogs):
    a, _, _ = packages
    ip.import_packages(upper, [a])
    # The same commune from a new PC: another key.
    new_pc = open_store(tmp_path / "may-moi.sqlite")
    doc = dataio.read_file(paths.resource("demo", "chi-lang-nam-2023.json"))
    doc["dossiers"]["ubnd"]["total"]["truoc_han"] = 7
    dataio.load(new_pc, doc)
    (tmp_path / "moi").mkdir()
    c = pkg.make_package(new_pc, None, PERIOD, tmp_path / "moi", check_errors=False, documents=False,
                         created_at=(dt.datetime.now().astimezone() + dt.timedelta(hours=1)).isoformat())  # newer
    dlg = handoff.ImportPackagesDialog(upper)
    qtbot.addWidget(dlg)
    dlg.add_paths([c])
    key_col = dlg.COLS.index("Mã khóa")
    new_fp = pkg.fingerprint(new_pc, "xa-chi-lang-nam")
    assert dlg.table.item(0, key_col).text() == f"{new_fp} (khóa khác khóa đã ghi nhận)"
    assert dlg.table.item(0, dlg.STATUS).text().startswith("Bị từ chối")
    assert not dlg.btn_import.isEnabled() and not dlg.btn_new_key.isHidden()
    assert dlg.ask_accept_new_keys()  # no_dialogs answers yes
    assert new_fp in no_dialogs[-1][1]
    assert dlg.table.item(0, dlg.STATUS).text().startswith("Bản mới hơn") and dlg.btn_import.isEnabled()
    results = dlg.run_import()
    assert results[0].status == "replaced" and "chấp nhận khóa mới" in results[0].message
    assert [h["new"] for h in upper.history(target="key.accepted")] == [new_fp]
    new_pc.close()


def _drop(target, paths):
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    return QDropEvent(QPoint(10, 10).toPointF(), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                      Qt.KeyboardModifier.NoModifier, QEvent.Type.Drop), mime


def test_drop_on_dialog_adds_packages(qtbot, upper, packages):
    a, b, _ = packages
    dlg = handoff.ImportPackagesDialog(upper)
    qtbot.addWidget(dlg)
    event, _mime = _drop(dlg, [a, b])
    dlg.dropEvent(event)
    assert [p.name for p in dlg.paths] == [a.name, b.name]


def test_drop_on_window_opens_import(window, feature, packages):
    from ui.qt import QApplication

    from ui.qt import QDragEnterEvent

    a, _, _ = packages
    event, mime = _drop(window, [a])
    enter = QDragEnterEvent(QPoint(10, 10), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                            Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(window, enter)
    assert enter.isAccepted()
    # Offscreen Qt delivers a Drop only within a real drag; hand it to the window's filter as Qt would.
    assert feature.drop_filter.eventFilter(window, event)
    dlg = feature.last_dialog
    assert isinstance(dlg, handoff.ImportPackagesDialog)
    assert [p.name for p in dlg.paths] == [a.name]
    # The demo file is a commune's: the package is refused with the reason.
    assert dlg.table.item(0, dlg.STATUS).text().startswith("Bị từ chối")
    dlg.close()


def test_rollup_on_a_commune_file_explains(window, feature):
    assert feature.show_rollup() is None
    assert window.shown_messages[-1][0] == "info"
    assert "cấp huyện/tỉnh" in window.shown_messages[-1][1]


def test_rollup_dialog(qtbot, upper, packages, monkeypatch, tmp_path, no_dialogs):
    a, b, _ = packages
    ip.import_packages(upper, [a, b])
    # A third commune of the district with no package for the period.
    upper.create_unit("xa-vang", "Vắng", "xa", parent_code="huyen-thanh-mien")
    dlg = rollup.RollupDialog(upper, "huyen-thanh-mien", PERIOD)
    qtbot.addWidget(dlg)
    r = dlg.rollup
    assert len(r.reported) == 2 and [c.code for c in r.missing] == ["xa-vang"]
    assert "còn thiếu: xã Vắng" in dlg.headline.text()
    cat = r.data.catalogue
    assert len(dlg.form_tables) == len(cat.appendix_forms())
    t = dlg.form_tables["BM3"]
    rows = {t.item(i, 0).text(): t.item(i, 3).text() for i in range(t.rowCount())}
    assert rows["3.3.1."] == "4.293"  # resolved: 3.143 + 75 (the demo) and 1.000 + 75 (the copy)
    assert dlg.communes.rowCount() == 3
    assert dlg.communes.item(2, 1).text() == "Chưa nộp"
    i = dlg.indicator.findData("hs.ubnd.da_giai_quyet")
    dlg.indicator.setCurrentIndex(i)
    assert dlg.compare.rowCount() == 3
    values = {dlg.compare.item(k, 0).text(): dlg.compare.item(k, 1).text() for k in range(3)}
    assert values == {"xã Chi Lăng Nam": "3.218", "xã Đoàn Kết": "1.075", "Toàn huyện Thanh Miện": "4.293"}
    target = tmp_path / "tong-hop.xlsx"
    proposed = []
    monkeypatch.setattr(rollup, "ask_save_path", lambda parent, title, name, filt: proposed.append(name) or str(target))
    dlg.export("xlsx")
    assert target.exists()
    assert Path(proposed[0]).name == "Phu luc CCHC tong hop nam 2023 - huyen Thanh Mien.xlsx"  # never a code


def test_new_empty_file_becomes_the_upper_level(qtbot, upper, packages, monkeypatch):
    a, b, _ = packages

    def run(self):
        self.add_paths([a, b])
        self.run_import()
        return 0

    monkeypatch.setattr(handoff.ImportPackagesDialog, "exec", run)
    assert handoff.upper_period_id(upper) is None
    pid = handoff.import_into_new_file(upper)
    period = upper.period(pid)
    assert period["unit_code"] == "huyen-thanh-mien" and period["code"] == PERIOD


def _upper_window(qtbot, upper, packages):
    """A window over the district's file holding two communes, with the package feature."""
    from ui.shell.context import AppContext
    from ui.shell.main_window import MainWindow

    a, b, _ = packages
    ip.import_packages(upper, [a, b])
    ctx = AppContext(upper, "huyen-thanh-mien", handoff.upper_period_id(upper))
    w = MainWindow(ctx, install_features=False)
    qtbot.addWidget(w)
    return w, package_feature.install(w)


def test_window_over_the_upper_file_shows_the_rollup(qtbot, upper, packages, no_dialogs):
    _w, feature = _upper_window(qtbot, upper, packages)
    dlg = feature.show_rollup()
    assert isinstance(dlg, rollup.RollupDialog)
    assert len(dlg.rollup.reported) == 2
    dlg.close()
    # The upper level does not make packages itself.
    feature.export_package(folder="/tmp", documents=False)
    assert no_dialogs[-1][0] == "error" and "cấp trên" in no_dialogs[-1][1]


# --- the welcome screen and a double-clicked package (ui.shell.app.run(open_package=…)) -----------
def when_shown(cls, action, tries=1000, give_up=None):
    """Run `action(dialog)` once a visible `cls` dialog exists (modal dialogs run their own loop);
    `give_up()` if none comes (so that a failing test stops instead of waiting forever)."""
    from ui.qt import QApplication, QTimer

    def poll(left=tries):
        found = [w for w in QApplication.topLevelWidgets() if isinstance(w, cls) and w.isVisible()]
        if found:
            action(found[0])
        elif left:
            QTimer.singleShot(10, lambda: poll(left - 1))
        elif give_up is not None:
            give_up()

    QTimer.singleShot(0, poll)


def import_and_close(seen, then=None):
    """The import preview: note what it lists, import, close (as a user would)."""
    def action(dlg):
        try:
            seen["files"] = [dlg.table.item(r, 0).text() for r in range(dlg.table.rowCount())]
            seen["states"] = [dlg.table.item(r, dlg.STATUS).text() for r in range(dlg.table.rowCount())]
            dlg.btn_import.click()
            seen["summary"] = dlg.summary.text()
        finally:
            dlg.reject()
            if then is not None:
                then()
    return action


def test_welcome_sets_up_the_upper_level_from_the_communes_packages(qtbot, upper, packages, monkeypatch,
                                                                     no_dialogs):
    from ui.shell.app import open_window
    from ui.shell.welcome import WelcomeDialog

    a, b, _ = packages
    monkeypatch.setattr(handoff, "choose_package_files", lambda parent: [str(a), str(b)])  # the file dialog
    dlg = WelcomeDialog(upper)
    qtbot.addWidget(dlg)
    assert dlg.btn_upper.text() == "Nhập gói nộp của các đơn vị cấp xã (cấp tỉnh/thành phố)…"
    seen = {}

    def add_then_import(imp):
        imp.btn_files.click()
        import_and_close(seen)(imp)

    when_shown(handoff.ImportPackagesDialog, add_then_import)
    dlg.btn_upper.click()
    assert seen["files"] == [a.name, b.name] and seen["summary"].startswith("Đã xong: 2 gói mới")
    assert dlg.result() == WelcomeDialog.DialogCode.Accepted
    period = upper.period(dlg.period_id)
    assert period["unit_code"] == "huyen-thanh-mien" and period["code"] == PERIOD
    w = open_window(upper, dlg.period_id, install_features=False)  # what run() does next
    qtbot.addWidget(w)
    assert w.windowTitle() == "UBND huyện Thanh Miện — Năm 2023 — CCHC Desktop"


def test_welcome_stays_when_nothing_was_imported(qtbot, upper, monkeypatch, no_dialogs):
    from ui.shell.welcome import WelcomeDialog

    dlg = WelcomeDialog(upper)
    qtbot.addWidget(dlg)
    when_shown(handoff.ImportPackagesDialog, lambda imp: imp.reject())  # closed at once
    dlg.btn_upper.click()
    assert dlg.result() != WelcomeDialog.DialogCode.Accepted and dlg.period_id is None
    assert upper.units() == []


def _titles(monkeypatch):
    """The window title each time the window is filled (run() keeps its window to itself)."""
    from ui.shell.main_window import MainWindow

    titles = []
    attach = MainWindow.attach

    def spy(self, *args, **kwargs):
        attach(self, *args, **kwargs)
        titles.append(self.windowTitle())

    monkeypatch.setattr(MainWindow, "attach", spy)
    return titles


def test_double_clicked_package_on_a_new_file_sets_up_the_upper_level(qapp, tmp_path, packages, monkeypatch,
                                                                       no_dialogs):
    from ui.shell.app import run
    from ui.shell.welcome import WelcomeDialog

    a, _, _ = packages
    db = tmp_path / "moi.sqlite"
    titles = _titles(monkeypatch)
    seen = {}
    welcomed = []
    monkeypatch.setattr(WelcomeDialog, "exec", lambda self: welcomed.append(self) or 0)  # 0: closed
    when_shown(handoff.ImportPackagesDialog, import_and_close(seen))
    assert run(str(db), quit_after_show=True, open_package=str(a)) == 0
    assert not welcomed
    assert seen["files"] == [a.name] and seen["states"][0].startswith("Mới")  # pre-selected
    assert titles == ["UBND huyện Thanh Miện — Năm 2023 — CCHC Desktop"]  # the window filled from it
    store = open_store(db)
    try:
        assert {u["code"] for u in store.units()} == {"huyen-thanh-mien", "xa-chi-lang-nam"}
        assert store.get_period("xa-chi-lang-nam", PERIOD)
    finally:
        store.close()


def test_double_clicked_package_opens_the_import_preview_in_the_window(qapp, tmp_path, packages, monkeypatch,
                                                                        no_dialogs):
    from ui.shell.app import run
    from ui.shell.main_window import MainWindow
    from ui.qt import QApplication

    a, b, _ = packages
    db = tmp_path / "huyen.sqlite"
    store = open_store(db)
    ip.import_packages(store, [a])  # the district already holds one commune
    store.close()
    titles = _titles(monkeypatch)
    seen = {}

    def close_all():
        for w in QApplication.topLevelWidgets():
            if isinstance(w, MainWindow):
                w.close()
        QApplication.quit()

    when_shown(handoff.ImportPackagesDialog, import_and_close(seen, then=close_all), give_up=close_all)
    assert run(str(db), open_package=str(b)) == 0
    assert titles == ["UBND huyện Thanh Miện — Năm 2023 — CCHC Desktop"]
    assert seen["files"] == [b.name] and seen["states"][0].startswith("Mới")
    assert seen["summary"].startswith("Đã xong: 1 gói mới")
    store = open_store(db)
    try:
        assert store.get_period("xa-doan-ket", PERIOD)
    finally:
        store.close()


def test_a_package_double_clicked_while_the_file_is_open_goes_to_that_window(qapp, qtbot, tmp_path, packages,
                                                                          no_dialogs):
    """`gui --open-package` on a file another window has open: the second start hands the path over
    and exits without a message; the path waits until the first start's window is attached."""
    from ui.shell import single_instance
    from ui.shell.app import run
    from ui.qt import QMainWindow

    a, _, _ = packages
    db = tmp_path / "huyen.sqlite"
    guard = single_instance.claim(str(db))  # the first start, its window not attached yet
    try:
        with qtbot.waitSignal(guard.package_requested, timeout=5000) as got:
            assert run(str(db), open_package=str(a)) == 0
        assert got.args == [str(a.absolute())]
        assert no_dialogs == []  # no message box: the first window shows the preview
        opened = []
        win = QMainWindow()
        qtbot.addWidget(win)
        win.package_feature = type("F", (), {"import_packages": lambda self, paths: opened.append(paths)})()
        win.show()
        win.showMinimized()
        guard.attach(win)
        qtbot.waitUntil(lambda: opened == [[str(a.absolute())]], timeout=5000)
        assert not win.isMinimized()
    finally:
        guard.close()


def test_the_running_window_opens_the_import_preview_of_a_handed_over_package(qtbot, upper, packages,
                                                                             no_dialogs):
    """Two instances in one process: the second's package opens in the first's window."""
    from ui.shell import single_instance

    _a, b, _ = packages
    w, feature = _upper_window(qtbot, upper, packages)
    path = upper.path
    first = single_instance.claim(path)
    try:
        first.attach(w)
        assert single_instance.claim(path, package=b) is None
        qtbot.waitUntil(lambda: isinstance(feature.last_dialog, handoff.ImportPackagesDialog), timeout=5000)
        dlg = feature.last_dialog
        assert [p.name for p in dlg.paths] == [b.name]
        assert dlg.table.item(0, dlg.STATUS).text() == ip.STATUS_LABELS["same"]  # imported already by _upper_window
        dlg.close()
        # A plain second start on the file only brings the window forward.
        feature.last_dialog = None
        with qtbot.waitSignal(first.activate_requested, timeout=5000):
            assert single_instance.claim(path) is None
        assert feature.last_dialog is None
    finally:
        first.close()

def test_rollup_status_tab_exports_every_commune_to_excel(qtbot, upper, packages, monkeypatch, tmp_path, no_dialogs):
    from openpyxl import load_workbook

    a, b, _ = packages
    ip.import_packages(upper, [a, b])
    upper.create_unit("xa-vang", "Vắng", "xa", parent_code="huyen-thanh-mien")
    dlg = rollup.RollupDialog(upper, "huyen-thanh-mien", PERIOD)
    qtbot.addWidget(dlg)
    target = tmp_path / "tinh-trang.xlsx"
    proposed = []
    monkeypatch.setattr(rollup, "ask_save_path", lambda parent, title, name, filt: proposed.append(name) or str(target))
    qtbot.mouseClick(dlg.btn_status_xlsx, Qt.MouseButton.LeftButton)
    assert proposed == ["Tinh trang nop 2023-NAM - huyen-thanh-mien.xlsx"]
    ws = load_workbook(target)["Tình trạng nộp"]
    assert [c.value for c in ws[3]] == ["STT", "Mã đơn vị", "Loại", "Tên đơn vị", "Tình trạng", "Lập gói lúc",
                                        "Hạn nộp", "Nộp muộn", "Mã khóa"]
    rows = {r[1]: r for r in ws.iter_rows(min_row=4, values_only=True)}
    assert set(rows) == {"xa-chi-lang-nam", "xa-doan-ket", "xa-vang"}
    assert rows["xa-vang"][2:5] == ("xã", "Vắng", "Chưa nộp") and rows["xa-vang"][7] in (None, "")
    sent = rows["xa-chi-lang-nam"]
    assert sent[3] == "Chi Lăng Nam" and sent[8] == ip.check_package(a).fingerprint
    status = next(c for c in dlg.rollup.communes if c.code == "xa-chi-lang-nam")
    assert sent[4] == status.status_label and sent[7] == ("Có" if status.late else "Không")


def test_rollup_word_export_asks_for_the_charts_like_a_communes(qtbot, upper, packages, monkeypatch, tmp_path,
                                                                no_dialogs):
    """The options dialog of Xuất Word (ui/export/export_word.py) decides the charts; on: the dossier
    charts and the per-commune ones (theo-xa) are in the file, off: none; cancelled: nothing."""
    import docx

    from ui.export import export_word

    a, b, _ = packages
    ip.import_packages(upper, [a, b])
    dlg = rollup.RollupDialog(upper, "huyen-thanh-mien", PERIOD)
    qtbot.addWidget(dlg)
    asked = []
    answers = iter([True, False, None])

    def ask(parent, data, charts):
        asked.append((parent, data.text_value("don_vi.ten"), charts))
        return next(answers)

    monkeypatch.setattr(export_word, "ask_options", ask)
    target = {"path": tmp_path / "on.docx"}
    monkeypatch.setattr(rollup, "ask_save_path", lambda *a: str(target["path"]))
    dlg.export("docx")
    assert asked[0] == (dlg, "huyện Thanh Miện", True)  # the annual report: on by default
    assert export_word.OptionsDialog(dlg, dlg.rollup.data, True).hint.text().startswith("Bốn biểu đồ")
    on = docx.Document(str(tmp_path / "on.docx"))
    captions = [p.text for p in on.paragraphs if p.text.startswith("Biểu đồ ")]
    assert len(on.inline_shapes) == 4 and len(captions) == 4
    assert "theo xã (huyện Thanh Miện, năm 2023)" in captions[2]
    target["path"] = tmp_path / "off.docx"
    dlg.export("docx")
    assert len(docx.Document(str(tmp_path / "off.docx")).inline_shapes) == 0
    target["path"] = tmp_path / "cancelled.docx"
    assert dlg.export("docx") is None and not target["path"].exists()


def test_rollup_from_the_window_remembers_the_charts_choice(qtbot, upper, packages, monkeypatch, tmp_path,
                                                            no_dialogs):
    from ui.export import export_word

    _w, feature = _upper_window(qtbot, upper, packages)
    dlg = feature.show_rollup()
    defaults = []
    monkeypatch.setattr(export_word, "ask_options", lambda p, d, charts: defaults.append(charts) or False)
    monkeypatch.setattr(rollup, "ask_save_path", lambda *a: None)  # the save dialog cancelled
    dlg.export("docx")
    dlg.export("docx")
    assert defaults == [True, False]  # the second time, the choice made the first time
    assert upper.unit("huyen-thanh-mien")["settings"][export_word.SETTINGS_KEY] == {"NAM": False}
    dlg.close()


def test_rollup_dialog_fits_the_screen(qtbot, upper, packages, no_dialogs):
    """Wanted 1100×700: on a 1024×768 screen (taskbar 40 px) it is made to fit, frame included."""
    from ui.qt import QApplication, QRect, QSize

    assert rollup.fit_size(QSize(1100, 700), QRect(0, 0, 1024, 728)) == QSize(1008, 688)
    assert rollup.fit_size(QSize(1100, 700), QRect(0, 0, 1920, 1040)) == QSize(1100, 700)
    a, b, _ = packages
    ip.import_packages(upper, [a, b])
    dlg = rollup.RollupDialog(upper, "huyen-thanh-mien", PERIOD)
    qtbot.addWidget(dlg)
    screen = QApplication.primaryScreen().availableGeometry()  # offscreen: 800×600 unless configured
    assert dlg.width() <= min(1100, screen.width() - 16) and dlg.height() <= min(700, screen.height() - 40)


def test_period_codes_are_shown_as_words(window, feature, qtbot, upper, packages, monkeypatch, no_dialogs):
    """“Năm 2023”, not “2023-NAM”: the package export, the roll-up's Kỳ box, the import preview's
    Kỳ column (file names keep the code)."""
    shown = []
    monkeypatch.setattr(handoff.ExportPackageDialog, "exec", lambda self: shown.append(self.intro.text()) or 0)
    accept_all_errors(window.ctx.store)
    feature.export_package()
    assert "kỳ <b>Năm 2023</b>" in shown[0] and "2023-NAM" not in shown[0]
    a, b, _ = packages
    preview = handoff.ImportPackagesDialog(upper)
    qtbot.addWidget(preview)
    preview.add_paths([a, b])
    assert [preview.table.item(r, 2).text() for r in range(2)] == ["Năm 2023", "Năm 2023"]
    assert preview.table.item(0, 0).text().endswith("_2023-NAM.cchc")
    preview.run_import()
    upper.create_period("huyen-thanh-mien", "2024-Q1")
    dlg = rollup.RollupDialog(upper, "huyen-thanh-mien", PERIOD)
    qtbot.addWidget(dlg)
    items = [(dlg.period.itemText(i), dlg.period.itemData(i)) for i in range(dlg.period.count())]
    assert items == [("Quý I năm 2024", "2024-Q1"), ("Năm 2023", "2023-NAM")]
    assert dlg.period.currentText() == "Năm 2023"


def test_rollup_tabs_fit_a_1024_screen(qtbot, upper, packages):
    """Every tab of the roll-up (Biểu mẫu 1–7, the communes, dossiers, comparison, QĐ 766 index) is visible
    without the tab bar's scroll arrows in the dialog's size on a 1024×768 screen."""
    a, b, _ = packages
    ip.import_packages(upper, [a, b])
    dlg = rollup.RollupDialog(upper, "huyen-thanh-mien", PERIOD)
    qtbot.addWidget(dlg)
    dlg.resize(rollup.fit_size(dlg.WANTED, QRect(0, 0, 1024, 728)))
    dlg.show()
    qtbot.waitExposed(dlg)
    bar = dlg.tabs.tabBar()
    assert bar.count() == 11
    assert bar.tabRect(bar.count() - 1).right() <= dlg.tabs.width(), (
        bar.sizeHint().width(), dlg.tabs.width(), [bar.tabRect(i).width() for i in range(bar.count())])


class FakeDrives:
    """kernel32 as windows_removable sees it: C: the system disk, D: a DVD, E: a USB stick, F: an
    empty card-reader slot, G: a USB disk that says DRIVE_FIXED, H: a second internal disk."""

    def __init__(self):
        self.kinds = {"C": 3, "D": 5, "E": 2, "F": 2, "G": 3, "H": 3}
        self.media = {"C", "D", "E", "G", "H"}
        self.usb = {"E", "G"}
        self.modes = []

    def quiet(self, on, old=0):
        self.modes.append(on)
        return 7

    def logical_drives(self):
        return sum(1 << (ord(k) - ord("A")) for k in self.kinds)

    def drive_type(self, root):
        return self.kinds[root[0]]

    def has_media(self, root):
        if root[0] == "F":
            assert self.modes[-1] is True, "an empty slot probed with the system's error box on"
        return root[0] in self.media

    def on_usb(self, root):
        return root[0] in self.usb


def test_windows_lists_usb_sticks_and_usb_disks_not_empty_slots():
    from pathlib import Path

    from ui.packages import drives

    api = FakeDrives()
    assert drives.windows_removable(api) == [Path("E:\\"), Path("G:\\")]
    assert api.modes == [True, False]  # error boxes off while probing, back on afterwards


def test_windows_drive_probe_restores_the_error_mode_when_a_call_fails():
    from ui.packages import drives

    api = FakeDrives()
    api.logical_drives = lambda: (_ for _ in ()).throw(OSError("gone"))
    import pytest

    with pytest.raises(OSError):
        drives.windows_removable(api)
    assert api.modes == [True, False]


def test_rollup_dialog_of_a_province_lists_every_commune_of_the_official_list(qtbot, tmp_path, no_dialogs):
    from cchc_desktop.domain import official_units
    from tests.test_package_hostile import CAT_HAI, PERIOD as TWO_TIER, TAN_HUNG, commune, make

    src = tmp_path / "xa"
    src.mkdir()
    tan_hung = commune(src, TAN_HUNG)
    upper = open_store(tmp_path / "tinh.sqlite")
    ip.import_packages(upper, [make(tan_hung, tmp_path / "usb")])
    dlg = rollup.RollupDialog(upper, "31", TWO_TIER)
    qtbot.addWidget(dlg)
    assert dlg.communes.rowCount() == len(official_units.units("31")) == 114
    assert "1/114 đơn vị đã có số liệu" in dlg.headline.text()
    assert "và 105 đơn vị khác" in dlg.headline.text()  # eight names, the rest in the status tab
    names = [dlg.communes.item(i, 0).text() for i in range(dlg.communes.rowCount())]
    assert names[0] == "phường Tân Hưng" and "đặc khu Cát Hải" in names
    assert dlg.communes.item(0, 8).text() == pkg.fingerprint(tan_hung, TAN_HUNG)
    assert dlg.communes.item(names.index("đặc khu Cát Hải"), 1).text() == "Chưa nộp"
    # The status wraps in its own width: a refusal's long reason never pushes the other columns away.
    assert dlg.communes.columnWidth(1) == rollup.STATUS_WIDTH
    assert CAT_HAI not in ip.pinned_fingerprints(upper)
    upper.close()
    tan_hung.close()


def test_a_draft_period_is_closed_before_its_package_is_written(window, feature, tmp_path, monkeypatch):
    """Review of issue 17 (W1): the upper level receives a final figure, so Xuất gói nộp on a draft
    asks to close (chốt) the period first, “Chốt rồi xuất” / “Hủy”, and says why."""
    from ui import messages

    accept_all_errors(window.ctx.store)
    out = tmp_path / "usb"
    out.mkdir()
    asked = []
    monkeypatch.setattr(messages, "choose", lambda parent, text, yes, no, title=None: asked.append((text, yes, no)) or False)
    feature.export_package(folder=str(out), documents=False)
    assert window.wait_tasks(30000)
    text, yes, no = asked[0]
    assert (yes, no) == ("Chốt rồi xuất", "Hủy")
    assert "bản nháp" in text and "chính thức" in text and "Mở lại kỳ" in text
    assert not list(out.iterdir()) and window.ctx.store.period(window.ctx.period_id)["status"] == "draft"
    # Cancelling the folder dialog after “Chốt rồi xuất” leaves the draft too.
    monkeypatch.setattr(messages, "choose", lambda parent, text, yes, no, title=None: True)
    monkeypatch.setattr(handoff.ExportPackageDialog, "exec", lambda self: 0)
    feature.export_package()
    assert window.ctx.store.period(window.ctx.period_id)["status"] == "draft"
    feature.export_package(folder=str(out), documents=False)
    assert window.wait_tasks(30000)
    assert window.ctx.store.period(window.ctx.period_id)["status"] == "final"
    assert window.status_label.text() == "Đã chốt"
    audit = window.ctx.store.history(window.ctx.period_id, "period.status")
    assert audit and audit[-1]["new"] == "final"
    info = ip.check_package(next(out.iterdir()))
    assert info.manifest["period"]["status"] == "final"  # the upper level receives the final figure
    asked.clear()
    monkeypatch.setattr(messages, "choose", lambda parent, text, yes, no, title=None: asked.append(text) or False)
    feature.export_package(folder=str(out), documents=False)  # a closed period: no question
    assert window.wait_tasks(30000)
    assert not asked and window.shown_messages[-1][0] == "info"
