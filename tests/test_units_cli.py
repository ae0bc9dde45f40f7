"""new-unit / new-period: a unit picked from the official list of 1/7/2025, its periods, refusals."""
import json

import pytest

from conftest import run_cli


def _refused(r, *words):
    assert r.returncode == 1, r.stdout
    assert "Traceback" not in r.stderr and len(r.stderr.strip().splitlines()) == 1
    for w in words:
        assert w in r.stderr, r.stderr


def _unit(db, period):
    r = run_cli("dump", "--db", db, "--period", period)
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


@pytest.mark.parametrize("province, name, code, kind", [
    ("Hải Phòng", "Phường Tân Hưng", "10537", "phuong"),
    ("tp hai phong", "Tân Hưng", "10537", "phuong"),
    ("Hải Phòng", "Cát Hải", "11914", "dac_khu"),
    ("Nghệ An", "Xã Diễn Châu", None, "xa"),
])
def test_new_unit_from_the_list_gets_its_code_kind_and_province(tmp_path, province, name, code, kind):
    db = tmp_path / "u.sqlite"
    r = run_cli("new-unit", "--db", db, "--province", province, "--name", name, "--period", "2026-Q1")
    assert r.returncode == 0, r.stderr
    doc = _unit(db, "2026-Q1")
    unit = doc["unit"]
    assert unit["kind"] == kind and unit["district"] == ""
    if code:
        assert unit["code"] == code
    assert unit["code"].isdigit() and len(unit["code"]) == 5
    if "Phòng" in province or "phong" in province:
        assert unit["upper_name"] == "thành phố Hải Phòng" and unit["upper_code"] == "31"
        assert unit["province"] == "Hải Phòng"
    else:
        assert unit["upper_name"] == "tỉnh Nghệ An" and unit["upper_code"] == "40"
    assert unit["recipients"] == []  # none stored: the frame's Nơi nhận is the default
    assert doc["catalogue_version"]  # dump names the period's catalogue version
    assert doc["narrative"], "the first period has the default texts"


def test_ambiguous_and_unknown_names_are_refused_with_the_candidates(tmp_path):
    db = tmp_path / "u.sqlite"
    _refused(run_cli("new-unit", "--db", db, "--province", "Hà", "--name", "Tân Hưng"),
             "Thành phố Hà Nội", "Tỉnh Hà Tĩnh")
    _refused(run_cli("new-unit", "--db", db, "--province", "Hải Phòng", "--name", "Tân"),
             "Phường Tân Hưng (mã 10537)", "Xã Tân An")
    _refused(run_cli("new-unit", "--db", db, "--province", "Hà Nội", "--name", "Nam Thanh Miện"),
             "Xã Nam Thanh Miện, Thành phố Hải Phòng", "--ngoai-danh-muc")
    _refused(run_cli("new-unit", "--db", db, "--province", "Hải Dương", "--name", "Chi Lăng Nam"),
             "Tỉnh Hải Dương nay thuộc Thành phố Hải Phòng")
    _refused(run_cli("new-unit", "--db", db, "--province", "Hải Phòng", "--name", "Tân Hưng", "--code", "11914"),
             "Đặc khu Cát Hải")
    assert not db.exists()  # nothing is created for a refused name


def test_a_unit_outside_the_list_only_with_the_flag_and_its_kind(tmp_path):
    db = tmp_path / "u.sqlite"
    _refused(run_cli("new-unit", "--db", db, "--province", "Hải Phòng", "--name", "Xã Mới Lập"), "--ngoai-danh-muc")
    _refused(run_cli("new-unit", "--db", db, "--province", "Hải Phòng", "--name", "Mới Lập", "--ngoai-danh-muc"),
             "--kind")
    _refused(run_cli("new-unit", "--db", db, "--province", "Hải Phòng", "--name", "Tân Hưng", "--ngoai-danh-muc",
                     "--kind", "phuong"), "có trong danh mục", "10537")
    r = run_cli("new-unit", "--db", db, "--province", "Hải Phòng", "--name", "Xã Mới Lập", "--ngoai-danh-muc",
                "--kind", "xa", "--period", "2026-Q1")
    assert r.returncode == 0, r.stderr
    assert "không có trong danh mục" in r.stdout
    unit = _unit(db, "2026-Q1")["unit"]
    assert (unit["code"], unit["name"], unit["kind"], unit["upper_code"]) == ("xa-moi-lap", "Mới Lập", "xa", "31")
    # One unit per data file.
    _refused(run_cli("new-unit", "--db", db, "--province", "Hải Phòng", "--name", "Tân Hưng"), "xã Mới Lập")


def test_new_period_carries_the_text_over_like_the_window(tmp_path):
    db = tmp_path / "u.sqlite"
    assert run_cli("new-unit", "--db", db, "--province", "Hải Phòng", "--name", "Tân Hưng",
                   "--period", "2026-Q1").returncode == 0
    assert run_cli("set", "--db", db, "--period", "2026-Q1", "BM1/1", "4").returncode == 0
    r = run_cli("new-period", "--db", db, "--period", "2026-6T")
    assert r.returncode == 0, r.stderr
    assert "2026-Q1" in r.stdout
    first, second = _unit(db, "2026-Q1"), _unit(db, "2026-6T")
    assert second["narrative"] == first["narrative"]
    assert "BM1/1" in first["values"] and "BM1/1" not in second["values"]  # figures never carry over
    assert second["catalogue_version"] == first["catalogue_version"]
    r = run_cli("new-period", "--db", db, "--period", "2026-Q3", "--khong-mang-sang")
    assert r.returncode == 0 and _unit(db, "2026-Q3")["narrative"] == {}
    _refused(run_cli("new-period", "--db", db, "--period", "2026-6T"), "đã có")
    _refused(run_cli("new-period", "--db", db, "--period", "2026-Q5"))


def test_a_province_imports_its_communes_and_lists_all_114(tmp_path):
    out = tmp_path / "goi"
    out.mkdir()
    for name in ("Tân Hưng", "Cát Hải", "Xã Nam Thanh Miện"):
        db = tmp_path / f"{name}.sqlite"
        assert run_cli("new-unit", "--db", db, "--province", "Hải Phòng", "--name", name,
                       "--period", "2026-Q1").returncode == 0
        # a new unit's default text leaves its document numbers blank ("…"): errors, accepted here
        assert run_cli("chap-nhan-loi", "--db", db, "--period", "2026-Q1", "--tat-ca",
                       "--ly-do", "Thử").returncode == 0
        assert run_cli("package", "--db", db, "--period", "2026-Q1", "--out", out,
                       "--khong-kem-van-ban", "--chot").returncode == 0
    upper = tmp_path / "hai-phong.sqlite"
    r = run_cli("import-package", "--db", upper, out)
    assert r.returncode == 0, r.stderr
    unit = _unit(upper, "2026-Q1")["unit"]
    assert (unit["code"], unit["name"], unit["kind"]) == ("31", "Hải Phòng", "thanh_pho")
    r = run_cli("rollup", "--db", upper, "--period", "2026-Q1")
    assert r.returncode == 0, r.stderr
    first = r.stdout.splitlines()[0]
    assert "thành phố Hải Phòng" in first and "3/114 đơn vị" in first
    assert "114 đơn vị: 67 xã, 45 phường, 2 đặc khu" in first
    assert r.stdout.count("Chưa nộp") == 111 and "tỉnh Hải Phòng" not in r.stdout
    doc = json.loads(run_cli("rollup", "--db", upper, "--period", "2026-Q1", "--json").stdout)
    assert len(doc["communes"]) == 114


def test_new_period_in_another_frame_starts_from_that_frames_texts(tmp_path):
    db = tmp_path / "demo.sqlite"
    assert run_cli("demo", "--db", db).returncode == 0
    old = _unit(db, "2023-NAM")
    r = run_cli("new-period", "--db", db, "--period", "2026-Q1")  # carried from 2023-NAM, the 2023 frame
    assert r.returncode == 0, r.stderr
    assert "lời văn theo mẫu của khung pháp lý mới" in r.stdout
    doc = _unit(db, "2026-Q1")
    assert doc["catalogue_version"] == "HC2-2025.1"
    text = "\n".join(n["text"] or "" for n in doc["narrative"].values())
    assert text and "huyện" not in text and "{{don_vi.co_quan}}" in text  # the frame's placeholders, no district
    assert text != "\n".join(n["text"] or "" for n in old["narrative"].values())
    # the dossier fields still carry over
    assert [f["name"] for f in doc["dossiers"]["ubnd"]["fields"]] == [f["name"] for f in old["dossiers"]["ubnd"]["fields"]]
    # same frame: the texts carry over as they are
    r = run_cli("new-period", "--db", db, "--period", "2026-6T", "--tu-ky", "2026-Q1")
    assert r.returncode == 0 and "lời văn, lĩnh vực hồ sơ mang sang từ kỳ 2026-Q1" in r.stdout
    assert _unit(db, "2026-6T")["narrative"] == doc["narrative"]


def test_a_new_wards_word_report_lists_the_frames_recipients(tmp_path):
    from docx import Document

    db, out = tmp_path / "p.sqlite", tmp_path / "p.docx"
    assert run_cli("new-unit", "--db", db, "--province", "Hải Phòng", "--name", "Tân Hưng",
                   "--period", "2026-Q1").returncode == 0
    r = run_cli("export", "--db", db, "--period", "2026-Q1", "--docx", out)
    assert r.returncode == 0, r.stderr
    text = "\n".join(c.text for t in Document(out).tables for row in t.rows for c in row.cells)
    assert "- UBND thành phố Hải Phòng (qua Sở Nội vụ);" in text
    assert "- Chủ tịch, các Phó Chủ tịch UBND phường;" in text and "huyện" not in text
