"""`cchc-desktop import-register --db PATH FILE [--unit CODE] [--thu-tu-ngay ngay-thang|thang-ngay]` and
`cchc-desktop register-stats --db PATH --period P [--unit CODE] [--apply]`."""
from __future__ import annotations

import sys

from cchc_desktop.cli import add_db, add_period, open_db

DATE_ORDERS = {"ngay-thang": "dmy", "thang-ngay": "mdy"}


def register(sub) -> None:
    p = sub.add_parser("import-register", help="nhập sổ theo dõi hồ sơ một cửa từ bảng tính (.xlsx, .xlsm, .xlsb, .xls, .ods)")
    add_db(p)
    p.add_argument("file", metavar="TỆP_EXCEL")
    p.add_argument("--unit", metavar="MÃ", help="mã đơn vị (mặc định: đơn vị chính của tệp)")
    p.add_argument("--thu-tu-ngay", choices=sorted(DATE_ORDERS), dest="date_order",
                   help="cách đọc cột ngày dạng chữ đọc được cả hai cách: ngay-thang (15/03) hoặc thang-ngay (03/15)")
    p.set_defaults(func=run_import)

    p = sub.add_parser("register-stats", help="tính số liệu hồ sơ theo lĩnh vực của một kỳ từ sổ hồ sơ đã nhập")
    add_db(p)
    add_period(p)
    p.add_argument("--apply", action="store_true", help="đưa số liệu vào bảng hồ sơ của kỳ (thay số đã nhập tay)")
    p.set_defaults(func=run_stats)


def _progress(done: int, total: int | None) -> None:
    if sys.stderr.isatty() and total:
        sys.stderr.write(f"\rĐang đọc dòng {done:,}/{total:,}".replace(",", "."))
        sys.stderr.flush()


def run_import(args) -> int:
    from cchc_desktop.importing import register as reg  # with its command only (CLI start-up time)

    store = open_db(args, write=True)
    try:
        # the workbook is parsed once: the mapping found is printed from the import's own reading
        summary = reg.import_register(store, args.unit, args.file, progress=_progress,
                                      date_order=DATE_ORDERS.get(args.date_order))
        if sys.stderr.isatty():
            sys.stderr.write("\n")
    finally:
        store.close()
    preview = summary.preview
    for w in preview.warnings:
        print(f"Lưu ý: {w}")
    mapped = ", ".join(f"{reg.FIELDS[f]} ← {preview.column_label(c)}" for f, c in preview.mapping.items())
    print(f"Ghép cột (dòng tiêu đề {preview.header_row}): {mapped}")
    print(summary.text())
    return 0


def run_stats(args) -> int:
    # with its command only (CLI start-up time)
    from cchc_desktop import fmt
    from cchc_desktop.domain import dossiers  # with its command only (CLI start-up time)
    from cchc_desktop.errors import UserError  # with its command only (CLI start-up time)
    from cchc_desktop.importing import register as reg  # with its command only (CLI start-up time)

    store = open_db(args, write=args.apply)
    try:
        unit = store.unit(args.unit)
        period = store.get_period(unit["code"], args.period)
        if reg.register_count(store, unit["code"]) == 0:
            raise UserError(
                f"Đơn vị {unit['name']} chưa có sổ hồ sơ. Hãy nhập trước bằng lệnh import-register."
            )
        computed = reg.period_window_figures(store, period["id"])
        by_agency = computed.by_agency
        print(f"Số liệu hồ sơ theo lĩnh vực từ sổ, kỳ {period['code']} "
              f"({fmt.date(period['start_date'])} – {fmt.date(period['end_date'])}):")
        for line in computed.outside_lines(period["start_date"], period["end_date"]):
            print(line)
        if not by_agency:
            print("Không có hồ sơ nào trong kỳ này.")
        for agency, figures in by_agency.items():
            if len(by_agency) > 1 or agency != "ubnd":
                print(f"\n{dossiers.AGENCIES[agency]}:")
            for line in reg.figures_lines(figures):
                print(line)
        if args.apply:
            if not by_agency:
                raise UserError("Không có số liệu để đưa vào kỳ (sổ không có hồ sơ nào trong kỳ).")
            reg.apply_figures_by_agency(store, period["id"], by_agency)
            tables = ", ".join(dossiers.AGENCIES[a] for a in by_agency)
            print(f"Đã đưa số liệu vào bảng hồ sơ của kỳ {period['code']} ({tables}), thay cho số đã nhập tay.")
    finally:
        store.close()
    return 0
