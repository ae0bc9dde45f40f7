"""Charts of the one-stop desk's dossiers, drawn from the data alone (matplotlib, Agg, no Qt).

Five kinds, each named as the CLI and the window name it (see KINDS):

1. ``tiep-nhan-linh-vuc`` — dossiers received per field, online vs in person, stacked bars;
2. ``tinh-trang-linh-vuc`` — resolution status per field (early, on time, late, pending);
   where the fields carry no split (the seed gives resolution only for the whole desk)
   one bar "Toàn bộ phận" is drawn and a subtitle says so: a split is never invented;
3. ``xu-huong`` — the online share and the on-time rate across the unit's periods;
4. ``theo-thang`` — received and resolved per month of the period, from the register;
5. ``theo-xa`` — one bar per commune of an upper level, for one indicator.

Totals and rates are the report's own (``AgencyTable.effective``, ``ReportData.measures``), never
summed here: where a blank field leaves the report's total unknown the chart says so too, a bar
with a blank part carries ``INCOMPLETE`` instead of a total, and the subtitle counts the fields
still blank, so the text and the chart of a page never contradict each other.
A chart with nothing to draw shows ``NO_DATA`` in the picture instead of empty axes. Charts
1 and 2 with a single bar (one field, or only the desk's totals) are titled for what they
show, not "theo lĩnh vực". Every text is in a serif face like the report's Times New Roman
(`font()`: Times New Roman where installed, else DejaVu Serif, which ships with matplotlib
and has every Vietnamese letter). The axes start at fixed fractions of the figure and
`fit_axes` then moves their edges in just enough for the tick labels, the axis label and the
legend to stay inside the picture at any size (a small window included).
Nothing here touches pyplot's global state: every figure is a plain ``Figure``; the window
gives its own (Qt) canvas's figure through ``fig=`` and the figure is cleared and reused.
"""
from __future__ import annotations

import calendar
import datetime as dt
import io
import math
import textwrap
from decimal import Decimal
from pathlib import Path

from typing import TYPE_CHECKING

from cchc_desktop import fileio, fmt
from cchc_desktop.domain import dossiers, periods, units
from cchc_desktop.errors import UserError
from cchc_desktop.report import chart_data

if TYPE_CHECKING:
    from matplotlib.figure import Figure  # matplotlib: only when a chart is drawn (start-up time)

# matplotlib is imported by the functions that draw, not here: the window lists the kinds
# (and the Word export asks for charts) without paying for matplotlib's import at start.

KINDS: dict[str, str] = {
    **chart_data.REPORT_CHARTS,
    "xu-huong": "Tỷ lệ tiếp nhận trực tuyến và giải quyết đúng hạn qua các kỳ",
    "theo-thang": "Hồ sơ tiếp nhận và giải quyết theo tháng",
    "theo-xa": "So sánh một chỉ tiêu giữa các xã",
}
NO_DATA = "Chưa có số liệu để vẽ biểu đồ này"
INCOMPLETE = "chưa đủ"  # on top of a bar with a blank part: its total is unknown, as in the report
DEFAULT_INDICATOR = "hs.ubnd.ty_le_truc_tuyen"
WHOLE_DESK = "Toàn bộ phận"

FONT = "DejaVu Serif"  # ships with matplotlib and has every Vietnamese letter: the fallback
PREFERRED_FONT = "Times New Roman"  # the report's face, where the machine has it (Windows does)
_font_cache: list[str] = []
SIZE = (8.0, 4.8)  # inches; the window scales it, Word gets it at 16 cm wide
DPI = 150

COLORS = {
    "truc_tuyen": "#2f6db3",
    "truc_tiep": "#f0a23b",
    "truoc_han": "#2e9d5b",
    "dung_han": "#7cc48f",
    "qua_han": "#d64541",
    "dang_giai_quyet": "#a0a4a8",
    "tiep_nhan": "#2f6db3",
    "da_giai_quyet": "#2e9d5b",
    "line_online": "#2f6db3",
    "line_on_time": "#2e9d5b",
    "bar": "#2f6db3",
}
STATUS_COLUMNS = chart_data.STATUS_COLUMNS
STATUS_LABELS = {
    "truoc_han": "Trước hạn",
    "dung_han": "Đúng hạn",
    "qua_han": "Quá hạn",
    "dang_giai_quyet": "Đang giải quyết",
}

# Layout, in figure fractions: fixed so a re-draw never runs a layout engine.
_AX_RECT = (0.09, 0.15, 0.88, 0.59)
_AX_RECT_NO_TITLE = (0.11, 0.12, 0.86, 0.63)
_AX_RECT_NO_HEADER = (0.08, 0.12, 0.90, 0.76)
_TITLE_Y = 0.955
_SUBTITLE_Y = 0.895


# --- public API ---------------------------------------------------------------------------
def font() -> str:
    """The serif family the charts use: Times New Roman when installed, else DejaVu Serif."""
    if not _font_cache:
        from matplotlib import font_manager  # matplotlib: only when a chart is drawn (start-up time)

        try:
            font_manager.findfont(font_manager.FontProperties(family=PREFERRED_FONT), fallback_to_default=False)
            _font_cache.append(PREFERRED_FONT)
        except ValueError:
            _font_cache.append(FONT)
    return _font_cache[0]


def title_of(kind: str, names: list[str] | None = None, desk: str = dossiers.AGENCIES["ubnd"]) -> str:
    """The chart's title; charts 1 and 2 with a single bar say what that bar is (`desk`: the
    one-stop desk as the period's frame names it)."""
    title = KINDS[kind]
    if kind in ("tiep-nhan-linh-vuc", "tinh-trang-linh-vuc") and names is not None and len(names) == 1:
        base = title.removesuffix(" theo lĩnh vực")
        title = f"{base} của {desk}" if names[0] == WHOLE_DESK else f"{base} lĩnh vực {names[0]}"
    return title


def fit_axes(fig: Figure, pad: float = 4.0) -> None:
    """Move the axes' edges in so that their tick labels, axis label and legend stay inside the
    figure (at its current size, in pixels): the figure's own tight layout for our one axes."""
    ax = getattr(fig, "_cchc_axes", None)
    if ax is None or ax not in fig.axes or fig.canvas is None:
        return
    renderer = fig.canvas.get_renderer()
    box = fig.bbox
    legend = ax.get_legend()
    if legend is not None and legend.get_window_extent(renderer).width > box.width - 2 * pad:
        _legend(ax, 1)  # side by side it is wider than the picture: one entry a line
    pos = ax.get_position()
    for _ in range(2):  # a second pass for labels that re-wrap after the first move
        tight = ax.get_tightbbox(renderer)
        if tight is None:
            return
        left = max(0.0, box.x0 + pad - tight.x0)
        right = max(0.0, tight.x1 - (box.x1 - pad))
        bottom = max(0.0, box.y0 + pad - tight.y0)
        top = max(0.0, tight.y1 - (box.y1 - pad))
        if not (left or right or bottom or top):
            return
        x0 = pos.x0 + left / box.width
        x1 = pos.x1 - right / box.width
        y0 = pos.y0 + bottom / box.height
        y1 = pos.y1 - top / box.height
        if x1 - x0 < 0.2 or y1 - y0 < 0.2:  # a picture too small to hold its labels: leave it
            return
        ax.set_position([x0, y0, x1 - x0, y1 - y0])
        pos = ax.get_position()



def figure(kind: str, data, fig: Figure | None = None, title: bool = True,
           size: tuple[float, float] | None = None, header: bool = True, **options) -> Figure:
    """Draw chart `kind` for `data` (a ReportData). xu-huong, theo-thang and theo-xa also draw
    what the caller read from the data file (report/chart_data.py `inputs`): `series`, the
    ReportData of every period of the unit (without it: `data` alone); `months`, the
    register's counts per month (without them: none); `communes`, (name, ReportData or None)
    per commune (without them: a roll-up's own `data.communes`). `fig` is reused when given: cleared for
    another kind; for the kind it shows already, its axes stay and only what was drawn on
    them is replaced (a re-draw after a period change costs the drawing, not a new axes).
    `title=False` leaves the title to a caption (the Word report); `header=False` draws
    neither title nor subtitle but keeps them for `header_of(fig)` (the window shows them
    as its own text above the canvas); `size` in inches; `indicator` for theo-xa."""
    if kind not in KINDS:
        known = ", ".join(KINDS)
        raise UserError(f"Không có loại biểu đồ “{kind}”. Các loại có: {known}.")
    if fig is None:
        # matplotlib: only when a chart is drawn (start-up time)
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure  # matplotlib: only when a chart is drawn (start-up time)

        fig = Figure(figsize=size or SIZE, dpi=100)
        FigureCanvasAgg(fig)
    elif getattr(fig, "_cchc_kind", None) == (kind, title, header) and fig.axes == [getattr(fig, "_cchc_axes", None)]:
        for t in list(fig.texts):
            t.remove()
        _reset_axes(fig.axes[0])
    else:
        fig.clear()
    fig._cchc_kind = (kind, title, header)
    fig._cchc_header = ("", "")
    fig._cchc_subtitle_lines = 1
    fig._cchc_title = KINDS[kind]
    fig.set_facecolor("white")
    draw = {
        "tiep-nhan-linh-vuc": _received_by_field,
        "tinh-trang-linh-vuc": _status_by_field,
        "xu-huong": _trend,
        "theo-thang": _by_month,
        "theo-xa": _by_commune,
    }[kind]
    draw(fig, data, title=title, **options)
    fit_axes(fig)
    return fig


def save(fig: Figure, path: str | Path) -> Path:
    """Write the chart as PNG or SVG (by the suffix), atomically."""
    path = Path(path)
    fmt_name = path.suffix.lower().lstrip(".")
    if fmt_name not in ("png", "svg"):
        raise UserError(f"Chỉ lưu được biểu đồ dạng .png hoặc .svg, không lưu được “{path.name}”. "
                        "Hãy đặt tên tệp có đuôi .png hoặc .svg.")
    if not path.parent.exists():
        raise UserError(f"Thư mục “{path.parent}” không tồn tại. Hãy chọn một thư mục có thật.")
    return fileio.atomic_write(path, lambda tmp: fig.savefig(tmp, format=fmt_name, dpi=DPI, facecolor="white"))


def png_bytes(fig: Figure, dpi: int = DPI) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, facecolor="white")
    return buf.getvalue()


def report_charts(data) -> list[tuple[str, bytes]]:
    """The charts of the Word report, after the dossier table: (caption, PNG) pairs.

    Captions carry no "Biểu đồ N." prefix (the report numbers them). Only the kinds drawn
    from the period's own figures: 1 and 2. A chart with no data is left out.
    """
    out = []
    where = _where(data)
    for kind in ("tiep-nhan-linh-vuc", "tinh-trang-linh-vuc"):
        fig = figure(kind, data, title=False, size=(7.0, 3.4))  # with its caption, fits below a page's table
        if has_data(fig):
            out.append((f"{getattr(fig, '_cchc_title', KINDS[kind])} ({where})", png_bytes(fig, dpi=200)))
    return out


def has_data(fig: Figure) -> bool:
    return not any(t.get_text() == NO_DATA for t in fig.texts)


def kind_needs_indicator(kind: str) -> bool:
    return kind == "theo-xa"


def indicator_choices(data) -> list[tuple[str, str]]:
    """(value name, label) pairs offered for theo-xa: the desk's measures, then the catalogue."""
    out = [(dossiers.value_name("ubnd", m), f"Một cửa: {lab}") for m, lab in dossiers.MEASURES.items()]
    for row in data.catalogue.rows():
        if row.has_value and row.kind != "text":
            out.append((row.code, f"{row.form} {row.stt} {row.label}"))
    return out


# --- helpers ------------------------------------------------------------------------------
def _num(v) -> float | None:
    if v is None:
        return None
    return float(v)


def _desk(data) -> str:
    """The one-stop desk as the period's frame names it."""
    return data.agency_name("ubnd")


def _where(data) -> str:
    """`xã Chi Lăng Nam, năm 2023`."""
    return f"{data.text_value('don_vi.ten')}, {periods.name(data.key)}"


def _formatter(fn):
    from matplotlib.ticker import FuncFormatter  # matplotlib: only when a chart is drawn (start-up time)

    return FuncFormatter(fn)


def _int_locator():
    from matplotlib.ticker import MaxNLocator  # matplotlib: only when a chart is drawn (start-up time)

    return MaxNLocator(nbins=6, integer=True)


def _count_fmt(x, _pos=None) -> str:
    return fmt.number(Decimal(str(round(x, 6))), 1) if x != int(x) else fmt.number(int(x))


def _pct_fmt(x, _pos=None) -> str:
    return fmt.percent(Decimal(str(round(x, 6)))) + " %"


def header_of(fig: Figure) -> tuple[str, str]:
    """(title, subtitle) of the chart last drawn into `fig`."""
    return getattr(fig, "_cchc_header", ("", ""))


def _lead(fig: Figure, data) -> str:
    """`Bộ phận Một cửa UBND xã Chi Lăng Nam, năm 2023`, `Trung tâm Phục vụ hành chính công phường Lê
    Chân, quý III năm 2026`: the desk by its full name (the frame's desk word ends with the unit's kind:
    “… phường — phường Lê Chân” said the kind twice), the subtitle's start, which the Word report's
    caption says already."""
    desk = data.text_value("don_vi.trung_tam") or f"{_desk(data)} {data.text_value('don_vi.ten')}"
    fig._cchc_lead = f"{desk}, {periods.name(data.key)}"
    return fig._cchc_lead


SUBTITLE_PT = 9.5
SUBTITLE_EM = 0.5  # Times New Roman: a letter is about half its size wide, on average


def _subtitle_lines(text: str, width_pt: float, size: float = SUBTITLE_PT) -> list[str]:
    """Each line of `text` wrapped to `width_pt` (a subtitle never runs off the picture's edges)."""
    import textwrap

    chars = max(20, int(width_pt / (size * SUBTITLE_EM)))
    return [w for line in text.split("\n") for w in (textwrap.wrap(line, chars) or [""])]


def _header(fig: Figure, title: str | None, subtitle: str | None) -> None:
    """Draw title and subtitle. The subtitle's first line is about the figures; its further
    lines are the app's words to the user (what is blank, what the bar stands for), which the
    window and a chart saved alone show, but a chart of the Word report (`title=False`, under
    its caption) leaves out, with the caption's own words."""
    fig._cchc_header = (title or "", subtitle or "")
    if not fig._cchc_kind[2]:
        return
    if not fig._cchc_kind[1] and subtitle:
        first = subtitle.split("\n")[0].removeprefix(getattr(fig, "_cchc_lead", "")).lstrip(" —")
        subtitle = first[:1].upper() + first[1:]
    if title:
        fig.text(0.5, _TITLE_Y, title, ha="center", va="top", fontsize=13, fontweight="bold", family=font())
    if subtitle:
        y = _SUBTITLE_Y if title else 0.975
        room = fig.get_figwidth() * 72 * 0.92  # a margin: the saved picture (150 dpi) draws a little wider
        lines = _subtitle_lines(subtitle, room)
        text = fig.text(0.5, y, "\n".join(lines), ha="center", va="top", fontsize=SUBTITLE_PT, color="#444444",
                        family=font(), wrap=False)
        # measured: a wider font than the estimate's (DejaVu Serif where Times is missing) wraps sooner
        renderer = fig.canvas.get_renderer() if fig.canvas is not None and hasattr(fig.canvas, "get_renderer") else None
        guess = room
        while renderer is not None and text.get_window_extent(renderer).width > room * fig.dpi / 72 and guess > 150:
            guess *= 0.95
            lines = _subtitle_lines(subtitle, guess)
            text.set_text("\n".join(lines))
        fig._cchc_subtitle_lines = len(lines)


def _no_data(fig: Figure, title: str | None, subtitle: str | None, hint: str | None = None) -> None:
    for ax in list(fig.axes):
        fig.delaxes(ax)
    _header(fig, title, subtitle)
    fig.text(0.5, 0.5, NO_DATA, ha="center", va="center", fontsize=14, color="#555555", family=font())
    if hint:
        fig.text(0.5, 0.41, "\n".join(textwrap.wrap(hint, 80)), ha="center", va="top", fontsize=9.5,
                 color="#777777", family=font())


def _reset_axes(ax) -> None:
    """Take off everything a chart drew on the axes, keep the axes (and its ticks)."""
    for c in list(ax.containers):
        c.remove()
    for a in [*ax.patches, *ax.texts, *ax.lines, *ax.collections]:
        a.remove()
    if ax.legend_ is not None:
        ax.legend_.remove()
    if hasattr(ax, "_cchc_rect"):
        ax.set_position(ax._cchc_rect)  # fit_axes starts again from the standard margins


def _axes(fig: Figure):
    ax = getattr(fig, "_cchc_axes", None)
    if ax is not None and fig.axes == [ax]:
        return ax
    _, titled, header = getattr(fig, "_cchc_kind", (None, True, True))
    rect = _AX_RECT_NO_HEADER if not header else _AX_RECT if titled else _AX_RECT_NO_TITLE
    extra = getattr(fig, "_cchc_subtitle_lines", 1) - 2  # a subtitle of more than two lines: lower the plot's top
    if header and extra > 0:
        drop = extra * SUBTITLE_PT * 1.25 / (fig.get_figheight() * 72)
        rect = (rect[0], rect[1], rect[2], rect[3] - drop)
    ax = fig.add_axes(rect)
    ax._cchc_rect = rect
    fig._cchc_axes = ax
    ax.spines["top"].set_visible(False)
    ax.spines["right"].set_visible(False)
    ax.grid(axis="y", color="#e3e3e3", linewidth=0.8)
    ax.set_axisbelow(True)
    ax.tick_params(labelsize=9, labelfontfamily=font())
    return ax


def _legend(ax, ncol: int) -> None:
    ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.01), ncol=ncol, frameon=False, fontsize=9,
              prop={"family": font(), "size": 9})


def _wrap(name: str, width: int = 16) -> str:
    return "\n".join(textwrap.wrap(name, width)) or name


def _categories(ax, names: list[str]) -> None:
    """Category names under the bars: wrapped when few, slanted (one line each) when many."""
    ax.set_xticks(range(len(names)))
    many = len(names) > 6
    if many:
        ax.set_xticklabels([n if len(n) <= 28 else n[:27] + "…" for n in names], rotation=30, ha="right",
                           rotation_mode="anchor", fontsize=8, family=font())
    else:
        ax.set_xticklabels([_wrap(n) for n in names], rotation=0, ha="center", fontsize=9, family=font())
    # Slanted names need more room below the axes: take it from the plot's height.
    x0, _, w, _ = ax.get_position().bounds
    top = sum(ax._cchc_rect[1::2]) if hasattr(ax, "_cchc_rect") else None
    if top is not None:
        bottom = ax._cchc_rect[1] + (0.1 if many else 0)
        ax.set_position([x0, bottom, w, top - bottom])
    ax.set_xlim(-0.6, len(names) - 0.4)


def _stacked(ax, names: list[str], series: list[tuple[str, str, list[float | None]]], ymax: float,
             complete: list[bool] | None = None) -> None:
    """Stacked bars: each segment labelled where it is tall enough, the total on top; a bar not
    `complete` (a blank part) gets INCOMPLETE on top instead of a total that would be wrong."""
    n = len(names)
    bottoms = [0.0] * n
    width = 0.6 if n > 1 else 0.3
    for key, label, values in series:
        heights = [v or 0.0 for v in values]
        ax.bar(range(n), heights, width, bottom=bottoms, color=COLORS[key], label=label, edgecolor="white",
               linewidth=0.6)
        for i, h in enumerate(heights):
            if h > 0 and h >= 0.07 * ymax:
                ax.text(i, bottoms[i] + h / 2, fmt.number(h), ha="center", va="center", fontsize=8.5,
                        color="white", fontweight="bold", family=font())
        bottoms = [b + h for b, h in zip(bottoms, heights)]
    for i, total in enumerate(bottoms):
        if complete is not None and not complete[i]:
            ax.text(i, total + 0.015 * ymax, INCOMPLETE, ha="center", va="bottom", fontsize=8, style="italic",
                    color="#888888", family=font())
            continue
        ax.text(i, total + 0.015 * ymax, fmt.number(total), ha="center", va="bottom", fontsize=9,
                fontweight="bold", family=font())
    ax.set_ylim(0, ymax * 1.12 if ymax > 0 else 1)
    ax.yaxis.set_major_locator(_int_locator())
    ax.yaxis.set_major_formatter(_formatter(_count_fmt))
    ax.set_ylabel("Số hồ sơ", fontsize=9.5, family=font())


# --- 1. received per field ------------------------------------------------------------------
def _blank_fields(fields: list[dict], columns, what: str = "số liệu", room: int = 90) -> str:
    """`2 lĩnh vực chưa có số liệu (Đất đai, Hộ tịch)` for the fields that leave one of `columns`
    blank (their bars are not whole, and the report's totals of those columns are unknown)."""
    names = [f["name"] for f in fields if any(f.get(c) is None for c in columns)]
    if not names:
        return ""
    line = f"{len(names)} lĩnh vực chưa có {what}"
    listed = f"{line} ({', '.join(names)})"
    return listed if len(listed) <= room else line


ZERO_FIELDS = "{n} lĩnh vực không có hồ sơ nào (toàn số 0) không vẽ"


def _with_dossiers(series: list[list]) -> list[int]:
    """The bars to draw: a field whose every figure is 0 is left out (ten bars of “0” say nothing the
    table above the chart does not), a blank one stays (its bar is drawn incomplete)."""
    n = len(series[0]) if series else 0
    return [i for i in range(n) if not all(s[i] == 0 for s in series)]


def _received_by_field(fig, data, title=True, **_):
    table = data.tables["ubnd"]
    t = KINDS["tiep-nhan-linh-vuc"] if title else None
    sub = _lead(fig, data)
    columns = ("truc_tuyen", "truc_tiep")
    rows = [f for f in table.fields if any(f.get(c) is not None for c in columns)]
    # The totals and the share are the report's (AgencyTable.effective, ReportData.measures): a
    # blank field leaves them unknown or to the typed Cộng row; they are never summed here.
    m = data.measures("ubnd")
    blank = ""
    if not rows:
        if m.get("truc_tuyen") is None and m.get("truc_tiep") is None:
            _no_data(fig, t, sub, "Hãy nhập số hồ sơ tiếp nhận theo lĩnh vực ở phần Hồ sơ một cửa (thẻ “2. Thủ tục hành chính”).")
            return
        # Only the desk's totals are known: one bar, and say so.
        rows = [{"name": WHOLE_DESK, "truc_tuyen": m.get("truc_tuyen"), "truc_tiep": m.get("truc_tiep")}]
        sub += " — chưa có số liệu riêng từng lĩnh vực"
    else:
        blank = _blank_fields(table.fields, columns)
    names = [r["name"] for r in rows]
    fig._cchc_title = title_of("tiep-nhan-linh-vuc", names, _desk(data))
    t = fig._cchc_title if title else None
    online = [_num(r.get("truc_tuyen")) for r in rows]
    direct = [_num(r.get("truc_tiep")) for r in rows]
    sums = [(a or 0) + (b or 0) for a, b in zip(online, direct)]
    if not any(sums):
        _no_data(fig, t, sub, "Các lĩnh vực đều có 0 hồ sơ tiếp nhận trong kỳ.")
        return
    keep = _with_dossiers([online, direct])
    zero = len(names) - len(keep)
    names, online, direct, sums = ([x[i] for i in keep] for x in (names, online, direct, sums))
    total, share, carried = m.get("tiep_nhan_trong_ky"), m.get("ty_le_truc_tuyen"), m.get("ky_truoc")
    if total is None:
        sub += " — chưa tính được tổng số"
    else:
        sub += f" — tổng {fmt.number(total)} hồ sơ"
        if carried:
            sub += f" (chưa kể {fmt.number(carried)} hồ sơ kỳ trước chuyển qua)"
        if share is not None:
            sub += f", trực tuyến {fmt.percent(share)} %"
    if blank:
        sub += "\n" + blank
    if zero:
        sub += "\n" + ZERO_FIELDS.format(n=zero)
    _header(fig, t, sub)
    ax = _axes(fig)
    # the legend says what the report's table above the chart says (narrative.field_table)
    _stacked(ax, names, [("truc_tuyen", "Tiếp nhận trực tuyến", online), ("truc_tiep", "Tiếp nhận trực tiếp", direct)],
             max(sums), complete=[a is not None and b is not None for a, b in zip(online, direct)])
    _categories(ax, names)
    _legend(ax, 2)


# --- 2. resolution status per field ---------------------------------------------------------
def _status_by_field(fig, data, title=True, **_):
    table = data.tables["ubnd"]
    t = KINDS["tinh-trang-linh-vuc"] if title else None
    sub = _lead(fig, data)
    split = bool(table.fields) and all(
        all(f.get(c) is not None for c in STATUS_COLUMNS) for f in table.fields
    )
    notice = ""  # the app's words to the user: not in the Word report (_header)
    if split:
        names = [f["name"] for f in table.fields]
        series = {c: [_num(f.get(c)) for f in table.fields] for c in STATUS_COLUMNS}
    else:
        eff = table.effective()  # the report's totals: a blank field leaves them to the Cộng row
        names = [WHOLE_DESK]
        series = {c: [_num(eff.get(c))] for c in STATUS_COLUMNS}
        some = [f for f in table.fields if any(f.get(c) is not None for c in STATUS_COLUMNS)]
        if some:
            notice = _blank_fields(table.fields, STATUS_COLUMNS, "đủ số liệu giải quyết", 60) + ": vẽ số của cả bộ phận"
        elif table.fields:
            notice = "Chưa có số liệu giải quyết riêng từng lĩnh vực: biểu đồ vẽ số của cả bộ phận"
    known = [c for c in STATUS_COLUMNS if any(v is not None for v in series[c])]
    sums = [sum(series[c][i] or 0 for c in known) for i in range(len(names))]
    if not known or not any(sums):
        _no_data(fig, t, sub + ("\n" + notice if notice else ""), "Hãy nhập số hồ sơ đã giải quyết (trước hạn, đúng hạn, quá hạn) "
                              "và đang giải quyết ở phần Hồ sơ một cửa (thẻ “2. Thủ tục hành chính”).")
        return
    keep = _with_dossiers([series[c] for c in known])
    if len(keep) < len(names):
        notice = "\n".join(x for x in (notice, ZERO_FIELDS.format(n=len(names) - len(keep))) if x)
        names, sums = [names[i] for i in keep], [sums[i] for i in keep]
        series = {c: [v[i] for i in keep] for c, v in series.items()}
    fig._cchc_title = title_of("tinh-trang-linh-vuc", names, _desk(data))
    t = fig._cchc_title if title else None
    missing = [STATUS_LABELS[c].lower() for c in STATUS_COLUMNS if c not in known]
    if missing:
        sub += " — chưa có số " + ", ".join(missing)
    rate = data.measures("ubnd").get("ty_le_dung_han")
    if rate is not None:
        sub += f" — tỷ lệ đúng hạn {fmt.percent(rate)} %"
    _header(fig, t, sub + ("\n" + notice if notice else ""))
    ax = _axes(fig)
    _stacked(ax, names, [(c, STATUS_LABELS[c], series[c]) for c in known], max(sums))
    _categories(ax, names)
    if len(names) == 1:
        # One bar: its small parts do not fit a label, the legend carries the numbers.
        for container, c in zip(ax.containers, known):
            container.set_label(f"{STATUS_LABELS[c]}: {fmt.number(series[c][0] or 0)}")
    _legend(ax, min(len(known), 4))


# --- 3. trend across periods ----------------------------------------------------------------
def _period_short(data) -> str:
    key = data.key
    return f"{periods.KIND_LABELS[key.kind]} {key.year}"


def _trend(fig, data, title=True, series=None, **_):
    t = KINDS["xu-huong"] if title else None
    all_data = series if series is not None else [data]
    sub = f"{_desk(data)} — {data.text_value('don_vi.ten')}"
    labels = [_period_short(d) for d in all_data]
    online = [_num(d.measures("ubnd")["ty_le_truc_tuyen"]) for d in all_data]
    on_time = [_num(d.measures("ubnd")["ty_le_dung_han"]) for d in all_data]
    if all(v is None for v in online + on_time):
        _no_data(fig, t, sub, "Hãy nhập số hồ sơ tiếp nhận và giải quyết của các kỳ báo cáo.")
        return
    if len(all_data) == 1:
        sub += f" — mới có một kỳ ({periods.name(all_data[0].key)})"
    _header(fig, t, sub)
    ax = _axes(fig)
    x = list(range(len(labels)))
    lines = (("line_online", "Tỷ lệ tiếp nhận trực tuyến", online), ("line_on_time", "Tỷ lệ giải quyết đúng hạn", on_time))
    for key, label, ys in lines:
        y = [math.nan if v is None else v for v in ys]
        ax.plot(x, y, marker="o", markersize=7, linewidth=2, color=COLORS[key], label=label)
    for i in x:
        # The higher point of the two is labelled above it, the lower one below.
        pair = [(online[i], "line_online"), (on_time[i], "line_on_time")]
        known = [(v, k) for v, k in pair if v is not None]
        known.sort(key=lambda p: p[0])
        for rank, (v, key) in enumerate(known):
            up = rank == len(known) - 1
            ax.annotate(_pct_fmt(v), (i, v), textcoords="offset points", xytext=(0, 9 if up else -9),
                        ha="center", va="bottom" if up else "top", fontsize=8.5, color=COLORS[key],
                        fontweight="bold", family=font())
    ax.set_xticks(x)
    ax.set_xticklabels(labels, fontsize=9, family=font())
    ax.set_xlim(-0.5, len(labels) - 0.5)
    present = [v for v in online + on_time if v is not None]
    low = min(present)
    bottom = 0 if low <= 50 else max(0, math.floor(low / 10) * 10 - 10)
    step = 10 if 100 - bottom > 40 else 5
    ax.set_ylim(bottom - (100 - bottom) * 0.08, 100 + (100 - bottom) * 0.1)
    ax.set_yticks(list(range(bottom, 101, step)))
    ax.yaxis.set_major_formatter(_formatter(_pct_fmt))
    ax.set_ylabel("Tỷ lệ", fontsize=9.5, family=font())
    _legend(ax, 2)


# --- 4. per month, from the register --------------------------------------------------------
def _month_label(key: str, period: dict) -> str:
    """`01/2024`, `3/2024`; a month the period's window cuts says which days its bar counts: `1–14/3/2024`
    (the window ends on the 14th, Nghị định 09/2019), `15–31/12/2022`."""
    year, month = int(key[:4]), int(key[5:7])
    first, last = dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])
    start, end = (dt.date.fromisoformat(str(period[k])) for k in ("start_date", "end_date"))
    a, b = max(first, start), min(last, end)
    month_year = fmt.date(b)[3:]  # as every date of the report: 01/2024, 3/2024
    return month_year if (a, b) == (first, last) else f"{a.day}–{b.day}/{month_year}"


def _by_month(fig, data, title=True, months=None, **_):
    t = KINDS["theo-thang"] if title else None
    win = f"{fmt.date(data.period['start_date'])} – {fmt.date(data.period['end_date'])}"
    sub = f"Sổ theo dõi hồ sơ — {_where(data)} ({win})"
    counts = months or []
    if not counts:
        _no_data(fig, t, sub, "Sổ theo dõi hồ sơ chưa có hồ sơ nào trong kỳ này. Hãy nhập sổ theo dõi "
                              "(tệp Excel xuất từ hệ thống Một cửa của tỉnh: Công cụ → Nhập sổ theo "
                              "dõi hồ sơ (Excel)…) để có biểu đồ này.")
        return
    rec = [c[1] for c in counts]
    res = [c[2] for c in counts]
    sub += f" — tiếp nhận {fmt.number(sum(rec))}, giải quyết {fmt.number(sum(res))}"
    _header(fig, t, sub)
    ax = _axes(fig)
    n = len(counts)
    w = 0.4
    ymax = max(rec + res) or 1
    for offset, key, label, vals in ((-w / 2, "tiep_nhan", "Tiếp nhận", rec),
                                     (w / 2, "da_giai_quyet", "Giải quyết xong", res)):
        ax.bar([i + offset for i in range(n)], vals, w, color=COLORS[key], label=label)
        for i, v in enumerate(vals):
            if v:
                ax.text(i + offset, v + 0.015 * ymax, fmt.number(v), ha="center", va="bottom",
                        fontsize=7 if n > 9 else 8.5, family=font(), rotation=90 if n > 9 and v >= 1000 else 0)
    ax.set_xticks(range(n))
    ax.set_xticklabels([_month_label(k, data.period) for k, _, _ in counts], fontsize=8 if n > 9 else 9, family=font(),
                       rotation=45 if n > 9 else 0, ha="right" if n > 9 else "center")
    ax.set_xlim(-0.6, n - 0.4)
    ax.set_ylim(0, ymax * 1.15)
    ax.yaxis.set_major_locator(_int_locator())
    ax.yaxis.set_major_formatter(_formatter(_count_fmt))
    ax.set_ylabel("Số hồ sơ", fontsize=9.5, family=font())
    _legend(ax, 2)


# --- 5. one bar per commune -------------------------------------------------------------------
def indicator_label(data, name: str) -> tuple[str, bool]:
    """(label, is a percentage) of a catalogue code or a dossier value name."""
    if name.startswith("hs."):
        parts = name.split(".")
        if len(parts) == 3 and parts[1] in dossiers.AGENCIES and parts[2] in dossiers.MEASURES:
            return (f"{dossiers.MEASURES[parts[2]]} — {dossiers.AGENCIES[parts[1]]}",
                    parts[2] in dossiers.RATE_MEASURES)
    row = data.catalogue.rows_by_code.get(name)
    if row is not None and row.has_value and row.kind != "text":
        label = row.label.rstrip(" :")
        return (f"{row.form} {row.stt} {label}", row.kind == "percent" or row.unit == "%")
    raise UserError(f"Không có chỉ tiêu “{name}” để so sánh giữa các xã. Hãy dùng mã chỉ tiêu dạng BM3/3.3.1 "
                    "hoặc tên số liệu hồ sơ dạng hs.ubnd.ty_le_truc_tuyen.")


def commune_values(data, indicator: str, communes=None) -> list[tuple[str, float | None]]:
    """(commune name, value or None) of `indicator` for every commune: `communes` as
    (name, ReportData or None), else a roll-up's own communes."""
    if communes is None:
        communes = [(units.label(c.unit) if c.unit else c.name, c.data) for c in getattr(data, "communes", None) or []]
    out = []
    for name, d in communes:
        v = d.value(indicator) if d is not None else None
        out.append((name, float(v) if isinstance(v, Decimal) else None))
    return out


def _by_commune(fig, data, title=True, indicator=None, communes=None, **_):
    indicator = indicator or DEFAULT_INDICATOR
    label, is_pct = indicator_label(data, indicator)
    t = KINDS["theo-xa"] if title else None
    sub = f"{label} — {data.text_value('don_vi.ten')}, {periods.name(data.key)}"
    if len(sub) > 110:
        sub = "\n".join(textwrap.wrap(sub, 110))
    values = commune_values(data, indicator, communes)
    if not values or all(v is None for _, v in values):
        hint = ("Đơn vị này chưa có xã nào trực thuộc trong tệp dữ liệu. Hãy nhập gói số liệu của các xã "
                "để so sánh." if not values else
                f"Các xã chưa có số liệu của chỉ tiêu này cho {periods.name(data.key)}.")
        _no_data(fig, t, sub, hint)
        return
    _header(fig, t, sub)
    ax = _axes(fig)
    names = [n for n, _ in values]
    heights = [v or 0.0 for _, v in values]
    ymax = max(heights) or 1.0
    ax.bar(range(len(names)), heights, 0.6, color=COLORS["bar"])
    text = _pct_fmt if is_pct else (lambda v, _p=None: fmt.number(Decimal(str(v)), 3))
    for i, (_, v) in enumerate(values):
        ax.text(i, (v or 0) + 0.015 * ymax, "chưa có" if v is None else text(v), ha="center", va="bottom",
                fontsize=9 if v is not None else 8, fontweight="bold" if v is not None else "normal",
                color="#222222" if v is not None else "#888888", family=font(),
                style="normal" if v is not None else "italic")
    _categories(ax, names)
    if is_pct:
        ax.set_ylim(0, max(105.0, ymax * 1.12))
        ax.yaxis.set_major_formatter(_formatter(_pct_fmt))
    else:
        ax.set_ylim(0, ymax * 1.12)
        ax.yaxis.set_major_formatter(_formatter(_count_fmt))
