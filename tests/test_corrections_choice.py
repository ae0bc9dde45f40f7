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
