"""The "Biểu đồ" tab against bare matplotlib, measured in the same run.

1. First chart after the tab is opened, in a fresh process, matplotlib's import included:
   from the click on the tab until the canvas has drawn the chart, against a bare script
   that imports matplotlib and saves one bar chart as PNG (both timed inside the process,
   median of several fresh processes). Target ≤ 1.5.
2. Re-draw after a period change: `ctx.set_period(other)` + the tab's re-draw (the data of
   the other period loaded, the chart drawn on the canvas), against a bare re-draw of one
   bar chart on an existing figure of the same canvas class (figure cleared, one subplot,
   one bar call, draw). Target ≤ 1.5. A third row, for information, compares with a bare
   re-draw that keeps its axes as the tab does.

    .venv/bin/python bench/bench_charts.py
"""
import copy
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from _common import ROOT, report, time_call

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
RUNS = 7

BARE_FIRST = r"""
import time
t0 = time.perf_counter()
import io
from matplotlib.figure import Figure
from matplotlib.backends.backend_agg import FigureCanvasAgg
fig = Figure(figsize=(8, 4.8))
FigureCanvasAgg(fig)
ax = fig.add_subplot()
ax.bar(range(4), [501, 2645, 26, 53])
ax.set_title("Hồ sơ tiếp nhận theo lĩnh vực")
fig.savefig(io.BytesIO(), format="png")
print(time.perf_counter() - t0)
"""

TAB_FIRST = r"""
import sys, time
from ui.qt import QApplication, QLabel, QTabWidget
app = QApplication([])
from cchc_desktop.store import open_store
from ui.shell.context import AppContext
from ui.charts import charts_tab
store = open_store(sys.argv[1])
unit = store.unit()
ctx = AppContext(store, unit["code"], store.get_period(unit["code"], "2023-NAM")["id"])
ctx.data()
tabs = QTabWidget()
tabs.addTab(QLabel("Thông tin chung"), "Thông tin chung")
tab = charts_tab.ChartsTab(ctx)
tabs.addTab(tab, charts_tab.TITLE)
tabs.resize(1200, 700)
tabs.show()
for _ in range(5):
    app.processEvents()
assert "matplotlib" not in sys.modules
drawn = []
t0 = time.perf_counter()
tabs.setCurrentWidget(tab)                      # the user opens the tab
tab.canvas.mpl_connect("draw_event", lambda e: drawn.append(time.perf_counter()))
while not drawn:                                # until the canvas has drawn the chart
    app.processEvents()
print(drawn[0] - t0)
"""


def fresh(code: str, *args) -> float:
    """Median of the time a fresh process prints, one warm-up run not counted."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen"}
    cmd = [sys.executable, "-c", code, *map(str, args)]
    subprocess.run(cmd, check=True, capture_output=True, env=env, cwd=ROOT)
    out = []
    for _ in range(RUNS):
        r = subprocess.run(cmd, check=True, capture_output=True, text=True, env=env, cwd=ROOT)
        out.append(float(r.stdout.strip().splitlines()[-1]))
    return statistics.median(out)


def make_demo(folder: Path) -> Path:
    """The demo plus a second period (2022-NAM) to switch to."""
    from cchc_desktop import dataio, paths
    from cchc_desktop.store import open_store

    db = folder / "demo.sqlite"
    store = open_store(db)
    dataio.load_demo(store)
    doc = copy.deepcopy(dataio.read_file(paths.resource("demo", "chi-lang-nam-2023.json")))
    doc["period"].update(code="2022-NAM", start="2021-12-15", end="2022-12-14", doc_date=None)
    for i, f in enumerate(doc["dossiers"]["ubnd"]["fields"]):
        f["truc_tuyen"], f["truc_tiep"] = 100 * (i + 1), 10 * (i + 1)
    dataio.load(store, json.loads(json.dumps(doc)))
    store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    store.close()
    return db


def redraw_times(db: Path) -> tuple[float, float]:
    from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg
    from matplotlib.figure import Figure

    from cchc_desktop.store import open_store
    from ui.shell.context import AppContext
    from ui.qt import QApplication
    from ui.charts import charts_tab

    app = QApplication.instance() or QApplication([])
    store = open_store(db)
    unit = store.unit()
    ids = [store.get_period(unit["code"], c)["id"] for c in ("2023-NAM", "2022-NAM")]
    ctx = AppContext(store, unit["code"], ids[0])
    tab = charts_tab.ChartsTab(ctx)
    tab.resize(1200, 700)
    tab.show()
    app.processEvents()
    turn = [0]

    def period_change():
        turn[0] ^= 1
        ctx.set_period(ids[turn[0]])    # what the window's period selector does
        tab.redraw(sync=True)           # what the debounce timer then runs, drawn at once
    t_tab = time_call(period_change, runs=21)

    fig = Figure(figsize=(11, 6.5))
    canvas = FigureCanvasQTAgg(fig)
    canvas.resize(1100, 650)
    values = [[501, 2645, 26, 53], [110, 220, 330, 440]]

    def bare():
        turn[0] ^= 1
        fig.clear()
        ax = fig.add_subplot()
        ax.bar(range(4), values[turn[0]])
        canvas.draw()
    t_bare = time_call(bare, runs=21)

    # A stricter baseline, for information: the bare chart keeps its axes too.
    fig.clear()
    ax = fig.add_subplot()

    def bare_keep_axes():
        turn[0] ^= 1
        for c in list(ax.containers):
            c.remove()
        ax.bar(range(4), values[turn[0]], color="C0")
        ax.set_ylim(0, max(values[turn[0]]) * 1.1)
        canvas.draw()
    t_keep = time_call(bare_keep_axes, runs=21)
    store.close()
    return t_tab, t_bare, t_keep


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        db = make_demo(Path(tmp))
        bare_first = fresh(BARE_FIRST)
        tab_first = fresh(TAB_FIRST, db)
        t_tab, t_bare, t_keep = redraw_times(db)
    report("Charts (Biểu đồ tab)", [
        ("first chart after opening the tab (fresh process, matplotlib import included)  "
         "vs  import matplotlib + save one bar chart", tab_first, bare_first, 1.5),
        ("re-draw after a period change (data of the period loaded + chart drawn)  "
         "vs  bare re-draw of one bar chart on an existing figure", t_tab, t_bare, 1.5),
        ("the same re-draw  vs  a bare re-draw that keeps its axes (bars replaced)", t_tab, t_keep, None),
    ])


if __name__ == "__main__":
    main()
