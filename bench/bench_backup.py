"""What data safety costs: opening with the on-open backup check, a backup, a restore, a check.

Baselines, measured in the same run on the same file: opening the demo file without any
backup (`open_store(..., backup=False)`), and a plain `shutil.copyfile` of the data file
(what the simplest backup would be, without consistency, checkpoint or verification).
"""
from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from _common import report, time_call


def main() -> None:
    from cchc_desktop import dataio
    from cchc_desktop.store import backup, check_file, open_store

    tmp = Path(tempfile.mkdtemp(prefix="bench-backup-"))
    path = tmp / "demo.sqlite"
    store = open_store(path)
    dataio.load_demo(store)
    store.close()
    size = path.stat().st_size

    def open_plain():
        open_store(path, backup=False).close()

    def open_unchanged():  # the common case: nothing changed since the last backup
        open_store(path, backup=True).close()

    backup.backup_now(path, "thu-cong")
    t_plain = time_call(open_plain, runs=9)
    t_unchanged = time_call(open_unchanged, runs=9)
    def copy_and_fsync():
        shutil.copyfile(path, tmp / "copy.sqlite")
        with open(tmp / "copy.sqlite", "rb+") as fh:
            os.fsync(fh.fileno())

    t_copy = time_call(copy_and_fsync, runs=9)
    usb = tmp / "usb"
    usb.mkdir()
    t_backup = time_call(lambda: backup.backup_to(path, usb), runs=9)
    t_check = time_call(lambda: check_file(path), runs=9)
    saved = backup.list_backups(path)[0].path
    t_restore = time_call(lambda: backup.restore(path, saved), runs=5)
    report(f"Data safety (demo file, {size // 1024} KB)", [
        ("open, unchanged since the last backup (backup API + hash)", t_unchanged, t_plain, None),
        ("backup to a folder (checkpoint, backup API, quick_check, fsync, rename)", t_backup, t_copy, None),
        ("check_file (header, quick_check)", t_check, t_plain, None),
        ("restore (safety backup, copy, quick_check, fsync, rename)", t_restore, t_copy, None),
    ])
    print("baselines: open without backup for rows 1 and 3; shutil.copyfile + fsync for rows 2 and 4")
    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
