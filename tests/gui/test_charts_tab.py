"""The "Biểu đồ" tab: matplotlib only once the tab is shown, the period follows the window,
re-draws reuse the figure, PNG/SVG/clipboard output."""
import copy
import os
import subprocess
import sys
from pathlib import Path

import pytest

from cchc_desktop import dataio, paths
from cchc_desktop.exporting import charts
from cchc_desktop.store import Store

ROOT = Path(__file__).resolve().parents[2]


def texts(fig):
    out = [t.get_text() for t in fig.texts]
    for ax in fig.axes:
        out += [t.get_text() for t in ax.texts]
    return out


def heights(fig):
    return [[p.get_height() for p in c.patches] for c in fig.axes[0].containers]


@pytest.fixture
def tab(ctx, qtbot):
    from ui.charts.charts_tab import ChartsTab

    t = ChartsTab(ctx)
    qtbot.addWidget(t)
    t.resize(1100, 650)
    return t


def shown(tab, qtbot):
    tab.show()
    qtbot.waitExposed(tab)
    assert tab.canvas is not None
    return tab


def add_2022(store):
    """The demo again as 2022-NAM with other per-field figures."""
    doc = copy.deepcopy(dataio.read_file(paths.resource("demo", "chi-lang-nam-2023.json")))
    doc["period"].update(code="2022-NAM", start="2021-12-15", end="2022-12-14", doc_date=None)
    for i, f in enumerate(doc["dossiers"]["ubnd"]["fields"]):
        f["truc_tuyen"], f["truc_tiep"] = 100 * (i + 1), 10 * (i + 1)
    return dataio.load(store, doc)


def test_matplotlib_is_imported_in_the_background_when_the_tab_is_first_shown(demo_file, tmp_path):
    """In a fresh process: the window is built without matplotlib; showing the tab shows
    "Đang chuẩn bị biểu đồ…" at once while a worker thread imports matplotlib (held here until
    the placeholder has been checked), then the chart is drawn on the UI thread."""
    db = tmp_path / "demo.sqlite"
    db.write_bytes(Path(demo_file).read_bytes())
    code = f"""
import sys, threading
from ui.qt import QApplication
app = QApplication([])
from cchc_desktop.store import open_store
from ui.shell.context import AppContext
store = open_store(r'{db}')
unit = store.unit()
ctx = AppContext(store, unit['code'], store.get_period(unit['code'], '2023-NAM')['id'])
from ui.shell.main_window import MainWindow
from ui.charts import charts_tab
gate, threads = threading.Event(), []
real_prepare = charts_tab.prepare_matplotlib
def held_prepare():
    threads.append(threading.current_thread())
    assert gate.wait(60)
    return real_prepare()
charts_tab.prepare_matplotlib = held_prepare
w = MainWindow(ctx)  # with every feature of ui/shell/features.py
key = 'extra:' + charts_tab.TITLE
tab = w.tab_widget(key)  # built into its page, the page not shown
w.resize(1024, 768); w.show(); app.processEvents()
assert 'matplotlib' not in sys.modules, 'matplotlib imported before the tab is shown'
assert tab.canvas is None
w.show_tab(key); app.processEvents()
assert tab.canvas is None and tab.placeholder.isVisible(), 'no placeholder while preparing'
assert tab.placeholder.text() == 'Đang chuẩn bị biểu đồ…'
assert threads and threads[0] is not threading.main_thread(), 'not imported in a worker thread'
gate.set()
assert w.wait_tasks(60000)
app.processEvents()
assert 'matplotlib.backends.backend_qtagg' in sys.modules
assert tab.canvas is not None and tab.canvas.figure.axes, 'no chart drawn'
assert tab.title_label.text() == 'Hồ sơ tiếp nhận theo lĩnh vực'
assert w.wait_tasks(60000)  # what the drawing started ends before the process does
print('ok')
"""
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT,
                       env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert r.returncode == 0 and "ok" in r.stdout, r.stdout + r.stderr


def test_the_tab_shows_the_placeholder_then_the_chart(window, qtbot, monkeypatch):
    """Through the window's task runner: the placeholder first, the chart once the task is done;
    a failed preparation says so and the next opening tries again."""
    import threading

    from ui.charts import charts_tab

    gate = threading.Event()

    def held():
        assert gate.wait(30)
        return True

    monkeypatch.setattr(charts_tab, "backend_ready", lambda: False)  # as on the first opening
    monkeypatch.setattr(charts_tab, "prepare_matplotlib", held)
    tab = charts_tab.install(window)
    window.show_tab("extra:" + charts_tab.TITLE)
    qtbot.waitUntil(lambda: tab.preparing)
    assert tab.canvas is None and tab.placeholder.text() == charts_tab.PREPARING
    assert tab.placeholder.isVisible()
    assert window.busy_label.isVisible()  # the window's status bar says a task runs
    gate.set()
    qtbot.waitUntil(lambda: tab.canvas is not None and bool(tab.canvas.figure.axes), timeout=10000)
    assert not tab.preparing and heights(tab.canvas.figure)[0] == [458, 2645, 0, 44]
    assert tab.canvas.isVisible()


def test_a_failed_preparation_says_what_to_do(ctx, qtbot, monkeypatch):
    from ui.charts import charts_tab

    def broken():
        raise RuntimeError("thiếu thư viện vẽ")

    monkeypatch.setattr(charts_tab, "backend_ready", lambda: False)
    monkeypatch.setattr(charts_tab, "prepare_matplotlib", broken)
    t = charts_tab.ChartsTab(ctx)
    qtbot.addWidget(t)
    t.show()
    qtbot.waitExposed(t)
    assert t.canvas is None and not t.preparing
    assert "Không chuẩn bị được biểu đồ" in t.placeholder.text() and "mở lại" in t.placeholder.text()
    monkeypatch.setattr(charts_tab, "prepare_matplotlib", lambda: True)
    t.hide()
    t.show()  # opened again: tried again
    assert t.canvas is not None and t.canvas.figure.axes


def test_the_chart_list_and_the_first_chart(tab, qtbot):
    assert [tab.kinds.item(i).text() for i in range(tab.kinds.count())] == list(charts.KINDS.values())
    assert tab.canvas is None
    shown(tab, qtbot)
    fig = tab.canvas.figure
    assert tab.title_label.text() == charts.KINDS["tiep-nhan-linh-vuc"]  # the header is the tab's own text
    assert "tổng 3.225 hồ sơ, trực tuyến 97,6 %" in tab.subtitle_label.text()
    assert charts.KINDS["tiep-nhan-linh-vuc"] not in texts(fig)
    assert heights(fig) == [[458, 2645, 0, 44], [43, 0, 26, 9]]
    assert not tab.indicator_combo.isVisible()
    between = tab.kinds.item(list(charts.KINDS).index("theo-xa"))
    assert between.isHidden()  # a commune (or ward) has no communes to compare
    tab.set_kind("tinh-trang-linh-vuc")
    assert not tab.indicator_combo.isVisible()
    assert tab.canvas.figure is fig  # one figure, re-drawn
    assert heights(fig) == [[3143], [75], [0], [7]]
    assert "riêng từng lĩnh vực" in tab.subtitle_label.text()


def test_an_upper_level_is_offered_the_comparison_between_communes(ctx, tab, qtbot):
    ctx.store.update_unit(ctx.unit_code, kind="huyen")
    ctx.invalidate("unit")
    shown(tab, qtbot)
    tab.redraw(sync=True)
    assert not tab.kinds.item(list(charts.KINDS).index("theo-xa")).isHidden()
    tab.set_kind("theo-xa")
    assert tab.indicator_combo.isVisible()
    assert tab.indicator() == "hs.ubnd.ty_le_truc_tuyen"
    assert charts.NO_DATA in texts(tab.canvas.figure)  # no commune under it


def test_period_follows_the_window_and_its_own_combo(ctx, tab, qtbot):
    p22 = add_2022(ctx.store)
    ctx.invalidate("period")
    shown(tab, qtbot)
    fig = tab.canvas.figure
    assert tab.period_combo.count() == 2
    assert heights(fig)[0] == [458, 2645, 0, 44]
    ctx.set_period(p22["id"])
    assert tab.period_id() == p22["id"]
    qtbot.waitUntil(lambda: heights(fig)[0] == [100, 200, 300, 400], timeout=3000)
    # The tab's own combo: back to 2023 without changing the window's period.
    tab.period_combo.setCurrentIndex(tab.period_combo.findData(ctx.store.get_period(ctx.unit_code, "2023-NAM")["id"]))
    assert heights(tab.canvas.figure)[0] == [458, 2645, 0, 44]
    assert ctx.period_id == p22["id"]
    tab.set_kind("xu-huong")
    online = tab.canvas.figure.axes[0].get_lines()[0]
    assert list(online.get_ydata()) == pytest.approx([100 * 1000 / 1100, 100 * 3147 / 3225])


def test_an_edit_redraws_after_a_short_pause(ctx, tab, qtbot):
    shown(tab, qtbot)
    fig = tab.canvas.figure
    ok, _ = ctx.write("dossier", Store.set_dossier, ctx.period_id, "ubnd", "Hộ tịch", "truc_tuyen", 500)
    assert ok
    assert tab._timer.isActive()  # debounced, not drawn at once
    qtbot.waitUntil(lambda: heights(fig)[0][0] == 500, timeout=3000)
    assert tab.canvas.figure is fig


def test_a_hidden_tab_redraws_when_shown_again(ctx, tab, qtbot):
    shown(tab, qtbot)
    tab.hide()
    ctx.write("dossier", Store.set_dossier, ctx.period_id, "ubnd", "Hộ tịch", "truc_tiep", 7)
    assert not tab._timer.isActive()
    tab.show()
    qtbot.waitExposed(tab)
    assert heights(tab.canvas.figure)[1][0] == 7


def test_save_png_svg_and_copy(ctx, tab, qtbot, tmp_path, monkeypatch, no_dialogs):
    shown(tab, qtbot)
    png = tab.save_as("png", str(tmp_path / "a.png"))
    assert png.read_bytes()[:4] == b"\x89PNG"
    # Through the dialog: the name offered names kind, unit and period; the suffix is added.
    offered = {}

    def fake_dialog(parent, caption, start, filters):
        offered.update(caption=caption, start=start, filters=filters)
        return str(tmp_path / "bieu-do"), filters

    from ui.charts import charts_tab

    monkeypatch.setattr(charts_tab.QFileDialog, "getSaveFileName", staticmethod(fake_dialog))
    svg = tab.save_as("svg")
    assert svg == tmp_path / "bieu-do.svg" and b"<svg" in svg.read_bytes()[:500]
    assert offered["caption"] == "Lưu biểu đồ"
    assert Path(offered["start"]).name == "bieu-do-tiep-nhan-linh-vuc-xa-chi-lang-nam-2023-NAM.svg"
    assert "Đã lưu biểu đồ" in tab.status.text()
    # A folder that does not exist: a Vietnamese message, no traceback.
    assert tab.save_as("png", str(tmp_path / "khong-co" / "a.png")) is None
    assert no_dialogs and no_dialogs[-1][0] == "error" and "không tồn tại" in no_dialogs[-1][1]
    from ui.qt import QGuiApplication

    assert tab.copy_to_clipboard()
    image = QGuiApplication.clipboard().image()
    assert not image.isNull() and image.width() > 500


def test_install_adds_the_tab(ctx, qtbot):
    from ui.charts import charts_tab

    added = []

    class FakeWindow:
        pass

    w = FakeWindow()
    w.ctx = ctx
    w.add_tab = lambda widget, title: added.append((widget, title))
    w.run_task = lambda title, fn, on_done, on_error=None: None
    tab = charts_tab.install(w)
    qtbot.addWidget(tab)
    assert added == [(tab, "Biểu đồ")]
    assert tab.run_task is w.run_task  # matplotlib is prepared through the window's background tasks


def test_a_narrow_tab_keeps_the_axis_label_and_redraws_on_resize(tab, qtbot):
    """At 1024×768 the tab is about 780 px wide: the y-axis label stays inside the canvas, also
    after the canvas is made narrower."""
    tab.resize(780, 640)
    shown(tab, qtbot)
    tab.redraw(sync=True)
    fig = tab.canvas.figure

    def label_inside():
        renderer = tab.canvas.get_renderer()
        ax = fig.axes[0]
        return ax.yaxis.label.get_window_extent(renderer).x0 >= 0 and \
            ax.get_tightbbox(renderer).x1 <= fig.bbox.x1 + 0.5

    assert label_inside()
    tab.canvas.draw()
    tab.resize(640, 600)  # narrower still: a resize re-draws, and the margins are fitted again
    qtbot.waitUntil(lambda: not tab._dirty and not tab._timer.isActive() and fig.get_figwidth() * fig.dpi < 470,
                    timeout=3000)
    tab.canvas.draw()
    assert label_inside()
