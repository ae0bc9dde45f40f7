"""Slow work off the UI thread, through one helper (as Anki's CollectionOp): a function, a
success callback and a failure callback, both called back on the UI thread.

    window.tasks.run("Đang xuất báo cáo Word", lambda: docx_report.write(data, path),
                     on_done=show_path, on_error=window.error)

The function runs on Qt's global thread pool. It must not touch the window's Store (its sqlite
connection belongs to the UI thread): read what it needs first (`ctx.data()`), or open its own
connection. A UserError reaches `on_error` as its Vietnamese line; any other exception as the
"unexpected error" line (the traceback goes to stderr, never on screen). Without `on_error` the
message goes to `default_error` (the window: a message box). `busy_changed` says what runs, for
the status bar.
"""
from __future__ import annotations

import traceback

from cchc_desktop.errors import UserError
from ui.qt import QObject, QRunnable, QThreadPool, Signal, Slot

UNEXPECTED = ("Lỗi không mong đợi ({kind}: {error}). Hãy thử lại; nếu lặp lại, "
              "hãy báo cho người hỗ trợ kỹ thuật.")


def failure_message(e: BaseException) -> str:
    """The Vietnamese line the user sees for an exception of a background task."""
    if isinstance(e, UserError):
        return str(e)
    return UNEXPECTED.format(kind=type(e).__name__, error=e)


class _Signals(QObject):
    done = Signal(int, object)
    failed = Signal(int, str)


class _Runnable(QRunnable):
    def __init__(self, task_id: int, fn, signals: _Signals):
        super().__init__()
        self.task_id, self.fn, self.signals = task_id, fn, signals
        self.setAutoDelete(True)

    def run(self):
        try:
            result = self.fn()
        except Exception as e:  # never a traceback on screen
            if not isinstance(e, UserError):
                traceback.print_exc()
            self._tell(self.signals.failed, failure_message(e))
        else:
            self._tell(self.signals.done, result)

    def _tell(self, signal, payload) -> None:
        try:
            signal.emit(self.task_id, payload)
        except RuntimeError:  # "Signal source has been deleted": the window or dialog that asked is closed
            pass


class Tasks(QObject):
    """The background tasks of one window (or dialog): run, what runs, wait for them."""

    busy_changed = Signal(str)  # the title of the newest running task, "" when none runs

    def __init__(self, parent=None, default_error=None):
        super().__init__(parent)
        self.default_error = default_error  # called with the message when a task has no on_error
        self._running: dict[int, tuple] = {}
        self._seq = 0
        # Queued to this object's (the UI) thread: the callbacks never run on the worker.
        self._signals = _Signals(self)
        self._signals.done.connect(self._done)
        self._signals.failed.connect(self._failed)

    def run(self, title: str, fn, on_done=None, on_error=None) -> int:
        """Start `fn()` on a worker thread; `on_done(result)` or `on_error(message)` follows on
        this thread. Returns the task's number."""
        self._seq += 1
        tid = self._seq
        self._running[tid] = (title, on_done, on_error)
        self.busy_changed.emit(title)
        QThreadPool.globalInstance().start(_Runnable(tid, fn, self._signals))
        return tid

    def running(self) -> list[str]:
        """The titles of the tasks not finished yet, oldest first."""
        return [title for title, _, _ in self._running.values()]

    def wait(self, timeout_ms: int = 30000) -> bool:
        """Wait for the thread pool to finish (tests, screenshots); the callbacks then run at
        the next turn of the event loop (or a processEvents)."""
        return QThreadPool.globalInstance().waitForDone(timeout_ms)

    @Slot(int, object)
    def _done(self, tid: int, result) -> None:
        _, on_done, _ = self._finish(tid)
        if on_done is not None:
            on_done(result)

    @Slot(int, str)
    def _failed(self, tid: int, message: str) -> None:
        _, _, on_error = self._finish(tid)
        handler = on_error or self.default_error
        if handler is not None:
            handler(message)

    def _finish(self, tid: int) -> tuple:
        entry = self._running.pop(tid, (None, None, None))
        titles = self.running()
        self.busy_changed.emit(titles[-1] if titles else "")
        return entry
