"""One unit + one period → every value of the report, derived values computed.

`load_report(store, unit_code, period_code)` gathers what the text, the appendix, the charts
and the validator need. Derived rows are evaluated from the catalogue's formulas, in the
order the catalogue computed; nothing here is typed twice.
"""
from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property, lru_cache

from cchc_desktop import fmt, paths
from cchc_desktop.domain import dossiers, formula, frames, periods, units
from cchc_desktop.domain.catalogue import Catalogue
from cchc_desktop.report.narrative import BLOCKS, render_inline
from cchc_desktop.report import par as par_report
from cchc_desktop.store import merger as store_merger
from cchc_desktop.store import par as store_par


@lru_cache(maxsize=1)
def outline() -> list[dict]:
    """The report outline (resources/outline.toml)."""
    with open(paths.resource("outline.toml"), "rb") as fh:
        sections = tomllib.load(fh)["sections"]
    for s in sections:
        s.setdefault("text", True)
    return sections


def outline_section(key: str) -> dict:
    for s in outline():
        if s["key"] == key:
            return s
    raise KeyError(key)


@dataclass
class ReportData:
    unit: dict
    period: dict
    catalogue: Catalogue
    raw: dict[str, dict]  # code → {"value": str|None, "note": str}
    tables: dict[str, dossiers.AgencyTable]
    narratives: dict[str, dict]
    documents: list[dict]
    values: dict[str, Decimal | str | None] = field(default_factory=dict)
    previous: dict[str, Decimal | str | None] | None = None
    previous_code: str | None = None
    merger_sources: list[dict] = field(default_factory=list)  # former communes taken in (importing/former.py)
    par: object | None = None  # report/par.Assessment of the year, for a NAM period whose unit has a PAR criteria set
    # the unit's answer to each recomputed figure (store.correction_choices), and for each one it
    # kept, the computed figure its own replaces in print (report/corrections.py)
    choices: dict[str, dict] = field(default_factory=dict)
    recomputed: dict[str, Decimal | None] = field(default_factory=dict)
    kept: dict[str, Decimal] = field(default_factory=dict)

    # --- names ------------------------------------------------------------------------
    @property
    def key(self) -> periods.PeriodKey:
        return periods.PeriodKey(self.period["year"], self.period["kind"])

    def note(self, code: str) -> str:
        return (self.raw.get(code) or {}).get("note") or ""

    def measures(self, agency: str) -> dict[str, Decimal | None]:
        return self.tables[agency].measures(self.period.get("on_time_formula") or dossiers.DEFAULT_ON_TIME)

    def value(self, name: str):
        """The raw value of any value name (docs/formats.md), or None when blank/unknown."""
        if name in self.kept:
            return self.kept[name]
        if name in self.values:
            return self.values[name]
        if name.startswith("hs."):
            _, agency, measure = (name.split(".") + ["", ""])[:3]
            if agency in self.tables and measure in dossiers.MEASURES:
                return self.measures(agency)[measure]
            return None
        return self.text_value(name)

    def computed(self, name: str):
        """The value as the app computes it, whatever the unit chose to print."""
        return self.recomputed[name] if name in self.kept else self.value(name)

    def keep_own_figures(self, choices: dict[str, dict]) -> None:
        """Print the unit's own figure where it chose to keep it (store.CHOICE_KEEP), wherever the
        value itself is printed. The rows computed from it rest on the computed (or typed) figure,
        which agrees with the parts; their Ghi chú and the finding say so (corrections.dependents)."""
        self.choices = choices
        for name, c in choices.items():
            if c["choice"] != "giu-so":
                continue
            raw = self.raw.get(name) or {}
            row = self.catalogue.rows_by_code.get(name)
            # a typed row's own figure is beside its value (`own`), a computed one's is its value
            typed = row is not None and row.editable
            try:
                own = Decimal(str(raw.get("own") if typed else raw.get("value")))
            except ArithmeticError:
                continue
            computed = self.value(name)
            self.recomputed[name] = computed if isinstance(computed, Decimal) else None
            self.kept[name] = own
            if name in self.values:
                self.values[name] = own

    def text_value(self, name: str) -> str | None:
        """Period and unit names, already text."""
        key = self.key
        unit = self.unit
        unit_name = units.label(unit)
        texts = {
            "ky.tu_ngay": fmt.date(self.period["start_date"]),
            "ky.den_ngay": fmt.date(self.period["end_date"]),
            "ky.nam": str(key.year),
            "ky.nam_sau": str(key.year + 1),
            "ky.nam_truoc": str(key.year - 1),
            "ky.ten": periods.name(key),
            "ky.ten_hoa": periods.name(key).upper(),
            "ky.ten_ke_tiep": periods.next_name(key),
            "ky.ten_ke_tiep_hoa": periods.next_name(key).upper(),
            "don_vi.ten": unit_name,
            "don_vi.ten_hoa": unit_name.upper(),
            "don_vi.co_quan": f"UBND {unit_name}",
            "don_vi.cap_tren": unit.get("upper_name") or "",
            "don_vi.loai": units.kind_word(unit["kind"]),
            "ky.ten_dau_cau": periods.name(key)[:1].upper() + periods.name(key)[1:],
        }
        if name in texts:
            return texts[name]
        return self._frame_texts.get(name)

    @cached_property
    def frame(self) -> frames.Frame:
        """The legal frame of the period's dates (domain/frames.py)."""
        return frames.for_period(self.period)

    @cached_property
    def _frame_texts(self) -> dict[str, str]:
        """The names whose words come from the frame and the official list: the unit's desk and
        communities, the communes it was formed of, its province. The unit's settings may say
        otherwise (trung_tam, thon_to, hinh_thanh_tu: Hà Nội's one-level centre, a name the list
        lacks)."""
        unit = self.unit
        words = self.frame.words(unit["kind"])
        settings = unit.get("settings") or {}
        prov_kind, prov_name = frames.province_words(unit)
        province = f"{prov_kind} {prov_name}".strip()
        return {
            "don_vi.trung_tam": settings.get("trung_tam") or words.get("trung_tam", "").format(ten=unit["name"]),
            "don_vi.thon_to": settings.get("thon_to") or words.get("thon_to", ""),
            "don_vi.hinh_thanh_tu": settings.get("hinh_thanh_tu") or frames.former_names(frames.formed_from(unit)),
            "tinh.ten": province,
            "tinh.loai": prov_kind,
            "tinh.co_quan": f"UBND {province}",
        }

    def agency_name(self, agency: str) -> str:
        """`Công an phường`, `Ban Chỉ huy Quân sự xã`, the one-stop desk: as the frame names them
        for the unit's kind."""
        return self.frame.agency_names(self.unit["kind"]).get(agency) or dossiers.AGENCIES[agency]

    def is_known_name(self, name: str) -> bool:
        if name in self.catalogue.rows_by_code:
            return True
        if name.startswith("hs."):
            parts = name.split(".")
            return len(parts) == 3 and parts[1] in dossiers.AGENCIES and parts[2] in dossiers.MEASURES
        return name in BLOCKS or self.text_value(name) is not None

    def section_title(self, key: str) -> str:
        stored = (self.narratives.get(key) or {}).get("title")
        title = stored if stored else outline_section(key)["title"]
        return render_inline(title, self)

    def row_previous(self, code: str):
        if not self.previous:
            return None
        return self.previous.get(code)


# The period and unit names (ReportData.text_value), as the placeholder picker lists them.
TEXT_NAMES = {
    "ky.tu_ngay": "Ngày bắt đầu kỳ báo cáo",
    "ky.den_ngay": "Ngày kết thúc kỳ báo cáo",
    "ky.nam": "Năm của kỳ báo cáo",
    "ky.nam_sau": "Năm sau",
    "ky.nam_truoc": "Năm trước",
    "ky.ten": "Tên kỳ báo cáo",
    "ky.ten_dau_cau": "Tên kỳ báo cáo, viết hoa chữ đầu (đầu câu)",
    "ky.ten_hoa": "Tên kỳ báo cáo (chữ in hoa)",
    "ky.ten_ke_tiep": "Tên kỳ kế tiếp",
    "ky.ten_ke_tiep_hoa": "Tên kỳ kế tiếp (chữ in hoa)",
    "don_vi.ten": "Tên đơn vị",
    "don_vi.ten_hoa": "Tên đơn vị (chữ in hoa)",
    "don_vi.co_quan": "Tên cơ quan (UBND …)",
    "don_vi.cap_tren": "Đơn vị cấp trên",
    "don_vi.loai": "Loại đơn vị (xã, phường, đặc khu)",
    "don_vi.trung_tam": "Nơi tiếp nhận, trả kết quả một cửa của đơn vị",
    "don_vi.thon_to": "Thôn, tổ dân phố (tên gọi cộng đồng dân cư)",
    "don_vi.hinh_thanh_tu": "Các đơn vị cấp xã cũ hợp thành đơn vị (từ 01/7/2025)",
    "tinh.ten": "Tỉnh, thành phố của đơn vị",
    "tinh.loai": "Loại cấp tỉnh (tỉnh, thành phố)",
    "tinh.co_quan": "UBND tỉnh, thành phố",
}


def evaluate(cat: Catalogue, raw: dict[str, dict], tables: dict[str, dossiers.AgencyTable], on_time: str) -> dict:
    values: dict[str, Decimal | str | None] = {}
    for row in cat.rows():
        if row.editable:
            v = (raw.get(row.code) or {}).get("value")
            if v is None or v == "":
                values[row.code] = None
            elif row.kind == "text":
                values[row.code] = v
            else:
                values[row.code] = Decimal(v)
    measure_cache: dict[str, dict] = {}

    def resolve(name: str):
        if name.startswith("hs."):
            _, agency, measure = name.split(".")
            if agency not in measure_cache:
                measure_cache[agency] = tables[agency].measures(on_time)
            return measure_cache[agency][measure]
        v = values.get(name)
        return v if isinstance(v, Decimal) else None

    for code in cat.order:
        row = cat.rows_by_code[code]
        v = formula.evaluate(row.formula, resolve)
        if v is not None and (row.kind == "percent" or row.unit == "%"):
            v = fmt.round_percent(v)
        values[code] = v
    return values


def load_report(store, unit_code: str | None, period_code: str, with_previous: bool = True) -> ReportData:
    unit = store.unit(unit_code)
    period = store.get_period(unit["code"], period_code)
    return load_period(store, period["id"], with_previous=with_previous)


def annual_data(store, unit_code: str, year: int) -> "ReportData | None":
    """The ReportData of a unit's annual period (Năm) of a year, or None when it has none."""
    period = next((p for p in store.periods(unit_code) if p["year"] == year and p["kind"] == "NAM"), None)
    return None if period is None else load_period(store, period["id"], with_previous=False)


def load_period(store, period_id: int, with_previous: bool = True) -> ReportData:
    period = store.period(period_id)
    unit = store.unit(period["unit_code"])
    cat = store.catalogue(period["catalogue_version"])
    raw = store.values(period_id)
    tables = store.dossier_tables(period_id)
    data = ReportData(
        unit=unit,
        period=period,
        catalogue=cat,
        raw=raw,
        tables=tables,
        narratives=store.narratives(period_id),
        documents=store.documents(period_id),
        merger_sources=store_merger.summaries(store, period_id),
    )
    data.values = evaluate(cat, raw, tables, period.get("on_time_formula") or dossiers.DEFAULT_ON_TIME)
    if period["kind"] == "NAM" and store_par.has_set(store, unit["code"], period["year"]):
        data.par = par_report.assessment(store, unit["code"], period["year"])
    data.keep_own_figures(store.correction_choices(period_id))
    if with_previous:
        prev_key = periods.previous_same_kind(data.key)
        prev = store.find_period(unit["code"], prev_key.code)
        if prev:
            p = load_period(store, prev["id"], with_previous=False)
            data.previous = p.values
            data.previous_code = prev_key.code
    return data
