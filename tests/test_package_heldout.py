"""More hostile packages against a province's file (issue 19's "how it will be checked"): kinds the
other tests do not make. Each is refused with one line of plain Vietnamese and the province's file
unchanged (its logical dump, iterdump, but for the record of the refusal itself)."""
from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest

from cchc_desktop import dataio
from cchc_desktop.domain import official_units
from cchc_desktop.exporting import package as pkg
from cchc_desktop.importing import package as ip
from cchc_desktop.report import aggregate
from cchc_desktop.store import packages as store_packages
from tests.test_package import edited, read_members, write_zip
from tests.test_package_desk import logical_dump
from tests.test_package_hostile import (BA_DINH, CAT_HAI, PERIOD, PYTHON_WORDS, TAN_HUNG, commune, desk,  # noqa: F401
                                        make)

LATER = "2025-12-20T09:00:00+07:00"


def refused(desk, path: Path, *words: str) -> str:
    upper = desk["upper"]
    upper.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    before = logical_dump(upper.path)
    r = ip.import_packages(upper, [path])[0]
    assert r.status == "refused", r
    upper.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    assert logical_dump(upper.path) == before, "the province's file changed"
    assert r.message and "\n" not in r.message and not PYTHON_WORDS.search(r.message), r.message
    for w in words:
        assert w in r.message, r.message
    return r.message


def genuine(desk) -> dict[str, bytes]:
    return read_members(desk["package"])


def raw_zip(path: Path, entries: list[tuple[str, bytes]], compress=zipfile.ZIP_DEFLATED) -> Path:
    """A zip written entry by entry, as given (duplicate names too)."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns about a duplicate name: that is the point
        with zipfile.ZipFile(path, "w", compress) as zf:
            for name, data in entries:
                zf.writestr(name, data)
    return path


def resigned(desk, name: str, doc_text=None, change_doc=None, change_manifest=None) -> Path:
    """Tân Hưng's package changed, sealed and signed again with Tân Hưng's own key (pinned: its
    app gone wrong or its key stolen). `doc_text` writes data.json's text itself."""
    members = edited(genuine(desk), change_doc, change_manifest, created_at=LATER, doc_text=doc_text)
    return write_zip(desk["tmp"] / f"{name}.cchc", members, key=pkg.signing_key(desk["tan_hung"], TAN_HUNG))


def _with_value(raw_json: str):
    """data.json with BM1/1's value written as this raw JSON text (NaN, Infinity, 1e400…)."""
    def text(doc):
        doc["values"]["BM1/1"] = {"value": "@@", "note": ""}
        return json.dumps(doc, ensure_ascii=False).replace('"@@"', raw_json)
    return text


def _with_dossier(raw_json: str):
    def text(doc):
        doc["dossiers"].setdefault("ubnd", {"fields": [], "total": {}})["total"]["truc_tiep"] = "@@"
        return json.dumps(doc, ensure_ascii=False).replace('"@@"', raw_json)
    return text


def _both(part: str, key: str, value):
    """The same field changed in the manifest and in data.json (so they still agree)."""
    def doc(d):
        d[part][key] = value

    def manifest(m):
        m[part][key] = value
    return {"change_doc": doc, "change_manifest": manifest}


def _bomb_docx(desk):
    members = genuine(desk)
    members[pkg.DOCX] = b"\0" * (60 * 1024 * 1024)  # 60 MB of zeros: deflates to ~60 kB
    return write_zip(desk["tmp"] / "docx-bomb.cchc", members, key=pkg.signing_key(desk["tan_hung"], TAN_HUNG))


def _nested_zip_bomb(desk):
    """A Word file that is itself a zip of a 90 MB member (a bomb for whoever opens it), stored."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("word/document.xml", b"<" * (90 * 1024 * 1024))
    members = {**genuine(desk), pkg.DOCX: buf.getvalue()}
    return write_zip(desk["tmp"] / "nested-bomb.cchc", members, key=pkg.signing_key(desk["tan_hung"], TAN_HUNG))


def _duplicate(desk, name: str, second: bytes):
    members = genuine(desk)
    entries = list(members.items()) + [(name, second)]
    return raw_zip(desk["tmp"] / "dup.cchc", entries)


def _with_member(desk, tag: str, name: str, data: bytes = b"x", reseal: bool = True):
    return write_zip(desk["tmp"] / f"{tag}.cchc", {**genuine(desk), name: data}, reseal=reseal)


def _other_signature(desk):
    """Cát Hải's genuine signature put on Tân Hưng's genuine package."""
    theirs = read_members(make(desk["cat_hai"], desk["tmp"] / "cat-hai-again"))
    return write_zip(desk["tmp"] / "other-sig.cchc", {**genuine(desk), pkg.SIGNATURE: theirs[pkg.SIGNATURE]})


def _sums_over_other_data(desk):
    """The manifest and its signature genuine, data.json edited and SHA256SUMS recomputed over it."""
    members = genuine(desk)
    doc = json.loads(members[pkg.DATA])
    doc["dossiers"].setdefault("ubnd", {"fields": [], "total": {}})["total"]["truc_tiep"] = 5000
    members[pkg.DATA] = dataio.dumps(doc).encode()
    members[pkg.SUMS] = pkg.sums_text(members).encode()
    return write_zip(desk["tmp"] / "sums-other.cchc", members)


def _pinned_key_for(desk, tag: str, official: str, **override):
    """A package of another unit, signed by Tân Hưng's key (pinned in the province's file)."""
    store = commune(desk["src"], official, **override)
    try:
        members = pkg.build_members(store, None, PERIOD, documents=False, created_at=LATER)
        return write_zip(desk["tmp"] / f"{tag}.cchc", members, key=pkg.signing_key(desk["tan_hung"], TAN_HUNG))
    finally:
        store.close()


def _another_period(desk, tag: str, period_code: str, official: str = TAN_HUNG, **override):
    """A genuine package (own key, first use) of another period."""
    from cchc_desktop.report import default_texts
    from cchc_desktop.store import open_store
    from cchc_desktop.domain import official_choice

    fields = {**official_choice.unit_fields(official_units.unit(official)), **override}
    store = open_store(desk["src"] / f"{tag}.sqlite")
    try:
        default_texts.setup_unit(store, fields.pop("code"), fields.pop("name"), fields.pop("kind"), period_code,
                                 **fields)
        out = desk["tmp"] / tag
        out.mkdir()
        return pkg.make_package(store, None, period_code, out, check_errors=False, documents=False, created_at=LATER)
    finally:
        store.close()


def _renamed_locally(desk):
    """The central directory says data.json, the member's own header says dbta.json."""
    path = write_zip(desk["tmp"] / "local-name.cchc", genuine(desk))
    raw = bytearray(path.read_bytes())
    at = raw.find(b"PK\x03\x04" + b"\0" * 0, 0)
    while at != -1:
        n = int.from_bytes(raw[at + 26:at + 28], "little")
        if raw[at + 30:at + 30 + n] == pkg.DATA.encode():
            raw[at + 31] = ord("b")
            break
        at = raw.find(b"PK\x03\x04", at + 4)
    path.write_bytes(bytes(raw))
    return path


HOSTILE = {
    # zips
    "docx-deflate-bomb": (_bomb_docx, ("bom nén",)),
    "duplicate-data-json": (lambda d: _duplicate(d, pkg.DATA, b"{}"), ("trùng tên",)),
    "duplicate-manifest": (lambda d: _duplicate(d, pkg.MANIFEST, genuine(d)[pkg.MANIFEST]), ("trùng tên",)),
    "backslash-traversal": (lambda d: _with_member(d, "bs", "..\\..\\evil.bat"), ("không an toàn",)),
    "dot-segment": (lambda d: _with_member(d, "dot", "./data.json"), ("không an toàn",)),
    "drive-letter": (lambda d: _with_member(d, "drive", "C:/Windows/evil.dll"), ("không an toàn",)),
    "lookalike-member-name": (lambda d: _with_member(d, "cyr", "dаta.json"), ("thành phần lạ",)),  # Cyrillic а
    "upper-case-member-name": (lambda d: _with_member(d, "upper", "DATA.JSON"), ("thành phần lạ",)),
    "nul-in-member-name": (lambda d: _with_member(d, "nul", "data.json\x00.exe"), ("gói",)),
    # the manifest
    "manifest-unknown-field": (lambda d: resigned(d, "mf-extra", change_manifest=lambda m: m.update(
        run="cmd.exe /c del *")), ("bản kê", "lạ")),
    "manifest-unit-unknown-field": (lambda d: resigned(d, "mf-unit-extra", change_manifest=lambda m: m["unit"].update(
        parent_code="31")), ("bản kê", "lạ")),
    "manifest-app-not-an-object": (lambda d: resigned(d, "mf-app", change_manifest=lambda m: m.update(app=7)),
                                   ("bản kê",)),
    "accepted-errors-mistyped": (lambda d: resigned(d, "mf-acc", change_manifest=lambda m: m.update(
        accepted_errors={"a": 1})), ("bản kê",)),
    "data-unknown-field": (lambda d: resigned(d, "data-extra", change_doc=lambda doc: doc.update(
        units=[{"code": "31", "kind": "xa"}])), ("lạ",)),
    # numbers
    "value-NaN-literal": (lambda d: resigned(d, "nan", doc_text=_with_value("NaN")), ("BM1/1", "không phải một con số")),
    "value-Infinity-literal": (lambda d: resigned(d, "inf", doc_text=_with_value("-Infinity")), ("BM1/1",)),
    "value-1e400": (lambda d: resigned(d, "e400", doc_text=_with_value("1e400")), ("BM1/1",)),
    "value-huge-int": (lambda d: resigned(d, "hugeint", doc_text=_with_value("1" + "0" * 30)), ("BM1/1", "quá lớn")),
    "value-5000-digits": (lambda d: resigned(d, "digits", doc_text=_with_value("9" * 5000)), ("gói",)),
    "dossier-NaN-literal": (lambda d: resigned(d, "dnan", doc_text=_with_dossier("NaN")), ("số hồ sơ",)),
    "dossier-negative-zero-float": (lambda d: resigned(d, "dneg0", doc_text=_with_dossier("-0.0")), ("số hồ sơ",)),
    "dossier-float": (lambda d: resigned(d, "dfloat", doc_text=_with_dossier("1.5")), ("số hồ sơ",)),
    "deep-nesting": (lambda d: resigned(d, "deep", doc_text=lambda doc: json.dumps(doc)[:-1]
                                        + ', "x": ' + "[" * 100000 + "]" * 100000 + "}"), ("gói",)),
    # periods
    "period-lower-case": (lambda d: resigned(d, "p-lower", **_both("period", "code", "2025-nam")), ("kỳ",)),
    "period-with-space": (lambda d: resigned(d, "p-space", **_both("period", "code", "2025-NAM ")), ("kỳ",)),
    "period-unknown-kind": (lambda d: resigned(d, "p-q5", **_both("period", "code", "2025-Q5")), ("Kỳ báo cáo",)),
    "period-year-out-of-range": (lambda d: resigned(d, "p-year", **_both("period", "code", "1999-NAM")), ("Năm",)),
    "period-zero-width": (lambda d: resigned(d, "p-zw", **_both("period", "code", "2025-\u200bNAM")), ("kỳ",)),
    # dates as Python reads them but the app never writes them: the QĐ 766 window is compared to the stored ones
    "period-start-basic-iso": (lambda d: resigned(d, "p-basic", change_doc=lambda doc: doc["period"].update(
        start=doc["period"]["start"].replace("-", ""))), ("YYYY-MM-DD",)),
    "period-end-not-a-day": (lambda d: resigned(d, "p-feb30", change_doc=lambda doc: doc["period"].update(
        end=doc["period"]["end"][:5] + "02-30")), ("YYYY-MM-DD",)),
    # unit codes
    "unit-code-trailing-space": (lambda d: resigned(d, "u-space", **_both("unit", "code", TAN_HUNG + " ")),
                                 ("mã đơn vị",)),
    "unit-code-letter-O": (lambda d: resigned(d, "u-O", **_both("unit", "code", TAN_HUNG.replace("0", "O"))),
                           ("mã đơn vị",)),
    "unit-code-fullwidth-digits": (lambda d: resigned(d, "u-fw", **_both("unit", "code", "１０５３７")), ("mã đơn vị",)),
    "unit-code-zero-width": (lambda d: resigned(d, "u-zw", **_both("unit", "code", TAN_HUNG + "\u200b")),
                             ("mã đơn vị",)),
    "unit-code-not-on-the-list": (lambda d: resigned(d, "u-new", **_both("unit", "code", "99999")),
                                  ("mã đơn vị", "danh mục")),
    # signatures and keys
    "another-packages-signature": (_other_signature, ("manifest.sig", "không khớp")),
    "signed-manifest-sums-over-other-data": (_sums_over_other_data, ("data.json", "không khớp")),
    "pinned-key-another-province": (lambda d: _pinned_key_for(d, "pk-hn", BA_DINH, upper_name="thành phố Hải Phòng",
                                                              upper_code="31"), ("không thuộc",)),
    "pinned-key-another-commune": (lambda d: _pinned_key_for(d, "pk-cat-hai", CAT_HAI), ("khóa khác",)),
    "pinned-key-a-third-commune": (lambda d: _pinned_key_for(d, "pk-third", official_units.units("31")[5].code),
                                   ("khóa", "phường Tân Hưng")),
    # periods the province does not know, frames
    "old-frame-unit-of-another-province": (lambda d: _another_period(
        d, "old-hn", "2024-NAM", BA_DINH, upper_name="thành phố Hải Phòng", upper_code="31"), ("không thuộc",)),
    # times
    "made-in-the-future": (lambda d: resigned(d, "future", change_manifest=lambda m: m.update(
        created_at="2099-01-01T09:00:00+07:00")), ("01/01/2099", "đồng hồ")),
    # a zip whose directory names a member its local header names otherwise
    "local-header-name-differs": (lambda d: _renamed_locally(d), ("gói",)),
    # newer app
    "newer-package-format": (lambda d: resigned(d, "fmt9", change_manifest=lambda m: m.update(format_version=9)),
                             ("phiên bản CCHC Desktop mới hơn",)),
    "newer-data-format-in-data-only": (lambda d: resigned(d, "dfmt9", change_doc=lambda doc: doc.update(
        format_version=9)), ("phiên bản CCHC Desktop mới hơn",)),
}


@pytest.mark.parametrize("kind", list(HOSTILE))
def test_a_hostile_package_is_refused_in_one_vietnamese_line_and_the_file_unchanged(desk, kind):
    make_it, words = HOSTILE[kind]
    refused(desk, make_it(desk), *words)


def test_one_key_for_two_new_communes_in_one_folder_pins_the_first_only(desk):
    """Two communes not yet pinned, in one folder, signed by one key (a copied key): the preview
    and the import refuse the second; the province's file gets the first commune only."""
    from cchc_desktop import signing

    upper = desk["upper"]
    third, fourth = [u.code for u in official_units.units("31") if u.code not in (TAN_HUNG, CAT_HAI)][:2]
    key = signing.new_private_key()
    usb = desk["tmp"] / "one-key"
    usb.mkdir()
    paths = []
    for code in (third, fourth):
        store = commune(desk["src"], code)
        try:
            members = pkg.build_members(store, None, PERIOD, documents=False, created_at=LATER)
            paths.append(write_zip(usb / pkg.file_name(code, PERIOD), members, key=key))
        finally:
            store.close()
    assert [p.status for p in ip.preview(upper, paths)] == ["new", "refused"]
    results = ip.import_packages(upper, paths)
    assert [r.status for r in results] == ["imported", "refused"], results
    assert "khóa" in results[1].message and not PYTHON_WORDS.search(results[1].message)
    assert set(store_packages.pinned_keys(upper)) == {TAN_HUNG, CAT_HAI, third}
    assert upper.find_period(fourth, PERIOD) is None
    assert {c.code for c in aggregate.rollup(upper, PERIOD).reported} == {TAN_HUNG, CAT_HAI, third}


def test_a_first_package_does_not_set_the_provinces_own_deadline_or_window(desk):
    """The province's period that a commune's first package makes takes the province's own
    window and deadline (periods.default_*), never the package's: one commune's package must not
    move the deadline by which every other commune is judged late."""
    from cchc_desktop.domain import periods
    from cchc_desktop.store import open_store

    def far_deadline(doc):
        doc["period"]["deadline"] = "2099-12-31"

    path = resigned(desk, "han-xa", change_doc=far_deadline)
    fresh = open_store(desk["tmp"] / "tinh-moi.sqlite")
    try:
        (r,) = ip.import_packages(fresh, [path])
        assert r.status == "imported", r
        upper = next(u for u in fresh.units() if u["code"] != TAN_HUNG)
        own = fresh.find_period(upper["code"], PERIOD)
        key = periods.parse_code(PERIOD)
        start, end = periods.default_window(key)
        assert (own["start_date"], own["end_date"]) == (start.isoformat(), end.isoformat())
        assert own["deadline"] == periods.default_deadline(key).isoformat() != "2099-12-31"
    finally:
        fresh.close()
