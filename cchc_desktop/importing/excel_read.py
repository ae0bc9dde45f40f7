"""Reading the rows of an Excel file (.xlsx or the older .xls), fast and as a stream.

`open_book(path)` checks the file (missing, empty, password-protected, not Excel, damaged →
UserError with a Vietnamese message) and returns a Book; `book.sheets()` lists the sheet
names and `book.rows(sheet, columns=None)` yields `(row_number, values)` where `values`
holds the requested columns only (0-based indices; None = every column).

.xlsx: the worksheet XML is decompressed in chunks and cut into rows and cells with
regular expressions; only the requested columns are decoded, so the cells of the other
columns (citizens' names, phone numbers) never become Python values. This is several times
faster than openpyxl's read-only mode. A sheet this reader does not understand falls back
to openpyxl (`read_only=True, data_only=True`). Numbers are returned as int/float, Excel
dates as serial numbers (the caller knows which columns hold dates), ISO date cells
(`t="d"`) as datetime.

.xls: xlrd; date cells become datetime.
"""
from __future__ import annotations

import datetime as dt
import html
import io
import re
import zipfile
from pathlib import Path, PurePosixPath
from typing import Iterator

from cchc_desktop.errors import UserError

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
CHUNK = 1 << 20

_ROW = re.compile(rb"<(?:\w+:)?row\b([^>]*?)(?:/>|>(.*?)</(?:\w+:)?row>)", re.S)
_CELL = re.compile(rb"<(?:\w+:)?c\b([^>]*?)(?:/>|>(.*?)</(?:\w+:)?c>)", re.S)
_ATTR_R = re.compile(rb'\br="([A-Z]+)(\d*)"')
_ATTR_ROW_R = re.compile(rb'\br="(\d+)"')
_ATTR_T = re.compile(rb'\bt="(\w+)"')
_V = re.compile(rb"<(?:\w+:)?v>(.*?)</(?:\w+:)?v>", re.S)
_T = re.compile(rb"<(?:\w+:)?t(?:\s[^>]*)?>(.*?)</(?:\w+:)?t>", re.S)
_T_EMPTY = re.compile(rb"<(?:\w+:)?t\s*/>")
_SI = re.compile(rb"<(?:\w+:)?si>(.*?)</(?:\w+:)?si>|<(?:\w+:)?si\s*/>", re.S)
_RPH = re.compile(rb"<(?:\w+:)?rPh\b.*?</(?:\w+:)?rPh>", re.S)
_ROW_END = re.compile(rb"</(?:\w+:)?row>|<(?:\w+:)?row\b[^>]*/>")
_ESC = re.compile(r"_x([0-9A-Fa-f]{4})_")


def _prepend(first, rest):
    yield first
    yield from rest


class Unsupported(Exception):
    """The fast reader meets something it does not handle; openpyxl takes over."""


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


def _text(raw: bytes) -> str:
    s = raw.decode("utf-8")
    if "&" in s:
        s = html.unescape(s)
    if "_x" in s:
        s = _ESC.sub(lambda m: chr(int(m.group(1), 16)), s)
    return s


def _rich(raw: bytes) -> str:
    """The text of a shared string or inline string: all its <t> runs, phonetic runs left out."""
    if b"<rPh" in raw:
        raw = _RPH.sub(b"", raw)
    parts = _T.findall(raw)
    if not parts:
        return ""
    return _text(b"".join(parts))


def _number(raw: bytes):
    s = raw.strip()
    try:
        if b"." in s or b"E" in s or b"e" in s:
            f = float(s)
            return int(f) if f.is_integer() and abs(f) < 1e15 else f
        return int(s)
    except ValueError:
        return _text(s)


# --- messages ---------------------------------------------------------------------------
def _damaged(name: str, detail: str = "") -> UserError:
    extra = f" ({detail})" if detail else ""
    return UserError(
        f"Tệp “{name}” bị hỏng hoặc không đọc được{extra}. Hãy mở tệp bằng Excel, lưu lại dưới dạng "
        ".xlsx (Tệp → Lưu thành → Sổ làm việc Excel) rồi nhập lại."
    )


def _protected(name: str) -> UserError:
    return UserError(
        f"Tệp “{name}” được đặt mật khẩu nên không đọc được. Hãy mở tệp bằng Excel, bỏ mật khẩu "
        "(Tệp → Thông tin → Bảo vệ sổ làm việc → Mã hóa bằng mật khẩu, xóa mật khẩu), lưu lại rồi nhập."
    )


def _not_excel(name: str) -> UserError:
    return UserError(
        f"Tệp “{name}” không phải là bảng tính Excel (.xlsx hoặc .xls). Hãy chọn tệp danh sách hồ sơ "
        "xuất từ phần mềm một cửa; tệp .csv hay .ods hãy mở bằng Excel rồi lưu thành .xlsx."
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
    if head.startswith(ZIP_MAGIC):
        return XlsxBook(p)
    if head.startswith(OLE_MAGIC):
        data = p.read_bytes()
        if "EncryptionInfo".encode("utf-16-le") in data:
            raise _protected(name)
        return XlsBook(p, data)
    raise _not_excel(name)


class Book:
    path: Path
    date1904 = False  # serial numbers of dates count from 1904 (xlsx only; xlrd converts .xls itself)

    def sheets(self) -> list[str]:
        raise NotImplementedError

    def rows(self, sheet: str, columns: list[int] | None = None) -> Iterator[tuple[int, list]]:
        raise NotImplementedError

    def row_count(self, sheet: str) -> int | None:
        return None

    def close(self) -> None:
        pass


class XlsxBook(Book):
    def __init__(self, path: Path):
        self.path = path
        name = path.name
        try:
            self.zf = zipfile.ZipFile(path)
            names = set(self.zf.namelist())
        except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError) as e:
            raise _damaged(name, str(e)) from None
        if "xl/workbook.xml" not in names:
            if "word/document.xml" in names or "content.xml" in names or "ppt/presentation.xml" in names:
                raise _not_excel(name)
            raise _not_excel(name)
        try:
            wb = self.zf.read("xl/workbook.xml")
            rels = self.zf.read("xl/_rels/workbook.xml.rels") if "xl/_rels/workbook.xml.rels" in names else b""
        except (zipfile.BadZipFile, OSError, KeyError, EOFError, NotImplementedError) as e:
            raise _damaged(name, str(e)) from None
        except Exception as e:  # zlib.error and the like
            raise _damaged(name, str(e)) from None
        targets = {}
        for m in re.finditer(rb"<(?:\w+:)?Relationship\b([^>]*)>", rels):
            attrs = m.group(1)
            rid = re.search(rb'\bId="([^"]+)"', attrs)
            tgt = re.search(rb'\bTarget="([^"]+)"', attrs)
            if rid and tgt:
                t = tgt.group(1).decode()
                path_in_zip = t.lstrip("/") if t.startswith("/") else str(PurePosixPath("xl") / t)
                # normalise "xl/../x"
                parts: list[str] = []
                for seg in path_in_zip.split("/"):
                    if seg == "..":
                        if parts:
                            parts.pop()
                    elif seg and seg != ".":
                        parts.append(seg)
                targets[rid.group(1).decode()] = "/".join(parts)
        self._sheets: list[tuple[str, str]] = []
        for m in re.finditer(rb"<(?:\w+:)?sheet\b([^>]*)/?>", wb):
            attrs = m.group(1)
            nm = re.search(rb'\bname="([^"]*)"', attrs)
            rid = re.search(rb'\br:id="([^"]+)"|\b\w+:id="([^"]+)"', attrs)
            if not nm or not rid:
                continue
            key = (rid.group(1) or rid.group(2)).decode()
            target = targets.get(key)
            if target and target in names:
                self._sheets.append((html.unescape(nm.group(1).decode("utf-8")), target))
        # Workbooks from Excel for Mac may count days from 1904: serial numbers are 1462 days less.
        self.date1904 = bool(re.search(rb'date1904="(?:1|true)"', wb))
        self._sst: list | None = None
        self._cache: dict = {}  # decoded strings of the requested columns only
        self._sst_path = next((t for t in targets.values() if t.endswith("sharedStrings.xml")), None)
        if self._sst_path not in names:
            self._sst_path = "xl/sharedStrings.xml" if "xl/sharedStrings.xml" in names else None

    def close(self) -> None:
        self.zf.close()

    def sheets(self) -> list[str]:
        return [n for n, _ in self._sheets]

    def _shared(self) -> list:
        if self._sst is None:
            if self._sst_path is None:
                self._sst = []
            else:
                try:
                    data = self.zf.read(self._sst_path)
                except Exception as e:
                    raise _damaged(self.path.name, str(e)) from None
                # Kept raw; decoded only when a requested cell refers to it.
                self._sst = [m.group(1) if m.group(1) is not None else b"" for m in _SI.finditer(data)]
        return self._sst

    def row_count(self, sheet: str) -> int | None:
        target = dict(self._sheets)[sheet]
        try:
            with self.zf.open(target) as fh:
                head = fh.read(4096)
        except Exception:
            return None
        m = re.search(rb'<(?:\w+:)?dimension\s+ref="[A-Z]+\d+:[A-Z]+(\d+)"', head)
        return int(m.group(1)) if m else None

    def rows(self, sheet: str, columns: list[int] | None = None) -> Iterator[tuple[int, list]]:
        target = dict(self._sheets)[sheet]
        try:
            yield from self._fast_rows(target, columns)
        except Unsupported:
            yield from self._openpyxl_rows(sheet, columns)
        except UserError:
            raise
        except (zipfile.BadZipFile, OSError, EOFError, ValueError, IndexError, NotImplementedError) as e:
            raise _damaged(self.path.name, str(e)) from None
        except Exception as e:  # zlib.error, struct.error … from a damaged archive
            raise _damaged(self.path.name, f"{type(e).__name__}") from None

    def _cell_value(self, t: bytes, content: bytes, sst: list):
        if t == b"inlineStr":
            cache = self._cache
            v = cache.get(content)
            if v is None:
                if len(cache) > 200_000:
                    cache.clear()
                v = cache[content] = _rich(content)
            return v
        if content.startswith(b"<v>") and content.endswith(b"</v>"):
            raw = content[3:-4]
        else:
            vm = _V.search(content)
            if vm is None:
                return None
            raw = vm.group(1)
        if t == b"s":
            cache = self._cache
            v = cache.get(raw)
            if v is None:
                if len(cache) > 200_000:
                    cache.clear()
                v = cache[raw] = _rich(sst[int(raw)])
            return v
        if t == b"n":
            return _number(raw)
        if t == b"b":
            return raw.strip() == b"1"
        if t == b"d":
            try:
                return dt.datetime.fromisoformat(raw.decode().strip().rstrip("Z"))
            except ValueError:
                return _text(raw)
        return _text(raw)  # str, e

    def _chunks(self, target: str):
        """The sheet XML in pieces that each end at a row boundary."""
        buf = b""
        with self.zf.open(target) as fh:
            while True:
                chunk = fh.read(CHUNK)
                if not chunk:
                    if buf:
                        yield buf
                    return
                start = max(0, len(buf) - 16)
                buf += chunk
                last = None
                for last in _ROW_END.finditer(buf, start):
                    pass
                if last is None:
                    continue
                cut = last.end()
                yield buf[:cut]
                buf = buf[cut:]

    def _fast_rows(self, target: str, columns: list[int] | None):
        if columns is None:
            yield from self._generic_rows(target, None)
            return
        sst = self._shared()
        chunks = self._chunks(target)
        first = next(chunks, None)
        if first is None:
            return
        # The quick path needs every cell to begin with its reference: <c r="B4" …>.
        n_cells = len(re.findall(rb"<(?:\w+:)?c[\s>/]", first))
        n_ref = len(re.findall(rb'<(?:\w+:)?c r="[A-Z]+\d+"', first))
        if n_cells != n_ref:
            yield from self._generic_rows(target, columns)
            return
        slots = {col_letter(c).encode(): i for i, c in enumerate(columns)}
        letters = b"|".join(sorted(slots, key=len, reverse=True))
        m = re.search(rb"<(\w+:)?c r=", first)
        prefix = re.escape(m.group(1)) if m and m.group(1) else b""
        # A literal start ("<c r=") lets the regular expression engine skip ahead quickly.
        pat = re.compile(
            b"<" + prefix + rb'c r="(' + letters + rb')(\d+)"([^>]*?)(?:/>|>(.*?)</' + prefix + b"c>)", re.S
        )
        width = len(columns)
        cur_row = None
        values: list = []
        value_of = self._cell_value
        cache = self._cache
        for part in _prepend(first, chunks):
            for letter, row_b, attrs, content in pat.findall(part):
                if row_b != cur_row:
                    if cur_row is not None:
                        yield int(cur_row), values
                    cur_row = row_b
                    values = [None] * width
                if not content:
                    continue
                if b't="' not in attrs or b't="n"' in attrs:  # a number (or a date's serial number)
                    if content[:3] == b"<v>" and content[-4:] == b"</v>":
                        raw = content[3:-4]
                        if raw.isdigit():
                            values[slots[letter]] = int(raw)
                            continue
                        try:
                            f = float(raw)
                            values[slots[letter]] = int(f) if f.is_integer() and -1e15 < f < 1e15 else f
                            continue
                        except ValueError:
                            pass
                    values[slots[letter]] = value_of(b"n", content, sst)
                elif b'"inlineStr"' in attrs:
                    v = cache.get(content)
                    if v is None:
                        v = value_of(b"inlineStr", content, sst)
                    values[slots[letter]] = v
                elif b't="s"' in attrs and content[:3] == b"<v>" and content[-4:] == b"</v>":
                    raw = content[3:-4]
                    v = cache.get(raw)
                    if v is None:
                        v = value_of(b"s", content, sst)
                    values[slots[letter]] = v
                else:
                    tm = _ATTR_T.search(attrs)
                    values[slots[letter]] = value_of(tm.group(1) if tm else b"n", content, sst)
        if cur_row is not None:
            yield int(cur_row), values

    def _generic_rows(self, target: str, columns: list[int] | None):
        sst = self._shared()
        wanted = None if columns is None else {c: i for i, c in enumerate(columns)}
        width = None if columns is None else len(columns)
        row_no = 0
        for part in self._chunks(target):
            for rm in _ROW.finditer(part):
                rr = _ATTR_ROW_R.search(rm.group(1))
                row_no = int(rr.group(1)) if rr else row_no + 1
                body = rm.group(2)
                values: list = [] if wanted is None else [None] * width
                if body:
                    ci = -1
                    for cm in _CELL.finditer(body):
                        attrs = cm.group(1)
                        ar = _ATTR_R.search(attrs)
                        ci = col_index(ar.group(1)) if ar else ci + 1
                        slot = None
                        if wanted is not None:
                            slot = wanted.get(ci)
                            if slot is None:
                                continue
                        content = cm.group(2)
                        if not content:
                            continue
                        tm = _ATTR_T.search(attrs)
                        v = self._cell_value(tm.group(1) if tm else b"n", content, sst)
                        if wanted is None:
                            if ci >= len(values):
                                values.extend([None] * (ci + 1 - len(values)))
                            values[ci] = v
                        else:
                            values[slot] = v
                yield row_no, values

    def _openpyxl_rows(self, sheet: str, columns: list[int] | None):
        import openpyxl

        wb = openpyxl.load_workbook(self.path, read_only=True, data_only=True)
        try:
            ws = wb[sheet]
            for row in ws.iter_rows():
                row_no = None
                values_all = []
                for cell in row:
                    if getattr(cell, "row", None) is not None:
                        row_no = cell.row
                    values_all.append(cell.value)
                if row_no is None:
                    continue
                if columns is None:
                    yield row_no, values_all
                else:
                    yield row_no, [values_all[c] if c < len(values_all) else None for c in columns]
        finally:
            wb.close()


class XlsBook(Book):
    def __init__(self, path: Path, data: bytes):
        import xlrd

        self.path = path
        try:
            # xlrd's warnings about damaged files go to a buffer, not to the user's console
            self.book = xlrd.open_workbook(file_contents=data, on_demand=True, logfile=io.StringIO())
        except xlrd.XLRDError as e:
            msg = str(e).lower()
            if "encrypt" in msg or "password" in msg:
                raise _protected(path.name) from None
            if "can't find workbook" in msg or "unsupported format" in msg:
                raise _not_excel(path.name) from None
            raise _damaged(path.name, str(e)) from None
        except Exception as e:  # struct.error, IndexError … in a damaged file
            raise _damaged(path.name, type(e).__name__) from None

    def sheets(self) -> list[str]:
        return list(self.book.sheet_names())

    def row_count(self, sheet: str) -> int | None:
        try:
            return self.book.sheet_by_name(sheet).nrows
        except Exception:
            return None

    def rows(self, sheet: str, columns: list[int] | None = None) -> Iterator[tuple[int, list]]:
        import xlrd

        try:
            sh = self.book.sheet_by_name(sheet)
        except Exception as e:
            raise _damaged(self.path.name, type(e).__name__) from None
        mode = self.book.datemode
        for r in range(sh.nrows):
            ncols = sh.row_len(r)
            cols = range(ncols) if columns is None else columns
            values = []
            for c in cols:
                if c >= ncols:
                    values.append(None)
                    continue
                cell = sh.cell(r, c)
                ct = cell.ctype
                if ct in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
                    v = None
                elif ct == xlrd.XL_CELL_DATE:
                    try:
                        v = xlrd.xldate_as_datetime(cell.value, mode)
                    except Exception:
                        v = cell.value
                elif ct == xlrd.XL_CELL_NUMBER:
                    f = cell.value
                    v = int(f) if float(f).is_integer() and abs(f) < 1e15 else f
                elif ct == xlrd.XL_CELL_BOOLEAN:
                    v = bool(cell.value)
                elif ct == xlrd.XL_CELL_ERROR:
                    v = None
                else:
                    v = cell.value
                values.append(v)
            yield r + 1, values

    def close(self) -> None:
        try:
            self.book.release_resources()
        except Exception:
            pass
