"""What the charts draw beyond one period's own figures, read from the data file: the unit's
other periods (xu-huong), the register's counts per month (theo-thang), the communes under an
upper level (theo-xa). exporting/charts.py draws from these plain values, never from the store:
`charts.figure(kind, data, **inputs(kind, store, data))`."""
from __future__ import annotations

import datetime as dt

from cchc_desktop.domain import units
from cchc_desktop.report import values
from cchc_desktop.store import register as store_register


def trend_series(store, data: values.ReportData) -> list[values.ReportData]:
    """The ReportData of every period of data's unit, in period order (data itself for its own)."""
    return [data if p["id"] == data.period["id"] else values.load_period(store, p["id"], with_previous=False)
            for p in store.periods(data.unit["code"])]


def month_counts(store, data: values.ReportData) -> list[tuple[str, int, int]]:
    """(YYYY-MM, received, resolved) for every month the period's window touches; [] when the
    register holds no dossier of the window."""
    start = dt.date.fromisoformat(data.period["start_date"])
    end = dt.date.fromisoformat(data.period["end_date"])
    months = []
    y, m = start.year, start.month
    while (y, m) <= (end.year, end.month):
        months.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    # the register's per-day counts (withdrawn dossiers left out, as in the figures)
    counts = store_register.month_counts(store, data.unit["code"], start.isoformat(), end.isoformat())
    if not any(sum(counts.get(k, (0, 0))) for k in months):
        return []
    return [(k, *counts.get(k, (0, 0))) for k in months]


def communes(store, data: values.ReportData) -> list[tuple[str, values.ReportData | None]]:
    """(name, ReportData of the same period or None) for every unit under data's unit."""
    out = []
    for unit in store.units():
        if unit.get("parent_code") != data.unit["code"]:
            continue
        p = store.find_period(unit["code"], data.key.code)
        out.append((units.label(unit), values.load_period(store, p["id"], with_previous=False) if p else None))
    return out


def inputs(kind: str, store, data: values.ReportData) -> dict:
    """The keyword arguments of `charts.figure(kind, data, …)` that come from the data file."""
    if kind == "xu-huong":
        return {"series": trend_series(store, data)}
    if kind == "theo-thang":
        return {"months": month_counts(store, data)}
    if kind == "theo-xa" and not getattr(data, "communes", None):
        return {"communes": communes(store, data)}
    return {}


# The Word report's charts (after the dossier table), drawn from the period's own figures;
# exporting/charts.py takes their titles from here.
REPORT_CHARTS = {
    "tiep-nhan-linh-vuc": "Hồ sơ tiếp nhận theo lĩnh vực",
    "tinh-trang-linh-vuc": "Tình hình giải quyết hồ sơ theo lĩnh vực",
}
STATUS_COLUMNS = ("truoc_han", "dung_han", "qua_han", "dang_giai_quyet")


def _zero(values_) -> bool:
    return not any(v for v in values_ if v is not None)


def left_out(kind: str, data: values.ReportData) -> str | None:
    """Why the Word report leaves out one of its charts (the chart would say “Chưa có số liệu”),
    or None when it is drawn: the same conditions as exporting/charts.py's figures
    (tests/test_chart_gaps.py holds them equal)."""
    table = data.tables["ubnd"]
    if kind == "tiep-nhan-linh-vuc":
        rows = [f for f in table.fields if f.get("truc_tuyen") is not None or f.get("truc_tiep") is not None]
        if not rows:
            m = data.measures("ubnd")
            rows = [{"truc_tuyen": m.get("truc_tuyen"), "truc_tiep": m.get("truc_tiep")}]
        if _zero([r.get("truc_tuyen") for r in rows] + [r.get("truc_tiep") for r in rows]):
            return "chưa có số hồ sơ tiếp nhận (trực tuyến, trực tiếp) của Bộ phận Một cửa, hoặc các số đều bằng 0"
        return None
    if kind == "tinh-trang-linh-vuc":
        eff = table.effective()
        if _zero([eff.get(c) for c in STATUS_COLUMNS]):
            return ("chưa có số hồ sơ đã giải quyết (trước hạn, đúng hạn, quá hạn) và đang giải quyết "
                    "của Bộ phận Một cửa, hoặc các số đều bằng 0")
        return None
    raise KeyError(kind)


def report_gaps(data: values.ReportData) -> list[tuple[str, str]]:
    """(title, why) of each chart the Word report leaves out."""
    return [(title, why) for kind, title in REPORT_CHARTS.items() if (why := left_out(kind, data))]
