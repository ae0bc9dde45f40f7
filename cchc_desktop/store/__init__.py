"""The data file: one SQLite file per office, through sqlite-utils.

`open_store(path)` checks the file before anything writes to it (a damaged, foreign or
newer file is refused and left as it was), sets the pragmas every connection needs
(foreign keys, WAL, full sync), and applies pending migrations. Every edit goes through
a `Store` method that writes the change and its audit row in one transaction.
"""
from __future__ import annotations

from cchc_desktop.store.database import Store, check_file, open_store

__all__ = ["Store", "open_store", "check_file"]
