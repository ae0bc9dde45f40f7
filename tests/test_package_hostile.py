"""Hostile packages against a province's file (issue 19): a package changes nothing but its own
commune's rows, is signed by the key pinned for its commune, and every refusal is one line of
plain Vietnamese with the province's file unchanged."""
from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path

import pytest

from cchc_desktop import dataio
from cchc_desktop.domain import official_choice, official_units
from cchc_desktop.exporting import package as pkg
from cchc_desktop.importing import package as ip
from cchc_desktop.report import aggregate, default_texts
from cchc_desktop.store import open_store, packages as store_packages
from tests.conftest import run_cli
from tests.test_package import data_dump, edited, read_members, write_zip

PERIOD = "2025-NAM"  # its window ends after 1/7/2025: the two-tier frame, the province as upper level
TAN_HUNG, CAT_HAI = "10537", "11914"  # two units of Hải Phòng (31)
BA_DINH = "00004"  # a unit of Hà Nội
# What a Python error's text looks like, never to reach a clerk.
PYTHON_WORDS = re.compile(r"Error|Exception|<class|Python|Traceback|int too large|decimal\.|\w+\(\)")


def commune(folder: Path, official: str, received: int = 10, **override) -> object:
    """A commune's own data file: the official unit (its fields overridden), one period in which
    its desk received `received` dossiers."""
    fields = official_choice.unit_fields(official_units.unit(official))
    fields.update(override)
    store = open_store(folder / f"{fields['code']}-{len(list(folder.iterdir()))}.sqlite")
    period = default_texts.setup_unit(store, fields.pop("code"), fields.pop("name"), fields.pop("kind"), PERIOD,
                                      **fields)
    store.set_dossier(period["id"], "ubnd", "", "truc_tiep", str(received))
    return store


def make(store, folder: Path, created_at: str = "2025-12-16T09:00:00+07:00") -> Path:
    folder.mkdir(exist_ok=True)
    return pkg.make_package(store, None, PERIOD, folder, check_errors=False, documents=False, created_at=created_at)


def dump(path: Path) -> dict:
    """Every table but the record of refused packages (the one thing a refusal writes)."""
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    return data_dump(path)


@pytest.fixture
def desk(tmp_path):
    """The province's file after Tân Hưng and Cát Hải sent their packages (keys pinned)."""
    src = tmp_path / "xa"
    src.mkdir()
    tan_hung, cat_hai = commune(src, TAN_HUNG), commune(src, CAT_HAI)
    files = [make(tan_hung, tmp_path / "usb"), make(cat_hai, tmp_path / "usb")]
    upper = open_store(tmp_path / "tinh.sqlite")
    results = ip.import_packages(upper, files)
    assert [r.status for r in results] == ["imported", "imported"], results
    yield {"upper": upper, "tan_hung": tan_hung, "cat_hai": cat_hai, "src": src, "tmp": tmp_path,
           "package": files[0]}
    for s in (upper, tan_hung, cat_hai):
        s.close()


def refused(desk, path: Path, *words: str, accept_new_key: bool = False) -> str:
    upper = desk["upper"]
    before = dump(upper.path)
    r = ip.import_packages(upper, [path], accept_new_key=accept_new_key)[0]
    assert r.status == "refused", r
    assert dump(upper.path) == before, "the province's file changed"
    assert not PYTHON_WORDS.search(r.message), r.message
    assert "\n" not in r.message
    for w in words:
        assert w in r.message, r.message
    return r.message


def test_the_province_is_made_and_keys_are_pinned_with_their_fingerprints(desk):
    upper = desk["upper"]
    province = upper.unit(None)
    assert (province["code"], province["kind"]) == ("31", "thanh_pho")
    keys = store_packages.pinned_keys(upper)
    assert set(keys) == {TAN_HUNG, CAT_HAI}
    assert keys[TAN_HUNG]["fingerprint"] == pkg.fingerprint(desk["tan_hung"], TAN_HUNG)
    assert re.fullmatch(r"\d{4} \d{4} \d{4} \d{4}", keys[TAN_HUNG]["fingerprint"])
    assert keys[TAN_HUNG]["fingerprint"] != keys[CAT_HAI]["fingerprint"]


def test_first_import_says_the_fingerprint_to_check_by_phone(tmp_path):
    src = tmp_path / "xa"
    src.mkdir()
    store = commune(src, TAN_HUNG)
    r = run_cli("import-package", "--db", tmp_path / "tinh.sqlite", make(store, tmp_path / "usb"))
    assert r.returncode == 0, r.stderr
    assert pkg.fingerprint(store, TAN_HUNG) in r.stdout and "gọi điện" in r.stdout
    store.close()


def test_a_package_with_the_provinces_own_code_is_refused(desk):
    fake = commune(desk["src"], TAN_HUNG, code="31", name="Giả")
    refused(desk, make(fake, desk["tmp"] / "fake"), "trùng mã", "thành phố Hải Phòng")
    fake.close()


def test_a_package_into_an_empty_file_with_the_upper_code_is_refused_and_leaves_no_file(tmp_path):
    src = tmp_path / "xa"
    src.mkdir()
    fake = commune(src, TAN_HUNG, code="31", name="Giả")
    db = tmp_path / "moi" / "tinh.sqlite"
    db.parent.mkdir()
    r = run_cli("import-package", "--db", db, make(fake, tmp_path / "usb"))
    assert r.returncode == 1 and "trùng mã" in r.stdout
    assert list(db.parent.iterdir()) == []  # a refused import leaves nothing that was not there
    fake.close()


def test_a_unit_of_another_province_is_refused(desk):
    # Ba Đình (Hà Nội) claiming Hải Phòng as its upper level
    stray = commune(desk["src"], BA_DINH, upper_name="thành phố Hải Phòng", upper_code="31")
    refused(desk, make(stray, desk["tmp"] / "stray"), "Phường Ba Đình", "Thành phố Hà Nội", "không thuộc")
    stray.close()


def _signed(desk, name: str, change_doc=None, change_manifest=None) -> Path:
    """The Tân Hưng package changed and signed again with Tân Hưng's own key (its app gone wrong);
    newer than the one the province holds."""
    members = edited(read_members(desk["package"]), change_doc, change_manifest, created_at="2025-12-20T09:00:00+07:00")
    return write_zip(desk["tmp"] / name, members, key=pkg.signing_key(desk["tan_hung"], TAN_HUNG))


def _set(path: str, value):
    def change(obj):
        *head, last = path.split("/")
        for k in head:
            obj = obj[k]
        obj[last] = value
    return change


def test_a_kind_that_is_not_a_commune_is_refused(desk):
    def upper_kind(doc):
        doc["unit"]["kind"] = "tinh"
    refused(desk, _signed(desk, "kind.cchc", upper_kind), "cấp xã")


@pytest.mark.parametrize("field, value, words", [
    ("schema_version", "99", "phiên bản cấu trúc dữ liệu sai dạng"),
    ("schema_version", True, "phiên bản cấu trúc dữ liệu sai dạng"),
    ("data_format_version", 10**40, "phiên bản dữ liệu sai dạng"),
    ("created_at", 20251216, "thời điểm lập gói"),
    ("unit/name", ["Tân Hưng"], "đơn vị sai dạng"),
    ("period/code", 2025, "kỳ báo cáo sai dạng"),
])
def test_manifest_fields_are_type_checked(desk, field, value, words):
    refused(desk, _signed(desk, "manifest.cchc", change_manifest=_set(field, value)), words)


@pytest.mark.parametrize("where, value, words", [
    ("dossiers/ubnd/total/truc_tiep", 10**30, "quá lớn"),
    ("dossiers/ubnd/total/truc_tiep", 2**63, "quá lớn"),
    ("values/BM1/1", {"value": "12abc", "note": ""}, "không phải một con số"),
    ("values/BM1/1", {"value": "1e99999999999999999", "note": ""}, "quá lớn"),
    ("values/BM1/1", {"value": "NaN", "note": ""}, "không phải một con số"),
    ("values/BM1/1", {"value": [1], "note": ""}, "không phải một con số"),
    ("narrative/x", {"title": {"a": 1}, "text": ""}, "lời văn không đúng dạng"),
    ("documents", [["215", "BC-UBND"]], "danh sách văn bản sai dạng"),
    ("documents", [{"number": {"a": 1}}], "văn bản thứ 1 không đúng dạng"),
])
def test_data_that_is_no_number_too_large_or_mistyped_is_refused_in_vietnamese(desk, where, value, words):
    def change(doc):
        if where.startswith(("values/", "narrative/")):
            part, _, key = where.partition("/")
            doc[part][key] = value
        elif where == "documents":
            doc["documents"] = value
        else:
            doc["dossiers"].setdefault("ubnd", {"fields": [], "total": {}})
            _set(where, value)(doc)
    refused(desk, _signed(desk, "figure.cchc", change), words)


def test_edited_data_with_recomputed_sums_is_refused_by_its_signature(desk):
    members = read_members(desk["package"])
    doc = json.loads(members[pkg.DATA])
    doc["dossiers"].setdefault("ubnd", {"fields": [], "total": {}})["total"]["truc_tiep"] = 1000
    forged = write_zip(desk["tmp"] / "forged.cchc", {**members, pkg.DATA: dataio.dumps(doc).encode()}, reseal=True)
    refused(desk, forged, "chữ ký của gói không đúng")


def test_an_unsigned_package_is_refused(desk):
    members = read_members(desk["package"])
    del members[pkg.SIGNATURE]
    manifest = json.loads(members[pkg.MANIFEST])
    manifest["format_version"] = 1
    del manifest["signing_key"]
    old = write_zip(desk["tmp"] / "v1.cchc", {**members, pkg.MANIFEST: json.dumps(manifest).encode()}, reseal=True)
    refused(desk, old, "chưa được ký")


def test_another_commune_with_its_code_and_its_own_key_is_refused(desk):
    # Another PC makes a file for Tân Hưng (same code, same name) and sends "its" figures.
    impostor = commune(desk["src"], TAN_HUNG)
    path = make(impostor, desk["tmp"] / "impostor", created_at="2025-12-20T09:00:00+07:00")
    message = refused(desk, path, "khóa khác", "gọi điện", "--chap-nhan-khoa-moi",
                      pkg.fingerprint(desk["tan_hung"], TAN_HUNG), pkg.fingerprint(impostor, TAN_HUNG))
    assert "phường Tân Hưng" in message
    impostor.close()


def test_a_new_key_is_accepted_only_explicitly_and_audited(desk):
    # Tân Hưng's new PC: a new data file, a new key.
    upper = desk["upper"]
    new_pc = commune(desk["src"], TAN_HUNG, received=12)
    path = make(new_pc, desk["tmp"] / "new-pc", created_at="2025-12-20T09:00:00+07:00")
    refused(desk, path, "khóa khác")
    r = ip.import_packages(upper, [path], accept_new_key=True)[0]
    assert r.status == "replaced" and "chấp nhận khóa mới" in r.message, r
    new_fp = pkg.fingerprint(new_pc, TAN_HUNG)
    assert store_packages.pinned_key(upper, TAN_HUNG)["fingerprint"] == new_fp
    audit = upper.history(target="key.accepted")
    assert [(a["unit_code"], a["new"]) for a in audit] == [(TAN_HUNG, new_fp)]
    # The old PC's packages are now the foreign ones.
    later = make(desk["tan_hung"], desk["tmp"] / "old-pc", created_at="2025-12-21T09:00:00+07:00")
    refused(desk, later, "khóa khác")
    new_pc.close()


def test_cli_accepts_a_new_key_with_its_flag(desk):
    upper = desk["upper"]
    db = upper.path
    upper.close()
    new_pc = commune(desk["src"], TAN_HUNG)
    path = make(new_pc, desk["tmp"] / "new-pc", created_at="2025-12-20T09:00:00+07:00")
    r = run_cli("import-package", "--db", db, path)
    assert r.returncode == 1 and "khóa khác" in r.stdout
    r = run_cli("import-package", "--db", db, "--chap-nhan-khoa-moi", path)
    assert r.returncode == 0 and "chấp nhận khóa mới" in r.stdout, r.stdout + r.stderr
    desk["upper"] = open_store(db)
    new_pc.close()


def test_status_lists_every_commune_of_the_province(desk):
    r = aggregate.rollup(desk["upper"], PERIOD)
    codes = {c.code for c in r.communes}
    assert codes == {u.code for u in official_units.units("31")}
    assert {c.code for c in r.reported} == {TAN_HUNG, CAT_HAI}
    out = run_cli("rollup", "--db", desk["upper"].path, "--period", PERIOD)
    assert out.returncode == 0, out.stderr
    assert "2/114" in out.stdout and out.stdout.count("Chưa nộp") == 112
    line = next(x for x in out.stdout.splitlines() if "phường Tân Hưng" in x)
    assert line.endswith(f"mã khóa {pkg.fingerprint(desk['tan_hung'], TAN_HUNG)}")


def test_the_first_package_makes_the_key_with_the_writer_lock(tmp_path):
    from cchc_desktop.store.lock import IN_USE_MESSAGE

    src = tmp_path / "xa"
    src.mkdir()
    store = commune(src, TAN_HUNG)  # holds the lock, as a window does
    (tmp_path / "usb").mkdir()
    r = run_cli("package", "--db", store.path, "--period", PERIOD, "--out", tmp_path / "usb", "--khong-kem-van-ban", "--chot")
    assert r.returncode == 1 and IN_USE_MESSAGE.format(name=Path(store.path).name) in r.stderr
    assert pkg.fingerprint(store, TAN_HUNG) is None  # nothing written
    db = store.path
    store.close()
    # the default text's blanks "…" (Kế hoạch số …/KH-UBND) are errors: accepted here, as the test is the key
    assert run_cli("chap-nhan-loi", "--db", db, "--period", PERIOD, "--tat-ca", "--ly-do", "Thử").returncode == 0
    r = run_cli("package", "--db", db, "--period", PERIOD, "--out", tmp_path / "usb", "--khong-kem-van-ban", "--chot")
    assert r.returncode == 0, r.stderr
    store = open_store(db)
    fingerprint = pkg.fingerprint(store, TAN_HUNG)
    assert fingerprint and f"Mã khóa của đơn vị: {fingerprint}" in r.stderr
    assert ip.check_package(Path(r.stdout.strip())).fingerprint == fingerprint
    store.close()


def test_a_refusal_is_recorded_and_shown_in_the_status_until_a_package_is_accepted(desk):
    upper = desk["upper"]
    impostor = commune(desk["src"], TAN_HUNG, received=12)
    path = make(impostor, desk["tmp"] / "impostor", created_at="2025-12-20T09:00:00+07:00")
    message = refused(desk, path, "khóa khác")
    tan_hung = next(c for c in aggregate.rollup(upper, PERIOD).communes if c.code == TAN_HUNG)
    assert tan_hung.status == "dung_han" and tan_hung.refusal == message
    assert tan_hung.status_label == f"Đã nộp đúng hạn; gói nộp sau bị từ chối: {message}"
    out = run_cli("rollup", "--db", upper.path, "--period", PERIOD)
    assert f"phường Tân Hưng: Đã nộp đúng hạn; gói nộp sau bị từ chối: {message}" in out.stdout, out.stdout
    out = run_cli("rollup", "--db", upper.path, "--period", PERIOD, "--xlsx-tinh-trang", desk["tmp"] / "tt.xlsx")
    assert out.returncode == 0, out.stderr
    from openpyxl import load_workbook

    rows = list(load_workbook(desk["tmp"] / "tt.xlsx")["Tình trạng nộp"].iter_rows(min_row=4, values_only=True))
    assert len(rows) == 114  # every unit of Hải Phòng's official list, sent or not
    row = next(r for r in rows if r[1] == TAN_HUNG)
    assert row[2:5] == ("phường", "Tân Hưng", f"Đã nộp đúng hạn; gói nộp sau bị từ chối: {message}")
    assert row[7] == "Không" and row[8] == pkg.fingerprint(desk["tan_hung"], TAN_HUNG)
    # Accepted since (the officer checked the new key): the refusal is no longer the status.
    assert ip.import_packages(upper, [path], accept_new_key=True)[0].status == "replaced"
    tan_hung = next(c for c in aggregate.rollup(upper, PERIOD).communes if c.code == TAN_HUNG)
    assert tan_hung.refusal is None and tan_hung.status_label == "Đã nộp đúng hạn"
    impostor.close()


def test_a_commune_with_only_a_refused_package_is_refused_not_missing(desk):
    upper = desk["upper"]
    third = next(u.code for u in official_units.units("31") if u.code not in (TAN_HUNG, CAT_HAI))
    sender = commune(desk["src"], third)
    before = dump(upper.path)

    def no_backup():
        raise ip.UserError("không sao lưu được tệp dữ liệu trước khi nhập")

    r = ip.import_one(upper, ip.check_package(make(sender, desk["tmp"] / "third")), before_write=no_backup)
    assert r.status == "refused" and dump(upper.path) == before
    status = next(c for c in aggregate.rollup(upper, PERIOD).communes if c.code == third)
    assert (status.status, status.status_label) == ("bi_tu_choi", f"Bị từ chối: {r.message}")
    sender.close()
