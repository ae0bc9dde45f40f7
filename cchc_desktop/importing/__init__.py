"""Imports: the one-stop dossier register from Excel, USB packages from communes.

Every import that writes into a file that already holds data first makes sure a backup of
the file as it is exists (issue 9: "always before an import"): `backup_before_import`. If
that backup cannot be made, the import is refused and the file is left as it was, as an
upgrade is (store/database.py).
"""
from __future__ import annotations

from pathlib import Path

from cchc_desktop.errors import UserError
from cchc_desktop.store import backup

BACKUP_REASON = "nhap"


class ImportBackupError(UserError):
    """The backup before an import could not be made; nothing was imported."""


def has_data(store) -> bool:
    """True when the file holds a unit (a new, empty file has nothing to lose)."""
    return store.has_units()


def backup_before_import(store) -> Path | None:
    """Back up the data file before an import writes into it; call it outside a transaction.

    Nothing for a file without data. The backup is made unless the newest backup already
    holds exactly this content (`backup_if_changed`: e.g. the one made on opening the file),
    so a copy of the file as it was before the import always exists, without a second
    identical copy. Returns the new backup, or None. Raises ImportBackupError (Vietnamese:
    what happened, that the file was not changed, what to do) when it cannot be made.
    """
    if not has_data(store):
        return None
    try:
        return backup.backup_if_changed(store, BACKUP_REASON)
    except UserError as e:
        raise ImportBackupError(
            f"Chưa nhập dữ liệu vì không tạo được bản sao lưu trước khi nhập: {e} "
            "Tệp dữ liệu chưa bị thay đổi."
        ) from None


def backup_is_current(store) -> bool:
    """True when the newest backup already holds the file as it is now (made or checked through
    this store's connection, nothing written since): backup_before_import would find that out
    only by copying the whole file again."""
    return backup.is_current(store)


class BackupOnce:
    """`backup_before_import` at most once for a batch of imports, just before the first write.

    A failure is remembered: every later call raises the same error without trying again.
    """

    def __init__(self, store):
        self.store = store
        self.done = False
        self.path: Path | None = None
        self.error: ImportBackupError | None = None

    def __call__(self) -> Path | None:
        if self.error is not None:
            raise ImportBackupError(str(self.error))
        if not self.done:
            try:
                self.path = backup_before_import(self.store)
            except ImportBackupError as e:
                self.error = e
                raise
            self.done = True
        return self.path
