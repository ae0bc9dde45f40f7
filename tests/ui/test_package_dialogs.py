"""Package export / import / roll-up dialogs, offscreen, with file dialogs and message boxes replaced."""
from __future__ import annotations

import copy
from pathlib import Path

import pytest

from cchc_desktop import dataio, paths
from cchc_desktop.exporting import package as pkg
from cchc_desktop.importing import package as ip
from cchc_desktop.store import open_store
from ui import package_dialogs as pd
from ui.qt import QDialogButtonBox, QDropEvent, QEvent, QMimeData, QPoint, Qt, QUrl

PERIOD = "2023-NAM"


@pytest.fixture
def feature(window):
    return pd.install(window)


@pytest.fixture
def packages(demo_store, tmp_path):
    """Two communes' packages (the demo and a copy under another code) and a broken one."""
    out = tmp_path / "usb"
    out.mkdir()
    a = pkg.make_package(demo_store, None, PERIOD, out, documents=False)
    doc = dataio.read_file(paths.resource("demo", "chi-lang-nam-2023.json"))
    other = copy.deepcopy(doc)
    other["unit"].update(code="xa-doan-ket", name="Đoàn Kết")
    other["dossiers"]["ubnd"]["total"]["truoc_han"] = 1000
    src = open_store(tmp_path / "xa2.sqlite")
    dataio.load(src, other)
    b = pkg.make_package(src, "xa-doan-ket", PERIOD, out, documents=False)
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


def test_export_package_writes_and_verifies(window, feature, tmp_path):
    out = tmp_path / "usb"
    out.mkdir()
    feature.export_package(folder=str(out), documents=False)
    assert window.wait_tasks(30000)
    files = list(out.iterdir())
    assert [f.name for f in files] == ["xa-chi-lang-nam_2023-NAM.cchc"]
    assert ip.check_package(files[0]).unit_code == "xa-chi-lang-nam"
    kinds = [k for k, _ in window.shown_messages]
    assert kinds == ["info"] and "Rút thiết bị an toàn" in window.shown_messages[0][1]


def test_export_to_a_removed_stick_says_so(window, feature, tmp_path):
    feature.export_package(folder=str(tmp_path / "gone"), documents=False)
    assert window.wait_tasks(30000)
    assert window.shown_messages[-1][0] == "error"
    assert "USB" in window.shown_messages[-1][1]


def test_export_dialog_lists_removable_drives_first(qtbot, monkeypatch, tmp_path):
    usb = tmp_path / "KINGSTON"
    usb.mkdir()
    monkeypatch.setattr(pd, "removable_drives", lambda: [usb])
    dlg = pd.ExportPackageDialog("xã Chi Lăng Nam", PERIOD)
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
    assert isinstance(pd.removable_drives(), list)


def test_import_dialog_previews_then_imports(qtbot, upper, packages, no_dialogs):
    a, b, bad = packages
    imported = []
    dlg = pd.ImportPackagesDialog(upper, on_imported=imported.append)
    qtbot.addWidget(dlg)
    dlg.add_paths([a.parent])  # a whole folder
    assert dlg.table.rowCount() == 3
    states = {dlg.table.item(r, 0).text(): dlg.table.item(r, 6).text() for r in range(3)}
    assert states[a.name].startswith("Mới") and states[b.name].startswith("Mới")
    assert states[bad.name].startswith("Bị từ chối")
    assert "huyện Thanh Miện" in dlg.summary.text()
    assert dlg.btn_import.isEnabled()
    assert upper.units() == []  # nothing written by the preview
    results = dlg.run_import()
    assert sorted(r.status for r in results) == ["imported", "imported", "refused"]
    states = {dlg.table.item(r, 0).text(): dlg.table.item(r, 6).text() for r in range(3)}
    assert states[a.name].startswith("Đã nhập")
    assert states[bad.name].startswith("Bị từ chối")
    assert "2 gói mới" in dlg.summary.text()
    assert imported and not dlg.btn_import.isEnabled()
    assert {u["code"] for u in upper.units()} == {"huyen-thanh-mien", "xa-chi-lang-nam", "xa-doan-ket"}
    # The same files again: nothing to do.
    dlg2 = pd.ImportPackagesDialog(upper)
    qtbot.addWidget(dlg2)
    dlg2.add_paths([a, b])
    assert [dlg2.table.item(r, 6).text() for r in range(2)] == [ip.STATUS_LABELS["same"]] * 2
    assert not dlg2.btn_import.isEnabled()


def _drop(target, paths):
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    return QDropEvent(QPoint(10, 10).toPointF(), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                      Qt.KeyboardModifier.NoModifier, QEvent.Type.Drop), mime


def test_drop_on_dialog_adds_packages(qtbot, upper, packages):
    a, b, _ = packages
    dlg = pd.ImportPackagesDialog(upper)
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
    assert isinstance(dlg, pd.ImportPackagesDialog)
    assert [p.name for p in dlg.paths] == [a.name]
    # The demo file is a commune's: the package is refused with the reason.
    assert dlg.table.item(0, 6).text().startswith("Bị từ chối")
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
    dlg = pd.RollupDialog(upper, "huyen-thanh-mien", PERIOD)
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
    if not pkg.documents_available():
        return
    try:
        from cchc_desktop.exporting import xlsx_appendix  # noqa: F401
    except ImportError:
        return
    target = tmp_path / "tong-hop.xlsx"
    monkeypatch.setattr(pd, "ask_save_path", lambda *a: str(target))
    dlg.export("xlsx")
    assert target.exists()


def test_new_empty_file_becomes_the_upper_level(qtbot, upper, packages, monkeypatch):
    a, b, _ = packages

    def run(self):
        self.add_paths([a, b])
        self.run_import()
        return 0

    monkeypatch.setattr(pd.ImportPackagesDialog, "exec", run)
    assert pd.upper_period_id(upper) is None
    pid = pd.import_into_new_file(upper)
    period = upper.period(pid)
    assert period["unit_code"] == "huyen-thanh-mien" and period["code"] == PERIOD


def test_window_over_the_upper_file_shows_the_rollup(qtbot, upper, packages, no_dialogs):
    from ui.context import AppContext
    from ui.main_window import MainWindow

    a, b, _ = packages
    ip.import_packages(upper, [a, b])
    ctx = AppContext(upper, "huyen-thanh-mien", pd.upper_period_id(upper))
    w = MainWindow(ctx, install_features=False)
    qtbot.addWidget(w)
    feature = pd.install(w)
    dlg = feature.show_rollup()
    assert isinstance(dlg, pd.RollupDialog)
    assert len(dlg.rollup.reported) == 2
    dlg.close()
    # The upper level does not make packages itself.
    feature.export_package(folder="/tmp", documents=False)
    assert no_dialogs[-1][0] == "error" and "cấp trên" in no_dialogs[-1][1]
