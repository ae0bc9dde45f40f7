"""The legal frame of a report period (DESIGN.md principle 6): resources/frames/<frame>/khung.toml.

A frame holds what the law in force on the period's dates decides: the catalogue of forms, the
default report texts, the Nơi nhận, the documents cited, the words of the unit's kind and of its
agencies, and the words of levels that no longer exist. The period's end date chooses it
(`for_dates`): periods ending before 1/7/2025 are in the 2023 frame (three tiers, the seed's
forms and texts), later ones — the 2025 annual report too — in the two-tier frame. A frame is
data: a later law is a new folder, never an edit of an older frame's text.

Also here: the unit's province as it is named today (`province_words`) and the former communes a
unit was formed of on 1/7/2025 (`formed_from`), both from domain/official_units.
"""
from __future__ import annotations

import datetime as dt
import re
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache

from cchc_desktop import paths
from cchc_desktop.domain import official_units as ou

FRAMES_DIR = "frames"
SEED_TEXTS = "bao-cao-mau"  # `loi_van` of a frame whose default texts are the seed's (default_texts.py)


@dataclass(frozen=True)
class OldWord:
    """Words of a level or unit that no longer exists in this frame, and what to write instead."""
    pattern: re.Pattern
    advice: str  # may name {tinh.ten}, {tinh.co_quan}, {tinh.loai}, {don_vi.loai}
    general: bool = False  # reported only when no specific pattern matched the same text


@dataclass(frozen=True)
class Frame:
    key: str
    name: str
    catalogue_file: str  # in resources/catalogue/
    ends_from: dt.date | None  # the frame covers periods whose end date is on or after this …
    ends_before: dt.date | None  # … and before this
    texts: str  # SEED_TEXTS, or "" when the sections below are the default texts
    desk: str  # the one-stop desk of a commune, in general
    kinds: dict = field(default_factory=dict)  # unit kind → words (loai, thon_to, trung_tam, mot_cua, cong_an, quan_su)
    sections: dict = field(default_factory=dict)  # outline key → {text, title?, hop_nhat?, hop_nhat_vi_tri?, cap_tren?}
    recipients: tuple[str, ...] = ()  # a commune's Nơi nhận (placeholders allowed)
    legal_bases: tuple[str, ...] = ()
    old_words: tuple[OldWord, ...] = ()
    merger_date: dt.date | None = None  # the day the communes of this frame began (1/7/2025)

    @property
    def two_tier(self) -> bool:
        return self.merger_date is not None

    def covers(self, end: dt.date) -> bool:
        return (self.ends_from is None or end >= self.ends_from) and (self.ends_before is None or end < self.ends_before)

    def words(self, kind: str) -> dict:
        """The words of a unit of that kind (an unknown or upper kind: those of a xã)."""
        return self.kinds.get(kind) or self.kinds.get("xa") or {}

    def agency_names(self, kind: str) -> dict[str, str]:
        """ubnd / cong_an / quan_su as this frame names them for a unit of that kind."""
        w = self.words(kind)
        return {"ubnd": w.get("mot_cua") or self.desk, "cong_an": w.get("cong_an", "Công an"),
                "quan_su": w.get("quan_su", "Ban Chỉ huy quân sự")}

    def catalogue_path(self):
        return paths.resource("catalogue", self.catalogue_file)

    def is_merger_period(self, start: dt.date, end: dt.date) -> bool:
        """The period's window holds the day the new communes began (quý III, 9 tháng, năm 2025)."""
        return self.merger_date is not None and start < self.merger_date <= end


def _date(v) -> dt.date | None:
    return v if isinstance(v, dt.date) else (dt.date.fromisoformat(v) if v else None)


def _read(folder) -> Frame:
    with open(folder / "khung.toml", "rb") as fh:
        d = tomllib.load(fh)
    k = d["khung"]
    return Frame(
        key=k["ma"], name=k["ten"], catalogue_file=k["danh_muc"],
        ends_from=_date(k.get("ngay_cuoi_tu")), ends_before=_date(k.get("ngay_cuoi_truoc")),
        texts=k.get("loi_van", ""), desk=k.get("mot_cua", ""),
        kinds=d.get("loai_don_vi", {}),
        sections={s["key"]: s for s in d.get("sections", [])},
        recipients=tuple((d.get("noi_nhan") or {}).get("cap_xa", ())),
        legal_bases=tuple((d.get("can_cu") or {}).get("van_ban", ())),
        old_words=tuple(OldWord(re.compile(w["mau"]), w["goi_y"], bool(w.get("chung"))) for w in d.get("tu_khong_con", [])),
        merger_date=_date(k.get("ngay_sap_xep")),
    )


@lru_cache(maxsize=1)
def frames() -> tuple[Frame, ...]:
    """Every frame shipped, earliest first."""
    root = paths.resource(FRAMES_DIR)
    found = [_read(p) for p in sorted(root.iterdir()) if (p / "khung.toml").is_file()]
    return tuple(sorted(found, key=lambda f: f.ends_from or dt.date.min))


def for_dates(start, end) -> Frame:
    """The frame of a period with that window (dates or ISO text); its end date decides."""
    end = _date(end)
    for f in frames():
        if f.covers(end):
            return f
    raise LookupError(f"no frame covers a period ending {end}")


def for_period(period: dict) -> Frame:
    return for_dates(period["start_date"], period["end_date"])


# --- the unit as it is named on the period's dates -------------------------------------------------
def official_unit(unit: dict) -> ou.Unit | None:
    """The unit of the official list (1/7/2025) this unit is: by its code when the code is an
    official one with the same name (the list reuses former codes: "11284" was Chi Lăng Nam)."""
    found = ou.unit(unit.get("code") or "") if str(unit.get("code") or "").isdigit() else None
    if found is not None and found.short_name.casefold() == (unit.get("name") or "").strip().casefold():
        return found
    return None


def province_words(unit: dict) -> tuple[str, str]:
    """(kind word, name) of the unit's province: ("thành phố", "Hải Phòng"), ("tỉnh", "Nghệ An");
    a province not in today's list (a former one, "Hải Dương") or unknown: ("tỉnh", its name)."""
    official = official_unit(unit)
    prov = official.province if official else None
    code = str(unit.get("upper_code") or "")
    if prov is None and code.isdigit() and len(code) <= 2:
        prov = ou.province(code)
    name = (unit.get("province") or "").strip()
    if prov is None and name:
        exact = [p for p in ou.find_provinces(name, best_only=True) if p.short_name.casefold() == name.casefold()
                 or p.name.casefold() == name.casefold()]
        prov = exact[0] if len(exact) == 1 else None
    if prov is not None:
        return prov.kind, prov.short_name
    for word in ("thành phố ", "tỉnh "):
        if name.lower().startswith(word):
            return word.strip(), name[len(word):]
    return "tỉnh", name


def formed_from(unit: dict) -> list[ou.FormerUnit]:
    """The former communes the unit was formed of on 1/7/2025 (empty if it is not in the list, or
    kept its one former commune whole under the same name)."""
    official = official_unit(unit)
    if official is None:
        return []
    former = ou.former_units(official.code)
    if len(former) == 1 and former[0].whole and former[0].short_name == official.short_name \
            and former[0].kind == official.kind:
        return []
    return former


def former_names(former: list[ou.FormerUnit]) -> str:
    """`xã Chi Lăng Bắc, xã Chi Lăng Nam, xã Thanh Giang và xã Hồng Phong`; a divided one as
    `một phần phường Trần Phú`."""
    names = [("" if f.whole else "một phần ") + f"{f.kind} {f.short_name}" for f in former]
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " và " + names[-1]
