"""The one-stop dossier register (sổ theo dõi hồ sơ) from a workbook export, and period figures.

The rules live here; every SQL statement of the register is in store/register.py.

Two steps (../shared/domain/ho-so-mot-cua.md):
- `inspect(path, store=None) -> Preview`: finds the sheet and its header row below any title
  rows, matches the headers loosely (case, diacritics, spacing, synonyms), and shows the first
  rows; a mapping the user confirmed earlier for the same headers is used again.
- `import_register(store, unit_code, path, mapping=None, progress=None, cancel=None,
  date_order=None) -> Summary`: parses the workbook once, reads every row, skips totals (by
  their shape), blank, unreadable rows and formula cells without a value (each skipped row with
  its number and a Vietnamese reason), reads each text date column by one order (`_Orders`:
  day first, month first, or `AmbiguousDates` for the caller to ask), and upserts one row per
  dossier code in ONE transaction, the per-day counts moved with it: a failure or a cancel
  half-way leaves the data file as it was. Before a write that changes the register, the file
  is backed up (`importing.backup_before_import`; no backup, no import).

Citizens' names, phone numbers and addresses are never stored: the mapping refuses personal
columns and only the mapped columns leave the reader (calamine decodes whole rows, so those
cells pass through memory as the row is read, and are dropped with it).

`window_figures(store, unit_code, start, end, known_fields)` computes the per-field dossier
figures per agency (the row's Cơ quan column, `agency_of`: UBND desk, Công an xã, BCH Quân sự
xã) in a window, and what the register holds outside it; `apply_figures_by_agency(store,
period_id, …)` puts them in the period's tables in place of typed figures (one transaction, audited).
"""
from __future__ import annotations

import datetime as dt
import functools
import gc
import hashlib
import json
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Callable

from cchc_desktop import fmt
from cchc_desktop.domain import dossiers
from cchc_desktop.domain.dossiers import (  # noqa: F401 (names the register's callers and tests use)
    DONE_WORDS, WITHDRAWN_WORDS, contains_words as _contains, is_done_status, is_withdrawn, norm,
)
from cchc_desktop.errors import UserError
from cchc_desktop.importing import backup_before_import, backup_is_current, excel_read
from cchc_desktop.safe_text import clean_line
from cchc_desktop.store import register as store_register
from cchc_desktop.store.database import own_connection  # noqa: F401 (the window's worker takes it from here)

# --- the fields of a register row --------------------------------------------------------
FIELDS = {
    "code": "Số hồ sơ",
    "procedure": "Tên thủ tục",
    "field": "Lĩnh vực",
    "received_date": "Ngày tiếp nhận",
    "due_date": "Ngày hẹn trả",
    "finished_date": "Ngày kết thúc (trả kết quả)",
    "agency": "Cơ quan",
    "status": "Trạng thái",
    "channel": "Hình thức nộp",
    # the QĐ 766 index's columns (report/index766.py); a column the export lacks stays NULL
    "online_kind": "Mức độ dịch vụ công trực tuyến",
    "synced": "Đồng bộ Cổng DVC quốc gia",
    "digitised": "Số hóa hồ sơ",
    "paid_online": "Thanh toán trực tuyến",
    "e_result": "Kết quả điện tử",
    "rating": "Đánh giá hài lòng",
}
INDEX_FIELDS = store_register.INDEX_COLS
REQUIRED = ("code", "received_date")
DATE_FIELDS = ("received_date", "due_date", "finished_date")
SYNONYMS = {
    "code": ["so ho so", "ma ho so", "so bien nhan", "ma bien nhan", "ma so ho so", "so hs", "ma hs",
             "so ho so bien nhan", "ma giay bien nhan", "so giay bien nhan"],
    "procedure": ["ten thu tuc", "thu tuc", "ten thu tuc hanh chinh", "ten tthc", "thu tuc hanh chinh", "tthc",
                  "ten dich vu cong", "ten ho so"],
    "field": ["linh vuc", "ten linh vuc"],
    "received_date": ["ngay tiep nhan", "ngay nhan", "ngay nop", "thoi gian tiep nhan", "ngay nhan ho so",
                      "ngay nop ho so", "tiep nhan"],
    "due_date": ["ngay hen tra", "ngay hen tra ket qua", "han xu ly", "han giai quyet", "thoi han giai quyet",
                 "ngay hen", "hen tra", "han tra ket qua", "ngay het han"],
    "finished_date": ["ngay ket thuc", "ngay tra ket qua", "ngay hoan thanh", "ngay co ket qua", "ngay tra kq",
                      "ngay xu ly xong", "ngay giai quyet xong", "tra ket qua", "ket thuc", "ngay tra"],
    "agency": ["co quan", "co quan giai quyet", "co quan xu ly", "don vi xu ly", "don vi", "don vi giai quyet",
               "co quan tiep nhan", "noi tiep nhan"],
    "status": ["trang thai", "tinh trang", "trang thai ho so", "tinh trang ho so", "trang thai xu ly"],
    "channel": ["hinh thuc nop", "hinh thuc tiep nhan", "kenh nop", "hinh thuc", "kenh tiep nhan",
                "hinh thuc nop ho so", "nguon ho so"],
    "online_kind": ["muc do dvc", "muc do dich vu cong", "muc do dvctt", "loai dich vu cong", "loai dvc",
                    "dvc toan trinh", "toan trinh mot phan", "muc do cung cap dvc"],
    "synced": ["dong bo", "da dong bo", "dong bo dvcqg", "dong bo cong dvc", "dong bo cong dvc quoc gia",
               "dong bo len cong dich vu cong quoc gia", "trang thai dong bo", "dong bo dvc quoc gia"],
    "digitised": ["so hoa", "da so hoa", "so hoa ho so", "so hoa thanh phan ho so", "trang thai so hoa"],
    "paid_online": ["thanh toan truc tuyen", "thanh toan", "hinh thuc thanh toan", "thanh toan phi le phi",
                    "da thanh toan truc tuyen", "thanh toan online"],
    "e_result": ["ket qua dien tu", "co ket qua dien tu", "tra ket qua dien tu", "kq dien tu",
                 "cap ket qua dien tu", "ket qua giai quyet dien tu"],
    "rating": ["danh gia", "danh gia hai long", "muc do hai long", "ket qua danh gia", "hai long",
               "danh gia cua nguoi dan"],
}
# Columns of personal data: recognised so that they are never mapped, read or stored.
PERSONAL = ["chu ho so", "nguoi nop", "ten nguoi nop", "nguoi nop ho so", "ho ten", "ho va ten", "ho ten nguoi nop",
            "so dien thoai", "dien thoai", "sdt", "dia chi", "email", "thu dien tu", "cmnd", "cccd",
            "so giay to", "so dinh danh", "ngay sinh", "to chuc ca nhan", "ca nhan to chuc", "nguoi dung ten",
            "so cmnd", "so cccd", "dien thoai lien he"]
HEADER_SCAN = 30
CHECK_EVERY = 2000  # rows between two looks at the cancel flag / progress reports
CHUNK_ROWS = 512  # rows converted together, column by column
PREVIEW_ROWS = 8
TOTAL_WORDS = ("tong cong", "tong so", "tong", "cong")
CHANNELS = {"truc_tuyen": "Trực tuyến", "truc_tiep": "Trực tiếp", "buu_chinh": "Bưu chính"}


@lru_cache(maxsize=4096)
def match_header(text) -> tuple[str | None, int]:
    """(field or "personal" or None, score) for one header cell (cached: the header scan reads
    the first 30 rows, whose procedures, fields and statuses repeat)."""
    h = norm(text)
    if not h:
        return None, 0
    best: tuple[str | None, int] = (None, 0)
    for p in PERSONAL:
        if h == p:
            return "personal", 1000
        if _contains(h, p) and 500 + len(p) > best[1]:
            best = ("personal", 500 + len(p))
    for fld, syns in SYNONYMS.items():
        for s in syns:
            if h == s:
                score = 900 + len(s)
            elif _contains(h, s) and len(s) >= 5:
                score = 100 + len(s)
            else:
                continue
            if score > best[1]:
                best = (fld, score)
    return best


def auto_mapping(headers: list) -> tuple[dict[str, int], set[int]]:
    """Greedy best matches: each field to one column, each column to one field."""
    cands = []
    personal: set[int] = set()
    for ci, h in enumerate(headers):
        fld, score = match_header(h)
        if fld == "personal":
            personal.add(ci)
        elif fld:
            cands.append((score, -ci, fld, ci))
    mapping: dict[str, int] = {}
    used: set[int] = set()
    for score, _, fld, ci in sorted(cands, reverse=True):
        if fld in mapping or ci in used:
            continue
        mapping[fld] = ci
        used.add(ci)
    return mapping, personal


def header_hash(headers: list) -> str:
    return hashlib.sha1("|".join(norm(h) for h in headers).encode()).hexdigest()


# --- values ------------------------------------------------------------------------------
_DATE_TEXT = re.compile(
    r"^\s*(?:(\d{1,2}):(\d{2})(?::(\d{2}))?\s+)?"
    r"(\d{1,2})\s*[/\-.]\s*(\d{1,2})\s*[/\-.]\s*(\d{4})"
    r"(?:[\sT,]+(\d{1,2})[:h](\d{2})(?::(\d{2}))?(?:\s*([AaPp][Mm]))?)?\s*$"
)
_ISO = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?\s*$")
EPOCH = dt.date(1899, 12, 30)


class BadValue(Exception):
    pass


def _plausible(d: dt.date) -> dt.date:
    if not (1990 <= d.year <= 2100):
        raise BadValue(f"năm {d.year} không hợp lý")
    return d


def parse_date(value) -> dt.date | None:
    """An Excel date cell, serial number or dd/mm/yyyy (dd-mm-yyyy, with or without time) text."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return _plausible(value.date())
    if isinstance(value, dt.date):
        return _plausible(value)
    if isinstance(value, bool):
        raise BadValue("không phải là ngày")
    if isinstance(value, (int, float)):
        if value != value or not (1 <= value < 2958466):
            raise BadValue("không phải là ngày")
        return _plausible(EPOCH + dt.timedelta(days=int(value)))
    s = str(value).strip()
    if not s:
        return None
    m = _DATE_TEXT.match(s)
    if m:
        d, mo, y = int(m.group(4)), int(m.group(5)), int(m.group(6))
        try:
            return _plausible(dt.date(y, mo, d))
        except ValueError:
            raise BadValue("không có thật") from None
    m = _ISO.match(s)
    if m:
        try:
            return _plausible(dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3))))
        except ValueError:
            raise BadValue("không có thật") from None
    if re.fullmatch(r"\d{5}(\.\d+)?", s):
        return parse_date(float(s))
    raise BadValue("không đọc được (cần dạng ngày/tháng/năm, ví dụ 15/12/2023)")


_ISO_CACHE: dict = {}


def date_iso(value) -> str | None:
    """parse_date as ISO text, cached (a register repeats the same days many times)."""
    if value is None:
        return None
    key = value if value.__class__ in (int, str) else (int(value) if value.__class__ is float else None)
    if key is not None:
        hit = _ISO_CACHE.get(key)
        if hit is not None:
            return hit
    d = parse_date(value)
    iso = d.isoformat() if d is not None else ""
    if key is not None and iso:
        if len(_ISO_CACHE) > 100_000:
            _ISO_CACHE.clear()
        _ISO_CACHE[key] = iso
    return iso or None


_SPACES = re.compile(r"\s+")


def text_of(value) -> str:
    if value is None:
        return ""
    if value.__class__ is str:
        value = clean_line(value)  # pasted control characters, NFD letters (safe_text.py)
        if "  " in value or "\n" in value or "\t" in value or "\r" in value or "\xa0" in value:
            return _SPACES.sub(" ", value).strip()
        return value.strip()
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, dt.datetime):
        return fmt.date(value.date()) if value.time() == dt.time() else value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, dt.date):
        return fmt.date(value)
    return _SPACES.sub(" ", str(value)).strip()


@lru_cache(maxsize=1024)
def channel_of(text: str) -> str:
    n = norm(text)
    if not n:
        return ""
    if "truc tuyen" in n or "online" in n or "dich vu cong" in n or "dvc" in n.split() or "qua mang" in n \
            or "muc do 3" in n or "muc do 4" in n or "toan trinh" in n or "mot phan" in n:
        return "truc_tuyen"
    if "buu chinh" in n or "buu dien" in n:
        return "buu_chinh"
    if "truc tiep" in n or "tai quay" in n or "bo phan mot cua" in n:
        return "truc_tiep"
    return text.strip()[:60]


@lru_cache(maxsize=1024)
def online_kind_of(text: str) -> str | None:
    """'toan_trinh' / 'mot_phan' when the text says the level of an online dossier, '' when it says
    not online, None when online without a level (unknown)."""
    n = norm(text)
    if "toan trinh" in n or "muc do 4" in n:
        return "toan_trinh"
    if "mot phan" in n or "muc do 3" in n:
        return "mot_phan"
    return None if channel_of(text) == "truc_tuyen" else ""


_NO_WORDS = ("khong", "chua", "0", "false", "no", "sai", "n")


@lru_cache(maxsize=1024)
def yes_no(text: str) -> int:
    """1 for a cell that says yes (Có, x, 1, Đã đồng bộ…), 0 for no or an empty cell."""
    n = norm(text)
    if not n or n.split()[0] in _NO_WORDS or n in ("-", "khong co"):
        return 0
    return 1


@lru_cache(maxsize=1024)
def paid_online_of(text: str) -> int:
    """1 paid online, 0 has fees not paid online, -1 no fee (empty, miễn phí, không thu phí)."""
    n = norm(text)
    if not n or "khong thu" in n or "mien" in n or "khong phai" in n or "khong co phi" in n or n == "-":
        return -1
    if "truc tiep" in n or "tien mat" in n or "tai quay" in n or "buu chinh" in n or n.split()[0] in _NO_WORDS:
        return 0
    return 1


@lru_cache(maxsize=1024)
def rating_of(text: str) -> int:
    """1 satisfied, 0 not satisfied, -1 not rated."""
    n = norm(text)
    if not n or "chua danh gia" in n or "khong danh gia" in n or n == "-":
        return -1
    if "khong hai long" in n or "chua hai long" in n or n in ("0", "khong", "kem", "te"):
        return 0
    return 1


# --- inspect -----------------------------------------------------------------------------
@dataclass
class Preview:
    path: Path
    sheet: str
    header_row: int  # 1-based row number of the (last) header row
    headers: list[str]  # as displayed, one per column
    mapping: dict[str, int]  # field → 0-based column
    personal: set[int]  # columns of personal data: never read
    rows: list[tuple[int, dict[int, str]]]  # first data rows: (row number, column → text), personal left out
    warnings: list[str] = field(default_factory=list)
    remembered: bool = False
    total_rows: int | None = None
    date1904: bool = False  # date serial numbers count from 1904 (Excel for Mac)
    # the open workbook when inspect(keep_book=True): import_register(book=preview.book) reads the
    # same parsed sheet again instead of parsing the file a second time; close_book() when done
    book: object = field(default=None, repr=False, compare=False)

    def close_book(self) -> None:
        if self.book is not None:
            self.book.close()
            self.book = None

    @property
    def hash(self) -> str:
        return header_hash(self.headers)

    def missing(self, mapping: dict[str, int] | None = None) -> list[str]:
        m = self.mapping if mapping is None else mapping
        return [f for f in REQUIRED if f not in m]

    def column_label(self, ci: int) -> str:
        h = self.headers[ci] if ci < len(self.headers) else ""
        return f"{excel_read.col_letter(ci)}: {h}" if h else f"Cột {excel_read.col_letter(ci)}"


def _scan(book, sheet: str) -> tuple[int, list[str], dict, set] | None:
    """The best header row among the first rows: (row number of its last line, headers, mapping, personal)."""
    rows: list[tuple[int, list]] = []
    for row_no, values in book.rows(sheet):
        rows.append((row_no, values))
        if len(rows) >= HEADER_SCAN + 1:
            break
    best = None
    for i, (row_no, values) in enumerate(rows[:HEADER_SCAN]):
        headers = [text_of(v) for v in values]
        mapping, personal = auto_mapping(headers)
        score = len(mapping) + 0.5 * len(personal)
        if not any(f in mapping for f in REQUIRED) or len(mapping) < 2:
            continue
        cand = (score, -i, row_no, headers, mapping, personal, i)
        # a two-row header: "Ngày" over "Tiếp nhận | Hẹn trả | Trả kết quả"
        if i + 1 < len(rows) and rows[i + 1][0] == row_no + 1:
            below = [text_of(v) for v in rows[i + 1][1]]
            if any(below) and not any(isinstance(v, (int, float, dt.date)) and not isinstance(v, bool)
                                      for v in rows[i + 1][1] if v is not None and not isinstance(v, str)):
                width = max(len(headers), len(below))
                top = headers + [""] * (width - len(headers))
                below += [""] * (width - len(below))
                filled, last = [], ""
                for ci in range(width):
                    if top[ci]:
                        last = top[ci]
                    elif not below[ci]:
                        last = ""
                    filled.append(last if not top[ci] and below[ci] else top[ci])
                combined = [f"{a} {b}".strip() if b and a != b else a for a, b in zip(filled, below)]
                m2, p2 = auto_mapping(combined)
                s2 = len(m2) + 0.5 * len(p2)
                if s2 > score and all(f in m2 for f in REQUIRED):
                    cand = (s2, -i, rows[i + 1][0], combined, m2, p2, i + 1)
        if best is None or cand[:2] > best[:2]:
            best = cand
    if best is None:
        return None
    _, _, row_no, headers, mapping, personal, _ = best
    return row_no, headers, mapping, personal


def _open(path) -> "excel_read.Book":
    return excel_read.open_book(path)


def _inspect_book(book, path: Path) -> Preview:
    """inspect() on an open book (the import reads the same book afterwards: parsed once)."""
    sheets = book.sheets()
    if not sheets:
        raise UserError(f"Tệp “{path.name}” không có trang tính nào. Hãy xuất lại danh sách hồ sơ.")
    found = None
    any_rows = False
    for sheet in sheets:
        res = _scan(book, sheet)
        if res is None:
            if not any_rows:
                any_rows = any(any(v is not None and str(v).strip() for v in vals)
                               for _, vals in _first(book.rows(sheet), 5))
            continue
        found = (sheet, res)
        break
    if found is None:
        if not any_rows:
            raise UserError(f"Tệp “{path.name}” không có dữ liệu (các trang tính đều trống).")
        raise UserError(
            f"Không tìm thấy dòng tiêu đề của danh sách hồ sơ trong tệp “{path.name}” (cần các cột như "
            "“Số hồ sơ”, “Ngày tiếp nhận”, “Lĩnh vực” trong 30 dòng đầu). Hãy kiểm tra đúng tệp xuất từ "
            "phần mềm một cửa chưa."
        )
    sheet, (header_row, headers, mapping, personal) = found
    preview = Preview(path, sheet, header_row, headers, mapping, personal, [], total_rows=book.row_count(sheet),
                      date1904=book.date1904)
    cols = [c for c in range(len(headers)) if c not in personal]
    for row_no, values in book.rows(sheet, cols):
        if row_no <= header_row:
            continue
        texts = {c: text_of(v) for c, v in zip(cols, values)}
        if not any(texts.values()):
            continue
        preview.rows.append((row_no, texts))
        if len(preview.rows) >= PREVIEW_ROWS:
            break
    return preview


def inspect(path: str | Path, store=None, keep_book: bool = False) -> Preview:
    """The mapping found, the first rows and warnings; UserError for a file that cannot be used.
    keep_book: the preview keeps the open, parsed workbook (`preview.book`) for import_register."""
    path = Path(path)
    book = _open(path)
    try:
        preview = _inspect_book(book, path)
    except BaseException:
        book.close()
        raise
    if keep_book:
        preview.book = book
    else:
        book.close()
    if store is not None:
        apply_remembered(preview, store)
    else:
        _warn(preview)
    return preview


def apply_remembered(preview: Preview, store) -> Preview:
    """Use the mapping the user confirmed earlier for the same headers (when there is one).

    Separate from reading the file so that a window can read on a worker thread and look this
    up on its own thread afterwards."""
    saved = remembered_mapping(store, preview.headers)
    if saved is not None:
        preview.mapping = saved
        preview.remembered = True
    _warn(preview)
    return preview


def _warn(preview: Preview) -> None:
    personal, headers = preview.personal, preview.headers
    preview.warnings = []
    for f in preview.missing():
        preview.warnings.append(f"Chưa tìm thấy cột “{FIELDS[f]}” (bắt buộc). Hãy chọn cột tương ứng.")
    for f in ("field", "due_date", "finished_date", "channel"):
        if f not in preview.mapping:
            preview.warnings.append(f"Không thấy cột “{FIELDS[f]}”: {_MISSING_EFFECT[f]}")
    if personal:
        names = ", ".join(f"“{headers[c]}”" for c in sorted(personal))
        preview.warnings.append(f"Các cột {names} là thông tin cá nhân của người dân: không đọc, không lưu.")
    if preview.remembered:
        preview.warnings.append("Đã dùng cách ghép cột đã xác nhận lần trước cho tệp có cùng tiêu đề.")


_MISSING_EFFECT = {
    "field": "mọi hồ sơ được xếp vào lĩnh vực “Khác”.",
    "due_date": "không phân biệt được trước hạn, đúng hạn, quá hạn (tính là đúng hạn).",
    "finished_date": "mọi hồ sơ được coi là đang giải quyết.",
    "channel": "mọi hồ sơ được coi là tiếp nhận trực tiếp.",
}


def _first(it, n):
    out = []
    for x in it:
        out.append(x)
        if len(out) >= n:
            break
    return out


# --- remembered mappings ------------------------------------------------------------------
def remembered_mapping(store, headers: list) -> dict[str, int] | None:
    saved = store_register.remembered_mapping(store, header_hash(headers))
    if saved is None:
        return None
    m = {k: int(v) for k, v in saved.items() if k in FIELDS}
    if any(c >= len(headers) for c in m.values()):
        return None
    return m


# --- import ------------------------------------------------------------------------------
class Cancelled(UserError):
    pass


@dataclass
class Summary:
    file_name: str
    sheet: str
    rows_read: int = 0
    imported: int = 0
    updated: int = 0
    unchanged: int = 0
    blank: int = 0
    skipped: list[tuple[int, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what was read in a way the user should know
    preview: Preview | None = None
    index_cols: tuple[str, ...] = ()  # the QĐ 766 index's columns the file has (store_register.INDEX_COLS)

    def lines(self, max_skipped: int | None = None) -> list[str]:
        n = fmt.number
        out = [
            f"Đã đọc {n(self.rows_read)} dòng hồ sơ từ tệp “{self.file_name}” (trang “{self.sheet}”).",
            f"- Hồ sơ mới: {n(self.imported)}",
            f"- Hồ sơ đã có, được cập nhật: {n(self.updated)}",
            f"- Hồ sơ đã có, không thay đổi: {n(self.unchanged)}",
            f"- Dòng bỏ qua: {n(len(self.skipped))}" + (f" (ngoài ra {n(self.blank)} dòng trống)" if self.blank else ""),
        ]
        out += [f"Lưu ý: {note}" for note in self.notes]
        if self.skipped:
            out.append("Các dòng bỏ qua:")
            shown = self.skipped if max_skipped is None else self.skipped[:max_skipped]
            out += [f"  Dòng {r}: {reason}" for r, reason in shown]
            if len(shown) < len(self.skipped):
                out.append(f"  … và {n(len(self.skipped) - len(shown))} dòng khác.")
        return out

    def text(self, max_skipped: int | None = None) -> str:
        return "\n".join(self.lines(max_skipped))


COLS = store_register.COLS


def _check_mapping(mapping: dict[str, int], preview: Preview) -> dict[str, int]:
    m = {}
    for k, v in (mapping or {}).items():
        if k not in FIELDS:
            raise UserError(f"Không có trường “{k}” trong sổ hồ sơ.")
        if v is None:
            continue
        v = int(v)
        if v < 0:
            continue
        if v in preview.personal:
            raise UserError(
                f"Cột “{preview.headers[v]}” là thông tin cá nhân của người dân, không được dùng cho "
                f"“{FIELDS[k]}”. Hãy chọn cột khác."
            )
        m[k] = v
    cols = list(m.values())
    if len(cols) != len(set(cols)):
        raise UserError("Mỗi cột chỉ dùng cho một trường. Hãy chọn lại cách ghép cột.")
    missing = [FIELDS[f] for f in REQUIRED if f not in m]
    if missing:
        raise UserError("Chưa chọn cột cho: " + ", ".join(missing) + ". Không thể nhập sổ hồ sơ khi thiếu các cột này.")
    return m


def _is_total(texts: list[str]) -> bool:
    for t in texts:
        if not t or t[0] not in "TtCc":
            continue
        n = norm(t)
        if n and any(n == w or n.startswith(w + " ") for w in TOTAL_WORDS):
            return True
    return False


def _is_column_numbers(values: list) -> bool:
    nums = []
    for v in values:
        if v is None or (isinstance(v, str) and not v.strip()):
            continue
        s = str(v).strip().strip("()")
        if isinstance(v, bool) or not re.fullmatch(r"\d{1,2}(\.0)?", s):
            return False
        nums.append(int(float(s)))
    return len(nums) >= 3 and len(set(nums)) == len(nums) and max(nums) <= 60


# --- dates written as text: one order (day first or month first) for the whole column ---
DATE_ORDERS = {"dmy": "ngày/tháng/năm", "mdy": "tháng/ngày/năm"}
_TEXT_DATES: dict[str, tuple | str] = {}


def _date_cell(value):
    """A date cell as ISO text, or (a, b, year) for a text date a/b/year whose order the column decides."""
    if value is None:
        return None
    cls = value.__class__
    if cls is dt.datetime or cls is dt.date:
        hit = _TEXT_DATES.get(value)
        if hit is None:
            hit = _TEXT_DATES[value] = _plausible(value.date() if cls is dt.datetime else value).isoformat()
        return hit
    if cls is str:
        hit = _TEXT_DATES.get(value)
        if hit is None:
            m = _DATE_TEXT.match(value)
            if m:
                hit = (int(m.group(4)), int(m.group(5)), int(m.group(6)))
            else:
                hit = date_iso(value) or ""
            if len(_TEXT_DATES) > 100_000:
                _TEXT_DATES.clear()
            _TEXT_DATES[value] = hit
        return hit or None
    return date_iso(value)


class _Orders:
    """What the text dates of each date column allow: day first, month first, both or neither."""

    def __init__(self):
        self.seen: dict[int, list[int]] = {}  # slot → [count, day-first fits, month-first fits, a != b]

    def add(self, slot: int, t: tuple) -> None:
        st = self.seen.get(slot)
        if st is None:
            st = self.seen[slot] = [0, 0, 0, 0]
        a, b = t[0], t[1]
        if not 1990 <= t[2] <= 2100:  # refused whichever the order
            return
        st[0] += 1
        st[1] += 1 <= b <= 12 and 1 <= a <= 31
        st[2] += 1 <= a <= 12 and 1 <= b <= 31
        st[3] += a != b and a <= 12 and b <= 12

    def decide(self, labels: dict[int, str], asked: str | None) -> dict[int, str]:
        chosen: dict[int, str] = {}
        unclear = []
        for slot, (count, dmy, mdy, _) in self.seen.items():
            if dmy == count and mdy < count:
                chosen[slot] = "dmy"
            elif mdy == count and dmy < count:
                chosen[slot] = "mdy"
            elif dmy < count and mdy < count:
                chosen[slot] = "dmy" if dmy >= mdy else "mdy"  # the misfits are skipped with their reason
            else:
                unclear.append(slot)
        proven = set(chosen.values())
        for slot in unclear:
            if asked in DATE_ORDERS:
                chosen[slot] = asked
            elif len(proven) == 1:  # the same export writes every date column alike
                chosen[slot] = next(iter(proven))
            elif self.seen[slot][3] == 0:  # every value reads the same either way (05/05/2024)
                chosen[slot] = "dmy"
            else:
                raise AmbiguousDates(labels[slot])
        return chosen


class AmbiguousDates(UserError):
    def __init__(self, column: str):
        self.column = column
        super().__init__(
            f"Cột “{column}” ghi ngày dạng chữ mà không rõ ngày trước hay tháng trước (mọi giá trị đều đọc được "
            "cả hai cách, ví dụ 05/06/2024); chưa nhập gì. Hãy chọn cách đọc: ngày/tháng/năm hoặc tháng/ngày/năm "
            "(dòng lệnh: --thu-tu-ngay ngay-thang hoặc thang-ngay)."
        )


def _resolve(value, order: str | None):
    """ISO text of a date cell after the column's order is known; BadValue when it does not fit."""
    if value is None or value.__class__ is str:
        return value
    a, b, y = value
    d, m = (a, b) if order != "mdy" else (b, a)
    if not 1 <= m <= 12:
        raise BadValue(f"không đúng dạng {DATE_ORDERS[order or 'dmy']} của cả cột")
    try:
        return _plausible(dt.date(y, m, d)).isoformat()
    except ValueError:
        raise BadValue("không có thật") from None


_DATE_LABELS = {"received_date": "ngày tiếp nhận", "due_date": "ngày hẹn trả", "finished_date": "ngày kết thúc"}


def _gc_paused(fn):
    """`fn` run with Python's cyclic garbage collector paused (restored after, as it was): an
    import builds a million small objects that live until it ends, and the collector's passes
    over them cost more than the rows' conversion (0.4 s of 1.8 s at 200 000 rows); nothing of
    an import makes cycles to collect."""
    @functools.wraps(fn)
    def run(*args, **kwargs):
        was = gc.isenabled()
        gc.disable()
        try:
            return fn(*args, **kwargs)
        finally:
            if was:
                gc.enable()
    return run


@_gc_paused
def import_register(store, unit_code: str | None, path: str | Path, mapping: dict[str, int] | None = None,
                    progress: Callable[[int, int | None], None] | None = None,
                    cancel: Callable[[], bool] | None = None, date_order: str | None = None,
                    book=None) -> Summary:
    """Read the whole file (parsed once), then write every good row in one transaction (or nothing).
    `date_order` ("dmy" / "mdy"): how to read a text date column that fits both.
    `book`: a workbook already open on `path` (Preview.book): read as it is, left open for its owner."""
    path = Path(path)
    unit = store.unit(unit_code)
    unit_code = unit["code"]

    def check_cancel():
        if cancel is not None and cancel():
            raise Cancelled("Đã hủy nhập sổ hồ sơ; dữ liệu không thay đổi.")

    own_book = book is None
    if own_book:
        book = _open(path)
    try:
        preview = _inspect_book(book, path)
        apply_remembered(preview, store)
        confirmed = mapping is not None
        m = _check_mapping(mapping if mapping is not None else preview.mapping, preview)
        summary = Summary(path.name, preview.sheet, preview=preview)
        records, first_row, pending, orders = _read_rows(book, preview, m, summary, progress, check_cancel)
    finally:
        if own_book:
            book.close()
    labels = {i: FIELDS[f] for i, f in enumerate(DATE_FIELDS)}
    chosen = orders.decide(labels, date_order)
    if not own_book:  # read for good (no date-order question): the sheet's memory is not kept for the upsert
        book.forget()
    for slot, order in sorted(chosen.items()):
        if order == "mdy":
            summary.notes.append(f"Cột “{labels[slot]}” ghi ngày dạng chữ tháng/ngày/năm (kiểu Mỹ): đã đọc theo "
                                 "cách đó cho cả cột.")
    for row in pending:  # the rows whose text dates waited for their column's order
        _accept(row, chosen, summary, records, first_row)
    del pending, first_row
    summary.skipped.sort()
    check_cancel()

    now = dt.datetime.now().isoformat(timespec="seconds")
    try:
        # the newest backup already this content (the command line's on opening, say)? Asked
        # before the staging, whose temporary rows count as writes of the connection
        current = backup_is_current(store)
        summary.imported, summary.updated, summary.unchanged, write = store_register.upsert(
            store, unit_code, records, now, summary.index_cols)
        del records
        check_cancel()
        if (summary.imported or summary.updated) and not current:  # the register changes: the file as it was is kept first
            backup_before_import(store)
            check_cancel()
        with store_register.transaction(store):
            write()
            check_cancel()
            store_register.record_import(
                store, unit_code, now, path.name, preview.sheet, header_hash(preview.headers),
                {"rows_read": summary.rows_read, "imported": summary.imported, "updated": summary.updated,
                 "unchanged": summary.unchanged, "skipped": len(summary.skipped)},
                m if confirmed else None, preview.headers,
                f"{path.name}: {summary.imported} mới, {summary.updated} cập nhật, {len(summary.skipped)} bỏ qua",
            )
    finally:
        store_register.drop_incoming(store)
    return summary


def _read_rows(book, preview: Preview, m: dict[str, int], summary: Summary, progress, check_cancel):
    """The sheet's records by dossier code (and the row each comes from), the rows whose text dates wait for their column's order
    (row number, code, procedure, field, agency, channel, status, counted, received, due, finished;
    a date an undecided (a, b, year)), and those orders' evidence; rows left out go to the summary
    with their reason."""
    # The columns to read: the mapped ones, and the first columns (STT) to recognise totals rows.
    extra = [c for c in range(min(3, len(preview.headers))) if c not in preview.personal and c not in m.values()]
    order = list(m.items())
    cols = [c for _, c in order] + extra
    idx = {f: i for i, (f, _) in enumerate(order)}
    i_code = idx["code"]
    date_slots = [(k, idx.get(f)) for k, f in enumerate(DATE_FIELDS)]
    i_proc, i_field, i_agency, i_status, i_channel = (
        idx.get(f) for f in ("procedure", "field", "agency", "status", "channel"))
    index_slots = [idx.get(f) for f in INDEX_FIELDS]
    has_kind = index_slots[0] is not None or i_channel is not None
    # the index columns this file has (online_kind also from the channel's words): only those are
    # read and stored, so that a file without them costs the import nothing more
    present = [k for k, i in enumerate(index_slots) if (has_kind if k == 0 else i is not None)]
    summary.index_cols = tuple(INDEX_FIELDS[k] for k in present)
    parsers = (None, yes_no, yes_no, paid_online_of, yes_no, rating_of)
    # where a totals row writes its word ("Tổng cộng", "Cộng: 125 hồ sơ") and its counts
    word_slots = [i for i, c in enumerate(cols) if (c in extra or i == i_code or c == 0) and i != i_proc]
    count_slots = [i for i in (i_proc, i_field, i_agency, i_status, i_channel) if i is not None]
    sheet = preview.sheet
    gaps = book.formula_gaps(sheet)
    gap_rows: dict[int, list[int]] = {}
    for r, c in gaps:
        if c in cols and r > preview.header_row:
            gap_rows.setdefault(r, []).append(c)
    total_rows = book.row_count(sheet)
    shift = 1462 if book.date1904 else 0
    text_slots = [len(cols) if i is None else i for i in (i_proc, i_field, i_agency, i_status, i_channel,
                                                          *(index_slots[k] for k in present))]
    cleaned: dict = {None: ""}
    orders = _Orders()
    records: dict[str, tuple] = {}
    first_row = _RowOf()
    pending = []
    header_row = preview.header_row

    def one(row_no: int, values: list) -> None:
        """One row by every rule, in their order (`values`: cols, then one always-empty slot standing
        for an unmapped field in text_slots)."""
        if values.count(None) == len(values):
            if row_no not in gap_rows:
                summary.blank += 1
                return
        summary.rows_read += 1
        if row_no in gap_rows:
            cells = ", ".join(f"{excel_read.col_letter(c)}{row_no}" for c in sorted(gap_rows[row_no]))
            summary.skipped.append((row_no, f"ô {cells} là công thức chưa có giá trị (tệp được lưu bằng phần mềm "
                                            "không tính công thức; mở bằng Excel, lưu lại rồi nhập)"))
            return
        code = text_of(values[i_code])
        # A totals row by its shape: its word where numbers and codes stand (STT, Số hồ sơ), or no
        # dossier code and a total word or counts where the dossier's fields are. Never by a word
        # inside a procedure's name alone ("Công nhận hòa giải viên" is a procedure).
        if _is_total([text_of(values[i]) for i in word_slots if values[i].__class__ is str]) or not code and (
                (i_proc is not None and _is_total([text_of(values[i_proc])]))
                or (any(values[i].__class__ in (int, float) for i in count_slots)
                    and not any(values[i] for _, i in date_slots if i is not None))):
            summary.skipped.append((row_no, "dòng tổng cộng"))
            return
        if not code:
            if summary.rows_read <= 3 and _is_column_numbers(values):
                summary.skipped.append((row_no, "dòng đánh số thứ tự cột"))
            elif values[date_slots[0][1]] is None:
                summary.skipped.append((row_no, "không có số hồ sơ và ngày tiếp nhận (dòng ghi chú?)"))
            else:
                summary.skipped.append((row_no, "thiếu số hồ sơ"))
            return
        if summary.rows_read <= 3 and _is_column_numbers(values):
            summary.skipped.append((row_no, "dòng đánh số thứ tự cột"))
            return
        if len(code) > 100:
            summary.skipped.append((row_no, "số hồ sơ dài bất thường (quá 100 ký tự)"))
            return
        dates = []
        bad = None
        undecided = False
        for k, i in date_slots:
            if i is None:
                dates.append(None)
                continue
            v = values[i]
            if shift and v.__class__ in (int, float):
                v += shift
            try:
                d = _date_cell(v)
            except BadValue as e:
                bad = f"{_DATE_LABELS[DATE_FIELDS[k]]} “{text_of(v)[:40]}” {e}"
                break
            if d.__class__ is tuple:
                orders.add(k, d)
                undecided = True
            dates.append(d)
        if bad:
            summary.skipped.append((row_no, bad))
            return
        # procedure, field, agency, status, channel repeat a few values: each cleaned once
        texts = []
        for i in text_slots:
            v = values[i]
            t = cleaned.get(v)
            if t is None:
                t = text_of(v)[:300]
                if len(cleaned) < 50_000:
                    cleaned[v] = t
            texts.append(t)
        proc, fld, agency, status, channel = texts[:5]
        extra = ()
        if present:
            key = (channel, *texts[5:])
            extra = extra_of.get(key)
            if extra is None:
                extra = tuple((online_kind_of(t) if t else online_kind_of(channel)) if k == 0 else parsers[k](t)
                              for k, t in zip(present, texts[5:]))
                if len(extra_of) < 50_000:
                    extra_of[key] = extra
        row = (row_no, code, proc, fld, agency, channel_of(channel) if channel else "", status,
               0 if status and is_withdrawn(status) else 1, *dates, extra)
        if undecided:
            pending.append(row)
        else:
            _accept(row, {}, summary, records, first_row)


    # Most rows of a real export are plain: a code, a received date, the other dates after it,
    # nothing of a totals row. Those are converted column by column (values repeat: each distinct
    # one converted once, map() over the column); every other row goes through one() above.
    texts_of = _Memo(lambda v: text_of(v)[:300], 50_000, {None: "", "": ""})

    def date_or_error(v):
        if shift and v.__class__ in (int, float):
            v += shift
        try:
            return _date_cell(v)
        except BadValue as e:
            return e

    dates_of = _Memo(date_or_error, 100_000, {None: None, "": None})
    channel_code = _Memo(lambda t: channel_of(t) if t else "", 10_000)
    counted_of = _Memo(lambda t: 0 if t and is_withdrawn(t) else 1, 10_000)
    needs_fin = _Memo(lambda t: bool(t) and is_done_status(t) and not is_withdrawn(t), 10_000)
    extra_of = _Memo(lambda key: tuple(
        (online_kind_of(t) if t else online_kind_of(key[0])) if k == 0 else parsers[k](t)
        for k, t in zip(present, key[1:])), 50_000)
    other_words = [i for i in word_slots if i != i_code]
    i_dates = [i for _, i in date_slots]
    seen = checked = 0
    # small chunks: the values of a chunk are alive at once (a 500-row chunk stays in the CPU's cache)
    for first, colv in book.chunks(sheet, cols, fill_from=header_row + 1, size=min(CHUNK_ROWS, CHECK_EVERY)):
        if seen // CHECK_EVERY > checked:
            checked = seen // CHECK_EVERY
            check_cancel()
            if progress is not None:
                progress(first, total_rows)
        size = len(colv[0]) if colv else 0
        seen += size
        skip = max(header_row + 1 - first, 0)
        # the first rows read go one by one (a row of column numbers under the header)
        while skip < size and summary.rows_read < 3:
            one(first + skip, _values_at(colv, skip))
            skip += 1
        if skip >= size:
            continue
        if skip:
            colv = [c[skip:] for c in colv]
            first += skip
            size -= skip
        codes = _code_texts(colv[i_code])
        none = [None] * size
        recv, due, fin = (none if i is None else list(map(dates_of.__getitem__, colv[i])) for i in i_dates)
        blank = [""] * size
        texts = [blank if i == len(cols) else list(map(texts_of.__getitem__, colv[i])) for i in text_slots]
        statuses = texts[3]
        good = [j for j, c, r, d, f, nf in zip(range(size), codes, recv, due, fin, map(needs_fin.__getitem__, statuses))
                if c and r.__class__ is str and len(c) <= 100 and c[0] not in "TtCc"
                and (d is None or (d.__class__ is str and d >= r))
                and ((f.__class__ is str and f >= r) if f is not None else not nf)]
        odd = {r - first for r in gap_rows if first <= r < first + size}
        for i in other_words:
            odd.update(j for j, v in enumerate(colv[i]) if v.__class__ is str and (t := texts_of[v]) and t[0] in "TtCc")
        if odd:
            good = [j for j in good if j not in odd]
        recs = zip(texts[0], texts[1], texts[2], map(channel_code.__getitem__, texts[4]), recv, due, fin, statuses,
                   map(counted_of.__getitem__, statuses))
        if present:
            recs = [b + e for b, e in zip(recs, map(extra_of.__getitem__, zip(texts[4], *texts[5:])))]
        else:
            recs = list(recs)
        if len(good) < size:
            for j in sorted(set(range(size)).difference(good)):
                one(first + j, _values_at(colv, j))
            codes = [codes[j] for j in good]
            recs = [recs[j] for j in good]
            row_nos = [first + j for j in good]
        else:
            row_nos = range(first, first + size)
        summary.rows_read += len(good)
        new = dict(zip(codes, recs))
        if len(new) == len(codes) and records.keys().isdisjoint(new):
            records.update(new)
            first_row.bulk(codes, row_nos)
        else:  # a code seen twice: the later row wins, the earlier is listed
            for row_no, code, rec in zip(row_nos, codes, recs):
                _accept((row_no, code, *rec[:4], rec[7], rec[8], *rec[4:7], rec[9:]), {}, summary, records,
                        first_row)
    if book.filled:
        summary.notes.append(f"{fmt.number(book.filled)} ô gộp (merge) trong phần dữ liệu đã được điền bằng giá trị "
                             "của ô đầu vùng gộp.")
    if progress is not None:
        progress(total_rows or count, total_rows)
    return records, first_row, pending, orders



class _RowOf:
    """The row each kept dossier code comes from, for the "lặp lại" reason of a repeated code:
    the plain chunks' (codes, row numbers) are only logged, and looked at the first time a
    code repeats (most registers never do: no dict of a million row numbers)."""
    __slots__ = ("log", "rows")

    def __init__(self):
        self.log: list[tuple] = []
        self.rows: dict[str, int] = {}

    def bulk(self, codes, row_nos) -> None:  # codes not kept before
        self.log.append((codes, row_nos))

    def get(self, code: str) -> int | None:
        for codes, row_nos in self.log:
            self.rows.update(zip(codes, row_nos))
        self.log = []
        return self.rows.get(code)

    def __setitem__(self, code: str, row_no: int) -> None:
        self.rows[code] = row_no


class _Memo(dict):
    """A dict that computes a missing value as `fn(key)` (and keeps it while it holds fewer than
    `limit`): map(memo.__getitem__, column) converts a column at C speed where values repeat."""
    __slots__ = ("fn", "limit")

    def __init__(self, fn, limit: int, seed=()):
        super().__init__(seed)
        self.fn, self.limit = fn, limit

    def __missing__(self, key):
        value = self.fn(key)
        if len(self) < self.limit:
            self[key] = value
        return value


def _values_at(columns: list, j: int) -> list:
    """Row j of a chunk as one() takes it: empty cells None, and the always-empty slot at the end."""
    return [None if (v := c[j]) == "" else v for c in columns] + [None]


def _code_texts(column) -> list[str]:
    """text_of of every dossier code of a chunk: codes are unique, so no memo; a chunk of plain
    codes (printable NFC text, no space at either end or doubled) is its own text, found in one
    look at the whole column."""
    try:
        joined = "\x1f".join(column)
    except TypeError:  # numbers, dates, None among the codes
        return [text_of(v) for v in column]
    if (joined.count("\x1f") == len(column) - 1 and joined.replace("\x1f", "").isprintable()
            and "  " not in joined and " \x1f" not in joined
            and "\x1f " not in joined and joined[:1] != " " and joined[-1:] != " "
            and unicodedata.is_normalized("NFC", joined)):
        return list(column)
    return [text_of(v) for v in column]


def _accept(row: tuple, chosen: dict[int, str], summary: Summary, records: dict, first_row: dict) -> None:
    """One row's dates read by their column's order and checked; its record (COLS) kept by dossier
    code, the later row of a repeated code winning."""
    row_no, code, proc, fld, agency, channel, status, counted, recv, due, fin, extra = row
    if recv.__class__ is tuple or due.__class__ is tuple or fin.__class__ is tuple:
        dates = []
        for k, v in enumerate((recv, due, fin)):
            try:
                dates.append(_resolve(v, chosen.get(k)))
            except BadValue as e:
                summary.skipped.append((row_no, f"{_DATE_LABELS[DATE_FIELDS[k]]} “{v[0]:02d}/{v[1]:02d}/{v[2]}” {e}"))
                return
        recv, due, fin = dates
    if recv is None:
        summary.skipped.append((row_no, "thiếu ngày tiếp nhận"))
        return
    if fin is not None and fin < recv:
        summary.skipped.append((row_no, f"ngày kết thúc {fmt.date(fin)} trước ngày tiếp nhận {fmt.date(recv)}"))
        return
    if due is not None and due < recv:
        summary.skipped.append((row_no, f"ngày hẹn trả {fmt.date(due)} trước ngày tiếp nhận {fmt.date(recv)}"))
        return
    if fin is None and status and is_done_status(status) and counted:
        summary.skipped.append((row_no, f"trạng thái “{status[:40]}” nhưng không có ngày kết thúc"))
        return
    other = first_row.get(code) if code in records else None
    if other is not None:
        earlier, later = sorted((other, row_no))
        summary.skipped.append((earlier, f"số hồ sơ {code} lặp lại ở dòng {later}; lấy dòng sau"))
        if other > row_no:
            return
    records[code] = (proc, fld, agency, channel, recv, due, fin, status, counted, *extra)
    first_row[code] = row_no





def import_history(store, unit_code: str) -> list[dict]:
    return store_register.import_history(store, unit_code)


def register_count(store, unit_code: str) -> int:
    return store_register.count(store, unit_code)


# --- period figures ----------------------------------------------------------------------
OTHER_FIELD = "Khác"
# common abbreviations of field names in registers → the words the catalogue and the tables use
FIELD_ABBREVIATIONS = {
    "ncc": "nguoi co cong",
    "btxh": "bao tro xa hoi",
    "ldtbxh": "lao dong thuong binh va xa hoi",
    "tnmt": "tai nguyen va moi truong",
    "gtvt": "giao thong van tai",
    "lđtbxh": "lao dong thuong binh va xa hoi",
}


def field_name(text: str) -> str:
    s = re.sub(r"\s+", " ", unicodedata.normalize("NFC", text or "")).strip()
    if norm(s).startswith("linh vuc "):
        s = s.split(" ", 2)[2] if len(s.split(" ", 2)) == 3 else s
    return s[:1].upper() + s[1:] if s else OTHER_FIELD


@lru_cache(maxsize=4096)
def field_key(text: str) -> str:
    """What two spellings of one field share: case, accents, NFC/NFD, a "Lĩnh vực" prefix, "và"/","
    and the common abbreviations (NCC, BTXH, LĐTBXH) do not count."""
    n = norm(field_name(text))
    n = " ".join(FIELD_ABBREVIATIONS.get(w, w) for w in n.split())
    return " ".join(w for w in n.split() if w != "va")


def _iso(d) -> str:
    if isinstance(d, dt.datetime):
        return d.date().isoformat()
    if isinstance(d, dt.date):
        return d.isoformat()
    return dt.date.fromisoformat(str(d)).isoformat()


def agency_of(text: str) -> str:
    """The agency table a register row belongs to, by its Cơ quan column: Công an xã, BCH Quân
    sự xã, otherwise (blank, "Bộ phận một cửa", "UBND xã", a department …) the UBND desk."""
    t = norm(text)
    if "cong an" in t:
        return "cong_an"
    if "quan su" in t or re.search(r"\bbch\b", t):
        return "quan_su"
    return "ubnd"


@dataclass
class Figures:
    """A window's figures: {agency: {field name: figures}}, and what the register holds outside them."""
    by_agency: dict[str, dict[str, dict[str, int]]]
    before: int = 0  # dossiers finished before the window's first day
    after: int = 0  # dossiers received after its last day
    withdrawn: int = 0  # withdrawn / returned dossiers: never counted
    unmatched: list[str] = field(default_factory=list)  # register fields not among the known names

    def outside_lines(self, start, end) -> list[str]:
        n = fmt.number
        out = []
        if self.before or self.after:
            out.append(f"Ngoài kỳ ({fmt.date(_iso(start))} – {fmt.date(_iso(end))}), không tính: {n(self.before)} hồ sơ "
                       f"đã giải quyết xong trước ngày đầu kỳ, {n(self.after)} hồ sơ tiếp nhận sau ngày cuối kỳ.")
        if self.withdrawn:
            out.append(f"Không tính {n(self.withdrawn)} hồ sơ đã rút, hủy hoặc trả lại.")
        if self.unmatched:
            out.append("Lĩnh vực chưa có trong bảng hồ sơ của kỳ (giữ cách viết phổ biến nhất trong sổ): "
                       + ", ".join(f"“{u}”" for u in self.unmatched) + ".")
        return out


def register_figures(store, unit_code: str, start, end, agency: str = "ubnd") -> dict[str, dict[str, int]]:
    """Per-field dossier figures of one agency (`agency_of` its Cơ quan column) in the window
    [start, end] (both days included); `window_figures` says how they are counted."""
    return figures_by_agency(store, unit_code, start, end).get(agency, {})


def figures_by_agency(store, unit_code: str, start, end,
                      known_fields: list[str] | None = None) -> dict[str, dict[str, dict[str, int]]]:
    return window_figures(store, unit_code, start, end, known_fields).by_agency


def window_figures(store, unit_code: str, start, end, known_fields: list[str] | None = None) -> Figures:
    """{agency: per-field dossier figures} of the window [start, end] (both days included), for the
    agencies that have dossiers in it (in dossiers.AGENCIES order), from the register's per-day
    counts (store/register.py: a few thousand rows whatever the register's size).

    received online/direct: received inside the window, by Hình thức nộp (post counts as direct);
    carried over: received before the start and not finished before it;
    resolved: finished inside the window — early if before the promised date, on time on it (or
    when there is no promised date), late after it;
    pending: received by the end and not finished by then — overdue if the promised date is
    before the end. Withdrawn or returned dossiers (status rút / hủy / trả lại / từ chối) are left out.
    A field is named as `known_fields` (the period's table) names it, else by its most common spelling.
    """
    start, end = _iso(start), _iso(end)
    known = {field_key(f): f for f in known_fields or []}
    spellings: dict[str, dict[str, int]] = {}
    by_agency: dict[str, dict[str, dict[str, int]]] = {}
    res = Figures({})
    for (who, fld, r_before, r_online, r_in, r_by_end, f_before, early, ontime, late, f_by_end,
         due_before_end, kept_before_end, late_by_end, r_all) in store_register.window_counts(
            store, unit_code, start, end):
        res.before += f_before
        res.after += r_all - r_by_end
        name = field_name(fld)
        key = field_key(name) if fld else norm(OTHER_FIELD)
        sp = spellings.setdefault(key, {})
        sp[name] = sp.get(name, 0) + r_all
        row = {
            "ky_truoc": r_before - f_before,
            "truc_tuyen": r_online,
            "truc_tiep": r_in - r_online,
            "truoc_han": early,
            "dung_han": ontime,
            "qua_han": late,
            "dang_giai_quyet": r_by_end - f_by_end,
            "dang_qua_han": due_before_end - kept_before_end - late_by_end,
        }
        if not any(row.values()):
            continue
        out = by_agency.setdefault(agency_of(who or ""), {})
        acc = out.get(key)
        if acc is None:
            out[key] = row
        else:
            for c, v in row.items():
                acc[c] += v
    names = {}
    for key, sp in spellings.items():
        if key in known:
            names[key] = known[key]
        else:
            names[key] = max(sp.items(), key=lambda kv: (kv[1], kv[0]))[0]
            if known_fields is not None and names[key] != OTHER_FIELD:
                res.unmatched.append(names[key])
    res.unmatched.sort(key=norm)
    for agency, rows in by_agency.items():
        named = {names[k]: {c: v[c] for c in dossiers.COLUMNS} for k, v in rows.items()}
        by_agency[agency] = dict(sorted(named.items(), key=lambda kv: (kv[0] == OTHER_FIELD, norm(kv[0]))))
    res.by_agency = {a: by_agency[a] for a in dossiers.AGENCIES if by_agency.get(a)}
    res.withdrawn = store_register.withdrawn_count(store, unit_code)
    return res


def period_figures(store, period_id: int, agency: str = "ubnd") -> dict[str, dict[str, int]]:
    return period_figures_by_agency(store, period_id).get(agency, {})


def period_figures_by_agency(store, period_id: int) -> dict[str, dict[str, dict[str, int]]]:
    """{agency: per-field figures} of the agencies that have dossiers in the period, UBND first."""
    return period_window_figures(store, period_id).by_agency


def period_window_figures(store, period_id: int) -> Figures:
    """`window_figures` of the period, fields named as the period's dossier tables name them."""
    p = store.period(period_id)
    known = [r["field"] for a in dossiers.AGENCIES
             for r in store_register.dossier_rows(store, period_id, a, dossiers.COLUMNS) if r["field"]]
    return window_figures(store, p["unit_code"], p["start_date"], p["end_date"], known)


def apply_figures_by_agency(store, period_id: int, by_agency: dict[str, dict[str, dict[str, int]]]) -> None:
    """`apply_register_figures` for every agency given, all in one transaction."""
    with store_register.transaction(store):
        for agency, figures in by_agency.items():
            apply_register_figures(store, period_id, figures, agency)


def apply_register_figures(store, period_id: int, figures: dict[str, dict[str, int]],
                           agency: str = "ubnd") -> None:
    """Replace the period's figures of one agency by these, in one audited transaction. A field of
    the table the register has no dossier of stays, with zeros (the register says none), in its place."""
    if agency not in dossiers.AGENCIES:
        raise ValueError(agency)
    for name, row in figures.items():
        for c in dossiers.COLUMNS:
            v = row.get(c, 0)
            if not isinstance(v, int) or isinstance(v, bool) or v < 0:
                raise UserError(f"Số liệu lĩnh vực “{name}” cột {dossiers.COLUMN_LABELS[c]} không hợp lệ.")
    old_rows = store_register.dossier_rows(store, period_id, agency, dossiers.COLUMNS)
    existing = [r["field"] for r in old_rows if r["field"] != ""]
    given = {field_key(n): (n, row) for n, row in figures.items()}
    zero = {c: 0 for c in dossiers.COLUMNS}
    order = [(f, given.pop(field_key(f), (f, zero))[1]) for f in existing]
    order += list(given.values())
    old_text = json.dumps({r["field"] or "*": {c: r[c] for c in dossiers.COLUMNS} for r in old_rows},
                          ensure_ascii=False)
    new_text = json.dumps({n: {c: int(r.get(c, 0)) for c in dossiers.COLUMNS} for n, r in order},
                          ensure_ascii=False)
    store_register.replace_dossier_rows(store, period_id, agency, dossiers.COLUMNS, order, old_text, new_text)


def figures_lines(figures: dict[str, dict[str, int]]) -> list[str]:
    """The figures as a text table (CLI)."""
    header = ["Lĩnh vực"] + [dossiers.COLUMN_SHORT[c] for c in dossiers.COLUMNS]
    rows = [[name] + [fmt.number(r.get(c, 0)) for c in dossiers.COLUMNS] for name, r in figures.items()]
    total = ["Cộng"] + [fmt.number(sum(r.get(c, 0) for r in figures.values())) for c in dossiers.COLUMNS]
    table = [header] + rows + [total]
    widths = [max(len(r[i]) for r in table) for i in range(len(header))]
    return ["  ".join(cell.ljust(widths[0]) if i == 0 else cell.rjust(widths[i]) for i, cell in enumerate(r))
            for r in table]
