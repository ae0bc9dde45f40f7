"""The hand-off package: one `.cchc` file (a zip) per unit and period, for the upper level.

Members (docs/goi-nop.md):
- `data.json`       the period as the documented JSON (cchc_desktop.dataio.dump);
- `bao-cao.docx`    the report in Word, `phu-luc.xlsx` the appendix in Excel (when the
                    exporters are available);
- `danh-muc.toml`   the text of the indicator catalogue the period was entered with;
- `manifest.json`   unit, upper level, period, app / schema / catalogue / format versions,
                    time of creation, the SHA-256 and size of every member above, and the
                    unit's public signing key;
- `manifest.sig`    the Ed25519 signature of manifest.json's bytes by the unit's key (made on
                    first use, kept in its data file: cchc_desktop/signing.py);
- `SHA256SUMS`      the same hashes (and the manifest's) as `sha256sum -c` reads them;
- `chi-so-cchc.json`, `kiem-chung/…`  an annual period's PAR Index self-assessment and its evidence
                    files (exporting/par_section.py), when the unit has a criteria set for the year.

Writing (to a USB stick): into a temporary file in the target folder, fsync, rename, then
read back and checked against the hashes; a full or removed stick gives a Vietnamese
message and leaves no partial file.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import re
import zipfile
from pathlib import Path

import cchc_desktop
from cchc_desktop import dataio, signing
from cchc_desktop.errors import UserError
from cchc_desktop.exporting import docx_report, par_section, xlsx_appendix
from cchc_desktop.fileio import atomic_path, os_error_message
from cchc_desktop.report import corrections, rules, values
from cchc_desktop.store import packages as store_packages
from cchc_desktop.store.migrations import SCHEMA_VERSION

FORMAT = "cchc-desktop/package"
FORMAT_VERSION = 2  # 2: signed (manifest.sig, signing_key)
SUFFIX = ".cchc"
MANIFEST = "manifest.json"
SUMS = "SHA256SUMS"
DATA = "data.json"
DOCX = "bao-cao.docx"
XLSX = "phu-luc.xlsx"
CATALOGUE = "danh-muc.toml"
SIGNATURE = "manifest.sig"
REQUIRED = (MANIFEST, SIGNATURE, SUMS, DATA)
OPTIONAL = (DOCX, XLSX, CATALOGUE)
MEMBERS = REQUIRED + OPTIONAL
# Order inside the zip: the manifest first, so a reader sees what it is at once.
_ORDER = (MANIFEST, SIGNATURE, SUMS, DATA, CATALOGUE, DOCX, XLSX)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def file_name(unit_code: str, period_code: str) -> str:
    """`<unit>_<period>.cchc`, with characters a file system refuses replaced by `-`."""
    safe = re.sub(r'[\\/:*?"<>|\s]+', "-", unit_code).strip("-.") or "don-vi"
    return f"{safe}_{period_code}{SUFFIX}"


def now_aware() -> str:
    return dt.datetime.now().astimezone().isoformat(timespec="seconds")


def render_documents(data) -> dict[str, bytes]:
    """The Word report and the Excel appendix of a ReportData, as the commune exports them."""
    buf = io.BytesIO()
    xlsx_appendix.build(data).save(buf)
    return {DOCX: docx_report.to_bytes(data, charts=None), XLSX: buf.getvalue()}


def _documents(store, unit_code: str, period_code: str) -> dict[str, bytes]:
    return render_documents(values.load_report(store, unit_code, period_code))


class Prepared:
    """What a package needs from the data file, read at once (on the UI thread in the window);
    `members()` then renders and hashes without touching the data file (a worker thread may)."""

    def __init__(self, store, unit_code: str | None, period_code: str, documents: bool = True):
        unit = store.unit(unit_code)
        store.get_period(unit["code"], period_code)
        self.doc = dataio.dump(store, unit["code"], period_code)
        self.catalogue_text = store.catalogue(self.doc["catalogue_version"]).text
        self.data = values.load_report(store, unit["code"], period_code) if documents else None
        self.unit_code = unit["code"]
        self.period_code = self.doc["period"]["code"]
        self.signing_key = signing_key(store, unit["code"])
        self.accepted = store.accepted_errors(store.get_period(unit["code"], period_code)["id"])
        self.par = par_section.members(store, unit["code"], self.period_code)  # read now: files beside the data file
        self.choices = correction_choices(self.data or values.load_report(store, unit["code"], period_code,
                                                                          with_previous=False))

    @property
    def file_name(self) -> str:
        return file_name(self.unit_code, self.period_code)

    @property
    def fingerprint(self) -> str:
        return signing.fingerprint(signing.public_key_of(self.signing_key))

    def members(self, created_at: str | None = None) -> dict[str, bytes]:
        extra = render_documents(self.data) if self.data is not None else {}
        extra.update(self.par)
        return members_from(self.doc, self.catalogue_text, extra, created_at, signing_key=self.signing_key,
                            accepted=self.accepted, choices=self.choices)


CHOICE_KEYS = ("name", "place", "choice", "note", "own", "computed", "printed", "rests_on", "chosen_at")


def correction_choices(data) -> list[dict]:
    """The unit's answer to each figure the app recomputed (or that it printed otherwise before),
    as the manifest lists them (docs/goi-nop.md): the upper level sees which figure was kept, the
    one the app gives, the note, and which figure the rows computed from it rest on."""
    return [{"name": c.name, "place": c.place, "choice": c.choice, "note": c.choice_note, "own": c.own_text,
             "computed": c.computed_text, "printed": c.printed_text, "rests_on": c.rests_on, "chosen_at": c.choice_at}
            for c in corrections.corrections(data) if c.choice]


def blocking_errors(store, unit_code: str | None, period_code: str) -> list:
    """The errors of `validate` the unit has neither fixed nor explicitly accepted: they refuse the package."""
    unit = store.unit(unit_code)
    period = store.get_period(unit["code"], period_code)
    return rules.blocking(rules.validate(values.load_report(store, unit["code"], period_code)),
                          store.accepted_errors(period["id"]))


def check_ready(store, unit_code: str | None, period_code: str) -> None:
    """Refuse the package while an error is neither fixed nor accepted (issue 17), saying which and how."""
    errors = blocking_errors(store, unit_code, period_code)
    if errors:
        raise UserError(
            f"Chưa lập được gói nộp: số liệu còn {len(errors)} lỗi chưa sửa hoặc chưa được chấp nhận:\n"
            + "\n".join(f"- {f.message} [mã: {f.rule} @ {f.target}]" for f in errors)
            + "\nHãy sửa các lỗi này; nếu số liệu đúng như vậy, hãy chấp nhận từng lỗi kèm lý do "
              "(cửa sổ: tab Kiểm tra → “Chấp nhận lỗi”; dòng lệnh: chap-nhan-loi). "
              "Gói nộp ghi rõ các lỗi đã chấp nhận để cấp trên biết.")


def build_members(store, unit_code: str | None, period_code: str, documents: bool = True,
                  created_at: str | None = None) -> dict[str, bytes]:
    """Every member of the package, as bytes (manifest and SHA256SUMS included)."""
    return Prepared(store, unit_code, period_code, documents).members(created_at)


def signing_key(store, unit_code: str) -> bytes:
    """The unit's private signing key (32 bytes), made and kept in its data file on first use."""
    def make():
        private = signing.new_private_key()
        return signing.b64(private), signing.b64(signing.public_key_of(private))

    return signing.unb64(store_packages.own_key(store, unit_code, make)[0], 32)


def fingerprint(store, unit_code: str) -> str | None:
    """The short fingerprint of the unit's own key (None before its first package)."""
    public = store_packages.own_public_key(store, unit_code)
    return signing.fingerprint(signing.unb64(public, 32)) if public else None


def members_from(doc: dict, catalogue_text: str, documents: dict[str, bytes] | None = None,
                 created_at: str | None = None, *, signing_key: bytes, accepted=(), choices=()) -> dict[str, bytes]:
    unit, period = doc["unit"], doc["period"]
    members: dict[str, bytes] = {DATA: dataio.dumps(doc).encode("utf-8")}
    members[CATALOGUE] = catalogue_text.encode("utf-8")
    members.update(documents or {})
    manifest = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "app": {"name": cchc_desktop.APP_NAME, "version": cchc_desktop.__version__},
        "schema_version": SCHEMA_VERSION,
        "data_format_version": doc["format_version"],
        "catalogue_version": doc["catalogue_version"],
        "created_at": created_at or now_aware(),
        "unit": {k: unit.get(k) for k in ("code", "name", "kind", "upper_name", "upper_code", "district", "province")},
        "period": {k: period.get(k) for k in ("code", "start", "end", "deadline", "status")},
        # the errors of `validate` the unit accepted as they are, with its reasons (issue 17)
        "accepted_errors": [{k: a[k] for k in ("rule", "target", "message", "reason", "accepted_at")}
                            for a in accepted],
        # the unit's answer to each recomputed figure: use the computed one or keep its own (issue 17)
        "correction_choices": [{k: c.get(k, "") for k in CHOICE_KEYS} for c in choices],
    }
    return seal(manifest, members, signing_key)


def seal(manifest: dict, members: dict[str, bytes], signing_key: bytes) -> dict[str, bytes]:
    """`members` (data, catalogue, documents) with the manifest listing their hashes and the
    key's public half, its signature and SHA256SUMS added."""
    members = {n: b for n, b in members.items() if n not in (MANIFEST, SIGNATURE, SUMS)}
    manifest = {**manifest,
                "members": {name: {"sha256": sha256(b), "size": len(b)} for name, b in sorted(members.items())},
                "signing_key": {"algorithm": signing.ALGORITHM,
                                "public_key": signing.b64(signing.public_key_of(signing_key))}}
    members[MANIFEST] = (json.dumps(manifest, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    members[SIGNATURE] = (signing.b64(signing.sign(signing_key, members[MANIFEST])) + "\n").encode("ascii")
    members[SUMS] = sums_text(members).encode("ascii")
    return members


def sums_text(members: dict[str, bytes]) -> str:
    """`<sha256>  <name>` lines, as `sha256sum` writes and `sha256sum -c` reads them."""
    return "".join(f"{sha256(b)}  {name}\n" for name, b in sorted(members.items()) if name != SUMS)


def zip_bytes(members: dict[str, bytes], when: dt.datetime | None = None) -> bytes:
    when = when or dt.datetime.now()
    stamp = (max(when.year, 1980), when.month, when.day, when.hour, when.minute, when.second)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name in sorted(members, key=lambda n: _ORDER.index(n) if n in _ORDER else len(_ORDER)):
            info = zipfile.ZipInfo(name, date_time=stamp)
            # Word and Excel files are zips already: storing them again costs nothing.
            info.compress_type = zipfile.ZIP_STORED if name in (DOCX, XLSX) else zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, members[name])
    return buf.getvalue()


def verify_file(path: Path, members: dict[str, bytes]) -> None:
    """Read the written file back and compare every member's hash; UserError if different."""
    expected = {n: sha256(b) for n, b in members.items()}
    try:
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
            got = {n: sha256(zf.read(n)) for n in names}
    except zipfile.BadZipFile:
        got = None
    if got != expected:
        raise UserError(
            f"Gói “{path.name}” ghi ra nhưng đọc lại không khớp (USB có thể bị lỗi). "
            "Hãy thử lại, hoặc dùng USB khác."
        )


def write_package(members: dict[str, bytes], target: Path) -> Path:
    """Write atomically into `target`'s folder, verify before and after the rename."""
    payload = zip_bytes(members)
    with atomic_path(target) as tmp:
        with open(tmp, "wb") as fh:
            fh.write(payload)
            fh.flush()
        verify_file(tmp, members)
    try:
        verify_file(target, members)
    except OSError as e:
        _remove_quietly(target)
        raise UserError(os_error_message(e, target)) from None
    except UserError:
        _remove_quietly(target)
        raise
    return target


def _remove_quietly(p: Path) -> None:
    try:
        p.unlink()
    except OSError:
        pass


def make_package(store, unit_code: str | None, period_code: str, out_dir: str | Path,
                 documents: bool = True, created_at: str | None = None, check_errors: bool = True) -> Path:
    """Write `<unit>_<period>.cchc` into `out_dir` and return its path.

    Refused (UserError) while `validate` has an error neither fixed nor accepted (check_ready);
    `check_errors=False` only for tests that build packages of planted data.

    `documents=False` leaves out the Word and Excel files (data, catalogue and manifest only).
    """
    out = Path(out_dir)
    if not out.is_dir():
        raise UserError(f"Thư mục “{out}” không tồn tại (USB đã rút ra?). Hãy chọn lại nơi lưu gói.")
    if check_errors:
        check_ready(store, unit_code, period_code)
    prepared = Prepared(store, unit_code, period_code, documents)
    return write_package(prepared.members(created_at), out / prepared.file_name)
