"""The main window driven like a user: keys into the real widgets, results read from the data file."""
import shutil
from decimal import Decimal

import pytest

from ui.entry.indicator_form import GHI_CHU, GIA_TRI
from ui.qt import QApplication, QComboBox, QLineEdit, Qt
from PySide6.QtTest import QTest


def type_text(widget, text):
    """Type like a user, Vietnamese letters included (QTest.keyClicks takes ASCII only)."""
    from ui.qt import QEvent
    from PySide6.QtGui import QKeyEvent

    for ch in text:
        if ch.isascii():
            QTest.keyClicks(widget, ch)
        else:
            for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
                QApplication.sendEvent(widget, QKeyEvent(kind, 0, Qt.KeyboardModifier.NoModifier, ch))


def stored(window, code, pid=None):
    return window.ctx.store.values(pid or window.ctx.period_id).get(code, {})


def form_of(window, tab_key, form_code):
    tab = window.show_tab(tab_key)
    for f in tab.forms:
        if f.model.form == form_code:
            tab._reveal(f)
            return f
    raise AssertionError(form_code)


def open_editor(qtbot, form, code, col=GIA_TRI):
    view = form.table
    index = form.model.index(form.model.row_of(code), col)
    view.setCurrentIndex(index)
    view.setFocus()
    view.edit(index)
    editor = QApplication.focusWidget()
    assert isinstance(editor, (QLineEdit, QComboBox)), editor
    return view, editor


def test_tabs_in_report_order_and_title(window):
    titles = [window.tab_titles[k] for k in window.tab_keys]
    assert titles == [
        "Thông tin chung", "I. Chỉ đạo điều hành", "1. Thể chế", "2. Thủ tục hành chính", "3. Bộ máy",
        "4. Công vụ", "5. Tài chính công", "6. Chính quyền số", "III. Đánh giá chung",
        "IV–V. Phương hướng, kiến nghị", "Kiểm tra"]
    assert window.windowTitle() == "UBND xã Chi Lăng Nam — Năm 2023 — CCHC Desktop"
    assert window.period_combo.currentText() == "Năm 2023 (15/12/2022 – 14/12/2023)"
    assert window.status_label.text() == "Bản nháp"
    assert list(window.menus) == ["Tệp", "Kỳ báo cáo", "Công cụ", "Trợ giúp"]


def test_typing_a_count_saves_it_and_says_so(window, qtbot):
    form = form_of(window, "I", "BM1")
    view, editor = open_editor(qtbot, form, "BM1/2.1")
    editor.selectAll()
    QTest.keyClicks(editor, "1.250")
    QTest.keyClick(editor, Qt.Key.Key_Return)
    assert stored(window, "BM1/2.1")["value"] == "1250"
    assert window.saved_label.text().startswith("Đã lưu lúc ")
    # Enter moved down the value column to the next row that takes input, with its editor open.
    assert view.currentIndex().row() == form.model.row_of("BM1/2.2")
    assert form.model.index(form.model.row_of("BM1/2"), GIA_TRI).data() == "2"  # 25 / 1 250, derived
    # Ctrl+Z in the form undoes that edit.
    QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Escape)
    QTest.keyClick(view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert stored(window, "BM1/2.1")["value"] == "25"


def test_a_refused_number_stays_in_the_editor_with_the_message(window, qtbot):
    form = form_of(window, "I", "BM1")
    view, editor = open_editor(qtbot, form, "BM1/2.1")
    editor.selectAll()
    QTest.keyClicks(editor, "12a")
    QTest.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: isinstance(QApplication.focusWidget(), QLineEdit)
                    and QApplication.focusWidget().text() == "12a")
    assert view.currentIndex().row() == form.model.row_of("BM1/2.1")
    assert stored(window, "BM1/2.1")["value"] == "25"
    assert form.message.isVisible() and "không phải là một con số" in form.message.text()
    assert "không phải là một con số" in window.error_label.text()
    fixed = QApplication.focusWidget()
    fixed.selectAll()
    QTest.keyClicks(fixed, "12")
    QTest.keyClick(fixed, Qt.Key.Key_Return)
    assert stored(window, "BM1/2.1")["value"] == "12"
    assert not form.message.isVisible()


def test_esc_after_a_refused_number_drops_it_and_the_next_key_edits(window, qtbot):
    form = form_of(window, "I", "BM1")
    view, editor = open_editor(qtbot, form, "BM1/2.1")
    editor.selectAll()
    QTest.keyClicks(editor, "12a")
    QTest.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: isinstance(QApplication.focusWidget(), QLineEdit)
                    and QApplication.focusWidget().text() == "12a")
    QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Escape)
    assert not form.message.isVisible()  # the refused text is gone, and so is its message
    index = form.model.index(form.model.row_of("BM1/2.1"), GIA_TRI)
    assert index.data() == "25" and view.currentIndex() == index
    QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_3)  # typed on the cell: opens its editor with it
    qtbot.waitUntil(lambda: isinstance(QApplication.focusWidget(), QLineEdit))
    assert QApplication.focusWidget().text() == "3"
    QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    assert stored(window, "BM1/2.1")["value"] == "3"


def test_a_coded_choice_through_the_drop_down(window, qtbot):
    form = form_of(window, "II.6", "BM7")
    view, combo = open_editor(qtbot, form, "BM7/2")
    assert isinstance(combo, QComboBox)
    assert [combo.itemText(i) for i in range(combo.count())][1:] == ["Chưa có", "2 cấp", "3 cấp"]
    combo.setCurrentIndex(combo.findText("2 cấp"))
    QTest.keyClick(combo, Qt.Key.Key_Return)
    assert stored(window, "BM7/2")["value"] == "1"
    assert form.model.index(form.model.row_of("BM7/2"), GIA_TRI).data() == "2 cấp"


def test_a_note(window, qtbot):
    form = form_of(window, "I", "BM1")
    view, editor = open_editor(qtbot, form, "BM1/1", GHI_CHU)
    type_text(editor, "gồm 3 công văn")
    QTest.keyClick(editor, Qt.Key.Key_Tab)
    assert stored(window, "BM1/1")["note"] == "gồm 3 công văn"


def test_info_tab_saves_on_leaving_the_field(window, qtbot):
    info = window.show_tab("info")
    edit = info.fields["period.doc_number"]
    edit.setFocus()
    QTest.keyClicks(edit, "125")
    QTest.keyClick(edit, Qt.Key.Key_Return)
    assert window.ctx.store.period(window.ctx.period_id)["doc_number"] == "125"
    date = info.fields["period.doc_date"]
    date.setFocus()
    date.selectAll()
    QTest.keyClicks(date, "20/12/2023")
    QTest.keyClick(date, Qt.Key.Key_Return)
    assert window.ctx.store.period(window.ctx.period_id)["doc_date"] == "2023-12-20"
    name = info.fields["unit.name"]
    name.setFocus()
    name.selectAll()
    type_text(name, "xã Chi Lăng Bắc")  # the kind's word is taken off: no "UBND xã xã …"
    QTest.keyClick(name, Qt.Key.Key_Return)
    assert window.ctx.store.unit()["name"] == "Chi Lăng Bắc" and name.text() == "Chi Lăng Bắc"
    assert window.windowTitle().startswith("UBND xã Chi Lăng Bắc — ")


def test_new_period_carries_text_not_figures(window, qtbot, monkeypatch):
    from ui.shell import period_dialogs

    old_pid = window.ctx.period_id
    seen = {}

    def accept(dlg):
        seen["default"] = dlg.code()
        dlg.kind.setCurrentIndex(dlg.kind.findData("NAM"))
        dlg.year.setValue(2024)
        return period_dialogs.NewPeriodDialog.DialogCode.Accepted

    monkeypatch.setattr(period_dialogs.NewPeriodDialog, "exec", accept)
    window.act_new_period.trigger()
    assert seen["default"] == "2024-Q1"  # periods.next_key of Năm 2023
    store = window.ctx.store
    new = store.find_period(window.ctx.unit_code, "2024-NAM")
    assert new and window.ctx.period_id == new["id"]
    assert window.period_combo.currentText().startswith("Năm 2024 (15/12/2023 – 14/12/2024)")
    assert window.windowTitle() == "UBND xã Chi Lăng Nam — Năm 2024 — CCHC Desktop"
    old_text, new_text = store.narratives(old_pid), store.narratives(new["id"])
    assert new_text["II.2"]["text"] == old_text["II.2"]["text"] and new_text["II.2"]["text"]
    assert all(v["value"] is None for v in store.values(new["id"]).values())
    assert [f["name"] for f in store.dossier_table(new["id"], "ubnd").fields] == \
        [f["name"] for f in store.dossier_table(old_pid, "ubnd").fields]
    assert all(f["truc_tuyen"] is None for f in store.dossier_table(new["id"], "ubnd").fields)
    # The form shows the new period, empty, with last year's value beside it.
    form = form_of(window, "I", "BM1")
    r = form.model.row_of("BM1/5.1")
    assert form.model.index(r, GIA_TRI).data() == ""
    assert not form.table.isColumnHidden(4)
    assert form.model.index(r, 4).data() == "3.225"
    view, editor = open_editor(qtbot, form, "BM1/5.1")
    QTest.keyClicks(editor, "3300")
    QTest.keyClick(editor, Qt.Key.Key_Return)
    assert stored(window, "BM1/5.1")["value"] == "3300"
    assert stored(window, "BM1/5.1", old_pid)["value"] == "3225"
    # Back to 2023 through the selector.
    window.period_combo.setCurrentIndex(window.period_combo.findData(old_pid))
    assert window.ctx.period_id == old_pid


def test_a_final_period_refuses_edits_and_is_audited(window, qtbot):
    store = window.ctx.store
    pid = window.ctx.period_id
    window.act_final.trigger()
    assert store.period(pid)["status"] == "final"
    assert window.status_label.text() == "Đã chốt"
    assert not window.act_final.isEnabled() and window.act_reopen.isEnabled()
    assert any(h["target"] == "period.status" and h["new"] == "final" for h in store.history(pid))
    form = form_of(window, "I", "BM1")
    assert window.notice.isVisible() and "đã chốt" in window.notice_label.text()
    assert window.notice_reopen.isVisible() and not window.notice_home.isVisible()
    index = form.model.index(form.model.row_of("BM1/2.1"), GIA_TRI)
    form.table.setCurrentIndex(index)
    form.table.setFocus()
    QTest.keyClicks(form.table, "99")
    QTest.keyClick(form.table, Qt.Key.Key_Return)
    assert not isinstance(QApplication.focusWidget(), QLineEdit)  # no editor opened
    assert stored(window, "BM1/2.1")["value"] == "25"
    assert not form.model.setData(index, "99")
    window.act_reopen.trigger()
    assert store.period(pid)["status"] == "draft"
    assert any(h["target"] == "period.status" and h["new"] == "draft" for h in store.history(pid))
    assert not window.notice.isVisible()
    assert form.model.setData(index, "99")
    assert stored(window, "BM1/2.1")["value"] == "99"


def test_findings_count_on_tabs_and_jump(window, qtbot):
    window.refresh_findings()
    before = window.findings_by_tab().get("I", 0)
    form = form_of(window, "I", "BM1")
    # More tasks done than planned: part > whole.
    assert form.model.setData(form.model.index(form.model.row_of("BM1/2.2"), GIA_TRI), "30")
    qtbot.waitUntil(lambda: window.findings_by_tab().get("I", 0) == before + 1, timeout=3000)
    i = window.tab_keys.index("I")
    assert window.tabs.tabText(i) == f"I. Chỉ đạo điều hành ({before + 1})"
    check = window.show_tab("check")
    rows = [r for r in range(check.model.rowCount()) if "BM1" in (check.model.findings[r].target or "")]
    assert rows
    assert check.model.findings[0].severity == "loi"  # errors first
    window.show_tab("info")
    check.view.doubleClicked.emit(check.model.index(rows[0], 1))
    assert window.tabs.currentIndex() == i
    target = check.model.findings[rows[0]].target
    assert form.table.currentIndex().row() == form.model.row_of(target)


def test_a_recomputed_figure_is_kept_or_accepted_from_kiem_tra_and_audited(window, qtbot):
    window.refresh_findings()
    check = window.show_tab("check")
    rows = [r for r, f in enumerate(check.model.findings) if f.rule == "so-tinh-lai:BM7/6.7"]
    assert rows and "84 %" in check.model.findings[rows[0]].message
    assert not check.accept_button.isEnabled()
    other = next(r for r, f in enumerate(check.model.findings) if not f.rule.startswith("so-tinh-lai"))
    check.view.setCurrentIndex(check.model.index(other, 0))
    assert not check.accept_button.isEnabled()  # only for a recomputed figure
    check.view.setCurrentIndex(check.model.index(rows[0], 0))
    assert check.accept_button.isEnabled() and check.keep_button.isEnabled()
    check.keep_own("Như báo cáo đã gửi huyện")
    qtbot.waitUntil(lambda: any(f.rule == "so-tinh-lai:BM7/6.7" and "giữ số của mình" in f.message
                                for f in check.model.findings), timeout=3000)
    assert window.ctx.data().values["BM7/6.7"] == 84
    row = next(r for r, f in enumerate(check.model.findings) if f.rule == "so-tinh-lai:BM7/6.7")
    check.view.setCurrentIndex(check.model.index(row, 0))
    check.accept_button.click()
    qtbot.waitUntil(lambda: any(f.rule == "so-tinh-lai:BM7/6.7" and "đã chọn dùng số tính lại" in f.message
                                for f in check.model.findings), timeout=3000)
    assert stored(window, "BM7/6.7").get("value") == "84"  # the unit's figure stays, for the Ghi chú
    history = window.ctx.store.history(window.ctx.period_id, "so-tinh-lai:BM7/6.7")
    assert [h["new"] for h in history] == ["giu-so: Như báo cáo đã gửi huyện", "dung-so-tinh-lai"]
    assert any(f.rule == "so-tinh-lai:BM3/1.4" for f in check.model.findings)  # the others stay


def test_a_choice_is_undone_from_kiem_tra_and_audited(window, qtbot):
    window.refresh_findings()
    check = window.show_tab("check")

    def select(rule):
        row = next(r for r, f in enumerate(check.model.findings) if f.rule == rule)
        check.view.setCurrentIndex(check.model.index(row, 0))
        return check.model.findings[row]

    select("so-tinh-lai:BM6/1.2")  # a typed row: its figure is the one typed, not a computed one
    assert check.accept_button.text() == "Dùng số đã nhập" and not check.undo_choice_button.isEnabled()
    check.keep_own("Như báo cáo giấy")
    qtbot.waitUntil(lambda: "giữ số của mình" in select("so-tinh-lai:BM6/1.2").message, timeout=3000)
    assert window.ctx.data().values["BM6/1.2"] == 3523
    assert check.undo_choice_button.isEnabled()
    check.undo_choice_button.click()
    qtbot.waitUntil(lambda: "hãy chọn" in select("so-tinh-lai:BM6/1.2").message, timeout=3000)
    assert window.ctx.data().values["BM6/1.2"] == Decimal("3523.681")
    assert window.ctx.store.correction_choices(window.ctx.period_id) == {}
    assert [(h["old"], h["new"]) for h in window.ctx.store.history(window.ctx.period_id, "so-tinh-lai:BM6/1.2")] == [
        (None, "giu-so: Như báo cáo giấy"), ("giu-so: Như báo cáo giấy", None)]
    assert not check.undo_choice_button.isEnabled()
    select("so-tinh-lai:BM3/1.4")
    assert check.accept_button.text() == "Dùng số tính lại"
    check.accept_button.click()
    qtbot.waitUntil(lambda: "đã chọn dùng số tính lại" in select("so-tinh-lai:BM3/1.4").message, timeout=3000)
    assert not check.accept_button.isEnabled() and check.undo_choice_button.isEnabled()
    check.undo_choice()
    qtbot.waitUntil(lambda: "hãy chọn" in select("so-tinh-lai:BM3/1.4").message, timeout=3000)
    # an accepted error is withdrawn the same way, from its own button
    f = select("ty-le-tren-100")
    check.accept_error("Đúng như văn bản gốc")
    qtbot.waitUntil(lambda: bool(window.ctx.store.accepted_errors(window.ctx.period_id)), timeout=3000)
    qtbot.waitUntil(lambda: select("ty-le-tren-100") and check.accept_error_button.text() == "Bỏ chấp nhận lỗi",
                    timeout=3000)
    check.accept_error_button.click()
    qtbot.waitUntil(lambda: window.ctx.store.accepted_errors(window.ctx.period_id) == [], timeout=3000)
    assert [h["new"] for h in window.ctx.store.history(window.ctx.period_id, f"error.accepted:{f.rule}:{f.target}")] \
        == ["Đúng như văn bản gốc", None]


def test_run_task_runs_off_the_ui_thread(window, qtbot):
    import threading

    main = threading.get_ident()
    got = {}
    window.run_task("Đang thử", lambda: threading.get_ident(), lambda r: got.setdefault("tid", r))
    assert window.busy_bar.isVisible() or "tid" in got
    qtbot.waitUntil(lambda: "tid" in got, timeout=5000)
    assert got["tid"] != main
    assert not window.busy_bar.isVisible()
    errors = []
    window.run_task("Lỗi", lambda: 1 / 0, None, errors.append)
    qtbot.waitUntil(lambda: bool(errors), timeout=5000)
    assert "Lỗi không mong đợi" in errors[0]


def test_add_action_and_tab_for_features(window):
    from ui.qt import QLabel

    calls = []
    act = window.add_action("Công cụ", "Thử", lambda: calls.append(1), "Ctrl+Shift+T", toolbar=True)
    act.trigger()
    assert calls == [1]
    window.add_tab(QLabel("x"), "Biểu đồ")
    assert window.tab_keys[-2] == "extra:Biểu đồ" and window.tab_keys[-1] == "check"


def test_closing_never_asks(window):
    window.close()
    assert not [m for m in window.shown_messages if m[0] == "ask"]


def test_screenshot_mode_writes_one_png_per_tab(demo_file, tmp_path, qapp):
    from ui.shell.app import run

    db = tmp_path / "demo.sqlite"
    shutil.copy(demo_file, db)
    out = tmp_path / "shots"
    assert run(str(db), screenshot_dir=str(out)) == 0
    names = sorted(p.name for p in out.glob("*.png"))
    assert names[0] == "01-thong-tin-chung.png"
    assert "04-thu-tuc-hanh-chinh.png" in names and names[-1].endswith("-kiem-tra.png")
    assert len(names) >= 11
    assert all((out / n).stat().st_size > 5000 for n in names)


def test_a_damaged_file_gives_a_message_not_a_traceback(tmp_path, qapp, capsys):
    from ui.shell.app import run

    bad = tmp_path / "bad.sqlite"
    bad.write_bytes(b"not a database at all" * 10)
    assert run(str(bad), screenshot_dir=str(tmp_path / "s")) == 1
    err = capsys.readouterr().err
    assert "không phải là tệp dữ liệu" in err and "Traceback" not in err


def test_welcome_creates_the_unit_with_default_texts(tmp_path, qapp, qtbot, no_dialogs):
    from cchc_desktop.store import open_store
    from ui.shell.welcome import WelcomeDialog

    store = open_store(tmp_path / "new.sqlite")
    dlg = WelcomeDialog(store)
    qtbot.addWidget(dlg)
    dlg.btn_create.click()
    type_text(dlg.picker.province.lineEdit(), "hai phong")
    dlg.picker.province.lineEdit().editingFinished.emit()
    type_text(dlg.picker.unit.lineEdit(), "Phường Tân Hưng")
    dlg.create_unit()
    assert dlg.result() == WelcomeDialog.DialogCode.Accepted
    unit = store.unit()
    assert (unit["code"], unit["name"], unit["kind"]) == ("10537", "Tân Hưng", "phuong")
    assert (unit["upper_name"], unit["upper_code"], unit["province"], unit["district"]) == \
        ("thành phố Hải Phòng", "31", "Hải Phòng", "")
    texts = store.narratives(dlg.period_id)
    # this year's report is in the two-tier frame: the unit is named by placeholders, not typed
    assert "{{don_vi.trung_tam}}" in texts["II.2"]["text"] and "Chi Lăng Nam" not in texts["II.2"]["text"]
    store.close()


def test_a_broken_feature_shows_a_message_and_the_window_still_starts(ctx, qtbot, no_dialogs, monkeypatch):
    from ui.shell import features
    from ui.shell.main_window import MainWindow

    monkeypatch.setattr(features, "FEATURES", ["ui.khong_co_module_nay:install"])
    w = MainWindow(ctx)
    qtbot.addWidget(w)
    assert w.feature_errors and "khong_co_module_nay" in w.feature_errors[0]
    qtbot.waitUntil(lambda: any(kind == "error" for kind, _ in no_dialogs), timeout=3000)
    assert any("không nạp được" in text for kind, text in no_dialogs if kind == "error")
    assert w.tab_keys[-1] == "check"


def test_tab_moves_down_the_value_column_skipping_derived_rows(window, qtbot):
    form = form_of(window, "I", "BM1")
    view = form.table
    view.setCurrentIndex(form.model.index(form.model.row_of("BM1/1"), GIA_TRI))
    view.setFocus()
    QTest.keyClick(view, Qt.Key.Key_Tab)
    assert view.currentIndex().row() == form.model.row_of("BM1/2.1")  # BM1/2 is derived
    QTest.keyClick(view, Qt.Key.Key_Tab)
    QTest.keyClick(view, Qt.Key.Key_Tab)
    assert view.currentIndex().row() == form.model.row_of("BM1/3.1")  # BM1/3 is a group row
    QTest.keyClick(view, Qt.Key.Key_Backtab, Qt.KeyboardModifier.ShiftModifier)
    assert view.currentIndex().row() == form.model.row_of("BM1/2.2")


def test_the_frame_is_shown_before_the_file_is_opened(qapp, qtbot):
    from ui.shell.main_window import MainWindow

    w = MainWindow()
    qtbot.addWidget(w)
    w.show()
    assert w.windowTitle() == "CCHC Desktop" and w.tabs.count() == 11
    assert [w.tabs.tabText(i) for i in range(3)] == ["Thông tin chung", "I. Chỉ đạo điều hành", "1. Thể chế"]
    assert not w.act_final.isEnabled() and "Đang mở" in w.saved_label.text()


def test_start_up_imports_no_heavy_library(demo_file, tmp_path):
    """A real start (frame, file, features) leaves matplotlib, python-docx, openpyxl, numpy out."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    db = tmp_path / "demo.sqlite"
    shutil.copy(demo_file, db)
    code = ("import sys; import ui.shell.app as a; rc = a.run(sys.argv[1], quit_after_show=True); "
            "print(rc, [m for m in ('matplotlib', 'docx', 'openpyxl', 'numpy', 'pandas') if m in sys.modules])")
    p = subprocess.run([sys.executable, "-c", code, str(db)], capture_output=True, text=True, timeout=120,
                       cwd=Path(__file__).resolve().parents[2], env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert p.stdout.strip().splitlines()[-1] == "0 []", p.stdout + p.stderr


def _file_menu(w):
    return [a.text() for a in w.menus["Tệp"].actions() if not a.isSeparator()]


def test_quit_stays_the_last_item_of_the_file_menu(ctx, qtbot, no_dialogs):
    from ui.shell.main_window import MainWindow

    frame = MainWindow()  # the frame before the file is open: the window's own items
    qtbot.addWidget(frame)
    assert _file_menu(frame) == ["Mở tệp dữ liệu khác…", "Tạo tệp dữ liệu mới…", "Thoát"]
    assert not frame.act_open_file.isEnabled()  # until a file is open
    w = MainWindow(ctx)  # every feature of ui/shell/features.py adds its items to Tệp
    qtbot.addWidget(w)
    items = _file_menu(w)
    assert "Xuất gói nộp cấp trên…" in items and "Sao lưu ra USB…" in items
    assert items[-1] == "Thoát" and items.count("Thoát") == 1
    w.add_action("Tệp", "Thêm sau cùng", lambda: None)  # added later still goes above it
    assert _file_menu(w)[-2:] == ["Thêm sau cùng", "Thoát"]
    assert w.menus["Tệp"].actions()[-2].isSeparator()  # a line sets Thoát apart


# --- every section at a glance, one notice, keyboard -------------------------------------------
def _titles_fully_visible(window):
    """Every section title of the list drawn whole: inside the list's viewport, text not cut."""
    nav = window.tabs.list
    port = nav.viewport().rect()
    fm = nav.fontMetrics()
    problems = []
    for i in range(nav.count()):
        item = nav.item(i)
        rect = nav.visualItemRect(item)
        if not port.contains(rect) or fm.horizontalAdvance(item.text()) + 16 > rect.width():
            problems.append((item.text(), rect, port))
    return problems


def test_every_section_and_the_findings_count_visible_at_1024_and_1366(window, qtbot):
    window.add_tab(QLineEdit(), "Biểu đồ")  # as the charts feature does: 12 sections
    window.refresh_findings()
    assert window.findings
    for width in (1024, 1366):
        window.resize(width, 768)
        qtbot.waitUntil(lambda: window.width() == width)
        QApplication.processEvents()
        nav = window.tabs.list
        assert nav.count() == 12
        assert nav.verticalScrollBar().maximum() == 0 and nav.horizontalScrollBar().maximum() == 0
        assert _titles_fully_visible(window) == []
        check = nav.item(window.tab_keys.index("check")).text()
        assert check == f"Kiểm tra ({len(window.findings)})"
        # the page beside the list keeps most of the width
        assert window.tabs.stack.width() >= width - 260


def test_next_and_previous_section_with_the_keyboard(window, qtbot):
    form = form_of(window, "I", "BM1")
    form.table.setFocus()
    i = window.tab_keys.index("I")
    QTest.keyClick(form.table, Qt.Key.Key_PageDown, Qt.KeyboardModifier.ControlModifier)
    assert window.tabs.currentIndex() == i + 1
    QTest.keyClick(QApplication.focusWidget() or window, Qt.Key.Key_PageUp, Qt.KeyboardModifier.ControlModifier)
    assert window.tabs.currentIndex() == i
    QTest.keyClick(QApplication.focusWidget() or window, Qt.Key.Key_Tab, Qt.KeyboardModifier.ControlModifier)
    assert window.tabs.currentIndex() == i + 1
    window.show_tab("info")
    window.act_prev_section.trigger()  # round the ends: from the first to the last
    assert window.tab_keys[window.tabs.currentIndex()] == "check"
    nav = window.tabs.list  # the list itself: arrow keys
    nav.setFocus()
    QTest.keyClick(nav, Qt.Key.Key_Up)
    assert window.tab_keys[window.tabs.currentIndex()] == window.tab_keys[-2]


def _visible_final_texts(window):
    from ui.qt import QLabel

    return [w.text() for w in window.findChildren(QLabel)  # the toolbar's state "Đã chốt" is no banner
            if w.isVisible() and "đã chốt" in w.text().lower() and w is not window.status_label]


def test_a_final_period_shows_one_notice_on_every_section(window, qtbot):
    window.act_final.trigger()
    for key in ("info", "I", "II.2", "III"):
        window.show_tab(key)
        QApplication.processEvents()
        assert len(_visible_final_texts(window)) == 1, (key, _visible_final_texts(window))
    # "Mở lại kỳ để sửa" on the notice reopens the period (asked, then recorded)
    window.notice_reopen.click()
    assert window.ctx.store.period(window.ctx.period_id)["status"] == "draft"
    assert not window.notice.isVisible() and _visible_final_texts(window) == []


@pytest.fixture
def new_unit_form(tmp_path, qapp, qtbot, no_dialogs):
    """The welcome screen on an empty file, its "Tạo đơn vị mới…" page shown."""
    from cchc_desktop.store import open_store
    from ui.shell.welcome import WelcomeDialog

    store = open_store(tmp_path / "new.sqlite")
    dlg = WelcomeDialog(store)
    qtbot.addWidget(dlg)
    dlg.show()
    dlg.btn_create.click()
    yield dlg
    store.close()


def test_welcome_takes_the_kind_off_the_name_and_enter_submits(new_unit_form):
    dlg = new_unit_form
    dlg.picker.province.setEditText("Hải Phòng")
    dlg.picker.outside.setChecked(True)  # a name outside the list, typed
    type_text(dlg.picker.name, "Xã Chi Lăng Nam")
    QTest.keyClick(dlg.picker.name, Qt.Key.Key_Return)
    assert dlg.result() == dlg.DialogCode.Accepted
    unit = dlg.store.unit()
    assert unit["name"] == "Chi Lăng Nam" and unit["code"] == "xa-chi-lang-nam"


def test_enter_on_an_empty_form_says_what_is_missing(new_unit_form):
    dlg = new_unit_form
    QTest.keyClick(dlg.signer, Qt.Key.Key_Return)
    assert dlg.result() != dlg.DialogCode.Accepted and dlg.isVisible()
    assert dlg.message.text() == "Hãy chọn tỉnh/thành phố trong danh sách." and dlg.store.units() == []


def test_rebuild_tabs_builds_the_sections_again(window, qtbot):
    old = window.show_tab("I")
    info = window.tab_widget("info")
    window.rebuild_tabs()
    new = window.tab("I").content
    assert new is not None and new is not old  # the one on screen at once
    assert window.tab_widget("info") is info  # not built from the catalogue: kept
    form = form_of(window, "I", "BM1")
    assert form.model.setData(form.model.index(form.model.row_of("BM1/2.1"), GIA_TRI), "26")
    assert stored(window, "BM1/2.1")["value"] == "26"


# --- an upper level's window: the forms hold only its own rows ------------------------------
from tests.gui.test_package_dialogs import _upper_window, packages, upper  # noqa: E402,F401


def test_upper_level_sections_say_where_the_communes_figures_are(qtbot, upper, packages, no_dialogs):  # noqa: F811
    from ui.shell import reform_tab
    from ui.packages import rollup

    w, feature = _upper_window(qtbot, upper, packages)
    w.resize(1024, 740)
    w.show()
    qtbot.waitExposed(w)
    tab = w.show_tab("I")
    assert tab.upper_notice.isVisible()
    text = tab.upper_notice_label.text()
    # the rows of tong_hop = "khong" in Biểu mẫu 1 (resources/catalogue)
    assert text == reform_tab.UPPER_NOTICE.format(upper="huyện", rows="Biểu mẫu 1 dòng 3.1, 3.2")
    assert "Tổng hợp số liệu" in text
    # one line beside its button at 1024 px
    assert tab.upper_notice_label.fontMetrics().horizontalAdvance(text) <= tab.upper_notice_label.width()
    assert w.show_tab("II.4").upper_notice_label.text().endswith("Biểu mẫu 5 dòng 4.1, 4.2.")
    assert "không có dòng riêng nào huyện" in w.show_tab("II.2").upper_notice_label.text()
    assert w.show_tab("IV").upper_notice is None  # text only: nothing to say
    tab = w.show_tab("I")
    tab.upper_notice_button.click()
    assert isinstance(feature.last_dialog, rollup.RollupDialog)
    assert len(feature.last_dialog.rollup.reported) == 2
    feature.last_dialog.close()


def test_commune_sections_have_no_upper_level_notice(window):
    for key in ("I", "II.2", "II.4"):
        tab = window.show_tab(key)
        assert tab.upper_notice is not None and tab.upper_notice.isHidden()


def test_note_dialogs_wrap_the_finding_within_a_small_screen(window, qtbot):
    """Giữ số của đơn vị / Chấp nhận lỗi quote the whole finding: it wraps, the dialog fits 1366 px."""
    from ui import messages

    window.refresh_findings()
    check = window.show_tab("check")
    longest = max((f.message for f in check.model.findings), key=len)
    assert len(longest) > 300
    dlg = messages.note_dialog(None, "Giữ số của đơn vị", longest, "Ghi chú lý do:")  # qtbot owns it
    qtbot.addWidget(dlg)
    dlg.show()
    qtbot.waitExposed(dlg)
    assert dlg.width() <= 700 and dlg.height() < 700
    assert dlg.findChildren(QLineEdit) == [dlg.edit]
    texts = {b.text() for b in dlg.findChildren(messages.qt.QPushButton)}
    assert texts == {"Đồng ý", "Hủy"}, texts
    dlg.grab().save(str(window.ctx.store.path.parent / "note-dialog.png"))


def test_kiem_tra_places_name_the_text_and_the_frames_agency(demo_store, tmp_path):
    """Review V4: a figure of the text alone is placed in its section, not "Số liệu khác …, dòng 20";
    a ward's police is "Công an phường"."""
    from cchc_desktop.report import values
    from cchc_desktop.store import open_store
    from tests.conftest import run_cli
    from ui.entry.validation_tab import where

    demo = values.load_report(demo_store, None, "2023-NAM")
    assert where("TT/20", demo).startswith("Lời văn mục II.6: Tỷ lệ TTHC cấp xã")
    assert where("BM7/6.7", demo) == "Biểu mẫu 7, dòng 6.7"
    assert where("hs.cong_an", demo) == "Hồ sơ: Công an xã"
    db = tmp_path / "w.sqlite"
    made = run_cli("new-unit", "--db", db, "--province", "Hải Phòng", "--name", "Lê Chân", "--period", "2026-Q3")
    assert made.returncode == 0, made.stderr
    store = open_store(db)
    try:
        ward = values.load_report(store, None, "2026-Q3")
        assert where("hs.cong_an", ward) == "Hồ sơ: Công an phường"
    finally:
        store.close()
