"""The official unit list as the new-unit form uses it: the first fill of the province's
combo box and the first loose search, against a bare json.load of the same data file
(the least any reader of it must do). Interleaved in pairs, each pair from a cold cache."""
from __future__ import annotations

import json
import statistics
import time

from _common import ROOT, report

from cchc_desktop.domain import official_units as ou

DATA = ROOT / "resources" / "units" / "don-vi-2025.json"
HAI_PHONG = "31"


def one_pair() -> tuple[float, float, float]:
    t = time.perf_counter()
    json.loads(DATA.read_text(encoding="utf-8"))
    bare = time.perf_counter() - t
    ou.clear_cache()
    t = time.perf_counter()
    ou.units(HAI_PHONG)
    fill = time.perf_counter() - t
    t = time.perf_counter()
    ou.find_units("Tân Hưng")
    search = time.perf_counter() - t
    return bare, fill, search


def main() -> None:
    one_pair()
    pairs = [one_pair() for _ in range(15)]
    bare = statistics.median(p[0] for p in pairs)
    fill = statistics.median(p[1] for p in pairs)
    search = statistics.median(p[2] for p in pairs)
    report("Official unit list (15 pairs, cold cache each)", [
        ("units(province) first fill", fill, bare, None),
        ("first find_units (builds the search keys)", search, bare, None),
    ])


if __name__ == "__main__":
    main()
