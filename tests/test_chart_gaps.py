"""A chart the year's Word report leaves out is a finding of validate saying which and why
(issue 17); chart_data.left_out agrees with the drawn chart in every state tried here."""
from __future__ import annotations

from cchc_desktop.exporting import charts, docx_report
from cchc_desktop.report import chart_data, rules, values

KINDS = tuple(chart_data.REPORT_CHARTS)


def _agrees(data) -> dict[str, bool]:
    """kind → left out; asserted equal to what the drawn figure says."""
    out = {}
    for kind in KINDS:
        drawn = charts.has_data(charts.figure(kind, data, title=False))
        assert (chart_data.left_out(kind, data) is None) == drawn, kind
        out[kind] = not drawn
    return out


def _gap_findings(data):
    return [f for f in rules.validate(data) if f.rule == "bieu-do-bi-bo"]


def test_an_empty_year_leaves_both_charts_out_with_a_warning_each(mini_store):
    store, pid = mini_store
    data = values.load_period(store, pid, with_previous=False)
    assert _agrees(data) == {k: True for k in KINDS}
    found = _gap_findings(data)
    assert [f.severity for f in found] == ["canh_bao", "canh_bao"]
    assert "“Hồ sơ tiếp nhận theo lĩnh vực” sẽ không có trong báo cáo Word" in found[0].message
    assert "Tình hình giải quyết" in found[1].message and "chưa có số hồ sơ đã giải quyết" in found[1].message
    assert docx_report.chart_figures.report_charts(data) == []


def test_zero_fields_are_nothing_to_show_and_figures_bring_the_chart_back(mini_store):
    store, pid = mini_store
    store.add_field(pid, "ubnd", "Hộ tịch")
    for col in ("truc_tuyen", "truc_tiep", "truoc_han", "dung_han", "qua_han", "dang_giai_quyet"):
        store.set_dossier(pid, "ubnd", "Hộ tịch", col, 0)
    assert _agrees(values.load_period(store, pid, with_previous=False)) == {k: True for k in KINDS}
    store.set_dossier(pid, "ubnd", "Hộ tịch", "truc_tiep", 5)
    data = values.load_period(store, pid, with_previous=False)
    assert _agrees(data) == {"tiep-nhan-linh-vuc": False, "tinh-trang-linh-vuc": True}
    assert [f.message.split("”")[0] for f in _gap_findings(data)] == ["Biểu đồ “Tình hình giải quyết hồ sơ theo lĩnh vực"]
    store.set_dossier(pid, "ubnd", "Hộ tịch", "truoc_han", 5)
    data = values.load_period(store, pid, with_previous=False)
    assert _agrees(data) == {k: False for k in KINDS} and _gap_findings(data) == []


def test_desk_totals_only_and_the_demo_draw_both(mini_store, demo_store):
    store, pid = mini_store
    store.set_dossier(pid, "ubnd", "", "truc_tuyen", 3)
    store.set_dossier(pid, "ubnd", "", "qua_han", 1)
    assert _agrees(values.load_period(store, pid, with_previous=False)) == {k: False for k in KINDS}
    demo = values.load_report(demo_store, None, "2023-NAM")
    assert _agrees(demo) == {k: False for k in KINDS} and _gap_findings(demo) == []


def test_a_quarter_has_no_charts_so_no_finding(mini_store):
    store, _ = mini_store
    q = store.create_period("x1", "2024-Q1")
    assert _gap_findings(values.load_period(store, q["id"], with_previous=False)) == []
