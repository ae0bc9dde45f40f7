"""The tab Chỉ số CCHC (tự đánh giá): load a set, score in the tree, attach evidence, totals, findings."""
import pytest

from ui.par import par_tab
from tests.test_par import GOOD


def _tab(window, qtbot, tmp_path):
    tab = par_tab.install(window)
    tab.year.setValue(2025)
    s = tmp_path / "bo.toml"
    s.write_text(GOOD, encoding="utf-8")
    assert tab.load_path(str(s))
    return tab


def _find(tab, code):
    def rec(it):
        if it.text(0) == code:
            return it
        for i in range(it.childCount()):
            got = rec(it.child(i))
            if got:
                return got
    for i in range(tab.tree.topLevelItemCount()):
        got = rec(tab.tree.topLevelItem(i))
        if got:
            return got


def test_tab_scores_attaches_and_totals(window, qtbot, tmp_path):
    tab = _tab(window, qtbot, tmp_path)
    assert par_tab.TITLE in [window.tabs.tabText(i) for i in range(window.tabs.count())]
    assert "Bộ tiêu chí thử" in tab.source.text()
    assert tab.tree.topLevelItemCount() == 2
    _find(tab, "1.1").setText(par_tab.COL_SCORE, "2")
    _find(tab, "2.1").setText(par_tab.COL_SCORE, "4,5")
    assert "<b>6,5</b> / 10" in tab.totals.text()
    assert _find(tab, "1").text(par_tab.COL_SCORE) == "2"
    assert "chưa có tài liệu kiểm chứng" in tab.findings.text()
    f = tmp_path / "ke-hoach.pdf"
    f.write_bytes(b"%PDF ke hoach")
    assert tab.attach_path("1.1", str(f))
    assert _find(tab, "1.1").text(6) == "ke-hoach.pdf"
    window.resize(1024, 768)
    window.tabs.setCurrentWidget(tab)
    tab.grab().save(str(tmp_path / "chi-so-cchc.png"))


def test_tab_refuses_a_score_off_the_rule(window, qtbot, tmp_path):
    tab = _tab(window, qtbot, tmp_path)
    _find(tab, "1.1").setText(par_tab.COL_SCORE, "1")
    assert any("chỉ được 0 hoặc 2" in t for k, t in window.shown_messages if k == "error")
    assert _find(tab, "1.1").text(par_tab.COL_SCORE) == ""  # refreshed from the file: nothing stored
    assert "<b>0</b> / 10" in tab.totals.text()


def test_tab_without_a_set_says_what_to_do(window, qtbot):
    tab = par_tab.install(window)
    tab.year.setValue(2030)
    assert "Chưa nạp bộ tiêu chí" in tab.source.text()


def test_tab_shows_the_proposal_with_its_source(window, qtbot, tmp_path):
    tab = par_tab.install(window)
    s = tmp_path / "bo.toml"
    s.write_text(GOOD.replace("nam = 2025", "nam = 2023"), encoding="utf-8")
    assert tab.load_path(str(s))
    assert tab.year.value() == 2023
    text = _find(tab, "1.2").text(8)
    assert "điểm" in text and "Biểu mẫu 1, dòng 2" in text


def test_kiem_tra_finding_leads_to_the_criterion(window, qtbot, tmp_path):
    """A PAR finding of Kiểm tra (target "par:<mã>") opens this tab on its criterion."""
    tab = par_tab.install(window)
    year = tab._period_year()
    s = tmp_path / "bo.toml"
    s.write_text(GOOD.replace("nam = 2025", f"nam = {year}"), encoding="utf-8")
    assert tab.load_path(str(s))
    assert window.focus_target("par:1.2")
    shown = window.tabs.currentWidget()
    built = shown.ensure_built() if hasattr(shown, "ensure_built") else shown
    assert built.tree.currentItem().text(0) == "1.2"
    assert not built.focus_target("par:9.9")


# --- the province's file: appraisal per commune and the ranking ------------------------------------------
from tests.test_par_package import three  # noqa: E402,F401


@pytest.fixture
def province_tab(three, qtbot, no_dialogs):  # noqa: F811
    from cchc_desktop.domain import par_criteria as pc
    from cchc_desktop.importing import package as ip, par_package
    from cchc_desktop.store import open_store, par as par_store
    from ui.shell.context import AppContext
    from ui.shell.main_window import MainWindow

    store = open_store(three["db"])
    results = ip.import_packages(store, list(three["paths"].values()))
    assert all(r.status == "imported" for r in results)
    upper = store.unit()["code"]
    par_store.load_set(store, pc.parse_text(GOOD, "bo-tinh.toml"), upper, "bo-tinh.toml")
    par_package.recheck(store, upper, 2025)
    ctx = AppContext(store, upper, store.periods(upper)[-1]["id"])
    w = MainWindow(ctx, install_features=False)
    qtbot.addWidget(w)
    w.resize(1366, 768)
    w.show()
    w.shown_messages = no_dialogs
    tab = par_tab.install(w)
    tab.year.setValue(2025)
    yield w, tab, three
    store.close()


def test_province_appraises_a_commune_beside_its_self_score_and_ranks(province_tab, tmp_path):
    import openpyxl

    w, tab, three = province_tab
    a, b, c = three["codes"]
    assert tab.upper and tab.commune.count() == 3
    assert not tab.tree.isColumnHidden(par_tab.COL_APPRAISED_NOTE)
    tab.commune.setCurrentIndex(tab.commune.findData(a))
    assert _find(tab, "1.2").text(par_tab.COL_SCORE) == "1,5"
    assert "ke-hoach.pdf" in _find(tab, "1.1").text(6)
    assert "Văn bản số 12/QĐ-UBND" in _find(tab, "1.2").text(6)
    _find(tab, "1.2").setText(par_tab.COL_APPRAISED, "1")
    _find(tab, "1.2").setText(par_tab.COL_APPRAISED_NOTE, "Chỉ đạt 50%")
    assert _find(tab, "1.2").text(par_tab.COL_APPRAISED) == "1"
    assert _find(tab, "1.2").text(par_tab.COL_APPRAISED_NOTE) == "Chỉ đạt 50%"
    assert _find(tab, "1").text(par_tab.COL_APPRAISED) == "1"
    assert "thẩm định: 1" in tab.totals.text()
    _find(tab, "2.1").setText(par_tab.COL_APPRAISED, "4")  # not a level of the rule
    assert any("các mức 0, 3, 4,5, 6" in t for k, t in w.shown_messages if k == "error")
    assert _find(tab, "2.1").text(par_tab.COL_APPRAISED) == ""
    _find(tab, "1.2").setText(par_tab.COL_SCORE, "0")  # the self-score is the commune's: not written here
    assert _find(tab, "1.2").text(par_tab.COL_SCORE) == "1,5"
    # the ranking page: a partly appraised (2 + 1 + 6), b and c on their self-scores, marked
    table = tab.rank_table
    rows = [[table.item(r, k).text() for k in range(table.columnCount())] for r in range(table.rowCount())]
    assert [(r[0], r[1], r[5]) for r in rows] == [("1", a, "9"), ("2", b, "8,5"), ("3", c, "3")]
    assert rows[0][7] == "Thẩm định 1/3 tiêu chí đã chấm" and rows[1][7] == "Chưa thẩm định (điểm tự chấm)"
    out = tab.export_ranking(str(tmp_path / "xh.xlsx"))
    ws = openpyxl.load_workbook(out).active
    assert [ws.cell(4, k).value for k in (1, 2, 6)] == [1, a, 9]
    tab.pages.setCurrentIndex(0)
    tab.grab().save(str(tmp_path / "tham-dinh.png"))
    tab.pages.setCurrentIndex(1)
    tab.grab().save(str(tmp_path / "xep-hang.png"))
