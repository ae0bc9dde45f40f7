"""Word export: the demo report read back with python-docx — content, figures, layout, fonts,
page numbers, appendix tables — plus failures to write, the CLI, and a LibreOffice render."""
import errno
import io
import os
import re
import shutil
import subprocess
from pathlib import Path

import docx
import pytest
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Mm, Pt

from cchc_desktop.domain import frames
from cchc_desktop.report import values
from cchc_desktop.errors import UserError
from cchc_desktop.exporting import docx_report, wording
from conftest import run_cli

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
SLOTS = ("ascii", "hAnsi", "eastAsia", "cs")


# --- helpers ------------------------------------------------------------------------------
def norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def body_texts(doc) -> list[str]:
    """Every paragraph's text in document order, table cells included (nested tables too)."""
    out = []
    for p in doc.element.body.iter(f"{W}p"):
        out.append("".join(
            (t.text or "") if t.tag == f"{W}t" else ("\n" if t.tag == f"{W}br" else "\t")
            for t in p.iter(f"{W}t", f"{W}br", f"{W}tab")
        ))
    return out


def full_text(doc) -> str:
    return norm(" ".join(body_texts(doc)))


def find_par(doc, text: str, start: bool = False):
    """The first paragraph (body or table cell) whose whitespace-normalised text equals `text`."""
    for p in _all_paragraphs(doc):
        t = norm(p.text)
        if t == text or (start and t.startswith(text)):
            return p
    raise AssertionError(f"no paragraph {text!r}")


def _all_paragraphs(doc):
    yield from doc.paragraphs
    for t in doc.tables:
        for r in t.rows:
            for c in r.cells:
                yield from c.paragraphs


def run_props(run) -> dict:
    rpr = run._element.find(f"{W}rPr")
    fonts = rpr.find(f"{W}rFonts")
    return {
        "fonts": tuple(fonts.get(f"{W}{s}") for s in SLOTS),
        "size": run.font.size.pt if run.font.size else None,
        "bold": bool(run.bold),
        "italic": bool(run.italic),
    }


def only_format(par) -> dict:
    """The single format shared by all text runs of a paragraph."""
    props = [run_props(r) for r in par.runs if r.text.strip()]
    assert props, par.text
    assert all(p == props[0] for p in props), (par.text, props)
    return props[0]


def appendix_tables(doc) -> dict[str, docx.table.Table]:
    """'Biểu mẫu N' → its table, in the appendix."""
    body = doc.element.body
    out, label = {}, None
    for el in body:
        if el.tag == f"{W}p":
            t = norm("".join(x.text or "" for x in el.iter(f"{W}t")))
            if t.startswith("Biểu mẫu "):
                label = t
        elif el.tag == f"{W}tbl" and label:
            out[label] = docx.table.Table(el, doc._body)
            label = None
    return out


def row_of(table, stt: str) -> list[str]:
    for r in table.rows:
        cells = [c.text for c in r.cells]
        if cells[0] == stt:
            return cells
    raise AssertionError(f"no row {stt}")


# --- fixtures -----------------------------------------------------------------------------
@pytest.fixture(scope="module")
def demo_data(demo_file):
    from cchc_desktop.store import open_store

    store = open_store(demo_file, lock=False)
    try:
        data = values.load_report(store, None, "2023-NAM")
    finally:
        store.close()
    return data


@pytest.fixture(scope="module")
def demo_docx(demo_data, tmp_path_factory):
    path = tmp_path_factory.mktemp("docx") / "bao-cao.docx"
    docx_report.write(demo_data, path, charts=False)
    return path


@pytest.fixture(scope="module")
def doc(demo_docx):
    return docx.Document(str(demo_docx))


# --- content --------------------------------------------------------------------------------
def test_each_section_with_its_title_and_placeholders_replaced(doc, demo_data):
    text = full_text(doc)
    assert "{{" not in text and "}}" not in text
    for s in values.outline():
        title = demo_data.section_title(s["key"])
        if title:
            assert norm(title.upper() if s["level"] == 1 else title) in text, title
    for snippet in (
        "I. CÔNG TÁC CHỈ ĐẠO ĐIỀU HÀNH CẢI CÁCH HÀNH CHÍNH",
        "IV. PHƯƠNG HƯỚNG, NHIỆM VỤ NĂM 2024",
        "Kế hoạch số 44/KH-UBND ngày 30/12/2022 về Cải cách hành chính năm 2023",
        "đã tiếp nhận trong kỳ báo cáo là 3.225 hồ sơ",
        "Đã giải quyết trả kết quả trước hạn 3.143/3.218 hồ sơ đạt tỷ lệ 97,7 %",
        "qua dịch vụ công trực tuyến mức độ 3,4 đạt tỷ lệ 97,6 %",
        "Thu ngân sách: 11.750.652.112 đồng",
        "Chi ngân sách: 8.155.962.653 đồng",
        "giải ngân vốn đầu tư công: 3.523.681.000 đồng",
        "niêm yết công khai 03 danh mục",
        "119 TTHC/139 TTHC = 85,6 %",
        "Tổng số cán bộ, công chức được giao là 20, hiện tại có mặt là 20 người",
        "đã hoàn thành 25/25 nhiệm vụ",
        "HĐND, UBND xã đã ban hành 685 văn bản các loại",
        "Trên đây là báo cáo kết quả thực hiện công tác cải cách hành chính năm 2023 và phương hướng "
        "nhiệm vụ năm 2024 của UBND xã Chi Lăng Nam./.",
    ):
        assert snippet in text, snippet


def test_vertical_agencies_listed_as_paragraphs(doc):
    text = full_text(doc)
    assert "Công an xã: Tổng số hồ sơ tiếp nhận: 322 hồ sơ, trong đó:" in text
    assert "+ Số hồ sơ tiếp nhận trực tuyến: 322 hồ sơ, chiếm 100 %;" in text
    assert "BCH Quân sự xã: Tổng số hồ sơ tiếp nhận: 273 hồ sơ, trong đó:" in text
    assert "- Số hồ sơ đã giải quyết: 273/273 hồ sơ, đạt 100 %, cụ thể:" in text
    p = find_par(doc, "+ Số hồ sơ giải quyết trước hạn: 273 hồ sơ, chiếm 100 %;")
    assert p.paragraph_format.alignment == WD_ALIGN_PARAGRAPH.JUSTIFY
    assert find_par(doc, "Công an xã:", start=True).runs[0].bold


def test_field_table_with_bold_total_row(doc):
    t = next(t for t in doc.tables if t.rows[0].cells[0].text == "Số TT")
    assert [c.text for c in t.rows[0].cells] == [
        "Số TT", "Tên lĩnh vực", "Tổng số hồ sơ tiếp nhận", "Tiếp nhận trực tuyến", "Tiếp nhận trực tiếp"]
    rows = [[c.text for c in r.cells] for r in t.rows[1:]]
    assert rows == [
        ["1", "Lĩnh vực Hộ tịch", "501", "458", "43"],
        ["2", "Lĩnh vực Chứng thực", "2.645", "2.645", "0"],
        ["3", "Lĩnh vực Người có công", "26", "0", "26"],
        ["4", "Lĩnh vực Bảo trợ xã hội", "53", "44", "9"],
        ["", "Cộng", "3.225", "3.147", "78"],
    ]
    total = t.rows[-1]
    assert all(r.bold for c in total.cells for p in c.paragraphs for r in p.runs if r.text)
    assert not any(r.bold for c in t.rows[1].cells for p in c.paragraphs for r in p.runs)
    assert t.rows[0]._tr.find(f"{W}trPr/{W}tblHeader") is not None
    borders = t._tbl.tblPr.find(f"{W}tblBorders")
    assert {b.get(f"{W}val") for b in borders} == {"single"}


def test_header_block_text_and_format(doc):
    header = doc.tables[0]
    assert header._tbl.tblPr.find(f"{W}tblBorders/{W}top").get(f"{W}val") == "nil"
    widths = [c.width for c in header.rows[0].cells]
    assert abs(widths[0] / sum(widths) - 0.38) < 0.01
    expected = {
        "UBND HUYỆN THANH MIỆN": (13, False, False),
        "ỦY BAN NHÂN DÂN XÃ CHI LĂNG NAM": (13, True, False),
        "Số: /BC-UBND": (13, False, False),
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM": (12, True, False),
        "Độc lập - Tự do - Hạnh phúc": (13, True, False),
        "Chi Lăng Nam, ngày 15 tháng 12 năm 2023": (14, False, True),
    }
    for text, (size, bold, italic) in expected.items():
        p = find_par(doc, text)
        f = only_format(p)
        assert f == {"fonts": ("Times New Roman",) * 4, "size": size, "bold": bold, "italic": italic}, text
        assert p.alignment == WD_ALIGN_PARAGRAPH.CENTER
    # The blank number keeps its gap.
    assert "Số:     /BC-UBND" in body_texts(doc)
    # A rule under the agency and under the Tiêu ngữ: bordered empty paragraphs.
    left, right = header.rows[0].cells
    assert any(p._p.find(f"{W}pPr/{W}pBdr/{W}top") is not None and not p.text for p in left.paragraphs)
    ruled = [p for p in right.paragraphs if p._p.find(f"{W}pPr/{W}pBdr/{W}top") is not None]
    assert len(ruled) == 1 and not ruled[0].text
    # Left: chủ quản, agency, rule | right: Quốc hiệu, Tiêu ngữ, rule; then Số level with the date.
    assert [norm(p.text) for p in left.paragraphs] == ["UBND HUYỆN THANH MIỆN", "ỦY BAN NHÂN DÂN XÃ CHI LĂNG NAM", ""]
    assert [norm(p.text) for p in right.paragraphs] == [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", ""]
    assert [norm(c.text) for c in header.rows[1].cells] == [
        "Số: /BC-UBND", "Chi Lăng Nam, ngày 15 tháng 12 năm 2023"]


def test_title_and_trich_yeu(doc):
    p = find_par(doc, "BÁO CÁO")
    assert only_format(p) == {"fonts": ("Times New Roman",) * 4, "size": 14, "bold": True, "italic": False}
    t = find_par(doc, "Kết quả công tác cải cách hành chính năm 2023, phương hướng, nhiệm vụ năm 2024")
    assert only_format(t)["bold"] and only_format(t)["size"] == 14
    assert t.alignment == WD_ALIGN_PARAGRAPH.CENTER
    nxt = t._p.getnext()
    assert nxt.find(f"{W}pPr/{W}pBdr/{W}top") is not None  # the short rule under it
    # 1/3 to 1/2 of the longest line (Nghị định 30): 97 mm measured on the rendered page
    ind = nxt.find(f"{W}pPr/{W}ind")
    side = int(ind.get(f"{W}left")) / 56.7  # twips → mm
    length = docx_report.TEXT_W - 2 * side
    assert 97 / 3 <= length <= 97 / 2, length


def test_body_paragraph_format_and_headings(doc):
    p = find_par(doc, "Năm 2023, UBND xã Chi Lăng Nam đã chỉ đạo", start=True)
    pf = p.paragraph_format
    assert pf.alignment == WD_ALIGN_PARAGRAPH.JUSTIFY
    assert abs(pf.first_line_indent - Cm(1.27)) < Cm(0.01)
    assert pf.space_after == Pt(6)
    assert 1.15 <= pf.line_spacing <= 1.5
    assert only_format(p) == {"fonts": ("Times New Roman",) * 4, "size": 14, "bold": False, "italic": False}
    h1 = find_par(doc, "II. KẾT QUẢ THỰC HIỆN CÔNG TÁC CẢI CÁCH HÀNH CHÍNH")
    assert only_format(h1)["bold"] and h1.text == h1.text.upper()
    h2 = find_par(doc, "2. Cải cách thủ tục hành chính")
    assert only_format(h2)["bold"]
    # Bullets kept as text; a **bold** run bold.
    find_par(doc, "+ Thu ngân sách: 11.750.652.112 đồng;")
    strong = find_par(doc, "Kết quả tiếp nhận, giải quyết TTHC tại Bộ phận một cửa:", start=True)
    assert any(r.bold for r in strong.runs if "Kết quả tiếp nhận" in r.text)


def test_every_run_and_style_in_times_new_roman(doc):
    body = doc.element.body
    runs = list(body.iter(f"{W}r"))
    assert len(runs) > 500
    for r in runs:
        fonts = r.find(f"{W}rPr/{W}rFonts")
        assert fonts is not None and all(fonts.get(f"{W}{s}") == "Times New Roman" for s in SLOTS)
        assert r.find(f"{W}rPr/{W}sz") is not None
    styles = doc.styles.element
    for fonts in styles.iter(f"{W}rFonts"):
        assert all(fonts.get(f"{W}{s}") == "Times New Roman" for s in SLOTS)
        assert not any("Theme" in a or "theme" in a for a in fonts.attrib)
    default = styles.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr")
    assert default.find(f"{W}sz").get(f"{W}val") == "28"


def test_closing_block(doc):
    p = find_par(doc, "Nơi nhận:")
    assert only_format(p) == {"fonts": ("Times New Roman",) * 4, "size": 12, "bold": True, "italic": True}
    closing = next(t for t in doc.tables if t.rows[0].cells[0].paragraphs[0].text == "Nơi nhận:")
    left, right = closing.rows[0].cells
    lines = [p.text for p in left.paragraphs[1:]]
    assert lines == ["- Lãnh đạo UBND huyện;", "- Văn phòng HĐND- UBND huyện;", "- TT ĐU- HĐND xã;",
                     "- Lãnh đạo UBND xã;", "- Cán bộ, công chức xã;", "- Lưu: VT."]
    assert all(only_format(p)["size"] == 11 for p in left.paragraphs[1:])
    signer = [p.text for p in right.paragraphs]
    assert signer[:2] == ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"] and signer[-1] == "Nguyễn Đức Minh"
    assert all(only_format(p)["bold"] for p in right.paragraphs if p.text)
    # Room for the signature and the seal.
    gap = right.paragraphs[2].paragraph_format.line_spacing
    assert gap is not None and gap >= Cm(2.5)
    assert closing._tbl.tblPr.find(f"{W}tblBorders/{W}top").get(f"{W}val") == "nil"


# --- page layout ------------------------------------------------------------------------------
def test_sections_margins_orientation_numbering(doc):
    report_sec, appendix_sec = doc.sections
    assert report_sec.orientation == WD_ORIENT.PORTRAIT
    assert (round(report_sec.page_width.mm), round(report_sec.page_height.mm)) == (210, 297)
    assert appendix_sec.orientation == WD_ORIENT.LANDSCAPE
    assert (round(appendix_sec.page_width.mm), round(appendix_sec.page_height.mm)) == (297, 210)
    for s in doc.sections:
        assert 20 <= round(s.top_margin.mm) <= 25 and 20 <= round(s.bottom_margin.mm) <= 25
        assert 30 <= round(s.left_margin.mm) <= 35 and 15 <= round(s.right_margin.mm) <= 20
        assert s.different_first_page_header_footer
    num = appendix_sec._sectPr.find(f"{W}pgNumType")
    assert num is not None and num.get(f"{W}start") == "1"
    assert appendix_sec.start_type == docx.enum.section.WD_SECTION.NEW_PAGE


def test_page_number_field_in_header_not_on_first_page(doc):
    sec = doc.sections[0]
    hdr = sec.header._element
    instr = [t.text for t in hdr.iter(f"{W}instrText")]
    assert [i.strip() for i in instr] == ["PAGE"]
    kinds = [f.get(f"{W}fldCharType") for f in hdr.iter(f"{W}fldChar")]
    assert kinds == ["begin", "separate", "end"]
    assert hdr.find(f"{W}p/{W}pPr/{W}jc").get(f"{W}val") == "center"
    run = hdr.find(f"{W}p/{W}r")
    assert run.find(f"{W}rPr/{W}sz").get(f"{W}val") in ("26", "28")
    first = sec.first_page_header._element
    assert not list(first.iter(f"{W}fldChar")) and not "".join(t.text or "" for t in first.iter(f"{W}t"))
    # The appendix inherits both headers (no references of its own) and numbers from 1.
    assert doc.sections[1]._sectPr.find(f"{W}headerReference") is None


# --- appendix ----------------------------------------------------------------------------------
def test_appendix_heading_lines(doc):
    p = find_par(doc, "Phụ lục")
    assert only_format(p)["bold"] and only_format(p)["size"] == 14 and p.alignment == WD_ALIGN_PARAGRAPH.CENTER
    t = find_par(doc, "THỐNG KÊ KẾT QUẢ THỰC HIỆN CÔNG TÁC CẢI CÁCH HÀNH CHÍNH NĂM 2023")
    assert only_format(t)["bold"]
    k = find_par(doc, "(Kèm theo Báo cáo số /BC-UBND ngày 15/12/2023 của UBND xã Chi Lăng Nam)")
    assert only_format(k)["italic"]
    # "Phụ lục" opens the landscape section: the paragraph before it ends the portrait one.
    prev = p._p.getprevious()
    assert prev.find(f"{W}pPr/{W}sectPr") is not None


def test_appendix_forms_figures_and_formats(doc):
    tables = appendix_tables(doc)
    assert list(tables) == [f"Biểu mẫu {i}" for i in range(1, 8)]
    assert "Số liệu khác nêu trong báo cáo" not in full_text(doc)  # the body-only form TT
    bm = tables
    assert row_of(bm["Biểu mẫu 7"], "6.7.")[3] == "97,6"
    assert row_of(bm["Biểu mẫu 7"], "6.7.1.")[3] == "3.225"
    assert row_of(bm["Biểu mẫu 7"], "6.7.2.")[3] == "3.147"
    assert row_of(bm["Biểu mẫu 3"], "3.3.1.")[3] == "3.218"
    assert row_of(bm["Biểu mẫu 3"], "3.3.2.")[3] == "3.218"
    assert row_of(bm["Biểu mẫu 3"], "3.3.")[3] == "100"
    assert row_of(bm["Biểu mẫu 3"], "1.4.")[3] == "157"
    assert row_of(bm["Biểu mẫu 3"], "3.4.")[3] == ""  # 0 / 0: blank, not 0 %
    assert row_of(bm["Biểu mẫu 6"], "1.2.")[3] == "3.523,681"
    assert row_of(bm["Biểu mẫu 6"], "1.")[3] == "88,1"
    assert row_of(bm["Biểu mẫu 1"], "5.1.")[3] == "3.225"
    assert row_of(bm["Biểu mẫu 1"], "2.")[2:4] == ["%", "100"]
    # Coded choices as the code the form expects, the codes one a line in the unit column.
    assert row_of(bm["Biểu mẫu 1"], "5.2.")[2:4] == ["Trực tuyến = 0\nPhát phiếu = 1\nKết hợp = 2", "2"]
    assert row_of(bm["Biểu mẫu 7"], "2.")[3] == "2"
    assert row_of(bm["Biểu mẫu 7"], "4.")[3] == ""
    # A note lands in Ghi chú.
    note = row_of(bm["Biểu mẫu 3"], "1.4.3.")[4]
    assert "139" in note and "11" in note and "7" in note


def test_appendix_table_structure(doc, demo_data):
    tables = appendix_tables(doc)
    t = tables["Biểu mẫu 1"]
    first, second = t.rows[0], t.rows[1]
    assert first._tr.find(f"{W}trPr/{W}tblHeader") is not None
    assert second._tr.find(f"{W}trPr/{W}tblHeader") is not None
    assert t.rows[2]._tr.find(f"{W}trPr/{W}tblHeader") is None
    tcs = first._tr.findall(f"{W}tc")
    assert len(tcs) == 4
    assert tcs[2].find(f"{W}tcPr/{W}gridSpan").get(f"{W}val") == "2"
    assert norm(first.cells[1].text) == "Chỉ tiêu thống kê (sử dụng cho kỳ báo cáo hàng quý, 6 tháng, năm)"
    assert [c.text for c in first.cells] [2:4] == ["Kết quả thống kê", "Kết quả thống kê"]
    assert [c.text for c in second.cells][2:4] == ["Đơn vị tính", "Số lượng/ Tỷ lệ"]
    assert tcs[0].find(f"{W}tcPr/{W}vMerge").get(f"{W}val") == "restart"
    assert second._tr.findall(f"{W}tc")[0].find(f"{W}tcPr/{W}vMerge") is not None
    for table in tables.values():
        assert table._tbl.tblPr.find(f"{W}tblLayout").get(f"{W}type") == "fixed"
        for tc in table._tbl.iter(f"{W}tc"):
            w = tc.find(f"{W}tcPr/{W}tcW")
            assert w is not None and int(w.get(f"{W}w")) > 0 and w.get(f"{W}type") == "dxa"
        total = sum(int(g.get(f"{W}w")) for g in table._tbl.find(f"{W}tblGrid"))
        assert abs(Mm(252) - total * 635) < Mm(1)  # twips → EMU; the landscape text width
    # Group rows bold, italic rows italic, other rows plain.
    bm2 = tables["Biểu mẫu 2"]
    for r in bm2.rows[2:]:
        stt = r.cells[0].text
        code = "BM2/" + stt.rstrip(".")
        row = demo_data.catalogue.rows_by_code[code]
        runs = [run for c in r.cells for p in c.paragraphs for run in p.runs if run.text]
        assert all(bool(run.bold) == (row.kind == "group" or row.depth == 0) for run in runs), stt
        assert all(bool(run.italic) == row.italic for run in runs), stt
    assert demo_data.catalogue.rows_by_code["BM2/2.2.1"].italic


def test_appendix_has_every_form_row(doc, demo_data):
    tables = appendix_tables(doc)
    for form in demo_data.catalogue.appendix_forms():
        t = tables[form.heading]
        assert [r.cells[0].text for r in t.rows[2:]] == [r.stt for r in form.rows]
        assert [norm(r.cells[1].text) for r in t.rows[2:]] == [re.sub(r"(?<=\d) ?%", " %", r.label) for r in form.rows]  # "70 %": one style
        assert [r.cells[3].text for r in t.rows[2:]] == [r.format(demo_data.values.get(r.code)) for r in form.rows]


# --- other periods and details -------------------------------------------------------------
def test_quarter_report_wording_and_no_charts(demo_store, tmp_path):
    unit = demo_store.unit()
    nam = demo_store.get_period(unit["code"], "2023-NAM")
    demo_store.create_period(unit["code"], "2024-Q1", carry_from=nam["id"])
    p = demo_store.get_period(unit["code"], "2024-Q1")
    demo_store.update_period(p["id"], doc_number="7", doc_date="2024-03-15")
    data = values.load_report(demo_store, None, "2024-Q1")
    out = docx_report.write(data, tmp_path / "q1.docx")
    d = docx.Document(str(out))
    text = full_text(d)
    assert "Kết quả công tác cải cách hành chính quý I năm 2024, phương hướng, nhiệm vụ quý II năm 2024" in text
    assert "THỐNG KÊ KẾT QUẢ THỰC HIỆN CÔNG TÁC CẢI CÁCH HÀNH CHÍNH QUÝ I NĂM 2024" in text
    assert "Số: 07/BC-UBND" in text
    assert "(Kèm theo Báo cáo số 07/BC-UBND ngày 15/3/2024 của UBND xã Chi Lăng Nam)" in text
    assert "Chi Lăng Nam, ngày 15 tháng 3 năm 2024" in text
    assert not d.inline_shapes  # charts are for the annual report unless asked


def test_recipients_always_end_with_luu():
    class D:
        unit = {"recipients": ["Lưu: VT", "- Sở Nội vụ;", "UBND huyện."]}
        frame = frames.for_dates(None, "2023-12-14")  # the 2023 frame has no Nơi nhận of its own

    assert docx_report.recipients(D()) == ["- Sở Nội vụ;", "- UBND huyện;", "- Lưu: VT."]
    D.unit = {"recipients": []}
    assert docx_report.recipients(D()) == ["- Lưu: VT."]


def _tiny_png() -> bytes:
    from matplotlib.figure import Figure

    fig = Figure(figsize=(2, 1), dpi=50)
    fig.add_subplot().bar([1, 2], [3, 4])
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return buf.getvalue()


def test_charts_inserted_after_the_dossier_table(demo_data, tmp_path, monkeypatch):
    png = _tiny_png()
    monkeypatch.setattr(docx_report.chart_figures, "report_charts",
                        lambda data: [("Hồ sơ tiếp nhận theo lĩnh vực", png), ("Tình trạng giải quyết", png)])
    d = docx.Document(str(docx_report.write(demo_data, tmp_path / "c.docx")))  # NAM: on by default
    assert len(d.inline_shapes) == 2
    ids = [e.get("id") for e in d.element.body.iter("{http://schemas.openxmlformats.org/drawingml/2006/"
                                                   "wordprocessingDrawing}docPr")]
    assert len(ids) == len(set(ids)) == 2  # Word calls duplicate drawing ids damage
    texts = [norm(t) for t in body_texts(d)]
    i1 = texts.index("Biểu đồ 1. Hồ sơ tiếp nhận theo lĩnh vực")
    i2 = texts.index("Biểu đồ 2. Tình trạng giải quyết")
    cong = texts.index("Cộng")
    assert cong < i1 < i2 < texts.index(next(t for t in texts if t.startswith("100 % hồ sơ cập nhật")))
    cap = find_par(d, "Biểu đồ 1. Hồ sơ tiếp nhận theo lĩnh vực")
    assert cap.alignment == WD_ALIGN_PARAGRAPH.CENTER and only_format(cap)["italic"]
    off = docx.Document(str(docx_report.write(demo_data, tmp_path / "n.docx", charts=False)))
    assert not off.inline_shapes


def test_real_charts_module(demo_data, tmp_path):
    charts = pytest.importorskip("cchc_desktop.exporting.charts")
    expected = charts.report_charts(demo_data)
    d = docx.Document(str(docx_report.write(demo_data, tmp_path / "r.docx", charts=True)))
    assert len(d.inline_shapes) == len(expected) >= 1
    for i, (caption, _) in enumerate(expected, 1):
        find_par(d, norm(f"Biểu đồ {i}. {caption}"))


def test_control_characters_in_text_do_not_break_the_file(demo_store, tmp_path):
    pid = demo_store.get_period(demo_store.unit()["code"], "2023-NAM")["id"]
    demo_store.set_narrative(pid, "V", "- Đề nghị \x07 <b>&amp; “ngoặc”</b>")
    data = values.load_report(demo_store, None, "2023-NAM")
    d = docx.Document(str(docx_report.write(data, tmp_path / "x.docx", charts=False)))
    assert "- Đề nghị <b>&amp; “ngoặc”</b>" in full_text(d)


# --- writing safely ----------------------------------------------------------------------------
def test_missing_folder(demo_data, tmp_path):
    target = tmp_path / "khong-co" / "bc.docx"
    with pytest.raises(UserError, match="không còn tồn tại"):
        docx_report.write(demo_data, target, charts=False)
    assert not target.parent.exists()


@pytest.mark.skipif(os.name == "nt" or os.geteuid() == 0, reason="root writes into read-only folders")
def test_read_only_folder(demo_data, tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        with pytest.raises(UserError, match="quyền ghi"):
            docx_report.write(demo_data, folder / "bc.docx", charts=False)
        assert list(folder.iterdir()) == []
    finally:
        folder.chmod(0o755)


def test_file_open_in_word_keeps_the_old_file(demo_data, tmp_path, monkeypatch):
    """Windows refuses to replace a file Word holds open: PermissionError on the rename."""
    target = tmp_path / "bc.docx"
    target.write_bytes(b"old")

    def locked(src, dst):
        raise PermissionError(errno.EACCES, "Permission denied", str(dst))

    monkeypatch.setattr("cchc_desktop.fileio.os.replace", locked)
    with pytest.raises(UserError, match="đang mở trong Word"):
        docx_report.write(demo_data, target, charts=False)
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["bc.docx"]


def test_disk_full_leaves_nothing_half_written(demo_data, tmp_path, monkeypatch):
    target = tmp_path / "bc.docx"
    target.write_bytes(b"old")

    def full(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr("cchc_desktop.fileio.os.fsync", full)
    with pytest.raises(UserError, match="Ổ đĩa đã đầy"):
        docx_report.write(demo_data, target, charts=False)
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["bc.docx"]


def test_cli_export(demo_file, tmp_path):
    db = tmp_path / "demo.sqlite"
    shutil.copy(demo_file, db)
    out = tmp_path / "bc.docx"
    r = run_cli("export", "--db", db, "--period", "2023-NAM", "--docx", out, "--charts", "khong")
    assert r.returncode == 0, r.stderr
    assert "Đã xuất báo cáo Word" in r.stdout
    assert "3.225" in full_text(docx.Document(str(out)))
    r = run_cli("export", "--db", db, "--period", "2023-NAM", "--docx", tmp_path / "x" / "bc.docx")
    assert r.returncode == 1
    assert "Traceback" not in r.stderr and "không còn tồn tại" in r.stderr


# --- a real client ---------------------------------------------------------------------------
@pytest.mark.libreoffice
@pytest.mark.skipif(shutil.which("soffice") is None or shutil.which("pdfinfo") is None,
                    reason="LibreOffice / poppler not installed")
def test_libreoffice_renders_report_and_landscape_appendix(demo_data, tmp_path):
    # The export as the user gets it: the annual report carries its charts when the module is there.
    try:
        from cchc_desktop.exporting import charts
        n_charts = len(charts.report_charts(demo_data))
    except ImportError:  # pragma: no cover - the charts module ships with the app
        n_charts = 0
    demo_docx = docx_report.write(demo_data, tmp_path / "bao-cao.docx")
    profile = tmp_path / "lo-profile"
    r = subprocess.run(
        ["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
         "--outdir", str(tmp_path), str(demo_docx)],
        capture_output=True, text=True, timeout=180,
    )
    pdf = tmp_path / "bao-cao.pdf"
    assert pdf.exists(), r.stderr
    info = subprocess.run(["pdfinfo", "-f", "1", "-l", "999", str(pdf)], capture_output=True, text=True).stdout
    pages = int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))
    assert 8 <= pages <= 30
    sizes = re.findall(r"^Page\s+(\d+) size:\s+([\d.]+) x ([\d.]+)", info, re.M)
    orient = ["L" if float(w) > float(h) else "P" for _, w, h in sizes]
    assert len(orient) == pages
    # Portrait report pages, then landscape appendix pages to the end.
    first_l = orient.index("L")
    assert first_l >= 5 and set(orient[:first_l]) == {"P"} and set(orient[first_l:]) == {"L"}
    assert pages - first_l >= 4

    def page_text(n):
        return subprocess.run(["pdftotext", "-f", str(n), "-l", str(n), "-layout", str(pdf), "-"],
                              capture_output=True, text=True).stdout

    first = page_text(1)
    assert "BÁO CÁO" in first and "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in first
    assert not re.match(r"\s*\d+\s*\n", first)  # no page number on page 1
    assert page_text(2).split()[0] == "2"
    last_report = page_text(first_l)
    assert "Nguyễn Đức Minh" in last_report
    appendix = page_text(first_l + 1)
    assert "Phụ lục" in appendix and "Biểu mẫu 1" in appendix
    assert page_text(first_l + 2).split()[0] == "2"  # the appendix numbers its pages on its own
    if shutil.which("pdfimages"):
        listing = subprocess.run(["pdfimages", "-list", str(pdf)], capture_output=True, text=True).stdout
        pages_with_images = [int(line.split()[0]) for line in listing.splitlines()[2:]
                             if len(line.split()) > 2 and line.split()[2] == "image"]  # not their alpha masks
        assert len(pages_with_images) == n_charts and all(p < first_l for p in pages_with_images)


def test_file_name_without_diacritics(demo_data, demo_store):
    assert docx_report.file_name(demo_data) == "BC CCHC nam 2023 - xa Chi Lang Nam.docx"
    unit = demo_store.unit()
    demo_store.create_period(unit["code"], "2024-6T")
    data = values.load_report(demo_store, None, "2024-6T")
    assert docx_report.file_name(data) == "BC CCHC 6 thang dau nam 2024 - xa Chi Lang Nam.docx"
    assert wording.ascii_text("Đồng Tháp: Ỹ") == "Dong Thap: Y"


def test_rule_under_tieu_ngu_as_long_as_the_text(doc):
    right = doc.tables[0].rows[0].cells[1]
    rule = next(p for p in right.paragraphs if p._p.find(f"{W}pPr/{W}pBdr/{W}top") is not None)
    ind = rule._p.find(f"{W}pPr/{W}ind")
    width_mm = (right.width - Pt(int(ind.get(f"{W}left")) / 20) - Pt(int(ind.get(f"{W}right")) / 20)) / Mm(1)
    # "Độc lập - Tự do - Hạnh phúc" in 13 pt bold Times New Roman is about 55–56 mm wide.
    assert 52 <= width_mm <= 59


def test_header_and_signature_variants(demo_store, tmp_path):
    code = demo_store.unit()["code"]
    demo_store.update_unit(code, upper_name="", signing_capacity="KT. CHỦ TỊCH", signer_title="PHÓ CHỦ TỊCH",
                           signer_name="Trần Văn A")
    data = values.load_report(demo_store, None, "2023-NAM")
    d = docx.Document(str(docx_report.write(data, tmp_path / "v.docx", charts=False)))
    left = d.tables[0].rows[0].cells[0]
    assert [norm(p.text) for p in left.paragraphs] == ["ỦY BAN NHÂN DÂN XÃ CHI LĂNG NAM", ""]
    closing = d.tables[-1] if d.tables[-1].rows[0].cells[0].paragraphs[0].text == "Nơi nhận:" else None
    closing = closing or next(t for t in d.tables if t.rows[0].cells[0].paragraphs[0].text == "Nơi nhận:")
    signer = [p.text for p in closing.rows[0].cells[1].paragraphs]
    assert signer[:2] == ["KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"] and signer[-1] == "Trần Văn A"


def test_empty_period_and_small_catalogue_export(mini_store, demo_store, tmp_path):
    store, pid = mini_store
    data = values.load_period(store, pid)
    d = docx.Document(str(docx_report.write(data, tmp_path / "mini.docx")))
    text = full_text(d)
    assert "BÁO CÁO" in text and "Phụ lục" in text and "{{" not in text
    assert len(d.sections) == 2
    # A new period of the demo unit with nothing entered yet, its text from the templates.
    code = demo_store.unit()["code"]
    demo_store.create_period(code, "2024-Q3")
    data = values.load_report(demo_store, None, "2024-Q3")
    d = docx.Document(str(docx_report.write(data, tmp_path / "q3.docx", charts=True)))
    assert "quý III năm 2024, phương hướng, nhiệm vụ quý IV năm 2024" in full_text(d)


def test_new_communes_report_cites_blanks_not_the_seeds_documents(tmp_path):
    """A new unit's default text: the seed's own documents as blanks to fill, the period's years;
    the date line keeps the year; no signer gives CHỦ TỊCH over an empty name."""
    from cchc_desktop.report import default_texts
    from cchc_desktop.store import open_store

    # a period of the 2023 frame (ends before 1/7/2025): the seed-based default texts
    store = open_store(tmp_path / "moi.sqlite")
    try:
        period = default_texts.setup_unit(store, "xa-tan-lap", "Tân Lập", "xa", period_code="2025-6T",
                                      upper_name="huyện Gia Lộc", province="Hà Nội", place_name="Tân Lập")
        texts = store.narratives(period["id"])
        joined = "\n".join(t["text"] for t in texts.values())
        for seed_citation in ("21/KH-UBND", "14/QĐ-UBND", "202/BC-UBND", "04/QĐ-UBND", "26/KH-UBND",
                              "01/TB-TKT", "15/02/2023", "13/2016/QĐ-UBND", "05/2020/NQ-HĐND", "1581/UBND-VP"):
            assert seed_citation not in joined, seed_citation
        assert "Kế hoạch số …/KH-UBND ngày …/…/… về rà soát" in texts["II.2"]["text"]
        assert "Nghị quyết số …/…/NQ-HĐND ngày …/…/… của Hội đồng nhân dân tỉnh Hà Nội" in texts["II.3"]["text"]
        assert "Nghị định số 34/2016/NĐ-CP ngày 14/5/2016" in texts["II.1"]["text"]  # national: kept
        assert "Chỉ thị số 05/CT-TTg ngày 23/02/2023" in texts["II.6"]["text"]
        d = docx.Document(str(docx_report.write(values.load_period(store, period["id"]), tmp_path / "m.docx",
                                                charts=False)))
        text = full_text(d)
        assert "năm 2023" not in text.replace("ngày 23/02/2023", "")
        assert "tự kiểm tra công tác cải cách hành chính năm 2025" in text
        assert "quyết toán ngân sách năm 2024" in text
        assert "Tân Lập, ngày tháng năm 2025" in text  # blanks for the day and month, the year printed
        closing = next(t for t in d.tables if t.rows[0].cells[0].paragraphs[0].text == "Nơi nhận:")
        signer = [p.text for p in closing.rows[0].cells[1].paragraphs]
        assert signer[:2] == ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"] and signer[-1] == ""
    finally:
        store.close()


def test_date_line_without_a_date_keeps_the_year_of_the_deadline():
    class D:
        unit = {"place_name": "Chi Lăng Nam"}
        period = {"year": 2024, "kind": "Q1", "deadline": "2024-03-18", "doc_date": None}
        key = values.periods.PeriodKey(2024, "Q1")

    assert docx_report.date_line(D()) == "Chi Lăng Nam, ngày      tháng      năm 2024"
    D.period = {**D.period, "doc_date": "2024-03-05"}
    assert docx_report.date_line(D()) == "Chi Lăng Nam, ngày 05 tháng 3 năm 2024"


def test_file_properties_name_this_app_and_the_unit(demo_docx):
    """Word's File → Info and Explorer read docProps: not python-docx's 'Microsoft Macintosh Word'."""
    import zipfile

    with zipfile.ZipFile(demo_docx) as z:
        app = z.read("docProps/app.xml").decode("utf-8")
        core = z.read("docProps/core.xml").decode("utf-8")
    assert "Macintosh" not in app and "<Application>CCHC Desktop " in app
    assert "<Company>UBND xã Chi Lăng Nam</Company>" in app
    assert "<Pages>" not in app  # the template's one page would be wrong
    assert "Báo cáo kết quả công tác cải cách hành chính" in core


# --- the roll-up's dossier table, blanks before a full stop -----------------------------------
@pytest.fixture(scope="module")
def rollup_of_three(tmp_path_factory):
    """An upper level over three communes: its dossier table falls across a page in LibreOffice
    (the 'Cộng' row stood alone on the next page under the repeated header)."""
    from test_aggregate import ON_TIME, PERIOD, commune_docs

    from cchc_desktop import dataio
    from cchc_desktop.report import aggregate
    from cchc_desktop.exporting import package as pkg
    from cchc_desktop.importing import package as ip
    from cchc_desktop.store import open_store

    tmp = tmp_path_factory.mktemp("rollup3")
    usb = tmp / "usb"
    usb.mkdir()
    src = open_store(tmp / "xa.sqlite")
    for d in commune_docs(3):
        dataio.load(src, d)
        pkg.make_package(src, d["unit"]["code"], PERIOD, usb, check_errors=False, documents=False, created_at=ON_TIME)
    src.close()
    store = open_store(tmp / "huyen.sqlite")
    ip.import_packages(store, [usb])
    path = docx_report.write(aggregate.rollup(store, PERIOD).data, tmp / "tong-hop.docx", charts=False)
    store.close()
    return path


def _field_table_of(d):
    return next(t for t in d.tables if t.rows[-1].cells[1].text.strip() == "Cộng" and "lĩnh vực" in
                t.rows[0].cells[1].text.lower())


def _keeps_next(row) -> bool:
    pars = [p for c in row.cells for p in c.paragraphs]
    return all(p._p.find(f"{W}pPr/{W}keepNext") is not None for p in pars)


def test_the_total_row_keeps_company_with_the_rows_before_it(rollup_of_three, doc):
    for d in (docx.Document(str(rollup_of_three)), doc):
        rows = _field_table_of(d).rows
        assert [_keeps_next(r) for r in rows[-4:]] == [False, True, True, False]
        assert all(r._tr.find(f"{W}trPr/{W}cantSplit") is not None for r in rows[1:])


@pytest.mark.libreoffice
@pytest.mark.skipif(shutil.which("soffice") is None or shutil.which("pdftotext") is None,
                    reason="LibreOffice / poppler not installed")
def test_libreoffice_never_leaves_the_total_alone_on_a_page(rollup_of_three, tmp_path):
    profile = tmp_path / "lo-profile"
    r = subprocess.run(["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
                        "--outdir", str(tmp_path), str(rollup_of_three)], capture_output=True, text=True, timeout=180)
    pdf = tmp_path / "tong-hop.pdf"
    assert pdf.exists(), r.stderr
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True).stdout
    page = next(p for p in text.split("\f") if re.search(r"^\s*Cộng\s+[\d.]+", p, re.M))
    lines = [line for line in page.splitlines() if line.strip()]
    at = next(i for i, line in enumerate(lines) if re.match(r"\s*Cộng\s+[\d.]+", line))
    assert sum("Lĩnh vực" in line for line in lines[max(0, at - 3):at]) >= 2, page


def test_no_doubled_full_stop_after_a_blank():
    assert docx_report.tidy("đã ban hành ….") == "đã ban hành …"
    assert docx_report.tidy("tự kiểm tra ngày …/…/….") == "tự kiểm tra ngày …/…/…"
    assert docx_report.tidy("đạt chuẩn **…**.") == "đạt chuẩn **…**"
    assert docx_report.tidy("hệ số lương... vào phần mềm; … hồ sơ.") == "hệ số lương... vào phần mềm; … hồ sơ."
    assert docx_report.tidy("(Zalo, Facebook,...) để …; tiếp") == "(Zalo, Facebook,...) để …; tiếp"


def test_a_unit_with_no_issued_document_reads_without_double_punctuation(tmp_path):
    from cchc_desktop.report import default_texts
    from cchc_desktop.store import open_store

    store = open_store(tmp_path / "moi.sqlite")
    try:
        period = default_texts.setup_unit(store, "xa-hong-phong", "Hồng Phong", "xa", period_code="2024-NAM",
                                      upper_name="huyện Ninh Giang", province="Hải Dương")
        d = docx.Document(str(docx_report.write(values.load_period(store, period["id"]), tmp_path / "m.docx",
                                                charts=False)))
    finally:
        store.close()
    text = full_text(d)
    assert "UBND xã đã xây dựng và ban hành …" in text  # no document issued yet: a blank
    assert "…." not in text and "…/…/…." not in text


def test_a_recomputed_row_says_the_units_former_figure(doc):
    tables = [t for t in doc.tables if any("6.7." == row.cells[0].text for row in t.rows)]
    (row,) = [row for row in tables[-1].rows if row.cells[0].text == "6.7."]
    assert row.cells[3].text == "97,6" and row.cells[4].text == "(*) Trước đây ghi 84\u00a0%"
    notes = [p.text for p in doc.paragraphs if p.text.startswith("(*) Số liệu tính lại")]
    assert len(notes) == 3  # under Biểu mẫu 2, 3 and 7 (TT/20 is a figure of the text, not of the appendix)
    # TT/20 and the text's dossier rates: under the appendix, "Ghi chú số liệu trong lời văn"
    texts = [p.text for p in doc.paragraphs]
    start = texts.index("Ghi chú số liệu trong lời văn:")
    assert [t[:20] for t in texts[start + 1:start + 4]] == ["(*) Tỷ lệ TTHC cấp x", "(*) Bộ phận Một cửa ",
                                                            "(*) Bộ phận Một cửa "]


def test_a_percent_is_written_one_way_and_never_wraps_alone(doc):
    texts = [p.text for p in _all_paragraphs(doc)]
    typed = next(t for t in texts if t.startswith("100") and "hồ sơ cập nhật" in t)  # typed "100%" in the seed
    assert typed.startswith("100\u00a0% hồ sơ")
    computed = next(t for t in texts if "đạt tỷ lệ 97,7" in t)
    assert "97,7\u00a0%" in computed
    assert not any(re.search(r"\d( )?%", t) for t in texts)


def _ward_with_resolution_columns(tmp_path):
    """phường Lê Chân 2026-Q3 with 12 fields and every resolution column: the 10-column dossier table."""
    from cchc_desktop.domain import official_choice, official_units
    from cchc_desktop.store import open_store

    fields = official_choice.unit_fields(official_units.unit("11383"))
    from cchc_desktop.report import default_texts

    store = open_store(tmp_path / "w.sqlite")
    period = default_texts.setup_unit(store, fields.pop("code"), fields.pop("name"), fields.pop("kind"),
                                      "2026-Q3", **fields)
    figures = dict(truc_tuyen=120, truc_tiep=30, ky_truoc=5, truoc_han=140, dung_han=10, qua_han=2,
                   dang_giai_quyet=3, dang_qua_han=0)
    for name in ("Hộ tịch", "Chứng thực"):  # fields of the frame's default list
        for col, v in figures.items():
            store.set_dossier(period["id"], "ubnd", name, col, v)
    return store, period["id"]


def test_the_wide_dossier_table_fits_whole_header_words(tmp_path):
    """Review of issue 17 (P3): 10 columns in portrait broke headers inside words (“Tổn|g số”, “nhậ|n”):
    the STT and field columns narrow, the cells' margins shrink and the header type fits its longest word."""
    store, pid = _ward_with_resolution_columns(tmp_path)
    try:
        d = docx.Document(str(docx_report.write(values.load_period(store, pid), tmp_path / "w.docx", charts=False)))
    finally:
        store.close()
    table = _field_table_of(d)
    header = table.rows[0]
    assert len(header.cells) == 10 and header.cells[2].text == "Tổng số hồ sơ tiếp nhận"
    width_mm = header.cells[9].width.mm - 2 * 1.0
    size = header.cells[2].paragraphs[0].runs[0].font.size.pt
    longest = max(len(w) for c in header.cells[2:] for w in c.text.split())
    assert longest * size * docx_report.BOLD_EM_PER_LETTER * docx_report.PT_MM <= width_mm
    assert size >= 9  # still readable
    assert sum(c.width.mm for c in header.cells) == pytest.approx(docx_report.TEXT_W, abs=1)


@pytest.mark.libreoffice
@pytest.mark.skipif(shutil.which("soffice") is None or shutil.which("pdftotext") is None,
                    reason="LibreOffice / poppler not installed")
def test_libreoffice_breaks_no_header_word_of_the_wide_dossier_table(tmp_path):
    store, pid = _ward_with_resolution_columns(tmp_path)
    try:
        path = docx_report.write(values.load_period(store, pid), tmp_path / "w.docx", charts=False)
    finally:
        store.close()
    profile = tmp_path / "lo-profile"
    r = subprocess.run(["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
                        "--outdir", str(tmp_path), str(path)], capture_output=True, text=True, timeout=180)
    pdf = tmp_path / "w.pdf"
    assert pdf.exists(), r.stderr
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
    # the header cells, line by line (pdftotext writes each cell's lines in turn), up to the first field
    head = text[text.index("theo lĩnh vực:"):text.index("Lĩnh vực Hộ tịch")]
    lines = {line.strip() for line in head.splitlines() if line.strip()}
    for whole in ("Tổng", "nhận", "tuyến", "chuyển", "quyết", "Đang"):
        assert any(whole in line.split() for line in lines), whole
    broken = {"Tổn", "nhậ", "n", "g", "c", "tuyế", "Đan", "quy", "ết", "trướ", "chuy", "ển"}  # the halves the review saw
    assert not lines & broken, lines & broken


def test_an_appendix_forms_last_rows_never_start_a_page_alone(doc):
    """Review of issue 17 (L1): BM7's last 3 rows and its footnote fell alone on the last page. The
    last rows keep with the next one (the last too when the footnote follows it)."""
    tail = docx_report.KEEP_FORM_TAIL
    bm7 = next(t for t in doc.tables if any(r.cells[0].text == "6.7." for r in t.rows))
    rows = bm7.rows
    assert [_keeps_next(r) for r in rows[-tail - 1:]] == [True] * (tail + 1)  # BM7 has the (*) footnote
    bm1 = next(t for t in doc.tables if any(r.cells[0].text == "4.4." for r in t.rows))
    assert _keeps_next(bm1.rows[-2]) and not _keeps_next(bm1.rows[-1])  # no footnote: the table may end a page


def test_a_blank_computed_rate_says_why_in_its_note(doc, demo_data):
    """Review of issue 17 (D3): the seed printed “0 %” where the rate is now blank, with no word why."""
    notes = {r.cells[1].text: r.cells[4].text.replace("\u00a0", " ")
             for t in doc.tables if len(t.columns) == 5 for r in t.rows}
    # the demo keeps the seed's “0 %” as the unit's own figure: the correction's note says why, once
    assert notes["Tỷ lệ giải quyết phản ánh, kiến nghị (PAKN) về quy định TTHC"] == \
        "(*) Trước đây ghi 0 %; nay để trống (0/0: không có trường hợp nào nên không có tỷ lệ)"
    assert notes["Tỷ lệ xử lý VBQPPL sau kiểm tra"] == \
        "(*) Trước đây ghi 0 %; nay để trống (các dòng thành phần chưa có số)"
    # without a figure of the unit's own, the blank rate explains itself
    data = demo_data
    assert wording.row_note(data, "BM3/3.4", {}) == "Không phát sinh (0/0)"
    assert wording.row_note(data, "BM2/2.2", {}) == "Chưa tính: thiếu số dòng 2.2.1, 2.2.2"
