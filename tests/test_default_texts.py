"""A new unit's default report text (cchc_desktop/report/default_texts.py): the seed's wording with the unit's
own name and kind, blanks to fill, Phương hướng looking ahead, the seed's slips mended."""
import re

import pytest

from cchc_desktop import dataio, paths
from cchc_desktop.report import narrative, values, default_texts
from cchc_desktop.store import open_store


def seed_texts() -> dict[str, str]:
    doc = dataio.read_file(paths.resource("demo", "chi-lang-nam-2023.json"))
    return {k: s.get("text") or "" for k, s in doc["narrative"].items()}


def rendered(store, period_id) -> dict[str, str]:
    data = values.load_period(store, period_id)
    out = {}
    for key, t in store.narratives(period_id).items():
        pars = [p for p in narrative.render(t["text"] or "", data) if isinstance(p, narrative.Paragraph)]
        out[key] = "\n".join(p.plain for p in pars)
        out[key + ".title"] = data.section_title(key)
    return out


@pytest.fixture
def new_unit(tmp_path):
    def make(kind="xa", period="2024-NAM", name="Hồng Phong", **fields):
        store = open_store(tmp_path / f"{kind}-{period}.sqlite")
        fields = {"upper_name": "huyện Ninh Giang", "province": "Hải Dương", **fields}
        p = default_texts.setup_unit(store, f"{kind}-x", name, kind, period_code=period, **fields)
        stores.append(store)
        return store, p["id"]

    stores = []
    yield make
    for s in stores:
        s.close()


def test_every_correction_still_finds_the_seeds_words():
    seed = seed_texts()
    for key, old, _new in default_texts.CORRECTIONS:
        assert old in seed[key], (key, old)


def test_the_demo_keeps_the_seed_verbatim():
    assert "gây có khăn" in seed_texts()["IV"]


def test_phuong_huong_looks_ahead_like_its_heading(new_unit):
    store, pid = new_unit()
    texts = rendered(store, pid)
    assert texts["IV.title"] == "IV. PHƯƠNG HƯỚNG, NHIỆM VỤ NĂM 2025"
    assert "các nhiệm vụ cải cách hành chính năm 2025" in texts["IV"]
    assert "Chủ tịch UBND huyện giao năm 2025" in texts["IV"]
    assert "năm 2024" not in texts["IV"]
    assert "gây khó khăn" in texts["IV"] and "gây có khăn" not in texts["IV"]
    q1_store, q1 = new_unit(period="2024-Q1")
    q1_texts = rendered(q1_store, q1)
    assert "các nhiệm vụ cải cách hành chính quý II năm 2024" in q1_texts["IV"]


@pytest.mark.parametrize("kind,word", [("xa", "xã"), ("phuong", "phường"), ("thi_tran", "thị trấn")])
def test_the_unit_is_named_with_its_kind(new_unit, kind, word):
    store, pid = new_unit(kind=kind)
    joined = "\n".join(rendered(store, pid).values())
    assert f"Bộ phận Một cửa UBND {word} Hồng Phong đã tiếp nhận" in joined
    assert f"UBND {word} Hồng Phong" in joined
    assert "Chi Lăng Nam" not in joined
    assert f"UBND Hồng Phong" not in joined
    if kind != "xa":
        assert "xã Hồng Phong" not in joined


def test_sentences_read_right_with_blanks(new_unit):
    store, pid = new_unit()
    ii2 = rendered(store, pid)["II.2"]
    assert "đạt tỷ lệ …: Không phát sinh" not in ii2
    assert "qua dịch vụ công trực tuyến: tiếp nhận trực tuyến … hồ sơ, đạt tỷ lệ …." in ii2
    assert "hồ sơ giải quyết đúng hạn giải quyết" not in ii2 and " hs." not in ii2
    assert "Số hồ sơ được cập nhật trên phần mềm một cửa dùng chung của tỉnh Hải Dương: … hồ sơ." in ii2
    assert "; để tăng cường" in ii2


def test_no_province_gives_no_doubled_word(new_unit):
    store, pid = new_unit(province="", upper_name="")
    joined = "\n".join(rendered(store, pid).values())
    assert "tỉnh tỉnh" not in joined
    assert "dùng chung của tỉnh: … hồ sơ." in joined


def test_a_ward_is_called_a_ward_except_where_the_level_is_meant():
    texts = default_texts.default_narratives("An Bình", "thành phố Hải Dương", "Hải Dương", "phuong")
    text = "\n".join(t["text"] for t in texts.values())
    assert "UBND phường đã xây dựng" in text and "trên địa bàn phường" in text
    # "cấp xã" is the level (TTHC cấp xã), the same for a ward
    left = re.findall(r"\w*\s*\bxã\b", text)
    assert left and all(w.startswith("cấp") for w in left), left


def test_an_upper_levels_recipients_follow_its_kind():
    """A thành phố (Hải Phòng, the upper level of its communes since 1/7/2025) reports like a
    tỉnh, to the ministry; only a district (before 1/7/2025) sends to its province."""
    from cchc_desktop.report.default_texts import upper_recipients

    city = upper_recipients({"kind": "thanh_pho", "name": "Hải Phòng"})
    assert city[0] == "Bộ Nội vụ" and "TT Thành ủy, TT HĐND thành phố" in city
    assert not any("huyện" in r for r in city)
    province = upper_recipients({"kind": "tinh", "name": "Nghệ An"})
    assert "TT Tỉnh ủy, TT HĐND tỉnh" in province
    district = upper_recipients({"kind": "huyen", "name": "Thanh Miện", "province": "Hải Dương"})
    assert district[0] == "UBND tỉnh Hải Dương (Sở Nội vụ)" and "Phòng Nội vụ" in district
