"""Report periods (kỳ báo cáo) and their data windows, per ../shared/domain/ky-bao-cao.md.

A period is written `2023-NAM`, `2024-Q1`, `2024-6T`, `2024-Q3`, `2024-9T`. The default window
follows Nghị định 09/2019 (cut-off on the 14th, the window opening on 15/12 of the year
before); every window and deadline stays editable per report.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from cchc_desktop import fmt
from cchc_desktop.errors import UserError

KINDS = ("Q1", "6T", "Q3", "9T", "NAM")

# kind → (Vietnamese name before "năm <year>", (window start, window end) as (month, day, year offset))
_KIND_INFO = {
    "Q1": ("quý I", ((12, 15, -1), (3, 14, 0))),
    "6T": ("6 tháng đầu", ((12, 15, -1), (6, 14, 0))),
    "Q3": ("quý III", ((6, 15, 0), (9, 14, 0))),
    "9T": ("9 tháng đầu", ((12, 15, -1), (9, 14, 0))),
    "NAM": ("năm", ((12, 15, -1), (12, 14, 0))),
}
KIND_LABELS = {
    "Q1": "Quý I",
    "6T": "6 tháng",
    "Q3": "Quý III",
    "9T": "9 tháng",
    "NAM": "Năm",
}
# What comes after a report of each kind, for "phương hướng, nhiệm vụ …".
_NEXT = {"Q1": ("Q2", 0), "6T": ("6T_CUOI", 0), "Q3": ("Q4", 0), "9T": ("Q4", 0), "NAM": ("NAM", 1)}
_NEXT_NAMES = {"Q2": "quý II", "6T_CUOI": "6 tháng cuối", "Q4": "quý IV", "NAM": "năm"}

_CODE = re.compile(r"^(\d{4})-(Q1|6T|Q3|9T|NAM)$")


@dataclass(frozen=True)
class PeriodKey:
    year: int
    kind: str

    @property
    def code(self) -> str:
        return f"{self.year}-{self.kind}"

    def __str__(self) -> str:
        return self.code


def parse_code(code: str) -> PeriodKey:
    m = _CODE.match((code or "").strip().upper())
    if not m:
        raise UserError(
            f"Kỳ báo cáo “{code}” không đúng dạng. Hãy viết năm-kỳ, ví dụ 2023-NAM, 2024-Q1, "
            "2024-6T, 2024-Q3 hoặc 2024-9T."
        )
    year = int(m.group(1))
    if not 2000 <= year <= 2100:
        raise UserError(f"Năm {year} của kỳ báo cáo không hợp lệ.")
    return PeriodKey(year, m.group(2))


def default_window(key: PeriodKey) -> tuple[dt.date, dt.date]:
    (sm, sd, sy), (em, ed, ey) = _KIND_INFO[key.kind][1]
    return dt.date(key.year + sy, sm, sd), dt.date(key.year + ey, em, ed)


def default_deadline(key: PeriodKey) -> dt.date:
    """Two working days after the cut-off (the commune's usual deadline; editable)."""
    day = default_window(key)[1]
    added = 0
    while added < 2:
        day += dt.timedelta(days=1)
        if day.weekday() < 5:
            added += 1
    return day


def name(key: PeriodKey) -> str:
    """`năm 2023`, `quý I năm 2024`, `6 tháng đầu năm 2024` — as the report's trích yếu says it."""
    word = _KIND_INFO[key.kind][0]
    return f"năm {key.year}" if key.kind == "NAM" else f"{word} năm {key.year}"


def next_year(key: PeriodKey) -> int:
    """The year the 'phương hướng, nhiệm vụ' part looks ahead to: the next year after a year's
    report, the same year after a quarter's (quý III → quý IV of the same year)."""
    return key.year + _NEXT[key.kind][1]


def next_name(key: PeriodKey) -> str:
    """What the 'phương hướng, nhiệm vụ' part looks ahead to: `năm 2024`, `quý II năm 2024` …"""
    nxt = _NEXT[key.kind][0]
    year = next_year(key)
    return f"năm {year}" if nxt == "NAM" else f"{_NEXT_NAMES[nxt]} năm {year}"


def label(key: PeriodKey, start: dt.date | str | None = None, end: dt.date | str | None = None) -> str:
    """`Năm 2023 (15/12/2022 – 14/12/2023)` for the period selector."""
    if start is None or end is None:
        start, end = default_window(key)
    return f"{KIND_LABELS[key.kind]} {key.year} ({fmt.date(start)} – {fmt.date(end)})"


def sort_key(key: PeriodKey) -> tuple[int, int]:
    return key.year, KINDS.index(key.kind)


def previous_same_kind(key: PeriodKey) -> PeriodKey:
    return PeriodKey(key.year - 1, key.kind)


def next_key(key: PeriodKey) -> PeriodKey:
    """The period an official usually reports next: Q1 → 6T → Q3 (or 9T) → NAM → next year's Q1."""
    order = {"Q1": ("6T", 0), "6T": ("Q3", 0), "Q3": ("NAM", 0), "9T": ("NAM", 0), "NAM": ("Q1", 1)}
    kind, off = order[key.kind]
    return PeriodKey(key.year + off, kind)
