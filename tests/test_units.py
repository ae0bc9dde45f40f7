"""The unit kinds' words and the names built from them (cchc_desktop/domain/units.py)."""
import unicodedata

import pytest

from cchc_desktop.domain import units
from cchc_desktop.errors import InvalidValue
from cchc_desktop.store import open_store


def test_label_names_the_unit_with_its_kind_word():
    assert units.label({"kind": "xa", "name": "Chi Lăng Nam"}) == "xã Chi Lăng Nam"
    assert units.label({"kind": "dac_khu", "name": "Phú Quốc"}) == "đặc khu Phú Quốc"
    assert units.label({"kind": "thanh_pho", "name": "Hải Phòng"}) == "thành phố Hải Phòng"
    assert units.label({"kind": "?", "name": "Mới"}) == "Mới"


def test_office_name_never_doubles_the_kind():
    assert units.office_name({"name": "Xã Chi Lăng Nam", "kind": "xa"}) == "UBND xã Chi Lăng Nam"
    assert units.office_name({"name": "Chi Lăng Nam", "kind": "xa"}) == "UBND xã Chi Lăng Nam"
    assert units.bare_name("UBND  thị trấn Ninh Giang", "thi_tran") == "Ninh Giang"
    assert units.bare_name("Phường Mới", "xa") == "Phường Mới"  # another kind's word is a name
    assert units.bare_name("Xã", "xa") == "Xã"
    assert units.bare_name(unicodedata.normalize("NFD", "Xã Hồng Phong"), "xa") == "Hồng Phong"
    assert units.bare_name("Thành phố Hải Phòng") == "Hải Phòng"  # no kind: any kind's word


def test_the_data_file_accepts_only_the_kinds_its_schema_knows(tmp_path):
    """Every kind with a word has its place in the file (m004 added đặc khu and thành phố); an
    unknown kind is refused with a message."""
    assert set(units.STORED_KINDS) == set(units.KIND_WORDS)
    store = open_store(tmp_path / "f.sqlite")
    try:
        with pytest.raises(InvalidValue):
            store.create_unit("q1", "Ba Đình", "quan")
        assert store.create_unit("d1", "Phú Quốc", "dac_khu")["kind"] == "dac_khu"
        assert store.create_unit("x1", "Chi Lăng Nam", "xa")["kind"] == "xa"
    finally:
        store.close()
