"""The hand-off package: writing, checking, importing at the upper level (issue 7)."""
from __future__ import annotations

import errno
import io
import json
import shutil
import sqlite3
import subprocess
import zipfile
from pathlib import Path

import pytest

from cchc_desktop import dataio
from cchc_desktop.report import values
from cchc_desktop.errors import UserError
from cchc_desktop.exporting import package as pkg
from cchc_desktop.importing import package as ip
from cchc_desktop.store import open_store, packages as store_packages
from cchc_desktop.store.migrations import SCHEMA_VERSION
from tests.conftest import run_cli

PERIOD = "2023-NAM"
UNIT = "xa-chi-lang-nam"


def table_dump(path: Path) -> dict:
    """Every row of every table of a data file (the full content), for before/after comparisons."""
    conn = sqlite3.connect(path)
    try:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        return {t: sorted(map(repr, conn.execute(f'SELECT * FROM "{t}"').fetchall())) for t in tables}
    finally:
        conn.close()


def data_dump(path: Path) -> dict:
    """table_dump without the record of refused packages, the one thing a refusal writes."""
    tables = table_dump(path)
    tables.pop("package_refusals", None)
    return tables


@pytest.fixture
def package_file(demo_store, tmp_path):
    out = tmp_path / "usb"
    out.mkdir()
    return pkg.make_package(demo_store, None, PERIOD, out, check_errors=False, documents=False,
                            created_at="2023-12-16T09:00:00+07:00")


@pytest.fixture
def commune_key(demo_store, package_file):
    """The demo commune's signing key (made with its first package)."""
    return pkg.signing_key(demo_store, UNIT)


@pytest.fixture
def upper(tmp_path):
    store = open_store(tmp_path / "huyen.sqlite")
    yield store
    store.close()


def read_members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {n: zf.read(n) for n in zf.namelist()}


def write_zip(path: Path, members: dict[str, bytes], reseal: bool = False, key: bytes | None = None) -> Path:
    """A package with the given members; `reseal` recomputes manifest and SHA256SUMS (a forger's
    package: its signature no longer fits); `key` seals and signs it again with that key (the
    commune's own key: the package of a commune whose app went wrong, or of its key's thief)."""
    members = dict(members)
    if key is not None:
        members = pkg.seal(json.loads(members[pkg.MANIFEST]), members, key)
    elif reseal:
        manifest = json.loads(members[pkg.MANIFEST])
        manifest["members"] = {n: {"sha256": pkg.sha256(b), "size": len(b)} for n, b in members.items()
                               if n not in (pkg.MANIFEST, pkg.SUMS, pkg.SIGNATURE)}
        members[pkg.MANIFEST] = json.dumps(manifest, ensure_ascii=False).encode()
        members[pkg.SUMS] = pkg.sums_text(members).encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for n, b in members.items():
            zf.writestr(n, b)
    return path


def edited(members: dict[str, bytes], change_doc=None, change_manifest=None, created_at: str | None = None,
           doc_text=None) -> dict[str, bytes]:
    """The members with data.json and the manifest changed (not sealed again: write_zip's `key`
    does it): `change_doc(doc)`, `change_manifest(manifest)` change them in place, `doc_text(doc)`
    writes data.json's text itself (NaN, Infinity…), `created_at` the manifest's time."""
    doc = json.loads(members[pkg.DATA])
    manifest = json.loads(members[pkg.MANIFEST])
    if created_at:
        manifest["created_at"] = created_at
    if change_doc:
        change_doc(doc)
    if change_manifest:
        change_manifest(manifest)
    return {**members, pkg.DATA: (doc_text(doc) if doc_text else dataio.dumps(doc)).encode(),
            pkg.MANIFEST: json.dumps(manifest).encode()}


# --- writing -----------------------------------------------------------------------------
def test_package_members_and_manifest(package_file):
    assert package_file.name == f"{UNIT}_{PERIOD}.cchc"
    members = read_members(package_file)
    assert set(members) == {pkg.MANIFEST, pkg.SIGNATURE, pkg.SUMS, pkg.DATA, pkg.CATALOGUE}
    manifest = json.loads(members[pkg.MANIFEST])
    assert manifest["unit"]["code"] == UNIT and manifest["period"]["code"] == PERIOD
    assert manifest["unit"]["upper_name"] == "huyện Thanh Miện"
    assert manifest["schema_version"] == SCHEMA_VERSION
    assert manifest["catalogue_version"] == "HD-2023.1"
    assert manifest["format"] == pkg.FORMAT and manifest["format_version"] == pkg.FORMAT_VERSION
    import cchc_desktop

    assert manifest["app"]["version"] == cchc_desktop.__version__
    for name, entry in manifest["members"].items():
        assert entry["sha256"] == pkg.sha256(members[name])
    assert json.loads(members[pkg.DATA])["unit"]["code"] == UNIT
    # No temporary file left beside it.
    assert [p.name for p in package_file.parent.iterdir()] == [package_file.name]


@pytest.mark.skipif(shutil.which("sha256sum") is None, reason="sha256sum not installed")
def test_sha256sum_accepts_unpacked_package(package_file, tmp_path):
    folder = tmp_path / "unpacked"
    with zipfile.ZipFile(package_file) as zf:
        zf.extractall(folder)
    done = subprocess.run(["sha256sum", "-c", "SHA256SUMS"], cwd=folder, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.count(": OK") == 4  # data, catalogue, manifest, its signature
    # And it notices a change.
    (folder / "data.json").write_text("{}", encoding="utf-8")
    assert subprocess.run(["sha256sum", "-c", "SHA256SUMS"], cwd=folder, capture_output=True).returncode != 0


@pytest.mark.parametrize("err", [errno.ENOSPC, errno.EIO, errno.ENOENT])
def test_full_or_removed_stick_leaves_no_file(demo_store, tmp_path, monkeypatch, err):
    out = tmp_path / "usb"
    out.mkdir()
    real_open = open

    def failing_open(file, mode="r", *a, **k):
        fh = real_open(file, mode, *a, **k)
        if "w" in mode and str(file).endswith(".tmp"):
            fh.close()
            raise OSError(err, "simulated")
        return fh

    monkeypatch.setattr("builtins.open", failing_open)
    with pytest.raises(UserError) as e:
        pkg.make_package(demo_store, None, PERIOD, out, check_errors=False, documents=False)
    monkeypatch.undo()
    assert list(out.iterdir()) == []
    expected = {errno.ENOSPC: "đầy", errno.EIO: "USB", errno.ENOENT: "USB"}[err]
    assert expected in str(e.value)


def test_bad_read_back_removes_the_file(demo_store, tmp_path, monkeypatch):
    out = tmp_path / "usb"
    out.mkdir()
    calls = []
    real = pkg.verify_file

    def verify(path, members):
        calls.append(path)
        if len(calls) == 2:  # the read-back after the rename finds other bytes
            raise UserError("đọc lại không khớp")
        real(path, members)

    monkeypatch.setattr(pkg, "verify_file", verify)
    with pytest.raises(UserError):
        pkg.make_package(demo_store, None, PERIOD, out, check_errors=False, documents=False)
    assert list(out.iterdir()) == []


def test_missing_folder(demo_store, tmp_path):
    with pytest.raises(UserError, match="không tồn tại"):
        pkg.make_package(demo_store, None, PERIOD, tmp_path / "khong-co", check_errors=False, documents=False)


# --- importing ---------------------------------------------------------------------------
def test_round_trip_into_empty_upper_file(demo_store, package_file, upper):
    results = ip.import_packages(upper, [package_file])
    assert [r.status for r in results] == ["imported"], results[0].message
    up = upper.unit(None)
    assert (up["code"], up["name"], up["kind"]) == ("huyen-thanh-mien", "Thanh Miện", "huyen")
    commune = upper.unit(UNIT)
    assert commune["parent_code"] == "huyen-thanh-mien"
    assert dataio.dump(upper, UNIT, PERIOD) == dataio.dump(demo_store, UNIT, PERIOD)
    a = values.load_report(upper, UNIT, PERIOD, with_previous=False)
    b = values.load_report(demo_store, UNIT, PERIOD, with_previous=False)
    assert a.values == b.values
    assert a.measures("ubnd") == b.measures("ubnd")
    assert upper.find_period("huyen-thanh-mien", PERIOD) is not None
    hist = store_packages.history(upper)
    assert len(hist) == 1 and hist[0]["status"] == "current"
    raw = upper.db.execute("SELECT document FROM package_imports").fetchone()[0]
    assert isinstance(raw, bytes)  # as the zip holds it: a quarter of the text
    doc = store_packages.document_text(upper, hist[0]["id"])
    assert doc == read_members(package_file)[pkg.DATA].decode("utf-8")  # exactly as received
    assert len(raw) < len(doc.encode()) / 2
    assert json.loads(doc)["unit"]["code"] == UNIT


def test_reimport_same_changes_nothing(package_file, upper):
    ip.import_packages(upper, [package_file])
    before = data_dump(upper.path)
    results = ip.import_packages(upper, [package_file])
    assert [r.status for r in results] == ["unchanged"]
    assert data_dump(upper.path) == before


def test_newer_replaces_older_and_older_needs_force(demo_store, package_file, upper, tmp_path):
    pid = demo_store.get_period(UNIT, PERIOD)["id"]
    demo_store.set_value(pid, "BM1/1", "30")
    later = tmp_path / "usb2"
    later.mkdir()
    newer = pkg.make_package(demo_store, None, PERIOD, later, check_errors=False, documents=False, created_at="2023-12-17T10:00:00+07:00")

    assert ip.import_packages(upper, [package_file])[0].status == "imported"
    prev = ip.preview(upper, [newer, package_file])
    assert [p.status for p in prev] == ["newer", "older"]
    r = ip.import_packages(upper, [newer])[0]
    assert r.status == "replaced"
    assert values.load_report(upper, UNIT, PERIOD, with_previous=False).values["BM1/1"] == 30
    hist = store_packages.history(upper)
    assert [h["status"] for h in hist] == ["superseded", "current"]
    # The older one again: refused, nothing changes; --force imports it.
    before = data_dump(upper.path)
    r = ip.import_packages(upper, [package_file])[0]
    assert r.status == "refused" and "cũ hơn" in r.message
    assert data_dump(upper.path) == before
    assert store_packages.latest_refusals(upper, PERIOD)[UNIT]["reason"] == r.message
    r = ip.import_packages(upper, [package_file], force=True)[0]
    assert r.status == "replaced"
    assert values.load_report(upper, UNIT, PERIOD, with_previous=False).values["BM1/1"] == 25
    assert len(store_packages.history(upper)) == 3


def _variants(src: Path, tmp: Path, signing_key: bytes) -> dict[str, Path]:
    members = read_members(src)
    raw = src.read_bytes()
    out = {}
    # Tampered: one figure changed in data.json, hashes left as they were.
    doc = json.loads(members[pkg.DATA])
    doc["values"]["BM1/1"]["value"] = 999
    out["tampered"] = write_zip(tmp / "tampered.cchc", {**members, pkg.DATA: dataio.dumps(doc).encode()})
    # Tampered SHA256SUMS only (the manifest still right): the two must agree.
    out["sums"] = write_zip(tmp / "sums.cchc", {**members, pkg.SUMS: members[pkg.SUMS].replace(b"a", b"b", 1)})
    # Truncated: half a file, as when a stick is pulled out during the copy.
    (tmp / "truncated.cchc").write_bytes(raw[: len(raw) // 2])
    out["truncated"] = tmp / "truncated.cchc"
    # Zip slip: a member that would land outside the folder.
    out["zip-slip"] = write_zip(tmp / "slip.cchc", {**members, "../../evil.txt": b"x"}, reseal=True)
    out["absolute"] = write_zip(tmp / "abs.cchc", {**members, "/etc/evil.txt": b"x"})
    out["extra"] = write_zip(tmp / "extra.cchc", {**members, "run.exe": b"MZ"}, reseal=True)
    # Zip bomb: data.json blown up to 40 MB of spaces (compresses to ~40 kB), hashes consistent.
    bomb = members[pkg.DATA] + b" " * (40 * 1024 * 1024)
    out["zip-bomb"] = write_zip(tmp / "bomb.cchc", {**members, pkg.DATA: bomb}, reseal=True)
    # A smaller bomb within the size cap, caught by its compression ratio.
    bomb2 = members[pkg.DATA] + b" " * (8 * 1024 * 1024)
    out["ratio"] = write_zip(tmp / "ratio.cchc", {**members, pkg.DATA: bomb2}, reseal=True)
    # A header that lies about the size: declared small, actually large.
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for n, b in members.items():
            zf.writestr(n, b)
    lying = buf.getvalue()
    big = members[pkg.DATA]
    # Patch the central directory's uncompressed size of data.json to 10 bytes.
    idx = lying.find(b"PK\x01\x02")
    while idx != -1:
        name_len = int.from_bytes(lying[idx + 28: idx + 30], "little")
        name = lying[idx + 46: idx + 46 + name_len]
        if name == pkg.DATA.encode():
            lying = lying[:idx + 24] + (10).to_bytes(4, "little") + lying[idx + 28:]
        idx = lying.find(b"PK\x01\x02", idx + 4)
    assert len(big) > 10
    (tmp / "lying.cchc").write_bytes(lying)
    out["lying-size"] = tmp / "lying.cchc"
    # Versions: a newer package format, a newer data format, a newer schema (hashes consistent).
    for key, field, value in (("format", "format_version", 99), ("schema", "schema_version", SCHEMA_VERSION + 5)):
        m = json.loads(members[pkg.MANIFEST])
        m[field] = value
        out[f"newer-{key}"] = write_zip(tmp / f"newer-{key}.cchc",
                                        {**members, pkg.MANIFEST: json.dumps(m).encode()}, reseal=True)
    doc = json.loads(members[pkg.DATA])
    doc["format_version"] = 7
    out["newer-data"] = write_zip(tmp / "newer-data.cchc", {**members, pkg.DATA: dataio.dumps(doc).encode()},
                                  key=signing_key)
    # Not a package at all.
    (tmp / "text.cchc").write_text("xin chào", encoding="utf-8")
    out["not-zip"] = tmp / "text.cchc"
    # A package missing its data.
    out["no-data"] = write_zip(tmp / "nodata.cchc", {k: v for k, v in members.items() if k != pkg.DATA})
    # Valid hashes but the data is not a period document that loads (a figure of a wrong kind).
    doc = json.loads(members[pkg.DATA])
    doc["values"]["BM1/1"]["value"] = -5
    out["bad-figure"] = write_zip(tmp / "bad.cchc", {**members, pkg.DATA: dataio.dumps(doc).encode()},
                                  key=signing_key)
    return out


def test_bad_packages_are_refused_and_file_unchanged(package_file, commune_key, upper, tmp_path):
    # The upper file already holds one import, so "unchanged" covers real content.
    ip.import_packages(upper, [package_file])
    upper.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    before = data_dump(upper.path)
    variants = _variants(package_file, tmp_path, commune_key)
    results = ip.import_packages(upper, list(variants.values()))
    assert len(results) == len(variants)
    for (name, path), r in zip(variants.items(), results):
        assert r.status == "refused", (name, r)
        assert r.message, name
    assert data_dump(upper.path) == before
    by_name = dict(zip(variants, results))
    assert "cập nhật phần mềm" in by_name["newer-format"].message
    assert "cập nhật phần mềm" in by_name["newer-schema"].message
    assert "cập nhật phần mềm" in by_name["newer-data"].message
    assert "không khớp" in by_name["tampered"].message
    assert "không an toàn" in by_name["zip-slip"].message
    assert "bom nén" in by_name["ratio"].message or "quá lớn" in by_name["ratio"].message
    assert "quá lớn" in by_name["zip-bomb"].message


def test_bad_package_among_good_ones_does_not_stop_them(demo_store, package_file, tmp_path):
    store = open_store(tmp_path / "h.sqlite")
    try:
        bad = tmp_path / "bad.cchc"
        bad.write_bytes(package_file.read_bytes()[:100])
        results = ip.import_packages(store, [bad, package_file])
        assert [r.status for r in results] == ["refused", "imported"]
    finally:
        store.close()


def test_check_package_reads_key_figures(package_file):
    info = ip.check_package(package_file)
    assert info.unit_code == UNIT and info.period_code == PERIOD
    assert info.key_figures()["Hồ sơ Một cửa tiếp nhận"] == "3.225"
    assert info.key_figures()["Tỷ lệ đúng hạn"] == "100 %"


def test_preview_says_what_would_happen(package_file, upper, tmp_path):
    bad = tmp_path / "x.cchc"
    bad.write_bytes(b"PK")
    prev = ip.preview(upper, [package_file, bad])
    assert [p.status for p in prev] == ["new", "refused"]
    assert prev[0].upper["code"] == "huyen-thanh-mien" and not prev[0].upper["exists"]
    assert table_dump(upper.path).get("units") == []
    ip.import_packages(upper, [package_file])
    assert ip.preview(upper, [package_file])[0].status == "same"


def test_commune_file_refuses_packages(demo_store, package_file):
    before = table_dump(demo_store.path)
    r = ip.import_packages(demo_store, [package_file])[0]
    assert r.status == "refused" and "cấp trên" in r.message
    assert table_dump(demo_store.path) == before


def test_package_for_another_upper_is_refused(package_file, upper, tmp_path):
    upper.create_unit("huyen-khac", "Ninh Giang", "huyen")
    r = ip.import_packages(upper, [package_file])[0]
    assert r.status == "refused" and "huyện Thanh Miện" in r.message


def test_unknown_catalogue_without_its_text_is_refused(package_file, commune_key, upper, tmp_path):
    members = read_members(package_file)
    del members[pkg.CATALOGUE]
    doc = json.loads(members[pkg.DATA])
    doc["catalogue_version"] = "KHAC-1"
    members[pkg.DATA] = dataio.dumps(doc).encode()
    m = json.loads(members[pkg.MANIFEST])
    m["catalogue_version"] = "KHAC-1"
    members[pkg.MANIFEST] = json.dumps(m).encode()
    p = write_zip(tmp_path / "cat.cchc", members, key=commune_key)
    r = ip.import_packages(upper, [p])[0]
    assert r.status == "refused" and "danh mục" in r.message


def test_folder_expands_to_packages(package_file, upper):
    results = ip.import_packages(upper, [package_file.parent])
    assert [r.status for r in results] == ["imported"]


# --- command line --------------------------------------------------------------------------
def test_cli_package_import_rollup(demo_file, tmp_path):
    src = tmp_path / "xa.sqlite"
    shutil.copy(demo_file, src)
    out = tmp_path / "usb"
    out.mkdir()
    assert run_cli("chap-nhan-loi", "--db", src, "--period", PERIOD, "--tat-ca", "--ly-do", "Đúng văn bản gốc").returncode == 0
    done = run_cli("package", "--db", src, "--period", PERIOD, "--out", out, "--khong-kem-van-ban", "--chot")
    assert done.returncode == 0, done.stderr
    path = Path(done.stdout.strip())
    assert path.exists() and path.parent == out
    db = tmp_path / "huyen.sqlite"
    bad = tmp_path / "bad.cchc"
    bad.write_bytes(b"not a zip")
    done = run_cli("import-package", "--db", db, path, bad)
    assert done.returncode == 1
    lines = done.stdout.splitlines()
    assert "đã nhập" in lines[0] and "bị từ chối" in lines[1]
    done = run_cli("import-package", "--db", db, path)
    assert done.returncode == 0 and "không thay đổi" in done.stdout
    done = run_cli("rollup", "--db", db, "--period", PERIOD, "--json")
    assert done.returncode == 0, done.stderr
    doc = json.loads(done.stdout)
    assert doc["upper"]["name"] == "huyện Thanh Miện"
    assert doc["dossiers"]["ubnd"]["tiep_nhan"] == 3225
    assert [c["status"] for c in doc["communes"]] == ["tre_han"]


def test_package_with_word_and_excel(demo_store, tmp_path, upper):
    out = tmp_path / "usb-docs"
    out.mkdir()
    path = pkg.make_package(demo_store, None, PERIOD, out, check_errors=False)
    members = read_members(path)
    assert {pkg.DOCX, pkg.XLSX} <= set(members)
    from docx import Document

    text = "\n".join(p.text for p in Document(io.BytesIO(members[pkg.DOCX])).paragraphs)
    assert "Chi Lăng Nam".upper() in text.upper()
    if shutil.which("sha256sum"):
        folder = tmp_path / "unpacked-docs"
        with zipfile.ZipFile(path) as zf:
            zf.extractall(folder)
        assert subprocess.run(["sha256sum", "-c", "SHA256SUMS"], cwd=folder, capture_output=True).returncode == 0
    assert [r.status for r in ip.import_packages(upper, [path])] == ["imported"]


@pytest.mark.parametrize("where, change", [
    ("manifest", lambda m, d: m.update(unit="xa")),
    ("raw", lambda m, d: m.update(members=[])),
    ("manifest", lambda m, d: m.update(created_at=5)),
    ("data", lambda m, d: d["unit"].update(upper_name=12)),
    ("data", lambda m, d: d.update(dossiers=[1, 2])),
    ("data", lambda m, d: d["dossiers"]["ubnd"].update(total=[1])),
    ("data", lambda m, d: d["period"].update(code="2023-Q9")),
    ("data", lambda m, d: d.update(values={"BM1/1": 5})),
    ("data", lambda m, d: d.update(narrative={"I.1": "x"})),
])
def test_malformed_content_is_refused_never_a_crash(package_file, upper, tmp_path, where, change):
    members = read_members(package_file)
    m, d = json.loads(members[pkg.MANIFEST]), json.loads(members[pkg.DATA])
    change(m, d)
    if where == "data" and "code" in d.get("period", {}):
        m["period"]["code"] = d["period"]["code"]
    members[pkg.MANIFEST] = json.dumps(m).encode()
    members[pkg.DATA] = json.dumps(d).encode()
    p = write_zip(tmp_path / "odd.cchc", members, reseal=where != "raw")
    ip.import_packages(upper, [package_file])
    before = data_dump(upper.path)
    assert [pv.status for pv in ip.preview(upper, [p])] == ["refused"]
    r = ip.import_packages(upper, [p])[0]
    assert r.status == "refused" and r.message
    assert data_dump(upper.path) == before


def test_an_upper_levels_new_period_starts_from_the_consolidated_reports_texts(tmp_path):
    from cchc_desktop.report import default_texts

    store = open_store(tmp_path / "tren.sqlite")
    try:
        store.create_unit("h", "Gia Lộc", "huyen")
        store.create_unit("x", "Tân Lập", "xa")
        assert store.narratives(store.create_period("h", "2023-NAM")["id"]) == {}  # the store writes no default
        upper = default_texts.new_period(store, "h", "2024-NAM")
        texts = store.narratives(upper["id"])
        assert texts == {k: {"title": None, "text": t["text"]} for k, t in default_texts.upper_narratives().items()}
        assert "{{hs.ubnd.ty_le_dung_han}}" in texts["II.2"]["text"] and set(texts) >= {"I.1", "II.6", "KET"}
        assert store.narratives(default_texts.new_period(store, "x", "2024-NAM")["id"]) == {}  # a commune's: setup_unit's job
        # Carried over from an earlier period of the same legal frame, the upper level keeps its own words …
        store.set_narrative(upper["id"], "V", text="- Đề nghị tỉnh mở lớp tập huấn.")
        nxt = default_texts.new_period(store, "h", "2024-9T", carry_from=upper["id"])
        assert store.narratives(nxt["id"])["V"]["text"] == "- Đề nghị tỉnh mở lớp tập huấn."
        # … and from another frame (2024 → the two tiers of 2025) it starts from the new frame's texts
        later = default_texts.new_period(store, "h", "2025-NAM", carry_from=upper["id"])
        assert store.narratives(later["id"]) == {
            k: {"title": t.get("title"), "text": t["text"]}
            for k, t in default_texts.upper_narratives(store.period(later["id"])).items()}
        # The welcome screen's upper level: the consolidated texts, not a commune's.
        p = default_texts.setup_unit(store, "t", "Hải Dương", "tinh", period_code="2024-NAM")
        assert store.narratives(p["id"])["I.1"]["text"] == texts["I.1"]["text"]
    finally:
        store.close()
