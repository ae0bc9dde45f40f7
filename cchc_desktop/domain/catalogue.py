"""The indicator catalogue: forms, rows, kinds, formulas and rules, read from one TOML file.

See docs/catalogue.md for the format. Formulas are parsed once at load time with
cchc_desktop.domain.formula (never eval); references of a form to its own rows (`[2.1]`) are made
absolute (`[BM1/2.1]`) so every consumer sees one naming.
"""
from __future__ import annotations

import hashlib
import json
import re
import tomllib
import unicodedata
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from functools import cached_property, lru_cache
from pathlib import Path

from cchc_desktop import fmt, paths
from cchc_desktop.domain import dossiers, formula
from cchc_desktop.errors import InvalidValue, UserError, toml_syntax

KINDS = ("count", "money", "percent", "choice", "text", "group")
SEVERITIES = {"loi": "Lỗi", "canh_bao": "Cảnh báo"}
OPS = ("=", "!=", "<", "<=", ">", ">=")
# How the upper level's roll-up consolidates a typed count or money row (docs/catalogue.md):
# cong = summed (the default); lon_nhat = the largest commune figure (a set all communes share,
# e.g. the province's list of procedures); trung_binh = the mean; khong = not taken from the
# communes (the upper level's own figure). Rates are recomputed from their parts whatever this says.
AGGREGATIONS = ("cong", "lon_nhat", "trung_binh", "khong")
DEFAULT_FILE = "hai-duong-2023.toml"


MAX_FILE_BYTES = 4 * 1024 * 1024  # a province's catalogue is some 50 KB: anything near this is not one
LABEL_WIDTH = 48  # characters of a label in a message before it is cut with "…"


class CatalogueError(UserError):
    pass


def shorten(text: str, width: int = LABEL_WIDTH) -> str:
    """`text` cut at a word to at most `width` characters, with "…" when cut."""
    text = " ".join(str(text).split())
    if len(text) <= width:
        return text
    cut = text[: width - 1]
    if " " in cut[width // 2:]:
        cut = cut[: cut.rfind(" ")]
    if cut.count("(") > cut.count(")") and cut.rfind("(") > width // 3:  # no half parenthesis
        cut = cut[: cut.rfind("(")]
    return cut.rstrip(" ,;:.-–(") + "…"


def _fold(text: str) -> str:
    return unicodedata.normalize("NFC", " ".join(str(text).split())).casefold()


def _bare(text: str) -> str:
    """Without Vietnamese diacritics: `Chưa có` → `chua co`."""
    decomposed = unicodedata.normalize("NFD", _fold(text).replace("đ", "d"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@dataclass
class Row:
    form: str
    stt: str
    label: str
    unit: str
    kind: str
    section: str
    italic: bool = False
    formula: str | None = None  # absolute references
    choices: tuple[tuple[int, str], ...] = ()
    form_name: str = ""  # "Biểu mẫu 3" (the form's heading, else its title)
    tong_hop: str | None = None  # the roll-up's method (AGGREGATIONS); None: see aggregation()

    # Cached: a row is never changed once read, and a province's roll-up asks for codes a
    # million times (bench/bench_package.py).
    @cached_property
    def number(self) -> str:
        return self.stt.rstrip(".")

    @cached_property
    def code(self) -> str:
        return f"{self.form}/{self.number}"

    @property
    def derived(self) -> bool:
        return self.formula is not None

    @property
    def has_value(self) -> bool:
        return self.kind != "group"

    @property
    def editable(self) -> bool:
        return self.has_value and not self.derived

    @property
    def depth(self) -> int:
        return self.number.count(".")

    @property
    def place(self) -> str:
        """Where the row is, in words: `Biểu mẫu 3, dòng 3.3.1`."""
        return f"{self.form_name or self.form}, dòng {self.number}"

    def describe(self, width: int = LABEL_WIDTH) -> str:
        """The row by its place and label: `Biểu mẫu 3, dòng 3.3.1 «Số hồ sơ đã giải quyết»`."""
        return f"{self.place} «{shorten(self.label, width)}»"

    def expected(self) -> str:
        """What to type, with an example, as error messages end."""
        if self.kind == "choice":
            c, lab = self.choices[0]
            return f"hãy nhập mã hoặc tên lựa chọn, ví dụ {c} hoặc {lab}"
        if self.kind == "percent":
            return "hãy nhập tỷ lệ từ 0 đến 100, ví dụ 97,6"
        if self.kind == "money":
            return f"hãy nhập số tiền ({self.unit or 'đồng'}) không âm, tối đa 3 chữ số thập phân, ví dụ 3.523,681"
        return "hãy nhập số nguyên không âm, ví dụ 12"

    def _allowed(self) -> str:
        return "; ".join(f"{lab} = {c}" for c, lab in self.choices)

    def _invalid(self, what: str) -> InvalidValue:
        return InvalidValue(f"{self.place}: {what}, {self.expected()}.")

    def choice_code(self, text: str) -> Decimal | None:
        """A choice typed by its label (`Có`, `có`, `3 cap`) → its code; None when no label matches."""
        key = _fold(text)
        for fold in (_fold, _bare):
            hits = {c for c, lab in self.choices if fold(lab) == fold(key)}
            if len(hits) == 1:
                return Decimal(hits.pop())
        return None

    def choice_label(self, code) -> str:
        for c, lab in self.choices:
            if code is not None and Decimal(c) == Decimal(code):
                return lab
        return ""

    def parse(self, text) -> Decimal | str | None:
        """User input → the stored value, or InvalidValue with a Vietnamese message."""
        if text is None or (isinstance(text, str) and not text.strip()):
            return None
        if self.kind == "text":
            return str(text).strip()
        if self.kind == "group":
            raise InvalidValue(f"{self.place}: là dòng tiêu đề, không có giá trị; hãy nhập ở các dòng bên dưới.")
        if self.derived:
            raise InvalidValue(f"{self.place}: được tính tự động từ các dòng khác, không nhập tay; "
                               "hãy nhập các dòng mà nó được tính từ đó.")
        if isinstance(text, (int, float, Decimal)) and not isinstance(text, bool):
            d = Decimal(str(text))
            if not d.is_finite():
                raise self._invalid("giá trị không hợp lệ")
        else:
            if self.kind == "choice":
                code = self.choice_code(str(text))
                if code is not None:
                    return code
            try:
                d = fmt.parse_number(str(text))
            except InvalidValue as e:
                typed = f"“{shorten(str(text).strip(), 20)}”"
                if "quá lớn" in str(e):
                    raise self._invalid(f"{typed} quá lớn") from None
                if self.kind == "choice":
                    raise self._invalid(f"{typed} không phải mã hay tên lựa chọn nào (chỉ nhận {self._allowed()})") from None
                raise self._invalid(f"{typed} không phải là một con số") from None
        if self.kind == "choice":
            for c, lab in self.choices:
                if Decimal(c) == d:
                    return Decimal(c)
            raise self._invalid(f"không có mã {fmt.number(d, 3)} (chỉ nhận {self._allowed()})")
        if d < 0:
            raise self._invalid(f"không được âm ({fmt.number(d, 3)})")
        if self.kind == "count" and d != d.to_integral_value():
            raise self._invalid(f"phải là số nguyên, không nhận {fmt.number(d, 3)}")
        if self.kind == "percent":
            if d > 100:
                raise self._invalid(f"tỷ lệ {fmt.number(d, 3)} % vượt quá 100")
            d = fmt.round_percent(d)
        if self.kind == "money" and d != d.quantize(Decimal("0.001")):
            raise self._invalid(f"{fmt.number(d, 6)} có quá 3 chữ số thập phân")
        return d

    def format(self, value) -> str:
        """The value as the appendix writes it."""
        if value is None:
            return ""
        if self.kind == "text":
            return str(value)
        if self.kind == "percent":
            return fmt.percent(value)
        if self.kind == "money":
            return fmt.money(value)
        if self.kind == "choice":
            return fmt.number(value)
        if self.derived and self.unit == "%":
            return fmt.percent(value)
        return fmt.number(value)

    def display(self, value) -> str:
        """The value as the screen shows it: a choice by its label."""
        if self.kind == "choice" and value is not None:
            return self.choice_label(value) or self.format(value)
        return self.format(value)


@dataclass
class Rule:
    id: str
    left: str
    op: str
    right: str
    severity: str
    missing: str
    message: str
    builtin: bool = False


@dataclass
class Form:
    code: str
    title: str
    heading: str
    section: str
    appendix: bool
    rows: list[Row] = field(default_factory=list)


@dataclass
class Catalogue:
    version: str
    name: str
    forms: list[Form]
    rules: list[Rule]
    text: str  # the TOML it was read from, kept in the data file with each period's version
    rows_by_code: dict[str, Row] = field(default_factory=dict)
    order: list[str] = field(default_factory=list)  # derived codes in evaluation order

    def row(self, code: str) -> Row:
        try:
            return self.rows_by_code[code]
        except KeyError:
            raise UserError(
                f"Không có chỉ tiêu “{code}” trong danh mục {self.version}. "
                "Mã chỉ tiêu viết theo dạng BM3/3.3.1; lệnh list in ra danh sách."
            ) from None

    def form(self, code: str) -> Form:
        for f in self.forms:
            if f.code == code:
                return f
        raise UserError(f"Không có biểu mẫu “{code}” trong danh mục.")

    def rows(self) -> list[Row]:
        return [r for f in self.forms for r in f.rows]

    def appendix_forms(self) -> list[Form]:
        return [f for f in self.forms if f.appendix]

    def appendix_span(self) -> str:
        """The appendix's forms in words, `Biểu mẫu 1–7` for the shipped catalogue (a province's
        own may have other forms)."""
        heads = [f.heading or f.title for f in self.appendix_forms()]
        if len(heads) < 2:
            return heads[0] if heads else "các biểu mẫu"
        first, last = heads[0], heads[-1]
        prefix, _, end = last.rpartition(" ")
        return f"{first}–{end}" if prefix and first.startswith(prefix + " ") else f"{first} … {last}"

    def rows_in_section(self, section: str) -> list[Row]:
        return [r for r in self.rows() if r.section == section]

    @property
    def fingerprint(self) -> str:
        """A digest of what the catalogue says (forms, rows, formulas, rules), not of how the
        TOML is written: comments, spacing and key order do not change it, a label does.
        Two files with one version and different fingerprints are two catalogues."""
        forms = [asdict(f) for f in self.forms]
        for f in forms:  # the roll-up's method is not what a report says (see aggregation())
            for r in f["rows"]:
                r.pop("tong_hop", None)
        content = {"version": self.version, "name": self.name, "forms": forms,
                   "rules": [asdict(r) for r in self.rules]}
        text = json.dumps(content, ensure_ascii=False, sort_keys=True, default=str)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()


_REL = re.compile(r"\[\s*([0-9][0-9.]*)\s*\]")


def _absolute(text: str, form: str) -> str:
    return _REL.sub(lambda m: f"[{form}/{m.group(1).rstrip('.')}]", text)


def _aggregation(rd: dict, row: Row, source: str) -> str | None:
    value = rd.get("tong_hop")
    if value is None:
        return None
    if value not in AGGREGATIONS:
        raise CatalogueError(f"{source}: cách tổng hợp “{value}” của dòng {row.code} không có "
                             f"(dùng một trong: {', '.join(AGGREGATIONS)}).")
    if row.formula is not None or row.kind not in ("count", "money"):
        raise CatalogueError(f"{source}: dòng {row.code} không nhận tong_hop: chỉ dòng số đếm hoặc tiền nhập tay "
                             "mới có cách tổng hợp (dòng tính sẵn và tỷ lệ luôn tính lại từ các phần). "
                             "Hãy bỏ tong_hop ở dòng này.")
    return value


def parse_text(text: str, source: str = "danh mục") -> Catalogue:
    if len(text) > MAX_FILE_BYTES:  # also a catalogue's text carried by a package
        raise CatalogueError(f"Tệp {source} quá lớn ({len(text) // (1024 * 1024)} MB) để là tệp danh mục biểu mẫu.")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise CatalogueError(f"Tệp {source} không đọc được ({toml_syntax(e)}).") from None
    try:
        version = str(data["version"])
        name = str(data.get("name", version))
        forms = []
        for fd in data["forms"]:
            f = Form(
                code=fd["code"],
                title=fd.get("title", ""),
                heading=fd.get("heading", ""),
                section=fd.get("section", ""),
                appendix=bool(fd.get("appendix", True)),
            )
            for rd in fd.get("rows", []):
                kind = rd.get("kind", "count")
                if kind not in KINDS:
                    raise CatalogueError(f"{source}: loại “{kind}” của dòng {f.code} {rd.get('stt')} không có.")
                stt = str(rd["stt"]).strip()
                if not stt.endswith("."):
                    stt += "."
                row = Row(
                    form=f.code,
                    stt=stt,
                    label=rd["label"],
                    unit=rd.get("unit", ""),
                    kind=kind,
                    section=rd.get("section", f.section),
                    italic=bool(rd.get("italic", False)),
                    formula=_absolute(rd["formula"], f.code) if rd.get("formula") else None,
                    choices=tuple((int(c["code"]), str(c["label"])) for c in rd.get("choices", [])),
                    form_name=f.heading or f.title,
                )
                row.tong_hop = _aggregation(rd, row, source)
                if kind == "choice" and not row.choices:
                    raise CatalogueError(f"{source}: dòng {row.code} là lựa chọn nhưng không có danh sách mã.")
                f.rows.append(row)
            forms.append(f)
        rules = []
        for rd in data.get("rules", []):
            op = rd["op"]
            if op not in OPS:
                raise CatalogueError(f"{source}: quy tắc {rd['id']} có phép so sánh “{op}” không hợp lệ.")
            sev = rd.get("severity", "loi")
            if sev not in SEVERITIES:
                raise CatalogueError(f"{source}: quy tắc {rd['id']} có mức “{sev}” không hợp lệ (loi | canh_bao).")
            rules.append(
                Rule(
                    id=rd["id"],
                    left=rd["left"],
                    op=op,
                    right=rd["right"],
                    severity=sev,
                    missing=rd.get("missing", "skip"),
                    message=rd["message"],
                )
            )
    except KeyError as e:
        raise CatalogueError(f"Tệp {source} thiếu mục bắt buộc {e}.") from None
    cat = Catalogue(version=version, name=name, forms=forms, rules=rules, text=text)
    _index(cat, source)
    return cat


def _index(cat: Catalogue, source: str) -> None:
    for r in cat.rows():
        if r.code in cat.rows_by_code:
            raise CatalogueError(f"{source}: mã chỉ tiêu {r.code} bị trùng.")
        cat.rows_by_code[r.code] = r
    known = set(cat.rows_by_code) | set(dossiers.all_value_names())

    def check(text: str, where: str) -> list[str]:
        try:
            names = formula.refs(text)
        except formula.FormulaError as e:
            raise CatalogueError(f"{source}: công thức của {where} sai: {e}.") from None
        for n in names:
            if n not in known:
                raise CatalogueError(f"{source}: công thức của {where} nhắc đến “{n}” không có trong danh mục.")
        return names

    deps: dict[str, list[str]] = {}
    for r in cat.rows():
        if r.formula:
            deps[r.code] = [n for n in check(r.formula, r.code) if n in cat.rows_by_code]
    for rule in cat.rules:
        check(rule.left, f"quy tắc {rule.id}")
        check(rule.right, f"quy tắc {rule.id}")
    # Topological order of derived rows, refusing cycles.
    order, state = [], {}

    def visit(code, trail):
        if state.get(code) == "done":
            return
        if state.get(code) == "busy":
            raise CatalogueError(f"{source}: công thức vòng tròn: {' → '.join(trail + [code])}.")
        state[code] = "busy"
        for d in deps.get(code, []):
            if d in deps:
                visit(d, trail + [code])
        state[code] = "done"
        order.append(code)

    for code in deps:
        visit(code, [])
    cat.order = order


@lru_cache(maxsize=8)
def _load_path(path: str, mtime: float) -> Catalogue:
    p = Path(path)
    try:
        if p.stat().st_size > MAX_FILE_BYTES:
            raise CatalogueError(f"Tệp {p.name} quá lớn ({p.stat().st_size // (1024 * 1024)} MB) để là tệp danh mục "
                                 "biểu mẫu. Hãy chọn đúng tệp .toml tỉnh gửi.")
        text = p.read_text(encoding="utf-8-sig")  # Notepad's "UTF-8 with BOM" too
    except OSError as e:
        raise CatalogueError(f"Không đọc được tệp danh mục {p}: {e.strerror}.") from None
    except UnicodeDecodeError:
        raise CatalogueError(f"Tệp {p.name} không phải tệp danh mục biểu mẫu (không phải văn bản UTF-8). "
                             "Hãy chọn đúng tệp .toml tỉnh gửi, hoặc lưu lại tệp với bảng mã UTF-8.") from None
    return parse_text(text, p.name)


def load(path: str | Path | None = None) -> Catalogue:
    p = Path(path) if path else paths.resource("catalogue", DEFAULT_FILE)
    try:
        mtime = p.stat().st_mtime
    except OSError:
        raise CatalogueError(f"Không tìm thấy tệp danh mục {p}.") from None
    return _load_path(str(p), mtime)


@lru_cache(maxsize=16)
def from_text(text: str) -> Catalogue:
    return parse_text(text)


def default() -> Catalogue:
    return load(None)


def aggregation(cat, row) -> str:
    """How the roll-up consolidates a typed count or money row (catalogue attribute `tong_hop`).

    A data file keeps each catalogue version's text as it first saw it, so a file made before the
    attribute existed holds the shipped version without it: the shipped catalogue of the same
    version then says (the roll-up method is not part of the report's content)."""
    if row.tong_hop:
        return row.tong_hop
    try:
        shipped = default()
    except UserError:
        return "cong"
    same = shipped.rows_by_code.get(row.code) if shipped.version == cat.version else None
    return (same.tong_hop if same is not None else None) or "cong"


def comparable(old_row, new_row) -> bool:
    """Whether a row of one catalogue version counts what a row of another counts (a former
    commune's forms in a merger, a commune's forms in a roll-up of another version). The forms of
    1/7/2025 keep the codes of the 2023 ones; a 2023 row that counted the district's work ("đã
    kiểm tra theo thẩm quyền của cấp huyện", "công chức (huyện và xã)") has a commune's meaning
    under the same code now, and is not taken."""
    if old_row is None or new_row is None or old_row.kind != new_row.kind:
        return False
    return old_row.label.strip() == new_row.label.strip() or "huyện" not in old_row.label.lower()
