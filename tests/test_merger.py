"""The merger year (issue 23 item 4): xã Nam Thanh Miện (formed on 1/7/2025 of Chi Lăng Bắc, Chi
Lăng Nam, Thanh Giang and Hồng Phong) takes two former communes' first half of 2025 from their
hand-off packages into its 2025 annual report, by the roll-up's rules."""
from __future__ import annotations

import copy
import json
from decimal import Decimal
from pathlib import Path

import pytest

from cchc_desktop import dataio
from cchc_desktop.domain import catalogue, dossiers
from cchc_desktop.errors import UserError
from cchc_desktop.exporting import package as pkg
from cchc_desktop.importing import former
from cchc_desktop.report import values
from cchc_desktop.report.default_texts import setup_unit
from cchc_desktop.store import open_store
from tests.conftest import ROOT, run_cli

DEMO = json.loads((ROOT / "resources" / "demo" / "chi-lang-nam-2023.json").read_text(encoding="utf-8"))
NEW = "11284"  # Xã Nam Thanh Miện (the list reuses Chi Lăng Nam's former code)


def _former_package(tmp_path: Path, code: str, name: str, scale: int) -> Path:
    """A former commune's 6-month 2025 package: the demo's figures times `scale`, in the 2023 frame."""
    store = open_store(tmp_path / f"{code}.sqlite")
    old = store.catalogue(DEMO["catalogue_version"])
    doc = copy.deepcopy(DEMO)
    doc["unit"].update(code=code, name=name, place_name=name)
    doc["period"].update(code="2025-6T", start="2024-12-15", end="2025-06-14", deadline="2025-06-18",
                         doc_date=None)
    for c, v in doc["values"].items():
        row = old.rows_by_code.get(c)  # None: the unit's own figure of a dossier measure (report/corrections.py)
        if row is not None and row.kind == "count" and isinstance(v.get("value"), int):
            v["value"] = v["value"] * scale
    for table in doc["dossiers"].values():
        for cells in [table.get("total") or {}] + (table.get("fields") or []):
            for c in dossiers.COLUMNS:
                if isinstance(cells.get(c), int):
                    cells[c] *= scale
    try:
        dataio.load(store, doc)
        out = tmp_path / "usb"
        out.mkdir(exist_ok=True)
        return pkg.make_package(store, code, "2025-6T", out, check_errors=False, documents=False)
    finally:
        store.close()


@pytest.fixture
def new_commune(tmp_path):
    store = open_store(tmp_path / "nam-thanh-mien.sqlite")
    setup_unit(store, NEW, "Nam Thanh Miện", "xa", period_code="2025-NAM", upper_name="thành phố Hải Phòng",
               upper_code="31", province="Hải Phòng", place_name="Nam Thanh Miện")
    pid = store.get_period(NEW, "2025-NAM")["id"]
    yield store, pid
    store.close()


def _sum_row(cat_new, code: str) -> bool:
    row = cat_new.rows_by_code.get(code)
    return row is not None and row.editable and row.kind == "count"


def test_two_former_packages_are_consolidated_with_the_second_half(tmp_path, new_commune):
    store, pid = new_commune
    cat = store.catalogue(store.period(pid)["catalogue_version"])
    # the second half, typed by the new commune itself
    shared = [c for c, v in DEMO["values"].items() if _sum_row(cat, c) and isinstance(v.get("value"), int)
              and v["value"] > 0]
    assert shared, "the two frames share no count row"
    code = shared[0]
    store.set_value(pid, code, "7")
    store.set_dossier(pid, "ubnd", "", "truc_tiep", "10")
    store.set_dossier(pid, "ubnd", "", "dung_han", "10")
    before = values.load_period(store, pid).measures("ubnd")
    a = _former_package(tmp_path, "11284", "Chi Lăng Nam", 1)
    b = _former_package(tmp_path, "11287", "Thanh Giang", 2)

    plan = former.plan(store, pid, [a, b])
    assert [s.ok for s in plan.sources] == [True, True], [s.reason for s in plan.sources]
    assert plan.sources[0].name == "xã Chi Lăng Nam" and "6 tháng đầu năm 2025" in plan.sources[0].period_words()
    assert store.values(pid)[code]["value"] == "7"  # a plan writes nothing
    former.apply(store, plan)

    data = values.load_period(store, pid)
    demo_value = DEMO["values"][code]["value"]
    assert data.values[code] == Decimal(7 + demo_value * 3)
    # dossier totals: the own 10 + the demo's total once and twice; the rate recomputed from the sums
    demo_ubnd = DEMO["dossiers"]["ubnd"]
    demo_table = dossiers.AgencyTable("ubnd")
    demo_table.total = {c: None if demo_ubnd["total"].get(c) is None else Decimal(demo_ubnd["total"][c])
                        for c in dossiers.COLUMNS}
    demo_table.fields = [{"name": f["name"], **{c: None if f.get(c) is None else Decimal(f[c])
                                               for c in dossiers.COLUMNS}} for f in demo_ubnd["fields"]]
    eff = demo_table.effective()
    m = data.measures("ubnd")
    assert m["tiep_nhan"] == 10 + 3 * (eff["truc_tuyen"] + eff["truc_tiep"] + (eff["ky_truoc"] or 0))
    on_time = 10 + 3 * ((eff["truoc_han"] or 0) + (eff["dung_han"] or 0))
    assert m["da_giai_quyet"] == on_time + 3 * (eff["qua_han"] or 0)
    assert m["ty_le_dung_han"] == pytest.approx(Decimal(100) * on_time / m["da_giai_quyet"], abs=Decimal("0.1"))
    # a 2023 row that counted the district's work is not summed into today's row of the same code
    old = store.catalogue(DEMO["catalogue_version"]).rows_by_code["BM2/2.1"]
    assert "huyện" in old.label and "huyện" not in cat.rows_by_code["BM2/2.1"].label
    assert not catalogue.comparable(old, cat.rows_by_code["BM2/2.1"])
    assert data.values.get("BM2/2.1") is None
    # a row of the old forms with its figures missing in the new commune's own second half says so
    missing_own = next(c for c in shared[1:] if data.raw.get(c, {}).get("value") is not None)
    assert data.note(missing_own) == "Chưa có số liệu từ ngày 01/7/2025 của xã Nam Thanh Miện"
    assert "1/3" not in data.note(missing_own)
    # the sources, as the report names them
    assert [s["former_name"] for s in data.merger_sources] == ["xã Chi Lăng Nam", "xã Thanh Giang"]
    lines = former.source_lines(data.merger_sources)
    assert "6 tháng đầu năm 2025" in lines[0] and a.name in lines[0]

    # the Word report says where the first half comes from, and who is still missing
    from cchc_desktop.exporting import docx_report
    from docx import Document

    out = docx_report.write(data, tmp_path / "bao-cao.docx", charts=False)
    text = "\n".join(p.text for p in Document(out).paragraphs)
    assert "Xã Thanh Giang" in text and "6.450 hồ sơ tiếp nhận" in text
    assert "số liệu của xã Nam Thanh Miện từ ngày 01/7/2025 và số liệu của 2 đơn vị trước sắp xếp" in text
    assert "- Xã Chi Lăng Nam: báo cáo 6 tháng đầu năm 2025, từ ngày 15/12/2024 đến ngày 14/6/2025" in text
    assert "Chưa có số liệu nửa đầu năm 2025 của: xã Chi Lăng Bắc, xã Hồng Phong." in text
    # before the opening's closing "… như sau:", which leads into section I
    assert text.index("Chưa có số liệu nửa đầu năm 2025") < text.index("như sau:") < text.index("I. CÔNG TÁC")

    # taking Chi Lăng Nam again (a newer package) replaces it, never counts it twice
    former.apply(store, former.plan(store, pid, [a]))
    assert values.load_period(store, pid).values[code] == Decimal(7 + demo_value * 3)
    # a figure corrected after the merge: merging again is refused rather than losing it
    store.set_value(pid, code, str(7 + demo_value * 3 + 1))
    with pytest.raises(UserError, match="đã sửa sau lần tổng hợp trước"):
        former.apply(store, former.plan(store, pid, [b]))
    # undo: the own figures back
    assert former.undo(store, pid) == 2
    data = values.load_period(store, pid)
    assert data.values[code] == Decimal(7) and data.merger_sources == []
    assert data.measures("ubnd") == before


def test_a_commune_that_is_not_a_former_one_is_refused(tmp_path, new_commune):
    store, pid = new_commune
    other = _former_package(tmp_path, "11011", "Tân Hưng", 1)  # went into Phường Tân Hưng, not here
    plan = former.plan(store, pid, [other])
    assert not plan.sources[0].ok
    assert plan.sources[0].reason.startswith("xã Tân Hưng không phải đơn vị cũ hợp thành xã Nam Thanh Miện")
    assert "xã Chi Lăng Nam" in plan.sources[0].reason


def test_cli_takes_the_packages_and_refuses_a_stranger_in_one_line(tmp_path, new_commune):
    store, pid = new_commune
    store.close()
    db = tmp_path / "nam-thanh-mien.sqlite"
    a = _former_package(tmp_path, "11284", "Chi Lăng Nam", 1)
    r = run_cli("merge-former", "--db", db, "--period", "2025-NAM", a)
    assert r.returncode == 0, r.stderr
    assert "xã Chi Lăng Nam" in r.stdout and "Đã tổng hợp" in r.stdout
    stranger = _former_package(tmp_path, "11011", "Tân Hưng", 1)
    r = run_cli("merge-former", "--db", db, "--period", "2025-NAM", stranger)
    assert r.returncode == 1
    assert "Traceback" not in r.stderr and len(r.stderr.strip().splitlines()) == 1
    assert "không phải đơn vị cũ hợp thành" in r.stdout
    # a period without 1/7/2025 in it: one Vietnamese line
    run_cli("new-period", "--db", db, "--period", "2026-Q1")
    r = run_cli("merge-former", "--db", db, "--period", "2026-Q1", a)
    assert r.returncode == 1 and "không chứa ngày 01/7/2025" in r.stderr


def test_a_former_commune_divided_between_new_units_is_refused(tmp_path):
    """Phường Tân Hưng took only part of phường Trần Phú: its whole figures would count twice (read from
    its data file, the .sqlite way in)."""
    store = open_store(tmp_path / "tan-hung.sqlite")
    try:
        setup_unit(store, "10537", "Tân Hưng", "phuong", period_code="2025-NAM", upper_name="thành phố Hải Phòng",
                   upper_code="31", province="Hải Phòng", place_name="Tân Hưng")
        pid = store.get_period("10537", "2025-NAM")["id"]
        doc = copy.deepcopy(DEMO)
        doc["unit"].update(code="10528", name="Trần Phú", kind="phuong")
        doc["period"].update(code="2025-6T", start="2024-12-15", end="2025-06-14", deadline=None, doc_date=None)
        src = open_store(tmp_path / "tran-phu.sqlite")
        dataio.load(src, doc)
        src.close()
        s = former.plan(store, pid, [tmp_path / "tran-phu.sqlite"]).sources[0]
        assert not s.ok and s.reason.startswith("phường Trần Phú chỉ có một phần nhập vào phường Tân Hưng")
    finally:
        store.close()
