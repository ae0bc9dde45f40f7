"""An error of validate blocks the package until fixed or explicitly accepted (issue 17)."""
from __future__ import annotations

import json
import zipfile

import pytest

from cchc_desktop.errors import UserError
from cchc_desktop.exporting import package as pkg
from cchc_desktop.importing import package as ip
from cchc_desktop.report import rules, values
from cchc_desktop.store import open_store

PERIOD = "2023-NAM"


def _errors(store):
    return [f for f in rules.validate(values.load_report(store, None, PERIOD)) if f.severity == "loi"]


def test_the_demo_package_is_refused_until_its_errors_are_accepted(demo_store, tmp_path):
    errors = _errors(demo_store)
    assert {f.rule for f in errors} >= {"ty-le-tren-100", "ty-le-khong-phat-sinh"}
    with pytest.raises(UserError) as e:
        pkg.make_package(demo_store, None, PERIOD, tmp_path, documents=False)
    assert "chưa được chấp nhận" in str(e.value) and "ty-le-tren-100" in str(e.value)
    assert not list(tmp_path.glob("*.cchc"))

    period = demo_store.get_period(demo_store.unit(None)["code"], PERIOD)
    with pytest.raises(UserError):
        demo_store.accept_error(period["id"], errors[0].rule, errors[0].target, errors[0].message, "  ")
    demo_store.accept_error(period["id"], errors[0].rule, errors[0].target, errors[0].message, "Đúng như văn bản gốc")
    assert pkg.blocking_errors(demo_store, None, PERIOD) == errors[1:]
    with pytest.raises(UserError):
        pkg.make_package(demo_store, None, PERIOD, tmp_path, documents=False)
    for f in errors[1:]:
        demo_store.accept_error(period["id"], f.rule, f.target, f.message, "Giữ lời văn của đơn vị")
    path = pkg.make_package(demo_store, None, PERIOD, tmp_path, documents=False)
    manifest = json.loads(zipfile.ZipFile(path).read(pkg.MANIFEST))
    listed = {(a["rule"], a["target"]): a["reason"] for a in manifest["accepted_errors"]}
    assert listed[(errors[0].rule, errors[0].target)] == "Đúng như văn bản gốc"
    assert len(listed) == len(errors)
    audited = [h["target"] for h in demo_store.history(period["id"])]
    assert f"error.accepted:{errors[0].rule}:{errors[0].target}" in audited

    demo_store.unaccept_error(period["id"], errors[0].rule, errors[0].target)
    assert pkg.blocking_errors(demo_store, None, PERIOD) == errors[:1]


def test_cli_lists_accepts_and_withdraws(demo_store, tmp_path, capsys):
    from cchc_desktop.cli import main

    db = str(demo_store.path)
    demo_store.close()
    assert main(["chap-nhan-loi", "--db", db, "--period", PERIOD]) == 0
    listing = capsys.readouterr().out
    assert "ty-le-tren-100@" in listing and "chưa chấp nhận" in listing
    assert main(["package", "--db", db, "--period", PERIOD, "--out", str(tmp_path), "--khong-kem-van-ban", "--chot"]) != 0
    assert main(["chap-nhan-loi", "--db", db, "--period", PERIOD, "--tat-ca"]) != 0  # no reason
    assert main(["chap-nhan-loi", "--db", db, "--period", PERIOD, "--tat-ca", "--ly-do", "Đúng văn bản gốc"]) == 0
    capsys.readouterr()
    assert main(["package", "--db", db, "--period", PERIOD, "--out", str(tmp_path), "--khong-kem-van-ban", "--chot"]) == 0
    assert list(tmp_path.glob("*.cchc"))
    code = next(line.split("\t")[0] for line in listing.splitlines() if line.startswith("ty-le-tren-100@"))
    assert main(["chap-nhan-loi", "--db", db, "--period", PERIOD, "--ma", code, "--bo"]) == 0
    capsys.readouterr()
    main(["chap-nhan-loi", "--db", db, "--period", PERIOD])
    out = capsys.readouterr().out
    assert f"{code}\tchưa chấp nhận" in out


def test_choices_and_accepted_errors_travel_in_the_manifest_and_show_at_the_import(demo_store, tmp_path):
    from cchc_desktop.importing import package as ip
    from cchc_desktop.store import open_store

    period = demo_store.get_period(demo_store.unit(None)["code"], PERIOD)
    for f in _errors(demo_store):
        demo_store.accept_error(period["id"], f.rule, f.target, f.message, "Đúng như văn bản gốc")
    demo_store.set_correction_choice(period["id"], "BM3/3.3.1", "giu-so", "Như báo cáo gửi huyện")
    demo_store.set_correction_choice(period["id"], "BM7/6.7", "dung-so-tinh-lai")
    out = tmp_path / "usb"
    out.mkdir()
    path = pkg.make_package(demo_store, None, PERIOD, out, documents=False)
    manifest = json.loads(zipfile.ZipFile(path).read(pkg.MANIFEST))
    listed = {c["name"]: c for c in manifest["correction_choices"]}
    assert set(listed) == {"BM3/3.3.1", "BM7/6.7"}  # only the figures answered
    kept = listed["BM3/3.3.1"]
    assert (kept["choice"], kept["note"], kept["own"], kept["computed"], kept["printed"]) == (
        "giu-so", "Như báo cáo gửi huyện", "3.225", "3.218", "3.225")
    assert kept["rests_on"] == "Dòng 3.3 tính theo số tính lại 3.218" and kept["chosen_at"]
    assert listed["BM7/6.7"]["printed"] == "97,6 %" and listed["BM7/6.7"]["note"] == ""

    upper = open_store(tmp_path / "huyen.sqlite")
    try:
        (result,) = ip.import_packages(upper, [path])
    finally:
        upper.close()
    assert result.status == "imported", result.message
    line = result.line()
    assert "đơn vị đã chấp nhận 2 lỗi" in line and "lý do: Đúng như văn bản gốc" in line
    assert ("giữ số của đơn vị ở 1 chỉ tiêu: Biểu mẫu 3, dòng 3.3.1 «Tổng số hồ sơ TTHC đã giải quyết xong»: "
            "in 3.225, số phần mềm 3.218 (ghi chú: Như báo cáo gửi huyện), dòng 3.3 tính theo số tính lại 3.218") in line
    assert "dùng số tính lại ở 1 chỉ tiêu: Biểu mẫu 7, dòng 6.7" in line and "(đơn vị ghi trước đây 84 %)" in line


def test_an_odd_manifest_list_never_breaks_the_import_note():
    from cchc_desktop.importing import package as ip

    assert ip.choices_note({}) == ""
    assert ip.choices_note({"accepted_errors": "x", "correction_choices": [1, {"choice": 5}]}) == ""


def test_cli_package_of_a_draft_asks_to_close_it_first(demo_store, tmp_path, capsys):
    """Review of issue 17 (W1): the upper level receives a final figure. A draft period's package is
    refused with a Vietnamese line naming --chot; with an error left, --chot refuses before closing;
    with --chot the period is closed (audited) and the package says so."""
    from cchc_desktop.cli import main

    db = str(demo_store.path)
    pid = demo_store.get_period(demo_store.unit()["code"], PERIOD)["id"]
    demo_store.close()
    usb = tmp_path / "usb"
    usb.mkdir()
    capsys.readouterr()
    assert main(["package", "--db", db, "--period", PERIOD, "--out", str(usb), "--khong-kem-van-ban", "--chot"]) != 0
    assert "lỗi" in capsys.readouterr().err  # the errors first: the period stays a draft
    store = open_store(db, lock=False)
    assert store.period(pid)["status"] == "draft"
    store.close()
    assert main(["chap-nhan-loi", "--db", db, "--period", PERIOD, "--tat-ca", "--ly-do", "Đúng văn bản gốc"]) == 0
    capsys.readouterr()
    assert main(["package", "--db", db, "--period", PERIOD, "--out", str(usb), "--khong-kem-van-ban"]) != 0
    err = capsys.readouterr().err
    assert "Năm 2023 của xã Chi Lăng Nam còn là bản nháp" in err and "--chot" in err and "Chốt rồi xuất" in err
    assert not list(usb.iterdir())
    assert main(["package", "--db", db, "--period", PERIOD, "--out", str(usb), "--khong-kem-van-ban", "--chot"]) == 0
    assert "Đã chốt năm 2023" in capsys.readouterr().err
    store = open_store(db, lock=False)
    assert store.period(pid)["status"] == "final"
    assert store.history(pid, "period.status")[-1]["new"] == "final"
    store.close()
    assert ip.check_package(next(usb.iterdir())).manifest["period"]["status"] == "final"
    # closed: no --chot needed any more
    assert main(["package", "--db", db, "--period", PERIOD, "--out", str(usb), "--khong-kem-van-ban"]) == 0
