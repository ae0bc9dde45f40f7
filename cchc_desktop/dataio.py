"""A period's data as JSON (docs/formats.md): `dump` writes it, `load` reads it back.

The same document is the demo data, the `dump`/`load` commands and the data member of the
USB hand-off package. `load` writes everything in one transaction: a bad document leaves
the file as it was.
"""
from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

from cchc_desktop import fmt, paths
from cchc_desktop.domain import dossiers, periods
from cchc_desktop.domain.units import STORED_KINDS
from cchc_desktop.errors import InvalidValue, UserError
from cchc_desktop.report import corrections, index766_province, values
from cchc_desktop.safe_text import clean
from cchc_desktop.report.values import outline
from cchc_desktop.store.load import write_period

FORMAT = "cchc-desktop/period"
FORMAT_VERSION = 1
UNIT_KEYS = ("code", "name", "kind", "upper_name", "upper_code", "district", "province", "place_name",
             "signer_name", "signer_title", "signing_capacity", "recipients")
PERIOD_KEYS = ("deadline", "doc_number", "doc_symbol", "doc_date", "status", "on_time_formula")


def _num(v):
    return None if v is None else fmt.plain(Decimal(v))


def dump(store, unit_code: str | None, period_code: str) -> dict:
    unit = store.unit(unit_code)
    period = store.get_period(unit["code"], period_code)
    pid = period["id"]
    cat = store.catalogue(period["catalogue_version"])
    figures = {}
    for code, v in sorted(store.values(pid).items(), key=lambda kv: _code_order(cat, kv[0])):
        row = cat.rows_by_code.get(code)
        raw = v["value"]
        if raw is not None and (row is None or row.kind != "text"):  # row None: a dossier measure's own figure
            raw = _num(raw)
        figures[code] = {"value": raw, "note": v["note"] or ""}
        if v.get("own") is not None:  # the unit's own printed figure of a typed row (report/corrections.py)
            figures[code]["own"] = _num(v["own"])
    dossier_data = {}
    for agency, table in store.dossier_tables(pid).items():
        dossier_data[agency] = {
            "fields": [{"name": f["name"], **{c: _num(f[c]) for c in dossiers.COLUMNS}} for f in table.fields],
            "total": {c: _num(table.total.get(c)) for c in dossiers.COLUMNS},
        }
    doc = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "catalogue_version": period["catalogue_version"],
        "unit": {k: unit.get(k) for k in UNIT_KEYS},
        "period": {
            "code": period["code"],
            "start": period["start_date"],
            "end": period["end_date"],
            **{k: period.get(k) for k in PERIOD_KEYS},
        },
        "values": figures,
        "narrative": {k: v for k, v in sorted(store.narratives(pid).items(), key=lambda kv: _section_order(kv[0]))},
        "dossiers": dossier_data,
        "documents": [
            {k: d[k] for k in DOCUMENT_KEYS} for d in store.documents(pid)
        ],
        "computed": computed(store, pid),
    }
    # the QĐ 766 index's counts (report/index766_province.py): the upper level scores them itself
    section = index766_province.build_section(store, period)
    if section is not None:
        doc[index766_province.SECTION] = section
    return doc


def computed(store, period_id: int) -> dict:
    """The figures the app computes, as the report shows them (`"BM7/6.7": "97,6"`): derived
    indicators, then each agency's dossier measures. Read-only: `load` ignores this part."""
    data = values.load_period(store, period_id, with_previous=False)
    figures = {r.code: r.format(data.values.get(r.code)) for r in data.catalogue.rows()
              if r.derived and data.values.get(r.code) is not None}
    agencies = {}
    for agency in dossiers.AGENCIES:
        shown = {}
        for measure, v in data.measures(agency).items():
            if v is not None:
                shown[measure] = fmt.percent(v) if measure in dossiers.RATE_MEASURES else fmt.number(v)
        agencies[agency] = shown
    return {"values": figures, "dossiers": agencies}


def _code_order(cat, code):
    rows = list(cat.rows_by_code)
    return rows.index(code) if code in rows else len(rows)


def _section_order(key):
    keys = [s["key"] for s in outline()]
    return keys.index(key) if key in keys else len(keys)


def dumps(doc: dict) -> str:
    return json.dumps(_safe(doc), ensure_ascii=False, indent=2) + "\n"


def _safe(node):
    """Every text of the document made safe (safe_text.py): an older file may hold anything."""
    if isinstance(node, str):
        return clean(node)
    if isinstance(node, dict):
        return {k: _safe(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_safe(v) for v in node]
    return node


MAX_FILE_BYTES = 64 * 1024 * 1024  # a period as JSON is some 100 KB; the register never goes in it


def read_file(path: str | Path) -> dict:
    p = Path(path)
    try:
        if p.stat().st_size > MAX_FILE_BYTES:
            raise UserError(f"Tệp “{p.name}” quá lớn ({p.stat().st_size // (1024 * 1024)} MB) để là dữ liệu một kỳ "
                            "báo cáo; chưa nạp gì. Hãy chọn đúng tệp JSON xuất bằng lệnh dump.")
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UserError(f"Không tìm thấy tệp “{p}”.") from None
    except (OSError, UnicodeDecodeError) as e:
        raise UserError(f"Không đọc được tệp “{p.name}”: {e}.") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as e:
        raise UserError(f"Tệp “{p.name}” không phải JSON hợp lệ (dòng {e.lineno}): có thể tệp bị hỏng.") from None


DOCUMENT_KEYS = ("number", "symbol", "date", "kind", "summary")
MAX_NUMBER = Decimal(10) ** 15  # as fmt.parse_number: what a form accepts
MAX_DOSSIERS = 10 ** 12  # far above any commune, far below SQLite's 64-bit integers


def _short(value) -> str:
    text = str(value)
    return text if len(text) <= 24 else text[:20] + "…"


def _number(raw, code: str) -> Decimal:
    """A figure of the document (a plain number or its text, "12.5") as a Decimal, or the
    refusal in Vietnamese: never a Python error's text."""
    if isinstance(raw, bool) or not isinstance(raw, (int, float, str)):
        _bad(f"giá trị của {code} không phải một con số")
    try:
        d = Decimal(str(raw).strip())
    except ArithmeticError:  # decimal.InvalidOperation
        _bad(f"giá trị của {code} “{_short(raw)}” không phải một con số")
    if d.is_nan():  # NaN, as JSON lets Python write and read it
        _bad(f"giá trị của {code} “{_short(raw)}” không phải một con số")
    try:
        too_big = not d.is_finite() or d.copy_abs() >= MAX_NUMBER
    except ArithmeticError:  # an exponent beyond the context's
        too_big = True
    if too_big:
        _bad(f"giá trị của {code} “{_short(raw)}” quá lớn")
    return d


def _bad(msg: str):
    raise UserError(f"Dữ liệu kỳ báo cáo không hợp lệ: {msg}.")


def _check_date(value, what):
    if value in (None, ""):
        return None
    try:
        return dt.date.fromisoformat(value).isoformat()
    except (TypeError, ValueError):
        _bad(f"{what} “{value}” không phải ngày dạng YYYY-MM-DD")


_PLAIN_ROWS: dict[int, tuple[dict, dict[str, str]]] = {}  # id(catalogue) → (its rows_by_code, the plain rows)


def _plain_rows(cat) -> dict[str, str]:
    """code → kind of the catalogue's editable count and text rows, worked out once per catalogue."""
    entry = _PLAIN_ROWS.get(id(cat))
    if entry is not None and entry[0] is cat.rows_by_code:
        return entry[1]
    rows = {code: row.kind for code, row in cat.rows_by_code.items()
            if row.kind in ("count", "text") and row.editable and not corrections.is_own_figure(code, cat)}
    if len(_PLAIN_ROWS) >= 32:
        _PLAIN_ROWS.clear()
    _PLAIN_ROWS[id(cat)] = (cat.rows_by_code, rows)
    return rows


def load(store, doc: dict, replace: bool = False, index766=None) -> dict:
    """Write one period's document into the store; returns the period row.

    The `computed` part of a dump is ignored: those figures are computed again from the data.
    `index766`: the document's QĐ 766 section as a package's check already parsed it (else parsed here)."""
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        _bad("đây không phải tệp dữ liệu kỳ báo cáo của CCHC Desktop")
    if not isinstance(doc.get("format_version"), int) or doc["format_version"] > FORMAT_VERSION:
        raise UserError(
            "Tệp dữ liệu được tạo bởi phiên bản CCHC Desktop mới hơn. Hãy cập nhật phần mềm rồi thử lại."
        )
    unit, period = doc.get("unit"), doc.get("period")
    if not isinstance(unit, dict) or not isinstance(period, dict):
        _bad("thiếu phần đơn vị hoặc kỳ báo cáo")
    if not unit.get("code") or not unit.get("name"):
        _bad("đơn vị thiếu mã hoặc tên")
    if unit.get("kind") not in STORED_KINDS:
        _bad(f"loại đơn vị “{unit.get('kind')}” không có")
    key = periods.parse_code(str(period.get("code", "")))
    start = _check_date(period.get("start"), "ngày bắt đầu")
    end = _check_date(period.get("end"), "ngày kết thúc")
    if not start or not end or start > end:
        _bad("khoảng thời gian của kỳ báo cáo không hợp lệ")
    version = doc.get("catalogue_version") or store.default_catalogue_version
    cat = store.catalogue(version)
    if period.get("status", "draft") not in ("draft", "final"):
        _bad("trạng thái kỳ báo cáo không hợp lệ")
    if period.get("on_time_formula", dossiers.DEFAULT_ON_TIME) not in dossiers.ON_TIME_FORMULAS:
        _bad("cách tính tỷ lệ đúng hạn không hợp lệ")
    # Parse every value before writing anything.
    figures = {}
    plain = _plain_rows(cat)
    for code, entry in (doc.get("values") or {}).items():
        if not isinstance(entry, dict):
            _bad(f"giá trị của {code} không đúng dạng")
        raw = entry.get("value")
        # The common cases at once (a province imports a thousand periods: bench/bench_package.py):
        # a whole number in a count row, a text in a text row; the same result as the way below.
        kind = plain.get(code)
        if kind is not None:
            if kind == "count" and type(raw) is int and 0 <= raw < MAX_NUMBER:
                figures[code] = (Decimal(raw), str(entry.get("note") or ""))
                continue
            if kind == "text" and type(raw) is str:
                figures[code] = (raw.strip() or None, str(entry.get("note") or ""))
                continue
        row = cat.rows_by_code.get(code)
        if corrections.is_own_figure(code, cat):
            # the unit's own figure of a computed value: kept beside the computed one, never used
            try:
                figures[code] = (None if raw is None else Decimal(str(raw)), str(entry.get("note") or ""))
            except ArithmeticError:
                _bad(f"giá trị của {code} “{raw}” không phải số")
            continue
        if row is None:
            _bad(f"chỉ tiêu “{code}” không có trong danh mục {cat.version}")
        if raw is not None and not row.editable:
            _bad(f"chỉ tiêu {code} là dòng tiêu đề, không có giá trị")
        try:
            parsed = None if raw is None else row.parse(raw if row.kind == "text" else _number(raw, code))
        except InvalidValue as e:
            _bad(f"giá trị của {code}: {e}")
        own = entry.get("own")
        if own is not None:  # the unit's own printed figure of a typed row: beside the value, never used
            if row.kind in ("text", "choice"):
                _bad(f"chỉ tiêu {code} không có số đơn vị ghi trước đây")
            try:
                own = row.parse(_number(own, code))
            except InvalidValue as e:
                _bad(f"số đơn vị ghi trước đây của {code}: {e}")
        figures[code] = (parsed, str(entry.get("note") or ""), own)
    dossier_rows = []
    for agency, table in (doc.get("dossiers") or {}).items():
        if agency not in dossiers.AGENCIES or not isinstance(table, dict):
            _bad(f"bảng hồ sơ “{agency}” không có")
        rows = [("", table.get("total") or {})] + [(f.get("name", ""), f) for f in table.get("fields") or []]
        for pos, (name, cells) in enumerate(rows):
            if pos and not str(name).strip():
                _bad("một lĩnh vực hồ sơ không có tên")
            rec = {"agency": agency, "field": str(name).strip(), "position": pos}
            for c in dossiers.COLUMNS:
                v = cells.get(c)
                if v is not None and (not isinstance(v, int) or isinstance(v, bool) or v < 0):
                    _bad(f"số hồ sơ “{_short(v)}” ở {agency}/{name or 'Cộng'}/{c} không phải số nguyên không âm")
                if v is not None and v > MAX_DOSSIERS:
                    _bad(f"số hồ sơ ở {agency}/{name or 'Cộng'}/{c} quá lớn ({len(str(v))} chữ số)")
                rec[c] = v
            dossier_rows.append(rec)
    docs = []
    for pos, d in enumerate(doc.get("documents") or [], 1):
        if not isinstance(d, dict) or not all(d.get(k) is None or isinstance(d[k], (str, int)) for k in DOCUMENT_KEYS):
            _bad(f"văn bản thứ {pos} không đúng dạng")
        docs.append({"position": pos, "number": str(d.get("number") or ""), "symbol": str(d.get("symbol") or ""),
                     "date": _check_date(d.get("date"), "ngày văn bản"), "kind": str(d.get("kind") or ""),
                     "summary": str(d.get("summary") or "")})
    narratives = doc.get("narrative") or {}
    if not isinstance(narratives, dict) or not all(
            isinstance(v, dict) and all(v.get(k) is None or isinstance(v[k], str) for k in ("title", "text"))
            for v in narratives.values()):
        _bad("phần lời văn không đúng dạng")

    index_section = index766 if index766 is not None else _index_section(doc, start, end)

    unit_fields = {k: unit.get(k) for k in UNIT_KEYS if unit.get(k) is not None}
    record = {
        "year": key.year, "kind": key.kind, "start_date": start, "end_date": end,
        "deadline": _check_date(period.get("deadline"), "hạn nộp"),
        "doc_number": str(period.get("doc_number") or ""),
        "doc_symbol": str(period.get("doc_symbol") or "BC-UBND"),
        "doc_date": _check_date(period.get("doc_date"), "ngày báo cáo"),
        "status": period.get("status", "draft"),
        "catalogue_version": cat.version,
        "on_time_formula": period.get("on_time_formula") or dossiers.DEFAULT_ON_TIME,
    }
    with store.transaction():
        row = write_period(store, unit_fields, record, figures, narratives, dossier_rows, docs, replace=replace)
        if index_section is not None:
            index766_province.write_section(store, row["id"], index_section)
    return row


def _index_section(doc: dict, start: str, end: str):
    """The document's QĐ 766 section checked (None when it has none: an older package)."""
    raw = doc.get(index766_province.SECTION)
    if raw is None:
        return None
    try:
        return index766_province.parse_section(raw, start, end)
    except index766_province.SectionError as e:
        _bad(str(e))


def load_demo(store) -> dict:
    return load(store, read_file(paths.resource("demo", "chi-lang-nam-2023.json")))
