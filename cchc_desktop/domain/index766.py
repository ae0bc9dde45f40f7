"""The QĐ 766/QĐ-TTg service index as data: groups, criteria, points, rules, sources.

Loaded from resources/chi-so-766/<version>.toml (format: docs/formats.md, "Bộ chỉ số 766";
sources: NGUON.md beside it). A criterion is computed from the dossier register (`so_lieu`:
one of MEASURES) or from two values the unit types per period (`tu_so` / `mau_so`, named in
[nhap]). Its points are computed only when both its maximum and its rule are sourced; the
computation lives in cchc_desktop/report/index766.py.
"""
from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property, lru_cache
from pathlib import Path

from cchc_desktop import paths
from cchc_desktop.errors import UserError, toml_syntax

DEFAULT_VERSION = "QD766-2022.1"
RULES = {"ty_le": "điểm tối đa × tỷ lệ", "nguong": "đạt ngưỡng: điểm tối đa; dưới ngưỡng: tỷ lệ / ngưỡng × điểm tối đa",
         "chua_ro": "chưa có cách quy đổi điểm"}
ZERO_RULES = ("chua_co", "toi_da")
# Measures computed from the register: name → (label of numerator / denominator, register columns
# needed besides the dates). A measure whose columns the imported exports never had is "chưa có số liệu".
MEASURES = {
    "dong_bo": ("Hồ sơ đã đồng bộ / hồ sơ tiếp nhận trong kỳ", ("synced",)),
    "dung_han": ("Hồ sơ xử lý trước hạn, đúng hạn, đang trong hạn / hồ sơ tiếp nhận, xử lý trong kỳ", ()),
    "toan_trinh": ("Hồ sơ trực tuyến toàn trình / hồ sơ tiếp nhận trong kỳ", ("online_kind",)),
    "truc_tuyen_kq": ("Hồ sơ nộp trực tuyến có kết quả điện tử / hồ sơ tiếp nhận trong kỳ", ("e_result",)),
    "thanh_toan": ("Hồ sơ thanh toán trực tuyến / hồ sơ có phí, lệ phí", ("paid_online",)),
    "ket_qua_dt": ("Hồ sơ có kết quả điện tử / hồ sơ giải quyết xong trong kỳ", ("e_result",)),
    "so_hoa": ("Hồ sơ số hóa và có kết quả điện tử / hồ sơ tiếp nhận trong kỳ", ("digitised", "e_result")),
    "hai_long": ("Hồ sơ không quá hạn, không bị đánh giá không hài lòng / hồ sơ giải quyết xong trong kỳ",
                 ("rating",)),
}
MAX_FILE_BYTES = 512 * 1024


class IndexFileError(UserError):
    pass


@dataclass(frozen=True)
class Group:
    code: str
    name: str
    points: Decimal


@dataclass(frozen=True)
class Criterion:
    code: str
    group: str
    name: str
    points: Decimal | None  # None: the maximum is not sourced
    rule: str  # ty_le / nguong / chua_ro
    target: Decimal | None  # percent, for "nguong"
    measure: str | None  # register measure, or None for typed values
    numerator: str | None
    denominator: str | None
    zero: str  # what a zero denominator gives: chua_co (no data) or toi_da (full points)
    times: str | None  # code of another criterion whose rate multiplies this one's
    sources: tuple[str, ...]
    note: str

    @property
    def scored(self) -> bool:
        return self.points is not None and self.rule != "chua_ro"


@dataclass(frozen=True)
class IndexDef:
    version: str
    name: str
    total: Decimal
    sources: dict[str, str]
    groups: tuple[Group, ...]
    criteria: tuple[Criterion, ...]
    inputs: dict[str, str] = field(default_factory=dict)  # typed value → label
    short_sources: dict[str, str] = field(default_factory=dict)  # source → its short name

    def group_criteria(self, code: str) -> list[Criterion]:
        return [c for c in self.criteria if c.group == code]

    def criterion(self, code: str) -> Criterion:
        for c in self.criteria:
            if c.code == code:
                return c
        raise KeyError(code)

    def source_text(self, c: Criterion) -> str:
        return "; ".join(self.sources[s] for s in c.sources)

    def short_source_text(self, c: Criterion) -> str:
        return "; ".join(self.short_sources[s] for s in c.sources)

    @cached_property
    def source_texts(self) -> dict[str, tuple[str, str]]:
        """criterion → (source_text, short_source_text), joined once (the province scores many communes)."""
        return {c.code: (self.source_text(c), self.short_source_text(c)) for c in self.criteria}

    def typed_inputs(self) -> list[tuple[str, str, list[str]]]:
        """(name, label, criteria codes using it), in the order the criteria use them."""
        out: dict[str, list[str]] = {}
        for c in self.criteria:
            for n in (c.numerator, c.denominator):
                if n:
                    out.setdefault(n, []).append(c.code)
        return [(n, self.inputs[n], codes) for n, codes in out.items()]


def _dec(value, what: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise IndexFileError(f"{what}: phải là một số.")
    d = Decimal(str(value))
    if d < 0:
        raise IndexFileError(f"{what}: không được âm.")
    return d


def parse(text: str, where: str = "tệp chỉ số") -> IndexDef:
    """The index from the TOML text, checked; IndexFileError (Vietnamese) says what is wrong."""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise IndexFileError(f"{where} không đọc được ({toml_syntax(e)}). Sửa tệp hoặc cài lại chương trình.") from None
    try:
        return _build(raw, where)
    except IndexFileError:
        raise
    except (KeyError, TypeError, AttributeError) as e:
        raise IndexFileError(f"{where}: thiếu hoặc sai mục {e}. Xem docs/formats.md, phần Bộ chỉ số 766.") from None


def _build(raw: dict, where: str) -> IndexDef:
    errors: list[str] = []
    version = str(raw["version"])
    sources, short = {}, {}
    for k, v in raw.get("nguon", {}).items():
        sources[str(k)] = str(v["ten"])
        short[str(k)] = str(v.get("ngan", v["ten"]))
    inputs = {str(k): str(v) for k, v in raw.get("nhap", {}).items()}
    total = _dec(raw["tong_diem"], "tong_diem")
    groups = []
    for g in raw["nhom"]:
        groups.append(Group(str(g["ma"]), str(g["ten"]), _dec(g["diem"], f"nhóm {g['ma']}: diem")))
    gcodes = [g.code for g in groups]
    if len(set(gcodes)) != len(gcodes):
        errors.append("mã nhóm bị lặp")
    gsum = sum((g.points for g in groups), Decimal(0))
    if gsum != total:
        errors.append(f"điểm các nhóm cộng lại {gsum}, khác tổng điểm {total}")
    criteria = []
    for c in raw["chi_tieu"]:
        code = str(c["ma"])
        label = f"chỉ tiêu {code}"
        rule = str(c.get("cach_tinh", ""))
        if rule not in RULES:
            errors.append(f"{label}: cách tính “{rule}” không có (dùng {', '.join(RULES)})")
        target = _dec(c["nguong"], f"{label}: nguong") if "nguong" in c else None
        if rule == "nguong" and (target is None or not 0 < target <= 100):
            errors.append(f"{label}: cách tính theo ngưỡng cần nguong từ 1 đến 100")
        measure = c.get("so_lieu")
        num, den = c.get("tu_so"), c.get("mau_so")
        if measure is not None:
            if measure not in MEASURES:
                errors.append(f"{label}: số liệu “{measure}” không tính được từ sổ (có: {', '.join(MEASURES)})")
            if num or den:
                errors.append(f"{label}: có so_lieu thì không ghi tu_so, mau_so")
        elif not (num and den):
            errors.append(f"{label}: cần so_lieu, hoặc cả tu_so và mau_so")
        for n in (num, den):
            if n and n not in inputs:
                errors.append(f"{label}: giá trị nhập “{n}” không có trong [nhap]")
        zero = str(c.get("mau_so_0", "chua_co"))
        if zero not in ZERO_RULES:
            errors.append(f"{label}: mau_so_0 “{zero}” không có (dùng {', '.join(ZERO_RULES)})")
        srcs = tuple(str(s) for s in c.get("nguon", ()))
        if not srcs:
            errors.append(f"{label}: chưa ghi nguồn")
        for s in srcs:
            if s not in sources:
                errors.append(f"{label}: nguồn “{s}” không có trong [nguon]")
        if str(c["nhom"]) not in gcodes:
            errors.append(f"{label}: nhóm “{c['nhom']}” không có")
        criteria.append(Criterion(
            code, str(c["nhom"]), str(c["ten"]), _dec(c["diem"], f"{label}: diem") if "diem" in c else None,
            rule, target, measure, num, den, zero, c.get("nhan_ty_le"), srcs, str(c.get("ghi_chu", ""))))
    codes = [c.code for c in criteria]
    if len(set(codes)) != len(codes):
        errors.append("mã chỉ tiêu bị lặp")
    for c in criteria:
        if c.times and (c.times not in codes or c.times == c.code):
            errors.append(f"chỉ tiêu {c.code}: nhan_ty_le “{c.times}” không phải một chỉ tiêu khác")
    for g in groups:
        s = sum((c.points for c in criteria if c.group == g.code and c.points is not None), Decimal(0))
        if s != g.points:
            errors.append(f"nhóm {g.code} ({g.name}): điểm tối đa các chỉ tiêu cộng lại {s}, khác {g.points}")
    if errors:
        raise IndexFileError(f"{where} có lỗi: " + "; ".join(errors) + ".")
    return IndexDef(version, str(raw["ten"]), total, sources, tuple(groups), tuple(criteria), inputs, short)


def path_of(version: str = DEFAULT_VERSION) -> Path:
    return paths.resource("chi-so-766", f"{version}.toml")


@lru_cache(maxsize=4)
def load(version: str = DEFAULT_VERSION) -> IndexDef:
    p = path_of(version)
    try:
        if p.stat().st_size > MAX_FILE_BYTES:
            raise IndexFileError(f"Tệp bộ chỉ số {p.name} lớn bất thường; cài lại chương trình.")
        text = p.read_text(encoding="utf-8")
    except OSError:
        raise IndexFileError(f"Không tìm thấy tệp bộ chỉ số {p.name}; cài lại chương trình.") from None
    return parse(text, f"Tệp bộ chỉ số {p.name}")
