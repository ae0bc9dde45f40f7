"""Kinds of administrative units, their Vietnamese words and the names built from them.

The one home of these words: the store, the report, the exports, the package import and
the window all take them from here.
"""
from __future__ import annotations

import unicodedata

# code (as the data file stores it) → the word before the unit's name ("xã Chi Lăng Nam")
KIND_WORDS = {
    "xa": "xã",
    "phuong": "phường",
    "thi_tran": "thị trấn",
    "dac_khu": "đặc khu",  # the 2025 two-tier frame's commune-level island units
    "huyen": "huyện",
    "thanh_pho": "thành phố",  # the 2025 two-tier frame: a centrally-run city, at province level
    "tinh": "tỉnh",
}
# The kinds a data file accepts (the CHECK on units.kind, widened by m004 for the two-tier kinds).
STORED_KINDS = tuple(KIND_WORDS)
COMMUNE_KINDS = ("xa", "phuong", "thi_tran", "dac_khu")  # the levels that send a hand-off package
UPPER_KINDS = ("huyen", "tinh", "thanh_pho")  # the levels that import communes' packages and roll them up

_OFFICE_PREFIXES = ("ubnd ", "ủy ban nhân dân ", "uỷ ban nhân dân ")


def kind_word(kind: str | None) -> str:
    """"xã" for "xa"; "" for an unknown kind."""
    return KIND_WORDS.get(kind or "", "")


def label(unit: dict) -> str:
    """The unit as the report names it: {"kind": "xa", "name": "Chi Lăng Nam"} → "xã Chi Lăng Nam"."""
    return f"{kind_word(unit.get('kind'))} {unit.get('name', '')}".strip()


def bare_name(name: str, kind: str | None = None) -> str:
    """The unit's name without a leading "UBND" or kind word: ("Xã Chi Lăng Nam", "xa") → "Chi Lăng Nam".

    Only the word of `kind` is taken off (any kind's when None), so "Phường Mới" of a xã stays."""
    text = " ".join(unicodedata.normalize("NFC", name or "").split())
    low = text.lower()
    for prefix in _OFFICE_PREFIXES:
        if low.startswith(prefix):
            text, low = text[len(prefix):], low[len(prefix):]
    words = [KIND_WORDS[kind]] if kind in KIND_WORDS else sorted(KIND_WORDS.values(), key=len, reverse=True)
    for word in words:
        if low.startswith(word + " ") and text[len(word):].strip():
            return text[len(word):].strip()
    return text


def office_name(unit: dict) -> str:
    """The unit's People's Committee: "UBND xã Chi Lăng Nam", never "UBND xã Xã Chi Lăng Nam"."""
    name = bare_name(unit["name"], unit.get("kind"))
    return f"UBND {kind_word(unit.get('kind'))} {name}".replace("  ", " ")
