"""The upper level's roll-up in Excel: the consolidated appendix as a commune's
(xlsx_appendix.build over the summed data), a sheet of every commune's submission status and
key figures, and, with `compare`, one comparing an indicator commune by commune."""
from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from cchc_desktop import fileio, fmt
from cchc_desktop.domain import dossiers, periods, units
from cchc_desktop.exporting import xlsx_appendix as xa
from cchc_desktop.report.aggregate import RollUp, unit_word
from cchc_desktop.report.index766 import NO_DATA


def title(r: RollUp) -> str:
    return f"{units.label(r.upper)}, {periods.name(periods.parse_code(r.period_code))}"


def _sheet(wb, title: str, heading: str, headers: list[tuple[str, int]], rows: list[list], formats: list):
    """A bordered table sheet: heading in A1, headers (text, width) on row 3, then the rows; a
    format None is text, a (value, format) tuple chooses the cell's own format."""
    from openpyxl.styles import Alignment, Border, Font, Side  # openpyxl: only when a workbook is written

    thin = Side(style="thin", color="000000")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    font, bold = Font(name=xa.FONT, size=12), Font(name=xa.FONT, size=12, bold=True)
    wrap = Alignment(vertical="center", wrap_text=True)
    center = Alignment(horizontal="center", vertical="center", wrap_text=True)
    ws = wb.create_sheet(title)
    xa.set_text(ws.cell(1, 1), heading)
    ws.cell(1, 1).font = bold
    for c, (text, width) in enumerate(headers, 1):
        cell = ws.cell(3, c)
        xa.set_text(cell, text)
        cell.font, cell.alignment, cell.border = bold, center, border
        ws.column_dimensions[cell.column_letter].width = width
    for i, row in enumerate(rows, 4):
        for c, (value, form) in enumerate(zip(row, formats), 1):
            if isinstance(value, tuple):  # (value, number format) chosen per cell
                value, form = value
            cell = ws.cell(i, c)
            if form is None or value is None or isinstance(value, str):
                xa.set_text(cell, value)
            elif form == xa.COUNT_FORMAT or form.startswith("#,##0"):
                # counts and amounts as the report prints them on any PC (thousands dots, never the
                # locale's "3,218" that reads as three and a bit): xlsx_appendix.set_figure
                xa.set_figure(cell, value, "count" if form == xa.COUNT_FORMAT else "money")
            else:
                xa.set_number(cell, value, form)
            cell.font, cell.border = font, border
            cell.alignment = wrap if form is None else Alignment(horizontal="right", vertical="center")
    ws.print_title_rows = "3:3"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    return ws


POINTS_FORMAT = "0.00"
INDEX_SHEET = "Chỉ số QĐ 766"


def index766_sheet(wb, r: RollUp, table) -> None:
    """Every commune's QĐ 766 index (report/index766_province.ProvinceIndex): rank, total, the five
    groups; "chưa có số liệu" / "chưa nộp" as text where there is no figure."""
    def points(value, counted):
        return (value, POINTS_FORMAT) if counted else NO_DATA

    rows = []
    for k, c in enumerate(table.communes, 1):
        res = c.result
        cells = [k, c.rank if c.rank else "", c.name, c.status_label]
        if res is None:
            cells += [c.total_text()] + [""] * (len(table.groups) + 1)
        else:
            cells.append(points(res.points, res.counted_max))
            cells += [points(g.points, g.counted_max) for g in res.groups]
            cells.append((res.counted_max, POINTS_FORMAT))
        rows.append(cells)
    headers = ([("STT", 6), ("Hạng", 7), ("Đơn vị cấp xã", 26), ("Tình trạng", 28),
                (f"Tổng điểm ({fmt.number(table.total_max)})", 15)]
               + [(f"{n} ({fmt.number(m)})", 16) for _c, n, m in table.groups] + [("Tính được trên (điểm)", 13)])
    ws = _sheet(wb, INDEX_SHEET,
           f"Chỉ số phục vụ người dân, doanh nghiệp (QĐ 766/QĐ-TTg) — {title(r)}; điểm tính lại từ số liệu gốc "
           f"trong gói nộp theo bộ chỉ số {table.version}",
           headers, rows, [xa.CHOICE_FORMAT, xa.CHOICE_FORMAT, None, None] + [POINTS_FORMAT] * (len(table.groups) + 2))
    ws.row_dimensions[3].height = 48  # the groups' names wrap on three lines (LibreOffice sizes no row by itself)


def write(r: RollUp, path, compare: str | None = None, index766=None) -> Path:
    """The consolidated appendix in Excel (as a commune's), plus a sheet with every commune's
    submission status and key figures, with `compare` one comparing an indicator, and with
    `index766` (a ProvinceIndex) the communes' QĐ 766 index."""
    wb = xa.build(r.data)

    def sheet(*args):
        return _sheet(wb, *args)

    rows = []
    for k, c in enumerate(r.communes, 1):
        f = c.figures()
        rows.append([k, c.name, c.status_label,
                     f"{fmt.date(c.submitted_at[:10])} {c.submitted_at[11:16]}" if c.submitted_at else "",
                     fmt.date(c.deadline) if c.deadline else "", f.get("tiep_nhan"), f.get("da_giai_quyet"),
                     fmt.round_percent(f.get("ty_le_dung_han")), fmt.round_percent(f.get("ty_le_truc_tuyen"))])
    word = unit_word([c.unit or {"kind": "xa"} for c in r.communes]) if r.communes else "xã"  # "đơn vị" of mixed kinds
    head = word[:1].upper() + word[1:]
    sheet(f"Các {word}", f"Tình hình nộp báo cáo của các {word} — {title(r)}",
          [("STT", 6), (head, 28), ("Tình trạng", 20), ("Lập gói lúc", 18), ("Hạn nộp", 12),
           ("Hồ sơ tiếp nhận", 14), ("Đã giải quyết", 14), ("Tỷ lệ đúng hạn (%)", 13),
           ("Tỷ lệ trực tuyến (%)", 13)],
          rows, [xa.CHOICE_FORMAT, None, None, None, None, xa.COUNT_FORMAT, xa.COUNT_FORMAT,
                 xa.PERCENT_FORMAT, xa.PERCENT_FORMAT])
    if compare:
        row = r.data.catalogue.rows_by_code.get(compare)
        what = f"{row.form} {row.stt} {row.label}" if row else dossiers.all_value_names().get(compare, compare)
        def cell(v, text):
            if not isinstance(v, Decimal) or (row is not None and row.kind == "choice"):
                return text
            if (row is not None and (row.kind == "percent" or row.unit == "%")) or compare.split(".")[-1] in \
                    dossiers.RATE_MEASURES:
                return (fmt.round_percent(v), xa.PERCENT_FORMAT)
            return (v, xa.money_format(v) if row is not None and row.kind == "money" else xa.COUNT_FORMAT)

        cmp_rows = [[k, n, cell(v, t)] for k, (n, v, t) in enumerate(r.compare(compare), 1)]
        total_v, total_t = r.total(compare)
        cmp_rows.append(["", f"Toàn {units.label(r.upper)}", cell(total_v, total_t) if total_t else r.data.note(compare)])
        sheet("So sánh", f"So sánh theo {word}: {what} — {title(r)}",
              [("STT", 6), (head, 28), ("Giá trị", 24)], cmp_rows, [xa.CHOICE_FORMAT, None, None])
    if index766 is not None:
        index766_sheet(wb, r, index766)
    path = Path(path)
    return fileio.atomic_write(path, lambda tmp: wb.save(tmp))


STATUS_HEADERS = [("STT", 6), ("Mã đơn vị", 10), ("Loại", 10), ("Tên đơn vị", 24), ("Tình trạng", 40),
                  ("Lập gói lúc", 18), ("Hạn nộp", 12), ("Nộp muộn", 10), ("Mã khóa", 22)]


def status_rows(r: RollUp, fingerprints: dict[str, str]) -> list[list]:
    """One row per expected commune: STT, code, kind, name, status (with a refusal's reason), when
    its first package was made, deadline, late ("Có"/"Không", blank when not sent), key fingerprint."""
    rows = []
    for k, c in enumerate(r.communes, 1):
        unit = c.unit or {}
        late = "" if c.submitted_at is None else ("Có" if c.late else "Không")
        rows.append([k, c.code, units.KIND_WORDS.get(unit.get("kind"), ""), unit.get("name") or c.name,
                     c.status_label, f"{fmt.date(c.submitted_at[:10])} {c.submitted_at[11:16]}" if c.submitted_at
                     else "", fmt.date(c.deadline) if c.deadline else "", late, fingerprints.get(c.code, "")])
    return rows


def write_status(r: RollUp, fingerprints: dict[str, str], path) -> Path:
    """The submission status alone (the desk's list of every expected commune) as a workbook."""
    from openpyxl import Workbook  # openpyxl: only when a workbook is written

    wb = Workbook()
    wb.remove(wb.active)
    _sheet(wb, "Tình trạng nộp", f"Tình trạng nộp báo cáo — {title(r)}", STATUS_HEADERS, status_rows(r, fingerprints),
           [xa.CHOICE_FORMAT] + [None] * (len(STATUS_HEADERS) - 1))
    return fileio.atomic_write(Path(path), lambda tmp: wb.save(tmp))
