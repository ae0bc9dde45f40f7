"""Regenerate resources/units/ (the official 2025 unit list and the old → new conversion).

The app never touches the network; this script does, once, to fetch the upstream data:

    python scripts/make_units.py                      # pip download vietnamadminunits==1.0.4
    python scripts/make_units.py --wheel FILE.whl     # from a wheel already downloaded
    python scripts/make_units.py --check              # compare with the files in the repo, write nothing

Upstream: the PyPI package `vietnamadminunits` (MIT, © 2025 Tran Ngoc Minh Hieu). Only its data is
used (`data/dataset.db`: tables `admin_units`, the 34 provinces / 3 321 units from 1/7/2025, and
`admin_units_legacy`, the 63 provinces / 10 035 communes before; `data/converter_2025.json`: which
former communes make up each new unit). The package itself is never installed nor imported.

What the script changes on the way (see resources/units/README.md):
- a unit's kind is taken from its name ("Phường Việt Hòa" is a phường): upstream's `wardType`
  column contradicts the name for 4 units, which it prints;
- kind words are written in the usual case ("Thị Trấn Ái Tử" → "Thị trấn Ái Tử", "Thành Phố Bắc
  Kạn" → "Thành phố Bắc Kạn");
- it refuses to write unless the counts are the official ones (34 provinces, 3 321 units: 2 621 xã,
  687 phường, 13 đặc khu; Hải Phòng 114: 67 / 45 / 2), unless --allow-other-counts is given.

Standard library only.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import re
import sqlite3
import subprocess
import sys
import tempfile
import zipfile
from collections import Counter, defaultdict
from pathlib import Path

PACKAGE = "vietnamadminunits"
VERSION = "1.0.4"
ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "resources" / "units"
UNITS_FILE = "don-vi-2025.json"
CONVERSION_FILE = "chuyen-doi-2025.json"
SCHEMA = 1

EXPECTED = {"provinces": 34, "units": 3321, "xã": 2621, "phường": 687, "đặc khu": 13}
EXPECTED_HAI_PHONG = {"units": 114, "xã": 67, "phường": 45, "đặc khu": 2}

# Name prefix → (kind as stored, prefix as written). Longest first.
UNIT_PREFIXES = [("đặc khu", "Đặc khu"), ("thị trấn", "Thị trấn"), ("phường", "Phường"), ("xã", "Xã")]
DISTRICT_PREFIXES = [("thành phố", "Thành phố"), ("thị xã", "Thị xã"), ("huyện", "Huyện"), ("quận", "Quận")]
PROVINCE_PREFIXES = [("thành phố", "Thành phố"), ("tỉnh", "Tỉnh")]


def split_kind(name: str, prefixes) -> tuple[str, str]:
    """'Thị Trấn Ái Tử' → ('thị trấn', 'Thị trấn Ái Tử'): the kind and the name with its kind word
    written as usual; whitespace collapsed."""
    name = re.sub(r"\s+", " ", name).strip()
    low = name.lower()
    for kind, written in prefixes:
        if low.startswith(kind + " "):
            return kind, written + name[len(kind):]
    raise ValueError(f"no kind word in {name!r}")


def download(dest: Path) -> Path:
    cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary", ":all:",
           "--dest", str(dest), f"{PACKAGE}=={VERSION}"]
    subprocess.run(cmd, check=True)
    wheels = sorted(dest.glob(f"{PACKAGE}-{VERSION}-*.whl"))
    if not wheels:
        sys.exit(f"pip download left no wheel of {PACKAGE} {VERSION} in {dest}")
    return wheels[0]


def read_wheel(wheel: Path, tmp: Path):
    with zipfile.ZipFile(wheel) as zf:
        names = zf.namelist()
        meta = zf.read(next(n for n in names if n.endswith(".dist-info/METADATA"))).decode("utf-8")
        licence = zf.read(next(n for n in names if n.endswith("/LICENSE"))).decode("utf-8")
        converter = json.loads(zf.read(f"{PACKAGE}/data/converter_2025.json").decode("utf-8"))
        db_path = tmp / "dataset.db"
        db_path.write_bytes(zf.read(f"{PACKAGE}/data/dataset.db"))
    version = re.search(r"^Version: (.+)$", meta, re.M).group(1).strip()
    if "License :: OSI Approved :: MIT License" not in meta or not licence.startswith("MIT License"):
        sys.exit("the wheel no longer declares the MIT licence: stop and check before shipping its data")
    return version, meta, licence, converter, db_path


def build(db_path: Path, converter: dict):
    con = sqlite3.connect(db_path)
    con.row_factory = sqlite3.Row
    notes: list[str] = []

    # ---- today's list (from 1/7/2025)
    provinces: dict[str, list] = {}
    units: list[list] = []
    new_key_to_code: dict[tuple[str, str], str] = {}
    new_province_key_to_code: dict[str, str] = {}
    for r in con.execute("SELECT province, provinceCode, provinceKey, ward, wardType, wardCode, wardKey "
                         "FROM admin_units"):
        pkind, pname = split_kind(r["province"], PROVINCE_PREFIXES)
        pcode = r["provinceCode"].zfill(2)
        provinces.setdefault(pcode, [pcode, pname, pkind])
        new_province_key_to_code[r["provinceKey"]] = pcode
        kind, name = split_kind(r["ward"], UNIT_PREFIXES)
        if kind == "thị trấn":
            raise ValueError(f"a thị trấn in the 2025 list: {name}")
        if (r["wardType"] or "").lower() != kind:
            notes.append(f"{r['wardCode']} {name} ({pname}): upstream wardType {r['wardType']!r}, "
                         f"kind taken from the name: {kind}")
        code = r["wardCode"].zfill(5)
        units.append([code, name, kind, pcode])
        new_key_to_code[(r["provinceKey"], r["wardKey"])] = code
    units.sort(key=lambda u: (u[3], u[0]))
    if len({u[0] for u in units}) != len(units):
        raise ValueError("duplicate unit codes")

    # ---- the list before 1/7/2025
    old_provinces: dict[str, list] = {}
    old_districts: dict[tuple[str, str], list] = {}
    legacy: dict[str, dict] = {}
    for r in con.execute("SELECT province, provinceCode, provinceKey, district, districtCode, districtKey, "
                         "ward, wardCode, wardKey FROM admin_units_legacy"):
        pcode = r["provinceCode"].zfill(2)
        old_provinces.setdefault(pcode, [pcode, split_kind(r["province"], PROVINCE_PREFIXES)[1], None,
                                         r["provinceKey"]])
        dkey = (pcode, r["districtCode"].zfill(3))
        old_districts.setdefault(dkey, [dkey[1], split_kind(r["district"], DISTRICT_PREFIXES)[1], pcode])
        if r["ward"]:
            name = split_kind(r["ward"], UNIT_PREFIXES)[1]
            code = r["wardCode"].zfill(5)
        else:  # an island district without communes (Bạch Long Vĩ, Cồn Cỏ, Hoàng Sa, Lý Sơn, Côn Đảo)
            name, code = None, None
        key = f"{r['provinceKey']}_{r['districtKey']}_{r['wardKey'] or ''}"
        if key in legacy:
            raise ValueError(f"two former communes with the key {key}")
        legacy[key] = {"code": code, "name": name, "district": dkey}

    # old province → new province
    old_key_to_code = {v[3]: k for k, v in old_provinces.items()}
    for new_key, old_keys in converter["DICT_PROVINCE"].items():
        for ok in old_keys:
            old_provinces[old_key_to_code[ok]][2] = new_province_key_to_code[new_key]
    if any(p[2] is None for p in old_provinces.values()):
        raise ValueError("a former province without successor")

    # ---- former commune → new unit(s)
    successors: dict[str, list[str]] = {}
    for pkey, wards in converter["DICT_PROVINCE_WARD_NO_DIVIDED"].items():
        for wkey, old_keys in wards.items():
            code = new_key_to_code[(pkey, wkey)]
            for ok in old_keys:
                if ok in successors:
                    raise ValueError(f"{ok} merged twice")
                successors[ok] = [code]
    for pkey, olds in converter["DICT_PROVINCE_WARD_DIVIDED"].items():
        for ok, parts in olds.items():
            if ok in successors:
                raise ValueError(f"{ok} both merged whole and divided")
            parts = sorted(parts, key=lambda p: not p["isDefaultNewWard"])  # upstream's default first
            successors[ok] = [new_key_to_code[(pkey, p["newWardKey"])] for p in parts]
    missing = set(legacy) - set(successors)
    unknown = set(successors) - set(legacy)
    if missing or unknown:
        raise ValueError(f"conversion does not cover the former list: missing {sorted(missing)[:5]}, "
                         f"unknown {sorted(unknown)[:5]}")
    covered = {c for s in successors.values() for c in s}
    if covered != {u[0] for u in units}:
        raise ValueError(f"new units without former communes: {sorted({u[0] for u in units} - covered)}")

    # ---- compact tables
    prov_list = sorted(old_provinces.values())
    prov_index = {p[0]: i for i, p in enumerate(prov_list)}
    dist_list = sorted(old_districts.values(), key=lambda d: (d[2], d[0]))
    dist_index = {(d[2], d[0]): i for i, d in enumerate(dist_list)}
    communes = []
    for key, c in legacy.items():
        succ = successors[key]
        communes.append([c["code"], c["name"], dist_index[c["district"]], succ[0] if len(succ) == 1 else succ])
    communes.sort(key=lambda c: (dist_list[c[2]][2], dist_list[c[2]][0], c[0] or ""))
    conversion = {
        "provinces": [[p[0], p[1], p[2]] for p in prov_list],
        "districts": [[d[0], d[1], prov_index[d[2]]] for d in dist_list],
        "communes": communes,
    }
    aliases = {}
    for r in con.execute("SELECT DISTINCT provinceCode, provinceAlias FROM admin_units WHERE provinceAlias IS NOT NULL"):
        aliases[r["provinceCode"].zfill(2)] = json.loads(r["provinceAlias"])
    old_aliases = {}
    for r in con.execute("SELECT DISTINCT provinceCode, provinceAlias FROM admin_units_legacy "
                         "WHERE provinceAlias IS NOT NULL"):
        old_aliases[r["provinceCode"].zfill(2)] = json.loads(r["provinceAlias"])
    conversion["province_aliases"] = old_aliases
    con.close()
    return sorted(provinces.values()), units, aliases, conversion, notes


def check_counts(provinces, units) -> list[str]:
    problems = []
    kinds = Counter(u[2] for u in units)
    got = {"provinces": len(provinces), "units": len(units), **{k: kinds[k] for k in ("xã", "phường", "đặc khu")}}
    if got != EXPECTED:
        problems.append(f"counts {got}, official {EXPECTED}")
    hp = next(p for p in provinces if p[1] == "Thành phố Hải Phòng")
    hpk = Counter(u[2] for u in units if u[3] == hp[0])
    got_hp = {"units": sum(hpk.values()), **{k: hpk[k] for k in ("xã", "phường", "đặc khu")}}
    if got_hp != EXPECTED_HAI_PHONG:
        problems.append(f"Hải Phòng {got_hp}, NQ 1669/NQ-UBTVQH15: {EXPECTED_HAI_PHONG}")
    return problems


def dump(obj) -> str:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":")) + "\n"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--wheel", type=Path, help=f"a {PACKAGE} wheel already downloaded (no network)")
    ap.add_argument("--out", type=Path, default=OUT, help="output folder (default resources/units)")
    ap.add_argument("--check", action="store_true", help="compare with the files there, write nothing")
    ap.add_argument("--allow-other-counts", action="store_true",
                    help="write even if the counts differ from 34 / 3321 / 2621 / 687 / 13")
    args = ap.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="make_units_") as tmpname:
        tmp = Path(tmpname)
        wheel = args.wheel or download(tmp)
        sha = hashlib.sha256(wheel.read_bytes()).hexdigest()
        version, _meta, licence, converter, db_path = read_wheel(wheel, tmp)
        provinces, units, aliases, conversion, notes = build(db_path, converter)

    source = {
        "package": PACKAGE, "version": version, "file": wheel.name, "sha256": sha,
        "licence": "MIT", "copyright": licence.splitlines()[2].strip(),
        "generated_by": "scripts/make_units.py",
    }
    units_doc = {
        "schema": SCHEMA, "effective": "2025-07-01", "source": source,
        "provinces": provinces, "province_aliases": aliases, "units": units,
    }
    conv_doc = {
        "schema": SCHEMA, "effective": "2025-07-01", "source": source,
        "note": "communes: [former code, former name, district index, new unit code | "
                "[new unit codes, upstream's default first] if the former commune was divided]; "
                "a former name of null is an island district without communes; "
                "districts: [code, name, province index]; provinces: [former code, name, new province code]",
        **conversion,
    }
    for n in notes:
        print("note:", n)
    problems = check_counts(provinces, units)
    for p in problems:
        print("COUNT MISMATCH:", p)
    kinds = Counter(u[2] for u in units)
    print(f"{PACKAGE} {version} ({sha[:12]}…): {len(provinces)} provinces, {len(units)} units {dict(kinds)}; "
          f"{len(conversion['communes'])} former communes in {len(conversion['districts'])} districts of "
          f"{len(conversion['provinces'])} provinces")

    texts = {UNITS_FILE: dump(units_doc), CONVERSION_FILE: dump(conv_doc)}
    if args.check:
        differ = [n for n, t in texts.items()
                  if not (args.out / n).exists() or (args.out / n).read_text(encoding="utf-8") != t]
        print("differ:" if differ else "up to date", *differ)
        return 1 if differ or problems else 0
    if problems and not args.allow_other_counts:
        print("nothing written (give --allow-other-counts once the new figures are confirmed)")
        return 1
    args.out.mkdir(parents=True, exist_ok=True)
    for name, text in texts.items():
        (args.out / name).write_text(text, encoding="utf-8", newline="\n")
        print(f"wrote {args.out / name} ({len(text.encode('utf-8')):,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
