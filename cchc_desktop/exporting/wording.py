"""The report's wording that the Word report and the Excel appendix share: the document
number, the appendix's title and reference line, coded units one code a line, file names
without diacritics."""
from __future__ import annotations

import re
import unicodedata

from cchc_desktop import fmt
from cchc_desktop.domain import formula, periods
from cchc_desktop.report.corrections import Correction
from cchc_desktop.report.values import ReportData

# Under an appendix table with a recomputed row (its Ghi chú says the unit's former figure).
CORRECTED_FOOTNOTE = "(*) Số liệu tính lại từ các dòng thành phần; số đơn vị ghi trước đây nêu ở cột Ghi chú."
TYPED_FOOTNOTE = "(*) Số liệu đã nhập khác số đơn vị ghi trước đây; số cũ nêu ở cột Ghi chú."
MIXED_FOOTNOTE = ("(*) Số liệu tính lại từ các dòng thành phần hoặc đã nhập lại; "
                  "số đơn vị ghi trước đây nêu ở cột Ghi chú.")


def doc_number(data: ReportData) -> str:
    """`202/BC-UBND`; numbers below 10 get a leading 0; blank keeps the gap: `Số:     /BC-UBND`."""
    number = str(data.period.get("doc_number") or "").strip()
    if number.isdigit() and int(number) < 10:
        number = f"{int(number):02d}"
    symbol = data.period.get("doc_symbol") or "BC-UBND"
    return f"{number or '    '}/{symbol}"


def appendix_title(data: ReportData) -> str:
    return f"THỐNG KÊ KẾT QUẢ THỰC HIỆN CÔNG TÁC CẢI CÁCH HÀNH CHÍNH {periods.name(data.key).upper()}"


def appendix_reference(data: ReportData) -> str:
    date = fmt.date(data.period.get("doc_date")) or "      "
    return f"(Kèm theo Báo cáo số {doc_number(data)} ngày {date} của {data.text_value('don_vi.co_quan')})"


def row_note(data: ReportData, code: str, fixes: dict[str, Correction]) -> str:
    """The Ghi chú of an appendix row: the unit's note, for a recomputed figure its former one, and
    for a row computed from a figure the unit kept, the figure it rests on."""
    # a recomputed figure's own note already says why it is blank: the blank-rate note only where none is
    parts = [data.note(code)] + ([fixes[code].note] if code in fixes else [blank_rate_note(data, code)])
    parts += [c.dependent_note(data) for c in fixes.values() if c.kept and code in c.dependents]
    return "; ".join(p for p in parts if p)


def blank_rate_note(data: ReportData, code: str) -> str:
    """Why a computed rate is blank (the seed's paper printed “0 %”): its whole is 0, a rate over zero
    cases is undefined; or a part is not typed yet (review of issue 17, D3)."""
    row = data.catalogue.rows_by_code.get(code)
    if row is None or not row.formula or data.values.get(code) is not None:
        return ""
    pairs = formula.pct_pairs(row.formula)
    if not pairs:
        return ""
    part, whole = pairs[0]
    names = formula.refs(formula.to_text(part)) + formula.refs(formula.to_text(whole))
    blank = [n for n in names if data.value(n) is None]
    if blank:
        lines = ", ".join(sorted({n.split("/", 1)[-1] for n in blank}))
        return f"Chưa tính: thiếu số dòng {lines}"
    if all(data.value(n) == 0 for n in formula.refs(formula.to_text(whole))):
        return "Không phát sinh (0/0)"
    return ""


def has_recomputed(form, fixes: dict[str, Correction]) -> bool:
    """Does the form print a recomputed figure (its footnote then says so)? A figure the unit kept
    is its own, explained in its Ghi chú alone."""
    return any(r.code in fixes and not fixes[r.code].kept for r in form.rows)


TEXT_FIGURES_HEADING = "Ghi chú số liệu trong lời văn:"


def text_figure_notes(data: ReportData, fixes: dict[str, Correction]) -> list[str]:
    """The notes of the recomputed figures of the text that no appendix row holds (a dossier rate
    of II.2): printed under the appendix's tables, Word and Excel, so a kept or corrected figure of
    the text is explained somewhere a reader sees."""
    return [c.text_note for c in fixes.values() if not c.in_appendix(data.catalogue)]


def corrected_footnote(form, fixes: dict[str, Correction]) -> str:
    """The footnote under a form that prints a corrected figure: computed from the parts, or the
    figure typed where the unit's paper printed another (report/corrections.py)."""
    shown = [fixes[r.code] for r in form.rows if r.code in fixes and not fixes[r.code].kept]
    if not shown:
        return ""
    if all(not c.typed for c in shown):
        return CORRECTED_FOOTNOTE
    if all(c.typed for c in shown):
        return TYPED_FOOTNOTE
    return MIXED_FOOTNOTE


def unit_text(unit: str) -> str:
    """A coded unit as the form lists it, one code a line: `Có = 1; Không = 0` → `Có = 1⏎Không = 0`."""
    return _CODE_SEP.sub(lambda m: m.group(1) + "\n", unit or "").strip()


_CODE_SEP = re.compile(r"(=\s*\d+)\s*[;,]?\s+(?=\S)")


def ascii_text(text: str) -> str:
    """Vietnamese without diacritics: `xã Chi Lăng Nam` → `xa Chi Lang Nam`."""
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def file_name(prefix: str, data: ReportData, suffix: str) -> str:
    """`BC CCHC nam 2023 - xa Chi Lang Nam.docx`: no diacritics, no character Windows refuses
    (some USB sticks, mail systems and old Windows tools mangle the marks)."""
    name = f"{prefix} {periods.name(data.key)} - {data.text_value('don_vi.ten')}"
    name = re.sub(r'[<>:"/\\|?*\x00-\x1f]+', " ", ascii_text(name))
    return re.sub(r"\s+", " ", name).strip() + suffix
