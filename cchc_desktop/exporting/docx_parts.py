"""Low-level WordprocessingML pieces, written as XML text.

The report is built as one string of body XML and parsed once (python-docx's object API costs
a proxy object and an XPath lookup per property; a few hundred table cells with widths,
borders and four font slots each would be slow that way). Every run carries Times New Roman in
all four `w:rFonts` slots and its size; every table cell carries its width (LibreOffice ignores
column widths alone). Units: sizes in points, lengths in twips (1/20 pt) unless a name says mm.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from cchc_desktop import __version__
from cchc_desktop.safe_text import clean

FONT = "Times New Roman"
NS = {
    "w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
    "pic": "http://schemas.openxmlformats.org/drawingml/2006/picture",
}
NSDECLS = " ".join(f'xmlns:{k}="{v}"' for k, v in NS.items())
W = "{%s}" % NS["w"]

# Characters XML 1.0 does not allow (a stray control character pasted into the text would make
# the file unreadable for Word).


def mm(value: float) -> int:
    """Millimetres → twips."""
    return round(value * 1440 / 25.4)


def esc(text: str) -> str:
    text = clean(text)  # an older file may hold what XML cannot (safe_text.py)
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


# Advance widths of Times New Roman capitals (1/1000 em; Liberation Serif, metric-compatible,
# has the same), regular and bold: enough to tell whether a header line of capitals fits its column.
_CAPS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ -.0123456789"
_CAPS_REGULAR = (722, 667, 667, 722, 611, 556, 722, 722, 333, 389, 722, 611, 889, 722, 722, 556, 722, 667, 556,
                 611, 722, 722, 944, 722, 722, 611, 250, 333, 250) + (500,) * 10
_CAPS_BOLD = (722, 667, 722, 722, 667, 611, 778, 778, 389, 500, 778, 667, 944, 722, 778, 611, 778, 722, 556,
              667, 722, 722, 1000, 722, 722, 667, 250, 333, 250) + (500,) * 10
_HORN = 80  # Ư, Ơ: the horn sticks out to the right


def caps_width_mm(text: str, size: float, bold: bool = False) -> float:
    """The printed width of a line of capitals (Vietnamese marks included) in Times New Roman at
    `size` pt; other characters count as a wide capital, so the estimate errs on the wide side."""
    widths = dict(zip(_CAPS, _CAPS_BOLD if bold else _CAPS_REGULAR))
    total = 0
    for ch in text:
        parts = unicodedata.normalize("NFD", ch.replace("Đ", "D"))
        total += widths.get(parts[0], 778) + (_HORN if "\u031b" in parts else 0)
    return total / 1000 * size * 25.4 / 72


@lru_cache(maxsize=None)
def rpr(size: float = 14, bold: bool = False, italic: bool = False) -> str:
    """Run properties: the four font slots, bold/italic (also their complex-script twins), size."""
    half = int(round(size * 2))
    return (
        f'<w:rPr><w:rFonts w:ascii="{FONT}" w:hAnsi="{FONT}" w:eastAsia="{FONT}" w:cs="{FONT}"/>'
        + ("<w:b/><w:bCs/>" if bold else "")
        + ("<w:i/><w:iCs/>" if italic else "")
        + f'<w:sz w:val="{half}"/><w:szCs w:val="{half}"/></w:rPr>'
    )


# One style for a percent, typed ("100%") or computed ("97,6 %"): a non-breaking space, so Word
# never wraps "%" alone onto the next line.
_PERCENT = re.compile(r"(?<=\d)[ \u00a0]?%")
NBSP_PERCENT = "\u00a0%"


def run(text: str, size: float = 14, bold: bool = False, italic: bool = False) -> str:
    """One run; "\\n" in the text becomes a line break, "\\t" a tab; nothing for no text."""
    if not text:
        return ""
    props = rpr(size, bold, italic)
    text = _PERCENT.sub(NBSP_PERCENT, text)
    parts = []
    for i, line in enumerate(clean(text).split("\n")):
        if i:
            parts.append("<w:br/>")
        for j, piece in enumerate(line.split("\t")):
            if j:
                parts.append("<w:tab/>")
            if piece:
                parts.append(f'<w:t xml:space="preserve">{esc(piece)}</w:t>')
    return f"<w:r>{props}{''.join(parts)}</w:r>"


@lru_cache(maxsize=None)
def ppr(
    align: str | None = None,
    first_line: int | None = None,
    left: int | None = None,
    right: int | None = None,
    before: int = 0,
    after: int = 0,
    line: int | None = None,
    line_rule: str = "auto",
    keep_next: bool = False,
    keep_lines: bool = False,
    border_bottom: bool = False,
    border_top: bool = False,
    outline: int | None = None,
    size: float | None = None,
) -> str:
    """Paragraph properties. before/after in twips; line in 240ths of a line (auto) or twips."""
    out = ["<w:pPr>"]
    if keep_next:
        out.append("<w:keepNext/>")
    if keep_lines:
        out.append("<w:keepLines/>")
    if border_top or border_bottom:
        side = "top" if border_top else "bottom"
        out.append(f'<w:pBdr><w:{side} w:val="single" w:sz="6" w:space="0" w:color="000000"/></w:pBdr>')
    spacing = f'<w:spacing w:before="{before}" w:after="{after}"'
    if line is not None:
        spacing += f' w:line="{line}" w:lineRule="{line_rule}"'
    out.append(spacing + "/>")
    if first_line is not None or left is not None or right is not None:
        ind = "<w:ind"
        if left is not None:
            ind += f' w:left="{left}"'
        if right is not None:
            ind += f' w:right="{right}"'
        if first_line is not None:
            ind += f' w:firstLine="{first_line}"'
        out.append(ind + "/>")
    if align:
        out.append(f'<w:jc w:val="{align}"/>')
    if outline is not None:
        out.append(f'<w:outlineLvl w:val="{outline}"/>')
    if size is not None:  # the paragraph mark's own size (matters for empty paragraphs)
        out.append(rpr(size))
    out.append("</w:pPr>")
    return "".join(out)


def para(runs_xml: str = "", **fmt) -> str:
    return f"<w:p>{ppr(**fmt)}{runs_xml}</w:p>"


def rule(length_mm: float, box_mm: float, size: float = 2, after: int = 0, gap: int = 80) -> str:
    """A centred horizontal rule `length_mm` long inside a box `box_mm` wide, `gap` twips under
    the text above: an empty, one-point-high paragraph with a top border (drawn below its space
    before), narrowed by its indents."""
    side = max(0, mm((box_mm - length_mm) / 2))
    return para(left=side, right=side, before=gap, line=20, line_rule="exact", border_top=True, size=size,
                after=after)


def page_field(size: float = 14) -> str:
    """A PAGE field (python-docx has no field API): begin, instruction, separate, result, end."""
    props = rpr(size)
    return (
        f'<w:r>{props}<w:fldChar w:fldCharType="begin"/></w:r>'
        f'<w:r>{props}<w:instrText xml:space="preserve"> PAGE </w:instrText></w:r>'
        f'<w:r>{props}<w:fldChar w:fldCharType="separate"/></w:r>'
        f"<w:r>{props}<w:t>2</w:t></w:r>"
        f'<w:r>{props}<w:fldChar w:fldCharType="end"/></w:r>'
    )


# --- tables ------------------------------------------------------------------------------
_BORDER = '<w:{0} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'
_NONE = '<w:{0} w:val="nil"/>'
_SIDES = ("top", "left", "bottom", "right", "insideH", "insideV")


def table_start(widths: list[int], borders: bool = True, cell_margin: int | None = None, align: str = "center") -> str:
    total = sum(widths)
    b = "".join((_BORDER if borders else _NONE).format(s) for s in _SIDES)
    mar = ""
    if cell_margin is not None:
        mar = (f'<w:tblCellMar><w:top w:w="0" w:type="dxa"/><w:left w:w="{cell_margin}" w:type="dxa"/>'
               f'<w:bottom w:w="0" w:type="dxa"/><w:right w:w="{cell_margin}" w:type="dxa"/></w:tblCellMar>')
    grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in widths)
    return (
        f'<w:tbl><w:tblPr><w:tblW w:w="{total}" w:type="dxa"/><w:jc w:val="{align}"/>'
        f'<w:tblBorders>{b}</w:tblBorders><w:tblLayout w:type="fixed"/>{mar}'
        f'<w:tblLook w:val="0000" w:firstRow="0" w:lastRow="0" w:firstColumn="0" w:lastColumn="0" '
        f'w:noHBand="1" w:noVBand="1"/></w:tblPr><w:tblGrid>{grid}</w:tblGrid>'
    )


TABLE_END = "</w:tbl>"


def row(cells_xml: str, header: bool = False, cant_split: bool = True) -> str:
    pr = ""
    if header or cant_split:
        pr = "<w:trPr>" + ("<w:cantSplit/>" if cant_split else "") + ("<w:tblHeader/>" if header else "") + "</w:trPr>"
    return f"<w:tr>{pr}{cells_xml}</w:tr>"


def cell(content_xml: str, width: int, span: int = 1, vmerge: str | None = None, valign: str = "center") -> str:
    """A cell with its width; `vmerge` "restart" or "continue"; content is paragraph XML
    (an empty cell still needs one paragraph)."""
    pr = f'<w:tcPr><w:tcW w:w="{width}" w:type="dxa"/>'
    if span > 1:
        pr += f'<w:gridSpan w:val="{span}"/>'
    if vmerge == "restart":
        pr += '<w:vMerge w:val="restart"/>'
    elif vmerge == "continue":
        pr += "<w:vMerge/>"
    pr += f'<w:vAlign w:val="{valign}"/></w:tcPr>'
    return f"<w:tc>{pr}{content_xml or '<w:p/>'}</w:tc>"


def sect_pr(
    width_mm: float,
    height_mm: float,
    margins_mm: tuple[float, float, float, float],
    landscape: bool = False,
    header_refs: str = "",
    title_page: bool = True,
    restart_numbering: bool = False,
    header_mm: float = 10,
    next_page: bool = True,
) -> str:
    """Section properties. margins_mm = (top, right, bottom, left)."""
    top, right, bottom, left = (mm(v) for v in margins_mm)
    orient = ' w:orient="landscape"' if landscape else ""
    return (
        f"<w:sectPr>{header_refs}"
        + ('<w:type w:val="nextPage"/>' if next_page else "")
        + f'<w:pgSz w:w="{mm(width_mm)}" w:h="{mm(height_mm)}"{orient}/>'
        f'<w:pgMar w:top="{top}" w:right="{right}" w:bottom="{bottom}" w:left="{left}" '
        f'w:header="{mm(header_mm)}" w:footer="{mm(header_mm)}" w:gutter="0"/>'
        + ('<w:pgNumType w:fmt="decimal" w:start="1"/>' if restart_numbering else "")
        + '<w:cols w:space="720"/>'
        + ("<w:titlePg/>" if title_page else "")
        + '<w:docGrid w:linePitch="360"/></w:sectPr>'
    )


def app_properties(company: str) -> bytes:
    """docProps/app.xml. python-docx's template names "Microsoft Macintosh Word" and one page,
    which Word's Properties dialog and Explorer would show: name this app, and leave the page
    and word counts out (Word fills them in when the file is saved there)."""
    return (
        "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
        '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" '
        'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
        f"<Application>CCHC Desktop {esc(__version__)}</Application><DocSecurity>0</DocSecurity>"
        f"<Company>{esc(company)}</Company><LinksUpToDate>false</LinksUpToDate>"
        "<SharedDoc>false</SharedDoc><HyperlinksChanged>false</HyperlinksChanged></Properties>"
    ).encode("utf-8")
