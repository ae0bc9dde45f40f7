"""The official 2025 unit list and the old → new conversion (cchc_desktop/domain/official_units.py)."""
import json
import unicodedata
from collections import Counter

import pytest

from cchc_desktop import paths
from cchc_desktop.domain import official_units as ou

HAI_PHONG = "31"


# ---------------------------------------------------------------- the list


def test_official_counts():
    assert len(ou.provinces()) == 34
    all_units = ou.units()
    assert len(all_units) == 3321
    assert Counter(u.kind for u in all_units) == {"xã": 2621, "phường": 687, "đặc khu": 13}
    assert Counter(p.kind for p in ou.provinces()) == {"tỉnh": 28, "thành phố": 6}


def test_hai_phong_has_114_units():
    hp = ou.province(HAI_PHONG)
    assert (hp.name, hp.kind, hp.short_name) == ("Thành phố Hải Phòng", "thành phố", "Hải Phòng")
    kinds = Counter(u.kind for u in ou.units(HAI_PHONG))
    assert kinds == {"xã": 67, "phường": 45, "đặc khu": 2}
    assert {u.name for u in ou.units(HAI_PHONG) if u.kind == "đặc khu"} == {"Đặc khu Cát Hải",
                                                                            "Đặc khu Bạch Long Vĩ"}


def test_codes_names_and_kinds_are_consistent():
    codes = [u.code for u in ou.units()]
    assert len(set(codes)) == len(codes)
    assert all(len(c) == 5 and c.isdigit() for c in codes)
    assert all(len(p.code) == 2 and p.code.isdigit() for p in ou.provinces())
    prefix = {"xã": "Xã ", "phường": "Phường ", "đặc khu": "Đặc khu "}
    for u in ou.units():
        assert u.name.startswith(prefix[u.kind]), u
        assert u.short_name == u.name[len(prefix[u.kind]):]
        assert u.name == unicodedata.normalize("NFC", u.name) and "  " not in u.name
        assert ou.province(u.province_code) is not None
    for p in ou.provinces():
        assert p.name.startswith({"tỉnh": "Tỉnh ", "thành phố": "Thành phố "}[p.kind])


def test_lookup_by_code():
    u = ou.unit("11284")
    assert (u.name, u.kind, u.province_code, u.short_name) == ("Xã Nam Thanh Miện", "xã", "31",
                                                               "Nam Thanh Miện")
    assert ou.unit(11284) == u and u.province.name == "Thành phố Hải Phòng"
    assert ou.province(1).name == "Thành phố Hà Nội"
    assert ou.province("40").name == "Tỉnh Nghệ An"
    assert ou.unit("99999") is None and ou.province("63") is None and ou.units("63") == ()


def test_kind_taken_from_the_name_where_upstream_disagrees():
    # upstream's wardType column says the opposite for these four (resources/units/README.md)
    assert ou.find_units("Việt Hòa", HAI_PHONG, best_only=True)[0].kind == "phường"
    assert ou.find_units("Vĩnh Hòa", HAI_PHONG, best_only=True)[0].kind == "xã"
    assert ou.find_units("Tân Lộc", "92", best_only=True)[0].kind == "phường"
    assert ou.find_units("Phong Điền", "92", best_only=True)[0].kind == "xã"


# ---------------------------------------------------------------- loose matching


@pytest.mark.parametrize("text", ["Hải Phòng", "hai phong", "HẢI PHÒNG", "Thành phố Hải Phòng",
                                  "TP Hải Phòng", "TP. Hải Phòng", "tp.hai phong", "T.P Hải Phòng",
                                  "thanh pho hai phong", "  Hải   Phòng ", "haiphong",
                                  unicodedata.normalize("NFD", "Hải Phòng")])
def test_find_province_loosely(text):
    found = ou.find_provinces(text, best_only=True)
    assert [p.code for p in found] == [HAI_PHONG]


def test_find_province_others():
    assert ou.find_provinces("Nghệ An", best_only=True)[0].name == "Tỉnh Nghệ An"
    assert ou.find_provinces("tinh nghe an", best_only=True)[0].code == "40"
    assert ou.find_provinces("HCM", best_only=True)[0].name == "Thành phố Hồ Chí Minh"
    assert ou.find_provinces("TP HCM", best_only=True)[0].code == "79"
    assert ou.find_provinces("Dak Lak", best_only=True)[0].name == "Tỉnh Đắk Lắk"
    assert ou.find_provinces("Khánh Hoà", best_only=True)[0].name == "Tỉnh Khánh Hòa"  # old tone placement
    assert ou.find_provinces("Hải Dương") == []  # no longer a province
    assert [p.name for p in ou.find_provinces("Quảng")][:3] == ["Tỉnh Quảng Ninh", "Tỉnh Quảng Trị",
                                                               "Tỉnh Quảng Ngãi"]
    assert len(ou.find_provinces("")) == 34


def test_exact_match_comes_first():
    found = ou.find_provinces("Tỉnh Thanh Hóa")
    assert found[0].code == "38"
    tan_hung = ou.find_units("Phường Tân Hưng", HAI_PHONG)
    assert tan_hung[0].name == "Phường Tân Hưng" and tan_hung[0].province_code == HAI_PHONG


@pytest.mark.parametrize("text", ["Tân Hưng", "Phường Tân Hưng", "phuong tan hung", "P. Tân Hưng",
                                  "tân hưng", unicodedata.normalize("NFD", "Phường Tân Hưng")])
def test_find_unit_in_a_province(text):
    found = ou.find_units(text, HAI_PHONG, best_only=True)
    assert [u.name for u in found] == ["Phường Tân Hưng"]
    assert found[0].province.name == "Thành phố Hải Phòng"


def test_ambiguous_name_across_provinces():
    found = ou.find_units("Tân Hưng", best_only=True)
    assert len(found) == 6 and len({u.province_code for u in found}) == 6
    assert all(u.short_name == "Tân Hưng" for u in found)
    assert HAI_PHONG in {u.province_code for u in found}
    assert {u.kind for u in found} == {"xã", "phường"}
    # without best_only the list goes on with looser candidates, the best ones first
    more = ou.find_units("An Hưng")
    assert [u.name for u in more] == ["Xã An Hưng", "Xã Mỹ An Hưng"]
    assert [u.name for u in ou.find_units("An Hưng", best_only=True)] == ["Xã An Hưng"]


def test_kind_word_that_disagrees_ranks_below():
    found = ou.find_units("Xã Tân Hưng", HAI_PHONG)
    assert found and found[0].name == "Phường Tân Hưng"  # still found: the only Tân Hưng there
    xa = ou.find_units("Xã Tân Hưng")
    assert xa[0].kind == "xã" and all(u.kind == "xã" for u in ou.find_units("Xã Tân Hưng", best_only=True))


def test_accents_rank_above_no_accents():
    # Hải Phòng has both a Cẩm Giang and a Cẩm Giàng: typed with accents, one; without, both
    assert [u.name for u in ou.find_units("Cẩm Giàng", HAI_PHONG, best_only=True)] == ["Xã Cẩm Giàng"]
    assert [u.name for u in ou.find_units("Cẩm Giang", HAI_PHONG, best_only=True)] == ["Xã Cẩm Giang"]
    assert {u.name for u in ou.find_units("cam giang", HAI_PHONG, best_only=True)} == {"Xã Cẩm Giang",
                                                                                     "Xã Cẩm Giàng"}


def test_prefix_and_dac_khu():
    assert [u.name for u in ou.find_units("đặc khu cát hải", HAI_PHONG, best_only=True)] == ["Đặc khu Cát Hải"]
    assert [u.name for u in ou.find_units("Bạch Long", HAI_PHONG, best_only=True)] == ["Đặc khu Bạch Long Vĩ"]
    assert [u.name for u in ou.find_units("Phú Quốc", best_only=True)] == ["Đặc khu Phú Quốc"]
    assert len(ou.find_units("", HAI_PHONG)) == 114
    assert ou.find_units("không có xã này") == []


def test_apostrophes_and_numbers():
    assert ou.find_units("Ea H’leo", "66", best_only=True)[0].code == ou.find_units("Ea H'Leo", "66")[0].code
    assert [u.name for u in ou.find_units("Phường Móng Cái 1", "22", best_only=True)] == ["Phường Móng Cái 1"]


# ---------------------------------------------------------------- the 2025 conversion


def test_successor_of_chi_lang_nam():
    found = ou.successor("Chi Lăng Nam", "Thanh Miện", "Hải Dương")
    assert [(u.name, u.province.name) for u in found] == [("Xã Nam Thanh Miện", "Thành phố Hải Phòng")]
    assert ou.successor("xã Chi Lăng Nam", "huyện Thanh Miện", "tỉnh Hải Dương") == found
    assert ou.successor("chi lang nam", "thanh mien", "hai duong") == found
    assert ou.successor("Chi Lăng Nam") == found  # the name is unique in the country
    former = ou.find_former_units("Chi Lăng Nam", "Thanh Miện", "Hải Dương")
    assert [(f.code, f.name, f.kind, f.district, f.province, f.whole)
            for f in former] == [("11284", "Xã Chi Lăng Nam", "xã", "Huyện Thanh Miện", "Tỉnh Hải Dương", True)]


def test_former_communes_of_nam_thanh_mien():
    former = ou.former_units("11284")
    names = {f.short_name for f in former}
    assert {"Chi Lăng Bắc", "Chi Lăng Nam", "Thanh Giang", "Hồng Phong"} <= names
    assert all(f.district == "Huyện Thanh Miện" and f.province == "Tỉnh Hải Dương" for f in former)
    assert all(f.code and len(f.code) == 5 for f in former)
    assert {f.code for f in former} >= {"11281", "11284", "11287", "11293"}


def test_thanh_mien_became_five_communes():
    former = [f for f in ou._conversion_data().former if f.district == "Huyện Thanh Miện"]
    assert len(former) == 17  # 16 xã and thị trấn Thanh Miện
    # each former commune's main successor (parts of three went to units of Gia Lộc / Bình Giang too)
    assert {ou.unit(f.successors[0]).short_name for f in former} == {
        "Thanh Miện", "Bắc Thanh Miện", "Hải Hưng", "Nguyễn Lương Bằng", "Nam Thanh Miện"}
    assert sorted(f.short_name for f in former if not f.whole) == ["Thanh Miện", "Thanh Tùng", "Đoàn Tùng"]


def test_conversion_covers_both_lists():
    conv = ou._conversion_data()
    assert len(conv.former) == 10040
    assert len({f.province_code for f in conv.former}) == 63
    assert {c for f in conv.former for c in f.successors} == {u.code for u in ou.units()}
    assert sum(1 for f in conv.former if f.code) == 10035
    assert Counter(f.kind for f in conv.former) == {"xã": 7692, "phường": 1726, "thị trấn": 617, "huyện": 5}
    for u in ou.units(HAI_PHONG):
        assert ou.former_units(u.code), u


def test_former_provinces():
    assert {p.short_name for p in ou.former_provinces(HAI_PHONG)} == {"Hải Dương", "Hải Phòng"}
    assert len(ou.former_provinces()) == 63
    assert len({p.successor_code for p in ou.former_provinces()}) == 34


def test_divided_commune_lists_every_successor_default_first():
    # upstream: xã Thanh Tùng (Thanh Miện) went mostly to Nguyễn Lương Bằng, partly to Thượng Hồng
    [f] = ou.find_former_units("Thanh Tùng", "Thanh Miện", "Hải Dương")
    assert not f.whole and f.successors == ("11242", "10993")
    assert [u.name for u in ou.successor("Thanh Tùng", "Thanh Miện", "Hải Dương")] == [
        "Xã Nguyễn Lương Bằng", "Xã Thượng Hồng"]
    assert f in ou.former_units("11242") and f in ou.former_units("10993")
    divided = [f for f in ou._conversion_data().former if not f.whole]
    assert len(divided) == 471


def test_ambiguous_former_name():
    # eight former communes were called Chi Lăng; the district and province tell them apart
    assert len(ou.find_former_units("Chi Lăng")) == 8
    assert len(ou.find_former_units("Chi Lăng", old_province="Lạng Sơn")) == 4
    [f] = ou.find_former_units("Xã Chi Lăng", "Huyện Chi Lăng", "Lạng Sơn")
    assert f.district == "Huyện Chi Lăng" and f.kind == "xã"
    [tt] = ou.find_former_units("Thị trấn Chi Lăng", "Chi Lăng", "Lạng Sơn")
    assert tt.kind == "thị trấn"
    # a district name shared by a huyện and a thị xã of one province
    assert [u.name for u in ou.successor("Kỳ Khang", "Kỳ Anh", "Hà Tĩnh")] == ["Xã Kỳ Khang"]


def test_island_district_without_communes():
    found = ou.successor("", "Bạch Long Vĩ", "Hải Phòng")
    assert [u.name for u in found] == ["Đặc khu Bạch Long Vĩ"]
    [f] = ou.former_units(found[0].code)
    assert (f.code, f.kind, f.name) == (None, "huyện", "Huyện Bạch Long Vĩ")


def test_successor_of_an_unknown_commune_is_empty():
    assert ou.successor("Không Có", "Thanh Miện", "Hải Dương") == []
    assert ou.successor("Chi Lăng Nam", "Thanh Miện", "Nghệ An") == []


# ---------------------------------------------------------------- the files and speed


def test_data_files_are_compact_utf8_json_with_their_source():
    for name in ("don-vi-2025.json", "chuyen-doi-2025.json"):
        path = paths.resource("units", name)
        raw = path.read_bytes()
        doc = json.loads(raw.decode("utf-8"))
        assert doc["source"]["package"] == "vietnamadminunits" and doc["source"]["licence"] == "MIT"
        assert b"\n " not in raw and b'": ' not in raw  # compact
        assert len(raw) < 600_000
    assert (paths.resource("units") / "README.md").exists()
