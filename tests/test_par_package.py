"""The PAR Index self-assessment in the hand-off package and at the province (issue 21): three communes of
Hải Phòng score themselves and attach evidence, their annual packages carry it (signed, in SHA256SUMS),
the province imports them (hostile sections refused, a foreign set stored but flagged), appraises and
ranks them."""
from __future__ import annotations

import hashlib
import json
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from cchc_desktop.domain import official_units
from cchc_desktop.domain import par_criteria as pc
from cchc_desktop.errors import UserError
from cchc_desktop.exporting import package as pkg
from cchc_desktop.exporting import par_section as ps
from cchc_desktop.importing import package as ip
from cchc_desktop.report import par as par_report
from cchc_desktop.store import open_store, par as par_store
from tests.conftest import run_cli
from tests.test_package import read_members, write_zip
from tests.test_package_desk import HAI_PHONG, PERIOD, add_commune
from tests.test_par import GOOD

CREATED = "2025-12-16T09:00:00+07:00"
YEAR = 2025
GOOD_2025 = GOOD  # nam = 2025, version THU-2025, 10 points: 1.1 co_khong 2, 1.2 ty_le 2, 2.1 muc 0/3/4,5/6


def _commune(store, unit, scores: dict, tmp: Path, files: dict | None = None) -> str:
    code = add_commune(store, unit, received=10)
    par_store.load_set(store, pc.parse_text(GOOD_2025, "thu.toml"), code, "thu.toml")
    for crit, (score, note) in scores.items():
        par_store.set_score(store, code, YEAR, crit, score, note=note)
    for crit, (name, data) in (files or {}).items():
        f = tmp / name
        f.write_bytes(data)
        par_store.attach_file(store, code, YEAR, crit, f)
    return code


@pytest.fixture
def three(tmp_path):
    """Three communes in one file (each its own key), scored and packaged; the province's empty file."""
    communes = open_store(tmp_path / "xa.sqlite")
    units = official_units.units(HAI_PHONG)[:3]
    a = _commune(communes, units[0], {"1.1": ("2", "Kế hoạch số 44/KH-UBND"), "1.2": ("1,5", ""),
                                      "2.1": ("6", "đúng hạn 100%")}, tmp_path,
                 {"1.1": ("ke-hoach.pdf", b"%PDF-1.4 ke hoach cchc 2025"),
                  "2.1": ("bao-cao dung han.xlsx", b"PK fake xlsx bytes")})
    b = _commune(communes, units[1], {"1.1": ("2", ""), "1.2": ("2", ""), "2.1": ("4,5", "")}, tmp_path)
    c = _commune(communes, units[2], {"1.1": ("0", ""), "2.1": ("3", "")}, tmp_path)
    pid = communes.get_period(a, PERIOD)["id"]
    did = communes.add_document(pid, number="12", symbol="QĐ-UBND", date="2025-01-10", kind="Quyết định",
                                summary="ban hành quy chế một cửa")
    par_store.attach_document(communes, a, YEAR, "1.2", did)
    usb = tmp_path / "usb"
    usb.mkdir()
    paths = {code: pkg.make_package(communes, code, PERIOD, usb, documents=False, check_errors=False,
                                    created_at=CREATED) for code in (a, b, c)}
    yield {"tmp": tmp_path, "communes": communes, "codes": (a, b, c), "units": units, "paths": paths,
           "usb": usb, "db": tmp_path / "tinh.sqlite"}
    communes.close()


def _set_file(tmp: Path, text: str = GOOD_2025) -> Path:
    f = tmp / "bo-tinh.toml"
    f.write_text(text, encoding="utf-8")
    return f


def test_the_package_carries_the_self_assessment_and_its_files_signed(three):
    a = three["codes"][0]
    members = read_members(three["paths"][a])
    section = json.loads(members[ps.SECTION])
    assert section["nam"] == YEAR and section["don_vi"] == a
    assert section["bo_tieu_chi"]["phien_ban"] == "THU-2025" and section["bo_tieu_chi"]["tong_diem"] == "10"
    assert pc.parse_text(section["bo_tieu_chi"]["noi_dung"]).total == 10
    by = {it["ma"]: it for it in section["tieu_chi"]}
    assert by["1.2"]["diem"] == "1.5" and by["2.1"]["giai_trinh"] == "đúng hạn 100%"
    assert by["1.2"]["kiem_chung"] == [{"loai": "van_ban", "so_ky_hieu": "12/QĐ-UBND", "ngay": "2025-01-10",
                                        "trich_yeu": "ban hành quy chế một cửa"}]
    f = by["1.1"]["kiem_chung"][0]
    data = b"%PDF-1.4 ke hoach cchc 2025"
    assert f["ten_tep"] == "ke-hoach.pdf" and f["sha256"] == hashlib.sha256(data).hexdigest()
    assert members[f["thanh_phan"]] == data and f["thanh_phan"] == f"kiem-chung/{f['sha256']}.pdf"
    manifest = json.loads(members[pkg.MANIFEST])
    sums = members[pkg.SUMS].decode()
    for name in (ps.SECTION, f["thanh_phan"], by["2.1"]["kiem_chung"][0]["thanh_phan"]):
        assert manifest["members"][name]["sha256"] == hashlib.sha256(members[name]).hexdigest()
        assert f"{hashlib.sha256(members[name]).hexdigest()}  {name}\n" in sums
    ip.check_package(three["paths"][a])  # signed: the check passes


def test_no_section_outside_the_annual_period_or_without_a_set(three, tmp_path):
    communes, a = three["communes"], three["codes"][0]
    from cchc_desktop.report import default_texts
    default_texts.new_period(communes, a, "2025-9T")
    assert ps.members(communes, a, "2025-9T") == {}
    other = open_store(tmp_path / "khac.sqlite")
    try:
        code = add_commune(other, official_units.units(HAI_PHONG)[5], received=1)
        assert ps.members(other, code, PERIOD) == {}
    finally:
        other.close()


def test_evidence_over_the_limit_refuses_the_package_in_vietnamese(three, monkeypatch, tmp_path):
    monkeypatch.setattr(ps, "MAX_EVIDENCE_TOTAL", 20)
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(UserError, match="tệp kiểm chứng Chỉ số CCHC năm 2025 tổng cộng .* quá giới hạn"):
        pkg.make_package(three["communes"], three["codes"][0], PERIOD, out, documents=False, check_errors=False)
    assert list(out.iterdir()) == []


def test_a_changed_evidence_file_refuses_the_package(three, tmp_path):
    communes, a = three["communes"], three["codes"][0]
    folder = par_store.evidence_dir(communes)
    victim = next(p for p in folder.iterdir() if p.suffix == ".pdf")
    victim.write_bytes(b"changed")
    with pytest.raises(UserError, match="ke-hoach.pdf .*đã bị sửa hoặc hỏng"):
        pkg.build_members(communes, a, PERIOD, documents=False)


def test_province_imports_flags_then_judges_again_when_its_set_is_loaded(three):
    db, (a, b, c) = three["db"], three["codes"]
    r = run_cli("import-package", "--db", db, three["usb"])
    assert r.returncode == 0, r.stderr
    assert r.stdout.count("Chỉ số CCHC năm 2025:") == 3
    assert "tỉnh chưa nạp bộ tiêu chí năm 2025" in r.stdout
    r = run_cli("par", "appraise", "--db", db, "--year", "2025", "--unit", a, "1.1", "2")
    assert r.returncode == 1 and "không khớp với bộ tiêu chí của tỉnh" in r.stderr
    r = run_cli("par", "load", "--db", db, _set_file(three["tmp"]))
    assert r.returncode == 0, r.stderr
    assert r.stdout.count("khớp bộ tiêu chí của tỉnh") == 3
    st = open_store(db)
    try:
        assert all(par_store.submission(st, x, YEAR)["flag"] == "" for x in (a, b, c))
        got = par_store.scores(st, a, YEAR)
        assert got["1.2"]["score"] == Decimal("1.5")
        ev = {e["code"]: e for e in (e for g in got.values() for e in g["evidence"])}
        assert ev["1.2"]["document_text"] == "Văn bản số 12/QĐ-UBND ngày 2025-01-10: ban hành quy chế một cửa"
        kept = par_store.evidence_dir(st) / ev["1.1"]["stored_name"]
        assert kept.parent.parent == db.parent and kept.read_bytes() == b"%PDF-1.4 ke hoach cchc 2025"
        assert hashlib.sha256(kept.read_bytes()).hexdigest() == ev["1.1"]["sha256"]
    finally:
        st.close()


def _province(three, text: str = GOOD_2025) -> Path:
    db = three["db"]
    assert run_cli("import-package", "--db", db, three["paths"][three["codes"][0]]).returncode == 0
    assert run_cli("par", "load", "--db", db, _set_file(three["tmp"], text)).returncode == 0
    r = run_cli("import-package", "--db", db, *[three["paths"][x] for x in three["codes"][1:]])
    assert r.returncode == 0, r.stderr
    return db


def test_foreign_set_version_is_stored_but_flagged_and_said(three):
    db = three["db"]
    other = GOOD_2025.replace('phien_ban = "THU-2025"', 'phien_ban = "TINH-2025.2"')
    assert run_cli("par", "load", "--db", db, _set_file(three["tmp"], other)).returncode == 1  # no upper unit yet
    r = run_cli("import-package", "--db", db, three["paths"][three["codes"][0]])
    assert r.returncode == 0
    assert run_cli("par", "load", "--db", db, _set_file(three["tmp"], other)).returncode == 0
    r = run_cli("import-package", "--db", db, three["paths"][three["codes"][1]])
    assert "cần xem lại: xã chấm theo bộ tiêu chí THU-2025, khác bộ TINH-2025.2 của tỉnh" in r.stdout
    st = open_store(db)
    try:
        b = three["codes"][1]
        assert par_store.scores(st, b, YEAR)["2.1"]["score"] == Decimal("4.5")  # stored
        assert "khác bộ TINH-2025.2" in par_store.submission(st, b, YEAR)["flag"]
        rows = par_report.ranking(st, st.unit()["code"], YEAR)
        row = next(x for x in rows if x.unit_code == b)
        assert row.rank is None and "khác bộ TINH-2025.2" in row.flag
    finally:
        st.close()


def test_scores_that_do_not_fit_the_provinces_set_are_flagged(three):
    # The province's copy is the same version and text, but a commune's package was made by a forger's
    # app giving 1.1 one point (co_khong: only 0 or 2). It is the commune's signature, so it is stored, flagged.
    communes, a = three["communes"], three["codes"][0]
    members = read_members(three["paths"][a])
    section = json.loads(members[ps.SECTION])
    next(it for it in section["tieu_chi"] if it["ma"] == "1.1")["diem"] = "1"
    members[ps.SECTION] = json.dumps(section, ensure_ascii=False).encode()
    bad = write_zip(three["tmp"] / "a.cchc", members, key=pkg.signing_key(communes, a))
    db = three["db"]
    assert run_cli("import-package", "--db", db, three["paths"][three["codes"][1]]).returncode == 0
    assert run_cli("par", "load", "--db", db, _set_file(three["tmp"])).returncode == 0
    r = run_cli("import-package", "--db", db, bad)
    assert r.returncode == 0 and "1 điểm tự chấm không đúng bộ tiêu chí của tỉnh" in r.stdout


@pytest.mark.parametrize("hostile", ["section_not_json", "score_not_text", "unknown_code", "file_missing",
                                     "stray_file", "other_year", "file_swapped"])
def test_hostile_sections_refused_in_one_line_nothing_written(three, hostile):
    communes, a = three["communes"], three["codes"][0]
    members = read_members(three["paths"][a])
    section = json.loads(members[ps.SECTION])
    files = [n for n in members if n.startswith(ps.EVIDENCE_PREFIX)]
    if hostile == "section_not_json":
        members[ps.SECTION] = b"{not json"
    elif hostile == "score_not_text":
        section["tieu_chi"][0]["diem"] = {"x": 1}
    elif hostile == "unknown_code":
        section["tieu_chi"][0]["ma"] = "1"
    elif hostile == "file_missing":
        del members[files[0]]
    elif hostile == "stray_file":
        members["kiem-chung/" + "0" * 64 + ".exe"] = b"MZ"
    elif hostile == "other_year":
        section["nam"] = 2024
    elif hostile == "file_swapped":
        members[files[0]], members[files[1]] = members[files[1]], members[files[0]]
    if hostile not in ("section_not_json",):
        members[ps.SECTION] = json.dumps(section, ensure_ascii=False).encode()
    bad = write_zip(three["tmp"] / "bad.cchc", members, key=pkg.signing_key(communes, a))
    r = run_cli("import-package", "--db", three["db"], bad)
    assert r.returncode == 1
    line = [x for x in r.stdout.splitlines() if "bị từ chối" in x and not x.startswith("Tổng")]
    assert len(line) == 1 and ("Chỉ số CCHC" in line[0] or "gói không hợp lệ" in line[0])
    assert "Traceback" not in r.stderr and "Error" not in r.stdout
    assert not three["db"].exists()  # nothing written: the path that did not exist is gone again


def test_appraisal_totals_and_ranking_of_three_communes(three):
    db = _province(three)
    a, b, c = three["codes"]
    r = run_cli("par", "appraise", "--db", db, "--year", "2025", "--unit", a, "1.2", "1", "--note", "Chỉ đạt 50%")
    assert r.returncode == 0, r.stderr
    r = run_cli("par", "appraise", "--db", db, "--year", "2025", "--unit", a, "2.1", "4")
    assert r.returncode == 1 and "các mức 0, 3, 4,5, 6" in r.stderr  # the rule
    r = run_cli("par", "appraise", "--db", db, "--year", "2025", "--unit", a, "1.1", "3")
    assert r.returncode == 1 and "ngoài khoảng 0 – 2" in r.stderr  # the max
    for crit, score in (("1.1", "2"), ("2.1", "3")):
        assert run_cli("par", "appraise", "--db", db, "--year", "2025", "--unit", a, crit, score).returncode == 0
    for crit, score in (("1.1", "2"), ("1.2", "2"), ("2.1", "4,5")):
        assert run_cli("par", "appraise", "--db", db, "--year", "2025", "--unit", b, crit, score).returncode == 0
    r = run_cli("par", "show", "--db", db, "--year", "2025", "--unit", a, "--json")
    shown = json.loads(r.stdout)
    lines = {x["ma"]: x for x in shown["tieu_chi"]}
    assert lines["1.2"]["tu_cham"] == 1.5 and lines["1.2"]["tham_dinh"] == 1.0
    assert lines["1.2"]["ghi_chu_tham_dinh"] == "Chỉ đạt 50%"
    assert shown["tong_tu_cham"] == 9.5 and shown["tong_tham_dinh"] == 6.0
    r = run_cli("par", "show", "--db", db, "--year", "2025", "--unit", a)
    assert "TỔNG ĐIỂM\t9,5/10\tthẩm định 6" in r.stdout
    r = run_cli("par", "rank", "--db", db, "--year", "2025", "--json")
    assert r.returncode == 0, r.stderr
    rows = json.loads(r.stdout)["xep_hang"]
    # b appraised fully 8,5; a appraised fully 6; c not appraised: its self-score 3, marked
    assert [(x["ma"], x["hang"], x["diem"], x["trang_thai"]) for x in rows] == [
        (b, 1, 8.5, "Đã thẩm định"), (a, 2, 6.0, "Đã thẩm định"), (c, 3, 3.0, "Chưa thẩm định (điểm tự chấm)")]
    assert rows[2]["tu_cham"] == 3.0 and rows[2]["tham_dinh"] is None
    st = open_store(db)
    try:
        targets = [h["target"] for h in st.history()]
        assert "par:2025:1.2:tham-dinh" in targets and "par:2025:1.2:tham-dinh:ghi-chu" in targets
        assert par_store.scores(st, a, YEAR)["1.2"]["note"] == ""  # a's own note on 1.2 was empty, untouched
        assert par_store.scores(st, a, YEAR)["2.1"]["note"] == "đúng hạn 100%"
    finally:
        st.close()
    # one criterion of c appraised: partly appraised, the rest its self-score
    assert run_cli("par", "appraise", "--db", db, "--year", "2025", "--unit", c, "2.1", "0").returncode == 0
    rows = json.loads(run_cli("par", "rank", "--db", db, "--year", "2025", "--json").stdout)["xep_hang"]
    assert rows[2]["ma"] == c and rows[2]["diem"] == 0.0 and rows[2]["trang_thai"] == "Thẩm định 1/2 tiêu chí đã chấm"
    out = three["tmp"] / "xep-hang.xlsx"
    r = run_cli("par", "rank", "--db", db, "--year", "2025", "--xlsx", out)
    assert r.returncode == 0, r.stderr
    ws = openpyxl.load_workbook(out).active
    cells = [[c.value for c in row] for row in ws.iter_rows()]
    head = next(i for i, row in enumerate(cells) if row[0] == "Hạng")
    assert cells[head][:6] == ["Hạng", "Mã", "Đơn vị", "Điểm tự chấm", "Điểm thẩm định", "Điểm xếp hạng"]
    assert cells[head + 1][0] == 1 and cells[head + 1][1] == b and cells[head + 1][5] == 8.5


def test_a_newer_package_keeps_the_appraisal(three):
    db = _province(three)
    a = three["codes"][0]
    assert run_cli("par", "appraise", "--db", db, "--year", "2025", "--unit", a, "1.2", "1").returncode == 0
    communes = three["communes"]
    par_store.set_score(communes, a, YEAR, "1.2", "2")
    later = three["tmp"] / "later"
    later.mkdir()
    p = pkg.make_package(communes, a, PERIOD, later, documents=False, check_errors=False,
                         created_at="2025-12-20T09:00:00+07:00")
    r = run_cli("import-package", "--db", db, p)
    assert "đã thay bản cũ" in r.stdout
    st = open_store(db)
    try:
        g = par_store.scores(st, a, YEAR)["1.2"]
        assert (g["score"], g["appraised"]) == (Decimal(2), Decimal(1))
    finally:
        st.close()


def test_appraisal_only_in_the_province_file(three):
    communes, a = three["communes"], three["codes"][0]
    communes_main = communes.unit()["code"]
    with pytest.raises(UserError, match="chỉ làm được trong tệp dữ liệu của cấp tỉnh"):
        par_store.appraise(communes, communes_main, YEAR, "1.1", 2)


def test_the_province_cannot_change_a_communes_self_assessment(three):
    db = _province(three)
    a = three["codes"][0]
    r = run_cli("par", "set", "--db", db, "--year", "2025", "--unit", a, "1.2", "0")
    assert r.returncode == 1 and "cấp tỉnh không sửa được" in r.stderr
    st = open_store(db)
    try:
        assert par_store.scores(st, a, YEAR)["1.2"]["score"] == Decimal("1.5")
    finally:
        st.close()


def test_v11_file_upgrades_to_the_appraisal_tables(tmp_path):
    import shutil

    from tests.conftest import MINI

    src = Path(__file__).resolve().parent / "fixtures" / "schema" / "v11.sqlite"
    path = tmp_path / "v11.sqlite"
    shutil.copyfile(src, path)
    st = open_store(path, MINI)
    try:
        par_store.load_set(st, pc.parse_text(GOOD_2025, "thu.toml"), "x-co", "thu.toml")
        par_store.set_score(st, "x-co", YEAR, "2.1", "4,5", note="đúng hạn")
        g = par_store.scores(st, "x-co", YEAR)["2.1"]
        assert (g["score"], g["note"], g["appraised_note"]) == (Decimal("4.5"), "đúng hạn", "")
        assert par_store.submissions(st, YEAR) == []
        assert st.unit("x-co")["name"] == "Cổ Lũy"  # the old data is still there
    finally:
        st.close()


def test_the_province_exports_a_communes_table_and_evidence(three):
    db = _province(three)
    a = three["codes"][0]
    assert run_cli("par", "appraise", "--db", db, "--year", "2025", "--unit", a, "1.2", "1", "--note", "50%").returncode == 0
    out = three["tmp"] / "a"
    out.mkdir()
    r = run_cli("par", "export", "--db", db, "--year", "2025", "--unit", a, "--xlsx", out / "a.xlsx",
                "--evidence-dir", out / "kc")
    assert r.returncode == 0, r.stderr
    index = (out / "kc" / "MUC-LUC.txt").read_text(encoding="utf-8")
    assert "1.2\tVăn bản số 12/QĐ-UBND ngày 2025-01-10: ban hành quy chế một cửa" in index
    assert (out / "kc" / "1.1-ke-hoach.pdf").read_bytes() == b"%PDF-1.4 ke hoach cchc 2025"
    ws = openpyxl.load_workbook(out / "a.xlsx").active
    row = next(r for r in ws.iter_rows(values_only=True) if r[1] == "Mức độ hoàn thành kế hoạch")
    assert row[3:6] == ("1,5", "1", " — Thẩm định: 50%")
