"""The official administrative units from 1 July 2025 and the conversion from the former ones.

Data: ``resources/units/don-vi-2025.json`` (34 provinces, 3 321 commune-level units with their
official codes and kinds) and ``resources/units/chuyen-doi-2025.json`` (the 10 040 former communes of
the 63 former provinces, each with the new unit or units it went to). Both are made by
``scripts/make_units.py`` from the data of the ``vietnamadminunits`` package (MIT); see
``resources/units/README.md``. Nothing here imports Qt or touches the network; each file is read
once, on first use, and cached.

Kinds are the words as written in lower case: ``"tỉnh"`` / ``"thành phố"`` for provinces,
``"xã"`` / ``"phường"`` / ``"đặc khu"`` for today's units, and for the former ones also
``"thị trấn"`` (and ``"huyện"`` for the island districts that had no commune).

Looking up by name (:func:`find_provinces`, :func:`find_units`, :func:`find_former_units`,
:func:`successor`) is loose: case, accents (and NFC/NFD, old or new tone placement: "Hoà" = "Hòa"),
spacing, punctuation and the kind word are all optional ("hai phong", "TP. Hải Phòng", "Tân Hưng",
"P. Tân Hưng"). Results come best first: the exact full name, then the name without its kind word
(accents as typed, then without accents; a kind word that disagrees ranks below), then names that
start with the text, then names that contain it. With ``best_only=True`` only the best-ranked
candidates are returned, so ``len(result) == 1`` means the text names one unit and more means it
is ambiguous (say which ones to the user).

Codes are strings, zero-padded: provinces ``"31"``, units ``"11284"``, former districts ``"300"``.
Beware that the new units reuse former codes: ``"11284"`` was Xã Chi Lăng Nam before 1/7/2025 and
is Xã Nam Thanh Miện since (it took the code of one of the communes it was made of).
"""
from __future__ import annotations

import json
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable, Sequence

from .. import paths

UNITS_FILE = ("units", "don-vi-2025.json")
CONVERSION_FILE = ("units", "chuyen-doi-2025.json")

# Kind words as written at the start of a name (longest first).
_PROVINCE_PREFIXES = (("thành phố", "thành phố"), ("tỉnh", "tỉnh"))
_UNIT_PREFIXES = (("đặc khu", "đặc khu"), ("thị trấn", "thị trấn"), ("phường", "phường"), ("xã", "xã"))
_DISTRICT_PREFIXES = (("thành phố", "thành phố"), ("thị xã", "thị xã"), ("huyện", "huyện"), ("quận", "quận"))

# Kind words and abbreviations a user may type, as loose tokens (no accents, lower case).
_PROVINCE_WORDS = {("thanh", "pho"): "thành phố", ("tp",): "thành phố", ("t", "p"): "thành phố",
                   ("tinh",): "tỉnh"}
_UNIT_WORDS = {("xa",): "xã", ("x",): "xã", ("phuong",): "phường", ("p",): "phường",
               ("dac", "khu"): "đặc khu", ("dk",): "đặc khu", ("thi", "tran"): "thị trấn",
               ("tt",): "thị trấn"}
_DISTRICT_WORDS = {("huyen",): "huyện", ("h",): "huyện", ("quan",): "quận", ("q",): "quận",
                   ("thi", "xa"): "thị xã", ("tx",): "thị xã", ("thanh", "pho"): "thành phố",
                   ("tp",): "thành phố", ("t", "p"): "thành phố"}


# --------------------------------------------------------------------------- records


def _strip_kind(name: str, prefixes) -> tuple[str | None, str]:
    low = name.lower()
    for word, kind in prefixes:
        if low.startswith(word + " "):
            return kind, name[len(word) + 1:]
    return None, name


@dataclass(frozen=True)
class Province:
    """A province-level unit from 1/7/2025: ``Province("31", "Thành phố Hải Phòng", "thành phố")``."""

    code: str
    name: str
    kind: str  # "tỉnh" | "thành phố"

    @property
    def short_name(self) -> str:
        """The name without its kind word: "Hải Phòng"."""
        return _strip_kind(self.name, _PROVINCE_PREFIXES)[1]


@dataclass(frozen=True)
class Unit:
    """A commune-level unit from 1/7/2025: ``Unit("11284", "Xã Nam Thanh Miện", "xã", "31")``."""

    code: str
    name: str
    kind: str  # "xã" | "phường" | "đặc khu"
    province_code: str

    @property
    def short_name(self) -> str:
        """The name without its kind word: "Nam Thanh Miện"."""
        return _strip_kind(self.name, _UNIT_PREFIXES)[1]

    @property
    def province(self) -> Province:
        return _units_data().provinces[self.province_code]


@dataclass(frozen=True)
class FormerUnit:
    """A commune as it was before 1/7/2025, with the unit(s) it went to.

    ``code`` is its former official code (None for an island district that had no commune; then
    ``name`` is the district's and ``kind`` is "huyện"). ``successors`` are today's unit codes,
    upstream's default first; more than one when the commune was divided (``whole`` is False).
    """

    code: str | None
    name: str
    kind: str  # "xã" | "phường" | "thị trấn" | "huyện"
    district: str
    district_code: str
    province: str
    province_code: str
    successors: tuple[str, ...]

    @property
    def short_name(self) -> str:
        prefixes = _DISTRICT_PREFIXES if self.kind == "huyện" and self.code is None else _UNIT_PREFIXES
        return _strip_kind(self.name, prefixes)[1]

    @property
    def whole(self) -> bool:
        """True if the whole commune went into one unit (False: divided between several)."""
        return len(self.successors) == 1

    def successor_units(self) -> list[Unit]:
        return [_units_data().units[c] for c in self.successors]


@dataclass(frozen=True)
class FormerProvince:
    """A province as it was before 1/7/2025 and the province it is part of since."""

    code: str
    name: str
    successor_code: str

    @property
    def short_name(self) -> str:
        return _strip_kind(self.name, _PROVINCE_PREFIXES)[1]


# --------------------------------------------------------------------------- text keys

_TONE_MOVE = {  # old tone placement → new, on a syllable-final "oa", "oe", "uy" (not after q)
    "oà": "òa", "oá": "óa", "oả": "ỏa", "oã": "õa", "oạ": "ọa",
    "oè": "òe", "oé": "óe", "oẻ": "ỏe", "oẽ": "õe", "oẹ": "ọe",
    "uỳ": "ùy", "uý": "úy", "uỷ": "ủy", "uỹ": "ũy", "uỵ": "ụy",
}
_PUNCT = str.maketrans({c: " " for c in ".,;:()[]/\\_-–—'’‘`\"\t\n\r"})


def _accentless_table() -> dict:
    table = {}
    for cp in range(0xC0, 0x1EFA):
        ch = chr(cp)
        base = "".join(c for c in unicodedata.normalize("NFD", ch) if unicodedata.category(c) != "Mn")
        if base != ch and len(base) == 1:
            table[cp] = base
    for cp in range(0x300, 0x370):  # stray combining marks
        table[cp] = None
    table[ord("đ")] = "d"
    table[ord("Đ")] = "D"
    return table


_ACCENTLESS = _accentless_table()


def _exact_key(text: str) -> str:
    """Accents kept: NFC, lower case, new tone placement, punctuation and spacing collapsed,
    leading zeros of numbers dropped ("Phường 01" = "Phường 1")."""
    words = unicodedata.normalize("NFC", text).lower().translate(_PUNCT).split()
    for i, w in enumerate(words):
        tail = w[-2:]
        if tail in _TONE_MOVE and not (len(w) > 2 and w[-3] == "q"):
            words[i] = w[:-2] + _TONE_MOVE[tail]
        elif w.isdigit():
            words[i] = w.lstrip("0") or "0"
    return " ".join(words)


def _loose(exact_key: str) -> str:
    """An exact key without accents (đ → d)."""
    return exact_key.translate(_ACCENTLESS)


def _loose_words(text: str) -> tuple[str, ...]:
    """No accents, no đ, lower case, words."""
    return tuple(_loose(_exact_key(text)).split())


def _interpretations(text: str, words: dict) -> list[tuple[str | None, str, tuple[str, ...]]]:
    """(kind typed or None, exact key without it, loose words without it): the text as typed, and
    without a leading kind word or abbreviation if it has one."""
    exact = _exact_key(text)
    words_exact = exact.split()
    loose = tuple(_loose(exact).split())  # as many words as words_exact
    out = [(None, exact, loose)]
    for tokens, kind in words.items():
        n = len(tokens)
        if len(loose) > n and loose[:n] == tokens:
            out.append((kind, " ".join(words_exact[n:]), loose[n:]))
    return out


class _Entry:
    __slots__ = ("item", "kind", "full", "short", "loose", "loose_compact", "aliases")

    def __init__(self, item, name: str, kind: str, prefixes, aliases: Iterable[str] = ()):
        self.item = item
        self.kind = kind
        self.full = _exact_key(name)
        self.short = _exact_key(_strip_kind(name, prefixes)[1])
        self.loose = _loose(self.short)
        self.loose_compact = self.loose.replace(" ", "")
        self.aliases = frozenset("".join(_loose_words(a)) for a in aliases)


def _score(entry: _Entry, interps) -> int | None:
    """0 best … 6; None: no match."""
    best = None
    for kind, exact, loose in interps:
        if not loose:
            continue
        if kind is None and exact == entry.full:
            return 0
        kind_ok = kind is None or kind == entry.kind
        compact = "".join(loose)
        joined = " ".join(loose)
        if exact == entry.short:
            s = 1 if kind_ok else 3
        elif compact == entry.loose_compact or compact in entry.aliases:
            s = 2 if kind_ok else 3
        elif entry.loose.startswith(joined) or entry.loose_compact.startswith(compact):
            s = 4 if kind_ok else 5
        elif (" " + joined) in (" " + entry.loose):
            s = 6 if kind_ok else None
        else:
            s = None
        if s is not None and (best is None or s < best):
            best = s
    return best


def _rank(entries: Sequence[_Entry], text: str, words: dict, best_only: bool) -> list:
    if not text or not text.strip():
        return [e.item for e in entries]
    interps = _interpretations(text, words)
    scored = []
    for i, e in enumerate(entries):
        s = _score(e, interps)
        if s is not None:
            scored.append((s, i, e.item))
    scored.sort(key=lambda t: (t[0], t[1]))
    if best_only and scored:
        top = scored[0][0]
        scored = [t for t in scored if t[0] == top]
    return [t[2] for t in scored]


# --------------------------------------------------------------------------- loading


def _read(parts) -> dict:
    with open(paths.resource(*parts), encoding="utf-8") as fh:
        return json.load(fh)


@dataclass(frozen=True)
class _UnitsData:
    source: dict
    provinces: dict  # code → Province, in code order
    units: dict  # code → Unit, by province then code
    by_province: dict  # province code → tuple[Unit]
    aliases: dict  # province code → [alias]


@lru_cache(maxsize=1)
def _units_data() -> _UnitsData:
    doc = _read(UNITS_FILE)
    provinces = {c: Province(c, n, k) for c, n, k in doc["provinces"]}
    units = {c: Unit(c, n, k, p) for c, n, k, p in doc["units"]}
    by_province: dict[str, list[Unit]] = {c: [] for c in provinces}
    for u in units.values():
        by_province[u.province_code].append(u)
    return _UnitsData(source=doc.get("source", {}), provinces=provinces, units=units,
                      by_province={c: tuple(v) for c, v in by_province.items()},
                      aliases=doc.get("province_aliases", {}))


@dataclass(frozen=True)
class _UnitsIndex:
    provinces: tuple  # _Entry per province
    units: dict  # province code, or None for all → tuple[_Entry]


@lru_cache(maxsize=1)
def _units_index() -> _UnitsIndex:
    """The search keys, made on the first search (lookups by code do not need them)."""
    data = _units_data()
    every = tuple(_Entry(u, u.name, u.kind, _UNIT_PREFIXES) for u in data.units.values())
    per: dict[str | None, list] = {c: [] for c in data.provinces}
    for e in every:
        per[e.item.province_code].append(e)
    by = {c: tuple(v) for c, v in per.items()}
    by[None] = every
    return _UnitsIndex(
        provinces=tuple(_Entry(p, p.name, p.kind, _PROVINCE_PREFIXES, data.aliases.get(p.code, ()))
                        for p in data.provinces.values()),
        units=by)


@dataclass(frozen=True)
class _ConversionData:
    former: tuple  # FormerUnit, by province, district, code
    by_successor: dict  # new unit code → tuple[FormerUnit]
    provinces: tuple  # FormerProvince
    aliases: dict  # former province code → [alias]


@lru_cache(maxsize=1)
def _conversion_data() -> _ConversionData:
    doc = _read(CONVERSION_FILE)
    provinces = tuple(FormerProvince(c, n, s) for c, n, s in doc["provinces"])
    districts = doc["districts"]
    kinds = {w: k for w, k in _UNIT_PREFIXES}
    former = []
    by_successor: dict[str, list] = {}
    for code, name, di, succ in doc["communes"]:
        dcode, dname, pi = districts[di]
        prov = provinces[pi]
        succ = (succ,) if isinstance(succ, str) else tuple(succ)
        if name is None:  # an island district without communes
            kind, name = "huyện", dname
        else:
            first = name.split(" ", 2)
            kind = kinds.get(first[0].lower()) or kinds.get(" ".join(first[:2]).lower()) or "xã"
        f = FormerUnit(code, name, kind, dname, dcode, prov.name, prov.code, succ)
        former.append(f)
        for c in succ:
            by_successor.setdefault(c, []).append(f)
    return _ConversionData(former=tuple(former),
                           by_successor={k: tuple(v) for k, v in by_successor.items()},
                           provinces=provinces, aliases=doc.get("province_aliases", {}))


@dataclass(frozen=True)
class _ConversionIndex:
    provinces: tuple  # _Entry per FormerProvince
    districts: dict  # former province code → tuple[_Entry] (item: district code)
    communes: dict  # (province code, district code) → tuple[_Entry] (item: FormerUnit)


@lru_cache(maxsize=1)
def _conversion_index() -> _ConversionIndex:
    conv = _conversion_data()
    communes: dict[tuple[str, str], list] = {}
    dists: dict[str, dict[str, _Entry]] = {p.code: {} for p in conv.provinces}
    for f in conv.former:
        if f.district_code not in dists[f.province_code]:
            dkind = _strip_kind(f.district, _DISTRICT_PREFIXES)[0]
            dists[f.province_code][f.district_code] = _Entry(f.district_code, f.district, dkind,
                                                             _DISTRICT_PREFIXES)
        communes.setdefault((f.province_code, f.district_code), []).append(
            _Entry(f, f.name, f.kind, _DISTRICT_PREFIXES if f.code is None else _UNIT_PREFIXES))
    return _ConversionIndex(
        provinces=tuple(_Entry(p, p.name, _strip_kind(p.name, _PROVINCE_PREFIXES)[0], _PROVINCE_PREFIXES,
                               conv.aliases.get(p.code, ())) for p in conv.provinces),
        districts={p: tuple(d.values()) for p, d in dists.items()},
        communes={k: tuple(v) for k, v in communes.items()},
    )


def _code(code, width: int) -> str:
    s = str(code).strip()
    return s.zfill(width) if s.isdigit() else s


# --------------------------------------------------------------------------- API


def source() -> dict:
    """Where the data comes from: package, version, sha256 of the wheel, licence."""
    return dict(_units_data().source)


def provinces() -> tuple[Province, ...]:
    """The 34 provinces, in code order."""
    return tuple(_units_data().provinces.values())


def units(province_code: str | None = None) -> tuple[Unit, ...]:
    """The 3 321 units (by province, then code), or those of one province (empty if unknown)."""
    data = _units_data()
    if province_code is None:
        return tuple(data.units.values())
    return data.by_province.get(_code(province_code, 2), ())


def province(code) -> Province | None:
    """The province of that code ("31" or 31), or None."""
    return _units_data().provinces.get(_code(code, 2))


def unit(code) -> Unit | None:
    """The unit of that code ("11284" or 11284), or None."""
    return _units_data().units.get(_code(code, 5))


def find_provinces(text: str, best_only: bool = False) -> list[Province]:
    """Provinces whose name matches ``text`` loosely, best first ("Hải Phòng", "tp hai phong", "HCM").
    Blank text: all of them."""
    return _rank(_units_index().provinces, text, _PROVINCE_WORDS, best_only)


def find_units(text: str, province_code: str | None = None, best_only: bool = False) -> list[Unit]:
    """Units whose name matches ``text`` loosely, best first, in one province or all.
    ``find_units("Tân Hưng")`` returns every Tân Hưng of the country; ``find_units("Phường Tân
    Hưng", "31")`` the ward of Hải Phòng first. Blank text: all the units of the province."""
    key = None if province_code is None else _code(province_code, 2)
    return _rank(_units_index().units.get(key, ()), text, _UNIT_WORDS, best_only)


def former_provinces(province_code: str | None = None) -> tuple[FormerProvince, ...]:
    """The 63 provinces before 1/7/2025, or those that became part of one of today's provinces
    (``former_provinces("31")``: Hải Dương and Hải Phòng)."""
    provs = _conversion_data().provinces
    if province_code is None:
        return provs
    code = _code(province_code, 2)
    return tuple(p for p in provs if p.successor_code == code)


def former_units(unit_code) -> list[FormerUnit]:
    """The former communes that went, wholly or in part (``whole`` False), into today's unit."""
    return list(_conversion_data().by_successor.get(_code(unit_code, 5), ()))


def find_former_units(old_name: str, old_district: str | None = None,
                      old_province: str | None = None) -> list[FormerUnit]:
    """The former communes that the names (as they were before 1/7/2025) designate, matched loosely
    like :func:`find_units`; each step (the province among the 63 former ones, its district, the
    commune) keeps only its best-ranked candidates, so more than one result means the names are
    ambiguous. The district and the province are optional (then all are searched); the province is
    the former one ("Hải Dương", not "Hải Phòng"). An empty ``old_name`` with a district finds the
    island districts that had no commune (Bạch Long Vĩ, Cồn Cỏ, Hoàng Sa, Lý Sơn, Côn Đảo)."""
    conv = _conversion_data()
    index = _conversion_index()
    if old_province and old_province.strip():
        provs = [p.code for p in _rank(index.provinces, old_province, _PROVINCE_WORDS, True)]
    else:
        provs = [p.code for p in conv.provinces]
    district_interps = (_interpretations(old_district, _DISTRICT_WORDS)
                        if old_district and old_district.strip() else None)
    dists: list[tuple[int, str, str]] = []
    for p in provs:
        for e in index.districts.get(p, ()):
            s = 0 if district_interps is None else _score(e, district_interps)
            if s is not None:
                dists.append((s, p, e.item))
    dists = _best(dists)
    name = (old_name or "").strip()
    commune_interps = _interpretations(name, _UNIT_WORDS) if name else None
    found: list[tuple[int, FormerUnit]] = []
    for _, p, d in dists:
        for e in index.communes.get((p, d), ()):
            if commune_interps is None:  # no name: the island districts that had no commune
                s = 0 if e.item.code is None else None
            else:
                s = _score(e, commune_interps)
            if s is not None:
                found.append((s, e.item))
    return [f for _, f in _best(found)]


def _best(scored: list) -> list:
    """The entries of the lowest score (the first element of each tuple), in their order."""
    if not scored:
        return []
    top = min(t[0] for t in scored)
    return [t for t in scored if t[0] == top]


def successor(old_name: str, old_district: str | None = None, old_province: str | None = None) -> list[Unit]:
    """Today's unit(s) for a former commune: ``successor("Chi Lăng Nam", "Thanh Miện", "Hải Dương")``
    → [Xã Nam Thanh Miện]. More than one when the commune was divided (upstream's default first)
    or when the names match several former communes (:func:`find_former_units` tells which)."""
    data = _units_data()
    seen: dict[str, Unit] = {}
    for f in find_former_units(old_name, old_district, old_province):
        for c in f.successors:
            seen.setdefault(c, data.units[c])
    return list(seen.values())


def clear_cache() -> None:
    """Forget the loaded data (tests; after regenerating the files)."""
    for cached in (_units_data, _units_index, _conversion_data, _conversion_index):
        cached.cache_clear()
