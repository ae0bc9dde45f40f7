"""The unit's answer to a recomputed figure (issue 17 item 1): use the computed one, or keep its
own with a note; stored, audited, followed by the report and by Kiểm tra."""
from decimal import Decimal

import pytest

from cchc_desktop.errors import UserError
from cchc_desktop.exporting import wording, xlsx_appendix
from cchc_desktop.report import corrections, narrative, rules, values

PERIOD = "2023-NAM"


def _load(store):
    return values.load_report(store, None, PERIOD)


def _pid(store):
    return store.get_period(store.unit()["code"], PERIOD)["id"]


def _finding(data, name):
    (f,) = [f for f in rules.check_corrections(data) if f.rule == f"so-tinh-lai:{name}"]
    return f


def _appendix_cells(data):
    wb = xlsx_appendix.build(data)
    return [str(c.value) for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value is not None]


def test_keeping_the_units_figure_needs_a_note_and_is_audited(demo_store):
    pid = _pid(demo_store)
    before = _load(demo_store)
    with pytest.raises(UserError, match="ghi chú"):
        demo_store.set_correction_choice(pid, "BM7/6.7", "giu-so", "  ")
    with pytest.raises(UserError):
        demo_store.set_correction_choice(pid, "BM7/6.7.1", "dung-so-tinh-lai")  # no own figure
    assert demo_store.correction_choices(pid) == {}
    assert _load(demo_store).values == before.values

    demo_store.set_correction_choice(pid, "BM7/6.7", "giu-so", "Đúng như báo cáo đã gửi huyện")
    assert demo_store.correction_choices(pid)["BM7/6.7"]["choice"] == "giu-so"
    demo_store.set_correction_choice(pid, "BM7/6.7", "dung-so-tinh-lai")
    trail = [(h["old"], h["new"]) for h in demo_store.history(pid, target="so-tinh-lai:BM7/6.7")]
    assert (None, "giu-so: Đúng như báo cáo đã gửi huyện") in trail
    assert ("giu-so: Đúng như báo cáo đã gửi huyện", "dung-so-tinh-lai") in trail
    assert demo_store.correction_choices(pid)["BM7/6.7"] == {
        "choice": "dung-so-tinh-lai", "note": "", "at": demo_store.correction_choices(pid)["BM7/6.7"]["at"]}
    assert demo_store.accepted_errors(pid) == []  # a choice is no accepted error (the package's manifest)
    demo_store.clear_correction_choice(pid, "BM7/6.7")
    assert demo_store.correction_choices(pid) == {}
    trail = [(h["old"], h["new"]) for h in demo_store.history(pid, target="so-tinh-lai:BM7/6.7")]
    assert ("dung-so-tinh-lai", None) in trail and len(trail) == 3


def test_kept_figure_is_printed_and_its_note_gives_the_computed_one(demo_store):
    pid = _pid(demo_store)
    computed = _load(demo_store).values["BM7/6.7"]
    assert computed != Decimal("84")
    demo_store.set_correction_choice(pid, "BM7/6.7", "giu-so", "Đúng như báo cáo đã gửi huyện")
    data = _load(demo_store)
    assert data.values["BM7/6.7"] == Decimal("84") and data.value("BM7/6.7") == Decimal("84")
    fixes = corrections.by_code(data)
    assert fixes["BM7/6.7"].kept and fixes["BM7/6.7"].printed_text == "84 %"
    note = wording.row_note(data, "BM7/6.7", fixes)
    assert note.startswith("(*) Số của đơn vị; số tính lại là 97,6 %") and note.endswith("Đúng như báo cáo đã gửi huyện")
    cells = _appendix_cells(data)
    assert note in cells
    # the Word text prints the unit's figure wherever it names the value
    assert narrative.render_inline("{{BM7/6.7}}", data).startswith("84")
    f = _finding(data, "BM7/6.7")
    assert "giữ số của mình" in f.message and "Đúng như báo cáo đã gửi huyện" in f.message


def test_using_the_computed_figure_says_the_units_one_was_corrected(demo_store):
    pid = _pid(demo_store)
    untouched = _load(demo_store)
    assert "hãy chọn “Dùng số tính lại”" in _finding(untouched, "BM7/6.7").message
    demo_store.set_correction_choice(pid, "BM7/6.7", "dung-so-tinh-lai")
    data = _load(demo_store)
    assert data.values["BM7/6.7"] == untouched.values["BM7/6.7"]
    note = wording.row_note(data, "BM7/6.7", corrections.by_code(data))
    assert note == "(*) Đã sửa theo số tính lại; đơn vị ghi trước đây 84 %"
    assert note in _appendix_cells(data)
    f = _finding(data, "BM7/6.7")
    assert "đã chọn dùng số tính lại" in f.message and "hãy chọn" not in f.message


def test_command_line_lists_and_records_the_choice(demo_file, tmp_path):
    import shutil

    from cchc_desktop.store import open_store
    from tests.conftest import run_cli

    db = tmp_path / "demo.sqlite"
    shutil.copy(demo_file, db)
    listed = run_cli("so-tinh-lai", "--db", db, "--period", PERIOD)
    assert listed.returncode == 0, listed.stderr
    line = next(l for l in listed.stdout.splitlines() if l.startswith("BM7/6.7\t"))
    assert "đơn vị ghi 84 %" in line and line.endswith("chưa chọn")
    refused = run_cli("so-tinh-lai", "--db", db, "--period", PERIOD, "BM7/6.7", "--giu-so")
    assert refused.returncode != 0 and "ghi chú" in refused.stderr and "Traceback" not in refused.stderr
    unknown = run_cli("so-tinh-lai", "--db", db, "--period", PERIOD, "BM7/6.7.1", "--dung-so-tinh-lai")
    assert unknown.returncode != 0 and "không có trong danh sách" in unknown.stderr
    kept = run_cli("so-tinh-lai", "--db", db, "--period", PERIOD, "BM7/6.7", "--giu-so", "--ghi-chu", "Như báo cáo gửi huyện")
    assert kept.returncode == 0, kept.stderr
    line = next(l for l in run_cli("so-tinh-lai", "--db", db, "--period", PERIOD).stdout.splitlines()
                if l.startswith("BM7/6.7\t"))
    assert line.endswith("giữ số của đơn vị (Như báo cáo gửi huyện)")
    store = open_store(db)
    try:
        pid = _pid(store)
        assert store.correction_choices(pid)["BM7/6.7"]["note"] == "Như báo cáo gửi huyện"
        assert store.history(pid, target="so-tinh-lai:BM7/6.7")[-1]["new"] == "giu-so: Như báo cáo gửi huyện"
    finally:
        store.close()
    assert run_cli("so-tinh-lai", "--db", db, "--period", PERIOD, "BM7/6.7", "--bo-chon").returncode == 0
    assert run_cli("so-tinh-lai", "--db", db, "--period", PERIOD).stdout.count("chưa chọn") >= 1


# --- a typed row's own printed figure (BM6 1.2: the seed printed 3.523, the data holds 3.523,681) ----
def test_typed_row_keeps_the_seeds_printed_figure_and_marks_the_difference(demo_store):
    data = _load(demo_store)
    assert data.raw["BM6/1.2"]["own"] == "3523" and data.values["BM6/1.2"] == Decimal("3523.681")
    fix = corrections.by_code(data)["BM6/1.2"]
    assert fix.typed and (fix.own_text, fix.computed_text) == ("3.523", "3.523,681")
    f = _finding(data, "BM6/1.2")
    assert "số đơn vị đã in trước đây là 3.523, số đã nhập là 3.523,681" in f.message
    assert "3.523.681.000 đồng" in f.message and f.target == "BM6/1.2"  # why: the text gives it in đồng
    assert wording.row_note(data, "BM6/1.2", corrections.by_code(data)) == "(*) Trước đây ghi 3.523"
    cells = _appendix_cells(data)
    assert "(*) Trước đây ghi 3.523" in cells and wording.TYPED_FOOTNOTE in cells
    # the figure typed is what prints, in the table and the text
    assert narrative.render_inline("{{BM6/1.2|dong}}", data) == "3.523.681.000"


def test_typed_rows_own_figure_choice_and_its_store(demo_store):
    pid = _pid(demo_store)
    demo_store.set_correction_choice(pid, "BM6/1.2", "dung-so-tinh-lai")
    data = _load(demo_store)
    assert wording.row_note(data, "BM6/1.2", corrections.by_code(data)) == "(*) Đã sửa theo số đã nhập; đơn vị ghi trước đây 3.523"
    demo_store.set_correction_choice(pid, "BM6/1.2", "giu-so", "Như báo cáo giấy")
    data = _load(demo_store)
    assert data.values["BM6/1.2"] == Decimal("3523")
    assert narrative.render_inline("{{BM6/1.2|dong}}", data) == "3.523.000.000"
    assert "báo cáo in 3.523 ở bảng và ở lời văn" in _finding(data, "BM6/1.2").message
    # the own figure is a value of its own: blank drops it, audited; a text or choice row has none
    demo_store.set_own_figure(pid, "BM6/1.2", "")
    assert "own" not in demo_store.values(pid)["BM6/1.2"]
    assert "BM6/1.2" not in corrections.by_code(_load(demo_store))
    assert [(h["old"], h["new"]) for h in demo_store.history(pid, target="own:BM6/1.2")] == [("3523", None)]
    demo_store.set_own_figure(pid, "BM6/1.2", "3.523")
    assert demo_store.values(pid)["BM6/1.2"]["own"] == "3523"
    with pytest.raises(UserError):
        demo_store.set_own_figure(pid, "BM7/2", "2")  # a choice row
    with pytest.raises(UserError):
        demo_store.set_own_figure(pid, "BM6/1", "88")  # a computed row keeps its own figure as its value


def test_own_figure_round_trips_through_dump_and_load(demo_store, tmp_path):
    from cchc_desktop import dataio
    from cchc_desktop.store import open_store

    doc = dataio.dump(demo_store, None, PERIOD)
    assert doc["values"]["BM6/1.2"] == {"value": 3523.681, "note": "", "own": 3523}
    other = open_store(tmp_path / "other.sqlite")
    try:
        dataio.load(other, doc)
        assert corrections.by_code(values.load_report(other, None, PERIOD))["BM6/1.2"].own_text == "3.523"
        bad = {**doc, "values": {**doc["values"], "BM7/2": {"value": 2, "note": "", "own": 3}}}
        with pytest.raises(UserError, match="BM7/2"):
            dataio.load(other, bad, replace=True)
    finally:
        other.close()


# --- a kept figure and the rows computed from it (issue 17: never a silent contradiction) -------------
def test_rows_computed_from_a_kept_figure_rest_on_the_computed_one_and_say_so(demo_store):
    pid = _pid(demo_store)
    demo_store.set_correction_choice(pid, "BM3/3.3.1", "giu-so", "Như báo cáo giấy")
    data = _load(demo_store)
    fixes = corrections.by_code(data)
    assert data.values["BM3/3.3.1"] == Decimal("3225")
    # 3.3 = 3.3.2 / 3.3.1 rests on 3.218 (agreeing with the dossier table), not on 3.225
    assert data.values["BM3/3.3"] == Decimal("100.0")
    assert fixes["BM3/3.3.1"].dependents == ["BM3/3.3"]
    assert wording.row_note(data, "BM3/3.3", fixes) == \
        "(*) Tính theo số tính lại 3.218 của dòng 3.3.1; đơn vị giữ số 3.225 ở dòng đó"
    assert wording.row_note(data, "BM3/3.3.1", fixes).endswith("Như báo cáo giấy. Dòng 3.3 tính theo số tính lại 3.218")
    assert "Dòng 3.3 tính theo số tính lại 3.218" in _finding(data, "BM3/3.3.1").message
    cells = _appendix_cells(data)
    assert "(*) Tính theo số tính lại 3.218 của dòng 3.3.1; đơn vị giữ số 3.225 ở dòng đó" in cells
    # nothing is said of the dependent rows while the computed figure is printed
    demo_store.set_correction_choice(pid, "BM3/3.3.1", "dung-so-tinh-lai")
    data = _load(demo_store)
    assert wording.row_note(data, "BM3/3.3", corrections.by_code(data)) == ""


def test_dependents_follow_formulas_and_dossier_measures(demo_store):
    cat = _load(demo_store).catalogue
    assert corrections.dependents("BM6/1.2", cat) == ["BM6/1"]
    assert corrections.dependents("BM7/6.7", cat) == []
    # resolved dossiers → the rows that read them and the rates computed from them
    deps = corrections.dependents("hs.ubnd.truoc_han", cat)
    assert "BM3/3.3.1" in deps and "BM3/3.3.2" in deps and "BM3/3.3" in deps


def test_set_records_a_typed_rows_own_printed_figure(demo_file, tmp_path):
    import shutil

    from tests.conftest import run_cli

    db = tmp_path / "demo.sqlite"
    shutil.copy(demo_file, db)
    r = run_cli("set", "--db", db, "--period", PERIOD, "BM6/1.1", "--so-in-truoc", "4.100")
    assert r.returncode == 0 and "BM6/1.1: số đơn vị in trước đây 4.100" in r.stdout, r.stderr
    listed = run_cli("so-tinh-lai", "--db", db, "--period", PERIOD).stdout
    assert any(l.startswith("BM6/1.1\t") and "4.100" in l for l in listed.splitlines()), listed
    bad = run_cli("set", "--db", db, "--period", PERIOD, "BM6/1", "--so-in-truoc", "88")
    assert bad.returncode != 0 and "nhập tay" in bad.stderr and "Traceback" not in bad.stderr
    assert run_cli("set", "--db", db, "--period", PERIOD, "BM6/1.1", "--so-in-truoc", "").returncode == 0
    assert not any(l.startswith("BM6/1.1\t") for l in run_cli("so-tinh-lai", "--db", db, "--period", PERIOD).stdout.splitlines())


# --- a figure of the text with no appendix row (review D2) ---------------------------------------------
def test_a_kept_text_figure_is_explained_under_the_appendix(demo_store, tmp_path):
    import docx

    from cchc_desktop.exporting import docx_report

    pid = _pid(demo_store)
    untouched = _load(demo_store)
    notes = wording.text_figure_notes(untouched, corrections.by_code(untouched))
    assert "(*) Bộ phận Một cửa UBND, tỷ lệ giải quyết trước hạn (lời văn mục II.2): số tính lại 97,7 % " \
           "(3.143/3.218); trước đây ghi 97,6 %" in notes
    # a row only the text prints (TT/20, II.6's "119 TTHC/139 TTHC = 86%") has its note there too
    assert "(*) Tỷ lệ TTHC cấp xã cung cấp dịch vụ công trực tuyến " \
           "(lời văn mục II.6): số tính lại 85,6 % (119/139); trước đây ghi 86 %" in notes
    demo_store.set_correction_choice(pid, "hs.ubnd.ty_le_truoc_han", "giu-so", "Theo phần mềm một cửa")
    data = _load(demo_store)
    note = next(n for n in wording.text_figure_notes(data, corrections.by_code(data)) if "giữ" in n or "của đơn vị 97,6" in n)
    assert note == ("(*) Bộ phận Một cửa UBND, tỷ lệ giải quyết trước hạn (lời văn mục II.2): lời văn in số của "
                    "đơn vị 97,6 %; số tính lại là 97,7 % (3.143/3.218): Theo phần mềm một cửa")
    assert note in _appendix_cells(data) and wording.TEXT_FIGURES_HEADING in _appendix_cells(data)
    out = docx_report.write(data, tmp_path / "r.docx", charts=False)
    paragraphs = [p.text.replace("\u00a0", " ") for p in docx.Document(str(out)).paragraphs]
    assert paragraphs.index(note) > paragraphs.index(wording.TEXT_FIGURES_HEADING)
    # the body prints the unit's figure alone, the note stays in the appendix
    body = paragraphs[:paragraphs.index(wording.TEXT_FIGURES_HEADING)]
    assert any("97,6" in t for t in body) and not any("Theo phần mềm một cửa" in t for t in body)


def test_a_rate_the_seed_printed_0_over_no_case_is_blank_and_says_why(demo_store):
    """Review D3: BM3 3.4 printed "0 %" over 0 / 0 PAKN; the app leaves it blank, and says so."""
    data = _load(demo_store)
    assert data.values["BM3/3.4"] is None
    fixes = corrections.by_code(data)
    assert wording.row_note(data, "BM3/3.4", fixes) == \
        "(*) Trước đây ghi 0 %; nay để trống (0/0: không có trường hợp nào nên không có tỷ lệ)"
    assert wording.row_note(data, "BM2/2.2", fixes) == "(*) Trước đây ghi 0 %; nay để trống (các dòng thành phần chưa có số)"
    f = _finding(data, "BM3/3.4")
    assert "số đơn vị đã ghi trước đây là 0 %, phần mềm để trống (0/0" in f.message
    assert "Báo cáo để trống ô này" in f.message
    assert wording.row_note(data, "BM3/3.4", fixes) in _appendix_cells(data)
