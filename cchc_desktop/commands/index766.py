"""`cchc-desktop index-766 --db PATH --period P [--unit CODE] [--tu-tuan W] [--den-tuan W] [--json]
[--ho-so-mat-diem [N]] [--theo-tuan | --theo-thang] [--nhap TÊN=SỐ …]`: the QĐ 766 service index.

Each group with its maximum and score, each criterion's value, points and source; criteria
without data say "chưa có số liệu". `--ho-so-mat-diem` lists the dossiers that cost points
(N per kind, default 50); `--nhap` stores a value the unit types for the period (a write).
On an upper level's file (report/index766_province.py): every commune of its list ranked, with
its total and groups, "chưa có số liệu" / "chưa nộp"; `--unit CODE` one commune's criteria, both
scored from the counts the communes' packages carried.
"""
from __future__ import annotations

import json

from cchc_desktop import fmt
from cchc_desktop.cli import add_db, add_period, open_db
from cchc_desktop.domain import index766 as index_def
from cchc_desktop.errors import UserError
from cchc_desktop.domain.units import UPPER_KINDS
from cchc_desktop.report import index766, index766_province


def register(sub) -> None:
    p = sub.add_parser("index-766", help="chỉ số phục vụ người dân, doanh nghiệp (QĐ 766/QĐ-TTg) tính từ sổ hồ sơ")
    add_db(p)
    add_period(p)
    p.add_argument("--tu-tuan", metavar="TUẦN", help="từ tuần (ISO), ví dụ 2024-W05")
    p.add_argument("--den-tuan", metavar="TUẦN", help="đến tuần (ISO), ví dụ 2024-W12")
    p.add_argument("--json", action="store_true", help="in kết quả dạng JSON")
    p.add_argument("--ho-so-mat-diem", nargs="?", type=int, const=50, default=0, metavar="N",
                   help="liệt kê hồ sơ làm mất điểm (quá hạn, chưa đồng bộ, chưa số hóa, không có kết quả điện tử…), "
                        "tối đa N hồ sơ mỗi loại (mặc định 50)")
    p.add_argument("--theo-tuan", action="store_true", help="in điểm từng tuần của kỳ")
    p.add_argument("--theo-thang", action="store_true", help="in điểm từng tháng của kỳ")
    p.add_argument("--nhap", action="append", default=[], metavar="TÊN=SỐ",
                   help="ghi một giá trị đơn vị tự nhập cho kỳ (xem --danh-sach-nhap); SỐ trống thì xóa")
    p.add_argument("--danh-sach-nhap", action="store_true", help="in tên các giá trị đơn vị tự nhập")
    p.set_defaults(func=run)


def run(args) -> int:
    defn = index_def.load()
    if args.danh_sach_nhap:
        for name, label, codes in defn.typed_inputs():
            print(f"{name}\t{label}\t(chỉ tiêu {', '.join(codes)})")
        return 0
    if args.ho_so_mat_diem < 0:
        raise UserError("--ho-so-mat-diem: ghi một số không âm.")
    store = open_db(args, write=bool(args.nhap))
    try:
        unit = store.unit(args.unit)
        if unit["kind"] in UPPER_KINDS or index766_province.is_from_package(unit):
            if args.nhap or args.ho_so_mat_diem or args.theo_tuan or args.theo_thang or args.tu_tuan or args.den_tuan:
                raise UserError("Ở cấp trên, chỉ số của các xã tính từ số liệu trong gói nộp của cả kỳ: không nhập giá "
                                "trị, không chọn tuần và không liệt kê hồ sơ (các việc đó làm ở tệp của xã).")
            return _upper(store, unit, args)
        if args.nhap:
            unit = store.unit(args.unit)
            period = store.get_period(unit["code"], args.period)
            for item in args.nhap:
                name, sep, text = item.partition("=")
                if not sep:
                    raise UserError(f"--nhap “{item}”: ghi dạng TÊN=SỐ, ví dụ tthc_cong_bo=12.")
                value = index766.set_typed(store, period["id"], name.strip(), text)
                print(f"Đã ghi {defn.inputs[name.strip()]}: {'(xóa)' if value is None else fmt.number(value)}")
        res = index766.compute(store, args.unit, args.period, args.tu_tuan, args.den_tuan,
                               with_lost=args.ho_so_mat_diem)
        trends = {}
        for flag, by in ((args.theo_tuan, "week"), (args.theo_thang, "month")):
            if flag:
                days = index766.load_days(store, res.unit_code, res.end)
                period = store.get_period(res.unit_code, args.period)
                trends[by] = index766.trend(defn, days, index766.typed_values(store, period["id"]),
                                            res.start, res.end, by)
    finally:
        store.close()
    if args.json:
        out = res.as_dict()
        for by, points in trends.items():
            out["theo_tuan" if by == "week" else "theo_thang"] = [
                {"ky": t.label, "tu_ngay": t.start.isoformat(), "den_ngay": t.end.isoformat(),
                 "diem": float(t.points), "diem_toi_da_da_tinh": float(t.counted_max)} for t in points]
        print(json.dumps(out, ensure_ascii=False, indent=2))
        return 0
    for line in index766.text_lines(res, defn.sources):
        print(line)
    for by, points in trends.items():
        print()
        print("Điểm theo " + ("tuần" if by == "week" else "tháng") + ":")
        for t in points:
            print(f"  {t.label}\t{fmt.date(t.start)}–{fmt.date(t.end)}\t{fmt.number(t.points, 2)} / "
                  f"{fmt.number(t.counted_max, 2)}")
    return 0


def _upper(store, unit: dict, args) -> int:
    """At the upper level: every commune ranked (the upper unit), or one commune's criteria, scored
    from the counts its package carried with this app's own index file."""
    if unit["kind"] in UPPER_KINDS:
        table = index766_province.province_table(store, args.period, unit["code"])
        if args.json:
            print(json.dumps(table.as_dict(), ensure_ascii=False, indent=2))
        else:
            for line in index766_province.text_lines(table):
                print(line)
        return 0
    period = store.find_period(unit["code"], args.period)
    res = index766_province.commune_result(store, unit, period) if period else None
    if res is None:
        what = "chưa nộp gói kỳ này" if period is None else "gói nộp không có số liệu chỉ số QĐ 766 (gói lập bằng phiên bản cũ)"
        if args.json:
            print(json.dumps({"don_vi": unit["code"], "ten_don_vi": unit["name"], "ky": args.period, "diem": None,
                              "chua_co": what}, ensure_ascii=False, indent=2))
        else:
            print(f"Chỉ số phục vụ người dân, doanh nghiệp (QĐ 766/QĐ-TTg) — {unit['name']}: {index766.NO_DATA} ({what}).")
        return 0
    if args.json:
        print(json.dumps({**res.as_dict(), "bo_chi_so_cua_xa": res.sent_version}, ensure_ascii=False, indent=2))
        return 0
    for line in index766.text_lines(res, index_def.load().sources):
        print(line)
    if res.sent_version != res.version:
        print(f"\nXã tính bằng bộ chỉ số {res.sent_version}; điểm ở đây tính lại theo bộ {res.version}.")
    return 0
