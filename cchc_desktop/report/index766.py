"""The QĐ 766 service index of a unit for a window of days: each criterion's value and points,
each group's score, the trend per week and month, and the dossiers that cost points.

Pure computation over the register's per-day counts (store/register.py: register_days_766 with
register_days) and the values the unit typed for the period (store/index766.py); the criteria,
points and rules are data (domain/index766.py). A criterion without data is "chưa có số liệu",
never zero; a criterion whose maximum or rule has no source shows its value and no points.
"""
from __future__ import annotations

import bisect
import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from cchc_desktop import fmt
from cchc_desktop.domain import index766 as index_def
from cchc_desktop.domain import periods
from cchc_desktop.errors import UserError
from cchc_desktop.store import index766 as store_index
from cchc_desktop.store import register as store_register

NO_DATA = "chưa có số liệu"
NOT_SENT = "gói nộp của đơn vị không có số liệu này"
HUNDRED = Decimal(100)
CENT = Decimal("0.01")
_COLS = (*store_register.DAY_766, "recv", "fin", "due", "due_kept", "fin_early", "fin_ontime", "fin_late")
_COLUMN_WORDS = {"synced": "đồng bộ Cổng DVC quốc gia", "online_kind": "mức độ (toàn trình, một phần) của hồ sơ trực tuyến",
                 "e_result": "kết quả điện tử", "paid_online": "thanh toán trực tuyến", "digitised": "số hóa hồ sơ",
                 "rating": "đánh giá hài lòng"}


class Days:
    """Prefix sums of the per-day counts: any window's sum in two lookups."""

    def __init__(self, rows: list[tuple]):
        self.days = [r[0] for r in rows]
        self.sums = {c: [0] for c in _COLS}
        for r in rows:
            for i, c in enumerate(_COLS, 1):
                s = self.sums[c]
                s.append(s[-1] + r[i])

    def total(self, col: str, lo: int | None, hi: int | None) -> int:
        """Sum of `col` over the days lo..hi (inclusive; None: unbounded)."""
        s = self.sums[col]
        a = 0 if lo is None else bisect.bisect_left(self.days, lo)
        b = len(self.days) if hi is None else bisect.bisect_right(self.days, hi)
        return s[b] - s[a] if b > a else 0


def _num(d: dt.date) -> int:
    return d.year * 10000 + d.month * 100 + d.day


def measure(days: Days, name: str, start: dt.date, end: dt.date) -> tuple[int, int, int, int]:
    """(numerator, denominator, dossiers with the value known, dossiers concerned) of a register measure."""
    s, e = _num(start), _num(end)
    t = days.total
    if name == "dung_han":
        recv_by_end = t("recv", None, e)
        handled = recv_by_end - t("fin", None, s - 1)
        pending = recv_by_end - t("fin", None, e)
        overdue_pending = t("due", None, e - 1) - t("due_kept", None, e - 1) - t("fin_late", None, e)
        on_time = t("fin_early", s, e) + t("fin_ontime", s, e) + pending - overdue_pending
        return on_time, handled, handled, handled
    num, den, known, concerned = _RATE_KEYS[name]  # KeyError for a measure the register has not
    return t(num, s, e), t(den, s, e), t(known, s, e), t(concerned, s, e)


# A rate measure's per-day count keys: (numerator, denominator, dossiers with the value known,
# dossiers concerned: received or finished in the window). Online payment's denominator is the
# dossiers with a fee, its "known" those whose fee column is filled.
_RATE_KEYS = {
    "dong_bo": ("sync_y", "sync_k", "sync_k", "recv"),
    "toan_trinh": ("tt_y", "kind_k", "kind_k", "recv"),
    "truc_tuyen_kq": ("okq_y", "okq_k", "okq_k", "recv"),
    "thanh_toan": ("paid_y", "fee_y", "fee_k", "recv"),
    "so_hoa": ("dig_y", "dig_k", "dig_k", "recv"),
    "ket_qua_dt": ("kq_y", "kq_k", "kq_k", "fin"),
    "hai_long": ("good_y", "rate_k", "rate_k", "fin"),
}


def _rate_of(r: "CriterionResult", num, den, zero_reason: str) -> Decimal | None:
    """The rate num/den, both kept on the result; with no denominator, None and the reason."""
    r.numerator, r.denominator = num, den
    if den:
        return Decimal(num) / Decimal(den)
    r.missing = zero_reason
    return None


@dataclass
class CriterionResult:
    code: str
    name: str
    group: str
    max_points: Decimal | None
    rule: str
    target: Decimal | None
    source: str
    note: str
    from_register: bool
    source_keys: tuple[str, ...] = ()
    short_source: str = ""
    numerator: int | None = None
    denominator: int | None = None
    rate: Decimal | None = None  # percent, 2 decimals
    points: Decimal | None = None
    missing: str = ""  # why there is no value (or no points)

    @property
    def has_value(self) -> bool:
        return self.rate is not None

    def value_text(self) -> str:
        if self.rate is None:
            return NO_DATA
        return f"{fmt.number(self.rate, 2)} %"

    def points_text(self) -> str:
        if self.points is None:
            return NO_DATA
        return fmt.number(self.points, 2)

    def max_text(self) -> str:
        return NO_DATA if self.max_points is None else fmt.number(self.max_points, 2)

    def as_dict(self) -> dict:
        return {"ma": self.code, "ten": self.name, "diem_toi_da": _plain(self.max_points), "cach_tinh": self.rule,
                "nguong": _plain(self.target), "tu_so": self.numerator, "mau_so": self.denominator,
                "ty_le": _plain(self.rate), "diem": _plain(self.points), "tu_so_lieu": "so" if self.from_register
                else "nhap", "chua_co": self.missing or None, "nguon": self.source, "ghi_chu": self.note or None}


@dataclass
class GroupResult:
    code: str
    name: str
    max_points: Decimal
    criteria: list[CriterionResult]

    @property
    def points(self) -> Decimal:
        return sum((c.points for c in self.criteria if c.points is not None), Decimal(0))

    @property
    def counted_max(self) -> Decimal:
        """The maximum of the criteria that have points (the rest is chưa có số liệu)."""
        return sum((c.max_points for c in self.criteria if c.points is not None and c.max_points), Decimal(0))

    @property
    def complete(self) -> bool:
        return self.counted_max == self.max_points

    def as_dict(self) -> dict:
        return {"ma": self.code, "ten": self.name, "diem_toi_da": _plain(self.max_points), "diem": _plain(self.points),
                "diem_toi_da_da_tinh": _plain(self.counted_max), "chi_tieu": [c.as_dict() for c in self.criteria]}


@dataclass
class IndexResult:
    version: str
    unit_code: str
    unit_name: str
    start: dt.date
    end: dt.date
    label: str
    groups: list[GroupResult]
    total_max: Decimal
    lost: dict[str, tuple[int, list[dict]]] = field(default_factory=dict)
    sent_version: str | None = None  # at the upper level: the index file version the commune counted with

    @property
    def points(self) -> Decimal:
        return sum((g.points for g in self.groups), Decimal(0))

    @property
    def counted_max(self) -> Decimal:
        return sum((g.counted_max for g in self.groups), Decimal(0))

    def criteria(self) -> list[CriterionResult]:
        return [c for g in self.groups for c in g.criteria]

    def as_dict(self) -> dict:
        out = {"bo_chi_so": self.version, "don_vi": self.unit_code, "ten_don_vi": self.unit_name,
               "tu_ngay": self.start.isoformat(), "den_ngay": self.end.isoformat(), "ky": self.label,
               "tong_diem_toi_da": _plain(self.total_max), "diem": _plain(self.points),
               "diem_toi_da_da_tinh": _plain(self.counted_max), "nhom": [g.as_dict() for g in self.groups]}
        if self.lost:
            out["ho_so_mat_diem"] = {k: {"so_luong": n, "ho_so": rows} for k, (n, rows) in self.lost.items()}
        return out


def _plain(v):
    if v is None:
        return None
    return int(v) if v == v.to_integral_value() else float(v)


def _round(v: Decimal) -> Decimal:
    return v.quantize(CENT, rounding=ROUND_HALF_UP)


def _missing_columns(c: index_def.Criterion) -> str:
    cols = index_def.MEASURES[c.measure][1]
    return "sổ hồ sơ chưa có cột " + ", ".join(_COLUMN_WORDS[x] for x in cols)


def window_counts(defn: index_def.IndexDef, days: Days, start: dt.date, end: dt.date
                  ) -> dict[str, tuple[int, int, int, int]]:
    """measure → (numerator, denominator, known, concerned) of every register measure `defn` uses."""
    return {c.measure: measure(days, c.measure, start, end) for c in defn.criteria if c.measure}


def evaluate(defn: index_def.IndexDef, days: Days, typed: dict[str, int], start: dt.date, end: dt.date
             ) -> list[GroupResult]:
    """Every criterion of `defn` for the window [start, end]: pure."""
    return evaluate_counts(defn, window_counts(defn, days, start, end), typed)


def evaluate_counts(defn: index_def.IndexDef, counts: dict[str, tuple[int, int, int, int]], typed: dict[str, int]
                    ) -> list[GroupResult]:
    """Every criterion of `defn` from the register measures' counts (window_counts; a measure
    missing from `counts` is "chưa có số liệu") and the typed values: pure. The province scores a
    commune's package with it, from the counts the package carries (package_section)."""
    results: dict[str, CriterionResult] = {}
    raw_rates: dict[str, Decimal | None] = {}
    texts = defn.source_texts
    for c in defn.criteria:
        source, short = texts[c.code]
        r = CriterionResult(c.code, c.name, c.group, c.points, c.rule, c.target, source, c.note,
                            c.measure is not None, c.sources, short)
        rate = None
        if c.measure and c.measure not in counts:
            r.missing = NOT_SENT
        elif c.measure:
            num, den, known, concerned = counts[c.measure]
            if concerned and not known:
                r.missing = _missing_columns(c)
            else:
                rate = _rate_of(r, num, den, "không có hồ sơ trong kỳ")
        else:
            num, den = typed.get(c.numerator), typed.get(c.denominator)
            if num is None or den is None:
                r.missing = "chưa nhập " + ", ".join(
                    f"“{defn.inputs[n]}”" for n, v in ((c.numerator, num), (c.denominator, den)) if v is None)
            elif num > den:
                r.numerator, r.denominator = num, den
                r.missing = f"số đã nhập sai: {defn.inputs[c.numerator]} lớn hơn {defn.inputs[c.denominator]}"
            else:
                rate = _rate_of(r, num, den, "mẫu số bằng 0")
        if rate is None and r.missing in ("mẫu số bằng 0", "không có hồ sơ trong kỳ") and c.zero == "toi_da":
            rate = Decimal(1)
            r.missing = ""
        raw_rates[c.code] = rate
        results[c.code] = r
    for c in defn.criteria:
        r = results[c.code]
        rate = raw_rates[c.code]
        if rate is not None and c.times:
            other = raw_rates.get(c.times)
            if other is None:
                rate = None
                r.missing = f"cần tỷ lệ của chỉ tiêu {c.times} ({results[c.times].missing or NO_DATA})"
            else:
                rate = rate * other
        if rate is not None:
            r.rate = _round(rate * HUNDRED)
            if c.scored:
                share = rate if c.rule == "ty_le" else min(Decimal(1), rate * HUNDRED / c.target)
                r.points = _round(c.points * min(Decimal(1), share))
            elif c.points is None:
                r.missing = "điểm tối đa của chỉ tiêu chưa có nguồn"
            else:
                r.missing = "cách quy đổi điểm chưa có nguồn"
    return [GroupResult(g.code, g.name, g.points, [results[c.code] for c in defn.group_criteria(g.code)])
            for g in defn.groups]


# --- with the data file ------------------------------------------------------------------------
def load_days(store, unit_code: str, end: dt.date) -> Days:
    return Days(store_register.days_766(store, unit_code, end.isoformat()))


def parse_week(text: str) -> tuple[dt.date, dt.date]:
    """'2024-W05' (ISO week; also '2024-05', 'W05/2024') → (Monday, Sunday)."""
    t = text.strip().upper().replace(" ", "")
    m = re.fullmatch(r"(\d{4})-?W?(\d{1,2})", t) or re.fullmatch(r"W?(\d{1,2})/(\d{4})", t)
    if not m:
        raise UserError(f"Tuần “{text}” không đọc được. Ghi dạng 2024-W05 (tuần 5 năm 2024).")
    a, b = m.groups()
    year, week = (int(a), int(b)) if len(a) == 4 else (int(b), int(a))
    try:
        monday = dt.date.fromisocalendar(year, week, 1)
    except ValueError:
        raise UserError(f"Năm {year} không có tuần {week}.") from None
    return monday, monday + dt.timedelta(days=6)


def window_of(period: dict, from_week: str | None = None, to_week: str | None = None) -> tuple[dt.date, dt.date, str]:
    """The window of the period, or of the week range (either end alone: from / up to the period's edge)."""
    start, end = dt.date.fromisoformat(period["start_date"]), dt.date.fromisoformat(period["end_date"])
    label = periods.label(periods.PeriodKey(period["year"], period["kind"]), start, end)
    if from_week or to_week:
        s = parse_week(from_week)[0] if from_week else start
        e = parse_week(to_week)[1] if to_week else end
        if e < s:
            raise UserError("Tuần kết thúc ở trước tuần bắt đầu.")
        start, end = s, e
        label = f"từ {fmt.date(start)} đến {fmt.date(end)}"
    return start, end, label


def compute(store, unit_code: str | None, period_code: str, from_week: str | None = None,
            to_week: str | None = None, with_lost: int = 0, version: str = index_def.DEFAULT_VERSION) -> IndexResult:
    """The unit's index for the period (or a week range); `with_lost` > 0 lists up to that many
    dossiers of each kind that cost points."""
    unit = store.unit(unit_code)
    period = store.get_period(unit["code"], period_code)
    start, end, label = window_of(period, from_week, to_week)
    defn = index_def.load(version)
    days = load_days(store, unit["code"], end)
    typed = store_index.typed_values(store, period["id"])
    res = IndexResult(defn.version, unit["code"], unit["name"], start, end, label,
                      evaluate(defn, days, typed, start, end), defn.total)
    if with_lost:
        res.lost = lost_dossiers(store, unit["code"], start, end, with_lost)
    return res


def lost_dossiers(store, unit_code: str, start: dt.date, end: dt.date, limit: int = 1000
                  ) -> dict[str, tuple[int, list[dict]]]:
    """Per kind (store_register.LOST_KINDS) the dossiers of the window that cost points."""
    return {k: store_register.lost_dossiers(store, unit_code, start.isoformat(), end.isoformat(), k, limit)
            for k in store_register.LOST_KINDS}


@dataclass
class TrendPoint:
    label: str
    start: dt.date
    end: dt.date
    points: Decimal
    counted_max: Decimal
    groups: dict[str, Decimal]


def trend(defn: index_def.IndexDef, days: Days, typed: dict[str, int], start: dt.date, end: dt.date,
          by: str = "week") -> list[TrendPoint]:
    """The score of each week (ISO, Monday–Sunday) or month of [start, end], each cut to the window."""
    out = []
    cur = start
    while cur <= end:
        if by == "week":
            stop = cur + dt.timedelta(days=6 - cur.weekday())
            iso = cur.isocalendar()
            label = f"T{iso.week}/{iso.year}"
        else:
            nxt = dt.date(cur.year + cur.month // 12, cur.month % 12 + 1, 1)
            stop = nxt - dt.timedelta(days=1)
            label = f"{cur.month:02d}/{cur.year}"
        stop = min(stop, end)
        groups = evaluate(defn, days, typed, cur, stop)
        out.append(TrendPoint(label, cur, stop, sum((g.points for g in groups), Decimal(0)),
                              sum((g.counted_max for g in groups), Decimal(0)), {g.code: g.points for g in groups}))
        cur = stop + dt.timedelta(days=1)
    return out


def period_trend(store, unit_code: str | None, period_code: str, by: str = "week",
                 version: str = index_def.DEFAULT_VERSION) -> list[TrendPoint]:
    unit = store.unit(unit_code)
    period = store.get_period(unit["code"], period_code)
    start, end, _ = window_of(period)
    defn = index_def.load(version)
    return trend(defn, load_days(store, unit["code"], end), store_index.typed_values(store, period["id"]),
                 start, end, by)


def set_typed(store, period_id: int, name: str, text) -> int | None:
    """A value the unit types ('' clears it): a whole number ≥ 0, or a Vietnamese error."""
    defn = index_def.load()
    if name not in defn.inputs:
        raise UserError(f"Không có giá trị nhập “{name}” trong bộ chỉ số.")
    value = None
    if text is not None and str(text).strip() != "":
        try:
            d = fmt.parse_number(str(text))
        except Exception:
            raise UserError(f"“{text}” không phải một số. {defn.inputs[name]}: ghi một số nguyên, ví dụ 12.") from None
        if d < 0 or d != d.to_integral_value():
            raise UserError(f"{defn.inputs[name]}: ghi một số nguyên không âm, ví dụ 12.")
        value = int(d)
    store_index.set_typed_value(store, period_id, name, value)
    return value


def typed_values(store, period_id: int) -> dict[str, int]:
    return store_index.typed_values(store, period_id)


def score_text(points: Decimal, counted_max: Decimal) -> str:
    """A score as printed: "chưa có số liệu" when no criterion could be counted (a 0 would read as
    a unit that lost every point)."""
    return NO_DATA if not counted_max else fmt.number(points, 2)


def text_lines(res: IndexResult, sources: dict[str, str] | None = None) -> list[str]:
    """The index as lines for the command line."""
    lines = [f"Chỉ số phục vụ người dân, doanh nghiệp (QĐ 766/QĐ-TTg) — {res.unit_name}, {res.label}",
             f"Tổng điểm: {score_text(res.points, res.counted_max)} / {fmt.number(res.total_max, 2)} "
             f"(tính được trên {fmt.number(res.counted_max, 2)} điểm; phần còn lại {NO_DATA})"]
    for g in res.groups:
        lines.append("")
        lines.append(f"{g.code}. {g.name}: {score_text(g.points, g.counted_max)} / {fmt.number(g.max_points, 2)} điểm"
                     + ("" if g.complete else f" (tính được trên {fmt.number(g.counted_max, 2)})"))
        for c in g.criteria:
            parts = f"{c.value_text()}"
            if c.numerator is not None and c.denominator is not None:
                parts += f" ({fmt.number(c.numerator)}/{fmt.number(c.denominator)})"
            lines.append(f"  {c.code} {c.name}: {parts}; điểm {c.points_text()} / {c.max_text()}"
                         + (f" — {c.missing}" if c.missing else ""))
            if sources:
                lines.append(f"      nguồn: {', '.join(f'[{k}]' for k in c.source_keys)}")
    if sources:
        lines.append("")
        lines.append("Nguồn:")
        lines.extend(f"  [{k}] {v}" for k, v in sources.items())
    for kind, (n, rows) in res.lost.items():
        if not n:
            continue
        lines.append("")
        lines.append(f"Hồ sơ {store_register.LOST_KINDS[kind]}: {fmt.number(n)}")
        for r in rows:
            lines.append(f"  {r['code']}\t{r['procedure']}\ttiếp nhận {fmt.date(r['received_date'])}"
                         f"\thẹn trả {fmt.date(r['due_date'])}\tkết thúc {fmt.date(r['finished_date'])}")
        if n > len(rows):
            lines.append(f"  … và {fmt.number(n - len(rows))} hồ sơ khác")
    return lines
