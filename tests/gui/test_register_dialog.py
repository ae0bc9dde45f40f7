"""Công cụ → Nhập sổ theo dõi hồ sơ (Excel)…, Tính số liệu kỳ từ sổ…, and Tệp → Xuất Excel…,
driven on the real main window with the file and message dialogs replaced."""
from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import openpyxl
import pytest

from cchc_desktop.domain import dossiers
from cchc_desktop.importing import register as reg
from ui.export import export_excel
from ui.register import register_import
from ui.qt import QLabel

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from test_register_import import expected_figures, make_dossiers, write_igate  # noqa: E402


def settle(window, timeout_ms=60000):
    """Wait for the chain of background tasks (read the file, then import) to finish."""
    for _ in range(10):
        assert window.wait_tasks(timeout_ms)
        if not window.tasks.running():
            return True
    return not window.tasks.running()


@pytest.fixture
def feature(window):
    yield register_import.install(window)
    # the window re-validates 400 ms after a change: not after the data file is closed
    timer = getattr(window, "_validate_timer", None)
    if timer is not None:
        timer.stop()


@pytest.fixture
def register_file(tmp_path):
    items = make_dossiers(120, seed=21)
    return items, write_igate(tmp_path / "so.xlsx", items)


@pytest.fixture
def dialogs(monkeypatch):
    calls = {"open": [], "mapping": [], "summary": [], "figures": [], "notes": []}
    answer = {"path": "", "mapping": "auto", "compute": True, "apply": True}

    def ask_open(parent):
        calls["open"].append(True)
        return answer["path"]

    def confirm_mapping(parent, preview):
        calls["mapping"].append(preview)
        return dict(preview.mapping) if answer["mapping"] == "auto" else answer["mapping"]

    def show_summary(parent, summary, can_compute):
        calls["summary"].append((summary, can_compute))
        return answer["compute"]

    def confirm_figures(parent, figures, period, notes=()):
        calls["figures"].append(figures)
        calls["notes"].append(list(notes))
        return answer["apply"]

    monkeypatch.setattr(register_import, "ask_open_path", ask_open)
    monkeypatch.setattr(register_import, "confirm_mapping", confirm_mapping)
    monkeypatch.setattr(register_import, "show_summary", show_summary)
    monkeypatch.setattr(register_import, "confirm_figures", confirm_figures)
    return calls, answer


def test_actions_in_the_tools_menu(window, feature):
    texts = [a.text() for a in window.menus["Công cụ"].actions()]
    assert register_import.IMPORT_TEXT in texts and register_import.FIGURES_TEXT in texts


def test_import_then_apply_figures(window, feature, dialogs, register_file):
    calls, answer = dialogs
    items, path = register_file
    answer["path"] = str(path)
    feature.import_action.trigger()
    assert settle(window)
    assert len(calls["mapping"]) == 1 and len(calls["summary"]) == 1
    summary, can_compute = calls["summary"][0]
    assert summary.imported == 120 and can_compute
    store = window.ctx.store
    assert reg.register_count(store, window.ctx.unit_code) == 120
    # the figures were shown and applied to the period's UBND table
    period = store.period(window.ctx.period_id)
    want = expected_figures(items, dt.date.fromisoformat(period["start_date"]),
                            dt.date.fromisoformat(period["end_date"]))
    assert calls["figures"] == [{"ubnd": want}]
    # the dossiers outside the window are said, not silently left out
    start, end = (dt.date.fromisoformat(period[k]) for k in ("start_date", "end_date"))
    before = sum(1 for d in items if d["status"] != "Đã rút hồ sơ" and d["finished"] and d["finished"] < start)
    after = sum(1 for d in items if d["status"] != "Đã rút hồ sơ" and d["received"] > end)
    assert after and any(f"{before} hồ sơ đã giải quyết xong trước ngày đầu kỳ, {after} hồ sơ tiếp nhận sau"
                         in n for n in calls["notes"][0]), calls["notes"]
    eff = store.dossier_table(window.ctx.period_id, "ubnd").effective()
    for c in dossiers.COLUMNS:
        assert eff[c] == sum(r[c] for r in want.values())
    # the confirmed mapping is remembered
    assert reg.inspect(path, store).remembered
    assert not window.shown_messages


def opens_of_workbooks(monkeypatch) -> list[Path]:
    """Every workbook the register code opens (and so parses), by path."""
    opened = []
    real = reg._open

    def counting(path):
        opened.append(Path(path))
        return real(path)

    monkeypatch.setattr(reg, "_open", counting)
    return opened


def test_the_window_parses_the_workbook_once(window, feature, dialogs, register_file, monkeypatch):
    """The preview's parsed workbook is the one imported: the file is opened once, then let go."""
    calls, answer = dialogs
    items, path = register_file
    opened = opens_of_workbooks(monkeypatch)
    answer["path"], answer["compute"] = str(path), False
    feature.import_action.trigger()
    assert settle(window)
    assert opened == [path]
    assert calls["summary"][0][0].imported == 120
    assert calls["mapping"][0].book is None and feature._preview is None  # closed after the import


def test_wrong_file_gets_a_message_and_nothing_else(window, feature, dialogs, tmp_path):
    calls, answer = dialogs
    bad = tmp_path / "x.xlsx"
    bad.write_text("không phải Excel", encoding="utf-8")
    answer["path"] = str(bad)
    feature.import_action.trigger()
    assert settle(window)
    assert not calls["mapping"]
    assert window.shown_messages and "không phải là bảng tính Excel" in window.shown_messages[0][1]


def test_user_declines_mapping_or_figures(window, feature, dialogs, register_file):
    calls, answer = dialogs
    _, path = register_file
    answer["path"] = str(path)
    answer["mapping"] = None
    feature.import_action.trigger()
    assert settle(window)
    assert reg.register_count(window.ctx.store, window.ctx.unit_code) == 0
    answer["mapping"] = "auto"
    answer["apply"] = False
    before = window.ctx.store.dossier_table(window.ctx.period_id, "ubnd").effective()
    feature.import_action.trigger()
    assert settle(window)
    assert calls["figures"]
    assert window.ctx.store.dossier_table(window.ctx.period_id, "ubnd").effective() == before


def test_cancelled_import_writes_nothing(window, feature, dialogs, register_file, monkeypatch):
    calls, answer = dialogs
    _, path = register_file
    answer["path"] = str(path)
    real = reg.import_register

    def slow_import(*a, **k):
        feature.cancel()  # the user presses Hủy while the file is read
        return real(*a, **k)

    monkeypatch.setattr(reg, "import_register", slow_import)
    feature.import_action.trigger()
    assert settle(window)
    assert reg.register_count(window.ctx.store, window.ctx.unit_code) == 0
    assert window.shown_messages[-1][0] == "info" and "hủy" in window.shown_messages[-1][1]
    assert not calls["summary"]
    assert feature.import_action.isEnabled()


def test_mapping_dialog(qtbot, register_file, tmp_path):
    _, path = register_file
    preview = reg.inspect(path)
    dlg = register_import.MappingDialog(preview)
    qtbot.addWidget(dlg)
    assert dlg.mapping() == preview.mapping
    assert dlg.ok_button.isEnabled()
    # personal columns cannot be chosen
    labels = [dlg.combos["procedure"].itemText(i) for i in range(dlg.combos["procedure"].count())]
    assert not any("Chủ hồ sơ" in t or "Số điện thoại" in t for t in labels)
    # the preview shows dates as dates
    col = list(reg.FIELDS).index("received_date")
    first = dlg.table.item(0, col).text()
    assert first.count("/") == 2
    # clearing the code column disables the import and says why
    dlg.combos["code"].setCurrentIndex(0)
    assert not dlg.ok_button.isEnabled() and "Số hồ sơ" in dlg.message.text()
    dlg.combos["code"].setCurrentIndex(dlg.combos["code"].findData(preview.mapping["code"]))
    # choosing one column twice is refused too
    dlg.combos["status"].setCurrentIndex(dlg.combos["status"].findData(preview.mapping["field"]))
    assert not dlg.ok_button.isEnabled() and "nhiều trường" in dlg.message.text()
    dlg.resize(1000, 640)
    dlg.grab().save(str(tmp_path / "mapping.png"))


def test_figures_dialog(qtbot, tmp_path):
    figures = {"Hộ tịch": dict.fromkeys(dossiers.COLUMNS, 3), "Chứng thực": dict.fromkeys(dossiers.COLUMNS, 1200)}
    period = {"code": "2023-NAM", "start_date": "2022-12-15", "end_date": "2023-12-14"}
    dlg = register_import.FiguresDialog({"ubnd": figures}, period)
    qtbot.addWidget(dlg)
    assert dlg.table.rowCount() == 3
    assert dlg.table.item(2, 0).text() == "Cộng" and dlg.table.item(2, 1).text() == "1.203"
    assert dlg.ok_button.text() == "Đưa vào kỳ báo cáo"
    head = dlg.findChildren(QLabel)[0].text()
    assert "của kỳ năm 2023 (15/12/2022 – 14/12/2023)" in head and "2023-NAM" not in head
    dlg.grab().save(str(tmp_path / "figures.png"))
    # with the police's dossiers too: one headed block per agency, each with its own total
    police = {"Cư trú": dict.fromkeys(dossiers.COLUMNS, 7)}
    dlg = register_import.FiguresDialog({"ubnd": figures, "cong_an": police}, period)
    qtbot.addWidget(dlg)
    texts = [dlg.table.item(i, 0).text() for i in range(dlg.table.rowCount())]
    assert texts == ["Bộ phận Một cửa UBND", "Hộ tịch", "Chứng thực", "Cộng", "Công an xã", "Cư trú", "Cộng"]
    assert dlg.table.item(6, 1).text() == "7"


def test_excel_export_action(window, monkeypatch, tmp_path):
    feature = export_excel.install(window)
    assert feature.action in window.menus["Tệp"].actions()
    assert feature.action in window.toolbar.actions()
    out = tmp_path / "out"
    out.mkdir()
    proposed = []
    monkeypatch.setattr(export_excel, "ask_save_path", lambda parent, p: proposed.append(p) or str(out / "PL"))
    offered = []
    monkeypatch.setattr(export_excel, "offer_open", lambda parent, p: offered.append(p) or "folder")
    opened = []
    monkeypatch.setattr(export_excel, "open_url", lambda p: opened.append(p) or True)
    feature.action.trigger()
    assert window.wait_tasks(60000)
    assert proposed[0].name == "Phu luc CCHC nam 2023 - xa Chi Lang Nam.xlsx"
    assert offered == [out / "PL.xlsx"] and opened == [out]
    wb = openpyxl.load_workbook(out / "PL.xlsx")
    assert "Biểu mẫu 1" in wb.sheetnames
    assert feature.action.isEnabled()


def test_a_period_without_dossiers_in_the_register_is_named_in_words(window, feature, monkeypatch):
    monkeypatch.setattr(reg, "register_count", lambda store, unit: 5)
    monkeypatch.setattr(reg, "period_figures_by_agency", lambda store, pid: {})
    feature.compute_figures()
    assert window.shown_messages == [
        ("info", "Sổ hồ sơ không có hồ sơ nào trong kỳ năm 2023 (15/12/2022 – 14/12/2023).")]


def test_text_dates_that_fit_both_orders_are_asked(window, feature, dialogs, tmp_path, monkeypatch):
    """A column of text dates such as 05/06/2024 is not guessed: the window asks, then imports."""
    calls, answer = dialogs
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Số hồ sơ", "Ngày tiếp nhận", "Lĩnh vực"])
    ws.append(["A1", "03/05/2023", "Hộ tịch"])
    ws.append(["A2", "04/06/2023", "Hộ tịch"])
    wb.save(tmp_path / "us.xlsx")
    asked = []
    monkeypatch.setattr(register_import, "ask_date_order", lambda parent, q: asked.append(q) or "mdy")
    opened = opens_of_workbooks(monkeypatch)
    answer["path"] = str(tmp_path / "us.xlsx")
    answer["compute"] = False
    feature.import_action.trigger()
    assert settle(window)
    assert len(asked) == 1 and "ngày trước hay tháng trước" in asked[0]
    assert len(calls["summary"]) == 1 and calls["summary"][0][0].imported == 2
    got = dict(window.ctx.store.db.execute("SELECT code, received_date FROM register WHERE code LIKE 'A%'"))
    assert got == {"A1": "2023-03-05", "A2": "2023-04-06"}
    assert opened == [tmp_path / "us.xlsx"]  # asked, then imported again from the same parse
    assert not window.shown_messages
