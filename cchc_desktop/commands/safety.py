"""Data safety commands: `backup`, `restore`, `check`.

`cchc-desktop backup --db PATH [--to DIR]`  a verified backup (in sao-luu/ beside the file, or in DIR)
`cchc-desktop restore --db PATH [BACKUP]`   replace the file by a backup (the current file is
                                            backed up first); without BACKUP, list the backups
`cchc-desktop check --db PATH`              exit 1 with the reason if the file is unusable

`check` runs exactly the check the window runs when it opens a file (store.check_file), so the
two always agree. `check` and `backup` only read and work while a window has the file open;
`restore` needs the file closed.
"""
from __future__ import annotations

from pathlib import Path

from cchc_desktop.errors import UserError


def register(sub) -> None:
    from cchc_desktop.cli import add_db  # with its command only (CLI start-up time)

    p = sub.add_parser("backup", help="sao lưu tệp dữ liệu (vào thư mục sao-luu bên cạnh, hoặc thư mục --to)")
    add_db(p)
    p.add_argument("--to", metavar="THƯ_MỤC", help="sao lưu vào thư mục này (ví dụ USB)")
    p.set_defaults(func=cmd_backup)

    p = sub.add_parser("restore", help="khôi phục tệp dữ liệu từ một bản sao lưu (không có BẢN_SAO_LƯU: liệt kê)")
    add_db(p)
    p.add_argument("backup", metavar="BẢN_SAO_LƯU", nargs="?", help="tệp sao lưu, hoặc tên của nó trong thư mục sao-luu")
    p.set_defaults(func=cmd_restore)

    p = sub.add_parser("check", help="kiểm tra tệp dữ liệu; thoát với mã 1 nếu tệp không dùng được")
    add_db(p)
    p.set_defaults(func=cmd_check)


def _db_path(args) -> Path:
    from cchc_desktop import paths  # with its command only (CLI start-up time)

    path = Path(args.db) if args.db else paths.default_db_path()
    if not path.exists():
        raise UserError(f"Không tìm thấy tệp dữ liệu “{path}”. Hãy kiểm tra đường dẫn.")
    return path


def cmd_backup(args) -> int:
    from cchc_desktop.store import backup  # with its command only (CLI start-up time)

    path = _db_path(args)
    out = backup.backup_to(path, args.to) if args.to else backup.backup_now(path, "thu-cong")
    print(f"Đã sao lưu vào {out}")
    return 0


def _when(b) -> str:
    return f"{b.at:%d/%m/%Y %H:%M:%S}"


def cmd_restore(args) -> int:
    from cchc_desktop.store import backup  # with its command only (CLI start-up time)

    path = Path(args.db) if args.db else None
    if path is None:
        from cchc_desktop import paths  # with its command only (CLI start-up time)

        path = paths.default_db_path()
    if not args.backup:
        found = backup.list_backups(path)
        if not found:
            print(f"Chưa có bản sao lưu nào của “{path.name}”.")
            return 0
        print(f"Các bản sao lưu của “{path.name}” (mới nhất trước):")
        for b in found:
            d = backup.describe(b.path)
            periods = ", ".join(d["periods"]) or "chưa có kỳ"
            print(f"{_when(b)}\t{b.reason_label}\t{d['unit'] or '?'}\t{periods}\t{b.path}")
        return 0
    chosen = Path(args.backup)
    if not chosen.exists():
        named = [b.path for b in backup.list_backups(path) if b.path.name == chosen.name]
        if not named:
            raise UserError(f"Không tìm thấy bản sao lưu “{args.backup}”. Xem danh sách: cchc-desktop restore --db {path}")
        chosen = named[0]
    safety = backup.restore(path, chosen)
    print(f"Đã khôi phục “{path.name}” từ bản sao lưu {chosen.name}.")
    if safety:
        print(f"Tệp trước khi khôi phục được giữ ở {safety}")
    return 0


def describe_file(path: Path) -> list[str]:
    """What `check` prints about a usable file (read-only)."""
    # with its command only (CLI start-up time)
    from cchc_desktop.store import backup, lock, migrations
    from cchc_desktop.store.migrations import KNOWN, SCHEMA_VERSION  # with its command only (CLI start-up time)

    lines = []
    if path.stat().st_size == 0:
        return ["Tệp trống: sẽ được tạo mới khi mở."]
    applied = migrations.applied_in_file(path)
    version = len([n for n in applied if n in KNOWN])
    if version < SCHEMA_VERSION:
        lines.append(f"Cấu trúc dữ liệu {version}: sẽ được sao lưu rồi nâng cấp lên {SCHEMA_VERSION} khi mở.")
    else:
        lines.append(f"Cấu trúc dữ liệu {version} (phiên bản hiện tại).")
    info = backup.describe(path)
    if info["unit"]:
        lines.append(f"Đơn vị: {info['unit']}; kỳ báo cáo: {', '.join(info['periods']) or 'chưa có'}.")
    if lock.is_locked(path):
        lines.append("Tệp đang được mở ở một cửa sổ CCHC Desktop khác.")
    found = backup.list_backups(path)
    if found:
        lines.append(f"Bản sao lưu gần nhất: {_when(found[0])} ({len(found)} bản, thư mục {found[0].path.parent}).")
    else:
        lines.append("Chưa có bản sao lưu nào.")
    return lines


def cmd_check(args) -> int:
    from cchc_desktop.store import check_file  # with its command only (CLI start-up time)

    path = _db_path(args)
    state = check_file(path)  # raises DataFileError (exit 1, the reason on stderr) if unusable
    print(f"Tệp dữ liệu “{path.name}” dùng được (kiểm tra nhanh: không có lỗi).")
    if state.message:  # read-only media, a full disk, another window: good data, said as it is
        print(state.message)
    for line in describe_file(path):
        print(line)
    return 0
