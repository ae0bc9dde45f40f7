"""The data file: one SQLite file per office, through sqlite-utils.

`open_store(path)` checks the file before anything writes to it (a damaged, foreign or
newer file is refused and left as it was), sets the pragmas every connection needs
(foreign keys, WAL, full sync), and applies pending migrations. Every edit goes through
a `Store` method that writes the change and its audit row in one transaction.
"""
from __future__ import annotations

import sys


def _import_sqlite_utils_without_numpy() -> None:
    """sqlite-utils imports numpy and pandas, when installed, only to convert their types on
    insert, which this app never does; hiding them while it loads saves ~150 ms of start-up
    (bench/bench_window.py). Later imports of numpy (matplotlib) work as usual."""
    if "sqlite_utils" in sys.modules:
        return
    hidden = [name for name in ("numpy", "pandas") if name not in sys.modules]
    for name in hidden:
        sys.modules[name] = None  # type: ignore[assignment]  # makes `import name` raise ImportError
    try:
        import sqlite_utils  # noqa: F401  (loaded here, numpy hidden: start-up time)
    finally:
        for name in hidden:
            if sys.modules.get(name) is None:
                del sys.modules[name]


_import_sqlite_utils_without_numpy()

from cchc_desktop.store.check import FileRefused, FileState, check_file, open_state  # noqa: E402
from cchc_desktop.store.database import Store, open_store  # noqa: E402

__all__ = ["Store", "open_store", "open_state", "check_file", "FileState", "FileRefused"]
