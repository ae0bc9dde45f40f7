"""Hand-off packages and the upper level's roll-up on the command line.

    cchc-desktop package --db PATH --period P [--unit CODE] --out DIR [--khong-kem-van-ban] [--chot]
    cchc-desktop chap-nhan-loi --db PATH --period P [--unit CODE] [--ma RULE@TARGET... | --tat-ca]
                        [--ly-do TEXT] [--bo]
    cchc-desktop import-package --db PATH [--force] [--chap-nhan-khoa-moi] FILE_OR_FOLDER...
    cchc-desktop rollup --db PATH --period P [--unit CODE] [--docx OUT] [--xlsx OUT] [--json]
                        [--so-sanh NAME] [--xlsx-tinh-trang OUT]
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

from cchc_desktop.cli import add_db, add_period, open_db
from cchc_desktop.errors import UserError


def register(sub) -> None:
    p = sub.add_parser("package", help="lập gói nộp cấp trên (.cchc) của một kỳ, ví dụ để chép ra USB")
    add_db(p)
    add_period(p)
    p.add_argument("--out", metavar="THƯ_MỤC", required=True, help="thư mục ghi gói (ví dụ ổ USB)")
    p.add_argument("--khong-kem-van-ban", dest="no_documents", action="store_true",
                   help="không kèm tệp Word/Excel trong gói (chỉ số liệu)")
    p.add_argument("--chot", dest="close", action="store_true",
                   help="chốt kỳ (bản chính thức) rồi lập gói, khi kỳ còn là bản nháp (như “Chốt rồi xuất” "
                        "của cửa sổ; có ghi nhật ký)")
    p.set_defaults(func=run_package)

    p = sub.add_parser("chap-nhan-loi", help="chấp nhận lỗi kiểm tra của một kỳ kèm lý do (để lập được gói nộp); "
                                             "không có --ma/--tat-ca: liệt kê các lỗi và mã của chúng")
    add_db(p)
    add_period(p)
    p.add_argument("--ma", metavar="MÃ_LỖI", action="append", default=[],
                   help="mã lỗi như validate/chap-nhan-loi in ra (quy-tac@chi-tieu); dùng nhiều lần được")
    p.add_argument("--tat-ca", dest="all", action="store_true", help="mọi lỗi hiện có của kỳ")
    p.add_argument("--ly-do", dest="reason", metavar="LÝ_DO", default="", help="lý do chấp nhận (bắt buộc khi chấp nhận)")
    p.add_argument("--bo", dest="withdraw", action="store_true", help="bỏ chấp nhận các lỗi đã chọn")
    p.set_defaults(func=run_accept_errors)

    p = sub.add_parser("import-package", help="nhập gói nộp của các đơn vị cấp dưới (tệp .cchc hoặc thư mục)")
    add_db(p)
    p.add_argument("files", metavar="TỆP", nargs="+", help="tệp .cchc, hoặc thư mục chứa các tệp .cchc")
    p.add_argument("--force", action="store_true", help="vẫn nhập gói cũ hơn gói đang có (nhập đè)")
    p.add_argument("--chap-nhan-khoa-moi", dest="accept_new_key", action="store_true",
                   help="chấp nhận khóa ký mới của xã (chỉ khi đã gọi điện đối chiếu mã khóa với xã; có ghi nhật ký)")
    p.set_defaults(func=run_import)

    p = sub.add_parser("rollup", help="tổng hợp số liệu các đơn vị cấp xã của cấp trên (tỉnh, thành phố; huyện với các kỳ trước 01/7/2025) cho một kỳ")
    add_db(p)
    add_period(p)
    p.add_argument("--docx", metavar="TỆP.docx", help="xuất báo cáo tổng hợp ra Word")
    p.add_argument("--xlsx", metavar="TỆP.xlsx", help="xuất phụ lục tổng hợp ra Excel")
    p.add_argument("--xlsx-tinh-trang", dest="status_xlsx", metavar="TỆP.xlsx",
                   help="xuất tình trạng nộp của mọi đơn vị cấp xã ra Excel (loại, tên, tình trạng, ngày lập gói, "
                        "nộp muộn, mã khóa)")
    p.add_argument("--json", action="store_true", help="in số liệu tổng hợp dạng JSON")
    p.add_argument("--so-sanh", dest="compare", metavar="MÃ",
                   help="in bảng so sánh theo xã của một chỉ tiêu, ví dụ BM3/3.3 hoặc hs.ubnd.ty_le_dung_han")
    p.set_defaults(func=run_rollup)


def run_package(args) -> int:
    from cchc_desktop.exporting import package  # with its command only (CLI start-up time)
    from cchc_desktop.store import packages as store_packages  # with its command only (CLI start-up time)

    store = open_db(args, write=False)
    try:
        unit = store.unit(args.unit)
        period = store.get_period(unit["code"], args.period)
    except UserError:
        store.close()
        raise
    draft = period["status"] != "final"
    if draft and not args.close:
        store.close()
        raise UserError(draft_refusal(unit, args.period))
    if draft or store_packages.own_public_key(store, unit["code"]) is None:
        # Closing the period, and the unit's first package making its signing key, are writes: with
        # the writer lock (refused while a window has the file open; the window does both then).
        store.close()
        store = open_db(args, write=True)
    try:
        if draft:
            package.check_ready(store, args.unit, args.period)  # errors refuse before the period is closed
            store.set_status(period["id"], "final")
            print(f"Đã chốt {period_text(args.period).lower()} (bản chính thức).", file=sys.stderr)
        path = package.make_package(store, args.unit, args.period, Path(args.out), documents=not args.no_documents)
        fingerprint = package.fingerprint(store, store.unit(args.unit)["code"])
    finally:
        store.close()
    print(path)
    print(f"Mã khóa của đơn vị: {fingerprint} (cấp trên đối chiếu khi nhập gói lần đầu)", file=sys.stderr)
    return 0


def period_text(code: str) -> str:
    """`2026-Q3` → `Quý III năm 2026` (the period was found, so its code reads)."""
    from cchc_desktop.domain import periods  # with its command only (CLI start-up time)

    text = periods.name(periods.parse_code(code))
    return text[:1].upper() + text[1:]


def draft_refusal(unit: dict, period_code: str) -> str:
    """The `package` refusal of a draft period: the upper level receives a final figure."""
    from cchc_desktop.domain.units import label  # with its command only (CLI start-up time)

    return (f"Chưa lập gói nộp: {period_text(period_code)} của {label(unit)} còn là bản nháp, mà gói nộp gửi "
            "cấp trên số liệu chính thức. Hãy chốt kỳ trước: thêm --chot vào lệnh (hoặc trong cửa sổ: Tệp → "
            "Xuất gói nộp cấp trên → “Chốt rồi xuất”). Sau khi chốt, muốn sửa phải mở lại kỳ trong cửa sổ "
            "(Kỳ báo cáo → Mở lại kỳ để sửa).")


def run_accept_errors(args) -> int:
    from cchc_desktop.report import rules, values  # with its command only (CLI start-up time)

    store = open_db(args, write=bool(args.ma or args.all))
    try:
        unit = store.unit(args.unit)
        period = store.get_period(unit["code"], args.period)
        errors = [f for f in rules.validate(values.load_report(store, unit["code"], args.period)) if f.severity == "loi"]
        accepted = {(a["rule"], a["target"]): a for a in store.accepted_errors(period["id"])}
        if not (args.ma or args.all):
            if not errors:
                print("Kỳ này không có lỗi nào.")
            for f in errors:
                a = accepted.get((f.rule, f.target))
                print(f"{f.rule}@{f.target}\t{'đã chấp nhận: ' + a['reason'] if a else 'chưa chấp nhận'}\t{f.message}")
            return 0
        by_code = {f"{f.rule}@{f.target}": f for f in errors}
        chosen = list(by_code.values()) if args.all else []
        for code in args.ma:
            if code not in by_code and not (args.withdraw and tuple(code.split("@", 1)) in accepted):
                raise UserError(f"Không có lỗi mã “{code}” trong kỳ {args.period}. "
                                "Chạy chap-nhan-loi không kèm --ma để xem mã các lỗi.")
            chosen.append(by_code.get(code) or rules.Finding("loi", "", *reversed(code.split("@", 1))))
        for f in chosen:
            if args.withdraw:
                store.unaccept_error(period["id"], f.rule, f.target)
            else:
                store.accept_error(period["id"], f.rule, f.target, f.message, args.reason)
        print(f"Đã {'bỏ chấp nhận' if args.withdraw else 'chấp nhận'} {len(chosen)} lỗi.")
    finally:
        store.close()
    return 0


def run_import(args) -> int:
    from cchc_desktop.importing import package  # with its command only (CLI start-up time)

    paths = package.expand_paths([Path(f) for f in args.files])
    if not paths:
        raise UserError("Không có tệp gói (.cchc) nào trong các thư mục đã chọn.")
    from cchc_desktop.paths import default_db_path  # with its command only (CLI start-up time)

    db_path = Path(args.db) if args.db else default_db_path()
    new_file = not db_path.exists()
    store = open_db(args, must_exist=False, write=True)
    try:
        results = package.import_packages(store, paths, force=args.force, accept_new_key=args.accept_new_key)
    finally:
        store.close()
    if new_file and not any(r.status in ("imported", "replaced") for r in results):
        remove_new_file(db_path)  # a refused import leaves no file that was not there before
    for r in results:
        print(r.line())
    refused = sum(r.status == "refused" for r in results)
    if len(results) > 1:
        counts = {s: sum(r.status == s for r in results) for s in ("imported", "replaced", "unchanged")}
        print(f"Tổng cộng: {counts['imported']} gói mới, {counts['replaced']} gói thay bản cũ, "
              f"{counts['unchanged']} gói không đổi, {refused} gói bị từ chối.")
    return 1 if refused else 0


def remove_new_file(path: Path) -> None:
    """The data file this command created, and what SQLite and the writer lock made beside it."""
    for p in (path, *(path.with_name(path.name + s) for s in ("-wal", "-shm", "-journal", ".lock"))):
        try:
            p.unlink()
        except FileNotFoundError:
            pass


def run_rollup(args) -> int:
    # with its command only (CLI start-up time)
    from cchc_desktop import fmt

    from cchc_desktop.domain.units import label  # with its command only (CLI start-up time)
    from cchc_desktop.report import aggregate  # with its command only (CLI start-up time)
    from cchc_desktop.store import packages as store_packages  # with its command only (CLI start-up time)

    store = open_db(args, write=False)
    try:
        r = aggregate.rollup(store, args.period, args.unit)
        keys = store_packages.pinned_keys(store)
        index = None
        if args.xlsx:
            from cchc_desktop.report import index766_province  # with its command only (CLI start-up time)

            index = index766_province.province_table(store, args.period, r.upper["code"])
    finally:
        store.close()
    if args.compare and not r.data.is_known_name(args.compare):
        raise UserError(f"Không có chỉ tiêu “{args.compare}”. Mã viết như BM3/3.3 hoặc hs.ubnd.ty_le_dung_han.")
    if args.json:
        doc = r.as_dict()
        if args.compare:
            doc["compare"] = {"name": args.compare, "rows": [
                {"commune": n, "value": fmt.plain(v) if v is not None and not isinstance(v, str) else v, "text": t}
                for n, v, t in r.compare(args.compare)]}
        sys.stdout.write(json.dumps(doc, ensure_ascii=False, indent=2) + "\n")
    else:
        up = label(r.upper)
        print(f"Tổng hợp {up}, kỳ {r.period_code}: {len(r.reported)}/{len(r.communes)} {aggregate.unit_word([c.unit or {} for c in r.communes])} "
              f"đã có số liệu ({aggregate.count_words([c.unit or {} for c in r.communes])}).")
        m = r.data.measures("ubnd")
        print(f"Hồ sơ Một cửa: tiếp nhận {fmt.number(m['tiep_nhan']) or '—'}, "
              f"đã giải quyết {fmt.number(m['da_giai_quyet']) or '—'}, "
              f"đúng hạn {fmt.percent(m['ty_le_dung_han'], with_sign=True) or '—'}.")
        for c in r.communes:
            when = f" (lập gói {fmt.date(c.submitted_at[:10])})" if c.submitted_at else ""
            key = f"; mã khóa {keys[c.code]['fingerprint']}" if c.code in keys else ""
            print(f"  {c.name}: {c.status_label}{when}{key}")
        for line in r.warnings():
            print(f"Lưu ý: {line}")
        if args.compare:
            print(f"So sánh {args.compare}:")
            for n, _, t in r.compare(args.compare):
                print(f"  {n}: {t or '—'}")
            print(f"  Toàn {up}: {r.total(args.compare)[1] or '—'}")
    if args.docx:
        from cchc_desktop.exporting import docx_report  # with its command only (CLI start-up time)

        out = docx_report.write(r.data, Path(args.docx), charts=None)
        print(f"Đã xuất báo cáo tổng hợp Word: {out}", file=sys.stderr if args.json else sys.stdout)
    if args.xlsx:
        from cchc_desktop.exporting import xlsx_rollup  # with its command only (CLI start-up time)

        out = xlsx_rollup.write(r, Path(args.xlsx), compare=args.compare, index766=index)
        print(f"Đã xuất phụ lục tổng hợp Excel: {out}", file=sys.stderr if args.json else sys.stdout)
    if args.status_xlsx:
        from cchc_desktop.exporting import xlsx_rollup  # with its command only (CLI start-up time)

        out = xlsx_rollup.write_status(r, {code: k["fingerprint"] for code, k in keys.items()}, Path(args.status_xlsx))
        print(f"Đã xuất tình trạng nộp ra Excel: {out}", file=sys.stderr if args.json else sys.stdout)
    return 0
