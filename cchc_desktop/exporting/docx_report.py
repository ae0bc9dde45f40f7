"""The whole report and its appendix as one Word file, in the format of Nghị định 30/2020/NĐ-CP.

`write(data, path, charts=None)` builds the document from the data alone (ReportData: the
unit, the period, the narrative, the dossier tables, the catalogue's appendix forms) and
writes it atomically. Layout (../shared/domain/van-ban-hanh-chinh.md):

- section 1, A4 portrait, margins 20/15/20/30 mm (top/right/bottom/left): the borderless
  header table (agency | Quốc hiệu, Tiêu ngữ, place and date), BÁO CÁO and the trích yếu, the
  outline's sections with their text, blocks as tables or lists, the closing table
  (Nơi nhận | signature); page numbers centred in the top margin from page 2 on;
- section 2, A4 landscape, numbered from 1 again: "Phụ lục", its title, "(Kèm theo …)" and
  one table per appendix form with two repeated header rows.

What the unit leaves blank is printed to be filled by hand: a date line without a date keeps the
year of the period (`…, ngày      tháng      năm 2023`), no signer gives `TM. ỦY BAN NHÂN DÂN /
CHỦ TỊCH` over an empty name. An upper level's consolidated report (aggregate.RollUpData) also
gets its usual recipients when the unit names none, a part on the communes' submission status
at the end of section I, and with the charts one per-commune chart (kind theo-xa) of the
on-time rate and one of the online rate.

The body is written as XML text (docx_parts) and parsed once: python-docx supplies the
package, the header parts and the pictures.
"""
from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path

from cchc_desktop import fileio, fmt
from cchc_desktop.report import corrections, narrative, default_texts
from cchc_desktop.report.aggregate import unit_word
from cchc_desktop.domain import periods
from cchc_desktop.domain.units import UPPER_KINDS
from cchc_desktop.exporting import charts as chart_figures  # matplotlib itself only when one is drawn
from cchc_desktop.exporting import docx_index766, docx_parts as X, wording
from cchc_desktop.exporting.wording import (appendix_reference, appendix_title, doc_number,
                                            row_note, unit_text)
from cchc_desktop.report.values import ReportData, outline

# --- page geometry (mm) --------------------------------------------------------------------
A4 = (210.0, 297.0)
MARGINS = (20.0, 15.0, 20.0, 30.0)  # top, right, bottom, left — inside the decree's ranges
TEXT_W = A4[0] - MARGINS[1] - MARGINS[3]  # 165 mm portrait

# --- sizes (pt) ------------------------------------------------------------------------------
BODY = 14
HEADER_AGENCY = 13
QUOC_HIEU = 12
TIEU_NGU = 13
DATE_LINE = 14
TABLE = 13
APPENDIX_TABLE = 12
NOI_NHAN = 12
RECIPIENTS = 11
PAGE_NUMBER = 14

# Body paragraphs: justified, first line 1.27 cm, 6 pt after, line spacing 1.15.
BODY_FMT = dict(align="both", first_line=X.mm(12.7), after=120, line=276)
TIEU_NGU_MM = 55.5  # "Độc lập - Tự do - Hạnh phúc", 13 pt bold Times New Roman (advance widths)

COLUMN_LABELS = ("STT", "Chỉ tiêu thống kê", "Kết quả thống kê", "Đơn vị tính", "Số lượng/ Tỷ lệ", "Ghi chú")
COLUMN_NOTE = "(sử dụng cho kỳ báo cáo hàng quý, 6 tháng, năm)"


# --- names built from the data ---------------------------------------------------------------
def trich_yeu(data: ReportData) -> str:
    key = data.key
    return (f"Kết quả công tác cải cách hành chính {periods.name(key)}, "
            f"phương hướng, nhiệm vụ {periods.next_name(key)}")


def issuing_agency(data: ReportData) -> str:
    return f"ỦY BAN NHÂN DÂN {data.text_value('don_vi.ten_hoa')}"


def upper_agency(data: ReportData) -> str:
    """The cơ quan chủ quản line: `UBND HUYỆN THANH MIỆN` (blank when the unit has none)."""
    name = (data.unit.get("upper_name") or "").strip()
    if not name:
        return ""
    low = name.lower()
    if low.startswith(("ubnd", "ủy ban", "uỷ ban")):
        return name.upper()
    return f"UBND {name}".upper()


def recipients(data: ReportData) -> list[str]:
    """`- Lãnh đạo UBND huyện;` … the last `- Lưu: VT.` An upper level that names none gets its
    usual ones (default_texts.upper_recipients), a commune those of the period's legal frame
    (placeholders filled: `UBND thành phố Hải Phòng (qua Sở Nội vụ)`)."""
    given = [r for r in data.unit.get("recipients") or [] if r and r.strip()]
    if not given and data.unit.get("kind") in UPPER_KINDS:
        given = default_texts.upper_recipients(data.unit)
    elif not given:
        given = [narrative.render_inline(r, data) for r in data.frame.recipients]
    items = [r.strip().rstrip(";.,").strip() for r in given]
    items = [r[2:].strip() if r.startswith("- ") else r for r in items]
    if not any(r.lower().startswith("lưu") for r in items):
        items.append("Lưu: VT")
    # "Lưu" always closes the list.
    items = [r for r in items if not r.lower().startswith("lưu")] + [r for r in items if r.lower().startswith("lưu")]
    return [f"- {r};" for r in items[:-1]] + [f"- {items[-1]}."]


def date_line(data: ReportData) -> str:
    """`Chi Lăng Nam, ngày 15 tháng 12 năm 2023`; without a date, the blanks to fill by hand and
    the year the report is due in (the period's deadline)."""
    place = data.unit.get("place_name") or data.unit.get("name") or ""
    if data.period.get("doc_date"):
        return fmt.date_line(place, data.period["doc_date"])
    deadline = str(data.period.get("deadline") or "")
    year = deadline[:4] if deadline[:4].isdigit() else str(data.key.year)
    return f"{place}, ngày      tháng      năm {year}"


SIGNING_CAPACITY = "TM. ỦY BAN NHÂN DÂN"
SIGNER_TITLE = "CHỦ TỊCH"


def signer(data: ReportData) -> tuple[str, str, str]:
    """(capacity, title, name) of the signature block: the unit's, else `TM. ỦY BAN NHÂN DÂN`,
    `CHỦ TỊCH` and an empty name for the user to write in."""
    capacity = (data.unit.get("signing_capacity") or "").strip().upper()
    title = (data.unit.get("signer_title") or "").strip().upper()
    if not title:
        capacity, title = capacity or SIGNING_CAPACITY, SIGNER_TITLE
    return capacity, title, (data.unit.get("signer_name") or "").strip()


def file_name(data: ReportData) -> str:
    """The file name the save dialog proposes: `BC CCHC nam 2023 - xa Chi Lang Nam.docx`."""
    return wording.file_name("BC CCHC", data, ".docx")


def _charts_on(data: ReportData, charts: bool | None) -> bool:
    return data.period.get("kind") == "NAM" if charts is None else charts


# --- the body --------------------------------------------------------------------------------
class _Body:
    """Collects body XML; pictures are registered on the document part as they come."""

    def __init__(self, doc):
        self.doc = doc
        self.parts: list[str] = []
        self.paragraphs = 0
        self.cells = 0
        self.pictures = 0

    def add(self, xml: str) -> None:
        self.parts.append(xml)

    def p(self, runs_xml: str = "", **fmt_) -> None:
        self.paragraphs += 1
        self.parts.append(X.para(runs_xml, **fmt_))

    def picture(self, png: bytes, width_mm: float) -> None:
        # python-docx: only when a Word file is written (start-up time)
        from docx.shared import Mm
        from lxml import etree  # python-docx's XML: only when a Word file is written

        inline = self.doc.part.new_pic_inline(io.BytesIO(png), width=Mm(width_mm))
        # python-docx numbers a picture from the ids already in the document; these are not
        # in it yet, so number them here (Word reports duplicate drawing ids as damage).
        self.pictures += 1
        inline.docPr.id = self.pictures
        inline.docPr.name = f"Biểu đồ {self.pictures}"
        xml = etree.tostring(inline, encoding="unicode")
        self.p(f"<w:r>{X.rpr(BODY)}<w:drawing>{xml}</w:drawing></w:r>", align="center", before=120, after=60,
               keep_next=True)


# A blank (…, …/…/…) that ends a sentence takes no second full stop: "ban hành …." → "ban hành …".
_BLANK_THEN_STOP = re.compile(r"…(\*\*)?\.(?!\.)")


def tidy(text: str) -> str:
    """No doubled punctuation after a blank placeholder."""
    return _BLANK_THEN_STOP.sub(lambda m: "…" + (m.group(1) or ""), text)


def _runs(par: narrative.Paragraph, size: float = BODY) -> str:
    out = [X.run(par.bullet, size)] if par.bullet else []
    out += [X.run(text, size, bold=bold) for text, bold in narrative.Paragraph(tidy(par.text)).runs()]
    return "".join(out)


HEADER_LEFT_MM = TEXT_W * 0.38  # the agency column, widened for a long name
QUOC_HIEU_MM = 92.0  # the Quốc hiệu column never gets narrower: its 12 pt bold line is 81 mm, and wider where Times lacks a glyph


def header_layout(data: ReportData) -> tuple[float, list[tuple[str, float, bool]]]:
    """(width of the agency column in mm, its lines as (text, size, bold)). Each line stays on one
    line ("UBND THÀNH PHỐ HẢI PHÒNG" is 63 mm at 13 pt, more than the usual 38 % column): the
    column widens as far as the Quốc hiệu allows, and a line longer still is set smaller."""
    upper = upper_agency(data)
    agency = issuing_agency(data)
    lines = [(upper, False)] if upper else []
    if len(agency) > 24 and agency.startswith("ỦY BAN NHÂN DÂN "):
        lines += [("ỦY BAN NHÂN DÂN", True), (agency[len("ỦY BAN NHÂN DÂN "):], True)]
    else:
        lines.append((agency, True))
    room = TEXT_W - QUOC_HIEU_MM
    need = max(X.caps_width_mm(text, HEADER_AGENCY, bold) for text, bold in lines) + 2
    width = min(max(HEADER_LEFT_MM, need), room)
    out = []
    for text, bold in lines:
        size = float(HEADER_AGENCY)
        while size > 10 and X.caps_width_mm(text, size, bold) + 2 > width:
            size -= 0.5
        out.append((text, size, bold))
    return width, out


def _header(b: _Body, data: ReportData) -> None:
    left_mm, lines = header_layout(data)
    right_mm = TEXT_W - left_mm
    left_w, right_w = X.mm(left_mm), X.mm(right_mm)
    center = dict(align="center")
    upper = upper_agency(data)
    left = ""
    if upper:
        text, size, _ = lines.pop(0)
        left += X.para(X.run(text, size), **center)
    # The unit's name lines as one paragraph (a line break between), bold.
    left += X.para("".join(X.run(("\n" if i else "") + text, size, bold=True)
                           for i, (text, size, _) in enumerate(lines)), **center)
    left += X.rule(left_mm / 3, left_mm, after=120)
    right = X.para(X.run("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", QUOC_HIEU, bold=True), **center)
    right += X.para(X.run("Độc lập - Tự do - Hạnh phúc", TIEU_NGU, bold=True), **center)
    right += X.rule(TIEU_NGU_MM, right_mm, after=120)
    # Second row: Số and the place-and-date line level with each other, as the decree draws them.
    number = X.para(X.run(f"Số: {doc_number(data)}", HEADER_AGENCY), **center)
    date = X.para(X.run(date_line(data), DATE_LINE, italic=True), **center)
    b.paragraphs += 8 if upper else 7
    b.cells += 4
    b.add(X.table_start([left_w, right_w], borders=False, cell_margin=0)
          + X.row(X.cell(left, left_w, valign="top") + X.cell(right, right_w, valign="top"), cant_split=False)
          + X.row(X.cell(number, left_w, valign="top") + X.cell(date, right_w, valign="top"), cant_split=False)
          + X.TABLE_END)


BOLD_CHAR_MM = 2.1  # the mean width of a character of 14 pt bold Times New Roman (measured on the seed's lines)
RULE_SHARE = 0.4  # Nghị định 30: the line under the trích yếu is 1/3 to 1/2 of the text's line


def rule_length(text: str) -> float:
    """The line under the trích yếu, in mm: 0,4 of its longest line."""
    longest = max((len(line) for line in text.split("\n")), default=0)
    return round(min(TEXT_W, longest * BOLD_CHAR_MM) * RULE_SHARE, 1)


def _title(b: _Body, data: ReportData) -> None:
    b.p(X.run("BÁO CÁO", BODY, bold=True), align="center", before=480, after=0)
    # The seed breaks the trích yếu after the period: "… năm 2023 / phương hướng, nhiệm vụ …".
    text = trich_yeu(data).replace(", phương hướng", ",\nphương hướng", 1)
    b.p(X.run(text, BODY, bold=True), align="center")
    b.add(X.rule(rule_length(text), TEXT_W, after=360, gap=140))
    b.paragraphs += 1


KEEP_WITH_TOTAL = 2  # data rows kept on the page of the dossier table's Cộng row


# Times New Roman bold: the widest Vietnamese words ("nhận", "tuyến", "chuyển") run about 0,56 em a
# letter; a header word wider than its column is broken inside the word ("Tổn|g", "nhậ|n").
BOLD_EM_PER_LETTER = 0.56
PT_MM = 25.4 / 72


def header_size(headers: list[str], width_mm: float, sizes=(TABLE, 12, 11, 10, 9, 8)) -> int:
    """The largest type size at which every word of every header fits its column's text width."""
    longest = max((len(w) for h in headers for w in h.split()), default=1)
    return next((z for z in sizes if longest * z * BOLD_EM_PER_LETTER * PT_MM <= width_mm), sizes[-1])


def field_table_layout(n: int) -> tuple[list[float], float, int]:
    """The dossier table's column widths (mm), cell margin (mm) and body type size: with the resolution
    columns (up to 10 columns in portrait) the STT and field columns narrow and the cells' margins
    shrink, so the figures' columns are wide enough for whole header words."""
    if n <= 6:
        first, second, margin, size = 13.0, 52.0, 1.9, TABLE
    else:
        first, second, margin, size = 10.0, 40.0, 1.0, 11
    rest = (TEXT_W - first - second) / max(1, n - 2)
    return [first, second] + [rest] * (n - 2), margin, size


def _field_table(b: _Body, data: ReportData) -> None:
    header, rows = narrative.field_table(data)
    n = len(header)
    widths_mm, margin, size = field_table_layout(n)
    widths = [X.mm(w) for w in widths_mm]
    cell_fmt = dict(before=40, after=40)
    head = min(size, header_size(header[2:], widths_mm[-1] - 2 * margin))
    xml = [X.table_start(widths, cell_margin=X.mm(margin))]
    xml.append(X.row("".join(
        X.cell(X.para(X.run(h, head, bold=True), align="center", **cell_fmt), w) for h, w in zip(header, widths)
    ), header=True))
    for i, r in enumerate(rows):
        bold = i == len(rows) - 1  # the Cộng row
        # The last rows before Cộng keep with the next one: a page break never leaves the total
        # alone under a repeated header.
        keep = len(rows) - 1 - KEEP_WITH_TOTAL <= i < len(rows) - 1
        cells = []
        for j, (text, w) in enumerate(zip(r, widths)):
            align = "left" if j == 1 and not bold else "center"
            cells.append(X.cell(X.para(X.run(text, size, bold=bold), align=align, keep_next=keep, **cell_fmt), w))
        xml.append(X.row("".join(cells)))
    xml.append(X.TABLE_END)
    b.add("".join(xml))
    b.cells += n * (len(rows) + 1)
    b.paragraphs += n * (len(rows) + 1)
    # A table followed directly by text looks glued to it.
    b.p(size=6, after=0, line=120, line_rule="exact")


CHART_W = 140.0  # mm: a 7 × 3,4 in chart is 68 mm high, so it and its caption fit the rest of a page more often


def _charts(b: _Body, data: ReportData) -> int:
    pictures = chart_figures.report_charts(data) + commune_charts(data)
    for i, (caption, png) in enumerate(pictures, 1):
        b.picture(png, min(CHART_W, TEXT_W))
        b.p(X.run(f"Biểu đồ {i}. {caption}", 13, italic=True), align="center", after=200)
    return len(pictures)


COMMUNE_CHARTS = ("hs.ubnd.ty_le_dung_han", "hs.ubnd.ty_le_truc_tuyen")


def commune_charts(data: ReportData) -> list[tuple[str, bytes]]:
    """A roll-up's per-commune charts (kind theo-xa): (caption, PNG); none for a commune's report."""
    if not getattr(data, "communes", None):
        return []
    where = f"{data.text_value('don_vi.ten')}, {periods.name(data.key)}"
    out = []
    for name in COMMUNE_CHARTS:
        fig = chart_figures.figure("theo-xa", data, title=False, size=(7.0, 4.2), indicator=name)
        if chart_figures.has_data(fig):
            label = chart_figures.indicator_label(data, name)[0].split(" — ")[0].replace(" (%)", "")
            out.append((f"{label} theo xã ({where})", chart_figures.png_bytes(fig, dpi=200)))
    return out


SUBMISSIONS_TITLE = "Tình hình báo cáo của UBND cấp xã"


def submission_lines(data: ReportData) -> list[narrative.Paragraph]:
    """A roll-up's communes by submission status: on time, late, with figures of unknown date, missing."""
    communes = getattr(data, "communes", None) or []
    deadline = next((c.deadline for c in communes if c.deadline), None) or data.period.get("deadline")
    reported = [c for c in communes if c.data is not None]
    head = (f"Hạn nộp báo cáo {periods.name(data.key)} của UBND cấp xã: ngày {fmt.date(deadline)}. "
            if deadline else "")
    lines = [narrative.Paragraph(f"{head}Đã nhận báo cáo (gói số liệu) của {len(reported)}/{len(communes)} "
                                 "UBND cấp xã, cụ thể:")]
    groups = [("dung_han", "Nộp đúng hạn"), ("tre_han", "Nộp muộn"),
              ("khong_ro", "Đã có số liệu, chưa rõ ngày nộp"), ("chua_nop", "Chưa nộp")]
    shown = [(k, t) for k, t in groups if k != "khong_ro" or any(c.status == k for c in communes)]
    word = unit_word([c.unit or {"kind": "xa"} for c in communes])  # "xã", or "đơn vị" of mixed kinds
    for i, (status, words) in enumerate(shown):
        # a refused package is no report: that commune has not sent one
        these = [c for c in communes if c.status == status or (status == "chua_nop" and c.status == "bi_tu_choi")]
        names = ", ".join(c.name + (f" (ngày {fmt.date(c.submitted_at[:10])})" if status == "tre_han"
                                    and c.submitted_at else "") for c in these)
        end = "." if i == len(shown) - 1 else ";"
        lines.append(narrative.Paragraph(f"**{words}: {len(these)} {word}**" + (f": {names}" if names else "") + end,
                                         "- "))
    return lines


def _submissions(b: _Body, data: ReportData) -> None:
    number = 1 + sum(1 for s in outline() if s["key"].startswith("I.") and s.get("level", 2) == 2)
    b.p(X.run(f"{number}. {SUBMISSIONS_TITLE}", BODY, bold=True), **{**BODY_FMT, "keep_next": True}, outline=1)
    for par in submission_lines(data):
        b.p(_runs(par), **BODY_FMT)


def _sections(b: _Body, data: ReportData, charts: bool) -> None:
    charts_done = not charts
    for s in outline():
        key, level = s["key"], s.get("level", 2)
        if key == "II" and getattr(data, "communes", None):  # the communes' reports close section I
            _submissions(b, data)
        title = data.section_title(key) if level else ""
        if title:
            if level == 1:
                b.p(X.run(title.upper(), BODY, bold=True), **{**BODY_FMT, "before": 120, "keep_next": True},
                    outline=0)
            else:
                b.p(X.run(title, BODY, bold=True), **{**BODY_FMT, "keep_next": True}, outline=1)
        if not s.get("text", True):
            continue
        text = narrative.with_merger_sources(key, (data.narratives.get(key) or {}).get("text") or "", data)
        for item in narrative.render(text, data):
            if isinstance(item, narrative.Block):
                if item.name == "bang.ho_so_linh_vuc":
                    _field_table(b, data)
                    if not charts_done:
                        _charts(b, data)
                        charts_done = True
                elif item.name == narrative.MERGER_BLOCK:
                    for par in narrative.merger_paragraphs(data):
                        b.p(_runs(par), **BODY_FMT)
                elif item.name == "bang.ho_so_nganh_doc":
                    for agency in ("cong_an", "quan_su"):
                        if agency in data.tables:
                            for par in narrative.agency_lines(data, agency):
                                b.p(_runs(par), **BODY_FMT)
                else:  # any other block: its lines as paragraphs
                    for line in narrative.block_lines(item.name, data):
                        b.p(X.run(tidy(line), BODY), **BODY_FMT)
            else:
                b.p(_runs(item), **BODY_FMT)
        if key == "II.2" and not charts_done:  # the text has no dossier table: charts close II.2
            _charts(b, data)
            charts_done = True


def _closing(b: _Body, data: ReportData) -> None:
    left_mm, right_mm = TEXT_W * 0.45, TEXT_W * 0.55
    left_w, right_w = X.mm(left_mm), X.mm(right_mm)
    left = X.para(X.run("Nơi nhận:", NOI_NHAN, bold=True, italic=True), align="left")
    lines = recipients(data)
    left += "".join(X.para(X.run(r, RECIPIENTS), align="left") for r in lines)
    center = dict(align="center")
    capacity, title, name = signer(data)
    right = ""
    if capacity:
        right += X.para(X.run(capacity, BODY, bold=True), **center)
    right += X.para(X.run(title, BODY, bold=True), **center)
    right += X.para(size=BODY, line=1700, line_rule="exact", **center)  # ~3 cm for signature and seal
    right += X.para(X.run(name, BODY, bold=True), **center)
    b.paragraphs += 1 + len(lines) + 4
    b.cells += 2
    b.p(size=BODY, after=0)
    b.add(X.table_start([left_w, right_w], borders=False, cell_margin=0)
          + X.row(X.cell(left, left_w, valign="top") + X.cell(right, right_w, valign="top"))
          + X.TABLE_END)


KEEP_FORM_TAIL = 6  # an appendix form's last rows kept together: never 3 or 4 rows alone on a page


def _appendix(b: _Body, data: ReportData) -> None:
    center = dict(align="center")
    b.p(X.run("Phụ lục", BODY, bold=True), **center)
    b.p(X.run(appendix_title(data), BODY, bold=True), **center)
    b.p(X.run(appendix_reference(data), BODY, italic=True), **center, after=240)
    widths_mm = (17.0, 125.0, 38.0, 27.0, 45.0)  # = 252 mm
    w = [X.mm(v) for v in widths_mm]
    cell_fmt = dict(before=30, after=30)
    size = APPENDIX_TABLE

    def hcell(text: str, width: int, span: int = 1, vmerge: str | None = None, note: str = "") -> str:
        runs = X.run(text, size, bold=True) + (X.run("\n" + note, size, italic=True) if note else "")
        return X.cell(X.para(runs, align="center", **cell_fmt) if text else "", width, span, vmerge)

    head = (
        X.row(hcell(COLUMN_LABELS[0], w[0], vmerge="restart")
              + hcell(COLUMN_LABELS[1], w[1], vmerge="restart", note=COLUMN_NOTE)
              + hcell(COLUMN_LABELS[2], w[2] + w[3], span=2)
              + hcell(COLUMN_LABELS[5], w[4], vmerge="restart"), header=True)
        + X.row(hcell("", w[0], vmerge="continue") + hcell("", w[1], vmerge="continue")
                + hcell(COLUMN_LABELS[3], w[2]) + hcell(COLUMN_LABELS[4], w[3])
                + hcell("", w[4], vmerge="continue"), header=True)
    )
    fixes = corrections.by_code(data)
    for i, form in enumerate(data.catalogue.appendix_forms()):
        b.p(X.run(form.heading or form.code, BODY, bold=True), **center, before=240 if i else 0, keep_next=True)
        b.p(X.run(form.title, BODY, bold=True), **center, after=120, keep_next=True)
        xml = [X.table_start(w), head]
        b.cells += 10
        b.paragraphs += 7
        footnote = wording.has_recomputed(form, fixes)
        last = len(form.rows) - 1
        for k, r in enumerate(form.rows):
            bold = r.kind == "group" or r.depth == 0
            italic = r.italic
            # a heading row never ends a page alone, and a form's last rows (its footnote too) never
            # start a page alone under the repeated header
            keep = r.kind == "group" or last - KEEP_FORM_TAIL <= k < last or (k == last and footnote)
            value = r.format(data.values.get(r.code)) if r.has_value else ""
            texts = (r.stt, r.label, unit_text(r.unit), value, row_note(data, r.code, fixes))
            aligns = ("center", "left", "center", "center", "left")
            # the Ghi chú column is a note, never a heading: upright and regular on a bold row too
            xml.append(X.row("".join(
                X.cell(X.para(X.run(t, size, bold=bold and k < 4, italic=italic and k < 4), align=a, keep_next=keep,
                              **cell_fmt), width)
                for k, (t, a, width) in enumerate(zip(texts, aligns, w))
            )))
            b.cells += 5
            b.paragraphs += 5
        xml.append(X.TABLE_END)
        b.add("".join(xml))
        if footnote:
            b.p(X.run(wording.corrected_footnote(form, fixes), size, italic=True), before=60)
    notes = wording.text_figure_notes(data, fixes)
    if notes:
        b.p(X.run(wording.TEXT_FIGURES_HEADING, size - 1, bold=True, italic=True), before=60, keep_next=True)
        for i, note in enumerate(notes):
            b.p(X.run(note, size - 1, italic=True), keep_next=i < len(notes) - 1)


# --- the document ------------------------------------------------------------------------------
def _normalise_styles(doc) -> None:
    """Times New Roman in all four slots of every style and of the defaults; 14 pt; Vietnamese."""
    from docx.oxml import parse_xml  # python-docx: only when a Word file is written (start-up time)

    styles = doc.styles.element
    w = X.W
    for rfonts in styles.iter(f"{w}rFonts"):
        for attr in list(rfonts.attrib):
            del rfonts.attrib[attr]
        for slot in ("ascii", "hAnsi", "eastAsia", "cs"):
            rfonts.set(f"{w}{slot}", X.FONT)
    defaults = styles.find(f"{w}docDefaults")
    rpr = defaults.find(f"{w}rPrDefault/{w}rPr")
    for child in list(rpr):
        rpr.remove(child)
    for el in parse_xml(
        f'<w:rPr {X.NSDECLS}><w:rFonts w:ascii="{X.FONT}" w:hAnsi="{X.FONT}" w:eastAsia="{X.FONT}" w:cs="{X.FONT}"/>'
        f'<w:sz w:val="{BODY * 2}"/><w:szCs w:val="{BODY * 2}"/>'
        '<w:lang w:val="vi-VN" w:eastAsia="en-US" w:bidi="ar-SA"/></w:rPr>'
    ):
        rpr.append(el)
    ppr = defaults.find(f"{w}pPrDefault/{w}pPr")
    for child in list(ppr):
        ppr.remove(child)
    ppr.append(parse_xml(f'<w:spacing {X.NSDECLS} w:after="0" w:line="240" w:lineRule="auto"/>'))
    # Styles that carry a size or a colour of their own (Normal has none in the default template).
    for style in styles.iter(f"{w}style"):
        srpr = style.find(f"{w}rPr")
        if srpr is not None:
            for tag in ("color",):
                for el in srpr.findall(f"{w}{tag}"):
                    srpr.remove(el)
            if srpr.find(f"{w}rFonts") is None:
                srpr.insert(0, parse_xml(
                    f'<w:rFonts {X.NSDECLS} w:ascii="{X.FONT}" w:hAnsi="{X.FONT}" w:eastAsia="{X.FONT}" w:cs="{X.FONT}"/>'))


def _page_headers(doc) -> str:
    """Header parts of section 1: page number centred (default), nothing on page 1 (first).
    Returns the `w:headerReference` XML to put in the report's sectPr."""
    # python-docx: only when a Word file is written (start-up time)
    from docx.oxml import parse_xml
    from lxml import etree  # python-docx's XML: only when a Word file is written

    sec = doc.sections[0]
    sec.different_first_page_header_footer = True
    header = sec.header
    header.is_linked_to_previous = False
    hdr = header._element
    for child in list(hdr):
        hdr.remove(child)
    hdr.append(parse_xml(f"<w:p {X.NSDECLS}>{X.ppr(align='center')}{X.page_field(PAGE_NUMBER)}</w:p>"))
    first = sec.first_page_header
    first.is_linked_to_previous = False
    sect = doc.element.body.find(f"{X.W}sectPr")
    refs = sect.findall(f"{X.W}headerReference")
    return "".join(etree.tostring(r, encoding="unicode") for r in refs)


def build(data: ReportData, charts: bool | None = None, index766=None):
    """The python-docx Document of the report and its appendix; (doc, paragraphs, cells) counts.
    `index766` (report/index766.IndexResult): the QĐ 766 index closes the appendix (docx_index766)."""
    # python-docx: only when a Word file is written (start-up time)
    import docx
    from docx.oxml import parse_xml  # python-docx's XML: only when a Word file is written

    doc = docx.Document()
    _normalise_styles(doc)
    refs = _page_headers(doc)
    b = _Body(doc)
    _header(b, data)
    _title(b, data)
    _sections(b, data, _charts_on(data, charts))
    _closing(b, data)
    # The paragraph that ends section 1 (portrait, page numbers from page 2).
    b.add("<w:p><w:pPr>" + X.sect_pr(*A4, MARGINS, header_refs=refs, next_page=False) + "</w:pPr></w:p>")
    b.paragraphs += 1
    _appendix(b, data)
    if index766 is not None:
        docx_index766.appendix(b, index766)
    # Section 2: landscape, its own numbering (headers inherited from section 1).
    final = X.sect_pr(A4[1], A4[0], MARGINS, landscape=True, restart_numbering=True)
    body_el = doc.element.body
    for child in list(body_el):
        body_el.remove(child)
    fragment = parse_xml(f"<w:body {X.NSDECLS}>{''.join(b.parts)}{final}</w:body>")
    body_el.extend(list(fragment))
    _properties(doc, data)
    return doc, b.paragraphs, b.cells


def _properties(doc, data: ReportData) -> None:
    # The template's thumbnail is a picture of python-docx's blank page: Explorer would show it.
    rels = doc.part.package.rels
    for rid, rel in list(rels.items()):
        if rel.reltype.endswith("/metadata/thumbnail"):
            rels.pop(rid)
    for part in doc.part.package.iter_parts():
        if str(part.partname) == "/docProps/app.xml":
            part._blob = X.app_properties(data.text_value("don_vi.co_quan") or "")
    cp = doc.core_properties
    now = dt.datetime.now(dt.timezone.utc).replace(microsecond=0, tzinfo=None)
    cp.title = f"Báo cáo kết quả công tác cải cách hành chính {periods.name(data.key)}"
    cp.subject = trich_yeu(data)
    cp.author = data.text_value("don_vi.co_quan") or ""
    cp.last_modified_by = cp.author
    cp.keywords = "CCHC"
    cp.comments = ""
    cp.created = now
    cp.modified = now
    cp.revision = 1
    cp.language = "vi-VN"


def to_bytes(data: ReportData, charts: bool | None = None, index766=None) -> bytes:
    doc, _, _ = build(data, charts, index766)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def write(data: ReportData, path: Path, charts: bool | None = None, index766=None) -> Path:
    """Write the report and its appendix to `path` (.docx), atomically.

    Charts: None = on for the annual report (NAM), off for the others. `index766`: an IndexResult
    whose groups and criteria close the appendix (the export's option). A target that cannot
    be written (folder gone, file open in Word, disk full) raises UserError with a Vietnamese
    message, and the target is left as it was.
    """
    content = to_bytes(data, charts, index766)
    return fileio.atomic_write(Path(path), content)
