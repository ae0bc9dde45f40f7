"""Tệp → Xuất Word…: driven on the real main window with the dialogs replaced."""
import threading
from pathlib import Path

import docx
import pytest

from ui import export_word


@pytest.fixture
def feature(window):
    return export_word.install(window)


@pytest.fixture
def dialogs(monkeypatch, tmp_path):
    """Replace the dialogs: the save dialog answers `answer["path"]`, the confirm `answer["go"]`,
    the offer `answer["offer"]`; every call is recorded."""
    calls = {"confirm": [], "save": [], "offer": [], "open": []}
    answer = {"path": str(tmp_path / "out" / "BC.docx"), "go": True, "offer": None}
    (tmp_path / "out").mkdir()

    def confirm(parent, findings):
        calls["confirm"].append(export_word.error_text(findings))
        return answer["go"]

    def save(parent, proposed):
        calls["save"].append(proposed)
        return answer["path"]

    def offer(parent, path):
        calls["offer"].append(path)
        return answer["offer"]

    monkeypatch.setattr(export_word, "confirm_errors", confirm)
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
        return real_write(data, path, charts=False)

    monkeypatch.setattr(export_word.docx_report, "write", spy)
    _trigger(window, feature)
    assert calls["confirm"] == []  # the demo has no errors
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
    ok, _ = ctx.write("value:BM1/2.2", "set_value", ctx.period_id, "BM1/2.2", "30")  # 30 of 25 tasks done
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
    from cchc_desktop import report, rules

    ctx = window.ctx
    ctx.write("value:BM1/2.2", "set_value", ctx.period_id, "BM1/2.2", "30")
    findings = rules.validate(report.load_period(demo_store, ctx.period_id))
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
