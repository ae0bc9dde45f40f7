"""Words the window shows that belong to no one widget: period names, the sample
file's name. Plain functions (no Qt), shared by the shell and the features."""
from __future__ import annotations

from pathlib import Path

from cchc_desktop.errors import UserError

SAMPLE_FILE_NAME = "du-lieu-mau.sqlite"  # the demo's own file, beside the user's (never the user's file)


def is_sample_file(path) -> bool:
    return Path(path).name.lower() == SAMPLE_FILE_NAME


def _periods():
    from cchc_desktop.domain import periods  # ~9 ms (dataclasses, inspect): not before the window's frame

    return periods


def period_short(period: dict) -> str:
    return f"{_periods().KIND_LABELS[period['kind']]} {period['year']}"


def period_label(period: dict) -> str:
    periods = _periods()
    key = periods.PeriodKey(period["year"], period["kind"])
    text = periods.label(key, period["start_date"], period["end_date"])
    return text + (" — đã chốt" if period.get("status") == "final" else "")


def period_text(code: str) -> str:
    """`2023-NAM` → `Năm 2023`, `2024-Q1` → `Quý I năm 2024` (an unreadable code stays as it is)."""
    try:
        periods = _periods()
        text = periods.name(periods.parse_code(code))
    except UserError:
        return code
    return text[:1].upper() + text[1:]
