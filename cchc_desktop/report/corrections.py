"""Figures the app computes that differ from the unit's own.

A unit's own figure of a computed value is what it had typed or printed before the app computed
it: the old paper report (the demo keeps the seed's printed figures), a row that a newer catalogue
computes, the number a text had before a placeholder replaced it. The store keeps it as the value
of a computed row (`BM7/6.7`) or of a dossier measure (`hs.ubnd.ty_le_truoc_han`); it is never
used in a figure, only shown beside the computed one, so the reader of last year's paper learns
why the number changed (../shared/DESIGN.md: no figure silently wrong).
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from cchc_desktop import fmt
from cchc_desktop.domain import dossiers, formula

# The dossier rates: (part column, whole measure) as dossiers.measures_of computes them.
_RATE_PARTS = {
    "ty_le_truc_tuyen": ("truc_tuyen", "tiep_nhan_trong_ky"),
    "ty_le_truc_tiep": ("truc_tiep", "tiep_nhan_trong_ky"),
    "ty_le_truoc_han": ("truoc_han", "da_giai_quyet"),
    "ty_le_dung_han_rieng": ("dung_han", "da_giai_quyet"),
    "ty_le_qua_han": ("qua_han", "da_giai_quyet"),
    "ty_le_da_giai_quyet": ("da_giai_quyet", "tiep_nhan"),
}


@dataclass
class Correction:
    name: str  # a computed row's code or hs.<agency>.<measure>
    own: Decimal  # the unit's figure
    computed: Decimal | None
    own_text: str  # both as the report writes them ("84", "97,6 %")
    computed_text: str
    why: str  # how the app computed it: "(3.147/3.225)", "tổng các dòng 1.4.3"
    place: str  # "Biểu mẫu 7, dòng 6.7" or "Bộ phận Một cửa UBND: Tỷ lệ …"
    section: str
    choice: str = ""  # the unit's answer: "" (none yet), USE or KEEP (store.correction_choices)
    choice_note: str = ""  # its note when it keeps its figure

    @property
    def kept(self) -> bool:
        return self.choice == KEEP

    @property
    def printed_text(self) -> str:
        return self.own_text if self.kept else self.computed_text

    @property
    def note(self) -> str:
        """The appendix's Ghi chú of the row."""
        if self.kept:
            return f"(*) Số của đơn vị; số tính lại là {self.computed_text} {self.why}".rstrip() + f": {self.choice_note}"
        if self.choice == USE:
            return f"(*) Đã sửa theo số tính lại; đơn vị ghi trước đây {self.own_text}"
        return f"(*) Trước đây ghi {self.own_text}"

    @property
    def state(self) -> str:
        """The choice in words (Kiểm tra, `so-tinh-lai`)."""
        if self.kept:
            return f"giữ số của đơn vị ({self.choice_note})"
        return "dùng số tính lại" if self.choice == USE else "chưa chọn"


USE, KEEP = "dung-so-tinh-lai", "giu-so"  # = store.CHOICE_USE, store.CHOICE_KEEP


def is_own_figure(name: str, catalogue) -> bool:
    """May the store keep a unit's own figure under this name (a computed row, a dossier measure)?"""
    row = catalogue.rows_by_code.get(name)
    if row is not None:
        return row.derived and row.kind != "text"
    parts = name.split(".")
    return len(parts) == 3 and parts[0] == "hs" and parts[1] in dossiers.AGENCIES and parts[2] in dossiers.MEASURES


def _decimal(text) -> Decimal | None:
    try:
        return Decimal(str(text))
    except (InvalidOperation, ValueError):
        return None


def _is_rate(name: str, row) -> bool:
    if row is None:
        return name.split(".")[-1] in dossiers.RATE_MEASURES
    return row.kind == "percent" or row.unit == "%"


def _show(value, rate: bool) -> str:
    if value is None:
        return "chưa tính được (thiếu số liệu)"
    return f"{fmt.percent(value)} %" if rate else fmt.number(value, 3)


def _why(name: str, row, data) -> str:
    """The parts the computed figure comes from, as numbers: `(3.147/3.225)`, `tổng các dòng 1.4.3`."""
    if row is None:
        agency, measure = name.split(".")[1:]
        if measure in _RATE_PARTS:
            m = data.measures(agency)
            part, whole = (m.get(k) for k in _RATE_PARTS[measure])
            if part is not None and whole is not None:
                return f"({fmt.number(part)}/{fmt.number(whole)})"
        return ""
    pairs = formula.pct_pairs(row.formula)
    if len(pairs) == 1:
        part, whole = (formula.evaluate(n, lambda x: _resolve(data, x)) for n in pairs[0])
        if part is not None and whole is not None:
            return f"({fmt.number(part, 3)}/{fmt.number(whole, 3)})"
    refs = formula.refs(row.formula)
    if refs and all(r in data.catalogue.rows_by_code for r in refs):
        return f"(tính từ dòng {', '.join(data.catalogue.rows_by_code[r].number for r in refs)})"
    measures = [r.split(".")[2] for r in refs if r.startswith("hs.")]
    if measures:
        return "(từ bảng hồ sơ: " + " + ".join(_measure_words(m) for m in measures) + ")"
    return ""


def _measure_words(measure: str) -> str:
    words = dossiers.MEASURES[measure].removesuffix(" (%)")
    return words[:1].lower() + words[1:]


def _resolve(data, name):
    v = data.value(name)
    return v if isinstance(v, Decimal) else None


def corrections(data) -> list[Correction]:
    """Every own figure of the period that the computed one (as the report writes it) contradicts."""
    out = []
    cat = data.catalogue
    for name, raw in data.raw.items():
        if raw.get("value") in (None, "") or not is_own_figure(name, cat):
            continue
        own = _decimal(raw["value"])
        if own is None:
            continue
        row = cat.rows_by_code.get(name)
        computed = data.computed(name)
        computed = computed if isinstance(computed, Decimal) else None
        rate = _is_rate(name, row)
        if computed is not None and rate:
            computed = fmt.round_percent(computed)  # as the report writes it
        if computed == own:
            continue
        if row is not None:
            place, section = row.describe(), row.section
        else:
            agency, measure = name.split(".")[1:]
            place = f"{data.agency_name(agency)}, {_measure_words(measure)}"
            section = "II.2"
        chosen = data.choices.get(name) or {}
        out.append(Correction(name, own, computed, _show(own, rate), _show(computed, rate),
                              _why(name, row, data) if computed is not None else "", place, section,
                              chosen.get("choice", ""), chosen.get("note", "")))
    order = {code: i for i, code in enumerate(r.code for r in cat.rows())}
    out.sort(key=lambda c: (order.get(c.name, len(order)), c.name))
    return out


def by_code(data) -> dict[str, Correction]:
    return {c.name: c for c in corrections(data)}
