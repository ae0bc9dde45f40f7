"""Vietnamese formatting and parsing of numbers, percentages, money and dates; ASCII slugs of names.

The seed writes `3.225`, `11.750.652.112`, `97,6` and `15/12/2023`: a dot groups thousands,
a comma marks decimals. Every module formats through here.
"""
from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from cchc_desktop.errors import InvalidValue

Number = int | float | Decimal


def _group(digits: str) -> str:
    out = []
    while len(digits) > 3:
        out.append(digits[-3:])
        digits = digits[:-3]
    out.append(digits)
    return ".".join(reversed(out))


def number(value: Number | None, decimals: int = 0, strip_zeros: bool = True) -> str:
    """`3225` → `3.225`; `3523.681` with decimals=3 → `3.523,681`; None → ``."""
    if value is None:
        return ""
    d = Decimal(str(value)).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    sign = "-" if d < 0 else ""
    text = f"{abs(d):f}"
    whole, _, frac = text.partition(".")
    if strip_zeros:
        frac = frac.rstrip("0")
    return sign + _group(whole) + ("," + frac if frac else "")


PERCENT_STEP = Decimal("0.1")


def round_percent(value: Number | None) -> Decimal | None:
    """A percentage to one decimal, half up as the seed and `percent()` write it: 0,25 → 0,3; 0,75 → 0,8.

    Every stored or computed percentage goes through here (Python's round() and Decimal's
    default are half-even: 0,25 → 0,2), so a value and its text always agree.
    """
    if value is None:
        return None
    return Decimal(str(value)).quantize(PERCENT_STEP, rounding=ROUND_HALF_UP)


def percent(value: Number | None, with_sign: bool = False) -> str:
    """One decimal, `,0` dropped: `97.58` → `97,6`, `100.0` → `100`; with_sign adds ` %`."""
    if value is None:
        return ""
    text = number(value, 1)
    return text + " %" if with_sign else text


def money(value: Number | None) -> str:
    """Money in its own unit, up to three decimals: `3523.681` → `3.523,681`."""
    return number(value, 3)


def dong_from_million(value: Number | None) -> str:
    """A value in triệu đồng written in đồng: `3523.681` → `3.523.681.000`."""
    if value is None:
        return ""
    return number(Decimal(str(value)) * 1_000_000, 0)


def date(value: dt.date | str | None) -> str:
    """`2023-12-15` → `15/12/2023`, `2023-09-13` → `13/9/2023`, `2023-02-05` → `05/02/2023`: as
    Nghị định 30/2020 writes dates (day < 10 and months 1–2 get a 0) and the seed cites documents."""
    if not value:
        return ""
    if isinstance(value, str):
        value = dt.date.fromisoformat(value)
    return f"{value.day:02d}/{_month(value)}/{value.year}"


def _month(value: dt.date) -> str:
    return f"{value.month:02d}" if value.month <= 2 else str(value.month)


def date_line(place: str, value: dt.date | str | None) -> str:
    """The italic place-and-date line of Nghị định 30/2020: day < 10 and months 1–2 get a 0."""
    if not value:
        return f"{place}, ngày      tháng      năm"
    if isinstance(value, str):
        value = dt.date.fromisoformat(value)
    return f"{place}, ngày {value.day:02d} tháng {_month(value)} năm {value.year}"


_GROUPED = re.compile(r"^\d{1,3}(\.\d{3})+$")


def parse_number(text: str) -> Decimal:
    """Read a number as a Vietnamese user types it: `3.225`, `3225`, `3.523,681`, `97,6`.

    Raises InvalidValue with a Vietnamese message for anything else.
    """
    raw = (text or "").strip().replace(" ", "").replace("\u00a0", "")
    if raw.endswith("%"):
        raw = raw[:-1]
    if not raw:
        raise InvalidValue("Ô này cần một con số.")
    if "," in raw:
        candidate = raw.replace(".", "").replace(",", ".", 1)
    elif _GROUPED.match(raw.lstrip("-")):
        candidate = raw.replace(".", "")
    else:
        candidate = raw
    if not re.fullmatch(r"-?\d+(\.\d+)?", candidate):
        raise InvalidValue(f"“{text}” không phải là một con số. Hãy nhập số, ví dụ 3.225 hoặc 97,6.")
    try:
        d = Decimal(candidate)
    except InvalidOperation:  # pragma: no cover - the regex above admits only valid text
        raise InvalidValue(f"“{text}” không phải là một con số.") from None
    if not d.is_finite() or abs(d) >= Decimal(10) ** 15:
        raise InvalidValue(f"“{text}” quá lớn. Hãy kiểm tra lại con số.")
    return d


def slug(text: str) -> str:
    """Lower-case ASCII words joined by '-' (file names, codes): `Chi Lăng Nam` → `chi-lang-nam`;
    đ is not a d with a mark for Unicode, so it is folded by hand."""
    t = text.replace("đ", "d").replace("Đ", "D")
    t = unicodedata.normalize("NFKD", t).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", t).strip("-")


def plain(value: Number | None) -> int | float | None:
    """A number as JSON holds it: whole numbers as int."""
    if value is None:
        return None
    if isinstance(value, float) and not math.isfinite(value):
        return None
    d = Decimal(str(value))
    if d == d.to_integral_value():
        return int(d)
    return float(d)
