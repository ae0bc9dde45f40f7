"""Registers that real export tools and users produce, and that were read silently wrong (issue 16):
CDATA text, single-quoted attributes, a sheet cut short, bad UTF-8, merged cells, US dates, formulas
without a cached value, procedures whose names hold "công", fields spelled another way, .xls/.ods.

The workbooks are written here: by openpyxl, or as hand-written XML for what libraries never write,
or converted by LibreOffice when it is installed."""
from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import unicodedata
import zipfile

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cchc_desktop.errors import UserError
from cchc_desktop.importing import register as reg

CT = ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
      'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships'
      '+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" '
      'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override '
      'PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.'
      'spreadsheetml.worksheet+xml"/></Types>')
RELS = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
        '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
# single-quoted attributes, as some export tools write them
WB = ("<?xml version='1.0' encoding='UTF-8'?><workbook xmlns='http://schemas.openxmlformats.org/spreadsheetml/"
      "2006/main' xmlns:r='http://schemas.openxmlformats.org/officeDocument/2006/relationships'><sheets>"
      "<sheet name='Sổ hồ sơ' sheetId='1' r:id='rId1'/></sheets></workbook>")
WB_RELS = ("<?xml version='1.0' encoding='UTF-8'?><Relationships xmlns='http://schemas.openxmlformats.org/package/"
           "2006/relationships'><Relationship Id='rId1' Type='http://schemas.openxmlformats.org/officeDocument/2006/"
           "relationships/worksheet' Target='worksheets/sheet1.xml'/></Relationships>")
HEADERS = ["STT", "Số hồ sơ", "Tên thủ tục", "Lĩnh vực", "Ngày tiếp nhận", "Ngày hẹn trả", "Ngày trả kết quả",
           "Trạng thái"]


def _cell(ref: str, value) -> str:
    if value is None:
        return ""
    if isinstance(value, (int, float)):
        return f"<c r='{ref}'><v>{value}</v></c>"
    return f"<c r='{ref}' t='inlineStr'><is><t><![CDATA[{value}]]></t></is></c>"


def sheet_xml(rows, tail="</sheetData></worksheet>") -> str:
    out = []
    for i, row in enumerate(rows, 1):
        cells = "".join(_cell(f"{chr(65 + j)}{i}", v) for j, v in enumerate(row))
        out.append(f"<row r='{i}'>{cells}</row>")
    return ("<?xml version='1.0' encoding='UTF-8'?><worksheet xmlns='http://schemas.openxmlformats.org/"
            "spreadsheetml/2006/main'><sheetData>" + "".join(out) + tail)


def write_xlsx(path, sheet: bytes | str, wb: bytes | str = WB, wb_rels: bytes | str = WB_RELS):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", CT)
        z.writestr("_rels/.rels", RELS)
        z.writestr("xl/workbook.xml", wb)
        z.writestr("xl/_rels/workbook.xml.rels", wb_rels)
        z.writestr("xl/worksheets/sheet1.xml", sheet)
    return path


def dossier_rows(n=12):
    rows = [HEADERS]
    for i in range(n):
        rows.append([i + 1, f"H{i:03d}", "Đăng ký khai sinh", "Hộ tịch", f"{13 + i % 15}/03/2023",
                     f"{14 + i % 14}/03/2023", None if i % 4 == 0 else f"{14 + i % 14}/03/2023",
                     "Đang xử lý" if i % 4 == 0 else "Đã trả kết quả"])
    return rows


def dump(store):
    return list(store.db.conn.iterdump())


def register_rows(store):
    return {r[0]: r[1:] for r in store.db.execute(
        "SELECT code, procedure, field, received_date, due_date, finished_date FROM register ORDER BY code")}


# --- hand-written XML ----------------------------------------------------------------------
def test_cdata_and_single_quoted_attributes(mini_store, tmp_path):
    store, _ = mini_store
    path = write_xlsx(tmp_path / "cdata.xlsx", sheet_xml(dossier_rows()))
    summary = reg.import_register(store, "x1", path)
    assert summary.imported == 12 and not summary.skipped
    rows = register_rows(store)
    assert rows["H001"][:2] == ("Đăng ký khai sinh", "Hộ tịch")  # no CDATA markers
    assert rows["H001"][2] == "2023-03-14"


@pytest.mark.parametrize("where", ["mid-cell", "between-rows", "before-end-of-data", "after-data",
                                   "no-worksheet-end"])
def test_a_sheet_cut_short_is_refused_and_nothing_imported(mini_store, tmp_path, where):
    store, _ = mini_store
    full = sheet_xml(dossier_rows(), tail="</sheetData><mergeCells count='1'><mergeCell ref='D2:D5'/>"
                                          "</mergeCells></worksheet>")
    cut = {
        "mid-cell": full[:len(full) // 2],
        "between-rows": full[:full.index("<row r='7'")],
        "before-end-of-data": full[:full.index("</sheetData>")],
        "after-data": full[:full.index("<mergeCells")],
        "no-worksheet-end": full[:-len("</worksheet>")],
    }[where]
    path = write_xlsx(tmp_path / "cut.xlsx", cut)
    before = dump(store)
    with pytest.raises(UserError) as e:
        reg.import_register(store, "x1", path)
    assert "bị hỏng" in str(e.value) and "\n" not in str(e.value)
    assert dump(store) == before


@pytest.mark.parametrize("part", ["workbook", "rels", "sheet"])
def test_bad_utf8_is_refused_with_one_line(mini_store, tmp_path, part):
    store, _ = mini_store
    sheet = sheet_xml(dossier_rows()).encode()
    wb, rels = WB.encode(), WB_RELS.encode()
    if part == "workbook":
        wb = wb.replace("Sổ".encode(), b"S\xff\xfe")
    elif part == "rels":
        rels = rels.replace(b"worksheets/", b"worksheets\xc3\x28/")
    else:
        sheet = sheet.replace(b"H005", b"H\xc3\x28")
    path = write_xlsx(tmp_path / "utf.xlsx", sheet, wb, rels)
    before = dump(store)
    with pytest.raises(UserError) as e:
        reg.import_register(store, "x1", path)
    msg = str(e.value)
    assert "\n" not in msg and "không mong đợi" not in msg
    assert dump(store) == before


def test_unsupported_zip_compression_is_refused(mini_store, tmp_path):
    store, _ = mini_store
    path = write_xlsx(tmp_path / "z.xlsx", sheet_xml(dossier_rows()))
    data = bytearray(path.read_bytes())
    # the sheet's local header and central directory entry say compression method 99 (AES)
    for sig in (b"PK\x03\x04", b"PK\x01\x02"):
        pos = 0
        while (pos := data.find(sig, pos)) >= 0:
            off = 8 if sig == b"PK\x03\x04" else 10
            name_at = 30 if sig == b"PK\x03\x04" else 46
            if data[name_at + pos:name_at + pos + 24] == b"xl/worksheets/sheet1.xml":
                data[pos + off:pos + off + 2] = (99).to_bytes(2, "little")
            pos += 4
    path.write_bytes(bytes(data))
    with pytest.raises(UserError, match="bị hỏng|mật khẩu"):
        reg.import_register(store, "x1", path)


# --- openpyxl ------------------------------------------------------------------------------
def test_merged_field_cells_are_filled_and_said(mini_store, tmp_path):
    store, _ = mini_store
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["SỔ THEO DÕI HỒ SƠ"])
    ws.merge_cells("A1:H1")
    ws.append(HEADERS)
    for i in range(9):
        ws.append([i + 1, f"M{i}", "Thủ tục", "Đất đai" if i < 5 else ("Hộ tịch" if i == 5 else None),
                   dt.datetime(2023, 3, 1 + i), None, None, "Đang xử lý"])
    ws.merge_cells("D3:D7")  # "Đất đai" over five dossiers
    ws.merge_cells("D8:D11")  # "Hộ tịch" over four
    wb.save(tmp_path / "merged.xlsx")
    summary = reg.import_register(store, "x1", tmp_path / "merged.xlsx")
    assert summary.imported == 9
    fields = {code: row[1] for code, row in register_rows(store).items()}
    assert [fields[f"M{i}"] for i in range(9)] == ["Đất đai"] * 5 + ["Hộ tịch"] * 4
    assert any("ô gộp" in n and "7" in n for n in summary.notes), summary.notes
    assert "ô gộp" in summary.text()


def _text_dates(tmp_path, dates, name="d.xlsx"):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Số hồ sơ", "Ngày tiếp nhận", "Lĩnh vực"])
    for i, d in enumerate(dates):
        ws.append([f"D{i}", d, "Hộ tịch"])
    wb.save(tmp_path / name)
    return tmp_path / name


def test_us_text_dates_are_read_month_first_for_the_whole_column(mini_store, tmp_path):
    store, _ = mini_store
    path = _text_dates(tmp_path, ["03/05/2023", "03/15/2023", "04/01/2023", "12/31/2023"])
    summary = reg.import_register(store, "x1", path)
    got = {c: r[2] for c, r in register_rows(store).items()}
    assert got == {"D0": "2023-03-05", "D1": "2023-03-15", "D2": "2023-04-01", "D3": "2023-12-31"}
    assert any("tháng/ngày/năm" in n for n in summary.notes)


def test_day_first_column_is_never_swapped_row_by_row(mini_store, tmp_path):
    store, _ = mini_store
    path = _text_dates(tmp_path, ["03/05/2023", "15/03/2023", "04/01/2023"])
    reg.import_register(store, "x1", path)
    got = {c: r[2] for c, r in register_rows(store).items()}
    assert got == {"D0": "2023-05-03", "D1": "2023-03-15", "D2": "2023-01-04"}


def test_ambiguous_text_dates_are_asked_not_guessed(mini_store, tmp_path):
    store, _ = mini_store
    path = _text_dates(tmp_path, ["03/05/2023", "04/06/2023"])
    before = dump(store)
    with pytest.raises(reg.AmbiguousDates, match="ngày trước hay tháng trước"):
        reg.import_register(store, "x1", path)
    assert dump(store) == before
    reg.import_register(store, "x1", path, date_order="mdy")
    assert register_rows(store)["D0"][2] == "2023-03-05"


def test_a_column_mixing_both_orders_skips_the_misfits_with_their_reason(mini_store, tmp_path):
    store, _ = mini_store
    path = _text_dates(tmp_path, ["13/05/2023", "14/05/2023", "05/13/2023"])
    summary = reg.import_register(store, "x1", path)
    assert summary.imported == 2
    (row, reason), = summary.skipped
    assert row == 4 and "05/13/2023" in reason and "ngày/tháng/năm" in reason


def test_formula_without_a_cached_value_is_a_skipped_row(mini_store, tmp_path):
    store, _ = mini_store
    wb = openpyxl.Workbook()  # openpyxl writes formulas without their value, as such tools do
    ws = wb.active
    ws.append(["Số hồ sơ", "Ngày tiếp nhận", "Ngày hẹn trả", "Ngày trả kết quả"])
    ws.append(["F1", dt.datetime(2023, 3, 1), "=B2+5", dt.datetime(2023, 3, 3)])
    ws.append(["F2", dt.datetime(2023, 3, 1), dt.datetime(2023, 3, 6), dt.datetime(2023, 3, 3)])
    wb.save(tmp_path / "f.xlsx")
    summary = reg.import_register(store, "x1", tmp_path / "f.xlsx")
    assert summary.imported == 1
    (row, reason), = summary.skipped
    assert row == 2 and "C2" in reason and "công thức" in reason


@pytest.mark.parametrize("chunk", [1 << 20, 7, 64, 333])
def test_formula_gaps_are_found_whatever_the_read_chunk(tmp_path, monkeypatch, chunk):
    """open_book scans the sheet for formulas without a value as it inflates it, a chunk at a
    time: a formula cut by a chunk's edge (in "<f", in its cell, anywhere) is found all the same."""
    from cchc_desktop.importing import excel_read

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Số hồ sơ", "Ngày tiếp nhận", "Ngày hẹn trả", "Ngày trả kết quả"])
    for i in range(2, 40):
        ws.append([f"F{i}", dt.datetime(2023, 3, 1), f"=B{i}+5" if i % 3 == 0 else dt.datetime(2023, 3, 6),
                   dt.datetime(2023, 3, 3)])
    wb.save(tmp_path / "f.xlsx")
    monkeypatch.setattr(excel_read, "CHUNK", chunk)
    book = excel_read.open_book(tmp_path / "f.xlsx")
    try:
        assert book.formula_gaps(book.sheets()[0]) == {(i, 2) for i in range(2, 40) if i % 3 == 0}
    finally:
        book.close()


def test_procedures_named_cong_are_dossiers_and_totals_go_by_shape(mini_store, tmp_path):
    store, _ = mini_store
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(HEADERS)
    ws.append([1, "C1", "Công nhận hòa giải viên", "Hòa giải cơ sở", dt.datetime(2023, 3, 1), None, None, ""])
    ws.append([2, "C2", "Công nhận câu lạc bộ thể thao cơ sở", "Thể dục thể thao", dt.datetime(2023, 3, 2), None,
               None, ""])
    ws.append([3, "C3", "Cộng đồng dân cư: chứng thực", "Chứng thực", dt.datetime(2023, 3, 2), None, None, ""])
    ws.append([None, None, None, 3, None, None, None, None])  # totals by shape: counts, no code, no date
    ws.append(["Tổng cộng", "3 hồ sơ"])
    ws.append([None, None, "Cộng", 3])
    wb.save(tmp_path / "c.xlsx")
    summary = reg.import_register(store, "x1", tmp_path / "c.xlsx")
    assert summary.imported == 3
    assert set(register_rows(store)) == {"C1", "C2", "C3"}
    assert summary.skipped == [(5, "dòng tổng cộng"), (6, "dòng tổng cộng"), (7, "dòng tổng cộng")]


def test_field_names_are_matched_to_the_period_table(demo_store, tmp_path):
    store = demo_store
    unit = store.unit()["code"]
    period = store.get_period(unit, "2023-NAM")
    table_fields = [f["name"] for f in store.dossier_table(period["id"], "ubnd").fields]
    assert "Người có công" in table_fields
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Số hồ sơ", "Lĩnh vực", "Ngày tiếp nhận"])
    spellings = ["NGƯỜI CÓ CÔNG", "Lĩnh vực người có công", unicodedata.normalize("NFD", "Người có công"),
                 "NCC", "Thú y", "THÚ Y", "Thú y"]
    for i, f in enumerate(spellings):
        ws.append([f"S{i}", f, dt.datetime(2023, 3, 1)])
    wb.save(tmp_path / "f.xlsx")
    reg.import_register(store, unit, tmp_path / "f.xlsx")
    computed = reg.period_window_figures(store, period["id"])
    ubnd = computed.by_agency["ubnd"]
    assert ubnd["Người có công"]["truc_tiep"] == 4
    assert ubnd["Thú y"]["truc_tiep"] == 3  # not in the table: its most common spelling
    assert computed.unmatched == ["Thú y"]
    assert any("Thú y" in line for line in computed.outside_lines(period["start_date"], period["end_date"]))


@pytest.mark.parametrize("abbr, full", [("NCC", "Người có công"), ("BTXH", "Bảo trợ xã hội"),
                                        ("LĐTBXH", "Lao động, thương binh và xã hội")])
def test_field_abbreviations(abbr, full):
    assert reg.field_key(abbr) == reg.field_key(full) == reg.field_key(f"Lĩnh vực {full.upper()}")


# --- LibreOffice: .xls and .ods written by another program ------------------------------------
@pytest.mark.libreoffice
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
@pytest.mark.parametrize("fmt", ["xls", "ods"])
def test_libreoffice_xls_and_ods(mini_store, tmp_path, fmt):
    store, _ = mini_store
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(HEADERS)
    for i in range(20):
        ws.append([i + 1, f"L{i}", "Chứng thực bản sao", "Chứng thực", dt.datetime(2023, 3, 1 + i),
                   dt.datetime(2023, 3, 5 + i), dt.datetime(2023, 3, 4 + i), "Đã trả kết quả"])
    ws.merge_cells("D2:D4")
    wb.save(tmp_path / "src.xlsx")
    out = tmp_path / "out"
    subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/lo", "--convert-to", fmt,
                    "--outdir", str(out), str(tmp_path / "src.xlsx")], check=True, capture_output=True, timeout=180)
    summary = reg.import_register(store, "x1", out / f"src.{fmt}")
    assert summary.imported == 20 and not summary.skipped
    rows = register_rows(store)
    assert rows["L3"] == ("Chứng thực bản sao", "Chứng thực", "2023-03-04", "2023-03-08", "2023-03-07")


# --- fuzz: damaged workbooks never crash and never change the data file -----------------------
GOOD_SHEET = sheet_xml(dossier_rows(30)).encode()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(cut=st.integers(0, len(GOOD_SHEET)), junk=st.binary(max_size=8), at=st.integers(0, len(GOOD_SHEET)),
       kind=st.sampled_from(["cut", "junk", "cut-zip"]))
def test_fuzzed_workbooks_never_crash_nor_change_the_file(mini_store, tmp_path, cut, junk, at, kind):
    store, _ = mini_store
    path = tmp_path / "fz.xlsx"
    if kind == "cut":
        write_xlsx(path, GOOD_SHEET[:cut])
    elif kind == "junk":
        write_xlsx(path, GOOD_SHEET[:at] + junk + GOOD_SHEET[at:])
    else:
        write_xlsx(path, GOOD_SHEET)
        data = path.read_bytes()
        path.write_bytes(data[:cut % max(len(data), 1)] + junk)
    before = dump(store)
    try:
        summary = reg.import_register(store, "x1", path)
    except UserError as e:
        assert str(e).strip() and "\n" not in str(e) and "không mong đợi" not in str(e)
        assert dump(store) == before
        return
    assert summary.rows_read == summary.imported + summary.updated + summary.unchanged + len(summary.skipped)
    if kind == "cut":
        assert cut == len(GOOD_SHEET)  # only the whole sheet imports


def test_per_day_counts_follow_reimports(mini_store, tmp_path):
    """register_days is moved in each import's transaction: after a re-import that changes, adds and
    withdraws dossiers, every window's figures are those of the register as it now is."""
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from test_register_import import expected_figures, make_dossiers, write_igate

    store, _ = mini_store
    first = make_dossiers(150, seed=31)
    write_igate(tmp_path / "a.xlsx", first)
    reg.import_register(store, "x1", tmp_path / "a.xlsx")
    second = make_dossiers(150, seed=31)[:100]  # the same codes …
    for i, d in enumerate(second):
        if i % 3 == 0:
            d["field"] = "Đất đai"
        if i % 7 == 0:
            d["status"], d["finished"] = "Đã rút hồ sơ", None
        if i % 5 == 0 and d["finished"] is not None:
            d["finished"] = d["finished"] + dt.timedelta(days=2)
    second += make_dossiers(40, seed=32, prefix="NEW")
    write_igate(tmp_path / "b.xlsx", second)
    s = reg.import_register(store, "x1", tmp_path / "b.xlsx")
    assert s.imported == 40 and s.updated > 0
    now = {d["code"]: d for d in first}
    now.update({d["code"]: d for d in second})
    for start, end in [(dt.date(2022, 12, 15), dt.date(2023, 12, 14)), (dt.date(2023, 3, 1), dt.date(2023, 5, 31)),
                       (dt.date(2022, 10, 1), dt.date(2022, 10, 31))]:
        got = reg.register_figures(store, "x1", start, end)
        want = expected_figures(list(now.values()), start, end)
        assert {reg.field_key(k): v for k, v in got.items()} == {reg.field_key(k): v for k, v in want.items()}
    # and the table equals the one built from the register in one statement (the migration's way)
    kept = store.db.execute("SELECT * FROM register_days ORDER BY 1, 2, 3, 4").fetchall()
    store.db.execute("DROP TABLE register_days")
    from cchc_desktop.store import register as store_register

    store_register.create_day_table(store.db)
    rebuilt = store.db.execute("SELECT * FROM register_days WHERE recv OR recv_online OR fin_early OR fin_ontime "
                               "OR fin_late OR due OR due_kept ORDER BY 1, 2, 3, 4").fetchall()
    assert kept == rebuilt


def test_cli_date_order_and_outside_window(demo_file, tmp_path, capsys):
    from cchc_desktop import cli

    db = tmp_path / "d.sqlite"
    shutil.copy(demo_file, db)
    path = _text_dates(tmp_path, ["03/05/2023", "04/06/2023", "01/02/2024"])
    assert cli.main(["import-register", "--db", str(db), str(path)]) == 1
    assert "ngày trước hay tháng trước" in capsys.readouterr().err
    assert cli.main(["import-register", "--db", str(db), str(path), "--thu-tu-ngay", "thang-ngay"]) == 0
    capsys.readouterr()
    assert cli.main(["register-stats", "--db", str(db), "--period", "2023-NAM"]) == 0
    out = capsys.readouterr().out
    # 2024-01-02 is after the 2023 window (15/12/2022 – 14/12/2023)
    assert "0 hồ sơ đã giải quyết xong trước ngày đầu kỳ, 1 hồ sơ tiếp nhận sau ngày cuối kỳ" in out
