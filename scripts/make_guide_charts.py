"""The chart pictures of the user guide (docs/images/bieu-do-*.png), drawn by the app itself.

    .venv/bin/python scripts/make_guide_charts.py [OUT_DIR]     (default: docs/images)

The demo (the seed report) has no dossier register and is a single commune, so two of the
five charts would show "Chưa có số liệu": for those this script makes illustration data,
seeded so the pictures are stable:
- bieu-do-theo-thang.png: a register of 1 200 made-up dossiers over the demo's fields, imported
  with `import-register` (the way a user does it);
- bieu-do-theo-xa.png: eight made-up communes (xã "Mẫu 1" …) packaged from the demo with other
  figures, imported by an upper-level file with `import-package`, compared on the online rate.
Every picture comes from `cchc-desktop chart`, the same code as the window and the Word export.
"""
from __future__ import annotations

import copy
import datetime as dt
import json
import random
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cchc_desktop import cli, dataio, paths  # noqa: E402
from cchc_desktop.exporting import package as pkg  # noqa: E402
from cchc_desktop.store import open_store  # noqa: E402

PERIOD = "2023-NAM"
START, END = dt.date(2022, 12, 15), dt.date(2023, 12, 14)


def run(*argv: str) -> None:
    code = cli.main([str(a) for a in argv])
    if code:
        raise SystemExit(f"cchc-desktop {' '.join(map(str, argv))} → {code}")


def write_register(path: Path, fields: list[str], n: int = 1200, seed: int = 7) -> None:
    import openpyxl

    rng = random.Random(seed)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Mã hồ sơ", "Lĩnh vực", "Ngày tiếp nhận", "Ngày hẹn trả", "Ngày trả kết quả", "Hình thức nộp"])
    span = (END - START).days
    weights = [rng.randint(1, 6) for _ in fields]
    for i in range(n):
        received = START + dt.timedelta(days=rng.randrange(span))
        due = received + dt.timedelta(days=rng.choice([1, 3, 5, 7]))
        late = rng.random() < 0.02
        finished = due + dt.timedelta(days=rng.randint(1, 4)) if late else due - dt.timedelta(days=rng.randint(0, 1))
        finished = None if finished > END else finished
        ws.append([f"H{i:05d}", rng.choices(fields, weights)[0], received.strftime("%d/%m/%Y"),
                   due.strftime("%d/%m/%Y"), finished.strftime("%d/%m/%Y") if finished else "",
                   "Trực tuyến" if rng.random() < 0.9 else "Trực tiếp"])
    wb.save(path)


def commune_packages(folder: Path, n: int = 8, seed: int = 3) -> list[Path]:
    rng = random.Random(seed)
    demo = json.loads(paths.resource("demo", "chi-lang-nam-2023.json").read_text(encoding="utf-8"))
    store = open_store(folder / "xa.sqlite")
    files = []
    try:
        for i in range(1, n + 1):
            d = copy.deepcopy(demo)
            d["unit"].update(code=f"xa-mau-{i}", name=f"Mẫu {i}", place_name=f"Mẫu {i}")
            for f in d["dossiers"]["ubnd"]["fields"]:
                total = (f.get("truc_tuyen") or 0) + (f.get("truc_tiep") or 0)
                online = round(total * rng.uniform(0.55, 0.99))
                f.update(truc_tuyen=online, truc_tiep=total - online)
            dataio.load(store, d)
            target = folder / pkg.file_name(d["unit"]["code"], PERIOD)
            target.write_bytes(pkg.zip_bytes(pkg.build_members(store, d["unit"]["code"], PERIOD, documents=False)))
            files.append(target)
    finally:
        store.close()
    return files


def main() -> int:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "images"
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="cchc-guide-") as tmp:
        tmp = Path(tmp)
        db = tmp / "CCHC" / "du-lieu.sqlite"
        db.parent.mkdir()
        run("demo", "--db", db)
        for kind in ("tiep-nhan-linh-vuc", "tinh-trang-linh-vuc", "xu-huong"):
            run("chart", "--db", db, "--period", PERIOD, "--kind", kind, "--out", out / f"bieu-do-{kind}.png")
        store = open_store(db)
        unit = store.unit()["code"]
        fields = [f["name"] for f in store.dossier_table(store.get_period(unit, PERIOD)["id"], "ubnd").fields]
        store.close()
        write_register(tmp / "so-theo-doi.xlsx", fields)
        run("import-register", "--db", db, tmp / "so-theo-doi.xlsx")
        run("chart", "--db", db, "--period", PERIOD, "--kind", "theo-thang", "--out", out / "bieu-do-theo-thang.png")
        upper = tmp / "CCHC" / "huyen.sqlite"
        run("import-package", "--db", upper, *commune_packages(tmp))
        run("chart", "--db", upper, "--period", PERIOD, "--kind", "theo-xa", "--out", out / "bieu-do-theo-xa.png")
    print(f"Đã vẽ 5 biểu đồ vào {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
