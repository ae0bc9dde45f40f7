"""Report text: placeholders for live values and blocks, rendered from the data.

A section's text is one paragraph per line. A line may start with "- " or "+ " (kept as the
seed writes bullets); `**…**` marks bold. `{{name}}` or `{{name|format}}` is replaced by the
named value (docs/formats.md); a line that is only a block placeholder (`{{bang.ho_so_linh_vuc}}`)
becomes a table or list in the export.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from cchc_desktop import fmt
from cchc_desktop.domain import dossiers, frames, periods, units

PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z0-9_./]+?)\s*(?:\|\s*([a-z_]+)\s*)?\}\}")
BLANK = "…"
FORMATS = {"dong", "chu"}
# Placeholders that stand for a whole block of the report (a table, a list), not one value.
BLOCKS = {
    "bang.ho_so_linh_vuc": "Bảng hồ sơ theo lĩnh vực (Bộ phận Một cửa)",
    "bang.ho_so_nganh_doc": "Hồ sơ ngành dọc (Công an xã, BCH Quân sự xã)",
    "ds.van_ban": "Danh sách văn bản đã ban hành",
    "ds.nguon_hop_nhat": "Nguồn số liệu nửa đầu năm 2025 (các đơn vị trước sắp xếp)",
}
MERGER_BLOCK = "ds.nguon_hop_nhat"


@dataclass
class Paragraph:
    text: str  # rendered text, `**` markers still in place
    bullet: str = ""  # "- ", "+ " or ""

    def runs(self) -> list[tuple[str, bool]]:
        """(text, bold) pieces."""
        parts = self.text.split("**")
        return [(p, i % 2 == 1) for i, p in enumerate(parts) if p]

    @property
    def plain(self) -> str:
        return self.bullet + self.text.replace("**", "")


@dataclass
class Block:
    name: str


def placeholders(text: str) -> list[tuple[str, str | None]]:
    return [(m.group(1), m.group(2)) for m in PLACEHOLDER.finditer(text or "")]


def is_percent_name(name: str, data) -> bool:
    if name.startswith("hs."):
        return name.rsplit(".", 1)[-1] in dossiers.RATE_MEASURES
    row = data.catalogue.rows_by_code.get(name)
    return bool(row and (row.kind == "percent" or row.unit == "%"))


def format_value(name: str, fmt_name: str | None, data) -> str:
    """The text a placeholder stands for; `…` when the value is blank, the raw `{{…}}` when unknown."""
    if name in BLOCKS:
        return block_inline(name, data)
    text = data.text_value(name)
    if text is not None:
        return text
    if not data.is_known_name(name):
        return "{{" + name + "}}"
    value = data.value(name)
    if value is None:
        return BLANK
    if fmt_name == "dong":
        return fmt.dong_from_million(value)
    if fmt_name == "chu":
        return f"{int(value):02d}" if Decimal(value) < 10 else fmt.number(value)
    if is_percent_name(name, data):
        return fmt.percent(value, with_sign=True)
    row = data.catalogue.rows_by_code.get(name)
    if row is not None:
        return row.display(value) if row.kind == "choice" else row.format(value)
    return fmt.number(value)


def render_inline(text: str, data) -> str:
    return PLACEHOLDER.sub(lambda m: format_value(m.group(1), m.group(2), data), text or "")


def is_valid_placeholder(name: str, fmt_name: str | None, data) -> bool:
    """A placeholder the export can fill: a known value name and, if any, a known format."""
    return data.is_known_name(name) and (fmt_name is None or fmt_name in FORMATS)


def lines(text: str) -> list[Block | Paragraph]:
    """A section's text as the export lays it out, placeholders NOT yet replaced: one Block per
    line that is only a block placeholder (ds.van_ban stays inline: a list within a sentence),
    else one Paragraph per non-blank line with its bullet ("- ", "+ ") split off. The Word
    report (`render`) and the window's HTML preview (report/narrative_html.py) both read it."""
    out: list[Block | Paragraph] = []
    for line in (text or "").splitlines():
        line = line.rstrip()
        if not line.strip():
            continue
        only = PLACEHOLDER.fullmatch(line.strip())
        if only and only.group(1) in BLOCKS and only.group(1) != "ds.van_ban":
            out.append(Block(only.group(1)))
            continue
        bullet, stripped = "", line.lstrip()
        for b in ("- ", "+ "):
            if stripped.startswith(b):
                bullet, stripped = b, stripped[len(b):]
                break
        out.append(Paragraph(stripped, bullet))
    return out


def render(text: str, data) -> list[Paragraph | Block]:
    """A section's text → paragraphs and blocks, placeholders replaced."""
    return [Paragraph(render_inline(x.text, data), x.bullet) if isinstance(x, Paragraph) else x
            for x in lines(text)]


def document_citation(doc: dict) -> str:
    """`Kế hoạch số 44/KH-UBND ngày 30/12/2022 về …`"""
    ref = f"{doc['number']}/{doc['symbol']}" if doc.get("symbol") else doc.get("number", "")
    parts = [doc.get("kind") or "Văn bản", f"số {ref}"]
    if doc.get("date"):
        parts.append(f"ngày {fmt.date(doc['date'])}")
    if doc.get("summary"):
        parts.append(doc["summary"])
    return " ".join(parts)


def block_inline(name: str, data) -> str:
    """A block written as plain text (the issued documents inline; tables as lines)."""
    if name == "ds.van_ban":
        return "; ".join(document_citation(d) for d in data.documents) or BLANK
    return "\n".join(block_lines(name, data))


def field_table(data, agency: str = "ubnd") -> tuple[list[str], list[list[str]]]:
    """The per-field table as the seed prints it: STT, field, total received, online, direct, and
    the resolution columns where any figure of them is known; last row 'Cộng'."""
    table = data.tables[agency]
    eff = table.effective()
    shown = ["truc_tuyen", "truc_tiep"]
    for col in ("ky_truoc", "truoc_han", "dung_han", "qua_han", "dang_giai_quyet"):
        if any(f.get(col) for f in table.fields):
            shown.append(col)
    header = ["Số TT", "Tên lĩnh vực", "Tổng số hồ sơ tiếp nhận"] + [
        {"truc_tuyen": "Tiếp nhận trực tuyến", "truc_tiep": "Tiếp nhận trực tiếp"}.get(c, dossiers.COLUMN_LABELS[c])
        for c in shown
    ]
    rows = []
    for i, f in enumerate(table.fields, 1):
        m = dossiers.measures_of(f)
        total = m["tiep_nhan"] if f.get("ky_truoc") is not None else m["tiep_nhan_trong_ky"]
        rows.append([str(i), _field_label(f["name"]), fmt.number(total)] + [fmt.number(f.get(c)) for c in shown])
    tm = dossiers.measures_of(eff)
    total = tm["tiep_nhan"] if "ky_truoc" in shown else tm["tiep_nhan_trong_ky"]
    rows.append(["", "Cộng", fmt.number(total)] + [fmt.number(eff.get(c)) for c in shown])
    return header, rows


def _field_label(name: str) -> str:
    return name if name.lower().startswith("lĩnh vực") else f"Lĩnh vực {name}"


def agency_lines(data, agency: str) -> list[Paragraph]:
    """The vertical agencies' figures in the seed's wording."""
    m = data.measures(agency)
    n = lambda k: fmt.number(m.get(k)) if m.get(k) is not None else BLANK  # noqa: E731
    p = lambda k: fmt.percent(m.get(k), with_sign=True) if m.get(k) is not None else BLANK  # noqa: E731
    name = data.agency_name(agency)
    lines = [
        Paragraph(f"**{name}: Tổng số hồ sơ tiếp nhận: {n('tiep_nhan')} hồ sơ, trong đó:**"),
        Paragraph(f"Số hồ sơ tiếp nhận trực tuyến: {n('truc_tuyen')} hồ sơ, chiếm {p('ty_le_truc_tuyen')};", "+ "),
        Paragraph(f"Số hồ sơ tiếp nhận trực tiếp: {n('truc_tiep')} hồ sơ, chiếm {p('ty_le_truc_tiep')};", "+ "),
        Paragraph(f"Số hồ sơ từ kỳ trước chuyển qua: {n('ky_truoc')} hồ sơ.", "+ "),
        Paragraph(
            f"Số hồ sơ đã giải quyết: {n('da_giai_quyet')}/{n('tiep_nhan')} hồ sơ, đạt {p('ty_le_da_giai_quyet')}, cụ thể:",
            "- ",
        ),
        Paragraph(f"Số hồ sơ giải quyết trước hạn: {n('truoc_han')} hồ sơ, chiếm {p('ty_le_truoc_han')};", "+ "),
        Paragraph(f"Số hồ sơ giải quyết đúng hạn: {n('dung_han')} hồ sơ, chiếm {p('ty_le_dung_han_rieng')};", "+ "),
        Paragraph(f"Số hồ sơ quá hạn: {n('qua_han')} hồ sơ, chiếm {p('ty_le_qua_han')};", "+ "),
        Paragraph(f"Số hồ sơ đang giải quyết: {n('dang_giai_quyet')} hồ sơ.", "+ "),
    ]
    return lines


def merger_paragraphs(data) -> list[Paragraph]:
    """The former communes whose first half of 2025 the report took (importing/former.py), and
    those of the list still missing: a superior sees where every figure comes from."""
    taken = getattr(data, "merger_sources", None) or []
    if not taken:
        return []
    own = units.label(data.unit)
    out = [Paragraph(f"Số liệu của các biểu mẫu và hồ sơ Một cửa trong báo cáo này gồm số liệu của {own} từ "
                     f"ngày 01/7/2025 và số liệu của {len(taken)} đơn vị trước sắp xếp, tổng hợp từ báo cáo của "
                     "từng đơn vị:")]
    for i, s in enumerate(taken):
        doc = s.get("document") or {}
        table = dossiers.AgencyTable("ubnd")
        t = (doc.get("dossiers") or {}).get("ubnd") or {}
        table.total = {c: None if (t.get("total") or {}).get(c) is None else Decimal(t["total"][c])
                       for c in dossiers.COLUMNS}
        table.fields = [{"name": f.get("name", ""), **{c: None if f.get(c) is None else Decimal(f[c])
                                                       for c in dossiers.COLUMNS}} for f in t.get("fields") or []]
        received = table.measures(dossiers.DEFAULT_ON_TIME)["tiep_nhan"]
        what = periods.name(periods.parse_code(s["source_period"]))
        when = f", từ ngày {fmt.date(s['start_date'])} đến ngày {fmt.date(s['end_date'])}" if s.get("start_date") else ""
        dossier = f"; {fmt.number(received)} hồ sơ tiếp nhận tại Bộ phận Một cửa" if received is not None else ""
        end = "." if i == len(taken) - 1 else ";"
        name = s["former_name"][:1].upper() + s["former_name"][1:]
        out.append(Paragraph(f"{name}: báo cáo {what}{when}{dossier}{end}", "- "))
    names = {s["former_name"].casefold() for s in taken}
    formers = [f for f in frames.formed_from(data.unit) if f"{f.kind} {f.short_name}".casefold() not in names]
    missing = [f"{f.kind} {f.short_name}" for f in formers if f.whole]
    parts = [f"một phần {f.kind} {f.short_name}" for f in formers if not f.whole]
    if missing:
        out.append(Paragraph("Chưa có số liệu nửa đầu năm 2025 của: " + ", ".join(missing) + "."))
    if parts:
        out.append(Paragraph("Không cộng số liệu của " + ", ".join(parts) + " (đơn vị cũ chia cho nhiều đơn vị "
                             "mới, số liệu không tách được theo phần)."))
    return out


def with_merger_sources(key: str, text: str, data) -> str:
    """The opening section names the merger's sources when the report took some and the text
    does not place them itself: before its closing "… như sau:" (which leads into section I), else
    at its end."""
    if key != "MO" or not getattr(data, "merger_sources", None) or MERGER_BLOCK in (text or ""):
        return text
    lines = (text or "").split("\n")
    last = max((i for i, line in enumerate(lines) if line.strip()), default=None)
    block = "{{" + MERGER_BLOCK + "}}"
    if last is not None and lines[last].rstrip().endswith(":"):
        return "\n".join(lines[:last] + [block] + lines[last:])
    return "\n".join([*lines, block]) if text else block


def block_lines(name: str, data) -> list[str]:
    if name == "bang.ho_so_linh_vuc":
        header, rows = field_table(data)
        return ["\t".join(header)] + ["\t".join(r) for r in rows]
    if name == "bang.ho_so_nganh_doc":
        return [p.plain for a in ("cong_an", "quan_su") for p in agency_lines(data, a)]
    if name == "ds.van_ban":
        return [document_citation(d) for d in data.documents]
    if name == MERGER_BLOCK:
        return [p.bullet + p.plain for p in merger_paragraphs(data)]
    return []


# Figures typed into prose that look like data: a number followed by a unit word, or a percent.
# Each word → the catalogue units (lower case) of the values it may stand for. A word is looked
# for only when the catalogue has one of its units ("12 cuộc" means nothing to a catalogue
# without a "Cuộc" row); "hồ sơ" also fits the dossier counts, "%" every rate, and "đồng" also
# the rows in triệu đồng (their placeholder then takes the `|dong` format).
UNIT_FITS: dict[str, tuple[str, ...]] = {
    "%": ("%",),
    "hồ sơ": ("hồ sơ",), "hs": ("hồ sơ",),
    "thủ tục": ("thủ tục", "tthc"), "tthc": ("thủ tục", "tthc"),
    "văn bản": ("văn bản",), "nhiệm vụ": ("nhiệm vụ",), "tin bài": ("tin bài",),
    "người": ("người",), "cán bộ": ("người",), "công chức": ("người",), "viên chức": ("người",),
    "biên chế": ("người",),
    "lượt": ("lượt",), "cuộc": ("cuộc",), "buổi": ("buổi",),
    "triệu đồng": ("triệu đồng",), "đồng": ("đồng", "triệu đồng"),
}
_ALWAYS = ("%", "hồ sơ", "hs")  # the dossier figures and the rates need no catalogue unit
_NUMBER = r"(?<![\w{/.,])(\d{1,3}(?:\.\d{3})+|\d+)(?:,(\d+))?\s*"
_patterns: dict[frozenset, re.Pattern] = {}


def unit_words(catalogue) -> list[str]:
    """The unit words worth looking for with this catalogue, longest first."""
    units = {(r.unit or "").strip().lower() for r in catalogue.rows()}
    words = [w for w, fits in UNIT_FITS.items() if w in _ALWAYS or units.intersection(fits)]
    return sorted(words, key=len, reverse=True)


def typed_figure_pattern(catalogue) -> re.Pattern:
    words = frozenset(unit_words(catalogue))
    pattern = _patterns.get(words)
    if pattern is None:
        alternatives = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
        pattern = _patterns[words] = re.compile(_NUMBER + f"({alternatives})(?!\\w)", re.IGNORECASE)
    return pattern


def unit_fits(name: str, unit: str, data) -> bool:
    """Whether value `name` (a placeholder name, maybe with `|dong`) may be written before `unit`."""
    word = unit.lower()
    base, _, fmt_name = name.partition("|")
    if word == "%":
        return is_percent_name(base, data)
    if is_percent_name(base, data):
        return False
    if base.startswith("hs."):
        return word in ("hồ sơ", "hs")
    row = data.catalogue.rows_by_code.get(base)
    if row is None:
        return False
    row_unit = (row.unit or "").strip().lower()
    if fmt_name == "dong":
        return word == "đồng" and row_unit == "triệu đồng"
    return row_unit in UNIT_FITS.get(word, ())


def figure_index(data) -> dict[str, list[str]]:
    """The data's values by their formatted text (`3.225`, `97,6`) → value names; a value in
    triệu đồng is also there in đồng (`3.523.681.000` → `BM6/1.2|dong`)."""
    index: dict[str, list[str]] = {}
    for name, v in data.values.items():
        if isinstance(v, Decimal):
            key = fmt.percent(v) if is_percent_name(name, data) else fmt.number(v, 3)
            index.setdefault(key, []).append(name)
            row = data.catalogue.rows_by_code.get(name)
            if row is not None and (row.unit or "").strip().lower() == "triệu đồng":
                index.setdefault(fmt.dong_from_million(v), []).append(f"{name}|dong")
    for agency in data.tables:
        for measure, v in data.measures(agency).items():
            if v is not None:
                name = f"hs.{agency}.{measure}"
                key = fmt.percent(v) if measure in dossiers.RATE_MEASURES else fmt.number(v)
                index.setdefault(key, []).append(name)
    return index


def typed_figures(text: str, data, index: dict[str, list[str]] | None = None) -> list[dict]:
    """Numbers typed into text that equal a value the data holds, with the placeholder to use.

    Returns [{"start", "end", "text", "unit", "names": [candidate value names]}]; only values
    whose unit fits the word after the number (`12 cán bộ` → a row counted in Người), and a
    name may carry its format (`BM6/1.2|dong`). `index` is figure_index(data), for callers
    that check many texts against the same data.
    """
    if index is None:
        index = figure_index(data)
    found = []
    spans = [(m.start(), m.end()) for m in PLACEHOLDER.finditer(text)]
    for m in typed_figure_pattern(data.catalogue).finditer(text):
        if any(a <= m.start() < b for a, b in spans):
            continue
        number = m.group(1) + ("," + m.group(2) if m.group(2) else "")
        unit = m.group(3)
        names = [n for n in index.get(number, []) if unit_fits(n, unit, data)]
        if names:
            found.append({"start": m.start(), "end": m.end(2) if m.group(2) else m.end(1), "text": number,
                          "unit": unit, "names": names})
    return found
