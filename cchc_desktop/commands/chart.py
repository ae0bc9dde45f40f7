"""`cchc-desktop chart --db PATH --period P [--unit CODE] --kind KIND --out FILE.png|.svg [--indicator CODE]`.

`--list` prints the kinds with their titles.
"""
from __future__ import annotations

from pathlib import Path

from cchc_desktop.cli import add_db, open_db
from cchc_desktop.errors import UserError
from cchc_desktop.exporting import charts  # matplotlib itself is imported only to draw
from cchc_desktop.report import chart_data, values

KIND_NAMES = tuple(charts.KINDS)


def register(sub) -> None:
    p = sub.add_parser("chart", help="vẽ một biểu đồ hồ sơ ra tệp .png hoặc .svg; --list in các loại biểu đồ")
    add_db(p)
    p.add_argument("--period", metavar="KỲ", help="kỳ báo cáo, ví dụ 2023-NAM, 2024-Q1, 2024-6T")
    p.add_argument("--unit", metavar="MÃ", help="mã đơn vị (mặc định: đơn vị chính của tệp)")
    p.add_argument("--kind", metavar="LOẠI", help="loại biểu đồ: " + ", ".join(KIND_NAMES))
    p.add_argument("--out", metavar="TỆP", help="tệp ảnh cần ghi: .png hoặc .svg")
    p.add_argument("--indicator", metavar="MÃ_CHỈ_TIÊU",
                   help="chỉ tiêu so sánh giữa các xã (loại theo-xa), ví dụ BM3/3.3.1 hoặc hs.ubnd.ty_le_truc_tuyen")
    p.add_argument("--list", action="store_true", help="in các loại biểu đồ và tên của chúng")
    p.set_defaults(func=run)


def run(args) -> int:
    if args.list:
        for kind, title in charts.KINDS.items():
            print(f"{kind}\t{title}")
        return 0
    missing = [name for name, value in (("--period", args.period), ("--kind", args.kind), ("--out", args.out))
               if not value]
    if missing:
        raise UserError(f"Thiếu {', '.join(missing)}. Ví dụ: cchc-desktop chart --db du-lieu.sqlite "
                        "--period 2023-NAM --kind tiep-nhan-linh-vuc --out bieu-do.png (xem các loại: --list).")
    if args.kind not in KIND_NAMES:
        raise UserError(f"Không có loại biểu đồ “{args.kind}”. Các loại có: {', '.join(KIND_NAMES)}.")
    out = Path(args.out)
    if out.suffix.lower() not in (".png", ".svg"):
        raise UserError(f"Tệp “{out.name}” phải có đuôi .png hoặc .svg.")
    if args.indicator and args.kind != "theo-xa":
        raise UserError("--indicator chỉ dùng với loại biểu đồ theo-xa.")
    store = open_db(args, write=False)
    try:
        data = values.load_report(store, args.unit, args.period, with_previous=False)
        options = {"indicator": args.indicator} if args.indicator else {}
        fig = charts.figure(args.kind, data, **chart_data.inputs(args.kind, store, data), **options)
    finally:
        store.close()
    charts.save(fig, out)
    note = "" if charts.has_data(fig) else " (chưa có số liệu: ảnh ghi dòng “" + charts.NO_DATA + "”)"
    print(f"Đã vẽ biểu đồ “{charts.KINDS[args.kind]}”: {out}{note}")
    return 0
