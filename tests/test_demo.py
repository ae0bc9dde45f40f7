"""The demo is the seed report as data: every figure of its appendix and body comes back,
with the seed's contradictions resolved as its own detail says (resources/demo/NOTES.md)."""
import json
import re
from decimal import Decimal

import pytest

from cchc_desktop.report import narrative, values, rules
from conftest import run_cli

# Appendix figures exactly as the seed prints them, where the seed agrees with itself.
SEED_APPENDIX = {
    "BM1/1": "25", "BM1/2": "100", "BM1/2.1": "25", "BM1/2.2": "25", "BM1/4.1": "68", "BM1/4.2": "68",
    "BM1/5": "1", "BM1/5.1": "3.225", "BM1/5.2": "2", "BM1/6": "1",
    "BM2/1.3": "0", "BM2/2.1": "0", "BM2/3.1": "0",
    "BM3/1": "139", "BM3/1.1": "0", "BM3/1.2": "0", "BM3/1.3": "3", "BM3/1.4.3": "157",
    "BM3/2.1": "2", "BM3/2.2": "3", "BM3/2.3": "28", "BM3/3.3": "100",
    "BM3/3.4.1": "0", "BM3/3.4.2": "0",
    "BM4/1.2": "100", "BM4/2.1": "20", "BM4/2.2": "20", "BM4/2.3": "0", "BM4/2.4": "0",
    "BM5/1.1": "0", "BM5/2": "0", "BM5/2.1": "0", "BM5/2.2": "0", "BM5/2.3": "0", "BM5/2.5": "0", "BM5/3": "0",
    "BM5/4": "0", "BM5/4.1": "0", "BM5/4.2": "0", "BM5/4.3": "0", "BM5/4.4": "0", "BM5/4.5": "0",
    "BM6/1.1": "4.000",
    "BM7/1": "1", "BM7/2": "2", "BM7/3": "100", "BM7/5.1": "339", "BM7/5.1.3": "100", "BM7/5.2": "100",
    "BM7/5.2.3": "100", "BM7/5.3.3": "100", "BM7/6.4": "100", "BM7/6.4.1": "75", "BM7/6.4.2": "75",
    "BM7/6.4.3": "16", "BM7/6.5": "100", "BM7/6.5.1": "44", "BM7/6.5.2": "44", "BM7/6.5.3": "7",
    "BM7/6.6": "100", "BM7/6.6.1": "119", "BM7/6.6.2": "119", "BM7/6.7.1": "3.225", "BM7/6.7.2": "3.147",
    "BM7/6.8": "100", "BM7/6.8.1": "51", "BM7/6.8.2": "51",
}
# Where the seed contradicts itself, the data keeps what the seed's own detail supports.
RESOLVED = {
    "BM7/6.7": "97,6",       # seed types 84; 3.147 / 3.225 = 97,6 %
    "BM3/3.3.1": "3.218",    # seed types 3.225 (received); 3.143 + 75 + 0 resolved
    "BM3/3.3.2": "3.218",
    "BM3/1.4": "157",        # seed types 139; its only part 1.4.3 is 157 = 139 + 11 + 7
    "BM6/1.2": "3.523,681",  # the body's 3.523.681.000 đồng; the appendix typed 3.523
    "BM6/1": "88,1",         # blank in the seed; 3.523,681 / 4.000
}


@pytest.fixture(scope="module")
def demo(demo_file):
    from cchc_desktop.store import open_store

    store = open_store(demo_file)
    data = values.load_report(store, None, "2023-NAM")
    store.close()
    return data


@pytest.mark.parametrize("code,expected", sorted({**SEED_APPENDIX, **RESOLVED}.items()))
def test_appendix_figure(demo, code, expected):
    row = demo.catalogue.row(code)
    assert row.format(demo.values[code]) == expected


def test_demo_findings_are_the_seeds_own_mistakes(demo):
    # The seed's impossible statements, its plan speaking of its own year, each printed figure
    # its parts contradict (resources/demo/NOTES.md), and the rows it leaves blank: nothing else.
    findings = rules.validate(demo)
    assert sorted(f.rule for f in findings if f.severity == "loi") == ["ty-le-khong-phat-sinh", "ty-le-tren-100"]
    assert [f.target for f in findings if f.rule.startswith("so-tinh-lai:")] == [
        "BM2/2.2", "BM2/3.2", "BM3/1.4", "BM3/3.3.1", "BM3/3.3.2", "BM3/3.4", "BM6/1.2", "BM7/6.7", "TT/20",
        "hs.ubnd", "hs.ubnd"]
    bm7 = next(f.message for f in findings if f.target == "BM7/6.7")
    assert "trước đây là 84 %" in bm7 and "là 97,6 % (3.147/3.225)" in bm7, bm7
    text = [f.message for f in findings if f.target == "hs.ubnd"]
    assert any("97,6 %" in m and "97,7 % (3.143/3.218)" in m for m in text), text
    assert any("2,4 %" in m and "2,3 % (75/3.218)" in m for m in text), text
    assert [f.rule for f in findings if f.severity == "canh_bao" and not f.rule.startswith("so-tinh-lai:")] == [
        "ke-hoach-nam-nay", "chua-nhap"]
    blank = findings[-1]
    assert blank.message.startswith("Chưa nhập 22 chỉ tiêu (Biểu mẫu 1: 6, Biểu mẫu 2: 4, Biểu mẫu 4: 1, "
                                    "Biểu mẫu 5: 3…)")
    assert blank.target == "BM1/3.1"


def test_demo_holds_the_seed_dossier_figures_without_inventing_a_split(demo):
    ubnd = demo.tables["ubnd"]
    assert [(f["name"], f["truc_tuyen"], f["truc_tiep"]) for f in ubnd.fields] == [
        ("Hộ tịch", 458, 43), ("Chứng thực", 2645, 0), ("Người có công", 0, 26), ("Bảo trợ xã hội", 44, 9)]
    assert all(f[c] is None for f in ubnd.fields for c in ("truoc_han", "dung_han", "qua_han", "dang_giai_quyet"))
    m = demo.measures("ubnd")
    assert (m["tiep_nhan"], m["truc_tuyen"], m["truc_tiep"]) == (3225, 3147, 78)
    assert (m["truoc_han"], m["dung_han"], m["qua_han"], m["dang_giai_quyet"]) == (3143, 75, 0, 7)
    assert demo.measures("cong_an")["tiep_nhan"] == 322 and demo.measures("cong_an")["dung_han"] == 322
    assert demo.measures("quan_su")["tiep_nhan"] == 273 and demo.measures("quan_su")["truoc_han"] == 273


def _body(demo) -> str:
    parts = []
    for s in values.outline():
        parts.append(demo.section_title(s["key"]))
        text = (demo.narratives.get(s["key"]) or {}).get("text", "")
        for p in narrative.render(text, demo):
            if isinstance(p, narrative.Block):
                parts.extend(narrative.block_lines(p.name, demo))
            else:
                parts.append(p.plain)
    return "\n".join(parts)


@pytest.mark.parametrize("figure", [
    "25 nhiệm vụ chính với 35 hoạt động", "25/25 nhiệm vụ", "15 tin bài", "13 tin bài", "685 văn bản",
    "139/139 TTHC", "3.225 hồ sơ", "3.143/3.218 hồ sơ", "75 hồ sơ", "7 hs", "Tổng số hồ sơ tiếp nhận: 322 hồ sơ",
    "Tổng số hồ sơ tiếp nhận: 273 hồ sơ", "273/273 hồ sơ", "được giao là 20, hiện tại có mặt là 20 người",
    "cán bộ có 10 người, công chức 10 người", "23 lượt", "03 danh mục", "11.750.652.112 đồng",
    "8.155.962.653 đồng", "3.523.681.000 đồng", "1.250 văn bản", "119 TTHC/139 TTHC", "NĂM 2024",
    "Từ 15/12/2022 đến 14/12/2023", "Kế hoạch số 44/KH-UBND ngày 30/12/2022",
    "Quyết định số 04/QĐ-UBND ngày 24/02/2023",
    "Kế hoạch số 26/KH-UBND ngày 28/02/2023 về đẩy mạnh chuyển đổi số", "ngày 13/9/2023 Chủ tịch UBND xã ban hành Quyết định số 14/QĐ-UBND",
    "Ngày 29/9/2023, UBND xã xây dựng báo cáo số 202/BC-UBND về công tác khắc phục",
])
def test_body_figure(demo, figure):
    assert figure in _body(demo)


def test_section_one_lists_the_seeds_five_documents_once(demo):
    # The list is I.1's own (I.2 and II.6 cite theirs in their text: a Báo cáo is no plan), and
    # writes dates as the seed and Nghị định 30 do (13/3/2023, 15/02/2023).
    listed = narrative.block_inline("ds.van_ban", demo)
    assert [x.split(" ngày")[0] for x in listed.split("; ")] == [
        "Kế hoạch số 44/KH-UBND", "Kế hoạch số 13/KH-UBND", "Kế hoạch số 19/KH-UBND", "Kế hoạch số 47/KH-UBND",
        "Quyết định số 04/QĐ-UBND"]
    assert "ngày 13/3/2023" in listed and "ngày 15/02/2023" in listed


def test_body_rates_are_computed_from_the_figures(demo):
    body = _body(demo)
    assert "đạt tỷ lệ 97,7 %" in body  # 3.143 / 3.218 (the seed wrote 97,6)
    assert "tỷ lệ 2,3 %" in body  # 75 / 3.218 (the seed wrote 2,4)
    assert "mức độ 3,4 đạt tỷ lệ 97,6 %" in body  # 3.147 / 3.225 online
    assert "= 85,6 %" in body  # 119 / 139 (the seed wrote 86)
    assert "{{" not in body


def test_demo_then_dump_reproduces_the_seed(tmp_path):
    db = tmp_path / "d.sqlite"
    assert run_cli("demo", "--db", db).returncode == 0
    r = run_cli("dump", "--db", db, "--period", "2023-NAM")
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    assert doc["unit"]["signer_name"] == "Nguyễn Đức Minh"
    assert doc["unit"]["recipients"][-1].startswith("Lưu")
    # a derived row holds only the unit's own figure, shown beside the computed one, never used
    assert doc["values"]["BM7/6.7"]["value"] == 84 and doc["values"]["hs.ubnd.ty_le_truoc_han"]["value"] == 97.6
    assert doc["values"]["BM6/1.2"]["value"] == 3523.681
    assert doc["dossiers"]["ubnd"]["total"]["truoc_han"] == 3143
    # The documents of I.1, the list the seed gives there (the others stay cited in their text: NOTES.md).
    assert [(d["number"], d["symbol"], d["date"]) for d in doc["documents"]] == [
        ("44", "KH-UBND", "2022-12-30"), ("13", "KH-UBND", "2023-02-10"), ("19", "KH-UBND", "2023-02-15"),
        ("47", "KH-UBND", "2023-03-13"), ("04", "QĐ-UBND", "2023-02-24")]
    r = run_cli("get", "--db", db, "--period", "2023-NAM", "BM7/6.7")
    assert r.stdout.strip() == "97,6"
    # The computed figures as the report shows them, in the dump's read-only part.
    computed = doc["computed"]
    assert computed["values"]["BM7/6.7"] == "97,6" and computed["values"]["BM3/3.3.1"] == "3.218"
    assert computed["values"]["BM6/1"] == "88,1" and "BM7/6.7.1" in computed["values"]
    assert set(computed["values"]) & set(doc["values"]) == {"BM3/1.4", "BM3/3.3.1", "BM3/3.3.2", "BM7/6.7", "TT/20"}
    assert computed["dossiers"]["ubnd"]["ty_le_truc_tuyen"] == "97,6"
    assert computed["dossiers"]["ubnd"]["ty_le_truoc_han"] == "97,7"
    assert computed["dossiers"]["quan_su"]["tiep_nhan"] == "273"
