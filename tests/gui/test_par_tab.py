"""The tab Chỉ số CCHC (tự đánh giá): load a set, score in the tree, attach evidence, totals, findings."""
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
