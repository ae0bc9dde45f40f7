"""Importing hand-off packages (`.cchc`) at the upper level (huyện / tỉnh).

`check_package(path)` validates a package before anything is written: a valid zip with only
the expected members, no absolute or `..` names, sizes within limits (declared and actual,
and the compression ratio: no zip bomb), every field of the manifest of its type, every hash
right (the manifest and SHA256SUMS agree with the content), the manifest signed by the key it
names, format / schema / data versions this app understands. `find_upper` and `key_status`
then judge it against the file: a commune (never the upper unit itself, never a unit of
another province), signed by the key pinned for it (trust on first use, docs/goi-nop.md).
`preview(store, infos)` says per package what importing would do; `import_packages(store,
paths)` imports each package in one transaction (its period, the commune unit under the
upper unit, and a row of history in `package_imports`), a refused package never stopping the
others; a file that holds data is backed up before the first package is written. A new, empty
data file becomes the upper level that the packages name.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import re
import zipfile
import zlib
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from cchc_desktop import dataio, fmt, signing
from cchc_desktop.domain import catalogue as catalogue_mod
from cchc_desktop.domain import dossiers, frames, official_units, periods
from cchc_desktop.domain.catalogue import shorten
from cchc_desktop.domain.units import COMMUNE_KINDS, UPPER_KINDS, label as unit_label
from cchc_desktop.errors import UserError
from cchc_desktop.exporting import package as pkg
from cchc_desktop.exporting import par_section
from cchc_desktop.domain import official_choice
from cchc_desktop.importing import BackupOnce, backup_before_import, par_package
from cchc_desktop.report import default_texts, index766_province
from cchc_desktop.store import packages as store_packages
from cchc_desktop.store.errors import DiskTrouble, disk_trouble_kind
from cchc_desktop.store.migrations import SCHEMA_VERSION

MiB = 1024 * 1024
MAX_FILE_BYTES = 200 * MiB
MAX_MEMBER_BYTES = {
    pkg.MANIFEST: 1 * MiB,
    pkg.SUMS: 64 * 1024,
    pkg.SIGNATURE: 1024,
    pkg.DATA: 32 * MiB,
    pkg.CATALOGUE: 4 * MiB,
    pkg.DOCX: 100 * MiB,
    pkg.XLSX: 50 * MiB,
}
MAX_TOTAL_BYTES = 200 * MiB


def member_cap(name: str) -> int:
    """The largest size a member may have (the PAR Index section and evidence files: par_section)."""
    return MAX_MEMBER_BYTES[name] if name in MAX_MEMBER_BYTES else par_section.member_cap(name)
MAX_RATIO = 100  # uncompressed / compressed, for members above RATIO_FLOOR
RATIO_FLOOR = 1 * MiB
_SUM_LINE = re.compile(r"^([0-9a-fA-F]{64}) [ *](.+)$")

STATUS_LABELS = {
    "new": "Mới",
    "newer": "Bản mới hơn (thay bản đang có)",
    "same": "Đã có, giống hệt (không cần nhập)",
    "older": "Cũ hơn bản đang có",
    "refused": "Bị từ chối",
}
RESULT_LABELS = {
    "imported": "đã nhập",
    "replaced": "đã thay bản cũ",
    "unchanged": "không thay đổi (đã có)",
    "refused": "bị từ chối",
}


class PackageError(UserError):
    """A package refused; str(e) is the reason in Vietnamese."""


class KeyChanged(PackageError):
    """Signed by another key than the one pinned for its commune (accepted only explicitly)."""


@dataclass
class PackageInfo:
    path: Path
    package_sha256: str
    manifest: dict
    document: dict
    data_sha256: str
    catalogue_text: str | None
    members: list[str]
    data_text: str = ""  # data.json exactly as received
    data_deflated: bytes | None = None  # the same as the zip holds it (raw deflate), kept as history
    public_key: bytes = b""  # the Ed25519 key that signed the manifest
    par: object = None  # the PAR Index self-assessment (importing/par_package.Section), if the package has one
    index766: object = None  # data.json's QĐ 766 section, checked (index766_province.Received), if it has one

    @property
    def file_name(self) -> str:
        return self.path.name

    @property
    def fingerprint(self) -> str:
        return signing.fingerprint(self.public_key)

    @property
    def unit(self) -> dict:
        return self.document["unit"]

    @property
    def unit_code(self) -> str:
        return self.document["unit"]["code"]

    @property
    def unit_label(self) -> str:
        return unit_label(self.document["unit"])

    @property
    def period_code(self) -> str:
        return self.document["period"]["code"]

    @property
    def created_at(self) -> str:
        return self.manifest["created_at"]

    def key_figures(self) -> dict[str, str]:
        return key_figures(self.document)


@dataclass
class Preview:
    path: Path
    status: str  # new | newer | same | older | refused
    info: PackageInfo | None = None
    reason: str = ""
    held_created_at: str | None = None
    upper: dict | None = None  # the upper unit the package goes under (may not exist yet)
    key_status: str = ""  # new (pinned on import) | same | changed (accepted on request)

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]


@dataclass
class Result:
    path: Path
    status: str  # imported | replaced | unchanged | refused
    message: str = ""
    unit_code: str | None = None
    unit_label: str = ""
    period_code: str | None = None

    @property
    def status_label(self) -> str:
        return RESULT_LABELS[self.status]

    def line(self) -> str:
        what = f"{self.unit_label} kỳ {self.period_code}" if self.unit_code else ""
        text = f"{self.path.name}: {self.status_label}"
        if what:
            text += f" — {what}"
        if self.message:
            text += f" ({self.message})" if self.status != "refused" else f": {self.message}"
        return text


# --- names ----------------------------------------------------------------------------
def parse_upper_name(upper_name: str) -> tuple[str, str]:
    """"huyện Thanh Miện" → ("huyen", "Thanh Miện"); "tỉnh …", "thành phố …" → ("tinh", …)."""
    text = " ".join((upper_name or "").split())
    low = text.lower()
    for word, kind in (("huyện", "huyen"), ("tỉnh", "tinh"), ("thành phố", "tinh"), ("thị xã", "huyen"),
                       ("quận", "huyen")):
        if low.startswith(word + " "):
            return kind, text[len(word) + 1:].strip()
    return "huyen", text


# --- checking one package --------------------------------------------------------------
def _refuse(msg: str):
    raise PackageError(msg)


def _safe_name(name: str) -> bool:
    if not name or name.startswith(("/", "\\")) or "\\" in name or ":" in name:
        return False
    parts = name.split("/")
    return not any(p in ("", ".", "..") for p in parts)


def _read_capped(zf: zipfile.ZipFile, info: zipfile.ZipInfo, cap: int) -> bytes:
    chunks, total = [], 0
    with zf.open(info) as fh:
        while True:
            chunk = fh.read(min(1 * MiB, cap + 1 - total))
            if not chunk:
                break
            total += len(chunk)
            if total > cap:
                _refuse(f"thành phần {info.filename} lớn hơn kích thước khai báo (nghi “bom nén”): gói không hợp lệ")
            chunks.append(chunk)
    return b"".join(chunks)


def _json_member(raw: bytes, name: str, fmt: str, newest: int, foreign: str, newer: str) -> dict:
    """A JSON member (manifest, data): parsed, of format `fmt`, of a `format_version` this app
    reads (`newer` says which one it is, "{v}" standing for the version found)."""
    try:
        obj = json.loads(raw if isinstance(raw, str) else raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        _refuse(f"{name} hỏng: gói không hợp lệ")
    if not isinstance(obj, dict) or obj.get("format") != fmt:
        _refuse(foreign)
    version = obj.get("format_version")
    if not isinstance(version, int) or isinstance(version, bool):
        _refuse(f"{name} không ghi phiên bản định dạng: gói không hợp lệ")
    if version > newest:
        _refuse(_newer_message(newer.format(v=version)))
    return obj


def _newer_message(what: str) -> str:
    return (f"gói được tạo bởi phiên bản CCHC Desktop mới hơn ({what}); "
            "hãy cập nhật phần mềm lên bản mới nhất rồi nhập lại")


def check_package(path: str | Path) -> PackageInfo:
    """Every check a package must pass before anything is written; PackageError if not."""
    try:
        return _check_package(path)
    except PackageError:
        raise
    except UserError as e:
        raise PackageError(str(e)) from None
    except (AttributeError, TypeError, KeyError, ValueError, IndexError, RecursionError, ArithmeticError):
        raise PackageError("nội dung gói sai dạng (bản kê hoặc dữ liệu hỏng): gói không hợp lệ") from None


def _check_package(path: str | Path) -> PackageInfo:

    p = Path(path)
    try:
        size = p.stat().st_size
        if not p.is_file():
            _refuse("không phải một tệp")
        if size > MAX_FILE_BYTES:
            _refuse(f"tệp quá lớn ({size // MiB} MB) so với một gói nộp")
        raw = p.read_bytes()
    except FileNotFoundError:
        _refuse("không tìm thấy tệp (USB đã rút ra?)")
    except OSError as e:
        _refuse(f"không đọc được tệp ({e.strerror or e}); hãy chép gói vào máy rồi thử lại")
    try:
        zf = zipfile.ZipFile(io.BytesIO(raw))
    except (zipfile.BadZipFile, zlib.error, ValueError, OSError, EOFError, NotImplementedError):
        _refuse("không phải gói nộp hợp lệ (tệp hỏng hoặc chưa chép xong); hãy xin đơn vị gửi lại gói")
    with zf:
        infos = zf.infolist()
        names = [i.filename for i in infos]
        for n in names:
            if not _safe_name(n):
                _refuse(f"gói chứa đường dẫn không an toàn “{n}”: gói không hợp lệ")
        if len(set(names)) != len(names):
            _refuse("gói chứa thành phần trùng tên: gói không hợp lệ")
        extra = [n for n in names if n not in pkg.MEMBERS and not par_section.is_member(n)]
        if extra:
            _refuse(f"gói chứa thành phần lạ ({', '.join(extra[:3])}): gói không hợp lệ")
        missing = [n for n in pkg.REQUIRED if n not in names and n != pkg.SIGNATURE]  # unsigned: below
        if missing:
            _refuse(f"gói thiếu {', '.join(missing)} (tệp hỏng hoặc không phải gói nộp)")
        total = 0
        for i in infos:
            if i.flag_bits & 0x1:
                _refuse("gói có thành phần bị mã hóa: gói không hợp lệ")
            if i.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
                _refuse("gói dùng kiểu nén không hỗ trợ: gói không hợp lệ")
            cap = member_cap(i.filename)
            if i.file_size > cap:
                _refuse(f"thành phần {i.filename} quá lớn ({i.file_size // MiB} MB): gói không hợp lệ")
            if i.file_size > RATIO_FLOOR and i.file_size > MAX_RATIO * max(i.compress_size, 1):
                _refuse(f"thành phần {i.filename} có tỷ lệ nén bất thường (nghi “bom nén”): gói không hợp lệ")
            total += i.file_size
        if total > MAX_TOTAL_BYTES:
            _refuse("tổng dung lượng giải nén quá lớn: gói không hợp lệ")
        content: dict[str, bytes] = {}
        try:
            for i in infos:
                data = _read_capped(zf, i, min(member_cap(i.filename), max(i.file_size, 0)))
                content[i.filename] = data
        except PackageError:
            raise
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, NotImplementedError):
            _refuse("gói bị hỏng (dữ liệu nén sai hoặc bị cắt cụt); hãy xin đơn vị gửi lại gói")

    manifest = _json_member(content[pkg.MANIFEST], "bản kê (manifest.json)", pkg.FORMAT, pkg.FORMAT_VERSION,
                            "không phải gói nộp của CCHC Desktop",
                            f"định dạng gói {{v}}, phiên bản này đọc được đến {pkg.FORMAT_VERSION}")
    if manifest["format_version"] < pkg.FORMAT_VERSION:
        _refuse("gói chưa được ký (lập bằng phiên bản CCHC Desktop cũ); hãy nhờ đơn vị cập nhật phần mềm "
                "rồi lập lại gói")
    if pkg.SIGNATURE not in content:
        _refuse(BAD_SIGNATURE)
    _check_manifest_fields(manifest)
    sv = manifest["schema_version"]
    if sv > SCHEMA_VERSION:
        _refuse(_newer_message(f"cấu trúc dữ liệu {sv}, phiên bản này hiểu đến {SCHEMA_VERSION}"))
    dv = manifest["data_format_version"]
    if dv > dataio.FORMAT_VERSION:
        _refuse(_newer_message(f"dữ liệu kỳ báo cáo phiên bản {dv}"))

    # Hashes: the manifest lists every member but itself and SHA256SUMS; SHA256SUMS lists the
    # manifest too. Both must agree with the content.
    listed = manifest.get("members")
    if not isinstance(listed, dict):
        _refuse("bản kê không có danh sách thành phần: gói không hợp lệ")
    actual = {n: hashlib.sha256(b).hexdigest() for n, b in content.items()}
    expect_listed = set(content) - {pkg.MANIFEST, pkg.SUMS, pkg.SIGNATURE}
    if set(listed) != expect_listed:
        _refuse("danh sách thành phần trong bản kê không khớp với gói (gói bị sửa hoặc thiếu)")
    for n in expect_listed:
        entry = listed[n]
        if not isinstance(entry, dict) or entry.get("sha256") != actual[n] or entry.get("size") != len(content[n]):
            _refuse(f"mã kiểm tra của {n} không khớp: gói đã bị sửa hoặc hỏng; hãy xin đơn vị gửi lại gói")
    try:
        sums_lines = content[pkg.SUMS].decode("ascii").splitlines()
    except UnicodeDecodeError:
        _refuse("tệp SHA256SUMS hỏng: gói không hợp lệ")
    sums: dict[str, str] = {}
    for line in sums_lines:
        if not line.strip():
            continue
        m = _SUM_LINE.match(line)
        if not m or m.group(2) in sums:
            _refuse("tệp SHA256SUMS sai dạng: gói không hợp lệ")
        sums[m.group(2)] = m.group(1).lower()
    if set(sums) != set(content) - {pkg.SUMS}:
        _refuse("SHA256SUMS không liệt kê đúng các thành phần của gói (gói bị sửa)")
    for n, h in sums.items():
        if actual[n] != h:
            _refuse(f"mã kiểm tra của {n} không khớp: gói đã bị sửa hoặc hỏng; hãy xin đơn vị gửi lại gói")
    public_key = _verify_signature(manifest, content)

    try:
        data_text = content[pkg.DATA].decode("utf-8")  # once: parsed here, kept as history
    except UnicodeDecodeError:
        _refuse("dữ liệu (data.json) hỏng: gói không hợp lệ")
    doc = _json_member(data_text, "dữ liệu (data.json)", dataio.FORMAT, dataio.FORMAT_VERSION,
                       "data.json không phải dữ liệu kỳ báo cáo của CCHC Desktop", "dữ liệu kỳ báo cáo phiên bản {v}")
    unit, period = doc.get("unit"), doc.get("period")
    if not isinstance(unit, dict) or not isinstance(period, dict) or not unit.get("code") or not period.get("code"):
        _refuse("data.json thiếu đơn vị hoặc kỳ báo cáo")
    m_unit, m_period = manifest.get("unit") or {}, manifest.get("period") or {}
    if m_unit.get("code") != unit["code"] or m_period.get("code") != period["code"]:
        _refuse("đơn vị hoặc kỳ trong bản kê khác với dữ liệu: gói không hợp lệ")
    if manifest.get("catalogue_version") != doc.get("catalogue_version"):
        _refuse("phiên bản danh mục trong bản kê khác với dữ liệu: gói không hợp lệ")
    if unit.get("kind") not in COMMUNE_KINDS:
        _refuse("gói không phải của một đơn vị cấp xã")
    for key in ("code", "name", "upper_name", "upper_code", "district", "province"):
        if unit.get(key) is not None and not isinstance(unit.get(key), str):
            _refuse(f"thông tin đơn vị ({key}) sai dạng: gói không hợp lệ")
    if not isinstance(period["code"], str):
        _refuse("mã kỳ báo cáo sai dạng: gói không hợp lệ")
    if periods.parse_code(period["code"]).code != period["code"]:  # "2025-nam", "2025-NAM ": not as the app writes it
        _refuse(f"mã kỳ báo cáo “{_shown(period['code'])}” không viết đúng dạng (ví dụ 2025-NAM, 2026-Q1): "
                "gói không hợp lệ")
    if not _UNIT_CODE.fullmatch(unit["code"]):
        _refuse(f"mã đơn vị “{_shown(unit['code'])}” có ký tự không hợp lệ (dấu cách, chữ có dấu, chữ số lạ hoặc "
                "ký tự ẩn): gói không hợp lệ; hãy nhờ xã kiểm tra lại mã đơn vị trong Thông tin đơn vị")
    _no_unknown_keys(doc, _DATA_KEYS, "dữ liệu (data.json)")
    _no_unknown_keys(unit, dataio.UNIT_KEYS, "thông tin đơn vị trong dữ liệu")
    _no_unknown_keys(period, ("code", "start", "end", *dataio.PERIOD_KEYS), "thông tin kỳ báo cáo trong dữ liệu")
    for key in ("values", "narrative", "dossiers"):
        if doc.get(key) is not None and not isinstance(doc.get(key), dict):
            _refuse(f"phần {key} của dữ liệu sai dạng: gói không hợp lệ")
    for agency, table in (doc.get("dossiers") or {}).items():
        if (not isinstance(table, dict) or not isinstance(table.get("fields") or [], list)
                or not isinstance(table.get("total") or {}, dict)
                or not all(isinstance(f, dict) for f in table.get("fields") or [])):
            _refuse(f"bảng hồ sơ {agency} sai dạng: gói không hợp lệ")
    for key in ("values", "narrative"):
        if not all(isinstance(v, dict) for v in (doc.get(key) or {}).values()):
            _refuse(f"phần {key} của dữ liệu sai dạng: gói không hợp lệ")
    if not isinstance(doc.get("documents") or [], list) or not all(
            isinstance(x, dict) for x in doc.get("documents") or []):
        _refuse("danh sách văn bản sai dạng: gói không hợp lệ")
    for key in ("start", "end"):  # as the app writes them, so the QĐ 766 window is compared to what is stored
        if not _is_iso_date(period.get(key)):
            _refuse("ngày bắt đầu hoặc kết thúc của kỳ báo cáo sai dạng (phải là YYYY-MM-DD): gói không hợp lệ")
    index766 = _check_index766(doc)
    created = manifest.get("created_at")
    if not isinstance(created, str) or _parse_time(created) is None:
        _refuse("bản kê không ghi thời điểm lập gói: gói không hợp lệ")
    # A package "made" in the future would stay newer than every real one after it (each refused
    # as older): a day's leeway for time zones and a clock a little fast.
    if _parse_time(created) > dt.datetime.now().astimezone() + dt.timedelta(days=1):
        _refuse(f"gói ghi thời điểm lập là {fmt.date(created[:10])}, sau ngày hôm nay: đồng hồ máy của đơn vị "
                "có thể bị sai; hãy nhờ đơn vị chỉnh ngày giờ máy tính rồi lập lại gói")
    catalogue_text = None
    if pkg.CATALOGUE in content:
        catalogue_text, version = _catalogue_member(content[pkg.CATALOGUE], actual[pkg.CATALOGUE])
        if version != doc.get("catalogue_version"):
            _refuse("danh mục biểu mẫu trong gói khác phiên bản với dữ liệu: gói không hợp lệ")
    par = par_package.check(content, doc)
    return PackageInfo(
        path=p,
        package_sha256=hashlib.sha256(raw).hexdigest(),
        manifest=manifest,
        document=doc,
        data_sha256=_content_sha256(actual),
        catalogue_text=catalogue_text,
        members=names,
        data_text=data_text,
        data_deflated=_deflated(raw, next(i for i in infos if i.filename == pkg.DATA), content[pkg.DATA]),
        public_key=public_key,
        par=par,
        index766=index766,
    )


def _content_sha256(actual: dict[str, str]) -> str:
    """What tells two packages of a period apart: data.json's hash, combined with the PAR Index section's
    when there is one (it names its evidence files by their hashes), so a package changing only its
    self-assessment is a newer one, not the same."""
    if par_section.SECTION not in actual:
        return actual[pkg.DATA]
    return hashlib.sha256(f"{actual[pkg.DATA]} {actual[par_section.SECTION]}".encode("ascii")).hexdigest()


def _is_iso_date(value) -> bool:
    if not isinstance(value, str) or not _ISO_DATE.fullmatch(value):
        return False
    try:
        dt.date.fromisoformat(value)
        return True
    except ValueError:
        return False


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)


def _check_index766(doc: dict):
    """The QĐ 766 section, when the package has one, of its format (an older package has none):
    parsed once here, written as parsed (dataio.load's `index766`)."""
    raw = doc.get(index766_province.SECTION)
    if raw is None:
        return None
    try:
        return index766_province.parse_section(raw, doc["period"].get("start"), doc["period"].get("end"))
    except index766_province.SectionError as e:
        _refuse(f"{e}: gói không hợp lệ")


def _deflated(raw: bytes, info: zipfile.ZipInfo, data: bytes) -> bytes | None:
    """A member's bytes as the zip holds them (raw deflate), when they inflate to `data`: the
    history row keeps data.json so, a quarter of its text, without compressing it again."""
    if info.compress_type != zipfile.ZIP_DEFLATED:
        return None
    h = info.header_offset
    if raw[h:h + 4] != b"PK\x03\x04":
        return None
    start = h + 30 + int.from_bytes(raw[h + 26:h + 28], "little") + int.from_bytes(raw[h + 28:h + 30], "little")
    blob = raw[start:start + info.compress_size]
    try:
        return blob if zlib.decompress(blob, -15) == data else None
    except zlib.error:
        return None


_CATALOGUES: dict[str, tuple[str, str]] = {}  # SHA-256 of a catalogue member → (its text, its version)


def _catalogue_member(raw: bytes, sha256: str) -> tuple[str, str]:
    """The catalogue member's text and version, or the refusal; the packages of a folder carry the
    same catalogue, read once (by its hash)."""
    known = _CATALOGUES.get(sha256)
    if known is not None:
        return known
    try:
        text = raw.decode("utf-8")
        version = catalogue_mod.from_text(text).version
    except (UnicodeDecodeError, UserError):
        _refuse("danh mục biểu mẫu trong gói không đọc được: gói không hợp lệ")
    if len(_CATALOGUES) >= 16:
        _CATALOGUES.clear()
    _CATALOGUES[sha256] = (text, version)
    return text, version


def _is_int(v) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


# A unit code as the app makes them: the official list's digits, or a slug (`xa-chi-lang-nam`),
# plain ASCII: no spaces, no accents, no full-width digits or look-alike letters, nothing invisible.
_UNIT_CODE = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9._-]{0,62}[A-Za-z0-9])?", re.ASCII)
_MANIFEST_KEYS = ("format", "format_version", "app", "schema_version", "data_format_version", "catalogue_version",
                  "created_at", "unit", "period", "accepted_errors", "correction_choices", "members", "signing_key")
_DATA_KEYS = ("format", "format_version", "catalogue_version", "unit", "period", "values", "narrative", "dossiers",
              "documents", "computed", index766_province.SECTION)
_ACCEPTED_KEYS = ("rule", "target", "message", "reason", "accepted_at")


def _shown(text: str) -> str:
    """A code as a message shows it: an invisible or control character shown as “·”."""
    return "".join(c if c.isprintable() and (c == " " or not c.isspace()) else "·" for c in text)[:40]


def _no_unknown_keys(obj: dict, known, what: str) -> None:
    unknown = [k for k in obj if k not in known]
    if unknown:
        _refuse(f"{what} có mục lạ “{_shown(str(unknown[0]))}” mà phiên bản này không biết: gói không hợp lệ")


_MANIFEST_TEXTS = {"unit": ("code", "name", "kind", "upper_name", "upper_code", "district", "province"),
                   "period": ("code", "start", "end", "deadline", "status")}


def _check_manifest_fields(manifest: dict) -> None:
    """Every field of the manifest of the type the package format gives it (docs/goi-nop.md)."""
    for key, what in (("schema_version", "phiên bản cấu trúc dữ liệu"), ("data_format_version", "phiên bản dữ liệu")):
        if not _is_int(manifest.get(key)) or not 1 <= manifest[key] < 10**6:
            _refuse(f"bản kê ghi {what} sai dạng: gói không hợp lệ")
    for key in ("catalogue_version", "created_at"):
        if not isinstance(manifest.get(key), str) or not manifest[key].strip():
            _refuse(f"bản kê thiếu hoặc ghi sai {'phiên bản danh mục' if key == 'catalogue_version' else 'thời điểm lập gói'}: "
                    "gói không hợp lệ")
    _no_unknown_keys(manifest, _MANIFEST_KEYS, "bản kê (manifest.json)")
    for part, keys in _MANIFEST_TEXTS.items():
        obj = manifest.get(part)
        if not isinstance(obj, dict) or not all(obj.get(k) is None or isinstance(obj[k], str) for k in keys):
            _refuse(f"bản kê ghi {'đơn vị' if part == 'unit' else 'kỳ báo cáo'} sai dạng: gói không hợp lệ")
        _no_unknown_keys(obj, keys, f"bản kê, phần {'đơn vị' if part == 'unit' else 'kỳ báo cáo'},")
    app = manifest.get("app")
    if app is not None and (not isinstance(app, dict) or not all(isinstance(v, str) for v in app.values())):
        _refuse("bản kê ghi phần mềm lập gói sai dạng: gói không hợp lệ")
    accepted = manifest.get("accepted_errors")
    if accepted is not None and (not isinstance(accepted, list) or not all(
            isinstance(a, dict) and set(a) <= set(_ACCEPTED_KEYS) and all(v is None or isinstance(v, str)
                                                                        for v in a.values()) for a in accepted)):
        _refuse("bản kê ghi danh sách lỗi đã chấp nhận sai dạng: gói không hợp lệ")
    choices = manifest.get("correction_choices")
    if choices is not None and (not isinstance(choices, list) or not all(
            isinstance(c, dict) and set(c) <= set(pkg.CHOICE_KEYS) and all(v is None or isinstance(v, str)
                                                                         for v in c.values()) for c in choices)):
        _refuse("bản kê ghi danh sách số tính lại đã chọn sai dạng: gói không hợp lệ")
    listed = manifest.get("members")
    if not isinstance(listed, dict) or not all(
            isinstance(e, dict) and set(e) == {"sha256", "size"} and isinstance(e.get("sha256"), str)
            and _is_int(e.get("size")) for e in listed.values()):
        _refuse("bản kê không có danh sách thành phần đúng dạng: gói không hợp lệ")
    key = manifest.get("signing_key")
    if not isinstance(key, dict) or key.get("algorithm") != signing.ALGORITHM or not isinstance(key.get("public_key"), str) \
            or set(key) != {"algorithm", "public_key"}:
        _refuse("bản kê không ghi khóa ký của đơn vị: gói không hợp lệ")


BAD_SIGNATURE = ("chữ ký của gói không đúng: gói đã bị sửa sau khi đơn vị lập (hoặc không do CCHC Desktop lập); "
                 "hãy xin đơn vị gửi lại gói")


def _verify_signature(manifest: dict, content: dict[str, bytes]) -> bytes:
    """The public key the manifest names, once its signature of the manifest's bytes verifies."""
    try:
        public = signing.unb64(manifest["signing_key"]["public_key"], 32)
        signature = signing.unb64(content[pkg.SIGNATURE].decode("ascii").strip(), 64)
        signing.verify(public, signature, content[pkg.MANIFEST])
    except (signing.BadSignature, UnicodeDecodeError):
        _refuse(BAD_SIGNATURE)
    return public


def _parse_time(text: str) -> dt.datetime | None:
    try:
        t = dt.datetime.fromisoformat(text)
    except (TypeError, ValueError):
        return None
    return t if t.tzinfo else t.astimezone()


def key_figures(doc: dict) -> dict[str, str]:
    """The few figures a preview shows: dossiers received / resolved, on-time rate (one-stop desk)."""
    try:
        return _key_figures(doc)
    except (AttributeError, TypeError, ValueError, ArithmeticError):
        return {}


def _key_figures(doc: dict) -> dict[str, str]:
    out = {}
    on_time = (doc.get("period") or {}).get("on_time_formula") or dossiers.DEFAULT_ON_TIME
    received = Decimal(0)
    any_received = False
    for agency in dossiers.AGENCIES:
        m = _table(doc, agency).measures(on_time if on_time in dossiers.ON_TIME_FORMULAS else dossiers.DEFAULT_ON_TIME)
        if m["tiep_nhan"] is not None:
            received += m["tiep_nhan"]
            any_received = True
        if agency == "ubnd":
            out["Hồ sơ Một cửa tiếp nhận"] = fmt.number(m["tiep_nhan"])
            out["Đã giải quyết"] = fmt.number(m["da_giai_quyet"])
            out["Tỷ lệ đúng hạn"] = fmt.percent(m["ty_le_dung_han"], with_sign=True) if m["ty_le_dung_han"] is not None else ""
    out["Tổng hồ sơ (cả ngành dọc)"] = fmt.number(received) if any_received else ""
    out["Số chỉ tiêu đã nhập"] = fmt.number(sum(1 for v in (doc.get("values") or {}).values()
                                                 if isinstance(v, dict) and v.get("value") is not None))
    return out


def _table(doc: dict, agency: str) -> dossiers.AgencyTable:
    t = ((doc.get("dossiers") or {}).get(agency)) or {}

    def cells(d):
        out = {}
        for c in dossiers.COLUMNS:
            v = (d or {}).get(c)
            out[c] = Decimal(v) if isinstance(v, int) and not isinstance(v, bool) else None
        return out

    table = dossiers.AgencyTable(agency)
    table.total = cells(t.get("total"))
    for f in t.get("fields") or []:
        if isinstance(f, dict):
            table.fields.append({"name": f.get("name", ""), **cells(f)})
    return table


# --- where a package goes --------------------------------------------------------------
def find_upper(store, info: PackageInfo) -> dict:
    """The upper unit the package goes under: {"code", "name", "kind", "exists"} or PackageError.

    Refused too: a package whose unit is the upper unit itself (or another upper unit of the
    file), or, for a period of the two-tier frame, a unit the official list puts in another
    province: a package changes nothing but its own commune's rows."""
    code = info.unit_code
    uppers = store_packages.upper_units(store)
    same = store.find_unit(code)
    upper = _find_upper(store, info, uppers, same)
    upper_codes = {u["code"] for u in uppers} | {upper["code"]}
    if code in upper_codes or (same is not None and same["kind"] in UPPER_KINDS):
        _refuse(f"gói ghi mã đơn vị “{code}”, trùng mã của {unit_label(same or upper)} (cấp trên trong tệp này), "
                "nên không nhập được; hãy nhờ xã kiểm tra lại mã đơn vị trong Thông tin đơn vị rồi lập lại gói")
    if same is not None and same.get("parent_code") not in (None, upper["code"]):
        _refuse(f"mã đơn vị “{code}” trong tệp này là của một đơn vị thuộc cấp trên khác: gói không nhập được")
    _check_province(info, upper)
    return upper


def _check_province(info: PackageInfo, upper: dict) -> None:
    """Under a province of the official list: a unit code of that list must be one of that
    province's units (whatever the period: the codes of the list are never reused across
    provinces). For a period after 1/7/2025 also: a code of digits (an official code's form)
    must be on the province's list, and a unit outside the list (a code of its own, as
    `new-unit --ngoai-danh-muc` makes) must not bear the name of a unit of the list."""
    province = official_units.province(upper["code"])
    if province is None:
        return
    code = info.unit_code
    official = official_units.unit(code)
    if official is not None and official.province_code != upper["code"]:
        _refuse(f"mã đơn vị {code} là của {official.name} ({official.province.name}), "
                f"không thuộc {unit_label(upper)}: gói không nhập được vào tệp này")
    key = periods.parse_code(info.period_code)
    if official is not None or not frames.for_dates(*periods.default_window(key)).two_tier:
        return
    if code.isdigit():
        _refuse(f"mã đơn vị {code} không có trong danh mục đơn vị hành chính cấp xã của {province.name} "
                "từ ngày 01/7/2025: gói không nhập được; hãy nhờ xã kiểm tra lại mã đơn vị trong Thông tin đơn vị")
    name = " ".join(str(info.unit.get("name") or "").split()).casefold()
    kind = info.unit.get("kind")
    same_name = [u for u in official_units.units(upper["code"]) if name in (u.name.casefold(), u.short_name.casefold())
                 and official_choice.unit_fields(u)["kind"] == kind]
    if same_name:
        u = same_name[0]
        _refuse(f"gói ghi mã đơn vị “{code}” cho {unit_label(info.unit)}, nhưng {u.name} trong danh mục của "
                f"{province.name} có mã {u.code}: gói không nhập được; hãy nhờ xã chọn đúng đơn vị trong danh "
                "mục (Thông tin đơn vị) rồi lập lại gói")


def key_status(store, info: PackageInfo, accept_new_key: bool = False, pinned: dict | None = None) -> str:
    """"new" (the commune's first package: its key is pinned on import), "same", or "changed"
    (only with `accept_new_key`, else PackageError saying what to do). `pinned`: the key to
    compare with instead of the file's (a preview's earlier package of the same commune)."""
    pinned = pinned or store_packages.pinned_key(store, info.unit_code)
    if pinned is None or (pinned["public_key"] != signing.b64(info.public_key) and accept_new_key):
        # One key speaks for one commune: a key pinned for another commune is a copied key.
        other = store_packages.unit_of_key(store, signing.b64(info.public_key), but=info.unit_code)
        if other is not None:
            label = unit_label(store.find_unit(other) or {"code": other, "name": other, "kind": "xa"})
            _refuse(f"gói của {info.unit_label} được ký bằng khóa đã ghi nhận cho {label} (mã khóa "
                    f"{info.fingerprint}): mỗi xã có khóa riêng, nên gói này không phải do {info.unit_label} "
                    "lập; hãy gọi điện hỏi xã")
    if pinned is None:
        return "new"
    if pinned["public_key"] == signing.b64(info.public_key):
        return "same"
    if accept_new_key:
        return "changed"
    raise KeyChanged(f"gói được ký bằng khóa khác với khóa của {info.unit_label} đã ghi nhận (mã khóa đã ghi nhận "
            f"{pinned['fingerprint']}, mã khóa của gói {info.fingerprint}); hãy gọi điện hỏi xã: nếu xã đã đổi "
            "máy hoặc cài lại phần mềm và đọc đúng mã khóa mới thì chấp nhận khóa mới (nút “Chấp nhận khóa mới”, "
            "hoặc lệnh với --chap-nhan-khoa-moi); nếu không, gói này không phải do xã gửi")


def _find_upper(store, info: PackageInfo, uppers: list[dict], same: dict | None) -> dict:
    unit = info.unit
    upper_name = (unit.get("upper_name") or "").strip()
    upper_code = (unit.get("upper_code") or "").strip()
    kind, name = parse_upper_name(upper_name)
    code = upper_code or fmt.slug(upper_name)
    official = official_choice.province_of_upper(upper_name, upper_code)
    extra = {"district": unit.get("district") or "", "province": unit.get("province") or ""}
    if official is not None:  # today's province, named, coded and kinded as the official list has it
        fields = official_choice.province_fields(official)
        code, name, kind = fields.pop("code"), fields.pop("name"), fields.pop("kind")
        extra = {"district": "", "province": fields["province"]}
    if same is not None and same["parent_code"] is None and same["kind"] not in UPPER_KINDS:
        _refuse(f"đây là gói của chính {unit_label(unit)}, đơn vị của tệp dữ liệu này; "
                "gói chỉ nhập được vào tệp dữ liệu của cấp trên")
    for u in uppers:
        if code and u["code"] == code:
            return {**u, "exists": True}
    for u in uppers:
        if upper_name and unit_label(u).casefold() == " ".join(upper_name.split()).casefold():
            return {**u, "exists": True}
    if not store.has_units():
        if not upper_name:
            _refuse(f"{unit_label(unit)} chưa khai báo cấp trên (huyện/tỉnh) trong thông tin đơn vị; "
                    "hãy nhờ xã khai báo rồi lập lại gói")
        return {"code": code, "name": name, "kind": kind, "exists": False, **extra}
    main = store.unit(None)
    if main["kind"] not in UPPER_KINDS:
        _refuse(f"tệp dữ liệu này là của {unit_label(main)}, không phải của cấp trên; hãy mở tệp dữ liệu "
                "của cấp huyện/tỉnh (hoặc một tệp mới) rồi nhập gói")
    if not upper_name and len(uppers) == 1:
        return {**uppers[0], "exists": True}
    _refuse(f"{unit_label(unit)} nộp cho {upper_name or '(chưa khai báo cấp trên)'}, "
            f"còn tệp dữ liệu này là của {unit_label(main)}")


def _compare(info: PackageInfo, current: dict | None) -> str:
    if current is None:
        return "new"
    if current["data_sha256"] == info.data_sha256 or current["package_sha256"] == info.package_sha256:
        return "same"
    mine, theirs = _parse_time(info.created_at), _parse_time(current["created_at"])
    if theirs is None or (mine is not None and mine > theirs):
        return "newer"
    return "older"


def _catalogue_known(store, info: PackageInfo) -> bool:
    version = info.document.get("catalogue_version")
    if info.catalogue_text is not None:
        return True
    try:
        store.catalogue(version)
        return True
    except UserError:
        return False


def preview(store, infos: list[PackageInfo | Path | str], accept_new_key: bool = False) -> list[Preview]:
    """What importing these packages in this order would do (nothing is written)."""
    out: list[Preview] = []
    seen: dict[tuple[str, str], dict] = {}
    seen_keys: dict[str, dict] = {}  # the keys this batch pins before the file holds them
    seen_units: dict[str, str] = {}  # and whose they are
    for item in infos:
        if isinstance(item, PackageInfo):
            info = item
        else:
            try:
                info = check_package(item)
            except PackageError as e:
                out.append(Preview(Path(item), "refused", reason=str(e)))
                continue
        try:
            upper = find_upper(store, info)
            if not _catalogue_known(store, info):
                _refuse(f"gói dùng danh mục biểu mẫu {info.document.get('catalogue_version')} mà tệp dữ liệu chưa có")
            key = key_status(store, info, accept_new_key, pinned=seen_keys.get(info.unit_code))
            other = seen_units.get(signing.b64(info.public_key))
            if key != "same" and other not in (None, info.unit_code):
                _refuse(f"gói của {info.unit_label} được ký bằng khóa của một xã khác trong cùng lượt nhập "
                        f"(mã khóa {info.fingerprint}): mỗi xã có khóa riêng; hãy gọi điện hỏi xã")
        except KeyChanged as e:
            out.append(Preview(info.path, "refused", info=info, reason=str(e), key_status="changed"))
            continue
        except PackageError as e:
            out.append(Preview(info.path, "refused", info=info, reason=str(e)))
            continue
        except (AttributeError, TypeError, ValueError):
            out.append(Preview(info.path, "refused", info=info, reason="nội dung gói sai dạng: gói không hợp lệ"))
            continue
        k = (info.unit_code, info.period_code)
        current = seen.get(k) or store_packages.held(store, *k)
        status = _compare(info, current)
        out.append(Preview(info.path, status, info=info, upper=upper,
                           held_created_at=current["created_at"] if current else None, key_status=key))
        if key != "same":
            seen_keys[info.unit_code] = {"public_key": signing.b64(info.public_key), "fingerprint": info.fingerprint}
            seen_units[signing.b64(info.public_key)] = info.unit_code
        if status in ("new", "newer"):
            seen[k] = {"package_sha256": info.package_sha256, "data_sha256": info.data_sha256,
                       "created_at": info.created_at}
    return out


# --- importing -------------------------------------------------------------------------
def _ensure_upper(store, upper: dict, info: PackageInfo) -> str:
    if not upper["exists"]:
        store.create_unit(upper["code"], upper["name"], upper["kind"],
                          district=upper.get("district", ""), province=upper.get("province", ""),
                          place_name=upper["name"])
        upper["exists"] = True
    code = upper["code"]
    period = info.document["period"]
    if store.find_period(code, period["code"]) is None:
        # The upper level's own period: its window, deadline, counting rule and forms are the upper
        # level's (the defaults or its choice of forms, editable there), never the first package's,
        # which would set the deadline by which every other commune is judged late, or the forms
        # every other commune is summed by. A commune's figures those forms cannot count are named
        # by the roll-up (aggregate.Uncounted), never dropped unsaid.
        default_texts.new_period(store, code, period["code"])
    return code


def import_one(store, info: PackageInfo, force: bool = False, before_write=None,
               accept_new_key: bool = False) -> Result:
    """Import one checked package in one transaction (`_import_one`); a refused one is recorded
    (store.packages.record_refusal, nothing else written) for the submission status, in a file
    that is an upper level's already (not in a commune's file, nor in a new, empty one)."""
    result = _import_one(store, info, force, before_write, accept_new_key)
    if result.status == "refused" and isinstance(info.unit_code, str) and isinstance(info.period_code, str) \
            and store_packages.upper_units(store):
        try:
            store_packages.record_refusal(store, info.unit_code, info.period_code, result.message,
                                          file_name=info.path.name, package_sha256=info.package_sha256 or "")
        except Exception:  # sqlite3 errors (a full disk): the refusal itself is what matters, not its record
            pass
    return result


def _import_one(store, info: PackageInfo, force: bool, before_write, accept_new_key: bool) -> Result:
    """Import one checked package in one transaction.

    `before_write()` runs just before the transaction (default: `backup_before_import`, a
    backup of a file that holds data); if it raises UserError the package is refused with
    that reason and nothing is written. A commune's first package pins its key; a package
    signed by another key is refused unless `accept_new_key` (the officer checked it with the
    commune), which pins the new one, audited.
    """

    base = dict(unit_code=info.unit_code, unit_label=info.unit_label, period_code=info.period_code)
    try:
        upper = find_upper(store, info)
        if not _catalogue_known(store, info):
            _refuse(f"gói dùng danh mục biểu mẫu {info.document.get('catalogue_version')} mà tệp dữ liệu chưa có")
        key = key_status(store, info, accept_new_key)
    except PackageError as e:
        return Result(info.path, "refused", str(e), **base)
    except (AttributeError, TypeError, ValueError):
        return Result(info.path, "refused", "nội dung gói sai dạng: gói không hợp lệ", **base)
    current = store_packages.held(store, info.unit_code, info.period_code)
    status = _compare(info, current)
    if status == "same" and key == "same":
        return Result(info.path, "unchanged", "giống hệt gói đã nhập", **base)
    if status == "older" and not force:
        when = fmt.date(current["created_at"][:10])
        return Result(info.path, "refused",
                      f"gói cũ hơn gói đang có (lập {fmt.date(info.created_at[:10])}, gói đang có lập {when}); "
                      "chỉ nhập đè khi chắc chắn (tùy chọn --force, hoặc “Vẫn nhập bản cũ” trong cửa sổ)", **base)
    try:
        (before_write or (lambda: backup_before_import(store)))()
    except UserError as e:
        return Result(info.path, "refused", str(e), **base)
    exists_before = (store.find_period(info.unit_code, info.period_code) is not None)
    version = info.document.get("catalogue_version")
    added_catalogue = False
    note_par = ""
    try:
        with store.transaction():
            if info.catalogue_text is not None and not store.has_catalogue(version):
                store.register_catalogue(catalogue_mod.from_text(info.catalogue_text), make_default=False)
                added_catalogue = True
            if key != "same":
                store_packages.pin_key(store, info.unit_code, signing.b64(info.public_key), info.fingerprint,
                                       "first_use" if key == "new" else "accepted", info.path.name)
            if status != "same":
                upper_code = _ensure_upper(store, upper, info)
                dataio.load(store, info.document, replace=True, index766=info.index766)
                if info.par is not None:
                    note_par = par_package.store_section(store, info.unit_code, info.period_code, upper_code, info.par)
                store_packages.record_import(
                    store, info.unit_code, info.period_code, upper_code, package_sha256=info.package_sha256,
                    data_sha256=info.data_sha256, created_at=info.created_at, file_name=info.path.name,
                    manifest=info.manifest, document=info.data_deflated or info.data_text
                    or json.dumps(info.document, ensure_ascii=False))
    except DiskTrouble as e:
        if added_catalogue:
            store.forget_catalogue(version)
        return Result(info.path, "refused", write_trouble(e), **base)
    except UserError as e:
        if added_catalogue:
            store.forget_catalogue(version)
        return Result(info.path, "refused", str(e), **base)
    except Exception as e:  # sqlite3 errors: the package's rows have been rolled back
        if added_catalogue:
            store.forget_catalogue(version)
        return Result(info.path, "refused", write_trouble(e), **base)
    note = _join(_key_note(key, info), note_par, choices_note(info.manifest))
    if status == "same":
        return Result(info.path, "unchanged", _join("giống hệt gói đã nhập", note), **base)
    if status == "newer":
        return Result(info.path, "replaced", _join("bản cũ vẫn lưu trong lịch sử", note), **base)
    if status == "older":
        return Result(info.path, "replaced", _join("nhập đè theo yêu cầu; bản mới hơn vẫn lưu trong lịch sử", note),
                      **base)
    if exists_before:
        return Result(info.path, "replaced", _join("thay số liệu kỳ này đang có trong tệp", note), **base)
    return Result(info.path, "imported", note, **base)


CHOICE_WORDS = {"giu-so": "giữ số của đơn vị", "dung-so-tinh-lai": "dùng số tính lại"}


def _texts(items, keys) -> list[dict]:
    """The manifest's list of records, each field a string (anything else left out: the manifest
    is signed by the unit, but an older or odd writer must not break the import)."""
    if not isinstance(items, list):
        return []
    return [{k: (e.get(k) if isinstance(e.get(k), str) else "") for k in keys} for e in items if isinstance(e, dict)]


def choices_note(manifest: dict) -> str:
    """What the commune accepted or kept, as the import result says it (docs/goi-nop.md): each
    accepted error with its reason, each recomputed figure it kept (its figure, the app's, the note)
    or corrected."""
    errors = _texts(manifest.get("accepted_errors"), ("rule", "target", "message", "reason"))
    choices = _texts(manifest.get("correction_choices"), ("place", "choice", "note", "own", "computed", "rests_on"))
    parts = []
    if errors:
        parts.append(f"đơn vị đã chấp nhận {len(errors)} lỗi: "
                     + "; ".join(f"{shorten(e['message'], 90)} (lý do: {e['reason']})" for e in errors))
    kept = [c for c in choices if c["choice"] == "giu-so"]
    used = [c for c in choices if c["choice"] == "dung-so-tinh-lai"]
    if kept:
        parts.append(f"giữ số của đơn vị ở {len(kept)} chỉ tiêu: "
                     + "; ".join(f"{c['place']}: in {c['own']}, số phần mềm {c['computed']} (ghi chú: {c['note']})"
                                 + (f", {c['rests_on'][:1].lower()}{c['rests_on'][1:]}" if c["rests_on"] else "")
                                 for c in kept))
    if used:
        parts.append(f"dùng số tính lại ở {len(used)} chỉ tiêu: "
                     + "; ".join(f"{c['place']}: {c['computed']} (đơn vị ghi trước đây {c['own']})" for c in used))
    return "; ".join(parts)


def _key_note(key: str, info: PackageInfo) -> str:
    if key == "new":
        return f"ghi nhận khóa của xã lần đầu, mã khóa {info.fingerprint}: hãy gọi điện đối chiếu với xã"
    if key == "changed":
        return f"đã chấp nhận khóa mới, mã khóa {info.fingerprint}"
    return ""


def _join(*parts: str) -> str:
    return "; ".join(p for p in parts if p)


GROUP = 250  # packages written per commit of a batch (the write lock is held a second or so)


def write_trouble(e: Exception) -> str:
    """Why a package could not be written (a full disk, read-only media…), as its refusal says it."""
    cause = e.__cause__ if isinstance(e, DiskTrouble) and e.__cause__ is not None else e
    kind = disk_trouble_kind(cause)
    if kind == "full":
        return "ổ đĩa đã đầy nên gói chưa được nhập; hãy giải phóng dung lượng ổ đĩa rồi nhập lại"
    if kind == "readonly":
        return ("tệp dữ liệu đang ở chế độ chỉ đọc nên gói chưa được nhập; hãy kiểm tra quyền ghi của thư mục "
                "(hoặc USB đang khóa ghi) rồi nhập lại")
    if kind == "io":
        return ("lỗi đọc/ghi ổ đĩa nên gói chưa được nhập (USB bị rút ra hoặc ổ đĩa hỏng?); hãy kiểm tra ổ đĩa "
                "rồi nhập lại")
    if isinstance(e, UserError):
        return str(e)
    return "không ghi được vào tệp dữ liệu nên gói chưa được nhập; tệp dữ liệu không thay đổi"


def import_packages(store, paths: list, force: bool = False, on_result=None,
                    accept_new_key: bool = False) -> list[Result]:
    """Import each package, each all or nothing; refused ones are reported, the rest go on.

    `on_result(index, count, result)` is called after each package (a progress bar).
    A file that holds data is backed up once, before the first package that writes; if that
    backup cannot be made, every package that would write is refused with the reason. Each
    package is a savepoint of one transaction for the batch (store.packages.BatchTransaction),
    committed every GROUP packages and at the end: if a commit fails (a full disk), the
    packages it held are reported refused, with the reason, and the file holds none of them.
    """
    results: list[Result] = []
    items = expand_paths(paths)
    backup = BackupOnce(store)
    batch = store_packages.BatchTransaction(store)
    pending: list[int] = []  # results written in the open batch, not committed yet

    def before_write():
        backup()
        batch.begin()

    def undo(reason: str) -> None:
        for k in pending:
            r = results[k]
            if r.status in ("imported", "replaced"):
                results[k] = Result(r.path, "refused", reason, r.unit_code, r.unit_label, r.period_code)
        pending.clear()
        store.forget_unsaved_catalogues()

    def commit() -> None:
        try:
            batch.commit()
        except Exception as e:  # sqlite3 errors: rolled back
            undo(write_trouble(e))
        pending.clear()

    with store_packages.batch_durability(store):
        try:
            for k, item in enumerate(items):
                if isinstance(item, PackageInfo):
                    info = item
                else:
                    try:
                        info = check_package(item)
                    except PackageError as e:
                        info = None
                        result = Result(Path(item), "refused", str(e))
                if info is not None:
                    result = import_one(store, info, force=force, before_write=before_write,
                                        accept_new_key=accept_new_key)
                if batch.lost():  # SQLite rolled the whole batch back (this package's error says why)
                    undo(result.message)
                results.append(result)
                if batch.open:
                    pending.append(len(results) - 1)
                    if len(pending) >= GROUP:
                        commit()
                if on_result is not None:
                    on_result(k, len(items), result)
            commit()
        except BaseException:
            batch.rollback()
            raise
    return results


def expand_paths(paths: list) -> list:
    """Folders become the `.cchc` files they hold (sorted); files stay as given."""
    out = []
    for item in paths:
        if isinstance(item, PackageInfo):
            out.append(item)
            continue
        p = Path(item)
        if p.is_dir():
            out.extend(sorted(q for q in p.iterdir() if q.suffix.lower() == pkg.SUFFIX and q.is_file()))
        else:
            out.append(p)
    return out


def pinned_fingerprints(store) -> dict[str, str]:
    """unit code → the short fingerprint of the key pinned for it (the desk's status shows it)."""
    return {code: k["fingerprint"] for code, k in store_packages.pinned_keys(store).items()}
