"""The safety parts of the window: audit trail, backup to a folder, restore, one instance per
file, disk trouble during an edit."""
import sqlite3
from pathlib import Path

import pytest

from cchc_desktop.store import Store, backup

pytest.importorskip("PySide6")


def _action(window, menu, text):
    acts = [a for a in window.menus[menu].actions() if a.text() == text]
    assert acts, f"no action {text!r} in menu {menu!r}"
    return acts[0]


# --- audit trail -------------------------------------------------------------------------
def test_audit_model_shows_who_changed_what(ctx):
    from ui.safety.audit_view import COL_NEW, COL_OLD, COL_TARGET, COL_USER, AuditModel, period_history

    pid = ctx.period_id
    old = ctx.store.values(pid).get("BM1/4.1", {}).get("value")
    ok, _ = ctx.write("value:BM1/4.1", Store.set_value, pid, "BM1/4.1", "3.225")
    assert ok
    ctx.write("text:I.1", Store.set_narrative, pid, "I.1", "Dòng một\nDòng hai")
    model = AuditModel(period_history(ctx.store, pid, ctx.unit_code), ctx.store.catalogue_for(pid))
    assert model.rowCount() >= 2
    top = model.rows[0]
    assert top["target"] == "text:I.1"  # newest first
    assert model.text(0, COL_TARGET) == "Lời văn mục I.1"
    assert "⏎" in model.text(0, COL_NEW)
    value_row = next(i for i, r in enumerate(model.rows) if r["target"] == "value:BM1/4.1")
    assert model.text(value_row, COL_TARGET).startswith("Biểu mẫu 1, dòng 4.1 «")  # never the code BM1/4.1
    assert model.text(value_row, COL_NEW) == "3.225"
    assert model.text(value_row, COL_OLD) == ("(trống)" if old is None else model.text(value_row, COL_OLD))
    assert model.text(value_row, COL_USER) == ctx.store.user


def test_audit_labels():
    from ui.safety.audit_view import target_label, value_label

    assert target_label("dossier:ubnd:Hộ tịch:truc_tuyen") == "Hồ sơ Bộ phận Một cửa UBND – Hộ tịch – Trực tuyến"
    assert target_label("dossier:cong_an:*:qua_han") == "Hồ sơ Công an xã – dòng tổng – Quá hạn"
    assert target_label("period.status") == "Kỳ báo cáo: trạng thái"
    assert value_label("period.status", "final") == "đã chốt"
    assert value_label("dossier:ubnd:*:truc_tuyen", "3225") == "3.225"
    assert value_label("value:X/1", None) == "(trống)"


def test_an_indicator_in_the_history_by_its_place_not_its_code(ctx):
    from ui.safety.audit_view import target_label

    cat = ctx.store.catalogue_for(ctx.period_id)
    label = target_label("row:BM1/4.1", cat)
    assert label.startswith("Biểu mẫu 1, dòng 4.1 «") and label.endswith("» (số liệu và ghi chú)")
    assert target_label("note:BM1/4.1", cat).startswith("Ghi chú: Biểu mẫu 1, dòng 4.1 «")


def test_audit_dialog_for_one_value_and_the_whole_period(ctx, qtbot, tmp_path):
    from ui.safety.audit_view import AuditDialog

    pid = ctx.period_id
    for v in ("10", "11", "12"):
        ctx.write("value:BM1/1", Store.set_value, pid, "BM1/1", v)
    ctx.write("text:I.1", Store.set_narrative, pid, "I.1", "Văn bản mới")
    dlg = AuditDialog(ctx, "value:BM1/1")
    qtbot.addWidget(dlg)
    dlg.show()
    assert dlg.proxy.rowCount() == 3
    assert [dlg.model.text(i, 4) for i in range(3)] == ["12", "11", "10"]
    dlg.target_box.setCurrentIndex(0)  # the whole period
    assert dlg.proxy.rowCount() >= 4
    dlg.search.setText("Văn bản mới")
    assert dlg.proxy.rowCount() == 1
    assert "1 thay đổi" in dlg.count_label.text()
    dlg.search.clear()
    dlg.grab().save(str(tmp_path / "audit.png"))


# --- menu actions ------------------------------------------------------------------------
def test_install_adds_the_menu_actions(window):
    from ui.safety import backup_dialogs

    backup_dialogs.install(window)
    _action(window, "Tệp", "Sao lưu ra USB…")
    _action(window, "Tệp", "Khôi phục bản sao lưu…")
    _action(window, "Công cụ", "Lịch sử thay đổi…")


def test_history_action_opens_the_dialog(window, qtbot):
    from ui.safety import backup_dialogs
    from ui.safety.audit_view import AuditDialog

    backup_dialogs.install(window)
    _action(window, "Công cụ", "Lịch sử thay đổi…").trigger()
    dialogs = [w for w in window.findChildren(AuditDialog)]
    assert dialogs and dialogs[0].isVisible()
    dialogs[0].close()


def test_backup_to_a_folder_in_one_click(window, tmp_path):
    from ui.safety import backup_dialogs

    usb = tmp_path / "usb"
    usb.mkdir()
    backup_dialogs.backup_to_folder(window, str(usb))
    window.wait_tasks()
    made = list(usb.glob("*.sqlite"))
    assert len(made) == 1
    assert window.shown_messages[-1][0] == "info" and str(made[0]) in window.shown_messages[-1][1]
    backup_dialogs.backup_to_folder(window, str(tmp_path / "rut-ra"))  # the stick was pulled out
    window.wait_tasks()
    kind, text = window.shown_messages[-1]
    assert kind == "error" and "không tồn tại" in text and "Traceback" not in text


def test_restore_dialog_names_periods_in_vietnamese():
    from ui.texts import period_text

    assert period_text("2023-NAM") == "Năm 2023"
    assert period_text("2024-Q1") == "Quý I năm 2024"
    assert period_text("2024-6T") == "6 tháng đầu năm 2024"
    assert period_text("la") == "la"  # a code from a foreign file stays readable


def test_restore_into_the_open_window(window, tmp_path):
    from ui.safety import backup_dialogs

    ctx = window.ctx
    pid = ctx.period_id
    ctx.write("value:BM1/1", Store.set_value, pid, "BM1/1", "21")
    saved = backup.backup_now(ctx.store, "thu-cong")
    ctx.write("value:BM1/1", Store.set_value, pid, "BM1/1", "99")
    old_store = ctx.store
    changed = []
    ctx.data_changed.connect(changed.append)

    dlg = backup_dialogs.RestoreDialog(ctx.store.path, window)
    assert dlg.table.rowCount() == 1 and dlg.table.item(0, 2).text() == "xã Chi Lăng Nam"
    assert dlg.table.item(0, 3).text() == "Năm 2023" and dlg.restore_button.isEnabled()
    dlg._accept_selected()
    assert dlg.chosen == saved

    assert backup_dialogs.restore_into_window(window, saved)
    assert ctx.store is not old_store
    assert ctx.store.values(pid)["BM1/1"]["value"] == "21"
    assert ctx.data()  # the window reads from the reopened file
    assert "*" in changed
    kind, text = window.shown_messages[-1]
    assert kind == "info" and "Đã khôi phục" in text and "khoi-phuc" in text
    # the file that was replaced is kept
    kept = [b for b in backup.list_backups(ctx.store.path) if b.reason == "khoi-phuc"]
    assert sqlite3.connect(kept[0].path).execute(
        "SELECT value FROM indicator_values WHERE code = 'BM1/1'").fetchone() == ("99",)
    # the close backup takes the reopened store and closes it
    assert backup_dialogs.backup_on_close(window, old_store) is not None
    with pytest.raises(sqlite3.ProgrammingError):
        ctx.store.db.execute("SELECT 1")


def test_restore_dialog_screenshot(ctx, qtbot, tmp_path):
    from ui.safety import backup_dialogs

    backup.backup_now(ctx.store, "mo-tep")
    backup.backup_now(ctx.store, "nang-cap")
    dlg = backup_dialogs.RestoreDialog(ctx.store.path)
    qtbot.addWidget(dlg)
    dlg.show()
    assert dlg.table.rowCount() == 2 and dlg.table.item(0, 1).text() == "trước khi nâng cấp phần mềm"
    dlg.grab().save(str(tmp_path / "restore.png"))


# --- one instance per file ---------------------------------------------------------------
def test_second_start_on_the_same_file_brings_the_first_forward(qapp, qtbot, tmp_path):
    from ui.shell import single_instance
    from ui.qt import QMainWindow

    path = tmp_path / "a.sqlite"
    first = single_instance.claim(path)
    assert first is not None and first.server is not None
    win = QMainWindow()
    qtbot.addWidget(win)
    win.show()
    win.showMinimized()
    first.attach(win)
    with qtbot.waitSignal(first.activate_requested, timeout=3000):
        assert single_instance.claim(Path(str(path))) is None  # same file: told it is open
    qtbot.waitUntil(lambda: not win.isMinimized(), timeout=3000)
    other = single_instance.claim(tmp_path / "b.sqlite")  # another file: its own instance
    assert other is not None
    other.close()
    first.close()
    again = single_instance.claim(path)  # the first has gone: the next start owns the file
    assert again is not None
    again.close()


def test_server_name_is_the_same_for_every_spelling(tmp_path):
    from ui.shell.single_instance import server_name

    assert server_name(tmp_path / "x" / ".." / "a.sqlite") == server_name(tmp_path / "a.sqlite")
    assert server_name(tmp_path / "a.sqlite") != server_name(tmp_path / "b.sqlite")
    assert server_name(None) == server_name(None) != server_name(tmp_path / "a.sqlite")  # the default file


# --- disk trouble during an edit ---------------------------------------------------------
def test_disk_full_during_an_edit_reports_and_keeps_the_data(ctx):
    store, pid = ctx.store, ctx.period_id
    ctx.write("text:I.1", Store.set_narrative, pid, "I.1", "ngắn")
    errors = []
    ctx.error.connect(errors.append)
    pages = store.db.execute("PRAGMA page_count").fetchone()[0]
    store.db.execute(f"PRAGMA max_page_count = {pages}")  # the disk is full: the file cannot grow
    long_text = "Nội dung rất dài của báo cáo. " * 4000
    ok, message = ctx.write("text:I.1", Store.set_narrative, pid, "I.1", long_text)
    assert not ok and "Ổ đĩa đã đầy" in message and errors == [message]
    assert "vẫn còn trên màn hình" in message
    assert store.narratives(pid)["I.1"]["text"] == "ngắn"  # nothing half-written
    assert store.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    store.db.execute("PRAGMA max_page_count = 1073741823")  # space freed: the retry works
    ok, _ = ctx.write("text:I.1", Store.set_narrative, pid, "I.1", long_text)
    assert ok and store.narratives(pid)["I.1"]["text"] == long_text


def test_read_only_file_during_an_edit(ctx):
    store, pid = ctx.store, ctx.period_id
    before = store.values(pid).get("BM1/1")
    store.db.execute("PRAGMA query_only = ON")
    ok, message = ctx.write("value:BM1/1", Store.set_value, pid, "BM1/1", "77")
    assert not ok and "chỉ đọc" in message
    assert store.values(pid).get("BM1/1") == before
    store.db.execute("PRAGMA query_only = OFF")
    assert ctx.write("value:BM1/1", Store.set_value, pid, "BM1/1", "77")[0]


def test_the_app_start_on_a_file_already_open(qapp, qtbot, tmp_path, demo_file, no_dialogs):
    """ui.shell.app.run: a second start on the same file says so and exits; the first comes forward."""
    import shutil

    from ui.shell import app as app_mod
    from ui.shell import single_instance

    path = tmp_path / "open.sqlite"
    shutil.copy(demo_file, path)
    first = single_instance.claim(path)
    with qtbot.waitSignal(first.activate_requested, timeout=3000):
        assert app_mod.run(str(path), quit_after_show=True) == 0  # never hangs, even if not wired
    assert no_dialogs[-1][0] == "info" and "đang được mở ở một cửa sổ CCHC Desktop khác" in no_dialogs[-1][1]
    first.close()


def test_restore_through_the_menu(window, monkeypatch):
    from ui.safety import backup_dialogs
    from ui.qt import QDialog

    backup_dialogs.install(window)
    ctx = window.ctx
    pid = ctx.period_id
    ctx.write("value:BM1/1", Store.set_value, pid, "BM1/1", "31")
    backup.backup_now(ctx.store, "thu-cong")
    ctx.write("value:BM1/1", Store.set_value, pid, "BM1/1", "32")

    def pick_first(dlg):
        dlg._accept_selected()
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(backup_dialogs.RestoreDialog, "exec", pick_first)
    _action(window, "Tệp", "Khôi phục bản sao lưu…").trigger()
    asks = [m for m in window.shown_messages if m[0] == "ask"]
    assert asks and "Khôi phục dữ liệu về bản sao lưu lúc" in asks[-1][1]
    assert ctx.store.values(pid)["BM1/1"]["value"] == "31"
    assert window.ctx.data().values  # the window shows the restored data


def test_a_damaged_file_at_start_offers_its_backups(qapp, tmp_path, demo_file, no_dialogs, monkeypatch):
    """What ui/shell/app.py's start does when open_store refuses the file (ui.shell.files.recover_at_start):
    the choice names the backups; the one restored is opened, the damaged file kept as a backup."""
    import shutil

    from cchc_desktop.errors import DataFileError
    from cchc_desktop.store import open_store
    from ui.safety import backup_dialogs
    from ui.shell.files import recover_at_start
    from ui.qt import QDialog
    from ui.shell.welcome import DamagedFileDialog

    path = tmp_path / "hong.sqlite"
    shutil.copy(demo_file, path)
    saved = backup.backup_now(path, "dong")
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 3])  # the USB stick was pulled out mid-copy
    offered = []

    def choose_restore(dlg):
        offered.append(dlg.text.text())
        dlg._choose(DamagedFileDialog.RESTORE)
        return dlg.result()

    def pick_first(dlg):
        dlg._accept_selected()
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(DamagedFileDialog, "exec", choose_restore)
    monkeypatch.setattr(backup_dialogs.RestoreDialog, "exec", pick_first)
    with pytest.raises(DataFileError) as e:
        open_store(path, backup=True)
    store = recover_at_start(path, e.value, None)
    assert store is not None and store.unit()["name"] == "Chi Lăng Nam"
    store.close()
    assert len(offered) == 1 and "thiếu phần cuối" in offered[0] and "Có 1 bản sao lưu" in offered[0]
    assert [k for k, _ in no_dialogs] == ["info"] and "hong" in no_dialogs[0][1]
    assert saved.exists()
    damaged = [b for b in backup.list_backups(path) if b.reason == "hong"]
    assert damaged and damaged[0].path.read_bytes() == data[: len(data) // 3]


def test_no_offer_for_a_newer_file_and_none_found_without_backups(qapp, tmp_path, demo_file, no_dialogs,
                                                                   monkeypatch):
    import shutil

    from cchc_desktop.errors import DataFileError
    from cchc_desktop.store import open_store
    from ui.shell.files import recover_at_start
    from ui.shell.welcome import DamagedFileDialog

    offered = []

    def quit_(dlg):
        offered.append(dlg.text.text())
        dlg._choose(DamagedFileDialog.QUIT)
        return dlg.result()

    monkeypatch.setattr(DamagedFileDialog, "exec", quit_)
    newer = tmp_path / "moi.sqlite"
    newer.write_bytes(b"x" * 100)
    assert recover_at_start(newer, DataFileError("Tệp do phiên bản mới hơn tạo ra."), None) is None
    assert offered == [] and [k for k, _ in no_dialogs] == ["error"]  # a backup would not help: said only
    path = tmp_path / "x.sqlite"
    shutil.copy(demo_file, path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 3])
    with pytest.raises(DataFileError) as e:
        open_store(path)
    assert recover_at_start(path, e.value, None) is None  # quit: nothing changed
    assert len(offered) == 1 and "Chưa thấy bản sao lưu nào" in offered[0]
    assert path.read_bytes() == data[: len(data) // 3]


def test_history_of_one_indicator_from_its_context_menu(ctx, qtbot):
    from ui.safety.audit_view import AuditDialog
    from ui.entry.indicator_form import IndicatorTable, IndicatorTableModel

    pid = ctx.period_id
    ctx.write("value:BM1/1", Store.set_value, pid, "BM1/1", "30")
    ctx.write("note:BM1/1", Store.set_note, pid, "BM1/1", "theo sổ công văn")
    ctx.write("value:BM1/2.1", Store.set_value, pid, "BM1/2.1", "9")  # another row: not shown
    model = IndicatorTableModel(ctx, "I", "BM1")
    table = IndicatorTable(model)
    qtbot.addWidget(table)
    assert table.context_menu(model.index(model.row_of("BM1/3"), 1)) is None  # a heading row
    menu = table.context_menu(model.index(model.row_of("BM1/1"), 1))
    assert [a.text() for a in menu.actions()] == ["Xem lịch sử thay đổi"]
    menu.actions()[0].trigger()
    dlg = table.findChild(AuditDialog) or next(w for w in table.window().findChildren(AuditDialog))
    assert dlg.isVisible()
    targets = {dlg.model.rows[i]["target"] for i in range(dlg.model.rowCount())}
    assert targets == {"value:BM1/1", "note:BM1/1"}
    assert dlg.target_box.currentText().startswith("Biểu mẫu 1, dòng 1 «") and "ghi chú" in dlg.target_box.currentText()
    assert "BM1/" not in dlg.target_box.currentText()
    dlg.close()


def test_history_of_one_dossier_field(ctx):
    from ui.safety.audit_view import field_target, matches

    pid = ctx.period_id
    ctx.write("dossier", Store.set_dossier, pid, "ubnd", "Hộ tịch", "truc_tuyen", "460")
    ctx.write("dossier", Store.set_dossier, pid, "ubnd", "Chứng thực", "truc_tuyen", "2600")
    ctx.write("dossier", Store.rename_field, pid, "ubnd", "Hộ tịch", "Hộ tịch, nuôi con nuôi")
    rows = ctx.store.history(pid)
    mine = [r["target"] for r in rows if matches(field_target("ubnd", "Hộ tịch"), r)]
    assert sorted(mine) == ["dossier:ubnd:Hộ tịch:truc_tuyen", "field:ubnd"]


def test_history_of_a_dossier_field_whose_name_holds_a_colon(ctx):
    from ui.safety.audit_view import field_target, matches, target_label

    pid = ctx.period_id
    ctx.write("dossier", Store.add_field, pid, "ubnd", "Hộ tịch: khai sinh")
    ctx.write("dossier", Store.set_dossier, pid, "ubnd", "Hộ tịch: khai sinh", "truc_tuyen", "12")
    ctx.write("dossier", Store.set_dossier, pid, "ubnd", "Hộ tịch", "truc_tuyen", "460")  # not this field
    rows = ctx.store.history(pid)
    wanted = field_target("ubnd", "Hộ tịch: khai sinh")
    mine = [r["target"] for r in rows if matches(wanted, r)]
    assert sorted(mine) == ["dossier:ubnd:Hộ tịch: khai sinh:truc_tuyen", "field:ubnd"]
    assert [r["target"] for r in rows if matches(field_target("ubnd", "Hộ tịch"), r)] == \
        ["dossier:ubnd:Hộ tịch:truc_tuyen"]
    assert target_label(wanted) == "Hồ sơ Bộ phận Một cửa UBND – lĩnh vực Hộ tịch: khai sinh (mọi cột)"
    assert target_label("dossier:ubnd:Hộ tịch: khai sinh:truc_tuyen") == \
        "Hồ sơ Bộ phận Một cửa UBND – Hộ tịch: khai sinh – Trực tuyến"


def test_right_click_on_an_indicator_row_shows_the_history_entry(ctx, qtbot, monkeypatch):
    from ui.entry.indicator_form import IndicatorTable, IndicatorTableModel
    from PySide6.QtGui import QContextMenuEvent  # not one of the window's names in ui.qt

    from ui import tables
    from ui.qt import QApplication

    shown = []
    monkeypatch.setattr(tables, "_exec_menu", lambda menu, pos: shown.append([x.text() for x in menu.actions()]))
    model = IndicatorTableModel(ctx, "I", "BM1")
    table = IndicatorTable(model)
    qtbot.addWidget(table)
    table.resize(900, 500)
    table.show()
    qtbot.waitExposed(table)
    r = model.row_of("BM1/1")
    pos = table.visualRect(model.index(r, 1)).center()
    QApplication.sendEvent(table.viewport(), QContextMenuEvent(QContextMenuEvent.Reason.Mouse, pos,
                                                               table.viewport().mapToGlobal(pos)))
    assert shown == [["Xem lịch sử thay đổi"]]
    assert table.currentIndex().row() == r


def test_restore_offers_the_newest_backup_that_reads(ctx, qtbot):
    from ui.safety import backup_dialogs

    good = backup.backup_now(ctx.store, "mo-tep")
    bad = backup.backup_now(ctx.store, "dong")
    bad.write_bytes(b"SQLite format 3\x00" + b"\x00" * 50)  # the newest one cut short
    dlg = backup_dialogs.RestoreDialog(ctx.store.path)
    qtbot.addWidget(dlg)
    assert dlg.table.item(0, 2).text() == "(không đọc được)"
    dlg._accept_selected()
    assert dlg.chosen == good


def test_a_read_only_file_opens_with_the_notice_and_writes_say_why(demo_file, tmp_path, qtbot, no_dialogs,
                                                                 monkeypatch):
    """Read-only media (as store.open_state reports it): the window shows the file, a notice
    says it is read-only, an edit says why it is not saved; the file does not change."""
    import shutil

    from cchc_desktop.store import check, database, open_store
    from ui.shell.context import AppContext
    from ui.shell.main_window import MainWindow

    path = tmp_path / "usb.sqlite"
    shutil.copy(demo_file, path)
    before = path.read_bytes()
    reason = "Tệp dữ liệu “usb.sqlite” đang ở nơi chỉ đọc (USB khóa ghi): không sửa được."
    monkeypatch.setattr(database, "open_state", lambda p: check.FileState(
        check.READ_ONLY, path, reason, read_uri=check.sqlite_uri(path, mode="ro")))
    store = open_store(path, backup=True, read_only_ok=True)
    try:
        unit = store.unit()
        ctx = AppContext(store, unit["code"], store.get_period(unit["code"], "2023-NAM")["id"])
        w = MainWindow(ctx, install_features=False)
        qtbot.addWidget(w)
        w.show()
        qtbot.waitExposed(w)
        assert w.notice.isVisible() and "CHẾ ĐỘ CHỈ XEM" in w.notice_label.text() and reason in w.notice_label.text()
        ok, message = ctx.write("value:BM1/1", Store.set_value, ctx.period_id, "BM1/1", "7")
        assert not ok and reason in message
        w.close()
    finally:
        store.close()
    assert path.read_bytes() == before
