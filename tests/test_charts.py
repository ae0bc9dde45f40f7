"""Charts: every bar height, tick label and line point is read back from the matplotlib
artists and compared with figures computed here, independently of the chart code."""
import re
import subprocess
import sys
from collections import Counter

import pytest

from cchc_desktop.errors import UserError
from cchc_desktop.exporting import charts
from cchc_desktop.report import chart_data, values
from conftest import run_cli


# --- helpers ------------------------------------------------------------------------------
def draw(kind, store, data, **options):
    """The chart as the window and the CLI draw it: what it needs from the data file read
    first (chart_data.inputs; none with store None), then drawn from plain data."""
    inputs = chart_data.inputs(kind, store, data) if store is not None else {}
    return charts.figure(kind, data, **{**inputs, **options})


def all_texts(fig) -> list[str]:
    out = [t.get_text() for t in fig.texts]
    for ax in fig.axes:
        out += [t.get_text() for t in ax.texts]
    return out


def is_no_data(fig) -> bool:
    return charts.NO_DATA in all_texts(fig)


def tick_labels(ax) -> list[str]:
    return [t.get_text().replace("\n", " ") for t in ax.get_xticklabels()]


def container_heights(ax) -> list[list[float]]:
    """Heights of each bar series (one BarContainer per series), in drawing order."""
    return [[p.get_height() for p in c.patches] for c in ax.containers]


def set_fields(store, pid, rows):
    """rows: name → {column: value}."""
    for name, cells in rows.items():
        store.add_field(pid, "ubnd", name)
        for col, v in cells.items():
            store.set_dossier(pid, "ubnd", name, col, v)


def data_of(store, pid):
    return values.load_period(store, pid, with_previous=False)


# --- 1. received per field ------------------------------------------------------------------
def test_received_per_field_stacks_online_and_direct(mini_store):
    store, pid = mini_store
    rows = {
        "Hộ tịch": {"truc_tuyen": 458, "truc_tiep": 43},
        "Chứng thực": {"truc_tuyen": 2645, "truc_tiep": 0},
        "Người có công": {"truc_tuyen": 0, "truc_tiep": 26},
    }
    set_fields(store, pid, rows)
    fig = draw("tiep-nhan-linh-vuc", store, data_of(store, pid))
    ax = fig.axes[0]
    assert tick_labels(ax) == list(rows)
    online, direct = container_heights(ax)
    assert online == [458, 2645, 0]
    assert direct == [43, 0, 26]
    # The direct segment sits on the online one.
    assert [p.get_y() for p in ax.containers[1].patches] == [458, 2645, 0]
    texts = all_texts(fig)
    for total in ("501", "2.645", "26"):  # totals on top, Vietnamese thousands
        assert total in texts
    assert "458" in texts  # a segment tall enough carries its own label
    assert any("3.172 hồ sơ" in t and "trực tuyến 97,8 %" in t for t in texts)  # 3103 / 3172 = 97,82…
    assert not is_no_data(fig)


def test_received_share_in_subtitle_is_computed(mini_store):
    store, pid = mini_store
    set_fields(store, pid, {"A": {"truc_tuyen": 3147, "truc_tiep": 78}})
    texts = all_texts(draw("tiep-nhan-linh-vuc", store, data_of(store, pid)))
    assert any("tổng 3.225 hồ sơ, trực tuyến 97,6 %" in t for t in texts)


def test_received_per_field_with_a_blank_field_never_contradicts_the_report(mini_store):
    """The trial: one blank cell left the report's total unknown ("… hồ sơ") while the chart,
    summing the fields itself, said "tổng 2.503 hồ sơ". The chart now says what the report says."""
    from cchc_desktop.report import narrative

    store, pid = mini_store
    set_fields(store, pid, {
        "Hộ tịch": {"truc_tuyen": 458, "truc_tiep": 43},
        "Chứng thực": {"truc_tuyen": 2002},  # direct left blank
        "Người có công": {"truc_tuyen": 0, "truc_tiep": 0},
    })
    data = data_of(store, pid)
    assert narrative.format_value("hs.ubnd.tiep_nhan_trong_ky", None, data) == "…"  # the report's text
    fig = draw("tiep-nhan-linh-vuc", store, data)
    texts = all_texts(fig)
    subtitle = charts.header_of(fig)[1]
    assert "2.503" not in " ".join(texts)  # 458 + 43 + 2002: a sum the report never makes
    assert not re.search(r"tổng [\d.]+ hồ sơ", subtitle) and "trực tuyến" not in subtitle
    assert "chưa tính được tổng số" in subtitle
    assert "1 lĩnh vực chưa có số liệu (Chứng thực)" in subtitle
    # the bars are still drawn; a field of nothing but 0 is left out, and the subtitle says so (review of
    # issue 17, C2: ten bars of “0”)
    assert container_heights(fig.axes[0]) == [[458, 2002], [43, 0]]
    assert charts.ZERO_FIELDS.format(n=1) in subtitle
    assert "501" in texts and charts.INCOMPLETE in texts  # the blank field's bar has no total on top
    assert "2.002" in texts  # its known part keeps its label
    # A total typed in the Cộng row is the report's total: the chart says the same.
    store.set_dossier(pid, "ubnd", "", "truc_tiep", 100)
    data = data_of(store, pid)
    fig = draw("tiep-nhan-linh-vuc", store, data)
    subtitle = charts.header_of(fig)[1]
    total = narrative.format_value("hs.ubnd.tiep_nhan_trong_ky", None, data)
    share = narrative.format_value("hs.ubnd.ty_le_truc_tuyen", None, data)
    assert total == "2.560" and share == "96,1 %"  # (458 + 2002 + 0) + 100; 2460 / 2560
    assert f"tổng {total} hồ sơ, trực tuyến {share}" in subtitle
    assert "1 lĩnh vực chưa có số liệu" in subtitle


def test_received_total_is_the_reports_and_leaves_carried_over_aside(mini_store):
    store, pid = mini_store
    set_fields(store, pid, {"A": {"truc_tuyen": 90, "truc_tiep": 10, "ky_truoc": 5},
                            "B": {"truc_tuyen": 0, "truc_tiep": 0, "ky_truoc": 0}})
    subtitle = charts.header_of(draw("tiep-nhan-linh-vuc", store, data_of(store, pid)))[1]
    assert "tổng 100 hồ sơ (chưa kể 5 hồ sơ kỳ trước chuyển qua), trực tuyến 90 %" in subtitle
    assert "chưa có số liệu" not in subtitle


def test_received_per_field_on_empty_data(mini_store):
    store, pid = mini_store
    assert is_no_data(draw("tiep-nhan-linh-vuc", store, data_of(store, pid)))
    store.add_field(pid, "ubnd", "Hộ tịch")  # a field with no figures is still no data
    fig = draw("tiep-nhan-linh-vuc", store, data_of(store, pid))
    assert is_no_data(fig)
    assert fig.axes == []  # no empty axes


# --- 2. resolution status -------------------------------------------------------------------
def test_status_per_field_when_every_field_has_the_split(mini_store):
    store, pid = mini_store
    rows = {
        "Hộ tịch": {"truoc_han": 400, "dung_han": 90, "qua_han": 5, "dang_giai_quyet": 6},
        "Đất đai": {"truoc_han": 10, "dung_han": 20, "qua_han": 3, "dang_giai_quyet": 0},
    }
    set_fields(store, pid, rows)
    fig = draw("tinh-trang-linh-vuc", store, data_of(store, pid))
    ax = fig.axes[0]
    assert tick_labels(ax) == ["Hộ tịch", "Đất đai"]
    cols = ["truoc_han", "dung_han", "qua_han", "dang_giai_quyet"]
    assert container_heights(ax) == [[rows[f][c] for f in rows] for c in cols]
    assert [c.get_label() for c in ax.containers] == ["Trước hạn", "Đúng hạn", "Quá hạn", "Đang giải quyết"]
    texts = all_texts(fig)
    assert "501" in texts and "33" in texts
    # on-time rate over both fields: (410 + 110) / (410 + 110 + 8) = 98,48… → 98,5 %
    assert any("tỷ lệ đúng hạn 98,5 %" in t for t in texts)
    assert not any("Toàn bộ phận" in t for t in texts)


def test_status_of_the_demo_is_one_bar_for_the_whole_desk(demo_store):
    data = values.load_report(demo_store, None, "2023-NAM")
    fig = draw("tinh-trang-linh-vuc", demo_store, data)
    ax = fig.axes[0]
    assert tick_labels(ax) == ["Toàn bộ phận"]
    # The seed: 3.143 early, 75 on time, 0 late, 7 pending; never split per field.
    assert container_heights(ax) == [[3143], [75], [0], [7]]
    texts = all_texts(fig)
    assert any("riêng từng lĩnh vực" in t for t in texts)
    assert "3.225" in texts
    labels = [c.get_label() for c in ax.containers]
    assert labels == ["Trước hạn: 3.143", "Đúng hạn: 75", "Quá hạn: 0", "Đang giải quyết: 7"]


def test_status_with_some_fields_split_names_the_blank_ones(mini_store):
    store, pid = mini_store
    set_fields(store, pid, {
        "Hộ tịch": {"truoc_han": 400, "dung_han": 90, "qua_han": 5, "dang_giai_quyet": 6},
        "Đất đai": {"truoc_han": 10},
    })
    fig = draw("tinh-trang-linh-vuc", store, data_of(store, pid))
    assert tick_labels(fig.axes[0]) == ["Toàn bộ phận"]  # no split invented
    # The whole desk's figures are the report's: only truoc_han is known for every field.
    assert container_heights(fig.axes[0]) == [[410]]
    subtitle = charts.header_of(fig)[1]
    assert "1 lĩnh vực chưa có đủ số liệu giải quyết (Đất đai): vẽ số của cả bộ phận" in subtitle


def test_status_on_empty_data(mini_store):
    store, pid = mini_store
    assert is_no_data(draw("tinh-trang-linh-vuc", store, data_of(store, pid)))


# --- 3. trend across periods ------------------------------------------------------------------
def _desk_totals(store, pid, online, direct, early, on_time, late):
    for col, v in (("truc_tuyen", online), ("truc_tiep", direct), ("truoc_han", early),
                   ("dung_han", on_time), ("qua_han", late), ("dang_giai_quyet", 0)):
        store.set_dossier(pid, "ubnd", "", col, v)


def test_trend_points_come_from_every_period(mini_store):
    store, pid = mini_store  # 2024-NAM
    p23 = store.create_period("x1", "2023-NAM")["id"]
    pq1 = store.create_period("x1", "2025-Q1")["id"]
    figures = {p23: (30, 10, 20, 10, 10), pid: (90, 10, 80, 15, 5), pq1: (7, 3, 0, 0, 0)}
    for p, f in figures.items():
        _desk_totals(store, p, *f)
    fig = draw("xu-huong", store, data_of(store, pid))
    ax = fig.axes[0]
    assert tick_labels(ax) == ["Năm 2023", "Năm 2024", "Quý I 2025"]
    online_line, on_time_line = ax.get_lines()[:2]
    expected_online = [100 * o / (o + d) for o, d, *_ in (figures[p23], figures[pid], figures[pq1])]
    assert list(online_line.get_ydata()) == pytest.approx(expected_online)  # 75, 90, 70
    y = list(on_time_line.get_ydata())
    assert y[:2] == pytest.approx([100 * 30 / 40, 100 * 95 / 100])
    assert y[2] != y[2]  # nothing resolved in 2025 Q1: a gap (NaN), not a zero
    texts = all_texts(fig)
    assert "75 %" in texts and "95 %" in texts and "70 %" in texts


def test_trend_with_one_period_still_draws_its_points(demo_store):
    data = values.load_report(demo_store, None, "2023-NAM")
    fig = draw("xu-huong", demo_store, data)
    ax = fig.axes[0]
    online, on_time = ax.get_lines()[:2]
    assert list(online.get_ydata()) == pytest.approx([100 * 3147 / 3225])
    assert list(on_time.get_ydata()) == pytest.approx([100.0])
    assert online.get_marker() == "o"
    assert "97,6 %" in all_texts(fig)


def test_trend_on_empty_data(mini_store):
    store, pid = mini_store
    assert is_no_data(draw("xu-huong", store, data_of(store, pid)))


# --- 4. per month from the register -------------------------------------------------------------
REGISTER = [  # (received, finished)
    ("2023-12-15", "2023-12-20"),
    ("2023-12-31", "2024-01-03"),
    ("2024-01-10", None),
    ("2024-01-11", "2024-01-11"),
    ("2024-03-02", "2024-05-30"),
    ("2024-12-14", "2024-12-14"),
    ("2023-11-30", "2023-12-16"),  # received before the window: counts only as resolved
    ("2024-12-15", "2024-12-16"),  # after the window: not counted
]


def _fill_register(store, unit_code="x1", rows=REGISTER):
    store.db["register"].insert_all([
        {"unit_code": unit_code, "code": f"HS{i}", "received_date": r, "finished_date": f,
         "imported_at": "2025-01-01T00:00:00"}
        for i, (r, f) in enumerate(rows)
    ])
    from cchc_desktop.store import register as store_register

    store_register.rebuild_days(store.db)  # the chart reads the per-day counts an import keeps


def test_per_month_counts_received_and_resolved(mini_store):
    store, pid = mini_store  # window 15/12/2023 – 14/12/2024
    _fill_register(store)
    fig = draw("theo-thang", store, data_of(store, pid))
    ax = fig.axes[0]
    months = ["2023-12"] + [f"2024-{m:02d}" for m in range(1, 13)]
    # the first and last bars count the days of the window in their month, and say so
    assert tick_labels(ax) == ["15–31/12/2023", "01/2024", "02/2024"] + [f"{m}/2024" for m in range(3, 12)] + [
        "1–14/12/2024"]
    lo, hi = "2023-12-15", "2024-12-14"
    rec = Counter(r[:7] for r, _ in REGISTER if lo <= r <= hi)
    res = Counter(f[:7] for _, f in REGISTER if f and lo <= f <= hi)
    received, resolved = container_heights(ax)
    assert received == [rec[m] for m in months]
    assert resolved == [res[m] for m in months]
    assert sum(received) == 6 and sum(resolved) == 6
    assert any("tiếp nhận 6, giải quyết 6" in t for t in all_texts(fig))


def test_per_month_without_register_rows(mini_store):
    store, pid = mini_store
    assert is_no_data(draw("theo-thang", store, data_of(store, pid)))
    # rows of another unit do not count
    store.create_unit("x2", "Khác", "xa")
    _fill_register(store, "x2")
    assert is_no_data(draw("theo-thang", store, data_of(store, pid)))


# --- 5. one bar per commune -------------------------------------------------------------------
def _communes(store):
    store.create_unit("h1", "Thanh Miện", "huyen")
    upper = store.create_period("h1", "2024-NAM")["id"]
    figures = {"c1": ("Ngũ Hùng", 90, 10), "c2": ("Hồng Quang", 1, 3), "c3": ("Chi Lăng Bắc", 2000, 500)}
    for code, (name, online, direct) in figures.items():
        store.create_unit(code, name, "xa", parent_code="h1")
        p = store.create_period(code, "2024-NAM")["id"]
        store.set_dossier(p, "ubnd", "", "truc_tuyen", online)
        store.set_dossier(p, "ubnd", "", "truc_tiep", direct)
        store.set_value(p, "A/1.1", online + direct)
    store.create_unit("c4", "Không Kỳ", "xa", parent_code="h1")  # no 2024-NAM period
    store.create_period("c4", "2023-NAM")
    return upper, figures


def test_per_commune_bars_for_the_default_indicator(mini_store):
    store, _ = mini_store
    upper, figures = _communes(store)
    fig = draw("theo-xa", store, data_of(store, upper))
    ax = fig.axes[0]
    assert tick_labels(ax) == [f"xã {n}" for n, *_ in figures.values()] + ["xã Không Kỳ"]
    heights = container_heights(ax)[0]
    expected = [100 * o / (o + d) for _, o, d in figures.values()]  # 90, 25, 80
    assert heights[:3] == pytest.approx(expected)
    assert heights[3] == 0
    texts = all_texts(fig)
    assert {"90 %", "25 %", "80 %", "chưa có"} <= set(texts)
    assert any("Tỷ lệ tiếp nhận trực tuyến" in t for t in texts)


def test_per_commune_with_a_catalogue_indicator(mini_store):
    store, _ = mini_store
    upper, figures = _communes(store)
    fig = draw("theo-xa", store, data_of(store, upper), indicator="A/1.1")
    heights = container_heights(fig.axes[0])[0]
    assert heights[:3] == [o + d for _, o, d in figures.values()]
    assert "2.500" in all_texts(fig)
    with pytest.raises(UserError):
        draw("theo-xa", store, data_of(store, upper), indicator="A/99")


def test_per_commune_without_communes(mini_store):
    store, pid = mini_store
    fig = draw("theo-xa", store, data_of(store, pid))
    assert is_no_data(fig)
    assert any("chưa có xã nào trực thuộc" in t for t in all_texts(fig))


# --- every kind, the API around them ----------------------------------------------------------
@pytest.mark.parametrize("kind", list(charts.KINDS))
def test_every_kind_on_empty_data_says_so(mini_store, kind):
    store, pid = mini_store
    fig = draw(kind, store, data_of(store, pid))
    assert is_no_data(fig)
    assert fig.axes == []
    assert charts.KINDS[kind] in all_texts(fig)  # the title is there all the same


def test_unknown_kind_is_a_user_error(mini_store):
    store, pid = mini_store
    with pytest.raises(UserError, match="Không có loại biểu đồ"):
        draw("banh", store, data_of(store, pid))


def test_the_figure_is_reused(mini_store):
    store, pid = mini_store
    set_fields(store, pid, {"A": {"truc_tuyen": 1, "truc_tiep": 2}})
    data = data_of(store, pid)
    fig = draw("tiep-nhan-linh-vuc", store, data)
    again = draw("tinh-trang-linh-vuc", store, data, fig=fig)
    assert again is fig
    assert is_no_data(fig) and fig.axes == []
    draw("tiep-nhan-linh-vuc", store, data, fig=fig)
    assert len(fig.axes) == 1 and container_heights(fig.axes[0]) == [[1], [2]]
    # The same kind again with other figures: the axes stay, nothing of the old chart does.
    ax = fig.axes[0]
    store.add_field(pid, "ubnd", "B")
    store.set_dossier(pid, "ubnd", "B", "truc_tuyen", 30)
    store.set_dossier(pid, "ubnd", "B", "truc_tiep", 4)
    draw("tiep-nhan-linh-vuc", store, data_of(store, pid), fig=fig)
    assert fig.axes == [ax]
    assert container_heights(ax) == [[1, 30], [2, 4]]
    assert tick_labels(ax) == ["A", "B"]
    assert len(ax.get_legend().get_texts()) == 2
    # segment labels where they fit (30 and 4 of 34; 1 and 2 are too small), then the totals
    assert [t.get_text() for t in ax.texts] == ["30", "4", "3", "34"]
    assert len(fig.texts) == 2  # title and subtitle, not twice
    # and the no-data picture on a reused figure drops the axes
    draw("tiep-nhan-linh-vuc", store, _empty(store), fig=fig)
    assert fig.axes == [] and is_no_data(fig)


def _empty(store):
    p = store.create_period("x1", "2020-NAM")["id"]
    return data_of(store, p)


def test_save_png_and_svg_atomically(demo_store, tmp_path):
    data = values.load_report(demo_store, None, "2023-NAM")
    fig = draw("tiep-nhan-linh-vuc", demo_store, data)
    png = charts.save(fig, tmp_path / "a.png")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    svg = charts.save(fig, tmp_path / "a.SVG")
    assert b"<svg" in svg.read_bytes()[:500]
    assert sorted(p.name for p in tmp_path.iterdir() if p.suffix != ".sqlite" and "demo" not in p.name) == \
        ["a.SVG", "a.png"]  # no temporary file left behind
    with pytest.raises(UserError, match=r"\.png hoặc \.svg"):
        charts.save(fig, tmp_path / "a.jpg")
    assert charts.png_bytes(fig)[:4] == b"\x89PNG"


def test_report_charts_for_the_word_report(demo_store):
    data = values.load_report(demo_store, None, "2023-NAM")
    items = charts.report_charts(data)
    assert [c for c, _ in items] == [
        "Hồ sơ tiếp nhận theo lĩnh vực (xã Chi Lăng Nam, năm 2023)",
        # the demo has resolution figures for the whole desk only: one bar, titled for it
        "Tình hình giải quyết hồ sơ của Bộ phận Một cửa UBND (xã Chi Lăng Nam, năm 2023)",
    ]
    assert all(png[:4] == b"\x89PNG" for _, png in items)
    assert not any(c.startswith("Biểu đồ") for c, _ in items)


def test_report_charts_leave_out_empty_charts(mini_store):
    store, pid = mini_store
    assert charts.report_charts(data_of(store, pid)) == []


def test_the_font_has_the_vietnamese_letters():
    from matplotlib import font_manager
    from matplotlib.ft2font import FT2Font

    path = font_manager.findfont(font_manager.FontProperties(family=charts.FONT), fallback_to_default=False)
    font = FT2Font(path)
    for ch in "ữỗệẫặđƯơĐ":
        assert font.get_char_index(ord(ch)) != 0, ch


def test_matplotlib_is_imported_only_to_draw_and_pyplot_never(demo_file):
    code = (
        "import sys\n"
        "from cchc_desktop.exporting import charts\n"
        "from cchc_desktop import cli\n"
        "from cchc_desktop.report import chart_data, values\n"
        "from cchc_desktop.store import open_store\n"
        "cli.build_parser()\n"
        "assert 'matplotlib' not in sys.modules, 'matplotlib imported before drawing'\n"
        f"s = open_store(r'{demo_file}')\n"
        "d = values.load_report(s, None, '2023-NAM')\n"
        "for k in charts.KINDS: charts.png_bytes(charts.figure(k, d, **chart_data.inputs(k, s, d)))\n"
        "assert 'matplotlib' in sys.modules\n"
        "bad = [m for m in sys.modules if m.startswith(('matplotlib.pyplot', 'PySide6', 'matplotlib.backends.backend_qt'))]\n"
        "print(bad); sys.exit(1 if bad else 0)\n"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr


# --- command line -----------------------------------------------------------------------------
def test_cli_list_and_draw(demo_file, tmp_path):
    r = run_cli("chart", "--list")
    assert r.returncode == 0
    assert [line.split("\t")[0] for line in r.stdout.splitlines()] == list(charts.KINDS)
    out = tmp_path / "bieu-do.svg"
    r = run_cli("chart", "--db", demo_file, "--period", "2023-NAM", "--kind", "tinh-trang-linh-vuc", "--out", out)
    assert r.returncode == 0, r.stderr
    assert out.exists() and "Đã vẽ biểu đồ" in r.stdout
    r = run_cli("chart", "--db", demo_file, "--period", "2023-NAM", "--kind", "khong-co", "--out", out)
    assert r.returncode == 1 and "Không có loại biểu đồ" in r.stderr and "Traceback" not in r.stderr
    r = run_cli("chart", "--db", demo_file, "--kind", "theo-xa", "--out", out)
    assert r.returncode == 1 and "Thiếu --period" in r.stderr
    r = run_cli("chart", "--db", demo_file, "--period", "2023-NAM", "--kind", "theo-xa",
                "--indicator", "BM3/3.3.1", "--out", tmp_path / "xa.png")
    assert r.returncode == 0 and "chưa có số liệu" in r.stdout  # the demo is one commune


def test_header_kept_out_of_the_picture_for_the_window(demo_store):
    data = values.load_report(demo_store, None, "2023-NAM")
    fig = draw("tiep-nhan-linh-vuc", demo_store, data, header=False)
    title, subtitle = charts.header_of(fig)
    assert title == charts.KINDS["tiep-nhan-linh-vuc"]
    assert "xã Chi Lăng Nam, năm 2023" in subtitle
    assert fig.texts == []  # neither drawn
    assert container_heights(fig.axes[0]) == [[458, 2645, 0, 44], [43, 0, 26, 9]]
    empty = draw("theo-thang", demo_store, data, header=False)
    assert charts.header_of(empty)[0] == charts.KINDS["theo-thang"]
    assert is_no_data(empty)


def test_per_month_from_an_imported_excel_register(mini_store, tmp_path):
    """The chart reads what the register import writes (ISO dates, the unit's rows)."""
    import datetime as dt

    openpyxl = pytest.importorskip("openpyxl")
    register = pytest.importorskip("cchc_desktop.importing.register")
    store, pid = mini_store
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["STT", "Số hồ sơ", "Tên thủ tục", "Lĩnh vực", "Ngày tiếp nhận", "Ngày hẹn trả", "Ngày kết thúc"])
    rows = [("HS1", dt.date(2024, 1, 5), dt.date(2024, 1, 9)), ("HS2", "20/01/2024", "02/02/2024"),
            ("HS3", dt.date(2024, 2, 1), None), ("HS4", "14/12/2024", "14/12/2024")]
    for i, (code, rec, fin) in enumerate(rows, 1):
        ws.append([i, code, "Đăng ký khai sinh", "Hộ tịch", rec, None, fin])
    path = tmp_path / "so-theo-doi.xlsx"
    wb.save(path)
    register.import_register(store, "x1", path)
    ax = draw("theo-thang", store, data_of(store, pid)).axes[0]
    labels = tick_labels(ax)
    received, resolved = container_heights(ax)
    got_rec = dict(zip(labels, received))
    got_res = dict(zip(labels, resolved))
    assert (got_rec["01/2024"], got_rec["02/2024"], got_rec["1–14/12/2024"]) == (2, 1, 1)
    assert (got_res["01/2024"], got_res["02/2024"], got_res["1–14/12/2024"]) == (1, 1, 1)
    assert sum(received) == 4 and sum(resolved) == 3


def test_the_charts_font_is_a_serif_with_the_vietnamese_letters():
    from matplotlib import font_manager
    from matplotlib.ft2font import FT2Font

    family = charts.font()
    assert family in (charts.PREFERRED_FONT, "DejaVu Serif")
    installed = {f.name for f in font_manager.fontManager.ttflist}
    assert family == (charts.PREFERRED_FONT if charts.PREFERRED_FONT in installed else "DejaVu Serif")
    path = font_manager.findfont(font_manager.FontProperties(family=family), fallback_to_default=False)
    font = FT2Font(path)
    for ch in "ữỗệẫặđƯơĐ":
        assert font.get_char_index(ord(ch)) != 0, ch


def test_every_text_of_a_chart_is_in_the_serif_font(demo_store):
    data = values.load_report(demo_store, None, "2023-NAM")
    fig = draw("tiep-nhan-linh-vuc", None, data)
    ax = fig.axes[0]
    fig.canvas.draw()
    texts = [*fig.texts, *ax.texts, ax.yaxis.label, *ax.get_xticklabels(), *ax.get_yticklabels(),
             *ax.get_legend().get_texts()]
    assert texts and all(t.get_fontfamily() == [charts.font()] for t in texts), \
        {t.get_text(): t.get_fontfamily() for t in texts if t.get_fontfamily() != [charts.font()]}


def test_one_bar_is_not_titled_per_field(mini_store):
    store, pid = mini_store
    set_fields(store, pid, {"Hộ tịch": {"truc_tuyen": 40, "truc_tiep": 2, "truoc_han": 30, "dung_han": 10,
                                         "qua_han": 0, "dang_giai_quyet": 2}})
    data = data_of(store, pid)
    for kind, title in (("tiep-nhan-linh-vuc", "Hồ sơ tiếp nhận lĩnh vực Hộ tịch"),
                        ("tinh-trang-linh-vuc", "Tình hình giải quyết hồ sơ lĩnh vực Hộ tịch")):
        fig = draw(kind, store, data)
        assert charts.header_of(fig)[0] == title and title in all_texts(fig)
    assert charts.title_of("tinh-trang-linh-vuc", [charts.WHOLE_DESK]) == \
        "Tình hình giải quyết hồ sơ của Bộ phận Một cửa UBND"
    assert charts.title_of("tinh-trang-linh-vuc", ["A", "B"]) == charts.KINDS["tinh-trang-linh-vuc"]


@pytest.mark.parametrize("size", [(4.4, 3.2), (5.5, 4.5), (8.0, 4.8)])
def test_axis_labels_stay_inside_a_small_picture(demo_store, size):
    """In a small window (1024×768: a canvas of about 450 px) nothing of the axes is cut off."""
    data = values.load_report(demo_store, None, "2023-NAM")
    for kind in ("tiep-nhan-linh-vuc", "xu-huong"):
        fig = draw(kind, demo_store, data, size=size, header=False)
        fig.canvas.draw()
        renderer = fig.canvas.get_renderer()
        ax = fig.axes[0]
        box = fig.bbox
        label = ax.yaxis.label.get_window_extent(renderer)
        assert label.x0 >= box.x0, (kind, size, "y-axis label cut off")
        tight = ax.get_tightbbox(renderer)
        assert tight.x0 >= box.x0 and tight.x1 <= box.x1 + 0.5 and tight.y0 >= box.y0 and tight.y1 <= box.y1 + 0.5


def test_a_chart_of_the_word_report_says_neither_the_apps_words_nor_its_caption(demo_store):
    data = values.load_report(demo_store, None, "2023-NAM")
    window = charts.figure("tinh-trang-linh-vuc", data)
    assert "biểu đồ vẽ số của cả bộ phận" in charts.header_of(window)[1]  # the window says it
    in_report = charts.figure("tinh-trang-linh-vuc", data, title=False)
    drawn = [t.get_text() for t in in_report.texts]
    assert "Tỷ lệ đúng hạn 100 %" in drawn
    assert not any("Chưa có số liệu" in t or "xã Chi Lăng Nam" in t or "Bộ phận Một cửa" in t for t in drawn), drawn
    received = charts.figure("tiep-nhan-linh-vuc", data, title=False)
    assert [t.get_text() for t in received.axes[0].get_legend().get_texts()] == [
        "Tiếp nhận trực tuyến", "Tiếp nhận trực tiếp"]  # as the table above it


def test_a_wards_subtitle_names_its_desk_once_and_stays_inside_the_picture(tmp_path):
    """Review of issue 17 (C1): “… hành chính công phường — phường Lê Chân …” ran off both edges."""
    from cchc_desktop.domain import official_choice, official_units
    from cchc_desktop.report import default_texts
    from cchc_desktop.store import open_store

    fields = official_choice.unit_fields(official_units.unit("11383"))  # phường Lê Chân
    store = open_store(tmp_path / "w.sqlite")
    period = default_texts.setup_unit(store, fields.pop("code"), fields.pop("name"), fields.pop("kind"),
                                      "2026-Q3", **fields)
    figures = {"Hộ tịch": (120, 30), "Chứng thực": (400, 100)}
    for field in values.load_period(store, period["id"]).tables["ubnd"].fields:  # the others: 0
        name = field["name"]
        online, direct = figures.get(name, (0, 0))
        store.set_dossier(period["id"], "ubnd", name, "truc_tuyen", online)
        store.set_dossier(period["id"], "ubnd", name, "truc_tiep", direct)
        store.set_dossier(period["id"], "ubnd", name, "ky_truoc", 5 if name == "Hộ tịch" else 0)
    data = values.load_period(store, period["id"])
    store.close()
    fig = charts.figure("tiep-nhan-linh-vuc", data)
    subtitle = charts.header_of(fig)[1]
    assert subtitle.startswith("Trung tâm Phục vụ hành chính công phường Lê Chân, quý III năm 2026 — tổng 650 hồ sơ")
    assert "phường — phường" not in subtitle
    renderer = fig.canvas.get_renderer()
    drawn = next(t for t in fig.texts if t.get_text().startswith("Trung tâm"))
    box = drawn.get_window_extent(renderer)
    assert box.x0 >= 0 and box.x1 <= fig.bbox.width and "\n" in drawn.get_text()  # wrapped, inside
    ax = fig.axes[0].get_window_extent(renderer)
    assert ax.y1 < box.y0  # the plot starts under the subtitle
    assert tick_labels(fig.axes[0]) == ["Hộ tịch", "Chứng thực"]  # the ten fields of nothing but 0 left out
    assert charts.ZERO_FIELDS.format(n=10) in subtitle
