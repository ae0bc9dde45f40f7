"""The appendix (Biểu mẫu 1–7) and the dossier tables as an Excel workbook.

One sheet per appendix form, laid out like the paper form: the title lines, the two-level
header ("Kết quả thống kê" over "Đơn vị tính" / "Số lượng/ Tỷ lệ"), borders, column widths,
wrapped labels, group rows bold, italic rows italic; numbers are numbers with number formats
(thousands separators, percentages with one decimal). Then a sheet with the per-field dossier
table of the one-stop desk and the figures of Công an xã and BCH Quân sự xã.
Print set-up: A4 landscape, fit to the page width, the header rows repeated on every page.
Text a user typed (notes, labels) is always written as text: "=…" never becomes a formula.
"""
from __future__ import annotations

import math
import re
from decimal import Decimal
from pathlib import Path

from cchc_desktop import fileio, fmt, safe_text
from cchc_desktop.domain import dossiers, periods
from cchc_desktop.report import corrections, narrative
from cchc_desktop.exporting import wording
from cchc_desktop.report.values import ReportData

FONT = "Times New Roman"
COUNT_FORMAT = "#,##0"
PERCENT_FORMAT = "0.0"
CHOICE_FORMAT = "0"
WIDTHS = {"A": 7, "B": 62, "C": 17, "D": 15, "E": 30}
HEADER_ROWS = (6, 7)
COLUMN_NOTE = "(sử dụng cho kỳ báo cáo hàng quý, 6 tháng, năm)"
XLSX_CELL_MAX = 32_767  # what one Excel cell holds
DOSSIER_SHEET = "Hồ sơ TTHC"
AGENCY_SHEET = "Hồ sơ theo cơ quan"
BLANK_AGENCY_NOTE = ("Ô để trống: cơ quan chưa có số liệu đó (chưa nhập ở phần Hồ sơ một cửa, hoặc sổ theo dõi "
                     "hồ sơ không có cột đó); không phát sinh thì nhập 0.")
AGENCY_MEASURES = (
    "tiep_nhan", "truc_tuyen", "truc_tiep", "ky_truoc", "da_giai_quyet", "truoc_han", "dung_han", "qua_han",
    "dang_giai_quyet", "dang_qua_han", "ty_le_truc_tuyen", "ty_le_dung_han", "ty_le_da_giai_quyet",
)


def file_name(data: ReportData) -> str:
    """`Phu luc CCHC nam 2023 - xa Chi Lang Nam.xlsx` (as the Word export names its file)."""
    return wording.file_name("Phu luc CCHC", data, ".xlsx")


def set_text(cell, text) -> None:
    """Text as text: a value starting with "=" (or +, -, @) must never become a formula."""
    # openpyxl refuses control characters (an older file may hold them); Excel holds 32 767 characters
    text = safe_text.clean(text)
    if len(text) > XLSX_CELL_MAX:
        text = text[:XLSX_CELL_MAX - 1] + "…"
    cell.value = text
    cell.data_type = "s"
    if text[:1] in ("=", "+", "-", "@"):
        cell.quotePrefix = True


def set_number(cell, value, number_format: str) -> None:
    if value is None:
        cell.value = None
        return
    cell.value = fmt.plain(Decimal(str(value)))
    cell.number_format = number_format


def vn_integer_format(value: int) -> str:
    """The number format printing a whole number as the report writes it, on any computer: the
    thousands dots are literal (`#0\\.000` for 3.218), since `#,##0` takes the separators of the
    PC's locale (an English Windows shows 3,218 beside a Ghi chú saying 3.225)."""
    digits = len(str(abs(int(value))))
    first = digits % 3 or 3
    return "#" * (first - 1) + "0" + "\\.000" * ((digits - first) // 3)


def set_figure(cell, value, kind: str) -> None:
    """A figure of the appendix exactly as the Word file prints it, whatever the PC's locale: a
    whole number stays a number (with vn_integer_format), a rate or amount with decimals is written
    as the report writes it (`97,6`, `3.523,681`), as text: Excel's decimal separator is the
    locale's and cannot be fixed by a format. `kind`: percent, money, choice or count."""
    if value is None:
        cell.value = None
        return
    d = Decimal(str(value))
    if kind == "percent":
        d = fmt.round_percent(d)
    if d == d.to_integral_value():
        cell.value = int(d)
        cell.number_format = CHOICE_FORMAT if kind == "choice" else vn_integer_format(int(d))
        return
    set_text(cell, fmt.percent(d) if kind == "percent" else fmt.money(d))


def _styles():
    # openpyxl: only when a workbook is written (start-up time)
    from openpyxl.styles import Alignment, Border, Font, Side

    thin = Side(style="thin", color="000000")
    return {
        "border": Border(left=thin, right=thin, top=thin, bottom=thin),
        "font": Font(name=FONT, size=12),
        "bold": Font(name=FONT, size=12, bold=True),
        "italic": Font(name=FONT, size=12, italic=True),
        "bold_italic": Font(name=FONT, size=12, bold=True, italic=True),
        "head_note": Font(name=FONT, size=11, italic=True),
        "center": Alignment(horizontal="center", vertical="center", wrap_text=True),
        "left": Alignment(horizontal="left", vertical="center", wrap_text=True),
        "right": Alignment(horizontal="right", vertical="center", wrap_text=False),
    }


def _title_rows(ws, data: ReportData, lines: list[tuple[str, str]], last_col: str, st) -> None:
    texts = {"phu_luc": "Phụ lục", "title": wording.appendix_title(data), "ref": wording.appendix_reference(data)}
    fonts = {"phu_luc": st["bold"], "title": st["bold"], "ref": st["italic"], "heading": st["bold"],
             "form_title": st["bold"]}
    for i, (kind, text) in enumerate(lines, 1):
        ws.merge_cells(f"A{i}:{last_col}{i}")
        c = ws[f"A{i}"]
        set_text(c, texts.get(kind, text))
        c.font = fonts.get(kind, st["bold"])
        c.alignment = st["center"]
        ws.row_dimensions[i].height = 33 if kind == "title" else 18


# Nghị định 30/2020, Phụ lục I: margins (top and bottom 20–25 mm, left 30–35 mm, right 15–20 mm),
# the page number in Arabic numerals at the top centre, in the text's face.
MARGINS_MM = {"top": 20, "bottom": 20, "left": 30, "right": 15}
PRINTABLE_PT = (210 - MARGINS_MM["top"] - MARGINS_MM["bottom"] - 10) * 72 / 25.4  # A4 landscape, less the header
SHRINK_TO_ONE_PAGE = 1.5  # a sheet up to 1,5 pages tall by this estimate (a few rows more, in print) prints on one page


def _print_setup(ws, title_rows: str) -> None:
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    height = sum((ws.row_dimensions[r].height or 15) for r in range(1, ws.max_row + 1))
    ws.page_setup.fitToHeight = 1 if height <= SHRINK_TO_ONE_PAGE * PRINTABLE_PT else 0
    ws.print_title_rows = title_rows
    ws.print_options.horizontalCentered = True
    for side, mm in MARGINS_MM.items():
        setattr(ws.page_margins, side, mm / 25.4)
    ws.page_margins.header = 8 / 25.4
    ws.page_margins.footer = 0
    ws.oddHeader.center.text = "&P"
    ws.oddHeader.center.font = f"{FONT},Regular"
    ws.oddHeader.center.size = 13


def money_format(value) -> str:
    """Thousands separators and exactly the decimals the value has (at most 3): "#,##0.###"
    would leave a bare decimal separator after a whole number in Excel ("4.000,")."""
    exponent = Decimal(str(value)).normalize().as_tuple().exponent
    decimals = min(max(-exponent, 0), 3) if isinstance(exponent, int) else 0
    return "#,##0" + ("." + "0" * decimals if decimals else "")


def _lines(text: str, width_chars: float) -> int:
    n = 0
    for part in (text or "").split("\n"):
        n += max(1, math.ceil(len(part) * 1.1 / max(width_chars, 1)))
    return n


def _sheet_name(text: str, used: set[str]) -> str:
    name = re.sub(r"[\[\]:*?/\\]", " ", text).strip()[:31] or "Biểu"
    base, k = name, 2
    while name in used:
        suffix = f" ({k})"
        name = base[: 31 - len(suffix)] + suffix
        k += 1
    used.add(name)
    return name


def _form_sheet(wb, form, data: ReportData, used: set[str], st, fixes: dict) -> None:
    ws = wb.create_sheet(_sheet_name(form.heading or form.code, used))
    for col, w in WIDTHS.items():
        ws.column_dimensions[col].width = w
    _title_rows(ws, data, [("phu_luc", ""), ("title", ""), ("ref", ""), ("heading", form.heading or form.code),
                           ("form_title", form.title)], "E", st)
    top, sub = HEADER_ROWS
    ws.merge_cells(f"A{top}:A{sub}")
    ws.merge_cells(f"B{top}:B{sub}")
    ws.merge_cells(f"C{top}:D{top}")
    ws.merge_cells(f"E{top}:E{sub}")
    heads = {f"A{top}": "STT", f"B{top}": f"Chỉ tiêu thống kê\n{COLUMN_NOTE}", f"C{top}": "Kết quả thống kê",
             f"E{top}": "Ghi chú", f"C{sub}": "Đơn vị tính", f"D{sub}": "Số lượng/ Tỷ lệ"}
    for ref, text in heads.items():
        set_text(ws[ref], text)
    for r in (top, sub):
        for col in "ABCDE":
            c = ws[f"{col}{r}"]
            c.font = st["bold"]
            c.alignment = st["center"]
            c.border = st["border"]
    ws.row_dimensions[top].height = 36
    ws.row_dimensions[sub].height = 33
    row_no = sub + 1
    for r in form.rows:
        bold = r.kind == "group" or r.depth == 0
        font = st["bold_italic"] if bold and r.italic else st["bold"] if bold else st["italic"] if r.italic else st["font"]
        unit = wording.unit_text(r.unit)
        cells = [ws.cell(row_no, i) for i in range(1, 6)]
        set_text(cells[0], r.stt)
        set_text(cells[1], r.label)
        set_text(cells[2], unit)
        value = data.values.get(r.code) if r.has_value else None
        vc = cells[3]
        if value is None:
            vc.value = None
        elif r.kind == "text":
            set_text(vc, value)
        elif r.kind == "percent" or (r.derived and r.unit == "%"):
            set_figure(vc, value, "percent")
        else:
            set_figure(vc, value, r.kind if r.kind in ("money", "choice") else "count")
        note = wording.row_note(data, r.code, fixes)
        if note:
            set_text(cells[4], note)
        for i, c in enumerate(cells):
            c.font = font if i < 4 else st["font"]  # the Ghi chú is a note, regular on a bold row too
            c.border = st["border"]
            c.alignment = st["left"] if i in (1, 4) else st["center"]
        if r.kind == "text":
            vc.alignment = st["left"]
        lines = max(_lines(r.label, WIDTHS["B"]), _lines(unit, WIDTHS["C"]), _lines(note, WIDTHS["E"]),
                    _lines(str(value) if r.kind == "text" and value else "", WIDTHS["D"]))
        ws.row_dimensions[row_no].height = max(18, 16 * lines + 3)
        row_no += 1
    if wording.has_recomputed(form, fixes):
        set_text(ws.cell(row_no, 1), wording.corrected_footnote(form, fixes))
        ws.cell(row_no, 1).font = st["head_note"]
        ws.merge_cells(start_row=row_no, start_column=1, end_row=row_no, end_column=5)
        ws.row_dimensions[row_no].height = 18
    _print_setup(ws, f"{top}:{sub}")
    ws.freeze_panes = f"A{sub + 1}"


def _number_or_text(cell, text: str) -> None:
    if text == "":
        cell.value = None
        return
    try:
        set_figure(cell, fmt.parse_number(text), "count")
    except Exception:
        set_text(cell, text)


def _dossier_sheet(wb, data: ReportData, used: set[str], st) -> None:
    ws = wb.create_sheet(_sheet_name(DOSSIER_SHEET, used))
    header, rows = narrative.field_table(data)
    ncols = len(header)
    from openpyxl.utils import get_column_letter  # openpyxl: only when a workbook is written (start-up time)

    last = get_column_letter(max(ncols, 5))
    _title_rows(ws, data, [("phu_luc", ""), ("title", ""), ("ref", ""),
                           ("heading", "KẾT QUẢ GIẢI QUYẾT HỒ SƠ THỦ TỤC HÀNH CHÍNH"),
                           ("form_title", f"1. {data.agency_name('ubnd')} (theo lĩnh vực)")], last, st)
    head_row = 6
    widths = [7, 34] + [15] * (ncols - 2)
    for i, w in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(i)].width = w
    for i, text in enumerate(header, 1):
        c = ws.cell(head_row, i)
        set_text(c, text)
        c.font = st["bold"]
        c.alignment = st["center"]
        c.border = st["border"]
    ws.row_dimensions[head_row].height = 50
    r = head_row + 1
    for row in rows:  # noqa: B007
        is_total = row[1] == "Cộng"
        for i, text in enumerate(row, 1):
            c = ws.cell(r, i)
            if i <= 2:
                set_text(c, text)
            else:
                _number_or_text(c, text)
            c.font = st["bold"] if is_total else st["font"]
            c.border = st["border"]
            c.alignment = st["left"] if i == 2 else st["center"]
        ws.row_dimensions[r].height = 20
        r += 1

    _print_setup(ws, f"{head_row}:{head_row}")


def _agency_sheet(wb, data: ReportData, used: set[str], st, fixes: dict) -> None:
    """The agencies side by side: the one-stop desk, the police, the military (named by the frame)."""
    ws = wb.create_sheet(_sheet_name(AGENCY_SHEET, used))
    agencies = list(dossiers.AGENCIES)
    _title_rows(ws, data, [("phu_luc", ""), ("title", ""), ("ref", ""),
                           ("heading", "KẾT QUẢ GIẢI QUYẾT HỒ SƠ THỦ TỤC HÀNH CHÍNH"),
                           ("form_title", "2. Tổng hợp theo cơ quan (" + ", ".join(data.agency_name(a) for a in agencies) + ")")],
                "E", st)
    widths = [7, 52, 20, 20, 20]
    for i, w in enumerate(widths, 1):
        ws.column_dimensions["ABCDE"[i - 1]].width = w
    r = 6
    heads = ["STT", "Chỉ tiêu"] + [data.agency_name(a) for a in agencies]
    for i, text in enumerate(heads, 1):
        c = ws.cell(r, i)
        set_text(c, text)
        c.font = st["bold"]
        c.alignment = st["center"]
        c.border = st["border"]
    ws.row_dimensions[r].height = 36
    measures = {a: data.measures(a) for a in agencies}
    for n, m in enumerate(AGENCY_MEASURES, 1):
        r += 1
        set_text(ws.cell(r, 1), str(n))
        set_text(ws.cell(r, 2), dossiers.MEASURES[m])
        for j, a in enumerate(agencies, 3):
            v = measures[a].get(m)
            c = ws.cell(r, j)
            if v is None:
                c.value = None
            else:
                set_figure(c, v, "percent" if m in dossiers.RATE_MEASURES else "count")
        for i in range(1, 3 + len(agencies)):
            c = ws.cell(r, i)
            c.font = st["font"]
            c.border = st["border"]
            c.alignment = st["left"] if i == 2 else st["center"]
        ws.row_dimensions[r].height = max(20, 16 * _lines(dossiers.MEASURES[m], widths[1]) + 3)
    if any(measures[a].get(m) is None for a in agencies for m in AGENCY_MEASURES):
        r += 1  # a blank cell is said, not left to guess (review of issue 17, X2)
        note = ws.cell(r + 1, 1)
        set_text(note, BLANK_AGENCY_NOTE)
        note.font = st["italic"]
        note.alignment = st["left"]
        ws.merge_cells(start_row=r + 1, start_column=1, end_row=r + 1, end_column=2 + len(agencies))
        ws.row_dimensions[r + 1].height = 16 * _lines(BLANK_AGENCY_NOTE, sum(widths)) + 6
        r += 1
    notes = wording.text_figure_notes(data, fixes)
    for k, note in enumerate([wording.TEXT_FIGURES_HEADING] + notes if notes else []):
        r += 1 + (k == 0)
        c = ws.cell(r, 1)
        set_text(c, note)
        c.font = st["head_note"]
        c.alignment = st["left"]
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=2 + len(agencies))
        ws.row_dimensions[r].height = max(18, 16 * _lines(note, sum(widths)) + 3)
    _print_setup(ws, "6:6")


def _default_font(wb) -> None:
    """The workbook's Normal style in the report's face: empty cells and rows a user adds are
    not in Calibri."""
    from openpyxl.styles import Font  # openpyxl: only when a workbook is written (start-up time)
    from openpyxl.utils.indexed_list import IndexedList  # openpyxl: only when an Excel file is written

    font = Font(name=FONT, size=12)
    next(st for st in wb._named_styles if st.name == "Normal").font = font
    wb._fonts = IndexedList([font])  # font 0: the default of every cell without its own


def build(data: ReportData):
    from openpyxl import Workbook  # openpyxl: only when a workbook is written (start-up time)

    wb = Workbook()
    wb.remove(wb.active)
    _default_font(wb)
    st = _styles()
    used: set[str] = set()
    fixes = corrections.by_code(data)
    for form in data.catalogue.appendix_forms():
        _form_sheet(wb, form, data, used, st, fixes)
    _dossier_sheet(wb, data, used, st)
    _agency_sheet(wb, data, used, st, fixes)
    wb.properties.title = f"Phụ lục báo cáo CCHC {periods.name(data.key)}"
    wb.properties.creator = "CCHC Desktop"
    return wb


def write(data: ReportData, path: Path) -> Path:
    """Write the workbook atomically; returns the path."""
    path = Path(path)
    wb = build(data)
    return fileio.atomic_write(path, lambda tmp: wb.save(tmp))
