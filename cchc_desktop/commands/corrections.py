"""`cchc-desktop so-tinh-lai`: the unit's answer to each figure the app recomputed (issue 17).

    cchc-desktop so-tinh-lai --db PATH --period P [--unit CODE]            (list, with each choice)
    cchc-desktop so-tinh-lai --db PATH --period P [--unit CODE] NAME --dung-so-tinh-lai
    cchc-desktop so-tinh-lai --db PATH --period P [--unit CODE] NAME --giu-so --ghi-chu TEXT
    cchc-desktop so-tinh-lai --db PATH --period P [--unit CODE] NAME --bo-chon
"""
from __future__ import annotations

from cchc_desktop.cli import add_db, add_period, open_db
from cchc_desktop.errors import UserError


def register(sub) -> None:
    p = sub.add_parser("so-tinh-lai", help="số ứng dụng tính lại khác số đơn vị đã ghi: liệt kê, hoặc chọn dùng "
                                           "số tính lại / giữ số của đơn vị (kèm ghi chú)")
    add_db(p)
    add_period(p)
    p.add_argument("name", metavar="MÃ", nargs="?", help="mã chỉ tiêu (ví dụ BM7/6.7) hoặc số hồ sơ (hs.ubnd.ty_le_truoc_han)")
    how = p.add_mutually_exclusive_group()
    how.add_argument("--dung-so-tinh-lai", dest="choice", action="store_const", const="dung-so-tinh-lai",
                     help="báo cáo in số tính lại; Ghi chú nêu số đơn vị đã ghi trước đây")
    how.add_argument("--giu-so", dest="choice", action="store_const", const="giu-so",
                     help="báo cáo in số của đơn vị; Ghi chú nêu số tính lại và ghi chú của đơn vị (bắt buộc --ghi-chu)")
    how.add_argument("--bo-chon", dest="choice", action="store_const", const="", help="bỏ lựa chọn đã có")
    p.add_argument("--ghi-chu", dest="note", metavar="GHI_CHÚ", default="", help="lý do giữ số của đơn vị")
    p.set_defaults(func=run)


def run(args) -> int:
    from cchc_desktop.report import corrections, values  # with its command only (CLI start-up time)

    choosing = args.choice is not None
    if choosing and not args.name:
        raise UserError("Hãy ghi mã chỉ tiêu cần chọn, ví dụ: so-tinh-lai … BM7/6.7 --dung-so-tinh-lai. "
                        "Chạy so-tinh-lai không kèm mã để xem danh sách.")
    if args.name and not choosing:
        raise UserError("Hãy chọn --dung-so-tinh-lai, --giu-so --ghi-chu “lý do”, hoặc --bo-chon.")
    store = open_db(args, write=choosing)
    try:
        unit = store.unit(args.unit)
        period = store.get_period(unit["code"], args.period)
        fixes = corrections.corrections(values.load_report(store, unit["code"], args.period))
        if not choosing:
            if not fixes:
                print("Kỳ này không có số nào ứng dụng tính lại khác số đơn vị đã ghi.")
            for c in fixes:
                other = "đã nhập" if c.typed else "tính lại"  # a typed row's own printed figure (m014)
                print(f"{c.name}\t{c.place}\tđơn vị ghi {c.own_text}, {other} {c.computed_text} {c.why}".rstrip()
                      + f"\t{c.state}" + (f"\t{c.rests_on}" if c.rests_on else ""))
            return 0
        if args.name not in {c.name for c in fixes} and args.name not in store.correction_choices(period["id"]):
            raise UserError(f"“{args.name}” không có trong danh sách số tính lại của kỳ {args.period}. "
                            "Chạy so-tinh-lai không kèm mã để xem danh sách.")
        if args.choice:
            store.set_correction_choice(period["id"], args.name, args.choice, args.note)
        else:
            store.clear_correction_choice(period["id"], args.name)
        print({"dung-so-tinh-lai": f"Đã chọn dùng số tính lại cho {args.name}.",
               "giu-so": f"Đã chọn giữ số của đơn vị cho {args.name}.",
               "": f"Đã bỏ lựa chọn của {args.name}."}[args.choice])
    finally:
        store.close()
    return 0
