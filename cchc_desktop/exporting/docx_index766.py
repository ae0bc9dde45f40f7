"""The Word report's optional appendix "Chỉ số phục vụ người dân, doanh nghiệp (QĐ 766)": the five
groups and every criterion with its value, points, maximum and source, "chưa có số liệu" where a
criterion has no data or no sourced points (report/index766.py computes it; this only lays it out).

It closes the landscape appendix section of docx_report, in the same style as the Biểu mẫu
tables (Times New Roman 12 pt in the table, bordered, a repeated header row, widths on every cell).
"""
from __future__ import annotations

from cchc_desktop import fmt
from cchc_desktop.domain import index766 as index_def
from cchc_desktop.exporting import docx_parts as X
from cchc_desktop.report.index766 import NO_DATA, IndexResult, score_text

TITLE = "Chỉ số phục vụ người dân, doanh nghiệp (QĐ 766)"
HEADERS = ("Mã", "Nhóm, chỉ tiêu", "Giá trị", "Điểm", "Tối đa", "Nguồn, ghi chú")
WIDTHS_MM = (14.0, 91.0, 34.0, 27.0, 24.0, 62.0)  # = 252 mm, the landscape text width
SIZE = 12
HEADING = 14


def subtitle(res: IndexResult) -> str:
    return (f"(Tính theo Quyết định số 766/QĐ-TTg ngày 23/6/2022 của Thủ tướng Chính phủ, từ sổ theo dõi hồ sơ "
            f"và số liệu đơn vị tự nhập; {res.label})")


def short_reason(missing: str) -> str:
    """A criterion's missing reason as the table prints it: the typed values' long names stay in the
    window and the command line (a table row of four lines for each would triple the section)."""
    return "đơn vị chưa nhập số liệu" if missing.startswith("chưa nhập") else missing


def appendix(b, res: IndexResult) -> None:
    """Append the section to docx_report's body `b` (its p / add and counters)."""
    defn = index_def.load(res.version)
    center = dict(align="center")
    b.p(X.run(TITLE, HEADING, bold=True), **center, before=360, keep_next=True)
    b.p(X.run(subtitle(res), HEADING, italic=True), **center, after=120, keep_next=True)
    w = [X.mm(v) for v in WIDTHS_MM]
    fmt_ = dict(before=30, after=30)

    def row(texts, bold=False, italic_last=(), header=False, keep=False):
        aligns = ("center", "left", "center", "center", "center", "left")
        cells = []
        for i, (t, a, width) in enumerate(zip(texts, aligns, w)):
            runs = X.run(t, SIZE, bold=bold or header)
            if i == len(texts) - 1 and italic_last:
                runs += "".join(X.run(("\n" if t or k else "") + extra, SIZE, italic=True)
                                for k, extra in enumerate(italic_last))
            cells.append(X.cell(X.para(runs, align="center" if header else a, keep_next=keep, **fmt_), width))
        b.cells += len(cells)
        b.paragraphs += len(cells)
        return X.row("".join(cells), header=header)

    xml = [X.table_start(w), row(HEADERS, header=True)]
    for g in res.groups:
        xml.append(row((g.code, g.name, "", score_text(g.points, g.counted_max), fmt.number(g.max_points, 2), ""),
                       bold=True, keep=True))
        for c in g.criteria:
            value = c.value_text()
            if c.numerator is not None and c.denominator is not None:
                value += f" ({fmt.number(c.numerator)}/{fmt.number(c.denominator)})"
            xml.append(row((c.code, c.name, value, c.points_text(), c.max_text(), c.short_source),
                           italic_last=(short_reason(c.missing),) if c.missing else ()))
    xml.append(row(("", "Tổng cộng", "", score_text(res.points, res.counted_max), fmt.number(res.total_max, 2),
                    f"tính được trên {fmt.number(res.counted_max, 2)} điểm"), bold=True, keep=True))
    xml.append(X.TABLE_END)
    b.add("".join(xml))
    b.p(X.run(f"Ghi chú: “{NO_DATA}”: chỉ tiêu chưa có số liệu (sổ hồ sơ chưa có cột cần thiết, giá trị đơn vị chưa "
              "nhập, không có hồ sơ trong kỳ) hoặc điểm tối đa, cách quy đổi điểm chưa có nguồn; không tính là 0 điểm. "
              "Điểm do phần mềm tính trên máy, để đơn vị tự theo dõi; điểm chính thức là điểm trên Cổng Dịch vụ công "
              "quốc gia.", SIZE, italic=True), align="both", before=120, keep_next=True)
    used = [k for k in defn.sources if any(k in c.source_keys for c in res.criteria())]
    b.p(X.run("Nguồn:", SIZE, bold=True, italic=True), before=60, keep_next=True)
    for i, k in enumerate(used, 1):  # the notes stay together: never a page of sources alone
        b.p(X.run(f"{defn.short_sources[k]}: {defn.sources[k]}.", SIZE, italic=True), align="left",
            keep_next=i < len(used))
