"""The upper level's roll-up (tổng hợp) of its communes' reports for one period.

`rollup(store, period_code, unit_code=None)` gives a `RollUp`:
- `data`: a `ReportData` for the upper unit whose raw values are the communes' typed counts
  and money summed, and whose dossier tables are the communes' tables summed; every derived
  row (rates included) is then evaluated by the catalogue's own formulas over those sums,
  so a rate is recomputed from summed parts, never averaged. Coded choices are not summed:
  the row's note counts the communes per choice ("Có: 25 xã; Không: 5 xã"). A rate that a
  commune types itself (no parts in the catalogue) cannot be consolidated: its note says so.
  The Word and Excel exporters take `data` unchanged.
- `communes`: every commune of the upper unit with its submission status against the
  deadline (on time, late, missing), the time its first package was made, and key figures;
- `compare(name)`: the per-commune values of any value name (indicator or dossier measure).

`data` is a `RollUpData`: a ReportData that also holds the communes, so the Word report prints
their submission status and draws the per-commune charts from `data` alone. An upper level's period holds the consolidated report's default texts
(default_texts.upper_narratives); one made before they existed gets them here.
"""
from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from cchc_desktop import fmt
from cchc_desktop.domain import dossiers, frames, official_choice, official_units, periods
from cchc_desktop.report import default_texts, values
from cchc_desktop.errors import UserError
from cchc_desktop.domain.catalogue import aggregation, comparable, shorten
from cchc_desktop.domain.units import KIND_WORDS, UPPER_KINDS, label
from cchc_desktop.store import packages as store_packages, rollup as store_rollup
from cchc_desktop.store.database import value_text

STATUS_LABELS = {
    "dung_han": "Đã nộp đúng hạn",
    "tre_han": "Nộp muộn",
    "chua_nop": "Chưa nộp",
    "khong_ro": "Đã có số liệu (không rõ ngày nộp)",
    "bi_tu_choi": "Bị từ chối",
}
KEY_MEASURES = (
    ("tiep_nhan", "Hồ sơ tiếp nhận"),
    ("da_giai_quyet", "Đã giải quyết"),
    ("ty_le_dung_han", "Tỷ lệ đúng hạn"),
    ("ty_le_truc_tuyen", "Tỷ lệ trực tuyến"),
)
PERCENT_TYPED_NOTE = "Tỷ lệ do từng đơn vị tự nhập, không cộng dồn"


@dataclass
class CommuneStatus:
    code: str
    name: str  # "xã Chi Lăng Nam"
    status: str  # dung_han | tre_han | chua_nop | khong_ro | bi_tu_choi (nothing accepted, a package refused)
    submitted_at: str | None = None  # when its first package for the period was made
    deadline: str | None = None
    data: values.ReportData | None = None
    unit: dict | None = None  # the commune's unit record
    refusal: str | None = None  # the reason of its latest refused package since its last accepted one

    @property
    def status_label(self) -> str:
        if self.refusal is None:
            return STATUS_LABELS[self.status]
        if self.status == "bi_tu_choi":
            return f"Bị từ chối: {self.refusal}"
        return f"{STATUS_LABELS[self.status]}; gói nộp sau bị từ chối: {self.refusal}"

    @property
    def late(self) -> bool:
        return self.status == "tre_han"

    @property
    def reported(self) -> bool:
        return self.data is not None

    def figures(self) -> dict[str, Decimal | None]:
        if self.data is None:
            return {}
        m = self.data.measures("ubnd")
        return {key: m[key] for key, _ in KEY_MEASURES}


@dataclass
class RollUpData(values.ReportData):
    """The consolidated ReportData, with every commune and its submission status."""
    communes: list[CommuneStatus] = field(default_factory=list)


@dataclass
class Uncounted:
    """A commune's typed figures that the roll-up's forms cannot count: rows of its own catalogue
    version that the roll-up's lacks, holds as a heading or a computed row, or holds as another
    kind of value or with another meaning (catalogue.comparable)."""
    code: str
    commune: str  # "xã Tân Hưng"
    version: str  # the commune's catalogue version
    rows: list[tuple[str, str]]  # (code, its label in the commune's forms)


UNCOUNTED_SHOWN = 5


@dataclass
class RollUp:
    upper: dict
    period_code: str
    data: RollUpData
    communes: list[CommuneStatus] = field(default_factory=list)
    uncounted: list[Uncounted] = field(default_factory=list)

    def warnings(self) -> list[str]:
        """What the consolidated figures leave out, one Vietnamese line per forms version and rows
        (the communes that sent the same forms named together: the dialog's headline, the command)."""
        groups: dict[tuple, list[Uncounted]] = {}
        for u in self.uncounted:
            groups.setdefault((u.version, tuple(u.rows)), []).append(u)
        mine = self.data.catalogue.version
        lines = []
        for (version, rows), group in groups.items():
            who = ", ".join(u.commune for u in group[:UNCOUNTED_SHOWN])
            if len(group) > UNCOUNTED_SHOWN:
                who += f" và {len(group) - UNCOUNTED_SHOWN} đơn vị khác"
            shown = "; ".join(f"{code} {shorten(name, 60)}" for code, name in rows[:UNCOUNTED_SHOWN])
            if len(rows) > UNCOUNTED_SHOWN:
                shown += f" và {len(rows) - UNCOUNTED_SHOWN} chỉ tiêu khác"
            lines.append(f"{who} lập báo cáo theo danh mục biểu mẫu {version}: {len(rows)} chỉ tiêu có số liệu không "
                         f"có trong danh mục {mine} của kỳ tổng hợp nên không được cộng ({shown}). Muốn cộng các chỉ "
                         f"tiêu này, hãy mở kỳ tổng hợp, chọn Tệp → Danh mục biểu mẫu…, chọn danh mục {version} và "
                         "đánh dấu “Dùng cả cho kỳ đang mở”.")
        return lines

    @property
    def reported(self) -> list[CommuneStatus]:
        return [c for c in self.communes if c.reported]

    @property
    def missing(self) -> list[CommuneStatus]:
        return [c for c in self.communes if not c.reported]

    def compare(self, name: str) -> list[tuple[str, object, str]]:
        """(commune, raw value, text) for every commune that reported, for one value name."""
        return [(c.name, c.data.value(name), format_value(self.data, name, c.data.value(name)))
                for c in self.reported]

    def total(self, name: str) -> tuple[object, str]:
        v = self.data.value(name)
        return v, format_value(self.data, name, v)

    def as_dict(self) -> dict:
        cat = self.data.catalogue
        figures = {}
        for row in cat.rows():
            if not row.has_value:
                continue
            v = self.data.values.get(row.code)
            note = self.data.note(row.code)
            if v is None and not note:
                continue
            figures[row.code] = {"value": fmt.plain(v) if isinstance(v, Decimal) else v, "text": row.format(v),
                                "note": note}
        return {
            "upper": {"code": self.upper["code"], "name": label(self.upper)},
            "period": self.period_code,
            "values": figures,
            "dossiers": {a: {m: fmt.plain(v) for m, v in self.data.measures(a).items()} for a in dossiers.AGENCIES},
            "communes": [
                {"code": c.code, "name": c.name, "status": c.status, "status_label": c.status_label,
                 "submitted_at": c.submitted_at, "deadline": c.deadline, "refusal": c.refusal,
                 "figures": {k: fmt.plain(v) for k, v in c.figures().items()}}
                for c in self.communes
            ],
            "uncounted": [{"code": u.code, "commune": u.commune, "catalogue_version": u.version,
                           "rows": [code for code, _ in u.rows]} for u in self.uncounted],
            "warnings": self.warnings(),
        }


def format_value(data: values.ReportData, name: str, value) -> str:
    row = data.catalogue.rows_by_code.get(name)
    if row is not None:
        return row.display(value) if row.kind == "choice" else row.format(value)
    if name.startswith("hs.") and name.split(".")[-1] in dossiers.RATE_MEASURES:
        return fmt.percent(value, with_sign=True) if value is not None else ""
    if isinstance(value, Decimal):
        return fmt.number(value)
    return "" if value is None else str(value)


def upper_unit(store, unit_code: str | None = None) -> dict:
    unit = store.unit(unit_code)
    if unit["kind"] not in UPPER_KINDS:
        raise UserError(
            f"Đơn vị {label(unit)} là cấp xã nên không có số liệu tổng hợp. Hãy mở tệp dữ liệu của cấp "
            "huyện/tỉnh (tệp đã nhập gói của các xã), hoặc chọn đơn vị cấp trên bằng --unit."
        )
    return unit


def communes_of(store, upper_code: str, key: periods.PeriodKey | None = None) -> list[dict]:
    """The upper unit's communes in the file; for a province of today's list and a period after
    1/7/2025 also every unit of the official list not in the file yet (they have not sent)."""
    known = [u for u in store.units() if u.get("parent_code") == upper_code]
    upper = next((u for u in store.units() if u["code"] == upper_code), None)
    if key is None or upper is None or upper["kind"] not in ("tinh", "thanh_pho") \
            or not frames.for_dates(*periods.default_window(key)).two_tier:
        return known
    if official_units.province(upper_code) is None:
        return known
    have = {u["code"] for u in known}
    listed = []
    for unit in official_units.units(upper_code):
        if unit.code not in have:
            f = official_choice.unit_fields(unit)
            listed.append({**f, "parent_code": upper_code})
    return known + listed


def count_words(units: list[dict]) -> str:
    """How many units, by kind: "3 xã"; "114 đơn vị: 67 xã, 45 phường, 2 đặc khu" when kinds differ."""
    kinds = Counter(u.get("kind") for u in units)
    if len(kinds) <= 1:
        return f"{len(units)} {KIND_WORDS.get(next(iter(kinds), 'xa'), 'xã')}"
    order = ("xa", "phuong", "dac_khu", "thi_tran")
    parts = [f"{kinds[k]} {KIND_WORDS[k]}" for k in order if kinds.get(k)]
    return f"{len(units)} đơn vị: " + ", ".join(parts)


def unit_word(units: list[dict]) -> str:
    """"xã" when every unit is a xã, else "đơn vị" (for "3/114 đơn vị")."""
    kinds = {u.get("kind") for u in units}
    return KIND_WORDS.get(next(iter(kinds)), "xã") if len(kinds) == 1 else "đơn vị"


def _sum_tables(tables_list: list[dict[str, dossiers.AgencyTable]]) -> dict[str, dossiers.AgencyTable]:
    """Summed dossier tables whose effective totals are the sums of the communes' effective totals."""
    out = {}
    for agency in dossiers.AGENCIES:
        tables = [t[agency] for t in tables_list]
        summed = dossiers.AgencyTable(agency)
        # Totals row: per column the sum of each commune's effective figure (blank when none knows it).
        effs = [t.effective() for t in tables]
        for col in dossiers.COLUMNS:
            present = [e[col] for e in effs if e[col] is not None]
            summed.total[col] = sum(present, Decimal(0)) if present else None
        # Field rows: union of the field names; a column is given per field only when every
        # commune's figure for it comes from its fields (else the per-field split is unknown).
        names: list[str] = []
        for t in tables:
            for f in t.fields:
                if f["name"] not in names:
                    names.append(f["name"])
        by_field_ok = {
            col: bool(names) and all(
                (t.fields and all(f.get(col) is not None for f in t.fields)) or e[col] is None
                for t, e in zip(tables, effs)
            ) and any(t.fields for t in tables)
            for col in dossiers.COLUMNS
        }
        by_name: dict[str, list[dict]] = {}
        for t in tables:
            for f in t.fields:
                by_name.setdefault(f["name"], []).append(f)
        for pos, name in enumerate(names, 1):
            row = {"id": -pos, "name": name}
            for col in dossiers.COLUMNS:
                if not by_field_ok[col]:
                    row[col] = None
                    continue
                vals = [f[col] for f in by_name[name] if f.get(col) is not None]
                if summed.total[col] is None:
                    row[col] = None
                else:
                    row[col] = sum(vals, Decimal(0))
            summed.fields.append(row)
        # When the fields carry a column, the summed fields and the summed totals are the same
        # numbers; when they do not, the field rows leave it blank and the total row carries it.
        out[agency] = summed
    return out


AGGREGATION_NOTES = {
    "lon_nhat": "Số lớn nhất của các {word} (dùng chung một bộ)",
    "trung_binh": "Trung bình của {n} {word}",
}
OWN_FIGURE_NOTE = "Số liệu của {upper}, không cộng từ các {word}"
OWN_FIGURE_BLANK = "Số liệu của {upper}, không cộng từ các {word}: nhập ở kỳ báo cáo của {upper}"


def _consolidate(method: str, row, present: list[Decimal], word: str = "xã") -> tuple[Decimal | None, str]:
    """(value, note part) of a count or money row from the communes' figures."""
    if not present:
        return None, ""
    if method == "lon_nhat":
        low, high = min(present), max(present)
        note = AGGREGATION_NOTES["lon_nhat"].format(word=word)
        if low != high:
            note += f"; các {word} khai từ {row.format(low)} đến {row.format(high)}"
        return high, note
    if method == "trung_binh":
        places = Decimal(1) if row.kind == "count" else Decimal("0.001")
        mean = (sum(present, Decimal(0)) / len(present)).quantize(places, rounding=ROUND_HALF_UP)
        return mean, AGGREGATION_NOTES["trung_binh"].format(n=len(present), word=word)
    return sum(present, Decimal(0)), ""


def _uncounted(cat, reported: list[CommuneStatus]) -> list[Uncounted]:
    """The typed figures of communes whose forms are another catalogue version than the roll-up's
    (`cat`) that `cat` cannot count (a newer app's forms, a province's own): named, never dropped unsaid."""
    out = []
    for c in reported:
        theirs = c.data.catalogue
        if theirs.version == cat.version:
            continue
        rows = []
        for code, entry in c.data.raw.items():
            row = theirs.rows_by_code.get(code)
            if row is None or not row.editable or (entry or {}).get("value") in (None, ""):
                continue  # not a typed figure of theirs (a kept own figure of a computed row, a blank)
            mine = cat.rows_by_code.get(code)
            if mine is None or not mine.editable or not comparable(row, mine):
                rows.append((code, row.label))
        if rows:
            out.append(Uncounted(c.code, c.name, theirs.version, sorted(rows, key=lambda r: _code_order(r[0]))))
    return out


def _code_order(code: str) -> tuple:
    """BM1/2 before BM1/10: the numbers of a code compared as numbers."""
    return tuple((0, int(p)) if p.isdigit() else (1, p) for p in re.split(r"(\d+)", code))


def _sum_values(cat, reported: list[CommuneStatus], own: dict[str, dict] | None = None,
                upper_name: str = "cấp trên", skip: dict[str, set[str]] | None = None) -> dict[str, dict]:
    """The consolidated raw values; `own`: the upper level's own typed values (rows `tong_hop = "khong"`);
    `skip`: commune code → codes of its figures that `cat` cannot count (`_uncounted`), taken as blank."""
    raw: dict[str, dict] = {}
    skip = skip or {}
    n = len(reported)
    word = unit_word([c.unit or {"kind": "xa"} for c in reported]) if reported else "xã"  # "đơn vị" of mixed kinds
    for row in cat.rows():
        if not row.editable:
            continue
        known = [(c, None if row.code in skip.get(c.code, ()) else (c.data.raw.get(row.code) or {}).get("value"))
                 for c in reported]  # as typed
        present = [(c, v) for c, v in known if v is not None and v != ""]
        lacking = [c.name for c, v in known if v is None or v == ""]
        note = ""
        value = None
        if row.kind in ("count", "money"):
            method = aggregation(cat, row)
            if method == "khong":
                mine = (own or {}).get(row.code) or {}
                value = mine.get("value") if mine.get("value") not in (None, "") else None
                note = (OWN_FIGURE_NOTE if value is not None else OWN_FIGURE_BLANK).format(upper=upper_name, word=word)
                raw[row.code] = {"value": value, "note": note}
                continue
            total, how = _consolidate(method, row, [Decimal(v) for _, v in present], word)
            if total is not None:
                value = value_text(total)
            parts = [how] if how else []
            if present and lacking:
                names = ", ".join(lacking[:5]) + (" …" if len(lacking) > 5 else "")
                parts.append(f"Chưa có số liệu của {len(lacking)}/{n} {word}: {names}")
            note = "; ".join(parts)
        elif row.kind == "choice":
            counts = Counter(Decimal(v) for _, v in present)
            parts = [f"{lab}: {counts[Decimal(code)]} {word}" for code, lab in row.choices if counts[Decimal(code)]]
            if lacking and present:
                parts.append(f"chưa nhập: {len(lacking)} {word}")
            note = "; ".join(parts)
        elif row.kind == "percent" and present:
            low, high = min(Decimal(v) for _, v in present), max(Decimal(v) for _, v in present)
            spread = fmt.percent(low, with_sign=True) if low == high else \
                f"từ {fmt.percent(low, with_sign=True)} đến {fmt.percent(high, with_sign=True)}"
            note = f"{PERCENT_TYPED_NOTE}; {len(present)} {word}: {spread}"
        if value is not None or note:
            raw[row.code] = {"value": value, "note": note}
    return raw


class DeferredValues(Mapping):
    """A commune's derived values, computed when first read: the sums need only its typed values,
    so only the comparison and the status's figures pay for the rest (~1 ms a commune-period,
    docs/benchmarks.md, the province's desk)."""

    def __init__(self, cat, raw, tables, on_time: str):
        self._args = (cat, raw, tables, on_time)
        self._values: dict | None = None

    def _all(self) -> dict:
        if self._values is None:
            self._values = values.evaluate(*self._args)
        return self._values

    def __getitem__(self, name):
        return self._all()[name]

    def __iter__(self):
        return iter(self._all())

    def __len__(self) -> int:
        return len(self._all())


def _load_communes(store, codes: list[str], key: periods.PeriodKey) -> dict[str, tuple[dict, values.ReportData]]:
    """Each commune's period and its ReportData (values and dossier tables), in a few queries."""
    if not codes:
        return {}
    out = {}
    for period, raw, tables in store_rollup.periods_of(store, key.year, key.kind, codes).values():
        period["code"] = key.code
        cat = store.catalogue(period["catalogue_version"])
        data = values.ReportData(unit={}, period=period, catalogue=cat, raw=raw, tables=tables,
                                 narratives={}, documents=[])
        data.values = DeferredValues(cat, raw, tables, period.get("on_time_formula") or dossiers.DEFAULT_ON_TIME)
        out[period["unit_code"]] = (period, data)
    return out


def _sort_key(name: str) -> tuple:
    """Vietnamese order, near enough: letters without their marks first, then with them (đ after d)."""
    base = unicodedata.normalize("NFD", name.replace("đ", "dz").replace("Đ", "Dz").lower())
    return "".join(c for c in base if not unicodedata.combining(c)), name


def _deadline_passed(created_at: str, deadline: str | None) -> bool:
    if not deadline:
        return False
    try:
        t = dt.datetime.fromisoformat(created_at)
        return t.date() > dt.date.fromisoformat(deadline)
    except (TypeError, ValueError):
        return False


def rollup(store, period_code: str, unit_code: str | None = None) -> RollUp:
    upper = upper_unit(store, unit_code)
    key = periods.parse_code(period_code)
    upper_period = store.find_period(upper["code"], key.code)
    statuses: list[CommuneStatus] = []
    first_sent = store_packages.first_sent(store, key.code)
    refusals = store_packages.latest_refusals(store, key.code)
    versions = Counter()
    communes = communes_of(store, upper["code"], key)
    loaded = _load_communes(store, [c["code"] for c in communes], key)
    for c in communes:
        refusal = (refusals.get(c["code"]) or {}).get("reason")
        if c["code"] not in loaded:
            statuses.append(CommuneStatus(c["code"], label(c), "bi_tu_choi" if refusal else "chua_nop",
                                          deadline=(upper_period or {}).get("deadline"), unit=c, refusal=refusal))
            continue
        period, data = loaded[c["code"]]
        data.unit = c
        versions[period["catalogue_version"]] += 1
        deadline = (upper_period or {}).get("deadline") or period.get("deadline")
        sent = first_sent.get(c["code"])
        if sent is None:
            status = "khong_ro"
        else:
            status = "tre_han" if _deadline_passed(sent, deadline) else "dung_han"
        statuses.append(CommuneStatus(c["code"], label(c), status, sent, deadline, data, unit=c, refusal=refusal))
    if upper_period is not None:
        version = upper_period["catalogue_version"]
    elif versions:
        version = versions.most_common(1)[0][0]
    else:
        version = store.default_catalogue_version
    cat = store.catalogue(version)
    reported = [s for s in statuses if s.data is not None]
    if upper_period is None:
        start, end = periods.default_window(key)
        upper_period = {
            "id": None, "unit_code": upper["code"], "year": key.year, "kind": key.kind, "code": key.code,
            "start_date": start.isoformat(), "end_date": end.isoformat(),
            "deadline": periods.default_deadline(key).isoformat(), "doc_number": "", "doc_symbol": "BC-UBND",
            "doc_date": None, "status": "draft", "catalogue_version": cat.version,
            "on_time_formula": dossiers.DEFAULT_ON_TIME, "updated_at": "",
        }
        narratives, documents = {}, []
    else:
        narratives, documents = store.narratives(upper_period["id"]), store.documents(upper_period["id"])
    if not any((n.get("text") or "").strip() for n in narratives.values()):
        narratives = default_texts.upper_narratives(upper_period)  # a period made before the upper level had default texts
    own = store.values(upper_period["id"]) if upper_period.get("id") else {}
    uncounted = _uncounted(cat, reported)
    raw = _sum_values(cat, reported, own, label(upper), skip={u.code: {code for code, _ in u.rows} for u in uncounted})
    tables = _sum_tables([s.data.tables for s in reported]) if reported else {
        a: dossiers.AgencyTable(a) for a in dossiers.AGENCIES}
    statuses.sort(key=lambda s: (s.data is None, _sort_key(s.name)))
    data = RollUpData(unit=upper, period=upper_period, catalogue=cat, raw=raw, tables=tables,
                      narratives=narratives, documents=documents, communes=statuses)
    data.values = values.evaluate(cat, raw, tables, upper_period.get("on_time_formula") or dossiers.DEFAULT_ON_TIME)
    return RollUp(upper=upper, period_code=key.code, data=data, communes=statuses, uncounted=uncounted)


