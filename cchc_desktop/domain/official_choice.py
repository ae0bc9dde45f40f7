"""A unit picked from the official list of 1/7/2025, as the data file stores it.

official_units gives the list (names as written officially: "Phường Tân Hưng", "Thành phố Hải
Phòng"); the data file stores a unit as a kind code and a bare name ("phuong", "Tân Hưng") and
its upper level as a phrase ("thành phố Hải Phòng", the way a sentence names it; the letterhead
prints it as "UBND THÀNH PHỐ HẢI PHÒNG"). This module turns one into the other, resolves the loose
names a user or a script gives (`pick_province`, `pick_unit`: one unit, or a UserError listing
the candidates), and makes the code of a unit outside the list (`own_code`).

No Qt, no store: the window (ui/shell/welcome.py, ui/entry/info_tab.py), the command line
(commands/units.py) and the package import (importing/package.py) share it.
"""
from __future__ import annotations

import re
import unicodedata

from cchc_desktop import fmt
from cchc_desktop.domain import official_units as ou
from cchc_desktop.errors import UserError

# official_units' kind words → the data file's kind codes
KIND_CODES = {"xã": "xa", "phường": "phuong", "đặc khu": "dac_khu", "tỉnh": "tinh", "thành phố": "thanh_pho"}
CANDIDATES_SHOWN = 8


def upper_name(province: ou.Province) -> str:
    """How the unit's record names its upper level: "thành phố Hải Phòng", "tỉnh Nghệ An"."""
    return f"{province.kind} {province.short_name}"


def unit_fields(unit: ou.Unit) -> dict:
    """The unit record of an official unit: its official code, bare name, kind code, the province
    as upper level (with the province's code) and the place name of the date line. No district:
    there is none since 1/7/2025."""
    province = unit.province
    return {"code": unit.code, "name": unit.short_name, "kind": KIND_CODES[unit.kind],
            "upper_name": upper_name(province), "upper_code": province.code,
            "province": province.short_name, "place_name": unit.short_name}


def province_fields(province: ou.Province) -> dict:
    """The unit record of a province as an upper level: code "31", name "Hải Phòng", kind "thanh_pho"."""
    return {"code": province.code, "name": province.short_name, "kind": KIND_CODES[province.kind],
            "province": province.short_name, "place_name": province.short_name}


def province_of_upper(upper_name_text: str, upper_code: str = "") -> ou.Province | None:
    """Today's province a commune's record names as its upper level, by code ("31") or by name
    ("thành phố Hải Phòng", or "tỉnh Hải Phòng" typed with the wrong kind word); None when it
    names no province of the list (a district, a former province, a blank)."""
    code = (upper_code or "").strip()
    if code.isdigit() and len(code) <= 2 and ou.province(code) is not None:
        return ou.province(code)
    text = " ".join((upper_name_text or "").split())
    low = text.lower()
    for prefix in ("ubnd ", "ủy ban nhân dân ", "uỷ ban nhân dân "):
        if low.startswith(prefix):
            text, low = text[len(prefix):], low[len(prefix):]
    if not low.startswith(("tỉnh ", "thành phố ", "tp ", "tp. ")):
        return None  # "huyện Thanh Miện": a district of the former two-level upper
    found = ou.find_provinces(text, best_only=True)
    # Only a name of the province itself (score ≤ 3), not a province whose name merely starts so.
    return found[0] if len(found) == 1 and _names(found[0].short_name, text) else None


def _names(short: str, text: str) -> bool:
    """Does `text`, without its kind word, spell the name `short` (accents, case, spacing aside)?"""
    def key(s: str) -> str:
        s = unicodedata.normalize("NFD", s.replace("đ", "d").replace("Đ", "D"))
        return "".join(c for c in s if c.isalnum()).lower()

    words = re.sub(r"^(tỉnh|thành phố|tp\.?)\s+", "", text, flags=re.IGNORECASE)
    return key(words) == key(short)


def _listing(items, describe) -> str:
    shown = [describe(i) for i in items[:CANDIDATES_SHOWN]]
    more = len(items) - len(shown)
    return "; ".join(shown) + (f" và {more} đơn vị khác" if more > 0 else "")


def pick_province(text: str) -> ou.Province:
    """The one province `text` names ("Hải Phòng", "tp hai phong", "HCM"), or a UserError."""
    if not (text or "").strip():
        raise UserError("Hãy ghi tên tỉnh/thành phố (ví dụ “Hải Phòng”).")
    best = ou.find_provinces(text, best_only=True)
    if len(best) == 1:
        return best[0]
    if best:
        raise UserError(f"“{text}” khớp nhiều tỉnh/thành phố: {_listing(best, lambda p: p.name)}. Hãy ghi rõ hơn.")
    former = next((f for f in ou.former_provinces() if _names(f.short_name, text)), None)
    hint = f" {former.name} nay thuộc {ou.province(former.successor_code).name}." if former else ""
    raise UserError(f"Không có tỉnh/thành phố “{text}” trong danh mục 34 tỉnh, thành phố từ ngày 01/7/2025.{hint}")


def pick_unit(text: str, province: ou.Province, code: str | None = None) -> ou.Unit:
    """The one unit of `province` that `text` ("Tân Hưng", "Phường Tân Hưng", "p tan hung") or
    the official `code` names (both given: they must agree), or a UserError listing the
    candidates."""
    def describe(u: ou.Unit) -> str:
        return f"{u.name} (mã {u.code})"

    if code:
        unit = ou.unit(code)
        if unit is None or unit.province_code != province.code:
            raise UserError(f"{province.name} không có đơn vị mã “{code}” trong danh mục từ ngày 01/7/2025.")
        if (text or "").strip() and unit not in ou.find_units(text, province.code):
            raise UserError(f"Mã {code} là {unit.name}, không phải “{text}”.")
        return unit
    if not (text or "").strip():
        raise UserError("Hãy ghi tên đơn vị cấp xã (ví dụ “Phường Tân Hưng” hoặc “Tân Hưng”).")
    best = ou.find_units(text, province.code, best_only=True)
    if len(best) == 1:
        return best[0]
    if best:
        raise UserError(f"“{text}” khớp nhiều đơn vị của {province.name}: {_listing(best, describe)}. "
                        "Hãy ghi cả loại đơn vị (xã, phường, đặc khu) hoặc dùng mã (--code).")
    elsewhere = ou.find_units(text, best_only=True)
    hint = ""
    if elsewhere:
        hint = " Có ở: " + _listing(elsewhere, lambda u: f"{u.name}, {u.province.name}") + "."
    raise UserError(f"{province.name} không có đơn vị “{text}” trong danh mục từ ngày 01/7/2025.{hint} "
                    "Nếu đúng là đơn vị ngoài danh mục, hãy chọn rõ điều đó (--ngoai-danh-muc).")


def own_code(kind: str, name: str) -> str:
    """The code of a unit outside the list (and of the units made before it): `xa`, `Chi Lăng
    Nam` → `xa-chi-lang-nam` (never all digits, so it cannot be taken for an official code)."""
    t = fmt.slug(name)
    return f"{kind.replace('_', '-')}-{t}" if t else kind
