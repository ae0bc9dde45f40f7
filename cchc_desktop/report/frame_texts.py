"""Default report texts of a legal frame (domain/frames.py) that writes its own: text with
placeholders per section, the same for a xã, a phường or an đặc khu (the words of the kind come
from the placeholders, never from replacing words), with the merger year's paragraphs added when
the period holds the day the unit was formed of its former communes."""
from __future__ import annotations

import datetime as dt

from cchc_desktop.domain import frames


def _date(v) -> dt.date:
    return v if isinstance(v, dt.date) else dt.date.fromisoformat(str(v))


def merger_period(unit: dict, period: dict, frame: frames.Frame | None = None) -> bool:
    """The period's window holds 1/7/2025 and the unit was formed of former communes (the list's
    conversion data, or the unit's own `hinh_thanh_tu` setting)."""
    frame = frame or frames.for_period(period)
    if not frame.is_merger_period(_date(period["start_date"]), _date(period["end_date"])):
        return False
    return bool((unit.get("settings") or {}).get("hinh_thanh_tu") or frames.formed_from(unit))


def commune_narratives(unit: dict, period: dict) -> dict[str, dict] | None:
    """section → {title, text} of a commune's new period in its frame; None when the frame's
    default texts are the seed's (the 2023 frame: default_texts.default_narratives)."""
    frame = frames.for_period(period)
    if frame.texts == frames.SEED_TEXTS or not frame.sections:
        return None
    merger = merger_period(unit, period, frame)
    out = {}
    for key, s in frame.sections.items():
        text = s["text"].strip("\n")
        extra = (s.get("hop_nhat") or "").strip("\n") if merger else ""
        if extra:
            text = f"{extra}\n{text}" if s.get("hop_nhat_vi_tri") == "dau" else f"{text}\n{extra}"
        out[key] = {"title": s.get("title"), "text": text}
    return out


def upper_narratives(period: dict) -> dict[str, dict] | None:
    """section → {title, text} of a province's consolidated report in the period's frame (its
    `cap_tren` texts); None when the frame has none (the outline's then)."""
    frame = frames.for_period(period)
    texts = {k: {"title": None, "text": s["cap_tren"].strip("\n")} for k, s in frame.sections.items() if s.get("cap_tren")}
    return texts or None
