"""The QĐ 766 index at the province: the package's section (the counts, never the points), its
checks against hostile data, the province's own scoring and the comparison of its communes.

Lai Châu (38 units of the official list): three communes send their 2025 packages. A holds the
register of tests/test_index766.py moved one year on (its window 15/12/2024 – 14/12/2025) and
the same typed values, so its figures are the hand-computed ones there; B's register has the
columns up to "Đồng bộ DVC quốc gia" only (partial); C's package comes from an older version,
without the section. The other 35 have sent nothing.
"""
from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest

from cchc_desktop import dataio
from cchc_desktop.domain import official_units
from cchc_desktop.exporting import package as pkg
from cchc_desktop.importing import package as ip
from cchc_desktop.importing import register as reg
from cchc_desktop.report import index766, index766_province as prov
from cchc_desktop.store import open_store
from tests.conftest import run_cli
from tests.test_index766 import HEADERS, ROWS, write
from tests.test_package import data_dump, read_members, write_zip
from tests.test_package_desk import add_commune

PERIOD = "2025-NAM"
LAI_CHAU = "12"
CREATED = "2025-12-16T09:00:00+07:00"


def _next_year(v):
    return v.replace(year=v.year + 1) if isinstance(v, dt.date) else v


ROWS_2025 = [tuple(_next_year(v) for v in r) for r in ROWS]


def make_province(tmp):
    """The three communes' packages imported into Lai Châu's file (the module's docstring): a dict of
    the two open stores, the file, the communes' codes and their packages."""
    communes = open_store(tmp / "xa.sqlite")
    usb = tmp / "usb"
    usb.mkdir()
    units = official_units.units(LAI_CHAU)
    a, b, c = (add_commune(communes, u, received=10) for u in units[:3])
    reg.import_register(communes, a, write(tmp / "a.xlsx", rows=ROWS_2025))
    reg.import_register(communes, b, write(tmp / "b.xlsx", rows=ROWS_2025, headers=HEADERS[:10]))
    pid = communes.get_period(a, PERIOD)["id"]
    for name, v in (("tthc_cong_bo_dung_han", "9"), ("tthc_cong_bo", "10"), ("pakn_dung_han", "0"),
                    ("pakn_tiep_nhan", "0")):
        index766.set_typed(communes, pid, name, v)
    paths = {code: pkg.make_package(communes, code, PERIOD, usb, check_errors=False, documents=False,
                                    created_at=CREATED) for code in (a, b, c)}
    # C's package as an older version made it: no section, signed by its key all the same
    members = read_members(paths[c])
    doc = json.loads(members[pkg.DATA])
    del doc[prov.SECTION]
    write_zip(paths[c], {**members, pkg.DATA: dataio.dumps(doc).encode()}, key=pkg.signing_key(communes, c))
    db = tmp / "tinh.sqlite"
    r = run_cli("import-package", "--db", db, usb)
    assert r.returncode == 0, r.stdout + r.stderr
    return {"tmp": tmp, "db": db, "upper": open_store(db), "communes": communes, "codes": (a, b, c), "units": units,
            "paths": paths}


@pytest.fixture(scope="module")
def province(tmp_path_factory):
    made = make_province(tmp_path_factory.mktemp("lai-chau"))
    yield made
    made["upper"].close()
    made["communes"].close()


def test_the_package_carries_counts_and_the_index_version_never_points(province):
    a = province["codes"][0]
    doc = json.loads(read_members(province["paths"][a])[pkg.DATA])
    section = doc[prov.SECTION]
    assert section["bo_chi_so"] == "QD766-2022.1"
    assert (section["tu_ngay"], section["den_ngay"]) == ("2024-12-15", "2025-12-14")
    by = {e["ma"]: e for e in section["chi_tieu"]}
    assert by["1.4"] == {"ma": "1.4", "so_lieu": "dong_bo", "tu_so": 4, "mau_so": 5, "co_gia_tri": 5, "lien_quan": 5}
    assert by["1.1"] == {"ma": "1.1", "nhap": {"tthc_cong_bo_dung_han": 9, "tthc_cong_bo": 10}}
    assert by["1.2"]["nhap"] == {"tthc_cong_khai_dung_han": None, "tthc_phai_cong_khai": None}
    assert not any(k in e for e in section["chi_tieu"] for k in ("diem", "ty_le"))


def test_the_province_scores_each_commune_from_its_counts(province):
    upper = province["upper"]
    a, b, c = province["codes"]
    table = prov.province_table(upper, PERIOD)
    assert len(table.communes) == 38
    rows = {r.code: r for r in table.communes}
    # A: the hand computation of tests/test_index766.py (1.4: 6 × 4/5 = 4,80; 1.1: 6 × 9/10 = 5,40; …)
    assert rows[a].result.points == Decimal("37.37") and rows[a].rank == 1
    assert rows[a].group_texts() == ["10,2", "10", "4", "5,5", "7,67"]
    # B: synced 4 of 5 → 4,80; on time 3 of 6 → 10; nothing typed, no other column → 14,80 on 26 points
    assert rows[b].result.points == Decimal("14.80") and rows[b].result.counted_max == 26 and rows[b].rank == 2
    assert rows[b].group_texts() == ["4,8", "10", "chưa có số liệu", "chưa có số liệu", "chưa có số liệu"]
    crit = {x.code: x for x in rows[b].result.criteria()}
    assert crit["4.1"].missing.startswith("sổ hồ sơ chưa có cột") and crit["3.0"].rate == Decimal("40.00")
    # C: sent, but its package has no section: "chưa có số liệu", never 0, and no rank
    assert rows[c].status == "chua_co_so_lieu" and rows[c].total_text() == "chưa có số liệu" and rows[c].rank is None
    missing = [r for r in table.communes if r.status == "chua_nop"]
    assert len(missing) == 35 and all(r.total_text() == "chưa nộp" and r.result is None for r in missing)
    assert [r.code for r in table.communes[:3]] == [a, b, c]


def test_ties_share_a_rank():
    def row(code, points):
        res = index766.IndexResult("v", code, code, dt.date(2025, 1, 1), dt.date(2025, 1, 2), "", [], Decimal(100))
        r = prov.CommuneIndex(code, code, "co_so_lieu", res)
        res.groups = [index766.GroupResult("1", "g", Decimal(100), [index766.CriterionResult(
            "1.1", "c", "1", Decimal(100), "ty_le", None, "", "", False, points=Decimal(points))])]
        return r
    rows = [row("x", 50), row("y", 70), row("z", 50), row("w", 10)]
    prov.rank(rows)
    assert [r.rank for r in rows] == [2, 1, 2, 4]


def test_the_province_never_trusts_the_communes_points_or_index_file(province, tmp_path):
    """A section counted with another index version, with points planted in it: the province
    scores the counts with its own file and reads no planted number."""
    communes, a = province["communes"], province["codes"][0]
    members = read_members(province["paths"][a])
    doc = json.loads(members[pkg.DATA])
    doc[prov.SECTION]["bo_chi_so"] = "QD766-2099.9"
    for e in doc[prov.SECTION]["chi_tieu"]:
        e["diem"] = 99
    doc[prov.SECTION]["diem"] = 100
    path = write_zip(tmp_path / pkg.file_name(a, PERIOD), {**members, pkg.DATA: dataio.dumps(doc).encode()},
                     key=pkg.signing_key(communes, a))
    db = tmp_path / "tinh.sqlite"
    assert run_cli("import-package", "--db", db, path).returncode == 0
    store = open_store(db)
    try:
        row = next(r for r in prov.province_table(store, PERIOD).communes if r.code == a)
        assert row.result.points == Decimal("37.37") and row.result.sent_version == "QD766-2099.9"
    finally:
        store.close()


def _hostile(section: dict, change: str) -> dict:
    s = json.loads(json.dumps(section))
    by = {e["ma"]: e for e in s["chi_tieu"]}
    if change == "text":
        by["1.4"]["tu_so"] = "4"
    elif change == "negative":
        by["1.4"]["mau_so"] = -5
    elif change == "bool":
        by["2.1"]["tu_so"] = True
    elif change == "above":
        by["1.4"]["tu_so"] = 6
    elif change == "huge":
        by["1.4"]["lien_quan"] = 10 ** 13
    elif change == "measure":
        by["1.4"]["so_lieu"] = "xoa_het"
    elif change == "typed":
        by["1.1"]["nhap"]["tthc_cong_bo"] = 1.5
    elif change == "name":
        by["1.1"]["nhap"] = {"'; DROP TABLE periods; --": 1}
    elif change == "list":
        s["chi_tieu"] = {"1.4": 1}
    elif change == "window":
        s["tu_ngay"] = "2025-01-01"
    elif change == "version":
        s["bo_chi_so"] = "../../etc/passwd"
    elif change == "twice":
        s["chi_tieu"].append({**by["1.4"], "ma": "9.9", "tu_so": 1})
    elif change == "empty":
        s["chi_tieu"].append({"ma": "9.9"})
    elif change == "not_a_table":
        s = [1, 2]
    return s


HOSTILE = {"text": "1.4: tu_so không phải số nguyên", "negative": "1.4: mau_so phải từ 0",
           "bool": "2.1: tu_so không phải số nguyên", "above": "1.4: các số không khớp nhau",
           "huge": "1.4: lien_quan phải từ 0", "measure": "số liệu “xoa_het” không có",
           "typed": "tthc_cong_bo không phải số nguyên", "name": "tên giá trị nhập", "list": "danh sách chỉ tiêu",
           "window": "khác khoảng ngày của kỳ báo cáo", "version": "phiên bản bộ chỉ số",
           "twice": "ghi hai lần khác nhau", "empty": "9.9: không có số liệu", "not_a_table": "không phải một bảng"}


@pytest.mark.parametrize("change", list(HOSTILE))
def test_a_hostile_section_is_refused_in_one_vietnamese_line_and_nothing_written(province, tmp_path, change):
    communes, a = province["communes"], province["codes"][0]
    members = read_members(province["paths"][a])
    doc = json.loads(members[pkg.DATA])
    doc[prov.SECTION] = _hostile(doc[prov.SECTION], change)
    path = write_zip(tmp_path / pkg.file_name(a, PERIOD), {**members, pkg.DATA: dataio.dumps(doc).encode()},
                     key=pkg.signing_key(communes, a))
    with pytest.raises(ip.PackageError) as e:
        ip.check_package(path)
    msg = str(e.value)
    assert HOSTILE[change] in msg and msg.startswith("phần chỉ số QĐ 766") and "\n" not in msg
    # the command line: one line on the output, exit 1, the province's file unchanged
    db = province["tmp"] / f"copy-{change}.sqlite"
    import shutil
    province["upper"].db.conn.execute("PRAGMA wal_checkpoint(FULL)")
    shutil.copy(province["db"], db)
    before = data_dump(db)
    r = run_cli("import-package", "--db", db, path)
    assert r.returncode == 1 and HOSTILE[change] in r.stdout and "Traceback" not in r.stdout + r.stderr
    assert data_dump(db) == before


def test_the_load_command_checks_the_section_too(province, tmp_path):
    a = province["codes"][0]
    doc = json.loads(read_members(province["paths"][a])[pkg.DATA])
    doc[prov.SECTION] = _hostile(doc[prov.SECTION], "negative")
    f = tmp_path / "ky.json"
    f.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    r = run_cli("load", "--db", tmp_path / "moi.sqlite", f)
    assert r.returncode != 0 and "phần chỉ số QĐ 766" in r.stderr and "Traceback" not in r.stderr


def test_a_dump_at_the_province_gives_back_what_the_commune_sent(province):
    upper, (a, b, c) = province["upper"], province["codes"]
    sent = json.loads(read_members(province["paths"][b])[pkg.DATA])[prov.SECTION]
    assert dataio.dump(upper, b, PERIOD)[prov.SECTION] == sent
    # an older package's commune: nothing counted from the province's (empty) register either
    assert upper.find_period(c, PERIOD) is not None
    assert prov.commune_result(upper, upper.unit(c), upper.get_period(c, PERIOD)) is None
    assert prov.SECTION not in dataio.dump(upper, c, PERIOD)


def test_a_communes_own_file_counts_its_register_even_after_loading_a_section(province, tmp_path):
    """A commune that loads its period back from a JSON file gets its typed values back, but its
    next package counts its own register, never the counts the JSON file carried."""
    a = province["codes"][0]
    doc = json.loads(read_members(province["paths"][a])[pkg.DATA])
    by = {e["ma"]: e for e in doc[prov.SECTION]["chi_tieu"]}
    by["1.4"].update(tu_so=1, mau_so=1, co_gia_tri=1, lien_quan=1)
    own = open_store(tmp_path / "xa.sqlite")
    try:
        dataio.load(own, doc)
        period = own.get_period(a, PERIOD)
        assert index766.typed_values(own, period["id"])["tthc_cong_bo"] == 10
        again = {e["ma"]: e for e in dataio.dump(own, a, PERIOD)[prov.SECTION]["chi_tieu"]}
        assert again["1.4"]["mau_so"] == 0 and again["1.1"]["nhap"]["tthc_cong_bo"] == 10  # no register here
    finally:
        own.close()


def test_cli_lists_every_commune_and_one_communes_criteria(province):
    db, (a, b, c) = province["db"], province["codes"]
    province["upper"].db.conn.execute("PRAGMA wal_checkpoint(FULL)")
    r = run_cli("index-766", "--db", db, "--period", PERIOD, "--json")
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    rows = {x["ma"]: x for x in out["don_vi_cap_xa"]}
    assert len(rows) == 38 and rows[a]["hang"] == 1 and rows[a]["diem"] == 37.37
    assert [g["diem"] for g in rows[b]["nhom"]] == [4.8, 10, None, None, None]
    assert rows[c]["diem"] is None and rows[c]["tinh_trang"] == "chua_co_so_lieu"
    assert sum(1 for x in rows.values() if x["tinh_trang"] == "chua_nop") == 35
    r = run_cli("index-766", "--db", db, "--period", PERIOD)
    assert r.returncode == 0 and "3/38 đơn vị có số liệu" not in r.stdout and "2/38 đơn vị có số liệu" in r.stdout
    lines = r.stdout.splitlines()
    first = next(line for line in lines if line.startswith("1\t"))
    assert "37,37\t10,2\t10\t4\t5,5\t7,67" in first
    assert any(line.endswith("\tchưa nộp") for line in lines)
    r = run_cli("index-766", "--db", db, "--period", PERIOD, "--unit", b)
    assert r.returncode == 0, r.stderr
    assert "Tổng điểm: 14,8 / 100" in r.stdout and "1.4 Tỷ lệ hồ sơ đồng bộ" in r.stdout and "(4/5)" in r.stdout
    r = run_cli("index-766", "--db", db, "--period", PERIOD, "--unit", c)
    assert r.returncode == 0 and "chưa có số liệu" in r.stdout
    r = run_cli("index-766", "--db", db, "--period", PERIOD, "--unit", b, "--ho-so-mat-diem")
    assert r.returncode != 0 and "gói nộp" in r.stderr


def test_the_rollup_workbook_has_the_index_sheet(province):
    import openpyxl

    db, (a, b, c) = province["db"], province["codes"]
    out = province["tmp"] / "tong-hop.xlsx"
    r = run_cli("rollup", "--db", db, "--period", PERIOD, "--xlsx", out)
    assert r.returncode == 0, r.stderr
    ws = openpyxl.load_workbook(out)["Chỉ số QĐ 766"]
    assert ws.cell(3, 5).value == "Tổng điểm (100)" and ws.cell(3, 6).value == "Công khai, minh bạch (18)"
    rows = {ws.cell(i, 3).value: [ws.cell(i, k).value for k in range(1, 12)] for i in range(4, ws.max_row + 1)}
    assert len(rows) == 38
    names = {x.code: x.name for x in prov.province_table(province["upper"], PERIOD).communes}
    assert rows[names[a]][1] == 1 and rows[names[a]][4:10] == [37.37, 10.2, 10, 4, 5.5, 7.67]
    assert ws.cell(4, 5).number_format == "0.00"
    assert rows[names[b]][4:10] == [14.8, 4.8, 10, "chưa có số liệu", "chưa có số liệu", "chưa có số liệu"]
    assert rows[names[b]][10] == 26
    assert rows[names[c]][4] == "chưa có số liệu" and rows[names[c]][1] in (None, "")
    assert sum(1 for v in rows.values() if v[4] == "chưa nộp") == 35


def test_upgrade_from_v12_holds_no_section_so_nothing_is_counted(tmp_path):
    import shutil
    from pathlib import Path

    src = Path(__file__).resolve().parent / "fixtures" / "schema" / "v12.sqlite"
    path = tmp_path / "v12.sqlite"
    shutil.copy(src, path)
    store = open_store(path)
    try:
        tables = {r[0] for r in store.db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        assert {"index766_received", "index766_counts"} <= tables
        period = store.get_period("x-co", "2023-NAM")
        assert prov.commune_result(store, store.unit("x-co"), period) is None
        # the file's own unit still counts from its register, and dumps that as its section
        section = dataio.dump(store, "x-co", "2023-NAM")[prov.SECTION]
        assert {e["ma"] for e in section["chi_tieu"]} >= {"1.4", "2.1"}
        assert store.db.execute("SELECT COUNT(*) FROM index766_received").fetchone()[0] == 0
    finally:
        store.close()
