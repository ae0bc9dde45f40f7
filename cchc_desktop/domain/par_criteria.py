"""A province's PAR Index criteria set for its communes (Chỉ số CCHC cấp xã), read from TOML.

See docs/formats.md ("Bộ tiêu chí Chỉ số CCHC"). The tree is given by the codes: "1" is a lĩnh vực,
"1.2" a tiêu chí under it, "1.2.3" a tiêu chí thành phần. A node with children has the sum of its
children's max points; a leaf has a scoring rule:
  co_khong — 0 or the max (yes / no);
  muc      — one of the listed levels (`muc = [0, 0.5, 1]`);
  ty_le    — proportional to a rate: max × rate, any value from 0 to the max;
  khoang   — any value from 0 to the max (the province's form does not say more).
All errors are Vietnamese (CriteriaError) and name the code and the file.
"""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from cchc_desktop.errors import UserError, toml_syntax

RULES = {"co_khong": "Có / không", "muc": "Theo mức", "ty_le": "Theo tỷ lệ", "khoang": "Từ 0 đến tối đa"}
# Figures the app computes from a period's data that a criterion may be proposed from.
PROPOSALS = {
    "hoan_thanh_ke_hoach": "Tỷ lệ hoàn thành kế hoạch CCHC năm",
    "ho_so_dung_han": "Tỷ lệ hồ sơ TTHC giải quyết đúng hạn",
    "truc_tuyen": "Tỷ lệ hồ sơ TTHC nộp trực tuyến",
    "nhiem_vu_dung_han": "Tỷ lệ nhiệm vụ CCHC hoàn thành đúng hạn",
}
LEVEL_NAMES = ("lĩnh vực", "tiêu chí", "tiêu chí thành phần")
CODE_RE = re.compile(r"^[0-9]+(\.[0-9]+)*$")
MAX_FILE_BYTES = 2 * 1024 * 1024


class CriteriaError(UserError):
    pass


@dataclass
class Criterion:
    code: str
    label: str
    max_points: Decimal
    rule: str | None = None          # None on a node with children
    levels: tuple[Decimal, ...] = ()
    evidence: str = ""               # the evidence the province asks for (tài liệu kiểm chứng)
    proposal: str | None = None      # a PROPOSALS key
    children: list["Criterion"] = field(default_factory=list)

    @property
    def depth(self) -> int:
        return self.code.count(".")

    @property
    def parent_code(self) -> str | None:
        return self.code.rsplit(".", 1)[0] if "." in self.code else None

    @property
    def is_leaf(self) -> bool:
        return not self.children

    def level_name(self) -> str:
        return LEVEL_NAMES[min(self.depth, len(LEVEL_NAMES) - 1)]


@dataclass
class CriteriaSet:
    province: str
    year: int
    version: str
    name: str
    document: str                    # the issuing document (số, ngày, cơ quan)
    partial: bool = False            # only part of the published tree could be read
    note: str = ""
    roots: list[Criterion] = field(default_factory=list)
    by_code: dict[str, Criterion] = field(default_factory=dict)

    @property
    def total(self) -> Decimal:
        return sum((c.max_points for c in self.roots), Decimal(0))

    def walk(self):
        def rec(nodes):
            for n in nodes:
                yield n
                yield from rec(n.children)
        yield from rec(self.roots)

    def leaves(self) -> list[Criterion]:
        return [c for c in self.walk() if c.is_leaf]

    def get(self, code: str) -> Criterion:
        c = self.by_code.get(str(code).strip())
        if c is None:
            raise CriteriaError(f"Không có tiêu chí mã {code} trong bộ tiêu chí {self.version}. "
                                "Xem danh sách mã bằng lệnh par show.")
        return c

    def check_score(self, code: str, score) -> Decimal:
        """`score` as a Decimal if it fits the criterion's max and rule; CriteriaError says why not."""
        c = self.get(code)
        if not c.is_leaf:
            raise CriteriaError(f"Tiêu chí {c.code} có các tiêu chí con: chấm điểm từng tiêu chí con, "
                                "điểm của {0} là tổng của chúng.".replace("{0}", c.code))
        d = points(score, f"điểm của tiêu chí {c.code}")
        if d < 0 or d > c.max_points:
            raise CriteriaError(f"Điểm {fmt_points(d)} của tiêu chí {c.code} nằm ngoài khoảng 0 – "
                                f"{fmt_points(c.max_points)} (điểm tối đa).")
        if c.rule == "co_khong" and d not in (0, c.max_points):
            raise CriteriaError(f"Tiêu chí {c.code} chấm có / không: chỉ được 0 hoặc "
                                f"{fmt_points(c.max_points)} điểm.")
        if c.rule == "muc" and d not in c.levels:
            raise CriteriaError(f"Tiêu chí {c.code} chấm theo mức: chỉ được một trong các mức "
                                + ", ".join(fmt_points(x) for x in c.levels) + " điểm.")
        return d


def fmt_points(d: Decimal) -> str:
    """1.50 → '1,5'; 2 → '2' (Vietnamese decimal comma)."""
    s = format(d.normalize(), "f")
    if "." in s:
        s = s.rstrip("0").rstrip(".")
    return s.replace(".", ",")


def points(value, what: str) -> Decimal:
    """A number of points (0,5 / 0.5 / 1) as a Decimal with at most 2 decimals."""
    if isinstance(value, bool):
        raise CriteriaError(f"{what[:1].upper() + what[1:]} phải là một số điểm, không phải đúng / sai.")
    text = str(value).strip().replace(",", ".")
    try:
        d = Decimal(text)
    except InvalidOperation:
        raise CriteriaError(f"{what[:1].upper() + what[1:]} «{value}» không phải là số điểm "
                            "(ví dụ: 2 hoặc 0,5).") from None
    if not d.is_finite():
        raise CriteriaError(f"{what[:1].upper() + what[1:]} «{value}» không phải là số điểm.")
    if d != d.quantize(Decimal("0.01")):
        raise CriteriaError(f"{what[:1].upper() + what[1:]} {value} có quá 2 chữ số thập phân.")
    return d.quantize(Decimal("0.01")).normalize() if d else Decimal(0)


def _text(d: dict, key: str, where: str, required: bool = True) -> str:
    v = d.get(key, "")
    if not isinstance(v, (str, int)) or (required and not str(v).strip()):
        raise CriteriaError(f"{where}: thiếu «{key}» (một dòng chữ).")
    return " ".join(str(v).split())


def build(meta: dict, items: list[dict], source: str) -> CriteriaSet:
    """The validated set from its header and its criteria (as read from TOML or Excel)."""
    try:
        year = int(meta.get("nam"))
    except (TypeError, ValueError):
        raise CriteriaError(f"{source}: thiếu «nam» (năm đánh giá, ví dụ nam = 2025).") from None
    if not 2000 <= year <= 2100:
        raise CriteriaError(f"{source}: năm đánh giá {year} không hợp lệ.")
    cs = CriteriaSet(province=_text(meta, "tinh", source), year=year,
                     version=_text(meta, "phien_ban", source), name=_text(meta, "ten", source),
                     document=_text(meta, "van_ban", source), partial=bool(meta.get("mot_phan", False)),
                     note=_text(meta, "ghi_chu", source, required=False))
    if not items:
        raise CriteriaError(f"{source}: bộ tiêu chí không có tiêu chí nào.")
    for i, it in enumerate(items, 1):
        where = f"{source}, tiêu chí thứ {i}"
        code = str(it.get("ma", "")).strip().rstrip(".")
        if not CODE_RE.match(code):
            raise CriteriaError(f"{where}: mã «{it.get('ma', '')}» không đúng dạng (ví dụ 1, 1.2, 1.2.3).")
        where = f"{source}, tiêu chí {code}"
        if code in cs.by_code:
            raise CriteriaError(f"{where}: mã {code} bị trùng (mỗi tiêu chí một mã riêng).")
        if "diem_toi_da" not in it:
            raise CriteriaError(f"{where}: thiếu «diem_toi_da» (điểm tối đa).")
        mx = points(it["diem_toi_da"], f"điểm tối đa của tiêu chí {code}")
        if mx <= 0:
            raise CriteriaError(f"{where}: điểm tối đa phải lớn hơn 0.")
        rule = it.get("cach_cham")
        if rule is not None and rule not in RULES:
            raise CriteriaError(f"{where}: cách chấm «{rule}» không có; dùng một trong: "
                                + ", ".join(RULES) + ".")
        levels = tuple(sorted({points(x, f"mức điểm của tiêu chí {code}") for x in it.get("muc", [])}))
        if rule == "muc":
            if len(levels) < 2:
                raise CriteriaError(f"{where}: cách chấm theo mức cần ít nhất hai mức (muc = [0, ...]).")
            if levels[-1] != mx or levels[0] < 0:
                raise CriteriaError(f"{where}: mức cao nhất phải bằng điểm tối đa {fmt_points(mx)} "
                                    "và không có mức âm.")
        prop = it.get("de_xuat")
        if prop is not None and prop not in PROPOSALS:
            raise CriteriaError(f"{where}: đề xuất «{prop}» không có; dùng một trong: "
                                + ", ".join(PROPOSALS) + ".")
        c = Criterion(code=code, label=_text(it, "noi_dung", where), max_points=mx, rule=rule,
                      levels=levels, evidence=_text(it, "tai_lieu_kiem_chung", where, required=False),
                      proposal=prop)
        parent = c.parent_code
        if parent is None:
            cs.roots.append(c)
        elif parent not in cs.by_code:
            raise CriteriaError(f"{where}: tiêu chí cha {parent} phải đứng trước tiêu chí {code}.")
        else:
            cs.by_code[parent].children.append(c)
        cs.by_code[code] = c
    for c in cs.walk():
        where = f"{source}, tiêu chí {c.code}"
        if c.children:
            if c.rule is not None:
                raise CriteriaError(f"{where}: tiêu chí có tiêu chí con không có cách chấm riêng "
                                    "(điểm là tổng của các tiêu chí con).")
            s = sum((k.max_points for k in c.children), Decimal(0))
            if s != c.max_points:
                raise CriteriaError(f"{where}: điểm tối đa {fmt_points(c.max_points)} khác tổng điểm tối đa "
                                    f"của các tiêu chí con ({fmt_points(s)}).")
        elif c.rule is None:
            raise CriteriaError(f"{where}: thiếu «cach_cham» (" + ", ".join(RULES) + ").")
    if "tong_diem" in meta:
        total = points(meta["tong_diem"], "tổng điểm")
        if total != cs.total:
            raise CriteriaError(f"{source}: tổng điểm {fmt_points(total)} khác tổng điểm tối đa các lĩnh vực "
                                f"({fmt_points(cs.total)}).")
    return cs


def parse_text(text: str, source: str = "bộ tiêu chí") -> CriteriaSet:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise CriteriaError(f"{source}: tệp bộ tiêu chí viết {toml_syntax(e)}.") from None
    items = data.pop("tieu_chi", [])
    if not isinstance(items, list) or not all(isinstance(x, dict) for x in items):
        raise CriteriaError(f"{source}: «tieu_chi» phải là danh sách [[tieu_chi]].")
    return build(data, items, source)


def load(path: str | Path) -> CriteriaSet:
    p = Path(path)
    try:
        if p.stat().st_size > MAX_FILE_BYTES:
            raise CriteriaError(f"Tệp {p.name} quá lớn để là một bộ tiêu chí.")
        text = p.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        raise CriteriaError(f"Không đọc được tệp bộ tiêu chí {p.name}: kiểm tra đường dẫn và "
                            "tệp phải là văn bản UTF-8.") from None
    return parse_text(text, p.name)


def _q(text: str) -> str:
    return '"' + str(text).replace("\\", "\\\\").replace('"', '\\"') + '"'


def to_toml(cs: CriteriaSet) -> str:
    """The set as the TOML text `parse_text` reads back to the same set (kept in the data file)."""
    out = [f"tinh = {_q(cs.province)}", f"nam = {cs.year}", f"phien_ban = {_q(cs.version)}",
           f"ten = {_q(cs.name)}", f"van_ban = {_q(cs.document)}", f"mot_phan = {str(cs.partial).lower()}"]
    if cs.note:
        out.append(f"ghi_chu = {_q(cs.note)}")
    out.append(f"tong_diem = {_q(fmt_points(cs.total))}")
    for c in cs.walk():
        out += ["", "[[tieu_chi]]", f"ma = {_q(c.code)}", f"noi_dung = {_q(c.label)}",
                f"diem_toi_da = {_q(fmt_points(c.max_points))}"]
        if c.rule:
            out.append(f"cach_cham = {_q(c.rule)}")
        if c.levels:
            out.append("muc = [" + ", ".join(_q(fmt_points(x)) for x in c.levels) + "]")
        if c.evidence:
            out.append(f"tai_lieu_kiem_chung = {_q(c.evidence)}")
        if c.proposal:
            out.append(f"de_xuat = {_q(c.proposal)}")
    return "\n".join(out) + "\n"
