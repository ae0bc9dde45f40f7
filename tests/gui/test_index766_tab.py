"""The Chỉ số phục vụ (QĐ 766) tab: typed into its real widgets, read back from the data file."""
from __future__ import annotations

import pytest

pytest.importorskip("pytestqt")

from cchc_desktop.importing import register as reg  # noqa: E402
from cchc_desktop.report import index766  # noqa: E402
from tests.test_index766 import write  # noqa: E402
from ui.index766.index_tab import IndexTab  # noqa: E402
from ui.shell.context import AppContext  # noqa: E402


@pytest.fixture
def tab(qtbot, mini_store, tmp_path):
    store, period_id = mini_store
    reg.import_register(store, "x1", write(tmp_path / "so.xlsx"))
    t = IndexTab(AppContext(store, "x1", period_id))
    qtbot.addWidget(t)
    t.resize(1000, 640)
    t.show()
    qtbot.waitUntil(lambda: t.result is not None)
    return t, store, period_id


def test_scores_criteria_and_lost_dossiers_on_screen(tab, tmp_path):
    t, store, _ = tab
    assert "Tổng điểm: 25,97 / 100" in t.total.text()  # 37,37 without 1.1 (5,4) and 5.2 (6)
    codes = [t.criteria.item(r, 0).text() for r in range(t.criteria.rowCount())]
    row = codes.index("2.1")
    assert t.criteria.item(row, 2).text() == "50 %" and t.criteria.item(row, 4).text() == "10"
    assert "Bảng METRICS" in t.criteria.item(row, 6).text()
    row = codes.index("1.1")
    assert t.criteria.item(row, 4).text() == "chưa có số liệu"
    t.pages.setCurrentIndex(2)
    t.kind.setCurrentIndex(t.kind.findData("qua_han"))
    assert [t.lost.item(r, 0).text() for r in range(t.lost.rowCount())] == ["F", "B", "E"]
    t.pages.setCurrentIndex(1)
    t.grab().save(str(tmp_path / "tab.png"))


def test_typed_value_is_saved_and_scores(tab, qtbot):
    t, store, period_id = tab
    names = [t.inputs.item(r, 0).data(0x0100) for r in range(t.inputs.rowCount())]
    t.inputs.item(names.index("tthc_cong_bo"), 1).setText("10")
    t.inputs.item(names.index("tthc_cong_bo_dung_han"), 1).setText("9")
    assert index766.typed_values(store, period_id) == {"tthc_cong_bo": 10, "tthc_cong_bo_dung_han": 9}
    qtbot.waitUntil(lambda: "Tổng điểm: 31,37 / 100" in t.total.text())
    # a bad value: refused with the reason, the stored one kept
    errors = []
    t.ctx.error.connect(errors.append)
    t.inputs.item(names.index("tthc_cong_bo"), 1).setText("-1")
    assert errors and "số nguyên không âm" in errors[0]
    assert index766.typed_values(store, period_id)["tthc_cong_bo"] == 10
    assert t.inputs.item(names.index("tthc_cong_bo"), 1).text() == "10"
