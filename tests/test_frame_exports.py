"""Issue 23's check, on the exported documents: a phường, a xã and an đặc khu of three provinces,
each a quý I 2026 and a 2025 annual report, through setup_unit. Their Word report and Excel
appendix hold no word of the district level, no "phường hội"/"đặc khu hội", and name the
province and the agencies as they are since 1/7/2025."""
import re
import zipfile

import openpyxl
import pytest

from cchc_desktop.exporting import docx_report, xlsx_appendix
from cchc_desktop.report import values
from tests.test_frames import PHU_QUOC, TAN_HUNG, make

NGHE_AN_XA = dict(code="17179", name="Quỳnh Lưu", kind="xa", upper_name="tỉnh Nghệ An", upper_code="40",
                  province="Nghệ An", place_name="Quỳnh Lưu")
UNITS = {"phuong": (TAN_HUNG, "thành phố Hải Phòng"), "xa": (NGHE_AN_XA, "tỉnh Nghệ An"),
         "dac_khu": (PHU_QUOC, "tỉnh An Giang")}
WORD = {"phuong": "phường", "xa": "xã", "dac_khu": "đặc khu"}
NEVER = re.compile(r"huyện|Huyện|HUYỆN|phường hội|đặc khu hội|thị trấn|Hải Dương|\{\{|Bộ phận Một cửa UBND")


def docx_text(path) -> str:
    with zipfile.ZipFile(path) as z:
        xml = z.read("word/document.xml").decode("utf-8")
    paragraphs = re.findall(r"<w:p[ >].*?</w:p>", xml, flags=re.S)
    return "\n".join("".join(re.findall(r"<w:t[^>]*>([^<]*)</w:t>", p)) for p in paragraphs)


def xlsx_text(path) -> str:
    wb = openpyxl.load_workbook(path)
    return "\n".join(str(c.value) for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value is not None)


def test_the_official_codes_used_here_are_the_units_meant():
    from cchc_desktop.domain import official_units as ou

    assert [ou.unit(u["code"]).name for u, _ in UNITS.values()] == ["Phường Tân Hưng", "Xã Quỳnh Lưu", "Đặc khu Phú Quốc"]


@pytest.mark.parametrize("kind", list(UNITS))
@pytest.mark.parametrize("period", ["2026-Q1", "2025-NAM"])
def test_word_and_excel_speak_of_today(tmp_path, kind, period):
    unit, province = UNITS[kind]
    store, p = make(tmp_path, unit, period)
    try:
        data = values.load_period(store, p["id"])
        word = docx_text(docx_report.write(data, tmp_path / "bc.docx", charts=False))
        excel = xlsx_text(xlsx_appendix.write(data, tmp_path / "pl.xlsx"))
    finally:
        store.close()
    # the merger year names the former communes as they were (a thị trấn among them): that sentence only
    formed = re.compile(r"được thành lập trên cơ sở [^.]*\.")
    assert bool(formed.search(word)) == (period == "2025-NAM")
    for name, text in (("Word", formed.sub("", word)), ("Excel", excel)):
        bad = sorted({m.group(0) for m in NEVER.finditer(text)})
        assert not bad, f"{name}: {bad}"
    k = WORD[kind]
    assert f"UBND {province} (qua Sở Nội vụ);" in word
    assert f"được UBND {province}, Chủ tịch UBND {province} giao" in word
    assert f"Công an {k}" in word and f"Ban Chỉ huy Quân sự {k}" in word
    assert f"Trung tâm Phục vụ hành chính công {k} {unit['name']}" in word
    assert f"Công an {k}" in excel and f"Ban Chỉ huy Quân sự {k}" in excel
    assert "chính quyền địa phương hai cấp" in excel or "Trung tâm Phục vụ hành chính công" in excel
    opening = "Quý I năm 2026, UBND" if period == "2026-Q1" else "Năm 2025, UBND"
    assert f"{opening} {k} {unit['name']}" in word
    if period == "2026-Q1":
        assert "Năm 2026, UBND" not in word
