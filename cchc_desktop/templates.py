"""What a new unit starts from: default report texts modelled on the seed, the usual dossier
fields, and its first report period."""
from __future__ import annotations

import datetime as dt
import re

from cchc_desktop import dataio, paths, periods

# The usual commune fields of the one-stop desk (../shared/domain/ho-so-mot-cua.md).
DEFAULT_FIELDS = (
    "Hộ tịch", "Chứng thực", "Người có công", "Bảo trợ xã hội", "Đất đai", "Tư pháp", "Văn hóa",
    "Nội vụ (tôn giáo, hội)", "Giảm nghèo", "Đăng ký hộ kinh doanh", "Nông nghiệp", "Môi trường",
)
DEMO_UNIT = {"name": "Chi Lăng Nam", "upper": "huyện Thanh Miện", "province": "Hải Dương"}


def current_period_code(today: dt.date | None = None) -> str:
    """The annual report whose window contains today (the window closes on 14/12)."""
    today = today or dt.date.today()
    year = today.year + 1 if (today.month, today.day) >= (12, 15) else today.year
    return f"{year}-NAM"


def default_narratives(name: str, upper_name: str = "", province: str = "") -> dict[str, dict]:
    """The seed's texts with its unit, upper level and province replaced by the new unit's.

    Every figure in them is already a placeholder, so they read right for any unit. The
    documents the seed's commune and province issued are cited with blanks to fill
    (`Kế hoạch số …/KH-UBND ngày …/…/…`), the seed's years become the period's
    (`năm {{ky.nam}}`); national documents (Nghị định …/NĐ-CP, Chỉ thị …/CT-TTg, Thông tư) stay.
    """
    doc = dataio.read_file(paths.resource("demo", "chi-lang-nam-2023.json"))
    seed_year = periods.parse_code(doc["period"]["code"]).year
    out = {}
    for key, section in doc["narrative"].items():
        text = section.get("text") or ""
        title = section.get("title")
        for old, new in ((DEMO_UNIT["name"], name), (DEMO_UNIT["upper"], upper_name or "cấp trên"),
                         (DEMO_UNIT["province"], province or "tỉnh")):
            text = text.replace(old, new)
            title = title.replace(old, new) if title else title
        out[key] = {"title": title, "text": blank_citations(text, seed_year)}
    return out


# A document's number and symbol: `21/KH-UBND`, `13/2016/QĐ-UBND`, `1581/UBND-VP`, with its date.
_CITATION = re.compile(
    r"(?P<num>\d+)(?P<year>/\d{4})?/(?P<sym>[A-ZĐ][A-Za-zĐđ]*(?:-[A-ZĐ][A-Za-zĐđ]*)+)"
    r"(?P<date>\s+ngày\s+\d{1,2}/\d{1,2}/\d{4})?"
)
# Issued by the National Assembly, the Government, the Prime Minister, a ministry or the Party's
# centre: the same for every commune, so kept as the seed cites them.
_NATIONAL = re.compile(r"-(?:CP|TTg|QH\d*|TW)$|^TT-B")
_DATE = re.compile(r"(?<![\d/])\d{1,2}/\d{1,2}/\d{4}(?![\d/])")
_YEAR = re.compile(r"\b(năm|Năm)\s+(\d{4})\b")


def blank_citations(text: str, seed_year: int) -> str:
    """The seed's own and its province's document numbers and dates as blanks, its years as
    the period's placeholders; national documents kept."""
    years = {seed_year: "{{ky.nam}}", seed_year - 1: "{{ky.nam_truoc}}", seed_year + 1: "{{ky.nam_sau}}"}

    def plain(part: str) -> str:
        part = _DATE.sub("…/…/…", part)
        return _YEAR.sub(lambda m: f"{m.group(1)} {years.get(int(m.group(2)), m.group(2))}", part)

    out, pos = [], 0
    for m in _CITATION.finditer(text):
        out.append(plain(text[pos:m.start()]))
        if _NATIONAL.search(m.group("sym")):
            out.append(m.group(0))
        else:
            out.append("…" + ("/…" if m.group("year") else "") + "/" + m.group("sym")
                       + (" ngày …/…/…" if m.group("date") else ""))
        pos = m.end()
    out.append(plain(text[pos:]))
    return "".join(out)


def upper_narratives() -> dict[str, dict]:
    """The default texts of an upper level's (huyện/tỉnh) consolidated report: the outline's
    `cap_tren` texts, whose placeholders show the roll-up's figures (resources/outline.toml)."""
    from cchc_desktop.report import outline

    return {s["key"]: {"title": None, "text": s["cap_tren"]} for s in outline() if s.get("cap_tren")}


UPPER_KINDS = ("huyen", "tinh")


def upper_recipients(unit: dict) -> list[str]:
    """Nơi nhận of an upper level's report when the unit names none: whom a district (or a
    province) usually sends its CCHC report to."""
    if unit.get("kind") == "tinh":
        return ["Bộ Nội vụ", "TT Tỉnh ủy, TT HĐND tỉnh", "Chủ tịch, các Phó Chủ tịch UBND tỉnh", "Sở Nội vụ",
                "Lưu: VT"]
    province = (unit.get("province") or "").strip()
    return [f"UBND tỉnh {province} (Sở Nội vụ)".replace("  ", " ") if province else "UBND tỉnh (Sở Nội vụ)",
            "TT Huyện ủy, TT HĐND huyện", "Chủ tịch, các Phó Chủ tịch UBND huyện", "Phòng Nội vụ", "Lưu: VT"]


def setup_unit(store, code: str, name: str, kind: str = "xa", period_code: str | None = None, **fields) -> dict:
    """Create a unit with its first period, default texts and the usual dossier fields (one transaction).

    An upper level (huyện/tỉnh) gets the consolidated report's texts from create_period."""
    period_code = period_code or current_period_code()
    periods.parse_code(period_code)
    texts = {} if kind in UPPER_KINDS else \
        default_narratives(name, fields.get("upper_name", ""), fields.get("province", ""))
    with store.db.atomic():
        store.create_unit(code, name, kind, **fields)
        period = store.create_period(code, period_code)
        for key, t in texts.items():
            store.set_narrative(period["id"], key, text=t["text"], title=t["title"])
        for field in DEFAULT_FIELDS:
            store.add_field(period["id"], "ubnd", field)
    return store.period(period["id"])
