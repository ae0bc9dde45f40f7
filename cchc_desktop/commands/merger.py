"""The merger year on the command line (importing/former.py).

    cchc-desktop merge-former --db PATH --period 2025-NAM [--unit CODE] [--xem-truoc] FILE...
    cchc-desktop merge-former --db PATH --period 2025-NAM --go-bo

A commune formed on 1/7/2025 takes its former communes' first half of 2025 (their hand-off
packages .cchc or data files .sqlite) into its 2025 report; `--xem-truoc` only says what would
be taken; `--go-bo` puts the period's own figures back.
"""
from __future__ import annotations

from cchc_desktop.cli import add_db, add_period, open_db
from cchc_desktop.errors import UserError


def register(sub) -> None:
    p = sub.add_parser("merge-former", help="tổng hợp số liệu nửa đầu năm 2025 của các xã cũ (trước sắp xếp) "
                                            "vào báo cáo năm 2025 của đơn vị mới")
    add_db(p)
    add_period(p)
    p.add_argument("files", metavar="TỆP", nargs="*", help="gói nộp (.cchc) hoặc tệp dữ liệu (.sqlite) của xã cũ")
    p.add_argument("--xem-truoc", dest="preview", action="store_true", help="chỉ xem sẽ lấy gì, không ghi")
    p.add_argument("--go-bo", dest="undo", action="store_true",
                   help="bỏ số liệu các xã cũ đã tổng hợp, trả lại số liệu của riêng đơn vị")
    p.set_defaults(func=cmd_merge_former)


def cmd_merge_former(args) -> int:
    from pathlib import Path  # with its command only (CLI start-up time)

    from cchc_desktop.importing import former  # with its command only (CLI start-up time)
    from cchc_desktop.domain.units import label  # with its command only (CLI start-up time)
    from cchc_desktop.store import merger as store_merger  # with its command only (CLI start-up time)

    if args.undo == bool(args.files):
        raise UserError("Hãy ghi các tệp của xã cũ, hoặc --go-bo (không dùng cả hai).")
    store = open_db(args, write=not args.preview)
    try:
        unit = store.unit(args.unit)
        period = store.get_period(unit["code"], args.period)
        if args.undo:
            n = former.undo(store, period["id"])
            print(f"Đã bỏ số liệu của {n} đơn vị cũ; kỳ {args.period} của {label(unit)} trở lại số liệu của riêng đơn vị.")
            return 0
        plan = former.plan(store, period["id"], [Path(f) for f in args.files])
        for s in plan.sources:
            if s.ok:
                print(f"{s.path.name}: {s.name} — {s.period_words()}: {s.taken()}")
            else:
                print(f"{s.path.name}: không lấy — {s.reason}")
        if args.preview:
            return 1 if not all(s.ok for s in plan.sources) else 0
        if not plan.accepted:
            raise UserError("Không có tệp nào lấy được số liệu: chưa ghi gì.")
        former.apply(store, plan)
        held = former.source_lines(store_merger.summaries(store, period["id"]))
    finally:
        store.close()
    print(f"Đã tổng hợp vào kỳ {args.period} của {label(unit)} số liệu của {len(held)} đơn vị cũ:")
    for line in held:
        print(f"  {line}")
    return 0 if all(s.ok for s in plan.sources) else 1

