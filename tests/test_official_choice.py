"""A unit picked from the official list as the data file stores it, and its letterhead."""
import docx
import pytest

from cchc_desktop.domain import units
from cchc_desktop.domain import official_choice as oc, official_units as ou
from cchc_desktop.errors import UserError
from cchc_desktop.exporting import docx_parts as X, docx_report
from cchc_desktop.report import default_texts, values


def test_unit_fields_name_the_province_as_it_is():
    ward = oc.pick_unit("Phường Tân Hưng", oc.pick_province("Hải Phòng"))
    f = oc.unit_fields(ward)
    assert f == {"code": "10537", "name": "Tân Hưng", "kind": "phuong", "upper_name": "thành phố Hải Phòng",
                 "upper_code": "31", "province": "Hải Phòng", "place_name": "Tân Hưng"}
    assert oc.unit_fields(ou.unit("11914"))["kind"] == "dac_khu"
    assert oc.upper_name(oc.pick_province("Nghệ An")) == "tỉnh Nghệ An"
    assert oc.province_fields(ou.province("31")) == {"code": "31", "name": "Hải Phòng", "kind": "thanh_pho",
                                                      "province": "Hải Phòng", "place_name": "Hải Phòng"}


@pytest.mark.parametrize("text, code", [
    ("thành phố Hải Phòng", "31"), ("tỉnh Hải Phòng", "31"), ("UBND TP. Hải Phòng", "31"),
    ("tỉnh Nghệ An", "40"), ("huyện Thanh Miện", None), ("tỉnh Hải Dương", None), ("tỉnh Hải", None), ("", None),
])
def test_the_province_a_commune_names_as_its_upper_level(text, code):
    found = oc.province_of_upper(text)
    assert (found.code if found else None) == code
    assert oc.province_of_upper("", "31").code == "31"


def test_bare_names_and_own_codes():
    assert units.bare_name("UBND  Phường Tân Hưng", "phuong") == "Tân Hưng"
    assert units.bare_name("Phường Mới", "xa") == "Phường Mới"
    assert units.bare_name("Đặc khu Cát Hải", "dac_khu") == "Cát Hải"
    assert oc.own_code("xa", "Mới Lập") == "xa-moi-lap"
    with pytest.raises(UserError, match="Đặc khu Cát Hải"):
        oc.pick_unit("Tân Hưng", ou.province("31"), code="11914")
    with pytest.raises(UserError, match="không có đơn vị mã"):
        oc.pick_unit("", ou.province("01"), code="11914")


def test_header_lines_of_capitals_fit_their_column():
    # Wider than the old 38 % column (62,7 mm), which cut it as "UBND THÀNH PHỐ HẢI / PHÒNG".
    assert X.caps_width_mm("UBND THÀNH PHỐ HẢI PHÒNG", 13) > docx_report.TEXT_W * 0.38
    assert X.caps_width_mm("ỦY BAN", 13, bold=True) > X.caps_width_mm("UY BAN", 13, bold=True) - 0.01
    assert X.caps_width_mm("PHƯỜNG", 13, bold=True) > X.caps_width_mm("PHUONG", 13, bold=True)


def _ward_data(tmp_path, province, name, period="2026-Q1"):
    from cchc_desktop.store import open_store

    store = open_store(tmp_path / "u.sqlite")
    f = oc.unit_fields(oc.pick_unit(name, oc.pick_province(province)))
    code, nm, kind = f.pop("code"), f.pop("name"), f.pop("kind")
    p = default_texts.setup_unit(store, code, nm, kind, period_code=period, **f)
    return store, values.load_period(store, p["id"])


@pytest.mark.parametrize("province, name", [("Hải Phòng", "Tân Hưng"), ("Hồ Chí Minh", "Sài Gòn"),
                                            ("Hà Nội", "Văn Miếu - Quốc Tử Giám"), ("Hải Phòng", "Cát Hải")])
def test_the_letterhead_prints_every_line_unbroken(tmp_path, province, name):
    store, data = _ward_data(tmp_path, province, name)
    try:
        width, lines = docx_report.header_layout(data)
        assert docx_report.TEXT_W * 0.38 <= width <= docx_report.TEXT_W - docx_report.QUOC_HIEU_MM
        for text, size, bold in lines:
            assert X.caps_width_mm(text, size, bold) + 2 <= width + 1e-9, text
        assert lines[0][0] == f"UBND {ou.find_provinces(province)[0].name.upper()}"
        path = docx_report.write(data, tmp_path / "r.docx", charts=False)
        cell = docx.Document(str(path)).tables[0].rows[0].cells[0]
        assert cell.paragraphs[0].text == lines[0][0]
        assert cell.width is None or abs(cell.width.mm - width) < 0.5
    finally:
        store.close()


def test_the_demo_letterhead_keeps_its_column(demo_store):
    data = values.load_period(demo_store, demo_store.get_period(demo_store.unit()["code"], "2023-NAM")["id"])
    width, lines = docx_report.header_layout(data)
    assert width == docx_report.TEXT_W * 0.38
    assert [t for t, _, _ in lines] == ["UBND HUYỆN THANH MIỆN", "ỦY BAN NHÂN DÂN", "XÃ CHI LĂNG NAM"]
    assert all(size == docx_report.HEADER_AGENCY for _, size, _ in lines)
