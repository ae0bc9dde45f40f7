"""The background-task helper (ui/shell/tasks.py) without a window: the function runs on a worker
thread, its result or its Vietnamese failure comes back on the UI thread."""
import threading

import pytest

from cchc_desktop.errors import UserError


@pytest.fixture
def tasks(qapp):
    from ui.shell.tasks import Tasks

    t = Tasks()
    yield t
    t.wait()
    t.deleteLater()


def finish(qtbot, tasks):
    assert tasks.wait(10000)
    qtbot.waitUntil(lambda: not tasks.running(), timeout=5000)


def test_the_function_runs_off_the_ui_thread_and_its_result_comes_back_on_it(qtbot, tasks):
    ui_thread = threading.get_ident()
    seen = {}

    def work():
        seen["worker"] = threading.get_ident()
        return 41 + 1

    def done(result):
        seen["done"] = (result, threading.get_ident())

    tasks.run("Đang tính", work, done)
    finish(qtbot, tasks)
    assert seen["worker"] != ui_thread
    assert seen["done"] == (42, ui_thread)


def test_a_user_error_reaches_the_failure_callback_as_its_vietnamese_line(qtbot, tasks):
    got = []

    def work():
        raise UserError("Thư mục “E:\\” không tồn tại (USB đã rút ra?).")

    tasks.run("Đang ghi gói nộp", work, lambda r: got.append(("done", r)), lambda m: got.append(("error", m)))
    finish(qtbot, tasks)
    assert got == [("error", "Thư mục “E:\\” không tồn tại (USB đã rút ra?).")]


def test_an_unexpected_error_is_said_in_vietnamese_without_a_traceback(qtbot, tasks, capsys):
    got = []

    def work():
        raise KeyError("BM9")

    tasks.run("Đang xuất", work, None, got.append)
    finish(qtbot, tasks)
    assert got == ["Lỗi không mong đợi (KeyError: 'BM9'). Hãy thử lại; nếu lặp lại, hãy báo cho người hỗ trợ kỹ thuật."]
    assert "Traceback" in capsys.readouterr().err  # for whoever supports the user, not on screen


def test_without_a_failure_callback_the_default_one_gets_the_message(qtbot, qapp):
    from ui.shell.tasks import Tasks

    def work():
        raise UserError("Tệp hỏng.")

    shown = []
    tasks = Tasks(default_error=shown.append)
    tasks.run("Đang đọc", work, lambda r: None)
    finish(qtbot, tasks)
    assert shown == ["Tệp hỏng."]


def test_busy_says_the_newest_running_task_then_nothing(qtbot, tasks):
    release = threading.Event()
    states = []
    tasks.busy_changed.connect(states.append)
    tasks.run("Đang xuất Word", lambda: release.wait(10), None)
    tasks.run("Đang xuất Excel", lambda: release.wait(10), None)
    assert tasks.running() == ["Đang xuất Word", "Đang xuất Excel"]
    assert states == ["Đang xuất Word", "Đang xuất Excel"]
    release.set()
    finish(qtbot, tasks)
    assert tasks.running() == []
    assert states[-1] == ""


def test_a_task_that_ends_after_its_owner_is_gone_tells_no_one(qapp):
    """The window or dialog closed while its task ran: the task's end is dropped quietly (Qt's
    "Signal source has been deleted" must not escape the worker thread)."""
    import shiboken6

    from ui.shell import tasks as tasks_mod

    signals = tasks_mod._Signals()
    shiboken6.delete(signals)  # what closing the owner does to its signal object
    ran = []
    tasks_mod._Runnable(1, lambda: ran.append(1), signals).run()  # on this thread: raises if unguarded
    tasks_mod._Runnable(2, lambda: 1 / 0, signals).run()
    assert ran == [1]
