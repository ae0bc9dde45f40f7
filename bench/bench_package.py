"""A province's desk: importing 1000 hand-off packages shaped like real ones, the submission
status and the roll-ups, against merely unzipping the same files.

    .venv/bin/python bench/bench_package.py [--n 1000] [--runs 7] [--province 79] [--profile]

The packages are made the way communes make them: the communes of a province of the official
list of 1/7/2025 (default 79, Hồ Chí Minh, 168 communes: the largest), each its own official
code, kind, upper level and Ed25519 key, periods of the two-tier frame in order (2026-Q1,
2026-6T, 2026-9T, 2026-NAM, 2027-Q1, 2027-6T: 168 × 6 ≥ 1000, the last period part-sent), the
frame's catalogue and default texts, random figures in every editable row and in the dossier
tables of the three agencies, two issued documents; every package holds data.json, the
catalogue, the manifest, its signature, SHA256SUMS and a Word report and Excel appendix
(rendered once per period from the first commune's data and put into every package of that
period: rendering 1000 Word files would take half an hour; their bytes are what the import
reads and hashes). Measured in the same run, interleaved in pairs (baseline then import, then
import then baseline, alternately, each after an os.sync(); the machine is shared, so the median
of the pairs' ratios and their range are printed):
- baseline: extracting every member of the N files with `zipfile` into a folder;
- import: `import_packages` of the folder into a new, empty data file (every check of
  `check_package`, the signature verified, every key pinned, one transaction per package, its
  history row), then `aggregate.rollup` of every period (the status of every commune of the
  official list with its fingerprint, and the consolidated figures).
Target (issue 19): import + status + roll-up ≤ 1.5 × the baseline at 1000 packages. Also
printed: the parts measured alone (checking the packages, writing them, the roll-ups).
"""
from __future__ import annotations

import argparse
import cProfile
import copy
import json
import os
import pstats
import random
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from cchc_desktop import dataio  # noqa: E402
from cchc_desktop.domain import dossiers, official_choice, official_units  # noqa: E402
from cchc_desktop.exporting import package as pkg  # noqa: E402
from cchc_desktop.importing import package as ip  # noqa: E402
from cchc_desktop.report import aggregate, default_texts  # noqa: E402
from cchc_desktop.store import open_store  # noqa: E402
from cchc_desktop.store import packages as store_packages  # noqa: E402

PERIODS = ("2026-Q1", "2026-6T", "2026-9T", "2026-NAM", "2027-Q1", "2027-6T", "2027-9T", "2027-NAM")


def _randomise(doc: dict, cat, rng: random.Random) -> None:
    values = {}
    for row in cat.rows():
        if not row.editable:
            continue
        if row.kind == "text":
            v = f"Ghi chú {rng.randint(1, 999)}"
        elif row.kind == "count":
            v = rng.randint(0, 400)
        elif row.kind == "money":
            v = rng.randint(0, 9_000_000) / 1000
        elif row.kind == "choice":
            v = rng.choice([c for c, _ in row.choices])
        else:
            v = rng.randint(0, 1000) / 10
        values[row.code] = {"value": v, "note": ""}
    doc["values"] = values
    for agency, table in doc["dossiers"].items():
        fields = table["fields"] or [{"name": n} for n in default_texts.DEFAULT_FIELDS[:4]]
        for f in fields:
            got = {c: rng.randint(0, 300) for c in ("truc_tuyen", "truc_tiep", "ky_truoc")}
            done = rng.randint(0, sum(got.values()))
            early = rng.randint(0, done)
            late = rng.randint(0, done - early)
            f.update(got, truoc_han=early, dung_han=done - early - late, qua_han=late,
                     dang_giai_quyet=sum(got.values()) - done, dang_qua_han=0)
        table["fields"] = fields
        table["total"] = {c: None for c in dossiers.COLUMNS}


def generate(folder: Path, n: int, province_code: str, seed: int = 19) -> list[Path]:
    """N packages of the province's communes, period after period, into folder/usb."""
    rng = random.Random(seed)
    communes = list(official_units.units(province_code))
    periods = [p for k, p in enumerate(PERIODS) if k * len(communes) < n]
    src = open_store(folder / "xa.sqlite")
    first = official_choice.unit_fields(communes[0])
    code, name, kind = first.pop("code"), first.pop("name"), first.pop("kind")
    period = default_texts.setup_unit(src, code, name, kind, periods[0], **first)
    templates, documents = {}, {}
    for k, p in enumerate(periods):
        if k:
            period = default_texts.new_period(src, code, p, carry_from=period["id"])
        pid = period["id"]
        src.add_document(pid, number=str(10 + k), symbol="KH-UBND", date=period["start_date"], kind="Kế hoạch",
                         summary="Kế hoạch cải cách hành chính năm")
        src.add_document(pid, number=str(40 + k), symbol="BC-UBND", date=period["end_date"], kind="Báo cáo",
                         summary="Báo cáo kết quả công tác cải cách hành chính")
        doc = dataio.dump(src, code, p)
        _randomise(doc, src.catalogue(period["catalogue_version"]), rng)
        dataio.load(src, doc, replace=True)
        templates[p] = dataio.dump(src, code, p)
        documents[p] = pkg._documents(src, code, p)
    out = folder / "usb"
    out.mkdir()
    files = []
    for p in periods:
        for unit in communes:
            if len(files) == n:
                break
            doc = copy.deepcopy(templates[p])
            doc["unit"].update(official_choice.unit_fields(unit))
            _randomise(doc, src.catalogue(doc["catalogue_version"]), rng)
            dataio.load(src, doc, replace=True)
            members = pkg.build_members(src, unit.code, p, documents=False)
            members = pkg.seal(json.loads(members[pkg.MANIFEST]), {**members, **documents[p]},
                               pkg.signing_key(src, unit.code))
            target = out / pkg.file_name(unit.code, p)
            target.write_bytes(pkg.zip_bytes(members))
            files.append(target)
    src.close()
    return files


def unzip_all(files: list[Path], dest: Path) -> None:
    for i, f in enumerate(files):
        with zipfile.ZipFile(f) as zf:
            zf.extractall(dest / str(i))


def import_status_rollup(folder: Path, db: Path, expected: int) -> dict[str, float]:
    """Import the folder into a new file, then the status and roll-up of every period; the
    times of the parts."""
    t0, c0 = time.perf_counter(), time.process_time()
    store = open_store(db)
    try:
        results = ip.import_packages(store, [folder])
        t1 = time.perf_counter()
        bad = [r.line() for r in results if r.status != "imported"]
        assert not bad and len(results) == expected, bad[:3]
        seen = 0
        for p in sorted({r.period_code for r in results}):
            r = aggregate.rollup(store, p)
            fingerprints = ip.pinned_fingerprints(store)
            assert all(c.code in fingerprints for c in r.reported)
            seen += len(r.reported)
        assert seen == expected
        t2 = time.perf_counter()
    finally:
        store.close()
    return {"total": time.perf_counter() - t0, "import": t1 - t0, "rollup": t2 - t1,
            "cpu": time.process_time() - c0}


def check_only(files: list[Path]) -> float:
    t = time.perf_counter()
    for f in files:
        ip.check_package(f)
    return time.perf_counter() - t


def record_sql(folder: Path, db: Path, expected: int) -> list[tuple[str, str, object]]:
    """Every statement an import + roll-ups sends to SQLite, with its parameters, in order
    (recorded once, not timed): what `replay_sql` sends again."""
    from cchc_desktop.store import database
    log: list[tuple[str, str, object]] = []
    plain, many = database._Connection.execute, database._Connection.executemany

    def execute(self, *args, **kwargs):
        log.append(("one", args[0], args[1] if len(args) > 1 else ()))
        return plain(self, *args, **kwargs)

    def executemany(self, sql, rows, *args, **kwargs):
        rows = list(rows)
        log.append(("many", sql, rows))
        return many(self, sql, rows, *args, **kwargs)

    store = open_store(db)  # its migrations are not recorded: replay_sql opens a file the same way
    database._Connection.execute, database._Connection.executemany = execute, executemany
    try:
        results = ip.import_packages(store, [folder])
        for p in sorted({r.period_code for r in results}):
            aggregate.rollup(store, p)
    finally:
        database._Connection.execute, database._Connection.executemany = plain, many
        store.close()
    assert len(results) == expected
    return log


def replay_sql(log: list[tuple[str, str, object]], db: Path) -> float:
    """SQLite's own part of the import: the recorded statements sent again, reading every row of
    the queries, into a file opened as the import's was. No Python of the app runs."""
    store = open_store(db)
    conn = store.db.conn
    try:
        t = time.perf_counter()
        for how, sql, params in log:
            if how == "many":
                sqlite3.Connection.executemany(conn, sql, params)
            else:
                sqlite3.Connection.execute(conn, sql, params).fetchall()
        took = time.perf_counter() - t
        assert conn.execute("SELECT COUNT(*) FROM package_imports").fetchone()[0] >= 1
    finally:
        store.close()
    return took


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=1000)
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--province", default="79")
    ap.add_argument("--profile", action="store_true", help="cProfile one import (after the pairs)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-pkg-") as tmp:
        tmp = Path(tmp)
        t = time.perf_counter()
        files = generate(tmp, args.n, args.province)
        gen = time.perf_counter() - t
        size = sum(f.stat().st_size for f in files)
        province = official_units.province(args.province)
        print(f"{len(files)} packages of {province.name}'s {len(official_units.units(args.province))} communes "
              f"generated in {gen:.0f} s, {size / 1e6:.1f} MB (data, catalogue, manifest, signature, sums, "
              "Word, Excel)")
        log = record_sql(files[0].parent, tmp / "recorded.sqlite", len(files))
        base, base_cpu, runs, checks, replays = [], [], [], [], []
        for k in range(args.runs):
            # Pairs alternate which goes first (the disk's cache and the other helpers' load drift).
            # What each writes stays on disk until the end: on this machine's ext4, writing soon
            # after deleting a copy costs the next unzip 2-6 times the kernel time of the first
            # (1.4-1.7 s when nothing was deleted, 4.5-9.5 s after, 2026-12-04), which flattered
            # the import's ratio before.
            def baseline():
                dest = tmp / f"unzipped-{k}"
                t, c = time.perf_counter(), time.process_time()
                unzip_all(files, dest)
                base.append(time.perf_counter() - t)
                base_cpu.append(time.process_time() - c)

            def measured():
                runs.append(import_status_rollup(files[0].parent, tmp / f"tinh-{k}.sqlite", len(files)))

            for step in ((baseline, measured) if k % 2 == 0 else (measured, baseline)):
                # Each measurement starts with nothing dirty in the page cache: without this the
                # unzip of later pairs paid for the writeback of the earlier ones.
                os.sync()
                step()
            if k < 3:
                checks.append(check_only(files))
                os.sync()
                replays.append(replay_sql(log, tmp / f"replay-{k}.sqlite"))
            print(f"pair {k + 1}: unzip {base[-1] * 1000:.0f} ms, import + roll-up {runs[-1]['total'] * 1000:.0f} ms, "
                  f"ratio {runs[-1]['total'] / base[-1]:.2f}", file=sys.stderr)
        b = statistics.median(base)
        part = {key: statistics.median(r[key] for r in runs) for key in ("total", "import", "rollup", "cpu")}
        bc = statistics.median(base_cpu)
        c = statistics.median(checks)
        sql = statistics.median(replays)
        n = len(files)
        ratios = sorted(r["total"] / x for x, r in zip(base, runs))
        cpu_ratios = sorted(r["cpu"] / x for x, r in zip(base_cpu, runs))
        print(f"## Province desk ({n} packages, {args.runs} interleaved pairs)")
        print("| measurement | time | baseline | ratio | target |")
        print("|---|---|---|---|---|")
        ok = "✓" if statistics.median(ratios) <= 1.5 else "✗"
        print(f"| import {n} packages + status and roll-up of every period (median of the pairs' ratios) "
              f"| {part['total'] * 1000:.0f} ms | unzip with zipfile {b * 1000:.0f} ms "
              f"| {statistics.median(ratios):.2f} {ok} (range {ratios[0]:.2f}–{ratios[-1]:.2f}) | ≤ 1.5 |")
        print(f"| ratio of the medians | | | {part['total'] / b:.2f} | |")
        fastest = min(r["total"] for r in runs)
        print(f"| ratio of the fastest of each | {fastest * 1000:.0f} ms | {min(base) * 1000:.0f} ms "
              f"| {fastest / min(base):.2f} | |")
        print(f"| the same in CPU time | {part['cpu'] * 1000:.0f} ms | {bc * 1000:.0f} ms "
              f"| {statistics.median(cpu_ratios):.2f} (range {cpu_ratios[0]:.2f}–{cpu_ratios[-1]:.2f}) | |")
        print(f"| of which the import | {part['import'] * 1000:.0f} ms | | {part['import'] / b:.2f} | |")
        print(f"| of which status + roll-ups | {part['rollup'] * 1000:.0f} ms | | {part['rollup'] / b:.2f} | |")
        print(f"| checking alone (check_package: read, hashes, signature, JSON) | {c * 1000:.0f} ms | "
              f"| {c / b:.2f} | |")
        print(f"| SQLite alone (the import's and roll-ups' {len(log)} statements replayed) | {sql * 1000:.0f} ms | "
              f"| {sql / b:.2f} | |")
        print(f"| floor: checking + SQLite, nothing else | {(c + sql) * 1000:.0f} ms | | {(c + sql) / b:.2f} | |")
        print(f"per package: import {part['import'] / n * 1000:.2f} ms (checking {c / n * 1000:.2f} ms), "
              f"status + roll-up {part['rollup'] / n * 1000:.2f} ms, unzip {b / n * 1000:.2f} ms")
        print("pairs (unzip / import + roll-up, wall ms): " + ", ".join(
            f"{x * 1000:.0f} / {r['total'] * 1000:.0f}" for x, r in zip(base, runs)))
        print("ratio of each pair: " + ", ".join(f"{r['total'] / x:.2f}" for x, r in zip(base, runs)))
        if args.profile:
            prof = cProfile.Profile()
            prof.enable()
            import_status_rollup(files[0].parent, tmp / "profiled.sqlite", len(files))
            prof.disable()
            pstats.Stats(prof).sort_stats("tottime").print_stats(25)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
