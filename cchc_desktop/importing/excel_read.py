"""Reading the rows of a workbook (.xlsx, .xlsm, .xlsb, .xls, .ods) with python-calamine.

`open_book(path)` checks the file (missing, empty, password-protected, not a workbook,
damaged → UserError with one Vietnamese line) and returns a Book; `book.sheets()` lists the
sheet names and `book.rows(sheet, columns=None, fill_from=None)` yields `(row_number, values)`
where `values` holds the requested columns only (0-based indices; None = every column).
Empty cells are None, numbers float, date cells datetime/date (calamine converts them, 1900 or
1904 epoch alike).

What calamine does not say, the Book finds out itself, so that nothing is read silently wrong:
- a sheet cut short (an aborted export): calamine refuses a cut inside <sheetData>, but a cut
  after it (the merged cells lost) reads "fine"; an .xlsx sheet must end with </worksheet>;
- formula cells without a cached value, which calamine reads as empty (`formula_gaps`);
- merged cells in the data rows: filled from their top-left cell (`fill_from`), counted in
  `book.filled`.
"""
from __future__ import annotations

import re
import zipfile
from itertools import islice
import zlib
from pathlib import Path
from typing import Iterator

from cchc_desktop.errors import UserError

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
CHUNK = 1 << 20
MiB = 1 << 20
# Limits read before calamine opens a file: a hostile workbook of a few MB that inflates to
# gigabytes (one endless row, a huge shared-strings part) is refused within a second. A real
# register of a province stays far below them (its sheet XML compresses 5-20 times).
MAX_FILE_BYTES = 200 * MiB
MAX_MEMBER_BYTES = 1024 * MiB  # one part of the zip, inflated
MAX_TOTAL_BYTES = 2048 * MiB  # all parts, inflated
MAX_RATIO = 100  # inflated / compressed, for parts above RATIO_FLOOR
RATIO_FLOOR = 4 * MiB
# the calamine exceptions and what a damaged zip or XML raises on the way
_BROKEN = (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, KeyError, NotImplementedError,
           UnicodeError, IndexError, OverflowError, RuntimeError)
# a formula cell with no <v>: <c r="B7" …><f>…</f></c> or <f …/></c>
_FORMULA_NO_VALUE = re.compile(
    rb"<(?:\w+:)?c\b[^>]*?\br=[\"']([A-Z]+)(\d+)[\"'][^>]*>\s*<(?:\w+:)?f\b[^>]*?(?:/>|>[^<]*</(?:\w+:)?f>)\s*"
    rb"(?:<(?:\w+:)?v\s*/>\s*|<(?:\w+:)?v>\s*</(?:\w+:)?v>\s*)?</(?:\w+:)?c>"
)
_END = re.compile(rb"</(?:\w+:)?worksheet>\s*$")


def col_index(letters: bytes | str) -> int:
    n = 0
    for ch in letters if isinstance(letters, str) else letters.decode():
        n = n * 26 + ord(ch) - 64
    return n - 1


def col_letter(index: int) -> str:
    s = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        s = chr(65 + rem) + s
    return s


# --- messages ---------------------------------------------------------------------------
def damaged(name: str, detail: str = "") -> UserError:
    extra = f" ({detail})" if detail else ""
    return UserError(
        f"Tệp “{name}” bị hỏng hoặc không đọc được{extra}; chưa nhập gì. Hãy mở tệp bằng Excel, lưu lại "
        "dưới dạng .xlsx (Tệp → Lưu thành → Sổ làm việc Excel) hoặc xuất lại từ phần mềm một cửa rồi nhập lại."
    )


def _protected(name: str) -> UserError:
    return UserError(
        f"Tệp “{name}” được đặt mật khẩu nên không đọc được. Hãy mở tệp bằng Excel, bỏ mật khẩu "
        "(Tệp → Thông tin → Bảo vệ sổ làm việc → Mã hóa bằng mật khẩu, xóa mật khẩu), lưu lại rồi nhập."
    )


def _not_excel(name: str) -> UserError:
    return UserError(
        f"Tệp “{name}” không phải là bảng tính Excel (.xlsx, .xlsm, .xlsb, .xls) hay OpenDocument (.ods). Hãy chọn tệp danh sách "
        "hồ sơ xuất từ phần mềm một cửa; tệp .csv hãy mở bằng Excel rồi lưu thành .xlsx."
    )


def open_book(path: str | Path) -> "Book":
    p = Path(path)
    name = p.name
    if not p.exists():
        raise UserError(f"Không tìm thấy tệp “{p}”. Hãy kiểm tra lại đường dẫn.")
    if p.is_dir():
        raise UserError(f"“{p}” là một thư mục. Hãy chọn một tệp Excel.")
    try:
        size = p.stat().st_size
        with open(p, "rb") as fh:
            head = fh.read(8)
    except OSError as e:
        raise UserError(f"Không đọc được tệp “{name}”: {e.strerror}. Hãy đóng tệp nếu đang mở rồi thử lại.") from None
    if size == 0:
        raise UserError(f"Tệp “{name}” rỗng (0 byte). Hãy xuất lại danh sách hồ sơ từ phần mềm một cửa.")
    if size > MAX_FILE_BYTES:
        raise _too_big(name, f"{size // MiB} MB, quá {MAX_FILE_BYTES // MiB} MB")
    scanned: dict = {}
    if head.startswith(ZIP_MAGIC):
        kind, scanned = _zip_kind(p)
    elif head.startswith(OLE_MAGIC):
        # an encrypted .xlsx is an OLE container holding EncryptionInfo; an encrypted .xls says so to calamine
        with open(p, "rb") as fh:
            data = fh.read(1 << 16)
        if "EncryptionInfo".encode("utf-16-le") in data:
            raise _protected(name)
        kind = "xls"
    else:
        raise _not_excel(name)
    return Book(p, kind, scanned)


def _zip_kind(p: Path) -> tuple[str, dict]:
    try:
        with zipfile.ZipFile(p) as zf:
            _check_sizes(p.name, zf.infolist())
            # every part inflated once, up to its declared size (zipfile stops there): a part
            # whose header lies about its size fails its CRC here, before calamine trusts it;
            # on the way, what _check_whole needs of each sheet (so the sheet is inflated once)
            scanned = _inflate_all(p.name, zf)
            names = set(zf.namelist())
            mimetype = zf.read("mimetype")[:100] if "mimetype" in names else b""
    except _BROKEN as e:
        raise damaged(p.name, _detail(e)) from None
    if "xl/workbook.xml" in names:
        return "xlsx", scanned
    if "xl/workbook.bin" in names:
        return "xlsb", {}
    if b"opendocument.spreadsheet" in mimetype and "content.xml" in names:
        return "ods", {}
    raise _not_excel(p.name)


def _inflate_all(name: str, zf: zipfile.ZipFile) -> dict[str, tuple[set, bool]]:
    """Every part read to its end (its CRC checked, as ZipFile.testzip does); for each part that
    may be a sheet, (the cells holding a formula without a cached value, whether it ends with
    </worksheet>): what Book._check_whole would otherwise inflate the sheet again to find."""
    out = {}
    for info in zf.infolist():
        sheet_like = info.filename.endswith(".xml") and info.filename != "xl/sharedStrings.xml"
        gaps: set[tuple[int, int]] = set()
        tail = carry = b""
        try:
            with zf.open(info) as fh:
                while chunk := fh.read(CHUNK):
                    if not sheet_like:
                        continue
                    # the chunk copied only where a formula may be (in it, or in the 4 KiB carried
                    # over: a cell cut by the chunk's start, or "<f" cut in two)
                    if (b"<f" in chunk or b":f" in chunk or b"<f" in carry or b":f" in carry
                            or b"<f" in carry[-8:] + chunk[:8] or b":f" in carry[-8:] + chunk[:8]):
                        data = carry + chunk
                        for m in _FORMULA_NO_VALUE.finditer(data):
                            gaps.add((int(m.group(2)), col_index(m.group(1))))
                    carry = chunk[-4096:] if len(chunk) >= 4096 else (carry + chunk)[-4096:]
                    tail = chunk[-256:] if len(chunk) >= 256 else (tail + chunk)[-256:]
        except zipfile.BadZipFile:
            raise damaged(name, f"phần “{info.filename}” không khớp mã kiểm tra") from None
        if sheet_like:
            out[info.filename] = (gaps, bool(_END.search(tail)))
    return out


def _too_big(name: str, detail: str) -> UserError:
    return UserError(
        f"Tệp “{name}” quá lớn hoặc bất thường ({detail}) nên không đọc; chưa nhập gì. Hãy xuất lại danh sách "
        "hồ sơ từ phần mềm một cửa (chỉ kỳ cần báo cáo), hoặc mở bằng Excel và lưu lại dưới dạng .xlsx rồi nhập.")


def _check_sizes(name: str, infos: list[zipfile.ZipInfo]) -> None:
    """The zip's own sizes checked before anything inflates (the central directory only)."""
    total = 0
    for i in infos:
        if i.file_size > MAX_MEMBER_BYTES:
            raise _too_big(name, f"phần “{i.filename}” bung ra {i.file_size // MiB} MB")
        if i.file_size > RATIO_FLOOR and i.file_size > MAX_RATIO * max(i.compress_size, 1):
            raise _too_big(name, f"phần “{i.filename}” nén {i.file_size // max(i.compress_size, 1)} lần")
        total += i.file_size
    if total > MAX_TOTAL_BYTES:
        raise _too_big(name, f"bung ra {total // MiB} MB")


def _detail(e: BaseException) -> str:
    text = str(e).strip().splitlines()[0][:120] if str(e).strip() else type(e).__name__
    return text


class Book:
    def __init__(self, path: Path, kind: str, scanned: dict | None = None):
        import python_calamine as pc  # the Rust reader: only when a workbook is opened (CLI start-up)

        self.path, self.kind = path, kind
        self._scanned = scanned or {}  # part → (formula gaps, ends whole), from open_book's pass
        self.filled = 0  # merged cells filled from their top-left cell by the last rows() call
        self._sheets: dict[str, object] = {}
        self._pc = pc
        try:
            self.wb = pc.CalamineWorkbook.from_path(str(path))
            self._names = [m.name for m in self.wb.sheets_metadata
                           if m.typ == pc.SheetTypeEnum.WorkSheet]
        except pc.PasswordError:
            raise _protected(path.name) from None
        except BaseException as e:  # calamine's errors, its Rust panics (BaseException), a damaged zip's
            raise self._refusal(e) from None
        self.date1904 = False
        self._targets: dict[str, str] = {}
        if kind == "xlsx":
            self._read_xlsx_parts()

    def _refusal(self, e: BaseException) -> UserError:
        if isinstance(e, (KeyboardInterrupt, SystemExit)):
            raise e
        if isinstance(e, self._pc.PasswordError) or "password" in str(e).lower() or "encrypt" in str(e).lower():
            return _protected(self.path.name)
        return damaged(self.path.name, _detail(e))

    def _read_xlsx_parts(self) -> None:
        """Sheet name → its part in the zip, and the 1904 epoch flag (for serial numbers in text cells)."""
        try:
            with zipfile.ZipFile(self.path) as zf:
                wb = zf.read("xl/workbook.xml")
                names = set(zf.namelist())
                rels = zf.read("xl/_rels/workbook.xml.rels") if "xl/_rels/workbook.xml.rels" in names else b""
        except _BROKEN as e:
            raise damaged(self.path.name, _detail(e)) from None
        self.date1904 = bool(re.search(rb"date1904=[\"'](?:1|true)[\"']", wb))
        targets = {}
        for m in re.finditer(rb"<(?:\w+:)?Relationship\b([^>]*)>", rels):
            rid = re.search(rb"\bId=[\"']([^\"']+)[\"']", m.group(1))
            tgt = re.search(rb"\bTarget=[\"']([^\"']+)[\"']", m.group(1))
            if rid and tgt:
                t = tgt.group(1).decode("utf-8", "replace")
                parts: list[str] = []
                for seg in (t.lstrip("/") if t.startswith("/") else "xl/" + t).split("/"):
                    if seg == "..":
                        if parts:
                            parts.pop()
                    elif seg and seg != ".":
                        parts.append(seg)
                targets[rid.group(1)] = "/".join(parts)
        for i, m in enumerate(re.finditer(rb"<(?:\w+:)?sheet\b([^>]*)>", wb)):
            rid = re.search(rb"\b\w+:id=[\"']([^\"']+)[\"']", m.group(1))
            if rid and targets.get(rid.group(1)) in names:
                self._targets[str(i)] = targets[rid.group(1)]

    def forget(self) -> None:
        """Let go of the loaded sheet (calamine holds it whole); the book stays open."""
        self._sheets.clear()

    def close(self) -> None:
        self._sheets.clear()
        try:
            self.wb.close()
        except Exception:
            pass

    def sheets(self) -> list[str]:
        return list(self._names)

    def _sheet(self, sheet: str):
        sh = self._sheets.get(sheet)
        if sh is None:
            try:
                sh = self.wb.get_sheet_by_name(sheet)
            except BaseException as e:
                raise self._refusal(e) from None
            self._check_whole(sheet)
            self._sheets = {sheet: sh}  # one sheet in memory at a time
        return sh

    def _part(self, sheet: str) -> str | None:
        try:
            return self._targets.get(str(self._names.index(sheet)))
        except ValueError:
            return None

    def _check_whole(self, sheet: str) -> None:
        """An .xlsx sheet must end with </worksheet>, and the zip must hold it whole (CRC);
        on the way, the cells holding a formula without a cached value are noted."""
        self._gaps: set[tuple[int, int]] = set()
        part = self._part(sheet) if self.kind == "xlsx" else None
        if part is None:
            return
        if part in self._scanned:
            gaps, whole = self._scanned[part]
            self._gaps = set(gaps)
            if not whole:
                raise damaged(self.path.name, f"trang “{sheet}” bị cắt cụt, thiếu phần cuối")
            return
        tail = b""
        carry = b""
        try:
            with zipfile.ZipFile(self.path) as zf, zf.open(part) as fh:
                while True:
                    chunk = fh.read(CHUNK)
                    if not chunk:
                        break
                    data = carry + chunk
                    if b"<f" in data or b":f" in data:
                        for m in _FORMULA_NO_VALUE.finditer(data):
                            self._gaps.add((int(m.group(2)), col_index(m.group(1))))
                    carry = data[-4096:]
                    tail = (tail + chunk)[-256:]
        except _BROKEN as e:
            raise damaged(self.path.name, _detail(e)) from None
        if not _END.search(tail):
            raise damaged(self.path.name, f"trang “{sheet}” bị cắt cụt, thiếu phần cuối")

    def formula_gaps(self, sheet: str) -> set[tuple[int, int]]:
        """(row number, 0-based column) of the cells holding a formula whose value the file does
        not keep (saved by a program that does not compute formulas); .xlsx/.xlsm only."""
        self._sheet(sheet)
        return self._gaps

    def row_count(self, sheet: str) -> int | None:
        sh = self._sheet(sheet)
        return sh.start[0] + sh.height if sh.start else 0

    def merged(self, sheet: str) -> list[tuple[int, int, int, int]]:
        """Merged ranges as (first row number, first column, last row number, last column), rows 1-based."""
        ranges = self._sheet(sheet).merged_cell_ranges or []
        return [(r0 + 1, c0, r1 + 1, c1) for (r0, c0), (r1, c1) in ranges]

    def rows(self, sheet: str, columns: list[int] | None = None,
             fill_from: int | None = None) -> Iterator[tuple[int, list]]:
        """(row number, values); merged ranges starting at row `fill_from` or below are filled
        from their top-left cell."""
        sh = self._sheet(sheet)
        self.filled = 0
        if sh.start is None:
            return
        r0, c0 = sh.start
        merges = sorted(m for m in self.merged(sheet) if fill_from is not None and m[0] >= fill_from)
        active: list[tuple[int, int, int, object]] = []  # (last row, first col, last col, value)
        mi = 0
        cols = None if columns is None else [c - c0 for c in columns]
        try:
            for i, raw in enumerate(sh.iter_rows()):
                row_no = r0 + i + 1
                # calamine gives "" for an empty cell; whole numbers stay floats (text_of writes 12.0 as 12)
                if cols is None:
                    values = [None] * c0 + [v if v != "" else None for v in raw]
                else:
                    n = len(raw)
                    values = [(v if (v := raw[c]) != "" else None) if 0 <= c < n else None for c in cols]
                if mi < len(merges) or active:
                    values = self._fill(row_no, values, raw, c0, columns, merges, mi, active)
                    while mi < len(merges) and merges[mi][0] <= row_no:
                        mi += 1
                yield row_no, values
        except (UserError, GeneratorExit):
            raise
        except BaseException as e:
            raise self._refusal(e) from None

    def chunks(self, sheet: str, columns: list[int], fill_from: int | None = None,
               size: int = 2000) -> Iterator[tuple[int, list]]:
        """The requested columns `size` rows at a time: (row number of the chunk's first row, one
        sequence of values per requested column). The same cells as rows(), but an empty cell
        may be "" as well as None, and nothing is done per cell in Python: a column of the
        chunk is a slice of calamine's rows transposed (the import converts column by column).
        Merged ranges from row `fill_from` on are filled as rows() fills them."""
        sh = self._sheet(sheet)
        self.filled = 0
        if sh.start is None:
            return
        if fill_from is not None and any(m[0] >= fill_from for m in self.merged(sheet)):
            it = self.rows(sheet, columns, fill_from)
            while part := list(islice(it, size)):
                yield part[0][0], list(zip(*(v for _, v in part)))
            return
        r0, c0 = sh.start
        idx = [c - c0 for c in columns]
        row_no = r0 + 1
        try:
            it = sh.iter_rows()
            while part := list(islice(it, size)):
                cols = list(zip(*part))  # calamine's rows are all the range's width
                none = (None,) * len(part)
                yield row_no, [cols[i] if 0 <= i < len(cols) else none for i in idx]
                row_no += len(part)
        except (UserError, GeneratorExit):
            raise
        except BaseException as e:
            raise self._refusal(e) from None

    def _fill(self, row_no, values, raw, c0, columns, merges, mi, active):
        while mi < len(merges) and merges[mi][0] == row_no:
            first, fc, last, lc = merges[mi]
            src = raw[fc - c0] if 0 <= fc - c0 < len(raw) else None
            active.append((last, fc, lc, src if src != "" else None))
            mi += 1
        active[:] = [a for a in active if a[0] >= row_no]
        for last, fc, lc, value in active:
            if value is None:
                continue
            for k, c in enumerate(range(len(values)) if columns is None else columns):
                if fc <= c <= lc and values[k] is None:
                    values[k] = value
                    self.filled += 1
        return values

