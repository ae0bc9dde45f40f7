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
