"""Validation knows the frame (report/frame_rules.py): in a two-tier period, the words of the
district level and of units that no longer exist are found in text, notes and unit fields."""
from cchc_desktop import dataio
from cchc_desktop.report import default_texts, rules, values
from cchc_desktop.store import open_store
from tests.test_frames import TAN_HUNG, make


def frame_findings(data):
    return [f for f in rules.validate(data) if f.rule == "cap-khong-con"]


def test_the_two_tier_default_texts_give_no_finding(tmp_path):
    store, p = make(tmp_path, TAN_HUNG, "2026-Q1")
    try:
        assert frame_findings(values.load_period(store, p["id"])) == []
    finally:
        store.close()


def test_district_words_and_former_provinces_are_found_with_what_to_write(tmp_path):
    store, p = make(tmp_path, TAN_HUNG, "2026-Q1")
    try:
        pid = p["id"]
        store.set_narrative(pid, "I.1", text="Thực hiện Kế hoạch của UBND tỉnh, huyện về cải cách hành chính; "
                                             "sử dụng mạng xã hội; Phường Hải Dương phối hợp.")
        store.set_narrative(pid, "I.4", text="Nhiệm vụ UBND huyện, Chủ tịch UBND huyện giao.")
        store.set_narrative(pid, "V", text="Đề nghị Phòng Nội vụ huyện mở lớp tập huấn cấp huyện.")
        store.set_value(pid, "BM1/1", "3")
        store.set_note(pid, "BM1/1", "Theo số liệu của tỉnh Hải Dương")
        found = frame_findings(values.load_period(store, pid))
        by = {}
        for f in found:
            by.setdefault(f.target, []).append(f.message)
        assert len(by["text:I.1"]) == 1 and "không còn cấp huyện" in by["text:I.1"][0]  # the bare "huyện"
        assert "UBND thành phố Hải Phòng" in by["text:I.1"][0]
        assert len(by["text:I.4"]) == 1 and "hãy viết “UBND thành phố Hải Phòng”" in by["text:I.4"][0]
        assert len(by["text:V"]) == 2  # Phòng Nội vụ huyện, cấp huyện; the bare word not a third time
        assert any("Sở Nội vụ thành phố Hải Phòng" in m for m in by["text:V"])
        assert by["BM1/1"] == [by["BM1/1"][0]] and "Tỉnh Hải Dương không còn từ ngày 01/7/2025, nay thuộc " \
            "Thành phố Hải Phòng; hãy viết “thành phố Hải Phòng”" in by["BM1/1"][0]
        assert all(f.severity == "canh_bao" for f in found)
        store.update_unit("10537", upper_name="huyện Thanh Miện", recipients=["Lãnh đạo UBND huyện", "Lưu: VT"])
        units = [f.message for f in frame_findings(values.load_period(store, pid)) if not f.target]
        assert any(m.startswith("Thông tin đơn vị, Đơn vị cấp trên:") for m in units)
        assert any(m.startswith("Nơi nhận:") and "Lãnh đạo UBND huyện" in m for m in units)
    finally:
        store.close()


def test_a_former_commune_is_told_where_it_went(tmp_path):
    store = open_store(tmp_path / "cu.sqlite")
    try:
        p = default_texts.setup_unit(store, "xa-chi-lang-nam", "Chi Lăng Nam", "xa", period_code="2026-Q1",
                                 district="Thanh Miện", province="Hải Dương")
        messages = [f.message for f in frame_findings(values.load_period(store, p["id"]))]
        assert any("Xã Chi Lăng Nam (Huyện Thanh Miện, Tỉnh Hải Dương) không còn từ ngày 01/7/2025, nay thuộc "
                   "Xã Nam Thanh Miện" in m for m in messages), messages
        assert any(m.startswith("Thông tin đơn vị, Huyện:") for m in messages)
    finally:
        store.close()


def test_the_2023_demo_has_no_frame_finding(tmp_path):
    store = open_store(tmp_path / "demo.sqlite")
    try:
        dataio.load_demo(store)
        assert frame_findings(values.load_report(store, None, "2023-NAM")) == []
    finally:
        store.close()
