"""A unit and its periods on the command line, without the window (an IT officer preparing the
data files of a province's communes; tests; scripts).

    cchc-desktop new-unit --db PATH --province NAME --name NAME [--code CODE] [--period P]
                          [--ngoai-danh-muc --kind xa|phuong|dac_khu]
    cchc-desktop new-period --db PATH --period P [--unit CODE] [--tu-ky P | --khong-mang-sang]

`new-unit` picks the unit from the official list of 1/7/2025 (official_choice: loose names,
unknown or ambiguous ones refused with the candidates), gives it its official code and the
province as upper level, and creates it with its first period and default texts as the window's
welcome form does (default_texts.setup_unit). A unit outside the list only with --ngoai-danh-muc.

`new-period` does what the window's Kỳ báo cáo mới does with its defaults: text, dossier fields
and settings carried over from the unit's latest period (figures never), store.create_period.
"""
from __future__ import annotations

from cchc_desktop.domain import units
from cchc_desktop.cli import add_db, open_db
from cchc_desktop.errors import UserError

OWN_KINDS = ("xa", "phuong", "dac_khu")  # a unit outside the list, since 1/7/2025


def register(sub) -> None:
    p = sub.add_parser("new-unit", help="tạo đơn vị cấp xã (chọn theo danh mục từ 01/7/2025) và kỳ báo cáo đầu tiên")
    add_db(p)
    p.add_argument("--province", metavar="TÊN", required=True, help="tỉnh/thành phố, ví dụ “Hải Phòng”")
    p.add_argument("--name", metavar="TÊN", default="", help="tên đơn vị, ví dụ “Phường Tân Hưng” hoặc “Tân Hưng”")
    p.add_argument("--code", metavar="MÃ", help="mã đơn vị theo danh mục (ví dụ 10537); ngoài danh mục: mã tự đặt")
    p.add_argument("--period", metavar="KỲ", help="kỳ báo cáo đầu tiên (mặc định: báo cáo năm hiện tại)")
    p.add_argument("--ngoai-danh-muc", dest="outside", action="store_true",
                   help="đơn vị không có trong danh mục (phải ghi --kind)")
    p.add_argument("--kind", choices=OWN_KINDS, help="loại đơn vị ngoài danh mục: xa, phuong, dac_khu")
    p.set_defaults(func=cmd_new_unit)

    p = sub.add_parser("new-period", help="tạo kỳ báo cáo mới (mang sang lời văn, lĩnh vực hồ sơ từ kỳ gần nhất)")
    add_db(p)
    p.add_argument("--period", metavar="KỲ", required=True, help="kỳ báo cáo, ví dụ 2026-Q1, 2026-NAM")
    p.add_argument("--unit", metavar="MÃ", help="mã đơn vị (mặc định: đơn vị chính của tệp)")
    carry = p.add_mutually_exclusive_group()
    carry.add_argument("--tu-ky", dest="source", metavar="KỲ", help="mang sang từ kỳ này (mặc định: kỳ gần nhất)")
    carry.add_argument("--khong-mang-sang", dest="no_carry", action="store_true", help="kỳ mới để trống")
    p.set_defaults(func=cmd_new_period)


def unit_record(province_text: str, name: str, code: str | None = None, outside: bool = False,
                kind: str | None = None) -> dict:
    """The unit the arguments name: code, name, kind and the fields of setup_unit; UserError if none."""
    # with its command only (CLI start-up time)
    from cchc_desktop.domain import official_choice as oc, official_units as ou

    province = oc.pick_province(province_text)
    if not outside:
        if kind:
            raise UserError("--kind chỉ dùng cho đơn vị ngoài danh mục (--ngoai-danh-muc); loại đơn vị trong "
                            "danh mục lấy theo danh mục.")
        return oc.unit_fields(oc.pick_unit(name, province, code))
    if not kind:
        raise UserError("Đơn vị ngoài danh mục cần ghi loại: --kind xa, phuong hoặc dac_khu.")
    bare = units.bare_name(name, kind)
    if not bare:
        raise UserError("Hãy ghi tên đơn vị (--name).")
    listed = [u for u in ou.find_units(bare, province.code, best_only=True)
              if oc.KIND_CODES[u.kind] == kind and u.short_name.casefold() == bare.casefold()]
    if listed:
        raise UserError(f"{listed[0].name} có trong danh mục (mã {listed[0].code}): hãy bỏ --ngoai-danh-muc.")
    if code and ou.unit(code) is not None:
        raise UserError(f"Mã {code} là mã của {ou.unit(code).name} trong danh mục: hãy chọn mã khác cho đơn vị "
                        "ngoài danh mục (hoặc để trống).")
    return {"code": (code or "").strip() or oc.own_code(kind, bare), "name": bare, "kind": kind,
            "upper_name": oc.upper_name(province), "upper_code": province.code,
            "province": province.short_name, "place_name": bare}


def cmd_new_unit(args) -> int:
    from cchc_desktop.domain import official_units as ou, periods  # with its command only (CLI start-up time)
    from cchc_desktop.report import default_texts  # with its command only (CLI start-up time)

    record = unit_record(args.province, args.name, args.code, args.outside, args.kind)
    store = open_db(args, must_exist=False, write=True)
    try:
        existing = store.units()
        if existing:
            raise UserError(f"Tệp dữ liệu này đã có {units.label(existing[0])}: mỗi đơn vị dùng một tệp dữ liệu riêng. "
                            "Hãy ghi tên tệp mới ở --db.")
        code, name, kind = record.pop("code"), record.pop("name"), record.pop("kind")
        period = default_texts.setup_unit(
            store, code, name, kind, period_code=args.period, **record,
            signing_capacity="TM. ỦY BAN NHÂN DÂN", signer_title="CHỦ TỊCH")  # Nơi nhận: the frame's
        unit = store.unit(code)
    finally:
        store.close()
    where = "ngoài danh mục" if args.outside or ou.unit(code) is None else f"mã {code}"
    print(f"Đã tạo {units.label(unit)} ({where}, {unit['upper_name']}) với kỳ báo cáo "
          f"{periods.name(periods.parse_code(period['code']))} (danh mục biểu mẫu {period['catalogue_version']}).")
    if args.outside:
        print(f"Lưu ý: {units.label(unit)} không có trong danh mục đơn vị hành chính từ ngày 01/7/2025.")
    return 0


def cmd_new_period(args) -> int:
    from cchc_desktop.domain import periods  # with its command only (CLI start-up time)
    from cchc_desktop.report import default_texts  # with its command only (CLI start-up time)

    key = periods.parse_code(args.period)
    store = open_db(args, write=True)
    try:
        unit = store.unit(args.unit)
        source = None
        if args.source:
            source = store.get_period(unit["code"], args.source)
        elif not args.no_carry:
            have = store.periods(unit["code"])
            source = have[-1] if have else None
        period = default_texts.new_period(store, unit["code"], key.code, carry_from=source["id"] if source else None)
    finally:
        store.close()
    if source and not default_texts.same_frame(source, period):
        carried = (f"lĩnh vực hồ sơ mang sang từ kỳ {source['year']}-{source['kind']}; lời văn theo mẫu của khung "
                   "pháp lý mới, không mang sang vì kỳ trước thuộc khung khác")
    elif source:
        carried = f"lời văn, lĩnh vực hồ sơ mang sang từ kỳ {source['year']}-{source['kind']}"
    else:
        carried = "để trống"
    print(f"Đã tạo kỳ báo cáo {periods.name(key)} của {units.label(unit)} ({carried}; danh mục biểu mẫu "
          f"{period['catalogue_version']}).")
    return 0
