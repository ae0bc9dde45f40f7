"""The `cchc-desktop` command line. No subcommand starts the window.

Every failure prints one Vietnamese line on stderr and exits non-zero, never a traceback
(the traceback of an unexpected error goes to the log file named in that line).
Commands of other features live in their own modules, listed in COMMAND_MODULES; each has
`register(subparsers)` and sets `func` on its parser.
"""
from __future__ import annotations

import argparse
import datetime as dt
import importlib
import json
import sys
from pathlib import Path

from cchc_desktop.errors import UserError

COMMAND_MODULES: list[str] = [
    "cchc_desktop.commands.export",
    "cchc_desktop.commands.package",
    "cchc_desktop.commands.chart",
    "cchc_desktop.commands.safety",
    "cchc_desktop.commands.register",
    "cchc_desktop.commands.units",
    "cchc_desktop.commands.merger",
    "cchc_desktop.commands.index766",
    "cchc_desktop.commands.par",
    "cchc_desktop.commands.corrections",
]

# argparse's own words, in Vietnamese (it looks them up through its module-level `_`).
_ARGPARSE_VI = {
    "usage: ": "Cách dùng: ",
    "positional arguments": "đối số",
    "options": "tùy chọn",
    "show this help message and exit": "in hướng dẫn này rồi thoát",
    "the following arguments are required: %s": "thiếu đối số bắt buộc: %s",
    "invalid choice: %(value)r (choose from %(choices)s)": "lựa chọn %(value)r không có (chọn một trong %(choices)s)",
    "unrecognized arguments: %s": "không hiểu các đối số: %s",
    "expected one argument": "cần một giá trị",
    "%(prog)s: error: %(message)s\n": "%(prog)s: lỗi: %(message)s\n",
    "argument %(argument_name)s: %(message)s": "đối số %(argument_name)s: %(message)s",
    "invalid %(type)s value: %(value)r": "giá trị %(value)r không hợp lệ",
    "expected at least one argument": "cần ít nhất một giá trị",
}
argparse._ = lambda s: _ARGPARSE_VI.get(s, s)  # type: ignore[attr-defined]


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one line, Vietnamese, exit 2
        words = self.prog.split()  # "cchc-desktop" or "cchc-desktop <command>"
        help_cmd = " ".join(["cchc-desktop", *words[1:], "--help"])
        sys.stderr.write(f"cchc-desktop: lỗi: {message}. Xem: {help_cmd}\n")
        raise SystemExit(2)


def add_db(p: argparse.ArgumentParser, required: bool = False) -> None:
    p.add_argument("--db", metavar="TỆP", required=required,
                   help="tệp dữ liệu (mặc định: tệp trong thư mục dữ liệu của người dùng)")
    p.add_argument("--catalogue", metavar="TỆP", help="tệp danh mục biểu mẫu khác (TOML) của tỉnh")


def add_period(p: argparse.ArgumentParser) -> None:
    p.add_argument("--period", metavar="KỲ", required=True, help="kỳ báo cáo, ví dụ 2023-NAM, 2024-Q1, 2024-6T")
    p.add_argument("--unit", metavar="MÃ", help="mã đơn vị (mặc định: đơn vị chính của tệp)")


# A command that edits backs the file up first, at most once in this time: 220 edits from a
# script made 114 backups before (docs/huong-dan-su-dung.md, Sao lưu). Imports and upgrades
# always back up first (backup_now).
CLI_BACKUP_INTERVAL = dt.timedelta(minutes=30)


def open_db(args, must_exist: bool = True, *, write: bool):
    """Open the data file of `--db` (default: the user's file).

    `write=True` (commands that change the file): the writer lock, so a command is refused
    while a window has the file open, and a backup when the file changed since the last one.
    `write=False` (commands that only read: dump, export, …): no lock, so they work while the
    window is open; no backup. Only a file that still needs an upgrade (a write) is opened
    with the lock then.
    """
    from cchc_desktop import paths  # platformdirs: only when no --db is given
    from cchc_desktop.store import open_store  # sqlite-utils: not for --help
    from cchc_desktop.store.migrations import needs_upgrade  # with its command only (CLI start-up time)

    path = Path(args.db) if args.db else paths.default_db_path()
    if must_exist and not path.exists():
        raise UserError(f"Không tìm thấy tệp dữ liệu “{path}”. Hãy kiểm tra đường dẫn (hoặc tạo bằng lệnh demo).")
    catalogue = getattr(args, "catalogue", None)
    if write:
        store = open_store(path, catalogue, backup=True, backup_interval=CLI_BACKUP_INTERVAL)
        if store.backup_warning:
            sys.stderr.write(f"cchc-desktop: lưu ý: {store.backup_warning}\n")
        return store
    # a good file that cannot be written (read-only media, a full disk) is still read
    return open_store(path, catalogue, lock=needs_upgrade(path), read_only_ok=True)


def cmd_gui(args) -> int:
    try:
        from ui.shell.app import run  # the window (Qt): only for the gui command
    except ImportError as e:
        raise UserError(f"Không khởi động được cửa sổ (thiếu thành phần giao diện: {e.name}). Hãy cài lại phần mềm.") from None
    if getattr(args, "catalogue", None):
        _choose_catalogue(args)
    extra = {}
    if getattr(args, "open_package", None):
        # absolute: the window that opens it may be another process (one window per file)
        extra["open_package"] = str(Path(args.open_package).expanduser().absolute())
    return run(args.db, screenshot_dir=getattr(args, "screenshot", None), **extra)


def _choose_catalogue(args) -> None:
    """`gui --catalogue FILE`: the file's own unit enters its new periods with that catalogue
    (the same as Tệp → Danh mục biểu mẫu… in the window), and so do later sessions."""
    from cchc_desktop.domain import catalogue as catalogue_mod  # with its command only (CLI start-up time)

    cat = catalogue_mod.load(args.catalogue)
    store = open_db(argparse.Namespace(db=args.db), must_exist=False, write=True)
    try:
        if not store.units():
            raise UserError("Tệp dữ liệu chưa có đơn vị. Hãy mở chương trình, tạo đơn vị, rồi nạp danh mục "
                            "ở Tệp → Danh mục biểu mẫu…")
        store.add_catalogue(cat)
        store.choose_unit_catalogue(store.unit()["code"], cat.version)
    finally:
        store.close()


def cmd_demo(args) -> int:
    # with its command only (CLI start-up time)
    from cchc_desktop import dataio
    from cchc_desktop.store import open_store  # with its command only (CLI start-up time)

    # The writer lock; no backup: demo only ever writes into a file that holds no unit.
    path = Path(args.db)
    if path.exists() and path.stat().st_size > 0:
        store = open_store(path, args.catalogue)
        if store.units():
            store.close()
            raise UserError(f"Tệp “{path}” đã có dữ liệu. Hãy chọn một tệp mới cho dữ liệu mẫu.")
    else:
        store = open_store(path, args.catalogue)
    try:
        period = dataio.load_demo(store)
    finally:
        store.close()
    print(f"Đã tạo dữ liệu mẫu (xã Chi Lăng Nam, kỳ {period['code']}) trong {path}")
    return 0


def cmd_validate(args) -> int:
    from cchc_desktop.report import values, rules  # with its command only (CLI start-up time)

    store = open_db(args, write=False)
    try:
        data = values.load_report(store, args.unit, args.period)
        findings = rules.validate(data)
    finally:
        store.close()
    if args.json:
        print(json.dumps([f.as_dict() for f in findings], ensure_ascii=False, indent=2))
    elif not findings:
        print("Không phát hiện lỗi hay cảnh báo nào.")
    else:
        for f in findings:
            code = f" (mã lỗi: {f.rule}@{f.target})" if f.severity == "loi" else ""
            print(f"[{f.severity_label}] {f.message}{code}")
        n_err = sum(f.severity == "loi" for f in findings)
        print(f"Tổng cộng: {n_err} lỗi, {len(findings) - n_err} cảnh báo.")
    return 1 if rules.has_errors(findings) else 0


def cmd_dump(args) -> int:
    from cchc_desktop import dataio  # with its command only (CLI start-up time)

    store = open_db(args, write=False)
    try:
        doc = dataio.dump(store, args.unit, args.period)
    finally:
        store.close()
    sys.stdout.write(dataio.dumps(doc))
    return 0


def cmd_load(args) -> int:
    # with its command only (CLI start-up time)
    from cchc_desktop import dataio
    from cchc_desktop.importing import backup_before_import  # with its command only (CLI start-up time)

    doc = dataio.read_file(args.file)
    store = open_db(args, must_exist=False, write=True)
    try:
        backup_before_import(store)
        try:
            period = dataio.load(store, doc, replace=args.replace)
        except UserError as e:
            if args.replace or "đã có trong tệp dữ liệu" not in str(e):
                raise
            raise UserError(f"{e} Muốn thay kỳ đó bằng dữ liệu trong tệp, hãy thêm --replace (tệp dữ liệu "
                            "được sao lưu trước).") from e
    finally:
        store.close()
    print(f"Đã nạp kỳ {period['code']} của đơn vị {period['unit_code']}.")
    return 0


def _row_and_data(args, store):
    from cchc_desktop.report import values  # with its command only (CLI start-up time)

    data = values.load_report(store, args.unit, args.period, with_previous=False)
    return data.catalogue.row(args.code), data


def cmd_get(args) -> int:
    store = open_db(args, write=False)
    try:
        row, data = _row_and_data(args, store)
        value = data.values.get(row.code)
        print(row.format(value))
        note = data.note(row.code)
        if note and args.note:
            print(note)
    finally:
        store.close()
    return 0


def cmd_set(args) -> int:
    if args.value is None and args.note is None and args.own is None:
        raise UserError(f"Thiếu giá trị cần ghi cho {args.code}. Hãy viết: cchc-desktop set --period KỲ "
                        f"{args.code} GIÁ_TRỊ (hoặc --note GHI_CHÚ để chỉ ghi chú).")
    store = open_db(args, write=True)
    try:
        row, data = _row_and_data(args, store)
        pid = data.period["id"]
        if args.value is not None:  # first: a refused value leaves the note unwritten too
            stored = store.set_value(pid, row.code, args.value, catalogue=data.catalogue)
            label = f" ({row.choice_label(stored)})" if row.kind == "choice" and stored is not None else ""
            print(f"{row.code} = {row.format(stored)}{label}")
        if args.own is not None:
            own = store.set_own_figure(pid, row.code, args.own, catalogue=data.catalogue)
            print(f"{row.code}: số đơn vị in trước đây " + (row.format(own) if own is not None else "đã xóa"))
        if args.note is not None:
            store.set_note(pid, row.code, args.note)
            if args.value is None:
                print(f"{row.code}: đã ghi chú “{args.note.strip()}”" if args.note.strip() else f"{row.code}: đã xóa ghi chú")
    finally:
        store.close()
    return 0


def cmd_list(args) -> int:
    from cchc_desktop.domain import catalogue as catalogue_mod  # with its command only (CLI start-up time)

    if args.db:
        store = open_db(args, write=False)
        try:  # the catalogue of the file's unit's latest period (a 2026 ward's, not the file's first)
            units = store.units()
            latest = store.periods(units[0]["code"])[-1:] if units else []
            cat = store.catalogue_for(latest[0]["id"]) if latest else store.catalogue()
        finally:
            store.close()
    else:
        cat = catalogue_mod.load(args.catalogue)
    kinds = {"count": "số đếm", "money": "tiền", "percent": "tỷ lệ", "choice": "lựa chọn", "text": "chữ",
             "group": "nhóm"}
    print(f"Danh mục {cat.version}: {cat.name}")
    for row in cat.rows():
        kind = kinds[row.kind] + (", tự tính" if row.derived else "")
        choices = "; ".join(f"{lab} = {c}" for c, lab in row.choices)
        extra = f" [{choices}]" if choices else ""
        print(f"{row.code}\t{row.label}\t{row.unit}\t{kind}{extra}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="cchc-desktop", description="Báo cáo cải cách hành chính cấp xã (CCHC Desktop).")
    sub = parser.add_subparsers(dest="command", metavar="LỆNH", parser_class=_Parser)

    p = sub.add_parser("gui", help="mở cửa sổ chương trình (mặc định khi không có lệnh)")
    add_db(p)
    p.add_argument("--screenshot", metavar="THƯ_MỤC", help="chụp mỗi thẻ một ảnh PNG vào thư mục rồi thoát")
    p.add_argument("--open-package", metavar="TỆP.cchc",
                   help="mở cửa sổ và nhập gói nộp (.cchc) của đơn vị cấp dưới")
    p.set_defaults(func=cmd_gui)

    p = sub.add_parser("demo", help="tạo tệp dữ liệu mẫu (báo cáo năm 2023 của xã Chi Lăng Nam)")
    add_db(p, required=True)
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("validate", help="kiểm tra số liệu của một kỳ; thoát với mã 1 nếu có lỗi")
    add_db(p)
    add_period(p)
    p.add_argument("--json", action="store_true", help="in kết quả dạng JSON")
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("dump", help="in dữ liệu của một kỳ dạng JSON")
    add_db(p)
    add_period(p)
    p.set_defaults(func=cmd_dump)

    p = sub.add_parser("load", help="nạp dữ liệu một kỳ từ tệp JSON (do lệnh dump tạo)")
    add_db(p)
    p.add_argument("file", metavar="TỆP_JSON")
    p.add_argument("--replace", action="store_true", help="thay kỳ đã có bằng dữ liệu trong tệp")
    p.set_defaults(func=cmd_load)

    p = sub.add_parser("get", help="đọc giá trị một chỉ tiêu, ví dụ BM3/3.3.1")
    add_db(p)
    add_period(p)
    p.add_argument("code", metavar="MÃ_CHỈ_TIÊU")
    p.add_argument("--note", action="store_true", help="in cả ghi chú")
    p.set_defaults(func=cmd_get)

    p = sub.add_parser("set", help="ghi giá trị một chỉ tiêu")
    add_db(p)
    add_period(p)
    p.add_argument("code", metavar="MÃ_CHỈ_TIÊU")
    p.add_argument("value", metavar="GIÁ_TRỊ", nargs="?")
    p.add_argument("--note", metavar="GHI_CHÚ", help="ghi chú của chỉ tiêu")
    p.add_argument("--so-in-truoc", dest="own", metavar="SỐ",
                   help="số đơn vị đã in trước đây (báo cáo giấy) của một dòng nhập tay, khi khác số đã nhập: "
                        "phụ lục nêu nó ở cột Ghi chú (“” để xóa)")
    p.set_defaults(func=cmd_set)

    p = sub.add_parser("list", help="in danh mục chỉ tiêu: mã, tên, loại")
    add_db(p)
    p.set_defaults(func=cmd_list)

    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    return parser


GUI_OPTIONS = ("--db", "--open-package", "--screenshot", "--catalogue")  # the window's options without `gui`
PACKAGE_SUFFIX = ".cchc"


def utf8_output() -> None:
    """Print Vietnamese whatever the code page. A redirected or piped stdout on Windows gets
    the ANSI code page (cp1252, or cp1258, which has no precomposed toned letters either):
    "Đã tạo…" raised UnicodeEncodeError. Output is UTF-8 then; a Windows console window
    already takes Unicode and is left alone. (The frozen app also runs in UTF-8 mode.)"""
    for stream in (sys.stdout, sys.stderr):
        encoding = (getattr(stream, "encoding", None) or "").lower().replace("-", "").replace("_", "")
        if encoding == "utf8" or not hasattr(stream, "reconfigure"):
            continue
        try:
            stream.reconfigure(encoding="utf-8", errors="backslashreplace")
        except (ValueError, OSError):  # already written to in another encoding, or closed
            pass


def main(argv: list[str] | None = None) -> int:
    utf8_output()
    argv = sys.argv[1:] if argv is None else argv
    parser = build_parser()
    if not argv or argv[0].startswith(GUI_OPTIONS):
        argv = ["gui", *argv]
    elif len(argv) == 1 and argv[0].lower().endswith(PACKAGE_SUFFIX) and Path(argv[0]).is_file():
        argv = ["gui", "--open-package", argv[0]]  # a double-clicked package (installer/cchc-desktop.nsi)
    args = parser.parse_args(argv)
    try:
        return args.func(args) or 0
    except UserError as e:
        sys.stderr.write(f"cchc-desktop: {e}\n")
        return 1
    except KeyboardInterrupt:
        sys.stderr.write("cchc-desktop: đã dừng theo yêu cầu.\n")
        return 130
    except BrokenPipeError:
        return 0
    except Exception as e:  # anything unexpected: one line, the traceback in the log
        log = _log_exception()
        sys.stderr.write(f"cchc-desktop: lỗi không mong đợi ({type(e).__name__}: {e}). Chi tiết ghi trong {log}\n")
        return 3


def _log_exception() -> str:
    # only on a crash (start-up time)
    import tempfile
    import traceback  # with its command only (CLI start-up time)

    try:
        from cchc_desktop import paths  # platformdirs: only on a crash (start-up time)

        folder = paths.default_db_path().parent
    except Exception:
        folder = Path(tempfile.gettempdir())
    log = folder / "cchc-desktop-loi.log"
    try:
        with open(log, "a", encoding="utf-8") as fh:
            traceback.print_exc(file=fh)
    except OSError:
        return "(không ghi được nhật ký)"
    return str(log)


if __name__ == "__main__":  # `python -m cchc_desktop.cli` as `python -m cchc_desktop`
    sys.exit(main())
