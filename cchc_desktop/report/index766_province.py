"""The QĐ 766 index between a commune and its province: the section of the hand-off package that
carries the period's index figures, and the province's comparison of its communes.

The section (`chi_so_766` in the package's data.json, docs/goi-nop.md) holds, for each criterion,
the counts it rests on: a register measure's numerator, denominator and how many dossiers had the
value known / were concerned, or the unit's typed values; and the index file version it was
counted with. Never the points: the province scores every commune from those counts with its own
index file (report/index766.evaluate_counts). A package without the section leaves its commune
"chưa có số liệu", never 0. `parse_section` type-checks a received section (hostile data: one
Vietnamese line, nothing written); `province_table` lists every commune of the province's list
with its total, the five groups and its rank.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal

from cchc_desktop import fmt
from cchc_desktop.domain import index766 as index_def
from cchc_desktop.domain import periods
from cchc_desktop.domain.units import UPPER_KINDS, label
from cchc_desktop.errors import UserError
from cchc_desktop.report import aggregate, index766
from cchc_desktop.report.index766 import NO_DATA
from cchc_desktop.store import index766 as store_index

SECTION = "chi_so_766"
NOT_SENT = "chưa nộp"
MAX_COUNT = 10 ** 12  # as dataio.MAX_DOSSIERS
MAX_ENTRIES = 500
_NAME = re.compile(r"[a-z][a-z0-9_]{0,59}")
_CODE = re.compile(r"[0-9A-Za-z.\-_]{1,20}")
_VERSION = re.compile(r"[0-9A-Za-z.\-_]{1,60}")
_COUNT_KEYS = ("tu_so", "mau_so", "co_gia_tri", "lien_quan")


class SectionError(UserError):
    """A received section that is not what the format says; str(e) names what, in Vietnamese."""


# --- the commune's side: the section it sends --------------------------------------------------
def build_section(store, period: dict) -> dict | None:
    """The section of a period: counted from the unit's register and typed values, or, for a
    commune's period that came in a package (the upper level's file), what that package carried
    (None when it carried none). A unit's own file never sends counts it once loaded from a JSON
    file: its register is the source."""
    defn = index_def.load()
    typed = store_index.typed_values(store, period["id"])
    from_package = is_from_package(store.unit(period["unit_code"]))
    got = store_index.received(store, period["id"]) if from_package else None
    if from_package and got is None:
        return None
    if got is not None:
        head, counts = got
        version, start, end = head["version"], head["start_date"], head["end_date"]
    else:
        start, end = dt.date.fromisoformat(period["start_date"]), dt.date.fromisoformat(period["end_date"])
        counts = index766.window_counts(defn, index766.load_days(store, period["unit_code"], end), start, end)
        version, start, end = defn.version, start.isoformat(), end.isoformat()
    entries = []
    for c in defn.criteria:
        if c.measure:
            if c.measure in counts:
                entries.append({"ma": c.code, "so_lieu": c.measure, **dict(zip(_COUNT_KEYS, counts[c.measure]))})
        else:
            entries.append({"ma": c.code, "nhap": {n: typed.get(n) for n in (c.numerator, c.denominator)}})
    return {"bo_chi_so": version, "tu_ngay": start, "den_ngay": end, "chi_tieu": entries}


# --- the province's side: checking and keeping what came -----------------------------------------
@dataclass
class Received:
    version: str
    start: str
    end: str
    counts: dict[str, tuple[int, int, int, int]] = field(default_factory=dict)
    typed: dict[str, int] = field(default_factory=dict)


def _bad(msg: str):
    raise SectionError(f"phần chỉ số QĐ 766 ({SECTION}) sai dạng: {msg}")


def _count(v, where: str) -> int:
    if isinstance(v, bool) or not isinstance(v, int):
        _bad(f"{where} không phải số nguyên")
    if not 0 <= v <= MAX_COUNT:
        _bad(f"{where} phải từ 0 đến {fmt.number(MAX_COUNT)}")
    return v


def _short(v) -> str:
    text = str(v)
    return text if len(text) <= 24 else text[:20] + "…"


def parse_section(raw, start: str, end: str) -> Received:
    """A received section, every field of its type and within bounds, the window the period's own
    (start, end as ISO dates); SectionError otherwise."""
    if not isinstance(raw, dict):
        _bad("không phải một bảng")
    version = raw.get("bo_chi_so")
    if not isinstance(version, str) or not _VERSION.fullmatch(version):
        _bad(f"phiên bản bộ chỉ số “{_short(version)}” không hợp lệ")
    if raw.get("tu_ngay") != start or raw.get("den_ngay") != end:
        _bad(f"khoảng ngày {_short(raw.get('tu_ngay'))} – {_short(raw.get('den_ngay'))} khác khoảng ngày của kỳ báo cáo")
    entries = raw.get("chi_tieu")
    if not isinstance(entries, list) or len(entries) > MAX_ENTRIES:
        _bad("danh sách chỉ tiêu không đúng dạng")
    out = Received(version, start, end)
    for pos, e in enumerate(entries, 1):
        if not isinstance(e, dict) or not isinstance(e.get("ma"), str) or not _CODE.fullmatch(e["ma"]):
            _bad(f"chỉ tiêu thứ {pos} không có mã hợp lệ")
        where = f"chỉ tiêu {e['ma']}"
        if "so_lieu" in e:
            m = e["so_lieu"]
            if not isinstance(m, str) or m not in index_def.MEASURES:
                _bad(f"{where}: số liệu “{_short(m)}” không có trong bộ chỉ số")
            num, den, known, concerned = (_count(e.get(k), f"{where}: {k}") for k in _COUNT_KEYS)
            if not num <= den <= known <= concerned:
                _bad(f"{where}: các số không khớp nhau (tử số ≤ mẫu số ≤ số hồ sơ có thông tin ≤ số hồ sơ liên quan)")
            if out.counts.setdefault(m, (num, den, known, concerned)) != (num, den, known, concerned):
                _bad(f"{where}: số liệu “{m}” ghi hai lần khác nhau")
        elif "nhap" in e:
            typed = e["nhap"]
            if not isinstance(typed, dict) or len(typed) > 10:
                _bad(f"{where}: giá trị nhập không đúng dạng")
            for n, v in typed.items():
                if not _NAME.fullmatch(n):
                    _bad(f"{where}: tên giá trị nhập “{_short(n)}” không hợp lệ")
                if v is None:
                    continue
                v = _count(v, f"{where}: {n}")
                if out.typed.setdefault(n, v) != v:
                    _bad(f"{where}: giá trị nhập “{n}” ghi hai lần khác nhau")
        else:
            _bad(f"{where}: không có số liệu (so_lieu) hay giá trị nhập (nhap)")
    return out


def write_section(store, period_id: int, got: Received) -> None:
    store_index.write_received(store, period_id, got.version, got.start, got.end, got.counts, got.typed)


# --- the province's side: scoring ----------------------------------------------------------------
def commune_result(store, unit: dict, period: dict, defn: index_def.IndexDef | None = None
                   ) -> index766.IndexResult | None:
    """A commune's index from the counts its package carried, scored with this file's index
    (`defn`, default the app's own); None when its package carried no section."""
    got = store_index.received(store, period["id"])
    return score(unit, period, got, store_index.typed_values(store, period["id"]), defn)


def score(unit: dict, period: dict, got, typed: dict[str, int], defn: index_def.IndexDef | None = None
          ) -> index766.IndexResult | None:
    """The IndexResult of what a package carried (`got`: store_index.received's pair, or None)."""
    if got is None:
        return None
    head, counts = got
    defn = defn or index_def.load()
    start, end, label_ = index766.window_of(period)
    res = index766.IndexResult(defn.version, unit["code"], unit["name"], start, end, label_,
                               index766.evaluate_counts(defn, counts, typed), defn.total)
    res.sent_version = head["version"]
    return res


def is_from_package(unit: dict) -> bool:
    """A commune under an upper unit of the file: its index comes from its packages, not a register."""
    return bool(unit.get("parent_code")) and unit.get("kind") not in UPPER_KINDS


def for_report(store, unit: dict, period: dict) -> index766.IndexResult:
    """The QĐ 766 index a commune's Word report prints (the export's option): from its register, or
    at the upper level from the counts its package carried. UserError for an upper unit's own
    report, and for a commune whose package carried no section."""
    if unit.get("kind") in UPPER_KINDS:
        raise UserError("Phần chỉ số QĐ 766 chỉ có trong báo cáo của đơn vị cấp xã; chỉ số của các xã so sánh ở "
                        "Tổng hợp số liệu (thẻ Chỉ số QĐ 766) hoặc lệnh index-766.")
    if is_from_package(unit):
        res = commune_result(store, unit, period)
        if res is None:
            raise UserError(f"Gói nộp của {unit['name']} kỳ này không có số liệu chỉ số QĐ 766 (lập bằng phiên bản "
                            "cũ): chưa có số liệu để thêm vào báo cáo.")
        return res
    return index766.compute(store, unit["code"], period["code"])


@dataclass
class CommuneIndex:
    code: str
    name: str
    status: str  # co_so_lieu | chua_co_so_lieu (its package has no section, or nothing counted) | chua_nop
    result: index766.IndexResult | None = None
    rank: int | None = None

    @property
    def status_label(self) -> str:
        if self.status == "chua_nop":
            return "Chưa nộp"
        if self.status == "chua_co_so_lieu":
            return "Đã nộp, chưa có số liệu chỉ số"
        return "Có số liệu"

    def total_text(self) -> str:
        if self.result is None:
            return NOT_SENT if self.status == "chua_nop" else NO_DATA
        return index766.score_text(self.result.points, self.result.counted_max)

    def group_texts(self) -> list[str]:
        if self.result is None:
            return []
        return [index766.score_text(g.points, g.counted_max) for g in self.result.groups]

    def as_dict(self) -> dict:
        r = self.result
        return {"ma": self.code, "ten": self.name, "tinh_trang": self.status, "tinh_trang_chu": self.status_label,
                "hang": self.rank, "diem": None if r is None or not r.counted_max else index766._plain(r.points),
                "diem_toi_da_da_tinh": None if r is None else index766._plain(r.counted_max),
                "bo_chi_so_cua_xa": None if r is None else r.sent_version,
                "nhom": None if r is None else [
                    {"ma": g.code, "ten": g.name, "diem_toi_da": index766._plain(g.max_points),
                     "diem": index766._plain(g.points) if g.counted_max else None,
                     "diem_toi_da_da_tinh": index766._plain(g.counted_max)} for g in r.groups]}


@dataclass
class ProvinceIndex:
    upper: dict
    period_code: str
    version: str
    groups: list[tuple[str, str, Decimal]]  # code, name, max points
    total_max: Decimal
    communes: list[CommuneIndex]

    @property
    def with_data(self) -> list[CommuneIndex]:
        return [c for c in self.communes if c.status == "co_so_lieu"]

    def as_dict(self) -> dict:
        return {"bo_chi_so": self.version, "don_vi": self.upper["code"], "ten_don_vi": label(self.upper),
                "ky": self.period_code, "tong_diem_toi_da": index766._plain(self.total_max),
                "nhom": [{"ma": c, "ten": n, "diem_toi_da": index766._plain(m)} for c, n, m in self.groups],
                "don_vi_cap_xa": [c.as_dict() for c in self.communes]}


def rank(rows: list[CommuneIndex]) -> None:
    """Rank by total, highest first; equal totals share a rank (1, 2, 2, 4)."""
    scored = sorted((c for c in rows if c.status == "co_so_lieu"), key=lambda c: -c.result.points)
    prev, place = None, 0
    for i, c in enumerate(scored, 1):
        if c.result.points != prev:
            place, prev = i, c.result.points
        c.rank = place


def province_table(store, period_code: str, unit_code: str | None = None) -> ProvinceIndex:
    """Every commune of the upper unit (for a province after 1/7/2025 every unit of the official
    list) with its index for the period, ranked; "chưa nộp" / "chưa có số liệu" where so."""
    upper = aggregate.upper_unit(store, unit_code)
    key = periods.parse_code(period_code)
    defn = index_def.load()
    rows = []
    communes = aggregate.communes_of(store, upper["code"], key)
    held = store_index.received_of_period(store, key.year, key.kind, [c["code"] for c in communes])
    for c in communes:
        if c["code"] not in held:
            rows.append(CommuneIndex(c["code"], label(c), "chua_nop"))
            continue
        period, got, typed = held[c["code"]]
        res = score(c, {**period, "code": key.code}, got, typed, defn)
        ok = res is not None and res.counted_max > 0
        rows.append(CommuneIndex(c["code"], label(c), "co_so_lieu" if ok else "chua_co_so_lieu", res))
    rank(rows)
    order = {"co_so_lieu": 0, "chua_co_so_lieu": 1, "chua_nop": 2}
    rows.sort(key=lambda c: (order[c.status], c.rank or 0, aggregate._sort_key(c.name)))
    return ProvinceIndex(upper, key.code, defn.version, [(g.code, g.name, g.points) for g in defn.groups],
                         defn.total, rows)


def text_lines(p: ProvinceIndex) -> list[str]:
    """The comparison as lines for the command line: rank, commune, total, the five groups."""
    lines = [f"Chỉ số phục vụ người dân, doanh nghiệp (QĐ 766/QĐ-TTg) của các đơn vị cấp xã — {label(p.upper)}, "
             f"{periods.name(periods.parse_code(p.period_code))}",
             f"{len(p.with_data)}/{len(p.communes)} đơn vị có số liệu; điểm tính lại từ số liệu gốc trong gói nộp "
             f"theo bộ chỉ số {p.version}.",
             "",
             "\t".join(["Hạng", "Đơn vị cấp xã", f"Tổng ({fmt.number(p.total_max)})"]
                       + [f"Nhóm {c} ({fmt.number(m)})" for c, _n, m in p.groups])]
    for c in p.communes:
        lines.append("\t".join([str(c.rank) if c.rank else "", c.name, c.total_text(), *c.group_texts()]))
    return lines
