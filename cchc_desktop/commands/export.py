"""`cchc-desktop export --db PATH --period P [--unit CODE] [--docx OUT.docx] [--xlsx OUT.xlsx]`."""
from __future__ import annotations

from pathlib import Path

from cchc_desktop.cli import add_db, add_period, open_db
from cchc_desktop.errors import UserError


def register(sub) -> None:
    p = sub.add_parser("export", help="xuất báo cáo ra Word (.docx) và/hoặc phụ lục ra Excel (.xlsx)")
    add_db(p)
    add_period(p)
    p.add_argument("--docx", metavar="TỆP.docx", help="tệp Word: toàn văn báo cáo và phụ lục")
    p.add_argument("--xlsx", metavar="TỆP.xlsx", help="tệp Excel: phụ lục (Biểu mẫu 1–7) và bảng hồ sơ")
    p.add_argument("--charts", choices=["co", "khong"], help="chèn biểu đồ vào báo cáo Word (mặc định: có với báo cáo năm)")
    p.add_argument("--chi-so-766", action="store_true",
                   help="thêm vào cuối phụ lục của báo cáo Word phần Chỉ số phục vụ người dân, doanh nghiệp (QĐ 766)")
    p.set_defaults(func=run)


def run(args) -> int:
    from cchc_desktop.report import index766_province, values  # with its command only (CLI start-up time)

    if not args.docx and not args.xlsx:
        raise UserError("Hãy cho biết tệp cần xuất: --docx TỆP.docx và/hoặc --xlsx TỆP.xlsx.")
    if args.chi_so_766 and not args.docx:
        raise UserError("--chi-so-766 thêm một phần vào báo cáo Word: hãy cho biết tệp --docx TỆP.docx.")
    store = open_db(args, write=False)
    try:
        data = values.load_report(store, args.unit, args.period)
        index = index766_province.for_report(store, data.unit, data.period) if args.chi_so_766 else None
    finally:
        store.close()
    if args.docx:
        from cchc_desktop.exporting import docx_report  # with its command only (CLI start-up time)

        charts = None if args.charts is None else args.charts == "co"
        out = docx_report.write(data, Path(args.docx), charts=charts, index766=index)
        print(f"Đã xuất báo cáo Word: {out}")
    if args.xlsx:
        from cchc_desktop.exporting import xlsx_appendix  # with its command only (CLI start-up time)

        out = xlsx_appendix.write(data, Path(args.xlsx))
        print(f"Đã xuất phụ lục Excel: {out}")
    return 0

