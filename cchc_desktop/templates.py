"""What a new unit starts from: default report texts modelled on the seed, the usual dossier
fields, and its first report period."""
from __future__ import annotations

import datetime as dt

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

    Every figure in them is already a placeholder, so they read right for any unit; the
    plans and decisions they cite are the user's to rewrite.
    """
    doc = dataio.read_file(paths.resource("demo", "chi-lang-nam-2023.json"))
    out = {}
    for key, section in doc["narrative"].items():
        text = section.get("text") or ""
        title = section.get("title")
        for old, new in ((DEMO_UNIT["name"], name), (DEMO_UNIT["upper"], upper_name or "cấp trên"),
                         (DEMO_UNIT["province"], province or "tỉnh")):
            text = text.replace(old, new)
            title = title.replace(old, new) if title else title
        out[key] = {"title": title, "text": text}
    return out


def setup_unit(store, code: str, name: str, kind: str = "xa", period_code: str | None = None, **fields) -> dict:
    """Create a unit with its first period, default texts and the usual dossier fields (one transaction)."""
    period_code = period_code or current_period_code()
    periods.parse_code(period_code)
    texts = default_narratives(name, fields.get("upper_name", ""), fields.get("province", ""))
    with store.db.atomic():
        store.create_unit(code, name, kind, **fields)
        period = store.create_period(code, period_code)
        for key, t in texts.items():
            store.set_narrative(period["id"], key, text=t["text"], title=t["title"])
        for field in DEFAULT_FIELDS:
            store.add_field(period["id"], "ubnd", field)
    return store.period(period["id"])
