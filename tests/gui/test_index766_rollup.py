"""The roll-up dialog's tab Chỉ số QĐ 766: Lai Châu's 38 units with the three communes' packages of
tests/test_index766_province.py (A full, B partial columns, C without the section), offscreen."""
from __future__ import annotations

import os

import pytest

from tests.test_index766_province import PERIOD, make_province
from ui.packages import rollup


@pytest.fixture(scope="module")
def province(tmp_path_factory):
    made = make_province(tmp_path_factory.mktemp("lai-chau-gui"))
    yield made
    made["upper"].close()
    made["communes"].close()


def test_the_tab_lists_every_commune_ranked_with_its_groups(qtbot, province, no_dialogs, tmp_path, monkeypatch):
    a, b, c = province["codes"]
    dlg = rollup.RollupDialog(province["upper"], "12", PERIOD)
    qtbot.addWidget(dlg)
    titles = [dlg.tabs.tabText(i) for i in range(dlg.tabs.count())]
    assert rollup.INDEX_TAB in titles
    dlg.tabs.setCurrentIndex(titles.index(rollup.INDEX_TAB))
    page = dlg.index_page
    t = page.communes
    assert t.rowCount() == 38
    headers = [t.horizontalHeaderItem(k).text() for k in range(t.columnCount())]
    assert headers == ["Hạng", "Đơn vị cấp xã", "Tổng điểm (100)", "Nhóm 1 (18)", "Nhóm 2 (20)", "Nhóm 3 (22)",
                       "Nhóm 4 (22)", "Nhóm 5 (18)", "Tình trạng"]
    assert t.horizontalHeaderItem(3).toolTip() == "Công khai, minh bạch"
    row = [[t.item(i, k).text() for k in range(t.columnCount())] for i in range(t.rowCount())]
    assert row[0][0] == "1" and row[0][2:8] == ["37,37", "10,2", "10", "4", "5,5", "7,67"]
    assert row[1][0] == "2" and row[1][2:5] == ["14,8", "4,8", "10"] and row[1][5] == "chưa có số liệu"
    assert row[2][0] == "" and row[2][2] == "chưa có số liệu" and row[2][8] == "Đã nộp, chưa có số liệu chỉ số"
    assert all(r[2] == "chưa nộp" and r[3:8] == [""] * 5 and r[8] == "Chưa nộp" for r in row[3:])
    assert "2/38 đơn vị có số liệu chỉ số" in page.note.text()
    # picking B shows its criteria: 1.4 from its counts, 4.1 without the column
    t.selectRow(1)
    crit = {page.criteria.item(i, 0).text(): [page.criteria.item(i, k).text() for k in range(7)]
            for i in range(page.criteria.rowCount())}
    assert crit["1.4"][2:6] == ["80 %", "4 / 5", "4,8", "6"]
    assert crit["4.1"][2] == "chưa có số liệu" and crit["4.1"][6].startswith("sổ hồ sơ chưa có cột")
    assert "14,8 / 100" in page.detail_title.text()
    t.selectRow(2)
    assert page.criteria.rowCount() == 0 and "chưa có số liệu" in page.detail_title.text()
    if os.environ.get("CCHC_SHOTS"):
        dlg.resize(1100, 700)
        dlg.show()
        t.selectRow(1)
        dlg.grab().save(os.path.join(os.environ["CCHC_SHOTS"], "rollup-index766.png"))
    # the dialog's Excel export carries the sheet
    out = tmp_path / "tong-hop.xlsx"
    monkeypatch.setattr(rollup, "ask_save_path", lambda *a, **k: str(out))
    dlg.export("xlsx")
    import openpyxl

    assert "Chỉ số QĐ 766" in openpyxl.load_workbook(out).sheetnames
