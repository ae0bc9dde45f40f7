"""PAR Index criteria sets (issue 21): the TOML loader's validation and the Excel form import."""
from __future__ import annotations

from decimal import Decimal

import openpyxl
import pytest

from cchc_desktop.domain import par_criteria as pc
from cchc_desktop.importing import par_excel

HEAD = '''tinh = "Thử"
nam = 2025
phien_ban = "THU-2025"
ten = "Bộ tiêu chí thử"
van_ban = "Tệp thử của bộ kiểm thử (không phải văn bản thật)"
tong_diem = 10
'''
GOOD = HEAD + '''
[[tieu_chi]]
ma = "1"
noi_dung = "Công tác chỉ đạo, điều hành CCHC"
diem_toi_da = 4
[[tieu_chi]]
ma = "1.1"
noi_dung = "Kế hoạch CCHC năm"
diem_toi_da = 2
cach_cham = "co_khong"
tai_lieu_kiem_chung = "Kế hoạch CCHC năm (số, ngày)"
[[tieu_chi]]
ma = "1.2"
noi_dung = "Mức độ hoàn thành kế hoạch"
diem_toi_da = 2
cach_cham = "ty_le"
de_xuat = "hoan_thanh_ke_hoach"
[[tieu_chi]]
ma = "2"
noi_dung = "Cải cách thủ tục hành chính"
diem_toi_da = 6
[[tieu_chi]]
ma = "2.1"
noi_dung = "Hồ sơ giải quyết đúng hạn"
diem_toi_da = 6
cach_cham = "muc"
muc = [0, 3, "4,5", 6]
'''


def test_good_set_builds_the_tree_and_totals():
    cs = pc.parse_text(GOOD)
    assert [c.code for c in cs.roots] == ["1", "2"]
    assert [c.code for c in cs.by_code["1"].children] == ["1.1", "1.2"]
    assert cs.total == 10
    assert [c.code for c in cs.leaves()] == ["1.1", "1.2", "2.1"]
    assert cs.by_code["2.1"].levels == (0, 3, Decimal("4.5"), 6)
    assert cs.by_code["1.2"].proposal == "hoan_thanh_ke_hoach"


def test_scores_checked_against_max_and_rule():
    cs = pc.parse_text(GOOD)
    assert cs.check_score("1.1", "2") == 2
    assert cs.check_score("1.2", "1,25") == Decimal("1.25")
    assert cs.check_score("2.1", "4,5") == Decimal("4.5")
    with pytest.raises(pc.CriteriaError, match="chỉ được 0 hoặc 2"):
        cs.check_score("1.1", 1)
    with pytest.raises(pc.CriteriaError, match="ngoài khoảng 0 – 2"):
        cs.check_score("1.2", 3)
    with pytest.raises(pc.CriteriaError, match="các mức 0, 3, 4,5, 6"):
        cs.check_score("2.1", 4)
    with pytest.raises(pc.CriteriaError, match="tiêu chí con"):
        cs.check_score("1", 1)
    with pytest.raises(pc.CriteriaError, match="Không có tiêu chí mã 9"):
        cs.check_score("9", 1)
    with pytest.raises(pc.CriteriaError, match="không phải là số điểm"):
        cs.check_score("1.2", "hai")


@pytest.mark.parametrize("change, message", [
    (('diem_toi_da = 4', 'diem_toi_da = 5'), "khác tổng điểm tối đa của các tiêu chí con"),
    (('ma = "1.2"', 'ma = "1.1"'), "bị trùng"),
    (('ma = "1.2"', 'ma = "3.2"'), "tiêu chí cha 3 phải đứng trước"),
    (('cach_cham = "ty_le"', 'cach_cham = "tuy_y"'), "cách chấm «tuy_y» không có"),
    (('cach_cham = "ty_le"\n', ''), "thiếu «cach_cham»"),
    (('tong_diem = 10', 'tong_diem = 11'), "tổng điểm 11 khác"),
    (('muc = [0, 3, "4,5", 6]', 'muc = [0, 3]'), "mức cao nhất phải bằng"),
    (('ma = "2.1"', 'ma = "2.x"'), "không đúng dạng"),
    (('de_xuat = "hoan_thanh_ke_hoach"', 'de_xuat = "x"'), "đề xuất «x» không có"),
    (('nam = 2025', 'nam = "abc"'), "thiếu «nam»"),
])
def test_bad_sets_refused_in_vietnamese(change, message):
    with pytest.raises(pc.CriteriaError, match=message):
        pc.parse_text(GOOD.replace(*change, 1))


def test_toml_syntax_error_is_a_user_error():
    with pytest.raises(pc.CriteriaError, match="sai cú pháp"):
        pc.parse_text("tinh = ")


def _form(path, rows):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["BỘ TIÊU CHÍ CHỈ SỐ CCHC CẤP XÃ"])
    ws.append(["STT", "Nội dung", "Điểm tối đa", "Tài liệu kiểm chứng", "Cách chấm"])
    for r in rows:
        ws.append(list(r))
    wb.save(path)


def test_excel_form_imports_to_the_same_structure(tmp_path):
    f = tmp_path / "bo-tieu-chi.xlsx"
    _form(f, [("I", "Công tác chỉ đạo", 4, None, None),
              ("1", "Kế hoạch CCHC", 4, None, None),
              ("1.1", "Ban hành kế hoạch", 1, "Kế hoạch", "Có/không"),
              ("1.2", "Hoàn thành kế hoạch", 3, "Báo cáo", "Theo tỷ lệ"),
              (None, None, None, None, None),
              ("II", "Cải cách TTHC", 2.5, None, None),
              ("1", "Công khai TTHC", 2.5, "Ảnh chụp", None)])
    cs = par_excel.read(f, "Thử", 2025, "Văn bản thử")
    assert [c.code for c in cs.walk()] == ["1", "1.1", "1.1.1", "1.1.2", "2", "2.1"]
    assert cs.by_code["1.1.1"].rule == "co_khong"
    assert cs.by_code["1.1.2"].rule == "ty_le"
    assert cs.by_code["2.1"].rule == "khoang"
    assert cs.by_code["2.1"].evidence == "Ảnh chụp"
    assert cs.total == Decimal("6.5")


def test_excel_form_with_wrong_sums_or_tree_refused(tmp_path):
    f = tmp_path / "sai.xlsx"
    _form(f, [("I", "A", 4, None, None), ("1", "B", 3, None, None)])
    with pytest.raises(pc.CriteriaError, match="khác tổng điểm tối đa"):
        par_excel.read(f, "Thử", 2025, "x")
    _form(f, [("1", "B", 3, None, None)])
    with pytest.raises(pc.CriteriaError, match="đứng trước lĩnh vực đầu tiên"):
        par_excel.read(f, "Thử", 2025, "x")
    _form(f, [("I", "A", 3, None, None), ("1", "B", 3, None, None), ("2.1", "C", 3, None, None)])
    with pytest.raises(pc.CriteriaError, match="không nằm dưới tiêu chí 2"):
        par_excel.read(f, "Thử", 2025, "x")
    g = tmp_path / "khac.xlsx"
    wb = openpyxl.Workbook()
    wb.active.append(["a", "b"])
    wb.save(g)
    with pytest.raises(pc.CriteriaError, match="không thấy dòng tiêu đề"):
        par_excel.read(g, "Thử", 2025, "x")


# --- storage (m011_par_index) ------------------------------------------------------------------
from cchc_desktop.errors import UserError  # noqa: E402
from cchc_desktop.store import par as par_store  # noqa: E402


@pytest.fixture
def store(mini_store):
    return mini_store[0]


def _loaded(store):
    unit = store.unit()["code"]
    par_store.load_set(store, pc.parse_text(GOOD, "thu.toml"), unit, "thu.toml")
    return unit


def test_set_score_checked_stored_and_audited(store):
    unit = _loaded(store)
    assert par_store.set_score(store, unit, 2025, "1.2", "1,5", note="Đạt 75% kế hoạch") == Decimal("1.5")
    with pytest.raises(pc.CriteriaError, match="chỉ được 0 hoặc 2"):
        par_store.set_score(store, unit, 2025, "1.1", "1")
    got = par_store.scores(store, unit, 2025)
    assert got["1.2"]["score"] == Decimal("1.5") and got["1.2"]["note"] == "Đạt 75% kế hoạch"
    assert "1.1" not in got  # the refused score changed nothing
    targets = [h["target"] for h in store.history()]
    assert "par:2025:1.2" in targets and "par:2025:1.2:ghi-chu" in targets and "par:2025:bo-tieu-chi" in targets


def test_no_set_loaded_is_a_clear_message(store):
    with pytest.raises(UserError, match="Chưa nạp bộ tiêu chí Chỉ số CCHC năm 2025"):
        par_store.set_score(store, store.unit()["code"], 2025, "1.1", 2)


def test_same_version_with_other_content_refused(store):
    unit = _loaded(store)
    with pytest.raises(UserError, match="phiên bản mới"):
        par_store.load_set(store, pc.parse_text(GOOD.replace("Kế hoạch CCHC năm", "Khác")), unit)
    assert par_store.criteria_set(store, unit, 2025).by_code["1.1"].label == "Kế hoạch CCHC năm"


def test_evidence_file_copied_checksummed_once(store, tmp_path):
    import hashlib
    unit = _loaded(store)
    f = tmp_path / "ke-hoach.pdf"
    f.write_bytes(b"%PDF-1.4 ke hoach cchc")
    par_store.attach_file(store, unit, 2025, "1.1", f)
    par_store.attach_file(store, unit, 2025, "2.1", f)
    ev = par_store.scores(store, unit, 2025)["1.1"]["evidence"]
    assert ev[0]["sha256"] == hashlib.sha256(f.read_bytes()).hexdigest()
    stored = list(par_store.evidence_dir(store).iterdir())
    assert len(stored) == 1 and stored[0].read_bytes() == f.read_bytes()
    with pytest.raises(UserError, match="Không thấy tệp kiểm chứng"):
        par_store.attach_file(store, unit, 2025, "1.1", tmp_path / "khong-co.pdf")
    with pytest.raises(UserError, match="tiêu chí con"):
        par_store.attach_file(store, unit, 2025, "1", f)
    par_store.remove_evidence(store, ev[0]["id"])
    assert "1.1" not in par_store.scores(store, unit, 2025)


def test_excel_set_round_trips_through_the_stored_text(tmp_path):
    f = tmp_path / "bo.xlsx"
    _form(f, [("I", "A \"trích\"", 3, None, None), ("1", "B", 3, "Kế hoạch", "Có/không")])
    cs = par_excel.read(f, "Thử", 2025, "x")
    again = pc.parse_text(pc.to_toml(cs))
    assert [(c.code, c.label, c.max_points, c.rule, c.evidence) for c in again.walk()] == \
        [(c.code, c.label, c.max_points, c.rule, c.evidence) for c in cs.walk()]


def test_v10_file_upgrades_to_the_par_tables(tmp_path):
    import shutil
    from pathlib import Path

    from conftest import MINI
    from cchc_desktop.store import open_store

    src = Path(__file__).resolve().parent / "fixtures" / "schema" / "v10.sqlite"
    path = tmp_path / "v10.sqlite"
    shutil.copyfile(src, path)
    st = open_store(path, MINI)
    try:
        unit = _loaded(st)
        assert unit == "x-co"
        par_store.set_score(st, unit, 2025, "2.1", 6)
        assert par_store.scores(st, unit, 2025)["2.1"]["score"] == 6
        assert st.unit("x-co")["name"] == "Cổ Lũy"  # the old data is still there
    finally:
        st.close()


# --- command line ------------------------------------------------------------------------------
def _cli(*argv):
    from cchc_desktop.cli import main
    return main(list(argv))


def test_cli_load_set_show_export(tmp_path, capsys):
    import json

    import docx

    db = str(tmp_path / "d.sqlite")
    assert _cli("demo", "--db", db) == 0
    s = tmp_path / "bo.toml"
    s.write_text(GOOD, encoding="utf-8")
    assert _cli("par", "load", "--db", db, str(s)) == 0
    ev = tmp_path / "kh.pdf"
    ev.write_bytes(b"%PDF ke hoach")
    capsys.readouterr()
    assert _cli("par", "set", "--db", db, "--year", "2025", "1.1", "1", "--evidence", str(ev)) == 1
    assert "chỉ được 0 hoặc 2" in capsys.readouterr().err
    assert _cli("par", "set", "--db", db, "--year", "2025", "1.1", "2", "--evidence",
                str(tmp_path / "khong.pdf")) == 1
    assert "Chưa ghi gì" in capsys.readouterr().err
    assert _cli("par", "set", "--db", db, "--year", "2025", "1.1", "2", "--note", "Có KH", "--evidence", str(ev)) == 0
    assert _cli("par", "set", "--db", db, "--year", "2025", "2.1", "3") == 0
    capsys.readouterr()
    assert _cli("par", "show", "--db", db, "--year", "2025", "--json") == 0
    out = json.loads(capsys.readouterr().out)
    assert out["tong_tu_cham"] == 5 and out["tong_toi_da"] == 10
    by = {t["ma"]: t for t in out["tieu_chi"]}
    assert by["1.1"]["kiem_chung"] == ["kh.pdf"] and by["1"]["tu_cham"] == 2
    assert any("2.1" in f and "chưa có tài liệu kiểm chứng" for f in out["phat_hien"])
    assert any("1.2" in f and "chưa tự chấm" in f for f in out["phat_hien"])
    out_docx, out_xlsx, kc = tmp_path / "o.docx", tmp_path / "o.xlsx", tmp_path / "kc"
    assert _cli("par", "export", "--db", db, "--year", "2025", "--docx", str(out_docx), "--xlsx", str(out_xlsx),
                "--evidence-dir", str(kc)) == 0
    table = docx.Document(str(out_docx)).tables[0]
    cells = [[c.text for c in r.cells] for r in table.rows]
    assert cells[0][:4] == ["STT", "Nội dung tiêu chí", "Điểm tối đa", "Điểm tự chấm"]
    assert cells[1][:4] == ["I", "Công tác chỉ đạo, điều hành CCHC", "4", "2"]
    assert cells[-1][1:4] == ["TỔNG ĐIỂM", "10", "5"]
    ws = openpyxl.load_workbook(out_xlsx).active
    assert [ws.cell(r, 1).value for r in range(4, 9)] == ["I", "1", "2", "II", "1"]
    assert (kc / "1.1-kh.pdf").read_bytes() == ev.read_bytes()
    assert "SHA-256" in (kc / "MUC-LUC.txt").read_text(encoding="utf-8")


def test_cli_bad_set_file_changes_nothing(tmp_path, capsys):
    db = str(tmp_path / "d.sqlite")
    assert _cli("demo", "--db", db) == 0
    s = tmp_path / "bo.toml"
    s.write_text(GOOD.replace("diem_toi_da = 4", "diem_toi_da = 5", 1), encoding="utf-8")
    capsys.readouterr()
    assert _cli("par", "load", "--db", db, str(s)) == 1
    assert "khác tổng điểm tối đa" in capsys.readouterr().err
    assert _cli("par", "show", "--db", db, "--year", "2025") == 1
    assert "Chưa nạp bộ tiêu chí" in capsys.readouterr().err


def test_proposal_from_the_years_plan_completion(demo_store):
    from cchc_desktop.report import par as par_report

    unit = demo_store.unit()["code"]
    cs = pc.parse_text(GOOD.replace("nam = 2025", "nam = 2023"))
    period = demo_store.get_period(unit, "2023-NAM")
    from cchc_desktop.report import values
    rate = values.load_period(demo_store, period["id"], with_previous=False).value("BM1/2")
    got = par_report.proposals(values.annual_data(demo_store, unit, 2023), cs)
    assert rate is not None and got["1.2"].rate == min(rate, 100).quantize(Decimal("0.1"))
    assert got["1.2"].points == (2 * min(rate, 100) / 100).quantize(Decimal("0.01"))
    assert "Biểu mẫu 1, dòng 2" in got["1.2"].source
    assert par_report.proposals(values.annual_data(demo_store, unit, 2031), cs) == {}


def test_par_gaps_are_warnings_in_the_annual_validation(demo_store):
    """Kiểm tra of the year's annual period lists each unscored criterion and each score without
    evidence as a warning (never an error: the package is not held back), with where and what to do."""
    from cchc_desktop.report import rules, values

    unit = demo_store.unit()["code"]
    period = demo_store.get_period(unit, "2023-NAM")
    before = rules.validate(values.load_period(demo_store, period["id"]))
    assert not [f for f in before if f.rule == "chi-so-cchc"]  # no criteria set for 2023 yet

    par_store.load_set(demo_store, pc.parse_text(GOOD.replace("nam = 2025", "nam = 2023")), unit)
    par_store.set_score(demo_store, unit, 2023, "1.1", 2)        # scored, no evidence
    par_store.set_score(demo_store, unit, 2023, "2.1", 0)        # 0 points needs no evidence
    got = [f for f in rules.validate(values.load_period(demo_store, period["id"])) if f.rule == "chi-so-cchc"]
    assert {f.target for f in got} == {"par:1.1", "par:1.2"}
    assert all(f.severity == "canh_bao" for f in got)
    by = {f.target: f.message for f in got}
    assert "tiêu chí 1.1 (Kế hoạch CCHC năm)" in by["par:1.1"] and "chưa có tài liệu kiểm chứng" in by["par:1.1"]
    assert "đính kèm tài liệu kiểm chứng ở thẻ “Chỉ số CCHC (tự đánh giá)”" in by["par:1.1"]
    assert "tiêu chí 1.2 (Mức độ hoàn thành kế hoạch): chưa tự chấm điểm. Hãy tự chấm điểm" in by["par:1.2"]
    assert not rules.blocking(got, demo_store.accepted_errors(period["id"]))

    evidence = demo_store.path.parent / "ke-hoach.pdf"
    evidence.write_bytes(b"%PDF-1.4 ke hoach")
    par_store.attach_file(demo_store, unit, 2023, "1.1", evidence)
    got = [f for f in rules.validate(values.load_period(demo_store, period["id"])) if f.rule == "chi-so-cchc"]
    assert [f.target for f in got] == ["par:1.2"]
    other = next((p for p in demo_store.periods(unit) if p["year"] == 2023 and p["kind"] != "NAM"), None)
    if other is not None:  # a half-year or quarter report of the same year is not concerned
        assert not [f for f in rules.validate(values.load_period(demo_store, other["id"])) if f.rule == "chi-so-cchc"]


def test_where_names_the_criterion():
    from ui.entry.validation_tab import where
    assert where("par:1.2", None) == "Chỉ số CCHC: tiêu chí 1.2"
