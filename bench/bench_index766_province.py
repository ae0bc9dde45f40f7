"""Bench: the QĐ 766 index between the communes and the province (issue 20, points 2 and 4).

Interleaved in pairs, medians:
- the roll-up dialog's tab: `index766_province.province_table` (every commune of Hải Phòng's
  official list, 114, scored from the counts their packages carried) vs `aggregate.rollup` of the
  same file and period (what the dialog already computes on every reload): the tab's added cost;
- a package's data at the commune: `dataio.dump` with the section (the index counted from a
  register of ROWS rows, bench_index766's shape) vs the same dump without it (the section's
  builder replaced by one returning None): the section's added cost to every package.

    .venv/bin/python bench/bench_index766_province.py [ROWS]      # default 250000
"""
from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

from _common import report

PAIRS = 5


def pairs(fn, base) -> tuple[float, float]:
    a, b = [], []
    fn(), base()
    for _ in range(PAIRS):
        t = time.perf_counter()
        fn()
        a.append(time.perf_counter() - t)
        t = time.perf_counter()
        base()
        b.append(time.perf_counter() - t)
    return statistics.median(a), statistics.median(b)


def province(tmp: Path):
    from cchc_desktop.domain import official_choice, official_units
    from cchc_desktop.exporting import package as pkg
    from cchc_desktop.importing import package as ip
    from cchc_desktop.report import default_texts, index766
    from cchc_desktop.store import open_store

    communes = open_store(tmp / "xa.sqlite")
    usb = tmp / "usb"
    usb.mkdir()
    for k, unit in enumerate(official_units.units("31")):
        fields = official_choice.unit_fields(unit)
        code = fields.pop("code")
        period = default_texts.setup_unit(communes, code, fields.pop("name"), fields.pop("kind"), "2025-NAM", **fields)
        communes.set_dossier(period["id"], "ubnd", "", "truc_tiep", str(10 + k))
        index766.set_typed(communes, period["id"], "tthc_cong_bo_dung_han", str(k % 10))
        index766.set_typed(communes, period["id"], "tthc_cong_bo", "10")
        pkg.make_package(communes, code, "2025-NAM", usb, check_errors=False, documents=False)
    communes.close()
    upper = open_store(tmp / "tinh.sqlite")
    results = ip.import_packages(upper, [usb])
    assert all(r.status == "imported" for r in results), [r.line() for r in results if r.status != "imported"]
    return upper


def main() -> int:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 250_000
    from bench_index766 import YEAR, records
    from bench_register_import import fresh_store

    from cchc_desktop import dataio
    from cchc_desktop.report import aggregate, index766_province
    from cchc_desktop.store import register as store_register

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        t = time.perf_counter()
        upper = province(tmp)
        print(f"Hải Phòng: 114 packages made and imported in {time.perf_counter() - t:.1f} s")
        table = index766_province.province_table(upper, "2025-NAM")
        print(f"{len(table.with_data)}/{len(table.communes)} communes with the index; first: "
              f"{table.communes[0].name} {table.communes[0].total_text()}")
        rows = [("the tab's table (114 communes scored, ranked) vs aggregate.rollup of the same period",
                 *pairs(lambda: index766_province.province_table(upper, "2025-NAM"),
                        lambda: aggregate.rollup(upper, "2025-NAM")), None)]
        upper.close()

        store = fresh_store(tmp / "xa-so.sqlite")
        store.create_period("x1", f"{YEAR}-NAM")
        recs = records(n, years=1)
        _, _, _, write = store_register.upsert(store, "x1", recs, "2025-01-01T00:00:00")
        del recs
        with store_register.transaction(store):
            write()
        store_register.drop_incoming(store)
        real = index766_province.build_section

        def with_section():
            index766_province.build_section = real
            return dataio.dump(store, "x1", f"{YEAR}-NAM")

        def without():
            index766_province.build_section = lambda *a: None
            try:
                return dataio.dump(store, "x1", f"{YEAR}-NAM")
            finally:
                index766_province.build_section = real

        assert index766_province.SECTION in with_section() and index766_province.SECTION not in without()
        rows.append((f"a package's data.json with the section ({n} register rows) vs without it",
                     *pairs(with_section, without), None))
        store.close()
    report(f"QĐ 766 at the province ({PAIRS} pairs, interleaved; medians)", rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
