"""Opening a data file for the window: at start, Tệp → Mở tệp dữ liệu khác… / Tạo tệp dữ liệu mới…,
a restored backup. A refused file gets its way on (restore, a new file, quit), an empty one the
welcome screen, the sample data its own file; `unit_and_period` says what to show.

This module brings cchc_desktop.store (sqlite-utils) and the dialogs: the shell imports it once
the window's frame is shown (app.run, bench/bench_window.py).
"""
from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from cchc_desktop import dataio
from cchc_desktop.errors import UserError
from cchc_desktop.report import default_texts
from cchc_desktop.store import FileRefused, backup, check, open_store
from ui import messages
from ui.packages.handoff import import_into_new_file
from ui.safety.backup_dialogs import RestoreDialog
from ui.shell.context import AppContext
from ui.shell.welcome import DamagedFileDialog, WelcomeDialog


def set_up_empty_file(store, parent, package: str | None = None) -> int | Path | None:
    """A data file with no unit: the period to open, a Path (open that file instead: the
    sample data, which lives in its own file), or None (the user quit).

    With a package (double-clicked), the upper level is set up from it: the import preview with
    that file; if nothing was imported there, or without a package, the welcome screen."""
    if package:
        period_id = import_into_new_file(store, parent, [package])
        if period_id is not None:
            return period_id
    dlg = WelcomeDialog(store, parent)
    if dlg.exec() != WelcomeDialog.DialogCode.Accepted:
        return None
    return dlg.open_path or dlg.period_id


class Opened:
    """What `open_data_file` gives: the open store and the period to show, or (store None) the
    exit code for a start that cannot go on (1: the file could not be opened, 0: the user quit)."""

    def __init__(self, store=None, period_id: int | None = None, code: int = 0, package_offered: bool = False):
        self.store, self.period_id, self.code, self.package_offered = store, period_id, code, package_offered


def open_data_file(path: Path, parent, *, package: str | None = None, at_start: bool = False) -> Opened:
    """Open a data file for the window (at start, or Tệp → Mở tệp dữ liệu khác… / Tạo tệp dữ liệu mới…).

    A refused file: at start, a damaged one gets the choice of restoring a backup, a new file
    (the damaged one kept, renamed) or quitting; otherwise the reason is shown. An empty file
    gets the welcome screen; its "sample data" opens the demo's own file beside it
    (`du-lieu-mau.sqlite`, made from the demo when missing), never the user's file."""
    path = Path(path)
    try:
        # a backup when it changed since the last one; read-only media or a full disk: read-only
        store = open_store(path, backup=True, read_only_ok=True)
    except UserError as e:  # DataFileError included
        store = recover_at_start(path, e, parent) if at_start else None
        if store is None:
            if not at_start:
                messages.error(parent, f"Không mở được tệp dữ liệu:\n{path}\n\n{e}\n\n"
                                       "Tệp đang mở vẫn giữ nguyên.", "Không mở được tệp dữ liệu")
            return Opened(code=1)
    if store.units():
        return Opened(store)
    choice = set_up_empty_file(store, parent, package)
    if isinstance(choice, Path):
        store.close()  # the user's file stays empty (its lock released): the demo goes to its own file
        return open_sample_file(choice, parent)
    if choice is None:
        store.close()
        return Opened(code=0)
    return Opened(store, choice, package_offered=True)


def open_sample_file(path: Path, parent) -> Opened:
    """The demo's own file: opened as it is (the trial edits kept), or made from the demo."""
    store = None
    try:
        store = open_store(path, backup=True)
        if not store.units():
            period = dataio.load_demo(store)
            return Opened(store, period["id"], package_offered=True)
    except BaseException as e:
        if store is not None:
            store.close()  # its lock released: the file can be opened again (or by another program)
        if not isinstance(e, UserError):
            raise
        messages.error(parent, f"Không mở được dữ liệu mẫu ({path}):\n{e}", "Không mở được dữ liệu mẫu")
        return Opened(code=1)
    return Opened(store, package_offered=True)


def set_aside(path: Path, now=None) -> Path:
    """Rename a damaged data file (and its -wal/-shm/-journal) to `<name>.hong-<time>.sqlite`
    beside it; never deletes anything. Returns the new name; OSError if it cannot be renamed."""
    now = now or dt.datetime.now()
    base = f"{path.stem}.hong-{now:%Y%m%d-%H%M%S}"
    target = path.with_name(base + path.suffix)
    n = 1
    while target.exists():
        n += 1
        target = path.with_name(f"{base}-{n}{path.suffix}")
    os.rename(path, target)
    for suffix in ("-wal", "-shm", "-journal"):
        side = path.with_name(path.name + suffix)
        if side.exists():  # an old WAL must never be replayed onto the new file
            os.rename(side, target.with_name(target.name + suffix))
    return target


def recover_at_start(path: Path, error, parent):
    """The file was refused at start: the full path, what happened, and the ways on.

    A damaged (or foreign) file — what store.open_state says, never a file on read-only media, a
    full disk or one another program holds: "Khôi phục từ bản sao lưu…" (ui.safety.backup_dialogs' restore dialog,
    cchc_desktop.store.backup.restore), "Tạo tệp mới" (the damaged file renamed aside, kept) or
    "Thoát". A file from a newer version, in use by another window, or refused for another reason
    (a folder without write access): the message only. Returns the opened Store, or None."""
    damaged = isinstance(error, FileRefused) and error.state.kind in (check.DAMAGED, check.NOT_OURS) \
        and path.is_file()
    if not damaged:
        messages.error(parent, f"Không mở được tệp dữ liệu:\n{path}\n\n{error}\n\nChương trình sẽ đóng lại.",
                       "Không mở được tệp dữ liệu")
        return None
    while True:
        dlg = DamagedFileDialog(path, str(error), backup.list_backups(path), parent)
        dlg.exec()
        if dlg.choice == DamagedFileDialog.RESTORE:
            chooser = RestoreDialog(path, parent)
            if chooser.exec() != RestoreDialog.DialogCode.Accepted or chooser.chosen is None:
                continue  # back to the choice
            try:
                safety = backup.restore(path, chooser.chosen)  # the damaged file is kept as a raw copy
                store = open_store(path, backup=False)
            except UserError as e:
                messages.error(parent, f"Chưa khôi phục được: {e}")
                continue
            kept = f"\nTệp hỏng được giữ lại ở:\n{safety}" if safety else ""
            messages.info(parent, f"Đã khôi phục dữ liệu từ bản sao lưu “{chooser.chosen.name}”.{kept}")
            return store
        if dlg.choice == DamagedFileDialog.NEW:
            try:
                aside = set_aside(path)
            except OSError as e:
                messages.error(parent, f"Không đổi tên được tệp hỏng ({e.strerror}); chưa tạo tệp mới. "
                                       "Hãy đóng các chương trình đang mở tệp đó rồi thử lại.")
                continue
            try:
                store = open_store(path, backup=False)
            except UserError as e:
                messages.error(parent, f"Không tạo được tệp dữ liệu mới:\n{path}\n\n{e}")
                return None
            messages.info(parent, f"Tệp hỏng được đổi tên và giữ nguyên (không bị xóa):\n{aside}\n\n"
                                  f"Tệp dữ liệu mới, còn trống:\n{path}\n\nNếu cần lấy lại dữ liệu cũ, hãy gửi "
                                  "tệp hỏng cho người hỗ trợ kỹ thuật.")
            return store
        return None


def context_for(store, period_id: int | None = None):
    """The context of the main unit and its most recent period (made if there is none)."""
    return AppContext(store, *unit_and_period(store, period_id))


def unit_and_period(store, period_id: int | None = None) -> tuple[str, int]:
    """(unit code, period id) to show: `period_id`'s, else the main unit's period last worked on
    (its latest change), else its most recent one."""
    if period_id is None:
        unit = store.unit()
        plist = store.periods(unit["code"])
        if not plist:
            period_id = default_texts.new_period(store, unit["code"], default_texts.current_period_code())["id"]
        else:
            period_id = store.last_edited_period(unit["code"]) or plist[-1]["id"]
    return store.period(period_id)["unit_code"], period_id
