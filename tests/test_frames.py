"""The legal frame chosen by the period's dates (domain/frames.py, resources/frames/): forms,
default texts, Nơi nhận, the words of the unit's kind and of its agencies."""
import pytest

from cchc_desktop import dataio
from cchc_desktop.domain import frames, periods
from cchc_desktop.exporting import docx_report
from cchc_desktop.report import default_texts, narrative, values
from cchc_desktop.store import open_store

TAN_HUNG = dict(code="10537", name="Tân Hưng", kind="phuong", upper_name="thành phố Hải Phòng", upper_code="31",
                province="Hải Phòng", place_name="Tân Hưng")
NAM_THANH_MIEN = dict(code="11284", name="Nam Thanh Miện", kind="xa", upper_name="thành phố Hải Phòng",
                      upper_code="31", province="Hải Phòng", place_name="Nam Thanh Miện")
PHU_QUOC = dict(code="31078", name="Phú Quốc", kind="dac_khu", upper_name="tỉnh An Giang", upper_code="91",
                province="An Giang", place_name="Phú Quốc")


def make(tmp_path, unit: dict, period: str):
    store = open_store(tmp_path / f"{unit['code']}-{period}.sqlite")
    fields = {k: v for k, v in unit.items() if k not in ("code", "name", "kind")}
    p = default_texts.setup_unit(store, unit["code"], unit["name"], unit["kind"], period_code=period, **fields)
    return store, p


def rendered(data) -> dict[str, str]:
    out = {}
    for key, t in data.narratives.items():
        parts = [data.section_title(key)] if data.section_title(key) else []
        for item in narrative.render(t["text"] or "", data):
            parts += narrative.block_lines(item.name, data) if isinstance(item, narrative.Block) else [item.plain]
        out[key] = "\n".join(parts)
    return out


@pytest.mark.parametrize("code, frame", [
    ("2023-NAM", "hai-duong-2023"), ("2025-Q1", "hai-duong-2023"), ("2025-6T", "hai-duong-2023"),
    ("2025-Q3", "hai-cap-2025"), ("2025-9T", "hai-cap-2025"), ("2025-NAM", "hai-cap-2025"),
    ("2026-Q1", "hai-cap-2025"), ("2030-NAM", "hai-cap-2025"),
])
def test_the_periods_end_date_chooses_the_frame(code, frame):
    start, end = periods.default_window(periods.parse_code(code))
    assert frames.for_dates(start, end).key == frame


def test_new_periods_get_their_frames_catalogue_unless_the_unit_chose_one(tmp_path):
    store, p = make(tmp_path, TAN_HUNG, "2026-Q1")
    try:
        assert p["catalogue_version"] == "HC2-2025.1"
        assert store.create_period("10537", "2025-6T")["catalogue_version"] == "HD-2023.1"
        assert store.create_period("10537", "2025-Q3")["catalogue_version"] == "HC2-2025.1"
        store.choose_unit_catalogue("10537", "HD-2023.1")  # the app's own: each period its frame's
        assert "danh_muc_bieu_mau" not in store.unit("10537")["settings"]
        cat = store.catalogue("HD-2023.1")
        own = cat.__class__(**{**cat.__dict__, "version": "HP-2026.1", "name": "Biểu mẫu của thành phố"})
        store.add_catalogue(own)
        store.choose_unit_catalogue("10537", "HP-2026.1")  # a province's own forms win over the frame's
        assert store.create_period("10537", "2026-6T")["catalogue_version"] == "HP-2026.1"
    finally:
        store.close()


def test_the_demo_stays_in_the_2023_frame(tmp_path):
    store = open_store(tmp_path / "demo.sqlite")
    try:
        dataio.load_demo(store)
        data = values.load_report(store, None, "2023-NAM")
        assert data.frame.key == "hai-duong-2023" and data.catalogue.version == "HD-2023.1"
        assert data.agency_name("cong_an") == "Công an xã" and data.agency_name("quan_su") == "BCH Quân sự xã"
        assert data.text_value("tinh.ten") == "tỉnh Hải Dương" and data.text_value("don_vi.hinh_thanh_tu") == ""
        assert "MO" not in data.narratives  # the seed has no opening paragraph of its own
    finally:
        store.close()


def test_the_new_placeholders_for_a_ward_of_hai_phong(tmp_path):
    store, p = make(tmp_path, TAN_HUNG, "2026-Q1")
    try:
        data = values.load_period(store, p["id"])
        assert {n: data.text_value(n) for n in ("don_vi.loai", "tinh.ten", "tinh.loai", "tinh.co_quan",
                                                 "ky.ten_dau_cau", "don_vi.trung_tam", "don_vi.thon_to")} == {
            "don_vi.loai": "phường", "tinh.ten": "thành phố Hải Phòng", "tinh.loai": "thành phố",
            "tinh.co_quan": "UBND thành phố Hải Phòng", "ky.ten_dau_cau": "Quý I năm 2026",
            "don_vi.trung_tam": "Trung tâm Phục vụ hành chính công phường Tân Hưng", "don_vi.thon_to": "tổ dân phố"}
        assert data.text_value("don_vi.hinh_thanh_tu") == \
            "một phần phường Trần Phú, phường Hải Tân, phường Tân Hưng và xã Ngọc Sơn"
        assert set(values.TEXT_NAMES) >= {"don_vi.loai", "tinh.ten", "ky.ten_dau_cau", "don_vi.hinh_thanh_tu"}
        assert all(data.is_known_name(n) for n in values.TEXT_NAMES)
        store.update_unit("10537", settings={"trung_tam": "Điểm phục vụ hành chính công phường Tân Hưng"})
        assert values.load_period(store, p["id"]).text_value("don_vi.trung_tam") == \
            "Điểm phục vụ hành chính công phường Tân Hưng"
    finally:
        store.close()


@pytest.mark.parametrize("unit, period, kind_word, province, police, military", [
    (TAN_HUNG, "2026-Q1", "phường", "thành phố Hải Phòng", "Công an phường", "Ban Chỉ huy Quân sự phường"),
    (NAM_THANH_MIEN, "2025-NAM", "xã", "thành phố Hải Phòng", "Công an xã", "Ban Chỉ huy Quân sự xã"),
    (PHU_QUOC, "2026-Q1", "đặc khu", "tỉnh An Giang", "Công an đặc khu", "Ban Chỉ huy Quân sự đặc khu"),
])
def test_default_texts_of_the_two_tier_frame_follow_the_kind(tmp_path, unit, period, kind_word, province,
                                                             police, military):
    store, p = make(tmp_path, unit, period)
    try:
        data = values.load_period(store, p["id"])
        texts = rendered(data)
        joined = "\n".join(texts.values())
        for wrong in ("huyện", "Huyện", "hội (Zalo", "phường hội", "đặc khu hội", "tỉnh Hải Phòng", "Hải Dương",
                      "{{", "Bộ phận Một cửa UBND"):
            assert wrong not in joined, wrong
        assert "mạng xã hội" in texts["I.3"] and "chính trị - xã hội" in texts["II.6"]
        name = periods.name(data.key)
        assert texts["MO"].endswith(f"báo cáo kết quả thực hiện công tác cải cách hành chính {name}, phương hướng, "
                                    f"nhiệm vụ {periods.next_name(data.key)} như sau:")
        assert f"{name[:1].upper()}{name[1:]}, UBND {kind_word} {unit['name']} được UBND {province}" in texts["I.4"]
        assert texts["I.4"].startswith(f"4. Kết quả thực hiện nhiệm vụ UBND {province.split()[0]}")
        assert f"**{police}: Tổng số hồ sơ tiếp nhận" in data.narratives["II.2"]["text"] or police in texts["II.2"]
        assert military in texts["II.2"]
        assert docx_report.recipients(data)[0] == f"- UBND {province} (qua Sở Nội vụ);"
        assert f"- Thường trực HĐND {kind_word};" in docx_report.recipients(data)
    finally:
        store.close()


def test_the_merger_year_says_what_the_commune_was_formed_of(tmp_path):
    store, p = make(tmp_path, NAM_THANH_MIEN, "2025-NAM")
    try:
        texts = rendered(values.load_period(store, p["id"]))
        assert texts["MO"].startswith(
            "Thực hiện sắp xếp đơn vị hành chính và tổ chức chính quyền địa phương hai cấp theo Luật Tổ chức chính "
            "quyền địa phương số 72/2025/QH15, từ ngày 01/7/2025 xã Nam Thanh Miện được thành lập trên cơ sở "
            "xã Chi Lăng Bắc, xã Chi Lăng Nam, xã Thanh Giang và xã Hồng Phong.")
        q1 = store.create_period("11284", "2026-Q1")
        assert q1["catalogue_version"] == "HC2-2025.1"
    finally:
        store.close()
    store, p = make(tmp_path, NAM_THANH_MIEN, "2026-Q1")  # not the merger year: no such paragraph
    try:
        assert "được thành lập trên cơ sở" not in "\n".join(rendered(values.load_period(store, p["id"])).values())
    finally:
        store.close()
