"""Importing 300 hand-off packages and computing the roll-up, against merely unzipping them.

    .venv/bin/python bench/bench_package.py [--n 300] [--runs 3] [--with-documents]

Generates N commune packages (the demo period under N codes with random figures) in a
temporary folder, then measures in the same run:
- baseline: extracting every member of the N files with `zipfile` into a folder;
- import: `import_packages` of the N files into a new, empty data file (every check, one
  transaction per package, history kept) followed by `aggregate.rollup` for the period.
Target: import + roll-up ≤ 5 × baseline. By default the packages hold data.json, the
catalogue and the manifest only (exporting N Word/Excel files would take minutes); with
`--with-documents` one commune's Word and Excel files are added to every package, so the
bytes to unzip are those of real packages.
"""
from __future__ import annotations

import argparse
import copy
import json
import random
import shutil
import statistics
import sys
import tempfile
import time
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from cchc_desktop import dataio, paths  # noqa: E402
from cchc_desktop.report import aggregate
from cchc_desktop.domain import catalogue, dossiers
from cchc_desktop.exporting import package as pkg  # noqa: E402
from cchc_desktop.importing import package as ip  # noqa: E402
from cchc_desktop.store import open_store  # noqa: E402

PERIOD = "2023-NAM"


def commune_docs(n: int, seed: int = 11) -> list[dict]:
    rng = random.Random(seed)
    cat = catalogue.default()
    demo = json.loads(paths.resource("demo", "chi-lang-nam-2023.json").read_text(encoding="utf-8"))
    docs = []
    for i in range(n):
        d = copy.deepcopy(demo)
        d["unit"].update(code=f"xa-{i:03d}", name=f"Thử Nghiệm {i:03d}", place_name=f"Thử Nghiệm {i:03d}")
        values = {}
        for row in cat.rows():
            if not row.editable or row.kind == "text":
                continue
            if row.kind == "count":
                v = rng.randint(0, 400)
            elif row.kind == "money":
                v = rng.randint(0, 9_000_000) / 1000
            elif row.kind == "choice":
                v = rng.choice([c for c, _ in row.choices])
            else:
                v = rng.randint(0, 1000) / 10
            values[row.code] = {"value": v, "note": ""}
        d["values"] = values
        for f in d["dossiers"]["ubnd"]["fields"]:
            f.update(truc_tuyen=rng.randint(0, 900), truc_tiep=rng.randint(0, 200))
        for agency in ("cong_an", "quan_su"):
            d["dossiers"][agency] = {"fields": [], "total": {c: rng.randint(0, 300) for c in dossiers.COLUMNS}}
        docs.append(d)
    return docs


def generate(folder: Path, n: int, with_documents: bool) -> list[Path]:
    src = open_store(folder / "xa.sqlite")
    out = folder / "usb"
    out.mkdir()
    extra = {}
    if with_documents:
        dataio.load_demo(src)
        extra = pkg._documents(src, "xa-chi-lang-nam", PERIOD)
    files = []
    for d in commune_docs(n):
        dataio.load(src, d)
        members = pkg.build_members(src, d["unit"]["code"], PERIOD, documents=False)
        if extra:  # the same Word/Excel bytes in every package, sealed and signed again
            members = pkg.seal(json.loads(members[pkg.MANIFEST]), {**members, **extra},
                               pkg.signing_key(src, d["unit"]["code"]))
        target = out / pkg.file_name(d["unit"]["code"], PERIOD)
        target.write_bytes(pkg.zip_bytes(members))
        files.append(target)
    src.close()
    return files


def unzip_all(files: list[Path], dest: Path) -> None:
    for i, f in enumerate(files):
        with zipfile.ZipFile(f) as zf:
            zf.extractall(dest / str(i))


def import_and_rollup(files: list[Path], db: Path):
    store = open_store(db)
    try:
        results = ip.import_packages(store, files)
        assert all(r.status == "imported" for r in results), [r.line() for r in results if r.status != "imported"]
        r = aggregate.rollup(store, PERIOD)
        assert len(r.reported) == len(files)
        return r
    finally:
        store.close()


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=300)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--with-documents", action="store_true")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-pkg-") as tmp:
        tmp = Path(tmp)
        t = time.perf_counter()
        files = generate(tmp, args.n, args.with_documents)
        gen = time.perf_counter() - t
        size = sum(f.stat().st_size for f in files)
        what = "data.json + catalogue + manifest" + (" + the demo's .docx/.xlsx" if args.with_documents else
                                                     " (no .docx/.xlsx: exporting them 300 times is too slow)")
        print(f"{args.n} packages generated in {gen:.1f} s, {size / 1e6:.1f} MB; members: {what}")
        base, imp = [], []
        for k in range(args.runs):
            dest = tmp / f"unzipped-{k}"
            t = time.perf_counter()
            unzip_all(files, dest)
            base.append(time.perf_counter() - t)
            shutil.rmtree(dest)
            t = time.perf_counter()
            import_and_rollup(files, tmp / f"huyen-{k}.sqlite")
            imp.append(time.perf_counter() - t)
        b, i = statistics.median(base), statistics.median(imp)
        print(f"## Hand-off packages ({args.n} communes, median of {args.runs})")
        print("| measurement | time | baseline | ratio | target |")
        print("|---|---|---|---|---|")
        ok = "✓" if i / b <= 5 else "✗"
        print(f"| import {args.n} packages + roll-up | {i * 1000:.0f} ms | unzip with zipfile {b * 1000:.0f} ms "
              f"| {i / b:.2f} {ok} | ≤ 5 |")
        print(f"per package: import+roll-up {i / args.n * 1000:.1f} ms, unzip {b / args.n * 1000:.2f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
