"""The merger year (issue 23 item 4): a commune formed on 1/7/2025 takes its former communes'
first half of 2025 into a period holding that day (its 2025 annual report).

`read_source(path)` reads a former commune's hand-off package (.cchc, checked by
importing/package.py) or data file (.sqlite of this app: its 2025 period ending by 30/6/2025,
6 tháng before quý I). `plan(store, period_id, paths)` says, per file, what would be taken, or why
not (a commune that is not one of this unit's former communes, a period that is not of the first
half, the same commune twice) — nothing written. `apply(store, period_id, plan)` consolidates,
in one transaction, the period's own figures (its second half, kept as they were before the
first merge) with every former commune taken so far, by the roll-up's rules
(report/aggregate.py: counts and money summed, rates recomputed from summed parts, `tong_hop`
rules; a choice, a text or a typed rate stays the unit's own), and records the sources
(store/merger.py), which the report names (ReportData.merger_sources). `undo` puts the own
figures back.
"""
from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from cchc_desktop import dataio, fmt
from cchc_desktop.domain import dossiers, frames, periods
from cchc_desktop.domain.catalogue import aggregation, comparable
from cchc_desktop.domain.units import COMMUNE_KINDS, KIND_WORDS, label
from cchc_desktop.errors import UserError
from cchc_desktop.fileio import os_error_message
from cchc_desktop.importing import package
from cchc_desktop.importing.package import _table, key_figures
from cchc_desktop.report import aggregate, values
from cchc_desktop.store import merger as store_merger, open_store
from cchc_desktop.store.migrations import needs_upgrade

FIRST_HALF_END = dt.date(2025, 6, 30)
_HALF_FIRST = ("6T", "Q1")  # a former commune's periods of the first half, the better first


@dataclass
class Source:
    path: Path
    doc: dict | None = None  # the period as dataio.dump writes it (unit, period, values, dossiers)
    sha256: str = ""
    former_code: str = ""  # the former commune it is (official code), once matched
    reason: str = ""  # why it cannot be taken (one Vietnamese line)

    @property
    def ok(self) -> bool:
        return not self.reason

    @property
    def name(self) -> str:
        return label(self.doc["unit"]) if self.doc else self.path.name

    @property
    def period_code(self) -> str:
        return self.doc["period"]["code"] if self.doc else ""

    def period_words(self) -> str:
        """"6 tháng đầu năm 2025 (01/01/2025 – 30/6/2025)"."""
        p = self.doc["period"]
        return f"{periods.name(periods.parse_code(p['code']))} ({fmt.date(p['start'])} – {fmt.date(p['end'])})"

    def taken(self) -> str:
        """What is taken, for the preview: figures typed, dossiers of the one-stop desk."""
        k = key_figures(self.doc)
        n = k.get("Số chỉ tiêu đã nhập") or "0"
        rec = k.get("Hồ sơ Một cửa tiếp nhận")
        return f"{n} chỉ tiêu đã nhập" + (f"; hồ sơ Một cửa tiếp nhận {rec}" if rec else "")


@dataclass
class Plan:
    unit: dict
    period: dict
    sources: list[Source] = field(default_factory=list)
    held: list[dict] = field(default_factory=list)  # former communes already taken into the period

    @property
    def accepted(self) -> list[Source]:
        return [s for s in self.sources if s.ok]


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def read_source(path) -> Source:
    """The former commune's first-half period from a package or a data file; a Source whose
    `reason` says why when it cannot be read."""
    p = Path(path)
    try:
        if p.suffix.lower() == ".cchc":
            info = package.check_package(p)
            return Source(p, info.document, info.package_sha256)
        return Source(p, _from_data_file(p), _sha256(p))
    except UserError as e:
        return Source(p, reason=str(e))
    except OSError as e:
        return Source(p, reason=os_error_message(e, p))


def _from_data_file(path: Path) -> dict:
    if not path.is_file():
        raise UserError(f"không tìm thấy tệp “{path}”")
    store = open_store(path, lock=needs_upgrade(path))
    try:
        found = []
        for u in store.units():
            if u["kind"] not in COMMUNE_KINDS:
                continue
            have = {p["kind"]: p for p in store.periods(u["code"]) if p["year"] == 2025}
            for kind in _HALF_FIRST:
                if kind in have:
                    found.append((u, have[kind]))
                    break
        if not found:
            raise UserError("tệp dữ liệu không có kỳ báo cáo 6 tháng đầu năm (hoặc quý I) năm 2025 của một xã")
        if len(found) > 1:
            raise UserError("tệp dữ liệu có nhiều đơn vị cấp xã (" + ", ".join(label(u) for u, _ in found)
                            + "): hãy dùng gói nộp của từng xã")
        unit, period = found[0]
        return dataio.dump(store, unit["code"], f"{period['year']}-{period['kind']}")
    finally:
        store.close()


def _key(text: str) -> str:
    return " ".join((text or "").split()).casefold()


def _match(doc_unit: dict, formers: list) -> object | None:
    """The former commune the document's unit is: same name and kind, and the same code when
    the document carries an official one."""
    word = KIND_WORDS.get(doc_unit.get("kind"), "")
    same = [f for f in formers if _key(f.short_name) == _key(doc_unit.get("name")) and f.kind == word]
    code = str(doc_unit.get("code") or "")
    if code.isdigit():
        by_code = [f for f in same if f.code == code.zfill(5)]
        if by_code:
            return by_code[0]
    return same[0] if len(same) == 1 else None


def check_target(store, period_id: int) -> tuple[dict, dict, list]:
    """(unit, period, former communes) of a period that can take former communes' data; UserError if not."""
    period = store.period(period_id)
    unit = store.unit(period["unit_code"])
    formers = frames.formed_from(unit)
    name = periods.name(periods.parse_code(period["code"]))
    if not formers:
        raise UserError(f"{label(unit)} không được hình thành từ các đơn vị cũ khi sắp xếp ngày 01/7/2025 "
                        "(theo danh mục): không có số liệu của đơn vị cũ để tổng hợp.")
    frame = frames.for_period(period)
    if not frame.is_merger_period(dt.date.fromisoformat(period["start_date"]),
                                  dt.date.fromisoformat(period["end_date"])):
        raise UserError(f"Kỳ {name} không chứa ngày 01/7/2025: chỉ báo cáo năm 2025 (hoặc 9 tháng, quý III "
                        "năm 2025) mới tổng hợp số liệu nửa đầu năm của các đơn vị cũ.")
    return unit, period, formers


def plan(store, period_id: int, paths) -> Plan:
    """What taking these files into the period would do; nothing is written."""
    unit, period, formers = check_target(store, period_id)
    out = Plan(unit, period, held=store_merger.summaries(store, period_id))
    seen: set[str] = set()
    for path in paths:
        s = read_source(path)
        out.sources.append(s)
        if not s.ok:
            continue
        f = _match(s.doc.get("unit") or {}, formers)
        p = s.doc.get("period") or {}
        if f is None:
            s.reason = (f"{s.name} không phải đơn vị cũ hợp thành {label(unit)} (theo danh mục: "
                        f"{frames.former_names(formers)})")
        elif not str(p.get("code", "")).startswith("2025-") or str(p.get("end") or "9999") > FIRST_HALF_END.isoformat():
            s.reason = (f"kỳ {p.get('code')} của {s.name} không phải kỳ 6 tháng đầu năm (hoặc quý I) năm 2025")
        elif not f.whole:
            others = ", ".join(u.name for u in f.successor_units() if u.code != frames.official_unit(unit).code)
            s.reason = (f"{s.name} chỉ có một phần nhập vào {label(unit)} (phần còn lại vào {others}): số liệu của "
                        "cả đơn vị không cộng được vào báo cáo này mà không tính trùng; hãy ghi phần của đơn vị "
                        "mình trong lời văn")
        elif f.code in seen:
            s.reason = f"{s.name} đã có ở một tệp khác trong lần chọn này"
        else:
            try:
                store.catalogue(s.doc.get("catalogue_version") or "")
            except UserError:
                s.reason = f"danh mục biểu mẫu {s.doc.get('catalogue_version')} của {s.name} không có trong chương trình"
            else:
                s.former_code = f.code
                seen.add(f.code)
    return out


def _member(store, kind: str, name: str, doc: dict, period: dict) -> aggregate.CommuneStatus:
    """A former commune (or the unit itself) as the roll-up takes a commune: only the rows that
    count what the period's rows count."""
    cat = store.catalogue(doc.get("catalogue_version") or period["catalogue_version"])
    target = store.catalogue(period["catalogue_version"])
    raw = {c: {"value": None if v.get("value") is None else str(v["value"]), "note": v.get("note") or ""}
           for c, v in (doc.get("values") or {}).items()
           if comparable(cat.rows_by_code.get(c), target.rows_by_code.get(c))}
    tables = {a: _table(doc, a) for a in dossiers.AGENCIES}
    data = values.ReportData(unit={"kind": kind}, period=period, catalogue=cat, raw=raw, tables=tables,
                             narratives={}, documents=[])
    data.values = values.evaluate(cat, raw, tables, period.get("on_time_formula") or dossiers.DEFAULT_ON_TIME)
    return aggregate.CommuneStatus("", name, "khong_ro", data=data, unit={"kind": kind})


def _own_document(store, period_id: int) -> dict:
    raw = store.values(period_id)
    tables = store.dossier_tables(period_id)
    return {"values": {c: {"value": v["value"], "note": v["note"] or ""} for c, v in raw.items()},
            "dossiers": {a: {"total": {c: _int(t.total.get(c)) for c in dossiers.COLUMNS},
                             "fields": [{"name": f["name"], **{c: _int(f.get(c)) for c in dossiers.COLUMNS}}
                                        for f in t.fields]}
                         for a, t in tables.items()}}


def _int(v):
    return None if v is None else int(v)


def _consolidate(store, unit: dict, period: dict, own_doc: dict, former_docs: list[tuple[str, dict]]):
    """The period's values (code → (value, note)) and dossier rows from its own figures and the
    former communes' documents."""
    cat = store.catalogue(period["catalogue_version"])
    own = _member(store, unit["kind"], label(unit), {**own_doc, "catalogue_version": cat.version}, period)
    members = [own] + [_member(store, (d.get("unit") or {}).get("kind") or "xa", name, d, period)
                       for name, d in former_docs]
    summed = aggregate._sum_values(cat, members, own.data.raw, label(unit))
    figures: dict[str, tuple] = {}
    for row in cat.rows():
        if not row.editable:
            continue
        mine = own.data.raw.get(row.code) or {}
        method = aggregation(cat, row) if row.kind in ("count", "money") else "khong"
        if method == "lon_nhat" and mine.get("value") is not None:
            method = "khong"  # a shared set (the procedures in force): the unit's own, at the period's end
        if method != "khong":
            v = (summed.get(row.code) or {}).get("value")
            note = "; ".join(n for n in (mine.get("note"), _lacking(row, own, members[1:])) if n)
            if v is not None or note:
                figures[row.code] = (None if v is None else Decimal(v), note)
        elif mine.get("value") is not None or mine.get("note"):
            # choices, texts, typed rates and figures not summed (tong_hop = "khong"): the unit's own
            v = mine.get("value")
            figures[row.code] = (v if row.kind == "text" or v is None else Decimal(v), mine.get("note") or "")
    tables = aggregate._sum_tables([m.data.tables for m in members])
    rows = []
    for agency, t in tables.items():
        rows.append({"agency": agency, "field": "", "position": 0,
                     **{c: _int(t.total.get(c)) for c in dossiers.COLUMNS}})
        for pos, f in enumerate(t.fields, 1):
            rows.append({"agency": agency, "field": f["name"], "position": pos,
                         **{c: _int(f.get(c)) for c in dossiers.COLUMNS}})
    return figures, rows


def _lacking(row, own, formers) -> str:
    """The note of a summed row some part of the year lacks (the roll-up's "1/3 xã" is not a
    commune's wording): the own second half, or former communes' first half, or a row the forms
    before 1/7/2025 did not have."""
    if all(m.data.values.get(row.code) is None for m in [own, *formers]):
        return ""
    parts = []
    if own.data.values.get(row.code) is None:
        parts.append(f"chưa có số liệu từ ngày 01/7/2025 của {own.name}")
    old_form = [m.name for m in formers if not comparable(m.data.catalogue.rows_by_code.get(row.code), row)]
    blank = [m.name for m in formers if m.name not in old_form and m.data.values.get(row.code) is None]
    if old_form:
        parts.append("biểu mẫu trước 01/7/2025 không có chỉ tiêu này (" + ", ".join(old_form) + ")")
    if blank:
        parts.append("chưa có số liệu nửa đầu năm 2025 của " + ", ".join(blank))
    text = "; ".join(parts)
    return text[:1].upper() + text[1:]


def apply(store, pl: Plan) -> list[Source]:
    """Take the plan's accepted sources into the period (with those taken before); returns them."""
    taken = pl.accepted
    if not taken:
        raise UserError("Không có tệp nào lấy được số liệu (xem lý do từng tệp).")
    pid = pl.period["id"]
    held = {r["former_code"]: r for r in store_merger.sources(store, pid)}
    own_row = held.pop(store_merger.OWN, None)
    own_doc = own_row["document"] if own_row else _own_document(store, pid)
    if own_row:
        _refuse_if_edited(store, pl.period, pl.unit, own_doc, [(r["former_name"], r["document"]) for r in held.values()])
    rows = [] if own_row else [{"former_code": store_merger.OWN, "former_name": label(pl.unit),
                                "source_period": pl.period["code"], "start_date": pl.period["start_date"],
                                "end_date": pl.period["end_date"], "document": own_doc}]
    for s in taken:
        p = s.doc["period"]
        rows.append({"former_code": s.former_code, "former_name": s.name, "source_period": p["code"],
                     "start_date": p.get("start"), "end_date": p.get("end"), "file_name": s.path.name,
                     "sha256": s.sha256, "document": {k: s.doc.get(k) for k in ("catalogue_version", "unit", "period",
                                                                                "values", "dossiers")}})
        held.pop(s.former_code, None)
    docs = [(r["former_name"], r["document"]) for r in held.values()] + [(r["former_name"], r["document"])
                                                                         for r in rows if r["former_code"]]
    figures, dossier_rows = _consolidate(store, pl.unit, pl.period, own_doc, docs)
    store_merger.save(store, pid, rows, figures, dossier_rows, pl.unit["code"])
    return taken


def _refuse_if_edited(store, period: dict, unit: dict, own_doc: dict, docs: list) -> None:
    """A figure changed since the last merge is a correction of the consolidated figure, which a
    new merge (computed from the own figures kept before the first one) would silently undo."""
    expected, _ = _consolidate(store, unit, period, own_doc, docs)
    now = store.values(period["id"])
    cat = store.catalogue(period["catalogue_version"])
    changed = []
    for code, (v, _) in expected.items():
        row = cat.rows_by_code[code]
        if row.kind in ("count", "money"):
            have = (now.get(code) or {}).get("value")
            if (None if have is None else Decimal(have)) != v:
                changed.append(code)
    if changed:
        raise UserError("Số liệu đã sửa sau lần tổng hợp trước (" + ", ".join(changed[:5])
                        + (" …" if len(changed) > 5 else "") + "): tổng hợp lại sẽ mất các số đã sửa. Hãy bỏ tổng "
                        "hợp (Công cụ → Tổng hợp số liệu xã cũ → Bỏ tổng hợp, hoặc merge-former --go-bo), "
                        "sửa số của riêng đơn vị rồi tổng hợp lại.")


def undo(store, period_id: int) -> int:
    """The period's own figures as before the first merge; returns how many former communes were taken out."""
    held = store_merger.sources(store, period_id)
    own = next((r for r in held if r["former_code"] == store_merger.OWN), None)
    if own is None:
        raise UserError("Kỳ báo cáo này chưa tổng hợp số liệu của đơn vị cũ nào.")
    period = store.period(period_id)
    cat = store.catalogue(period["catalogue_version"])
    doc = own["document"]
    figures = {c: (v["value"] if v["value"] is None or cat.rows_by_code[c].kind == "text" else Decimal(v["value"]),
                  v["note"]) for c, v in doc["values"].items() if c in cat.rows_by_code}
    rows = [{"agency": a, "field": name, "position": pos, **{c: cells.get(c) for c in dossiers.COLUMNS}}
            for a, t in doc["dossiers"].items()
            for pos, (name, cells) in enumerate([("", t["total"])] + [(f["name"], f) for f in t["fields"]])]
    unit = store.unit(period["unit_code"])
    store_merger.undo(store, period_id, figures, rows, unit["code"])
    return len(held) - 1


def source_lines(summaries: list[dict]) -> list[str]:
    """One line per former commune taken: "xã Chi Lăng Nam: 6 tháng đầu năm 2025 (01/01/2025 – 30/6/2025), gói …"."""
    out = []
    for s in summaries:
        what = periods.name(periods.parse_code(s["source_period"]))
        when = f" ({fmt.date(s['start_date'])} – {fmt.date(s['end_date'])})" if s.get("start_date") else ""
        src = f", từ tệp {s['file_name']}" if s.get("file_name") else ""
        out.append(f"{s['former_name']}: số liệu {what}{when}{src}")
    return out
