"""The province's desk as issue 19 checks it: Hải Phòng's 114 communes of the official list send
their packages in one folder, the province imports the folder (every key pinned), then forged
packages are refused one by one, each in plain Vietnamese with the province's file unchanged
(its logical dump, iterdump), and a refused import into a path that did not exist leaves no
file. Also: a package refused while being written, in the middle of a folder, takes back its own
rows only; a disk that fills during a folder's import leaves the file holding exactly the
packages reported imported."""
from __future__ import annotations

import json
import shlex
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from cchc_desktop import dataio
from cchc_desktop.domain import official_choice, official_units
from cchc_desktop.exporting import package as pkg
from cchc_desktop.importing import package as ip
from cchc_desktop.report import aggregate, default_texts
from cchc_desktop.store import open_store, packages as store_packages
from tests.conftest import ROOT, run_cli
from tests.test_faults import UNSHARE, _env
from tests.test_package import edited, read_members, write_zip
from tests.test_package_hostile import BA_DINH, PYTHON_WORDS

PERIOD = "2025-NAM"
HAI_PHONG = "31"
CREATED = "2025-12-16T09:00:00+07:00"
LATER = "2025-12-20T09:00:00+07:00"


def add_commune(store, unit: official_units.Unit, received: int, **override) -> str:
    """An official unit with its period in `store` (one file may hold many, each with its own key)."""
    fields = {**official_choice.unit_fields(unit), **override}
    code = fields.pop("code")
    period = default_texts.setup_unit(store, code, fields.pop("name"), fields.pop("kind"), PERIOD, **fields)
    store.set_dossier(period["id"], "ubnd", "", "truc_tiep", str(received))
    return code


def logical_dump(path: Path) -> list[str]:
    """The file as SQL (iterdump), without the rows of refused packages (what a refusal records)."""
    conn = sqlite3.connect(path)
    try:
        return [line for line in conn.iterdump() if not line.startswith('INSERT INTO "package_refusals"')]
    finally:
        conn.close()


def refusals(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("SELECT COUNT(*) FROM package_refusals").fetchone()[0]
    finally:
        conn.close()


@pytest.fixture(scope="module")
def desk(tmp_path_factory):
    """Hải Phòng's file after the folder of its 114 communes' packages was imported on the command
    line; the folder also held a package refused while being written (a figure that is no number,
    signed by its commune's own key), between the others."""
    tmp = tmp_path_factory.mktemp("desk")
    communes = open_store(tmp / "xa.sqlite")
    usb = tmp / "usb"
    usb.mkdir()
    units = official_units.units(HAI_PHONG)
    assert len(units) == 114
    for k, unit in enumerate(units):
        add_commune(communes, unit, received=10 + k)
        pkg.make_package(communes, unit.code, PERIOD, usb, check_errors=False, documents=False, created_at=CREATED)
    # Commune 0's 9-month period, its figure BM1/1 "12abc": past every check but the write's.
    first = units[0].code
    default_texts.new_period(communes, first, "2025-9T")
    members = pkg.build_members(communes, first, "2025-9T", documents=False, created_at=CREATED)
    doc = json.loads(members[pkg.DATA])
    doc["values"]["BM1/1"] = {"value": "12abc", "note": ""}
    bad = write_zip(usb / pkg.file_name(first, "2025-9T"), {**members, pkg.DATA: dataio.dumps(doc).encode()},
                    key=pkg.signing_key(communes, first))
    db = tmp / "tinh.sqlite"
    r = run_cli("import-package", "--db", db, usb)
    upper = open_store(db)
    yield {"tmp": tmp, "db": db, "upper": upper, "communes": communes, "units": units, "out": r, "bad": bad}
    upper.close()
    communes.close()


def test_the_folder_of_114_communes_is_imported_with_every_key_pinned(desk):
    out, upper = desk["out"], desk["upper"]
    lines = out.stdout.splitlines()
    assert out.returncode == 1  # one package of the folder was refused
    assert sum("đã nhập" in x for x in lines) == 114
    assert "Tổng cộng: 114 gói mới, 0 gói thay bản cũ, 0 gói không đổi, 1 gói bị từ chối." in lines
    refused = [x for x in lines if "bị từ chối" in x and not x.startswith("Tổng cộng")]
    assert len(refused) == 1 and desk["bad"].name in refused[0] and "không phải một con số" in refused[0]
    assert (upper.unit(None)["code"], upper.unit(None)["kind"]) == (HAI_PHONG, "thanh_pho")
    keys = store_packages.pinned_keys(upper)
    assert set(keys) == {u.code for u in desk["units"]}
    for u in desk["units"][:5]:
        assert keys[u.code]["fingerprint"] == pkg.fingerprint(desk["communes"], u.code)
    assert len({k["fingerprint"] for k in keys.values()}) == 114  # 114 keys, one per commune
    # The package refused while being written took back its own rows only.
    first = desk["units"][0].code
    assert upper.find_period(first, "2025-9T") is None and upper.find_period(first, PERIOD) is not None
    r = aggregate.rollup(upper, PERIOD)
    assert len(r.communes) == 114 and len(r.reported) == 114
    assert r.data.measures("ubnd")["truc_tiep"] == sum(10 + k for k in range(114))


def _forged(desk, name: str) -> Path:
    """Forged packages, as issue 19 lists them, made the ways a forger (or a commune's app gone wrong) would."""
    made = desk.setdefault("forged", {})
    if name not in made:
        made[name] = _forge(desk, name)
    return made[name]


def _forge(desk, name: str) -> Path:
    tmp, units = desk["tmp"], desk["units"]
    tan_hung, cat_hai = units[0], units[1]
    folder = tmp / "forged"
    folder.mkdir(exist_ok=True)
    genuine = read_members(next((tmp / "usb").glob(f"{tan_hung.code}_{PERIOD}.cchc")))

    def other_file(tag: str, unit, **override) -> Path:
        store = open_store(tmp / f"{tag}.sqlite")  # another PC: another data file, another key
        try:
            code = add_commune(store, unit, received=999, **override)
            out = folder / tag
            out.mkdir()
            return pkg.make_package(store, code, PERIOD, out, check_errors=False, documents=False, created_at=LATER)
        finally:
            store.close()

    def resigned(change_doc=None, change_manifest=None) -> Path:
        """Tân Hưng's package changed and signed again with Tân Hưng's own key."""
        members = edited(genuine, change_doc, change_manifest, created_at=LATER)
        return write_zip(folder / f"{name}.cchc", members, key=pkg.signing_key(desk["communes"], tan_hung.code))

    if name == "another-key":
        return other_file(name, tan_hung)
    if name == "edited-data-sums-recomputed":
        doc = json.loads(genuine[pkg.DATA])
        doc["dossiers"]["ubnd"]["total"]["truc_tiep"] = 1010
        return write_zip(folder / f"{name}.cchc", {**genuine, pkg.DATA: dataio.dumps(doc).encode()}, reseal=True)
    if name == "another-communes-code":  # Tân Hưng's PC sending for Cát Hải
        return other_file(name, cat_hai, name=tan_hung.short_name)
    if name == "the-provinces-code":
        return other_file(name, tan_hung, code=HAI_PHONG, name="Giả")
    if name == "another-provinces-unit":
        return other_file(name, official_units.unit(BA_DINH), upper_name="thành phố Hải Phòng",
                          upper_code=HAI_PHONG)
    if name == "not-a-commune":
        return resigned(change_doc=lambda d: d["unit"].update(kind="tinh"))
    if name == "schema-version-string":
        return resigned(change_manifest=lambda m: m.update(schema_version="99"))
    if name == "huge-ints":
        return resigned(change_doc=lambda d: d["dossiers"]["ubnd"]["total"].update(truc_tiep=10**30))
    raise AssertionError(name)


FORGED = {
    "another-key": ("khóa khác", "gọi điện"),
    "edited-data-sums-recomputed": ("chữ ký của gói không đúng",),
    "another-communes-code": ("khóa khác",),
    "the-provinces-code": ("trùng mã",),
    "another-provinces-unit": ("Thành phố Hà Nội", "không thuộc"),
    "not-a-commune": ("cấp xã",),
    "schema-version-string": ("phiên bản cấu trúc dữ liệu sai dạng",),
    "huge-ints": ("quá lớn",),
}


@pytest.mark.parametrize("name", list(FORGED))
def test_a_forged_package_is_refused_in_plain_vietnamese_and_the_file_unchanged(desk, name):
    path = _forged(desk, name)
    upper, db = desk["upper"], desk["db"]
    before, recorded = logical_dump(db), refusals(db)
    r = ip.import_packages(upper, [path])[0]
    assert r.status == "refused", r
    assert logical_dump(db) == before, "the province's file changed"
    assert refusals(db) <= recorded + 1  # at most the record of this refusal
    assert "\n" not in r.message and not PYTHON_WORDS.search(r.message), r.message
    for w in FORGED[name]:
        assert w in r.message, r.message
    # On the command line too (the window closed: one writer per file): one line, exit 1, nothing changed.
    upper.close()
    try:
        out = run_cli("import-package", "--db", db, path)
    finally:
        desk["upper"] = open_store(db)
    assert out.returncode == 1 and out.stdout.count("\n") == 1 and "bị từ chối" in out.stdout, out.stdout
    assert not PYTHON_WORDS.search(out.stdout + out.stderr)
    assert logical_dump(db) == before


def test_refused_packages_into_a_path_that_did_not_exist_leave_no_file(desk):
    paths = [_forged(desk, n) for n in ("edited-data-sums-recomputed", "the-provinces-code", "not-a-commune",
                                        "schema-version-string", "huge-ints")]
    folder = desk["tmp"] / "moi"
    folder.mkdir()
    out = run_cli("import-package", "--db", folder / "tinh.sqlite", *paths)
    assert out.returncode == 1 and "0 gói mới" in out.stdout and "5 gói bị từ chối" in out.stdout, out.stdout
    assert list(folder.iterdir()) == []


@pytest.mark.skipif(not UNSHARE, reason="no user+mount namespace here (unshare -rm): cannot make a full disk")
def test_a_disk_that_fills_during_a_folder_leaves_exactly_the_packages_reported_imported(desk, tmp_path):
    """A small disk: the folder's import runs out of space part-way. Whatever was reported imported
    is in the file, nothing else is; the refused ones say the disk is full."""
    disk = tmp_path / "disk"
    disk.mkdir()
    db = disk / "tinh.sqlite"
    after = tmp_path / "after"  # what the disk holds once the command has ended (the file, its WAL)
    after.mkdir()
    copy = after / "tinh.sqlite"
    q = shlex.quote
    cli = [sys.executable, "-m", "cchc_desktop", "import-package", "--db", str(db), str(desk["tmp"] / "usb")]
    script = " && ".join([f"mount -t tmpfs -o size=2m none {q(str(disk))}",
                          " ".join(map(q, cli)) + f" > {q(str(tmp_path / 'out.txt'))}; "
                          f"cp -a {q(str(disk))}/. {q(str(after))}/; true"])
    subprocess.run(["unshare", "-rm", "sh", "-c", script], env=_env(), cwd=ROOT, timeout=600)
    lines = (tmp_path / "out.txt").read_text(encoding="utf-8").splitlines()
    imported = sum("đã nhập" in x for x in lines)
    full = [x for x in lines if "bị từ chối" in x and "ổ đĩa đã đầy nên gói chưa được nhập" in x]
    assert full, lines[-5:]  # the disk did fill
    assert imported < 114
    if copy.exists():
        conn = sqlite3.connect(copy)
        held = conn.execute("SELECT COUNT(*) FROM package_imports").fetchone()[0]
        periods = conn.execute("SELECT COUNT(*) FROM periods p JOIN units u ON u.code = p.unit_code "
                               "WHERE u.kind NOT IN ('tinh', 'thanh_pho')").fetchone()[0]
        conn.close()
        assert held == periods == imported
    else:
        assert imported == 0


def test_a_failed_commit_reports_its_packages_refused_and_the_file_holds_none(desk, tmp_path, monkeypatch):
    files = sorted((desk["tmp"] / "usb").glob(f"*_{PERIOD}.cchc"))[:3]
    real_commit = store_packages.BatchTransaction.commit

    def full_disk(self):
        if self.open:
            self.rollback()
            raise sqlite3.OperationalError("database or disk is full")
        real_commit(self)

    monkeypatch.setattr(store_packages.BatchTransaction, "commit", full_disk)
    store = open_store(tmp_path / "tinh.sqlite")
    try:
        results = ip.import_packages(store, files)
        assert [r.status for r in results] == ["refused"] * 3
        assert all("ổ đĩa đã đầy nên gói chưa được nhập" in r.message for r in results)
        assert store_packages.history(store) == [] and store_packages.pinned_keys(store) == {}
    finally:
        store.close()
