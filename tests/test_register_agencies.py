"""The register's Cơ quan column sends each dossier to its agency's table (UBND desk, Công an
xã, BCH Quân sự xã): the police's dossiers never swell the UBND desk's figures."""
import openpyxl
import pytest

from cchc_desktop import cli
from cchc_desktop.domain import dossiers
from cchc_desktop.importing import register as reg


@pytest.mark.parametrize("text, agency", [
    ("", "ubnd"), ("Bộ phận Một cửa", "ubnd"), ("UBND xã Chi Lăng Nam", "ubnd"), ("Công chức Tư pháp - Hộ tịch", "ubnd"),
    ("Công an xã", "cong_an"), ("CÔNG AN XÃ CHI LĂNG NAM", "cong_an"),
    ("BCH Quân sự xã", "quan_su"), ("Ban chỉ huy quân sự", "quan_su"),
])
def test_agency_of(text, agency):
    assert reg.agency_of(text) == agency


def write_register(path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Mã hồ sơ", "Lĩnh vực", "Ngày tiếp nhận", "Ngày hẹn trả", "Ngày trả kết quả", "Cơ quan",
               "Hình thức nộp"])
    rows = [
        ("H1", "Hộ tịch", "01/03/2023", "03/03/2023", "02/03/2023", "Bộ phận một cửa", "Trực tuyến"),
        ("H2", "Hộ tịch", "02/03/2023", "03/03/2023", "03/03/2023", "", "Trực tiếp"),
        ("C1", "Cư trú", "05/03/2023", "10/03/2023", "12/03/2023", "Công an xã", "Trực tuyến"),
        ("C2", "Cư trú", "06/03/2023", "10/03/2023", None, "Công an xã", "Trực tuyến"),
        ("Q1", "Nghĩa vụ quân sự", "07/03/2023", "09/03/2023", "08/03/2023", "BCH Quân sự xã", "Trực tiếp"),
        # a day above 12 in every date column: the columns read day first (one order per column)
        ("T1", "Chứng thực", "14/03/2023", "15/03/2023", "14/03/2023", "", "Trực tiếp"),
    ]
    for r in rows:
        ws.append(list(r))
    wb.save(path)


def test_figures_per_agency_and_applied_to_each_table(demo_store, tmp_path):
    store = demo_store
    unit = store.unit()["code"]
    period = store.get_period(unit, "2023-NAM")
    write_register(tmp_path / "so.xlsx")
    reg.import_register(store, unit, tmp_path / "so.xlsx")
    by_agency = reg.period_figures_by_agency(store, period["id"])
    assert list(by_agency) == ["ubnd", "cong_an", "quan_su"]
    assert by_agency["ubnd"]["Hộ tịch"]["truc_tuyen"] == 1 and by_agency["ubnd"]["Hộ tịch"]["truc_tiep"] == 1
    assert "Cư trú" not in by_agency["ubnd"]
    police = by_agency["cong_an"]["Cư trú"]
    assert (police["truc_tuyen"], police["qua_han"], police["dang_giai_quyet"]) == (2, 1, 1)
    assert by_agency["quan_su"]["Nghĩa vụ quân sự"]["truoc_han"] == 1
    reg.apply_figures_by_agency(store, period["id"], by_agency)
    for agency in by_agency:
        table = store.dossier_table(period["id"], agency)
        names = [f["name"] for f in table.fields]
        assert set(by_agency[agency]) <= set(names)
        eff = table.effective()
        for c in dossiers.COLUMNS:
            assert eff[c] == sum(r[c] for r in by_agency[agency].values())


def test_register_stats_cli_prints_and_applies_every_agency(demo_file, tmp_path, capsys):
    import shutil

    path = tmp_path / "d.sqlite"
    shutil.copy(demo_file, path)
    write_register(tmp_path / "so.xlsx")
    assert cli.main(["import-register", "--db", str(path), str(tmp_path / "so.xlsx")]) == 0
    capsys.readouterr()
    assert cli.main(["register-stats", "--db", str(path), "--period", "2023-NAM", "--apply"]) == 0
    out = capsys.readouterr().out
    assert "Công an xã:" in out and "BCH Quân sự xã:" in out
    assert "Bộ phận Một cửa UBND, Công an xã, BCH Quân sự xã" in out
