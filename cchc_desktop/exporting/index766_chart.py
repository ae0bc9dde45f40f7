"""The QĐ 766 index's trend as a picture: the score of each week or month (report/index766.trend),
with the maximum that could be computed beside it. matplotlib Figure + Agg (no pyplot state),
imported only to draw, like exporting/charts.py."""
from __future__ import annotations

from cchc_desktop.exporting import charts

TITLE = {"week": "Điểm chỉ số phục vụ theo tuần", "month": "Điểm chỉ số phục vụ theo tháng"}


def trend_figure(points, by: str = "week", size=(8.0, 3.6)):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=size, dpi=100)
    FigureCanvasAgg(fig)
    fig.set_facecolor("white")
    family = charts.font()
    ax = fig.add_subplot(111)
    labels = [p.label for p in points]
    x = list(range(len(points)))
    if not points:
        ax.text(0.5, 0.5, charts.NO_DATA, ha="center", va="center", transform=ax.transAxes, family=family)
        ax.set_axis_off()
        return fig
    ax.bar(x, [float(p.counted_max) for p in points], color="#dde6f0", label="Điểm tối đa tính được")
    ax.plot(x, [float(p.points) for p in points], color="#1f5fa8", marker="o", markersize=3, label="Điểm đạt")
    step = max(1, -(-len(points) // 8))
    ax.set_xticks(x[::step])
    ax.set_xticklabels(labels[::step], family=family, fontsize=8, rotation=0)
    ax.set_ylim(0, 100)
    ax.set_ylabel("điểm", family=family)
    ax.set_title(TITLE[by], family=family, fontsize=11)
    ax.legend(prop={"family": family, "size": 8}, loc="upper left", frameon=False)
    ax.grid(axis="y", color="#e5e5e5")
    fig.subplots_adjust(left=0.08, right=0.98, top=0.88, bottom=0.12)
    return fig


def png_bytes(fig) -> bytes:
    import io

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=100)
    return buf.getvalue()
