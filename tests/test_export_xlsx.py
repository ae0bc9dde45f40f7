"""The Excel appendix: layout like the paper form, numbers as numbers, text as text, read by a real client."""
from __future__ import annotations

import csv
import shutil
import subprocess
import zipfile
from decimal import Decimal

import openpyxl
import pytest

from cchc_desktop.report import values
from cchc_desktop.exporting import xlsx_appendix

NOTE = "=SUM(A1:A3)+1"


@pytest.fixture
def exported(demo_store, tmp_path):
    store = demo_store
    unit = store.unit()
    period = store.get_period(unit["code"], "2023-NAM")
    store.set_note(period["id"], "BM1/1", NOTE)
    store.set_note(period["id"], "BM1/2.1", "+ ghi chú bắt đầu bằng dấu cộng")
    data = values.load_period(store, period["id"])
    out = xlsx_appendix.write(data, tmp_path / xlsx_appendix.file_name(data))
    return data, out


def test_file_name(exported):
    data, out = exported
    assert out.name == "Phu luc CCHC nam 2023 - xa Chi Lang Nam.xlsx"
    assert out.exists() and not list(out.parent.glob(".*.tmp"))


def test_one_sheet_per_form_laid_out_like_the_paper(exported):
    data, out = exported
    wb = openpyxl.load_workbook(out)
    forms = data.catalogue.appendix_forms()
    assert wb.sheetnames == [f.heading for f in forms] + ["Hồ sơ TTHC", "Hồ sơ theo cơ quan"]
    ws = wb["Biểu mẫu 1"]
    assert ws["A1"].value == "Phụ lục"
    assert ws["A4"].value == "Biểu mẫu 1" and ws["A5"].value == "Công tác chỉ đạo điều hành CCHC"
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert {"A6:A7", "B6:B7", "C6:D6", "E6:E7"} <= merged
    assert ws["C6"].value == "Kết quả thống kê"
    assert (ws["C7"].value, ws["D7"].value) == ("Đơn vị tính", "Số lượng/ Tỷ lệ")
    assert ws["A6"].border.left.style == "thin" and ws["D9"].border.bottom.style == "thin"
    assert ws.column_dimensions["B"].width > 50
    assert ws["B8"].alignment.wrap_text
    # print set-up
    assert ws.page_setup.orientation == "landscape"
    assert int(ws.page_setup.paperSize) == int(ws.PAPERSIZE_A4) == 9
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1
    assert ws.print_title_rows == "$6:$7"


def _row_of(ws, stt):
    for r in range(8, ws.max_row + 1):
        if ws.cell(r, 1).value == stt:
            return r
    raise AssertionError(stt)


def _shown(cell) -> str:
    """What Excel prints for a figure cell: a whole number through its literal-dot format."""
    if isinstance(cell.value, int):
        text = f"{cell.value:,}".replace(",", ".") if cell.number_format != "0" else str(cell.value)
        return text
    return cell.value


def test_figures_print_as_the_word_file_whatever_the_locale(exported):
    """Review X1: `#,##0` / `0.0` take the PC's separators (3,218 on an English Windows) and print
    whole rates as 100,0. A whole figure stays a number with literal dots; one with decimals is the
    report's own text."""
    data, out = exported
    wb = openpyxl.load_workbook(out)
    checked = kinds = 0
    seen = set()
    for form in data.catalogue.appendix_forms():
        ws = wb[form.heading]
        for row in form.rows:
            r = _row_of(ws, row.stt)
            cell = ws.cell(r, 4)
            v = data.values.get(row.code) if row.has_value else None
            assert ws.cell(r, 2).value == row.label
            if row.kind == "group" or row.depth == 0:
                assert ws.cell(r, 2).font.b
            if row.italic:
                assert ws.cell(r, 2).font.i
            if v is None:
                assert cell.value is None
                continue
            checked += 1
            if row.kind == "text":
                assert cell.value == v and cell.data_type == "s"
                continue
            if row.kind == "choice":
                assert cell.value == int(v) and cell.number_format == "0"
                continue
            assert _shown(cell) == row.format(v), (row.code, cell.value, cell.number_format)
            assert "," not in cell.number_format and not cell.number_format.startswith("0.")
            if isinstance(cell.value, int):
                assert cell.number_format == xlsx_appendix.vn_integer_format(cell.value)
                seen.add("int")
            else:
                assert cell.data_type == "s"
                seen.add("text")
    assert checked > 40 and seen == {"int", "text"}
    ws = wb["Biểu mẫu 1"]
    assert ws.cell(_row_of(ws, "5.1."), 4).value == 3225
    assert ws.cell(_row_of(ws, "2."), 4).value == 100  # a whole rate prints 100, as in Word (not 100,0)


def test_vn_integer_format_groups_by_three():
    f = xlsx_appendix.vn_integer_format
    assert [f(v) for v in (5, 157, 3218, 100000, 11750652112)] == [
        "0", "##0", "0\\.000", "##0\\.000", "#0\\.000\\.000\\.000"]


def test_typed_text_never_becomes_a_formula(exported):
    data, out = exported
    wb = openpyxl.load_workbook(out)
    ws = wb["Biểu mẫu 1"]
    r = _row_of(ws, "1.")
    assert ws.cell(r, 5).value == NOTE and ws.cell(r, 5).data_type == "s"
    with zipfile.ZipFile(out) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/"):
                assert b"<f>" not in z.read(name) and b"<f " not in z.read(name)


def test_dossier_sheets(exported):
    data, out = exported
    wb = openpyxl.load_workbook(out)
    ws = wb["Hồ sơ TTHC"]
    assert ws.print_title_rows == "$6:$6"
    header = [c.value for c in ws[6] if c.value]
    assert header[:3] == ["Số TT", "Tên lĩnh vực", "Tổng số hồ sơ tiếp nhận"]
    rows = {ws.cell(r, 2).value: [ws.cell(r, c).value for c in range(3, len(header) + 1)]
            for r in range(7, ws.max_row + 1) if ws.cell(r, 2).value}
    assert rows["Lĩnh vực Hộ tịch"] == [501, 458, 43]
    assert rows["Cộng"][0] == 3225
    ws = wb["Hồ sơ theo cơ quan"]
    labels = {ws.cell(r, 2).value: (ws.cell(r, 3).value, ws.cell(r, 4).value, ws.cell(r, 5).value)
              for r in range(7, ws.max_row + 1)}
    ca = data.measures("cong_an")
    qs = data.measures("quan_su")
    assert labels["Số hồ sơ tiếp nhận trực tuyến"][1] == ca["truc_tuyen"] == 322
    assert labels["Số hồ sơ tiếp nhận trực tiếp"][2] == qs["truc_tiep"]


@pytest.mark.libreoffice
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
def test_libreoffice_reads_the_values(exported, tmp_path):
    data, out = exported
    outdir = tmp_path / "csv"
    outdir.mkdir()
    src = outdir / "pl.xlsx"
    shutil.copy(out, src)
    # All sheets, UTF-8, values as stored (not as shown), formulas not exported.
    filt = "csv:Text - txt - csv (StarCalc):44,34,76,1,,1033,false,true,false,false,false,-1"
    subprocess.run(
        ["soffice", f"-env:UserInstallation=file://{tmp_path}/lo", "--headless", "--convert-to", filt,
         "--outdir", str(outdir), str(src)],
        check=True, capture_output=True, timeout=180,
    )
    files = {p.stem: p for p in outdir.glob("*.csv")}
    assert files, list(outdir.iterdir())
    form_csv = next(p for n, p in files.items() if n.endswith("Biểu mẫu 1"))
    with open(form_csv, encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    by_stt = {r[0]: r for r in rows if r}
    assert by_stt["5.1."][3] == "3225"
    assert by_stt["1."][4] == NOTE  # the note stayed text
    for form in data.catalogue.appendix_forms()[:3]:
        path = next(p for n, p in files.items() if n.endswith(form.heading))
        with open(path, encoding="utf-8") as fh:
            by_stt = {r[0]: r for r in csv.reader(fh) if r}
        for row in form.rows:
            v = data.values.get(row.code) if row.has_value else None
            got = by_stt[row.stt][3]
            if v is None:
                assert got == ""
            elif row.kind == "text":
                assert got == v
            else:
                want = Decimal(v).quantize(Decimal("0.1")) if (row.kind == "percent" or row.unit == "%") else Decimal(v)
                assert Decimal(got) == want, (row.code, got, v)
    dossier_csv = next(p for n, p in files.items() if n.endswith("Hồ sơ TTHC"))
    with open(dossier_csv, encoding="utf-8") as fh:
        rows = {r[1]: r for r in csv.reader(fh) if len(r) > 2}
    assert rows["Cộng"][2] == "3225"


@pytest.mark.parametrize("value, expected", [
    (4000, "#,##0"), (Decimal("4000.0"), "#,##0"), (Decimal("3523.681"), "#,##0.000"),
    (Decimal("12.5"), "#,##0.0"), (Decimal("1E+3"), "#,##0"), (Decimal("0.12345"), "#,##0.000"),
])
def test_money_format_never_ends_in_a_bare_separator(value, expected):
    assert xlsx_appendix.money_format(value) == expected


def test_rates_round_half_up_like_the_report(demo_store, tmp_path):
    """1 of 400 online is 0,25 %: the Excel cell holds 0,3 as the Word report writes it (not 0,2)."""
    store = demo_store
    period = store.get_period(store.unit()["code"], "2023-NAM")
    for column, value in (("truc_tuyen", "1"), ("truc_tiep", "399"), ("ky_truoc", "0")):
        store.set_dossier(period["id"], "cong_an", "", column, value)
    data = values.load_period(store, period["id"])
    assert data.measures("cong_an")["ty_le_truc_tuyen"] is not None
    out = xlsx_appendix.write(data, tmp_path / "pl.xlsx")
    ws = openpyxl.load_workbook(out)["Hồ sơ theo cơ quan"]
    row = next(r for r in range(7, ws.max_row + 1) if ws.cell(r, 2).value == "Tỷ lệ tiếp nhận trực tuyến (%)")
    assert ws.cell(row, 4).value == "0,3"


def test_a_recomputed_row_says_the_units_former_figure(exported):
    data, out = exported
    ws = openpyxl.load_workbook(out)["Biểu mẫu 7"]
    r = _row_of(ws, "6.7.")
    assert ws.cell(r, 4).value == "97,6"
    assert ws.cell(r, 5).value == "(*) Trước đây ghi 84 %"
    notes = [ws.cell(i, 1).value for i in range(r, ws.max_row + 1)]
    assert notes[-1].startswith("(*) Số liệu tính lại từ các dòng thành phần")
    assert all(ws.cell(i, 1).value != notes[-1] for i in range(1, ws.max_row + 1)
               for ws in [openpyxl.load_workbook(out)["Biểu mẫu 1"]])  # a form without one has no note


def test_printed_as_nghi_dinh_30_asks(exported):
    data, out = exported
    wb = openpyxl.load_workbook(out)
    ws = wb["Biểu mẫu 1"]
    mm = lambda inches: round(inches * 25.4)  # noqa: E731
    m = ws.page_margins
    assert (mm(m.top), mm(m.bottom), mm(m.left), mm(m.right)) == (20, 20, 30, 15)
    assert ws.oddHeader.center.text == "&P" and ws.oddHeader.center.font == "Times New Roman,Regular"
    assert not ws.oddFooter.center.text
    assert ws.page_setup.fitToHeight == 1  # a short form on one page, not two rows on a second
    assert wb["Biểu mẫu 7"].page_setup.fitToHeight == 0  # a long one on as many as it needs
    with zipfile.ZipFile(out) as z:
        assert "Calibri" not in z.read("xl/styles.xml").decode()


def test_the_agency_sheet_says_why_a_cell_is_blank(demo_store, tmp_path):
    """Review of issue 17 (X2): the desk's “đang giải quyết đã quá hạn” blank with no word why; the
    direct dossiers named as the Word table names them."""
    import openpyxl

    from cchc_desktop.exporting import xlsx_appendix

    path = xlsx_appendix.write(values.load_report(demo_store, None, "2023-NAM"), tmp_path / "p.xlsx")
    ws = openpyxl.load_workbook(path)[xlsx_appendix.AGENCY_SHEET]
    texts = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert "Số hồ sơ tiếp nhận trực tiếp" in texts and not any("bưu chính" in t for t in texts)
    assert xlsx_appendix.BLANK_AGENCY_NOTE in texts
