"""Tệp → Xuất Word…: driven on the real main window with the dialogs replaced."""
import threading
import zipfile
from pathlib import Path

import docx
import pytest

from cchc_desktop.report import default_texts
from cchc_desktop.store import Store
from ui.export import export_word


@pytest.fixture
def feature(window):
    return export_word.install(window)


DEFAULT = object()


@pytest.fixture
def dialogs(monkeypatch, tmp_path):
    """Replace the dialogs: the save dialog answers `answer["path"]`, the confirm `answer["go"]`,
    the options dialog `answer["charts"]` (DEFAULT: leaves the box as proposed; None: Hủy),
    the offer `answer["offer"]`; every call is recorded."""
    calls = {"confirm": [], "options": [], "save": [], "offer": [], "open": []}
    answer = {"path": str(tmp_path / "out" / "BC.docx"), "go": True, "charts": False, "offer": None}
    (tmp_path / "out").mkdir()

    def confirm(parent, findings):
        calls["confirm"].append(export_word.error_text(findings))
        return answer["go"]

    def options(parent, data, charts, index766=None):
        calls["options"].append((data.period["kind"], charts))
        value = charts if answer["charts"] is DEFAULT else answer["charts"]
        if value is None or index766 is None:
            return value
        return value, answer.get("index766", index766)

    def save(parent, proposed):
        calls["save"].append(proposed)
        return answer["path"]

    def offer(parent, path):
        calls["offer"].append(path)
        return answer["offer"]

    monkeypatch.setattr(export_word, "confirm_errors", confirm)
    monkeypatch.setattr(export_word, "ask_options", options)
    monkeypatch.setattr(export_word, "ask_save_path", save)
    monkeypatch.setattr(export_word, "offer_open", offer)
    monkeypatch.setattr(export_word, "open_url", lambda p: calls["open"].append(Path(p)) or True)
    return calls, answer


def _trigger(window, feature):
    feature.action.trigger()
    assert window.wait_tasks(60000)


def test_action_in_menu_and_toolbar(window, feature):
    act = feature.action
    assert act.text() == "Xuất Word…"
    assert act.shortcut().toString() == "Ctrl+E"
    assert act in window.menus["Tệp"].actions()
    assert act in window.toolbar.actions()


def test_export_writes_the_file_off_the_ui_thread_and_offers_to_open_it(window, feature, dialogs, monkeypatch):
    calls, answer = dialogs
    answer["offer"] = "folder"
    threads = []
    real_write = export_word.docx_report.write

    def spy(data, path, charts=None):
        threads.append(threading.current_thread() is threading.main_thread())
        return real_write(data, path, charts=charts)

    monkeypatch.setattr(export_word.docx_report, "write", spy)
    _trigger(window, feature)
    # the demo's errors are the seed's two impossible statements (resources/demo/NOTES.md)
    assert len(calls["confirm"]) == 1 and calls["confirm"][0].startswith("Báo cáo còn 2 lỗi")
    assert calls["save"][0].name == "BC CCHC nam 2023 - xa Chi Lang Nam.docx"
    assert threads == [False]
    out = Path(answer["path"])
    d = docx.Document(str(out))
    text = " ".join(p.text for p in d.paragraphs)
    assert "BÁO CÁO" in text and "3.225" in text
    assert calls["offer"] == [out]
    assert calls["open"] == [out.parent]
    assert feature.action.isEnabled()
    # The next export proposes the folder used last.
    answer["offer"] = "file"
    _trigger(window, feature)
    assert calls["save"][1].parent == out.parent
    assert calls["open"][-1] == out


def test_suffix_added_and_cancel_writes_nothing(window, feature, dialogs, tmp_path, monkeypatch):
    calls, answer = dialogs
    monkeypatch.setattr(export_word.docx_report, "write",
                        lambda data, path, charts=None: export_word.docx_report.fileio.atomic_write(path, b"x"))
    answer["path"] = str(tmp_path / "out" / "bao cao")
    _trigger(window, feature)
    assert (tmp_path / "out" / "bao cao.docx").exists()
    answer["path"] = ""  # Hủy in the save dialog
    _trigger(window, feature)
    assert len(calls["offer"]) == 1


def test_validation_errors_are_listed_first(window, feature, dialogs, tmp_path):
    calls, answer = dialogs
    ctx = window.ctx
    ok, _ = ctx.write("value:BM1/2.2", Store.set_value, ctx.period_id, "BM1/2.2", "30")  # 30 of 25 tasks done
    assert ok
    answer["go"] = False
    _trigger(window, feature)
    assert len(calls["confirm"]) == 1 and "lỗi" in calls["confirm"][0]
    assert calls["save"] == [] and not Path(answer["path"]).exists()
    answer["go"] = True
    _trigger(window, feature)
    assert Path(answer["path"]).exists()


def test_write_failure_is_reported_in_vietnamese(window, feature, dialogs, tmp_path):
    calls, answer = dialogs
    answer["path"] = str(tmp_path / "rut-usb" / "BC.docx")
    _trigger(window, feature)
    errors = [t for kind, t in window.shown_messages if kind == "error"]
    assert errors and "không còn tồn tại" in errors[-1]
    assert calls["offer"] == []
    assert feature.action.isEnabled()


def test_dialog_boxes_speak_vietnamese(window, demo_store):
    from cchc_desktop.report import values, rules

    ctx = window.ctx
    ctx.write("value:BM1/2.2", Store.set_value, ctx.period_id, "BM1/2.2", "30")
    findings = rules.validate(values.load_period(demo_store, ctx.period_id))
    box = export_word.confirm_box(window, findings)
    assert [b.text() for b in box.buttons()] and {b.text() for b in box.buttons()} == {"Vẫn xuất", "Hủy"}
    assert box.defaultButton() is box.cancel
    assert "Báo cáo còn" in box.text() and "•" in box.text()
    box = export_word.offer_box(window, Path("/tmp/BC.docx"))
    assert {b.text() for b in box.buttons()} == {"Mở tệp", "Mở thư mục", "Đóng"}


def test_many_errors_are_summarised():
    class F:
        severity = "loi"
        message = "Sai"

    text = export_word.error_text([F()] * 12)
    assert text.count("• Sai") == export_word.MAX_LISTED and "… và 4 lỗi khác" in text


# --- the charts option -----------------------------------------------------------------------
def _pictures(path: Path) -> tuple[int, list[str]]:
    """(inline pictures in the body, media members of the package)."""
    with zipfile.ZipFile(path) as z:
        media = sorted(n for n in z.namelist() if n.startswith("word/media/"))
    return len(docx.Document(str(path)).inline_shapes), media


def test_charts_off_exports_no_pictures(window, feature, dialogs):
    calls, answer = dialogs
    answer["charts"] = False
    _trigger(window, feature)
    assert calls["options"] == [("NAM", True)]  # proposed on for the annual report, unticked by the user
    out = Path(answer["path"])
    assert _pictures(out) == (0, [])
    assert "Biểu đồ 1." not in " ".join(p.text for p in docx.Document(str(out)).paragraphs)


def test_charts_on_by_default_for_the_annual_report(window, feature, dialogs):
    calls, answer = dialogs
    answer["charts"] = DEFAULT
    _trigger(window, feature)
    assert calls["options"] == [("NAM", True)]
    out = Path(answer["path"])
    shapes, media = _pictures(out)
    assert shapes == 2 and len(media) == 2 and all(m.endswith(".png") for m in media)
    texts = [p.text for p in docx.Document(str(out)).paragraphs]
    captions = [t for t in texts if t.startswith("Biểu đồ ")]
    assert [c.split(".")[0] for c in captions] == ["Biểu đồ 1", "Biểu đồ 2"]
    assert "Hồ sơ tiếp nhận theo lĩnh vực" in captions[0]


def test_charts_choice_remembered_per_period_kind(window, feature, dialogs):
    calls, answer = dialogs
    ctx = window.ctx
    store = ctx.store
    answer["charts"] = False  # the user unticks the box for the annual report
    _trigger(window, feature)
    assert store.unit(ctx.unit_code)["settings"][export_word.SETTINGS_KEY] == {"NAM": False}
    history = len(store.history())
    _trigger(window, feature)  # the same choice again: proposed as remembered, nothing written
    assert calls["options"] == [("NAM", True), ("NAM", False)]
    assert len(store.history()) == history
    # A quarter starts unticked; its choice is kept apart from the annual report's.
    ok, q1 = ctx.write("period", Store.create_period, ctx.unit_code, "2024-Q1")
    assert ok
    ctx.set_period(q1["id"])
    answer["charts"] = True
    _trigger(window, feature)
    assert calls["options"][-1] == ("Q1", False)
    assert store.unit(ctx.unit_code)["settings"][export_word.SETTINGS_KEY] == {"NAM": False, "Q1": True}
    answer["charts"] = DEFAULT
    _trigger(window, feature)
    assert calls["options"][-1] == ("Q1", True)


def test_cancel_in_the_options_dialog_writes_nothing(window, feature, dialogs):
    calls, answer = dialogs
    answer["charts"] = None
    _trigger(window, feature)
    assert calls["options"] == [("NAM", True)] and calls["save"] == []
    assert not Path(answer["path"]).exists()
    assert export_word.SETTINGS_KEY not in window.ctx.store.unit(window.ctx.unit_code)["settings"]


def test_options_dialog(window):
    data = window.ctx.data()
    dlg = export_word.OptionsDialog(window, data, True)
    assert dlg.charts_box.text() == export_word.CHARTS_TEXT and dlg.charts()
    assert dlg.hint.text().startswith("Hai biểu đồ")  # a commune's report
    assert {b.text() for b in dlg.buttons.buttons()} == {"Chọn nơi lưu…", "Hủy"}
    assert dlg.go.isDefault()
    dlg.charts_box.setChecked(False)
    assert dlg.charts() is False
    assert export_word.OptionsDialog(window, data, False).charts() is False
    dlg.show()
    assert not dlg.grab().isNull()
    dlg.close()


def test_the_qd766_section_is_an_option_remembered_per_unit(window, feature, dialogs, tmp_path):
    """Tệp → Xuất Word with Kèm phần Chỉ số … (QĐ 766): the section closes the appendix, with its
    table; the choice is remembered in the unit's settings and proposed next time."""
    import os

    from cchc_desktop.exporting import docx_index766

    calls, answer = dialogs
    dlg = export_word.OptionsDialog(window, window.ctx.data(), False, index766=False)
    assert dlg.index_box.text() == export_word.INDEX_TEXT and dlg.index766() is False
    dlg.index_box.setChecked(True)
    assert dlg.index766() is True
    if os.environ.get("CCHC_SHOTS"):
        dlg.show()
        dlg.grab().save(os.path.join(os.environ["CCHC_SHOTS"], "xuat-word-766.png"))
    dlg.close()
    assert export_word.OptionsDialog(window, window.ctx.data(), False).index_box is None  # not asked: no box
    answer["index766"] = True
    _trigger(window, feature)
    d = docx.Document(answer["path"])
    assert docx_index766.TITLE in [p.text for p in d.paragraphs]
    assert any(t.rows[0].cells[1].text == "Nhóm, chỉ tiêu" for t in d.tables)
    unit = window.ctx.store.unit(window.ctx.unit_code)
    assert export_word.remembered_index(unit) is True
    answer["index766"] = False
    _trigger(window, feature)
    assert all(t.rows[0].cells[1].text != "Nhóm, chỉ tiêu" for t in docx.Document(answer["path"]).tables)
    assert export_word.remembered_index(window.ctx.store.unit(window.ctx.unit_code)) is False


# --- an upper level's window: the consolidated report (the roll-up dialog's export) ---------
from tests.gui.test_package_dialogs import PERIOD, _upper_window, packages, upper  # noqa: E402,F401


@pytest.fixture
def upper_window(qtbot, upper, packages, no_dialogs):  # noqa: F811
    from ui.export import export_excel

    w, rollup_feature = _upper_window(qtbot, upper, packages)
    return w, export_word.install(w), export_excel.install(w), rollup_feature


@pytest.fixture
def upper_dialogs(monkeypatch, tmp_path):
    """The dialogs of the consolidated export replaced: options (charts off), the save dialog of
    ui/packages/rollup.py (answers `answer["path"]`), the offer boxes; every call recorded."""
    from ui.export import export_excel
    from ui.packages import rollup

    calls = {"options": [], "save": [], "offer": []}
    answer = {"path": None}
    monkeypatch.setattr(export_word, "ask_options",
                        lambda parent, data, charts: calls["options"].append((type(data).__name__, parent)) or False)
    monkeypatch.setattr(rollup, "ask_save_path", lambda parent, title, proposed, filt: calls["save"].append(
        (title, proposed)) or answer["path"])
    # the commune's own export would ask these: recorded, never shown
    monkeypatch.setattr(export_word, "confirm_errors", lambda *a: calls["save"].append("confirm") or False)
    for module in (export_word, export_excel):
        monkeypatch.setattr(module, "ask_save_path", lambda *a: calls["save"].append(("commune", a[1])) or "")
    monkeypatch.setattr(export_word, "offer_open", lambda *a: calls["offer"].append(a[1:]) or None)
    monkeypatch.setattr(export_excel, "offer_open", lambda *a: calls["offer"].append(a[1:]) or None)
    return calls, answer


def _docx_text(path) -> list[str]:
    d = docx.Document(str(path))
    return [p.text for p in d.paragraphs] + [c.text for t in d.tables for r in t.rows for c in r.cells]


def test_upper_level_word_export_is_the_consolidated_report(upper_window, upper_dialogs, tmp_path, no_dialogs):
    """Xuất Word (Ctrl+E) of a district writes what Công cụ → Tổng hợp số liệu → Xuất Word
    writes, not the district's own empty period."""
    from ui.packages import rollup

    w, word, _excel, rollup_feature = upper_window
    calls, answer = upper_dialogs
    answer["path"] = str(tmp_path / "toolbar")  # no suffix: .docx added
    word.action.trigger()
    assert w.wait_tasks(60000)
    out = tmp_path / "toolbar.docx"
    assert out.exists() and no_dialogs == []
    assert calls["options"] == [("RollUpData", w)]
    title, proposed = calls["save"][0]
    assert title == "Xuất báo cáo tổng hợp ra Word"
    assert Path(proposed).name == "BC CCHC tong hop nam 2023 - huyen Thanh Mien.docx"  # no codes
    assert calls["offer"] == [(out, "Xuất Word", export_word.ROLLUP_WHAT)]
    assert word.last_dir == tmp_path and word.action.isEnabled()
    text = _docx_text(out)
    assert "4.293" in text  # BM3 3.3.1, resolved: summed over the two communes
    # The same document as the roll-up dialog's export.
    dlg = rollup.RollupDialog(w.ctx.store, "huyen-thanh-mien", PERIOD)
    answer["path"] = str(tmp_path / "dialog.docx")
    dlg.export("docx")
    dlg.close()
    assert _docx_text(tmp_path / "dialog.docx") == text


def test_upper_level_excel_export_is_the_consolidated_appendix(upper_window, upper_dialogs, tmp_path, no_dialogs):
    import openpyxl

    from ui.export import export_excel

    w, _word, excel, _rollup = upper_window
    calls, answer = upper_dialogs
    answer["path"] = str(tmp_path / "PL.xlsx")
    excel.action.trigger()
    assert w.wait_tasks(60000)
    assert no_dialogs == [] and calls["options"] == []
    assert calls["save"][0][0] == "Xuất phụ lục tổng hợp ra Excel"
    assert calls["offer"] == [(tmp_path / "PL.xlsx", export_excel.ROLLUP_WHAT)]
    wb = openpyxl.load_workbook(tmp_path / "PL.xlsx")
    assert "Các xã" in wb.sheetnames  # the communes' submission status: the consolidated workbook
    names = [wb["Các xã"].cell(r, 2).value for r in range(4, 6)]
    assert names == ["xã Chi Lăng Nam", "xã Đoàn Kết"]


def test_upper_level_without_commune_figures_says_to_import_packages(upper_window, upper_dialogs, no_dialogs):
    w, word, excel, _rollup = upper_window
    calls, _answer = upper_dialogs
    ok, period = w.ctx.write("*", default_texts.new_period, "huyen-thanh-mien", "2024-Q1")
    assert ok
    w.select_period(period["id"])
    for feature in (word, excel):
        feature.action.trigger()
    assert w.wait_tasks(60000)
    assert calls == {"options": [], "save": [], "offer": []}  # nothing asked, nothing written
    assert [k for k, _ in no_dialogs] == ["info", "info"]
    text = no_dialogs[0][1]
    assert "Chưa có số liệu của đơn vị cấp xã nào cho quý I năm 2024" in text
    assert "Công cụ → Nhập gói của đơn vị cấp dưới" in text
    assert word.action.isEnabled() and excel.action.isEnabled()


def test_options_dialog_of_the_upper_level_names_the_consolidated_report(upper_window):
    from cchc_desktop.report import aggregate

    w = upper_window[0]
    r = aggregate.rollup(w.ctx.store, PERIOD, "huyen-thanh-mien")
    dlg = export_word.OptionsDialog(w, r.data, True)
    assert dlg.windowTitle() == "Xuất Word — báo cáo tổng hợp"
    assert dlg.title.text() == "Báo cáo tổng hợp của huyện Thanh Miện, năm 2023"
    assert dlg.what.text().startswith("Số liệu cộng từ 2/2 xã đã nộp")
    from cchc_desktop.report import values

    commune = export_word.OptionsDialog(w, values.load_report(w.ctx.store, "xa-chi-lang-nam", PERIOD), True)
    assert commune.windowTitle() == "Xuất Word" and "tổng hợp" not in commune.title.text()
    dlg.close()
    commune.close()

