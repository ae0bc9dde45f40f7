"""Validation that knows the period's legal frame (domain/frames.py): in a two-tier period (from
1/7/2025) the words of the district level, of the thị trấn, of a province or commune that no longer
exists, in the report's text, the figures' notes and the unit's own fields, each with what to
write instead. Warnings only: a sentence may name the time before the merger on purpose."""
from __future__ import annotations

import re
from functools import lru_cache

from cchc_desktop.domain import frames, official_units as ou
from cchc_desktop.report.values import outline
from cchc_desktop.domain.catalogue import shorten
from cchc_desktop.report import narrative

RULE = "cap-khong-con"
QUOTE = 40  # characters of the matched text quoted around the words


@lru_cache(maxsize=1)
def _former_provinces() -> tuple[tuple[re.Pattern, ou.FormerProvince], ...]:
    """The provinces before 1/7/2025 whose name is no province's today ("Hải Dương", not "Hải
    Phòng"), as "tỉnh X" (the bare name may be a ward's: Phường Hải Dương)."""
    today = {p.short_name for p in ou.provinces()}
    return tuple((re.compile(rf"\b(?:[Tt]ỉnh|TỈNH)\s+{re.escape(p.short_name)}\b"), p)
                 for p in ou.former_provinces() if p.short_name not in today)


def _words(data) -> dict[str, str]:
    return {k: data.text_value(k) or "" for k in ("tinh.ten", "tinh.co_quan", "tinh.loai", "don_vi.loai")}


def _advice(text: str, words: dict[str, str]) -> str:
    for k, v in words.items():
        text = text.replace("{" + k + "}", v)
    return text


def _quote(text: str, m: re.Match) -> str:
    """The matched words with about QUOTE characters around them, cut between words."""
    start = max(0, m.start() - QUOTE // 2)
    end = min(len(text), m.end() + QUOTE // 2)
    while start > 0 and not text[start - 1].isspace():
        start -= 1
    while end < len(text) and not text[end].isspace():
        end += 1
    snippet = " ".join(text[start:end].split())
    return ("…" if start else "") + snippet + ("…" if end < len(text) else "")


def problems(text: str, frame: frames.Frame, words: dict[str, str]) -> list[str]:
    """What is wrong with one text in this frame: one message per kind of word (the general ones
    only when no specific one matched)."""
    typed = narrative.PLACEHOLDER.sub(" ", text or "")
    out = []
    for pattern, former in _former_provinces():
        m = pattern.search(typed)
        if m:
            now = ou.province(former.successor_code)
            out.append(f"“{_quote(typed, m)}”: {former.name} không còn từ ngày 01/7/2025, nay thuộc {now.name}; "
                       f"hãy viết “{now.kind} {now.short_name}”.")
    specific = False
    for w in frame.old_words:
        if w.general and specific:
            continue
        m = w.pattern.search(typed)
        if m:
            specific = specific or not w.general
            out.append(f"“{_quote(typed, m)}”: {_advice(w.advice, words)}")
    return out


def _finding(severity: str, message: str, target: str, rule: str, section: str = "") -> tuple:
    """A finding's fields, in the order of rules.Finding (which wraps them: no import circle)."""
    return severity, message, target, rule, section


def check(data) -> list[tuple]:
    """The findings of the frame for this period (none outside a two-tier frame), as the fields
    of rules.Finding."""
    frame = data.frame
    if not frame.two_tier:
        return []
    words = _words(data)
    out = []
    for s in outline():
        n = data.narratives.get(s["key"]) or {}
        for problem in problems((n.get("title") or "") + "\n" + (n.get("text") or ""), frame, words):
            place = shorten(data.section_title(s["key"]) or {"MO": "Đoạn mở đầu", "KET": "Đoạn kết"}.get(s["key"], s["key"]), 40)
            out.append(_finding("canh_bao", f"Mục {place}: {problem}", f"text:{s['key']}", RULE, s["key"]))
    for code, raw in sorted(data.raw.items()):
        row = data.catalogue.rows_by_code.get(code)
        texts = [raw.get("note") or ""] + ([str(raw.get("value") or "")] if row is not None and row.kind == "text" else [])
        for problem in problems("\n".join(texts), frame, words):
            where = row.place if row is not None else code
            out.append(_finding("canh_bao", f"Ghi chú của {where}: {problem}", code, RULE, row.section if row else ""))
    out += _unit_findings(data, frame, words)
    return out


UNIT_FIELDS = (("upper_name", "Đơn vị cấp trên"), ("district", "Huyện"), ("province", "Tỉnh"))


def _unit_findings(data, frame, words) -> list[tuple]:
    unit = data.unit
    out = []
    for key, label in UNIT_FIELDS:
        value = (unit.get(key) or "").strip()
        if not value:
            continue
        if key == "district":
            out.append(_finding("canh_bao", f"Thông tin đơn vị, {label}: “{value}” — từ ngày 01/7/2025 không còn cấp "
                               f"huyện; cấp trên của đơn vị là {words['tinh.co_quan']}. Hãy xóa ô này.", "", RULE))
            continue
        text = value if key != "province" else f"tỉnh {value}"
        for problem in problems(text, frame, words):
            out.append(_finding("canh_bao", f"Thông tin đơn vị, {label}: {problem}", "", RULE))
    for r in unit.get("recipients") or []:
        for problem in problems(r, frame, words):
            out.append(_finding("canh_bao", f"Nơi nhận: {problem}", "", RULE))
    gone = _former_commune(unit)
    if gone:
        out.append(_finding("canh_bao", gone, "", RULE))
    return out


def _former_commune(unit: dict) -> str:
    """A unit named as a former commune that is no unit today: where it went."""
    if frames.official_unit(unit) is not None or unit.get("kind") not in ("xa", "phuong", "thi_tran"):
        return ""
    name = (unit.get("name") or "").strip()
    _, province = frames.province_words(unit)
    former = ou.find_former_units(name, unit.get("district") or None, province or None)
    former = [f for f in former if f.short_name.casefold() == name.casefold()]
    today = [u for u in ou.find_units(name, best_only=True) if u.short_name.casefold() == name.casefold()]
    if len(former) != 1 or today:
        return ""
    to = ", ".join(u.name for u in former[0].successor_units())
    return (f"Thông tin đơn vị: {former[0].name} ({former[0].district}, {former[0].province}) không còn từ ngày "
            f"01/7/2025, nay thuộc {to}. Báo cáo từ kỳ này là của đơn vị mới: hãy chọn đơn vị theo danh mục.")
