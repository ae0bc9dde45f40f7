"""Every input file is read with size and ratio limits: a hostile file is refused at once,
before anything inflates it (workbook), reads it whole (catalogue, period JSON)."""
from __future__ import annotations

import struct
import zipfile

import pytest

from cchc_desktop import dataio
from cchc_desktop.domain import catalogue
from cchc_desktop.errors import UserError
from cchc_desktop.importing import excel_read

WORKBOOK = ('<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
            '<sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>')
RELS = ('<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship '
        'Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
        'Target="worksheets/sheet1.xml"/></Relationships>')


def workbook(path, sheet: bytes, extra: dict[str, bytes] | None = None):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/workbook.xml", WORKBOOK)
        zf.writestr("xl/_rels/workbook.xml.rels", RELS)
        zf.writestr("xl/worksheets/sheet1.xml", sheet)
        for name, data in (extra or {}).items():
            zf.writestr(name, data)
    return path


def test_an_endless_row_that_inflates_is_refused(tmp_path, monkeypatch):
    # the 400 MB row in a 1 MB file, scaled down: the same ratio, limits scaled alike
    monkeypatch.setattr(excel_read, "RATIO_FLOOR", 1 << 20)
    cell = b'<c t="inlineStr"><is><t>x</t></is></c>' * 1000
    path = workbook(tmp_path / "bom.xlsx", b"<worksheet><sheetData><row r='1'>" + cell * 600)
    with pytest.raises(UserError, match="quá lớn hoặc bất thường.*nén \\d+ lần"):
        excel_read.open_book(path)


def test_a_huge_shared_strings_part_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(excel_read, "MAX_MEMBER_BYTES", 4 << 20)
    monkeypatch.setattr(excel_read, "RATIO_FLOOR", 64 << 20)  # not by its ratio: by its size
    strings = b"<sst>" + b"<si><t>abc</t></si>" * 300_000 + b"</sst>"
    path = workbook(tmp_path / "sst.xlsx", b"<worksheet><sheetData/></worksheet>", {"xl/sharedStrings.xml": strings})
    with pytest.raises(UserError, match="sharedStrings.xml.*bung ra"):
        excel_read.open_book(path)


def test_a_part_that_lies_about_its_size_is_refused(tmp_path):
    sheet = b"<worksheet><sheetData>" + b"<row r='1'><c><v>1</v></c></row>" * 2000 + b"</sheetData></worksheet>"
    path = workbook(tmp_path / "lie.xlsx", sheet)
    raw = bytearray(path.read_bytes())
    name = b"xl/worksheets/sheet1.xml"
    for sig, size_at in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):  # local header, central directory
        i = raw.find(sig)
        while i >= 0:
            name_at = i + (30 if sig == b"PK\x03\x04" else 46)
            if raw[name_at:name_at + len(name)] == name:
                struct.pack_into("<I", raw, i + size_at, 100)  # says 100 bytes; inflates to 70 KB
            i = raw.find(sig, i + 4)
    path.write_bytes(bytes(raw))
    with pytest.raises(UserError, match="không khớp mã kiểm tra"):
        excel_read.open_book(path)


def test_a_normal_workbook_still_opens(tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    wb.active.title = "S"
    wb.active.append(["Mã hồ sơ", "Lĩnh vực"])
    wb.save(tmp_path / "ok.xlsx")
    book = excel_read.open_book(tmp_path / "ok.xlsx")
    assert book.sheets() == ["S"]
    book.close()


def test_a_workbook_file_too_big_is_refused_unread(tmp_path, monkeypatch):
    monkeypatch.setattr(excel_read, "MAX_FILE_BYTES", 1000)
    path = tmp_path / "big.xlsx"
    path.write_bytes(b"PK\x03\x04" + b"\0" * 2000)
    with pytest.raises(UserError, match="quá lớn"):
        excel_read.open_book(path)


def test_catalogue_and_period_json_have_a_size_cap(tmp_path, monkeypatch):
    monkeypatch.setattr(catalogue, "MAX_FILE_BYTES", 1000)
    toml = tmp_path / "tinh.toml"
    toml.write_text('version = "x"\n' + "# " + "x" * 2000 + "\n", encoding="utf-8")
    with pytest.raises(catalogue.CatalogueError, match="quá lớn"):
        catalogue.load(toml)
    with pytest.raises(catalogue.CatalogueError, match="quá lớn"):
        catalogue.parse_text(toml.read_text(encoding="utf-8"))
    monkeypatch.setattr(dataio, "MAX_FILE_BYTES", 1000)
    doc = tmp_path / "ky.json"
    doc.write_text("{}" + " " * 2000, encoding="utf-8")
    with pytest.raises(UserError, match="quá lớn"):
        dataio.read_file(doc)
