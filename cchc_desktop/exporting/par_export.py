"""The PAR Index self-assessment table to Word (python-docx, ND 30/2020 page and font) and Excel
(openpyxl): STT, nội dung, điểm tối đa, điểm tự chấm, điểm thẩm định, giải trình, tài liệu kiểm chứng;
a row per criterion, totals per lĩnh vực (the lĩnh vực rows) and overall."""
from __future__ import annotations

from pathlib import Path

from cchc_desktop import fileio
from cchc_desktop.domain import par_criteria as pc
from cchc_desktop.report.par import Assessment, Line, RankRow, evidence_label

HEAD = ("STT", "Nội dung tiêu chí", "Điểm tối đa", "Điểm tự chấm", "Điểm thẩm định", "Giải trình",
        "Tài liệu kiểm chứng")
ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")


def stt(code: str) -> str:
    """'2' → 'II'; '2.3' → '3'; '2.3.1' → '3.1' (the province's numbering)."""
    parts = code.split(".")
    if len(parts) == 1:
        n = int(parts[0])
        return ROMAN[n - 1] if n <= len(ROMAN) else parts[0]
    return ".".join(parts[1:])


def _p(d) -> str:
    return "" if d is None else pc.fmt_points(d)


def _evidence(ln: Line) -> str:
    return "; ".join(evidence_label(e) for e in ln.evidence)


def rows(a: Assessment) -> list[tuple[str, ...]]:
    return [(stt(ln.criterion.code), ln.criterion.label, _p(ln.criterion.max_points), _p(ln.score),
             _p(ln.appraised), ln.note + (f" — Thẩm định: {ln.appraised_note}" if ln.appraised_note else ""),
             _evidence(ln)) for ln in a.lines]


def title(a: Assessment) -> str:
    return f"BẢNG TỰ ĐÁNH GIÁ, CHẤM ĐIỂM CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM {a.year}"


def write_xlsx(a: Assessment, unit_name: str, out: str | Path) -> Path:
    from openpyxl import Workbook  # with the export only (start-up time)
    from openpyxl.styles import Alignment, Border, Font, Side

    wb = Workbook()
    ws = wb.active
    ws.title = "Tự đánh giá"
    ws.append([title(a)])
    ws.append([f"{unit_name} — {a.criteria.name} ({a.criteria.document})"
               + (" — BỘ TIÊU CHÍ CHƯA ĐẦY ĐỦ" if a.criteria.partial else "")])
    ws.append(list(HEAD))
    thin = Side(style="thin")
    for r in rows(a):
        ws.append(list(r))
    ws.append(["", "TỔNG ĐIỂM", pc.fmt_points(a.criteria.total), pc.fmt_points(a.total),
               _p(a.total_appraised), "", ""])
    for i, w in enumerate((7, 60, 10, 10, 10, 30, 40)):
        ws.column_dimensions["ABCDEFG"[i]].width = w
    for row in ws.iter_rows(min_row=3):
        for cell in row:
            cell.border = Border(top=thin, bottom=thin, left=thin, right=thin)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            cell.font = Font(name="Times New Roman", size=12,
                             bold=cell.row == 3 or cell.row == ws.max_row or
                             (cell.row > 3 and "." not in a.lines[cell.row - 4].criterion.code
                              if cell.row - 4 < len(a.lines) else False))
    ws["A1"].font = Font(name="Times New Roman", size=13, bold=True)
    return fileio.atomic_write(out, lambda p: wb.save(p))


def write_docx(a: Assessment, unit_name: str, out: str | Path) -> Path:
    import docx  # python-docx: with the export only
    from docx.enum.section import WD_ORIENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm, Pt

    d = docx.Document()
    sec = d.sections[0]
    sec.orientation = WD_ORIENT.LANDSCAPE
    sec.page_width, sec.page_height = Mm(297), Mm(210)
    sec.top_margin, sec.bottom_margin, sec.left_margin, sec.right_margin = Mm(20), Mm(20), Mm(30), Mm(15)
    style = d.styles["Normal"]
    style.font.name, style.font.size = "Times New Roman", Pt(13)
    for text, size in ((unit_name.upper(), 13), (title(a), 14)):
        p = d.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        r = p.add_run(text)
        r.bold, r.font.size = True, Pt(size)
    p = d.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    r = p.add_run(f"(Theo {a.criteria.document})")
    r.italic = True
    if a.criteria.partial:
        d.add_paragraph().add_run("Lưu ý: bộ tiêu chí nạp vào chưa đầy đủ so với văn bản của tỉnh.").bold = True
    body = rows(a)
    t = d.add_table(rows=1 + len(body) + 1, cols=len(HEAD))
    t.style = "Table Grid"
    for i, h in enumerate(HEAD):
        t.rows[0].cells[i].text = h
        t.rows[0].cells[i].paragraphs[0].runs[0].bold = True
    for k, (vals, ln) in enumerate(zip(body, a.lines), 1):
        for i, v in enumerate(vals):
            cell = t.rows[k].cells[i]
            cell.text = v
            if ln.criterion.depth == 0 and cell.paragraphs[0].runs:
                cell.paragraphs[0].runs[0].bold = True
    last = t.rows[-1].cells
    for i, v in enumerate(("", "TỔNG ĐIỂM", pc.fmt_points(a.criteria.total), pc.fmt_points(a.total),
                           _p(a.total_appraised), "", "")):
        last[i].text = v
        if v:
            last[i].paragraphs[0].runs[0].bold = True
    t.autofit = False
    widths = (12, 95, 18, 18, 18, 45, 46)
    for i, w in enumerate(widths):
        t.columns[i].width = Mm(w)
    for row in t.rows:
        for i, w in enumerate(widths):
            row.cells[i].width = Mm(w)
            for par in row.cells[i].paragraphs:
                for run in par.runs:
                    run.font.size = Pt(12)
    return fileio.atomic_write(out, lambda p: d.save(str(p)))


RANK_HEAD = ("Hạng", "Mã", "Đơn vị", "Điểm tự chấm", "Điểm thẩm định", "Điểm xếp hạng", "Điểm tối đa",
             "Tình trạng thẩm định", "Ghi chú")


def write_ranking_xlsx(rank: list[RankRow], upper_name: str, year: int, out: str | Path) -> Path:
    """The ranking of the communes by appraised score (the self-score where not yet appraised, said in
    the status column); numbers as numbers, so the province can sort and sum."""
    from openpyxl import Workbook  # with the export only (start-up time)
    from openpyxl.styles import Alignment, Border, Font, Side

    wb = Workbook()
    ws = wb.active
    ws.title = "Xếp hạng"
    ws.append([f"XẾP HẠNG CHỈ SỐ CẢI CÁCH HÀNH CHÍNH CẤP XÃ NĂM {year}"])
    ws.append([f"{upper_name} — điểm xếp hạng: điểm thẩm định; tiêu chí chưa thẩm định tính theo điểm tự chấm "
               "(cột Tình trạng thẩm định ghi rõ)"])
    ws.append(list(RANK_HEAD))

    def num(d):
        return None if d is None else float(d)
    for r in rank:
        ws.append([r.rank if r.rank is not None else "—", r.unit_code, r.name, num(r.self_total),
                   num(r.appraised_total), num(r.score), num(r.max_total), r.status,
                   r.flag if r.rank is not None else f"Không xếp hạng: {r.flag}"])
    thin = Side(style="thin")
    for i, w in enumerate((7, 10, 30, 12, 12, 12, 10, 30, 50)):
        ws.column_dimensions["ABCDEFGHI"[i]].width = w
    for row in ws.iter_rows(min_row=3):
        for cell in row:
            cell.border = Border(top=thin, bottom=thin, left=thin, right=thin)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            cell.font = Font(name="Times New Roman", size=12, bold=cell.row == 3)
            if cell.column in (4, 5, 6, 7):
                cell.number_format = "0.##"
    ws["A1"].font = Font(name="Times New Roman", size=13, bold=True)
    for r in (1, 2):
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=len(RANK_HEAD))
        ws.cell(r, 1).alignment = Alignment(wrap_text=True, horizontal="center", vertical="top")
    ws["A2"].font = Font(name="Times New Roman", size=12, italic=True)
    ws.row_dimensions[2].height = 32
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.print_title_rows = "3:3"
    return fileio.atomic_write(out, lambda p: wb.save(p))
