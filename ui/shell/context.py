"""What every part of the window shares: the open data file, the unit, the current period.

All writes from the window go through `AppContext.write`, which runs one Store method (one
transaction), named as itself (`ctx.write("documents", Store.update_document, …)`), turns a
UserError into the `error` signal (a Vietnamese message, the screen keeps what the user typed
so they can retry), and on success announces `data_changed` and
`saved`. Widgets listen to `period_changed` and `data_changed` to refresh; `data()` gives the
current period's ReportData, recomputed only after a change.
"""
from __future__ import annotations

import datetime as dt

from cchc_desktop.errors import UserError
from cchc_desktop.fileio import os_error_message
from cchc_desktop.report import values
from cchc_desktop.store.errors import write_error_message
from ui.qt import QObject, Signal


class AppContext(QObject):
    period_changed = Signal(int)  # new period id
    data_changed = Signal(str)  # what changed: "value:BM1/1", "text:I.1", "dossier", "unit", "period", "*"
    saved = Signal(str)  # "Đã lưu lúc 14:05:32"
    error = Signal(str)  # a Vietnamese message for the user

    def __init__(self, store, unit_code: str | None = None, period_id: int | None = None):
        super().__init__()
        self.store = store
        self.unit_code = unit_code
        self.period_id = period_id
        self._data: values.ReportData | None = None
        self.last_saved: dt.datetime | None = None

    # --- current selection --------------------------------------------------------------
    def set_period(self, period_id: int) -> None:
        if period_id == self.period_id:
            return
        self.period_id = period_id
        self.unit_code = self.store.period(period_id)["unit_code"]
        self._data = None
        self.period_changed.emit(period_id)

    def data(self) -> values.ReportData:
        if self._data is None:
            self._data = values.load_period(self.store, self.period_id)
        return self._data

    def is_final(self) -> bool:
        return self.period_id is not None and self.store.period(self.period_id)["status"] == "final"

    def invalidate(self, what: str = "*") -> None:
        self._data = None
        self.data_changed.emit(what)

    # --- writing ------------------------------------------------------------------------
    def write(self, what: str, change, *args, **kwargs):
        """Run `change(store, *args, **kwargs)`: a Store method named as such (`Store.set_value`,
        so grep finds every caller) or any function of the store. Returns (True, result) or
        (False, message)."""
        try:
            result = change(self.store, *args, **kwargs)
        except UserError as e:
            self.error.emit(str(e))
            return False, str(e)
        except OSError as e:  # disk full, file gone: the edit stays on screen for a retry
            msg = os_error_message(e, self.store.path)
            self.error.emit(msg)
            return False, msg
        except Exception as e:  # sqlite3 errors (disk I/O, locked) included
            msg = write_error_message(e)
            self.error.emit(msg)
            return False, msg
        self.last_saved = dt.datetime.now()
        self.invalidate(what)
        self.saved.emit(f"Đã lưu lúc {self.last_saved:%H:%M:%S}")
        return True, result
