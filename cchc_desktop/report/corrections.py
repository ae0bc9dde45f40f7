"""Figures the app computes that differ from the unit's own.

A unit's own figure of a computed value is what it had typed or printed before the app computed
it: the old paper report (the demo keeps the seed's printed figures), a row that a newer catalogue
computes, the number a text had before a placeholder replaced it. The store keeps it as the value
of a computed row (`BM7/6.7`) or of a dossier measure (`hs.ubnd.ty_le_truoc_han`); it is never
used in a figure, only shown beside the computed one, so the reader of last year's paper learns
why the number changed (../shared/DESIGN.md: no figure silently wrong).

A typed row may have one too, beside its value (`own`, m014): the paper printed 3.523 triệu đồng
in BM6 1.2 where the text gives 3.523.681.000 đồng, and the data holds the exact figure. Its
"computed" figure is then the one typed.

A figure the unit keeps is printed wherever the value itself is printed (its cell, the text); the
rows computed from it rest on the computed (or typed) figure, which agrees with their other parts:
a kept figure cannot be made consistent with the parts that contradict it. Their Ghi chú, the kept
row's Ghi chú and the finding say which figure those rows rest on (`dependents`).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from cchc_desktop import fmt
from cchc_desktop.domain import dossiers, formula
from cchc_desktop.domain.catalogue import LABEL_WIDTH, shorten
from cchc_desktop.report import narrative

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
    typed: bool = False  # a typed row's own printed figure (`own`): `computed` is the figure typed
    dependents: list[str] = field(default_factory=list)  # codes of the rows computed from this value
    dependent_places: str = ""  # those rows in words: "dòng 3.3", "Biểu mẫu 3, dòng 3.3; Biểu mẫu 7, dòng 6.7"
    choice_at: str = ""  # when the unit chose (ISO)
    text_label: str = ""  # the whole label of a row that only the text prints (TT/20), for its note

    @property
    def computed_word(self) -> str:
        """What the other figure is: computed from the parts, or typed into the app."""
        return "số đã nhập" if self.typed else "số tính lại"

    @property
    def rests_on(self) -> str:
        """For a kept figure: which figure the rows computed from it rest on, or ""."""
        if not (self.kept and self.dependent_places):
            return ""
        return f"{self.dependent_places[:1].upper()}{self.dependent_places[1:]} tính theo {self.computed_word} {self.computed_text}"

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
            text = f"(*) Số của đơn vị; {self.computed_word} là {self.computed_text} {self.why}".rstrip()
            text += f": {self.choice_note}"
            return text + (f". {self.rests_on}" if self.rests_on else "")
        if self.choice == USE:
            return f"(*) Đã sửa theo {self.computed_word}; đơn vị ghi trước đây {self.own_text}"
        if self.computed is None:
            return f"(*) Trước đây ghi {self.own_text}; nay để trống {self.why}".rstrip()
        return f"(*) Trước đây ghi {self.own_text}"

    def in_appendix(self, catalogue) -> bool:
        """Does an appendix row print this figure (its Ghi chú then explains it)?"""
        row = catalogue.rows_by_code.get(self.name)
        return row is not None and catalogue.form(row.form).appendix

    @property
    def text_note(self) -> str:
        """The note of a figure of the text with no appendix row (a dossier rate of II.2): the
        appendix prints these under its tables (wording.text_figure_notes)."""
        place = self.text_label or self.place  # a text-only row: its label alone
        where = f"{place[:1].upper()}{place[1:]} (lời văn mục {self.section})"
        why = f" {self.why}" if self.why else ""
        if self.kept:
            text = (f"(*) {where}: lời văn in số của đơn vị {self.own_text}; số tính lại là {self.computed_text}{why}: "
                    f"{self.choice_note}")
            return text + (f". {self.rests_on}" if self.rests_on else "")
        if self.choice == USE:
            return f"(*) {where}: đã sửa theo số tính lại {self.computed_text}{why}; đơn vị ghi trước đây {self.own_text}"
        return f"(*) {where}: số tính lại {self.computed_text}{why}; trước đây ghi {self.own_text}"

    def dependent_note(self, data) -> str:
        """The Ghi chú of a row computed from this kept figure."""
        row = data.catalogue.rows_by_code.get(self.name)
        where = (f"dòng {row.number}" if row is not None else self.place)
        return (f"(*) Tính theo {self.computed_word} {self.computed_text} của {where}; "
                f"đơn vị giữ số {self.own_text} ở {'dòng đó' if row is not None else 'chỉ tiêu đó'}")

    @property
    def state(self) -> str:
        """The choice in words (Kiểm tra, `so-tinh-lai`)."""
        if self.kept:
            return f"giữ số của đơn vị ({self.choice_note})"
        return f"dùng {self.computed_word}" if self.choice == USE else "chưa chọn"


USE, KEEP = "dung-so-tinh-lai", "giu-so"  # = store.CHOICE_USE, store.CHOICE_KEEP


def has_own_figure(name: str, catalogue) -> bool:
    """May a typed row hold the unit's own printed figure beside its value (m014)?"""
    row = catalogue.rows_by_code.get(name)
    return row is not None and row.editable and row.kind not in ("text", "choice")


# the dossier measures computed from another one (dossiers.measures_of)
_MEASURE_USERS: dict[str, list[str]] = {}
for _rate, (_part, _whole) in _RATE_PARTS.items():
    for _m in (_part, _whole):
        _MEASURE_USERS.setdefault(_m, []).append(_rate)
_MEASURE_USERS.setdefault("da_giai_quyet", []).append("ty_le_dung_han")
for _m in ("truc_tuyen", "truc_tiep"):
    _MEASURE_USERS.setdefault(_m, []).extend(["tiep_nhan_trong_ky", "tiep_nhan"])
for _m in ("truoc_han", "dung_han", "qua_han"):
    _MEASURE_USERS.setdefault(_m, []).append("da_giai_quyet")


_USERS: dict[int, tuple[object, dict]] = {}  # id(catalogue) → (the catalogue, its users): a few catalogues


def _users(catalogue) -> dict[str, list[str]]:
    """name → the rows whose formula names it, read once per catalogue object."""
    held = _USERS.get(id(catalogue))
    if held is not None and held[0] is catalogue:
        return held[1]
    users: dict[str, list[str]] = {}
    for code in catalogue.order:
        for ref in formula.refs(catalogue.rows_by_code[code].formula):
            users.setdefault(ref, []).append(code)
    if len(_USERS) >= 16:
        _USERS.clear()
    _USERS[id(catalogue)] = (catalogue, users)
    return users


def dependents(name: str, catalogue) -> list[str]:
    """The catalogue rows (codes, catalogue order) computed, directly or not, from a value name;
    for a dossier measure, through the measures computed from it too."""
    users = _users(catalogue)
    names, todo, rows = {name}, [name], set()
    while todo:
        n = todo.pop()
        parts = n.split(".")
        nexts = list(users.get(n, []))
        if len(parts) == 3 and parts[0] == "hs":
            nexts += [f"hs.{parts[1]}.{m}" for m in _MEASURE_USERS.get(parts[2], [])]
        for other in nexts:
            if other not in names:
                names.add(other)
                todo.append(other)
                if other in catalogue.rows_by_code:
                    rows.add(other)
    order = {code: i for i, code in enumerate(r.code for r in catalogue.rows())}
    return sorted(rows, key=lambda c: order.get(c, len(order)))


def _places(codes: list[str], name: str, catalogue) -> str:
    """`dòng 3.3` (same form as `name`), else `Biểu mẫu 7, dòng 6.7`, joined."""
    home = name.split("/")[0] if "/" in name else None
    out = []
    for code in codes:
        row = catalogue.rows_by_code[code]
        out.append(f"dòng {row.number}" if row.form == home else row.place)
    return ", ".join(out)


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


BLANK_TEXT = "để trống"  # a computed figure without one: 0/0, or its parts blank


def _blank_why(row, data) -> str:
    """Why a computed figure is blank where the unit had printed one (the seed's 0 % over 0 cases)."""
    pairs = formula.pct_pairs(row.formula) if row is not None else []
    if len(pairs) == 1:
        part, whole = (formula.evaluate(n, lambda x: _resolve(data, x)) for n in pairs[0])
        if whole == 0:
            return f"({fmt.number(part or 0)}/0: không có trường hợp nào nên không có tỷ lệ)"
    return "(các dòng thành phần chưa có số)"


def _show(value, rate: bool) -> str:
    if value is None:
        return BLANK_TEXT
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


def _typed_why(name: str, row, data) -> str:
    """Where the text prints a typed figure: `(lời văn mục II.5: 3.523.681.000 đồng)`."""
    stored = data.computed(name)
    if not isinstance(stored, Decimal):
        return ""
    seen = []
    for key, entry in data.narratives.items():
        for m in narrative.PLACEHOLDER.finditer((entry or {}).get("text") or ""):
            if m.group(1) != name:
                continue
            shown = (fmt.dong_from_million(stored) + " đồng") if m.group(2) == "dong" else row.format(stored)
            seen.append(f"lời văn mục {key}: {shown}")
    return f"({'; '.join(dict.fromkeys(seen))})" if seen else ""


def corrections(data) -> list[Correction]:
    """Every own figure of the period that the computed one (as the report writes it) contradicts,
    and every own printed figure of a typed row that differs from the figure typed."""
    out = []
    cat = data.catalogue
    for name, raw in data.raw.items():
        if has_own_figure(name, cat) and raw.get("own") not in (None, ""):
            own, typed = _decimal(raw["own"]), True
        elif raw.get("value") not in (None, "") and is_own_figure(name, cat):
            own, typed = _decimal(raw["value"]), False
        else:
            continue
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
        if row is not None and not cat.form(row.form).appendix:  # a figure of the text alone (TT/20)
            place, section = f"Số liệu trong lời văn «{shorten(row.label, LABEL_WIDTH)}»", row.section
        elif row is not None:
            place, section = row.describe(), row.section
        else:
            agency, measure = name.split(".")[1:]
            place = f"{data.agency_name(agency)}, {_measure_words(measure)}"
            section = "II.2"
        chosen = data.choices.get(name) or {}
        if typed:  # a kept figure is what the text prints: the text no longer shows the typed one
            why = "" if chosen.get("choice") == KEEP else _typed_why(name, row, data)
            own_text, computed_text = row.format(own), row.format(computed) or "trống"
        else:
            why = _why(name, row, data) if computed is not None else _blank_why(row, data)
            own_text, computed_text = _show(own, rate), _show(computed, rate)
        deps = dependents(name, cat)
        out.append(Correction(name, own, computed, own_text, computed_text, why, place, section,
                              chosen.get("choice", ""), chosen.get("note", ""), typed, deps,
                              _places(deps, name, cat), chosen.get("at", ""),
                              row.label.split(" (")[0] if row is not None and not cat.form(row.form).appendix else ""))
    order = {code: i for i, code in enumerate(r.code for r in cat.rows())}
    out.sort(key=lambda c: (order.get(c.name, len(order)), c.name))
    return out


def by_code(data) -> dict[str, Correction]:
    return {c.name: c for c in corrections(data)}


def dependent_notes(data, fixes: dict[str, Correction]) -> dict[str, str]:
    """code → the Ghi chú of each row computed from a figure the unit kept: which figure it rests on."""
    out: dict[str, list[str]] = {}
    for c in fixes.values():
        if c.kept:
            for code in c.dependents:
                out.setdefault(code, []).append(c.dependent_note(data))
    return {code: "; ".join(notes) for code, notes in out.items()}
