"""Malformed sheets and damaged files thrown at the register importer (hypothesis).

Whatever comes in: no crash (only a UserError with a message), no partial write (the data
file's content is the same before and after a rejection), and every row read is accounted
for: imported, updated, unchanged, or skipped with its row number and a reason.
"""
from __future__ import annotations

import datetime as dt
import io
import math
import tempfile
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from cchc_desktop.errors import UserError
from cchc_desktop.importing import register as reg

ROOT = Path(__file__).resolve().parent
MINI = ROOT / "fixtures" / "mini.toml"
HEADER_WORDS = [
    "Số hồ sơ", "Mã hồ sơ", "Số biên nhận", "Tên thủ tục", "Lĩnh vực", "Ngày tiếp nhận", "Ngày hẹn trả",
    "Ngày kết thúc", "Ngày trả kết quả", "Cơ quan", "Trạng thái", "Hình thức nộp", "Chủ hồ sơ", "Số điện thoại",
    "STT", "Ghi chú", "Tổng cộng", "NGÀY TIẾP NHẬN", "ngay tiep nhan", "", " ",
]
TEXTS = ["Hộ tịch", "Đã trả kết quả", "Đang xử lý", "Đã rút hồ sơ", "Trực tuyến", "Trực tiếp", "Tổng cộng",
         "Cộng", "=1+1", "=A1", "@x", "(1)", "(2)", "0912345678", "x" * 150]

cell = st.one_of(
    st.none(),
    st.sampled_from(HEADER_WORDS),
    st.sampled_from(TEXTS),
    st.text(max_size=12),
    st.integers(min_value=-10 ** 6, max_value=10 ** 7),
    st.floats(allow_nan=False, allow_infinity=False, min_value=-1e7, max_value=1e7),
    st.booleans(),
    st.dates(min_value=dt.date(1901, 1, 1), max_value=dt.date(2099, 12, 31)),
    st.datetimes(min_value=dt.datetime(1901, 1, 1), max_value=dt.datetime(2099, 12, 31)),
    st.builds(lambda d, m, y, sep: f"{d:02d}{sep}{m:02d}{sep}{y}", st.integers(0, 35), st.integers(0, 14),
              st.integers(1800, 2200), st.sampled_from(["/", "-", "."])),
    st.builds(lambda n: f"HS-{n}", st.integers(0, 30)),
)
header_row = st.lists(st.sampled_from(HEADER_WORDS), min_size=0, max_size=10)
sheet = st.tuples(
    st.integers(0, 4),  # title rows
    header_row,
    st.lists(st.lists(cell, max_size=10), max_size=25),
)


def _clean(v):
    if isinstance(v, str):
        # openpyxl refuses control characters in cells
        return "".join(ch for ch in v if ch >= " " or ch in "\t\n")
    if isinstance(v, float) and not math.isfinite(v):
        return None
    return v


def _xlsx(title_rows, headers, rows) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    for i in range(title_rows):
        ws.append([f"Tiêu đề {i}"])
    if headers:
        ws.append(headers)
    for r in rows:
        ws.append([_clean(v) for v in r])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


class Env:
    """One data file for all examples of a test, holding a few dossiers already."""

    def __init__(self):
        from cchc_desktop.store import open_store

        self.dir = Path(tempfile.mkdtemp(prefix="reg-prop-"))
        self.store = open_store(self.dir / "p.sqlite", MINI)
        self.store.create_unit("x1", "Thử Nghiệm")
        wb = openpyxl.Workbook()
        ws = wb.active
        ws.append(["Số hồ sơ", "Ngày tiếp nhận", "Ngày hẹn trả", "Ngày kết thúc", "Lĩnh vực", "Trạng thái"])
        for n in range(0, 30, 3):
            ws.append([f"HS-{n}", f"0{1 + n % 9}/03/2023", "20/03/2023", None, "Hộ tịch", "Đang xử lý"])
        wb.save(self.dir / "seed.xlsx")
        reg.import_register(self.store, "x1", self.dir / "seed.xlsx")
        self.n = 0

    def content(self):
        return list(self.store.db.conn.iterdump())

    def count(self):
        return self.store.db.execute("SELECT COUNT(*) FROM register").fetchone()[0]

    def check(self, data: bytes, suffix=".xlsx", date_order=None):
        self.n += 1
        path = self.dir / f"f{self.n}{suffix}"
        path.write_bytes(data)
        before = self.content()
        n_before = self.count()
        try:
            summary = reg.import_register(self.store, "x1", path, date_order=date_order)
        except UserError as e:
            msg = str(e)
            assert msg.strip() and "Traceback" not in msg
            assert self.content() == before  # no partial write
            return None
        # every row read is accounted for
        assert summary.rows_read == summary.imported + summary.updated + summary.unchanged + len(summary.skipped)
        assert self.count() == n_before + summary.imported
        for row_no, reason in summary.skipped:
            assert isinstance(row_no, int) and row_no >= 1
            assert isinstance(reason, str) and reason.strip()
        return summary

    def close(self):
        self.store.close()


@pytest.fixture(scope="module")
def env():
    e = Env()
    yield e
    e.close()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(sheet)
def test_malformed_sheets(env, s):
    title_rows, headers, rows = s
    env.check(_xlsx(title_rows, headers, rows))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(st.lists(st.lists(cell, min_size=2, max_size=7), max_size=20),
       st.permutations(["Số hồ sơ", "Ngày tiếp nhận", "Ngày hẹn trả", "Ngày kết thúc", "Trạng thái", "Chủ hồ sơ",
                        "Hình thức nộp"]))
def test_rows_under_a_good_header(env, rows, headers):
    """A recognised header with garbage below it: rows are imported or skipped, one by one (once
    the user said how text dates that fit both orders are written)."""
    summary = env.check(_xlsx(1, list(headers), rows), date_order="dmy")
    assert summary is not None  # a good header is never rejected as a whole


def _good_file() -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["DANH SÁCH"])
    ws.append(["Số hồ sơ", "Lĩnh vực", "Chủ hồ sơ", "Ngày tiếp nhận", "Ngày hẹn trả", "Ngày kết thúc", "Trạng thái"])
    for i in range(40):
        ws.append([f"G-{i}", "Chứng thực", "Nguyễn Văn A", dt.datetime(2023, 5, 1 + i % 28), f"{10 + i % 9}/05/2023",
                   None if i % 5 == 0 else f"0{1 + i % 9}-06-2023 10:00", "Đã trả kết quả" if i % 5 else "Đang xử lý"])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


GOOD = _good_file()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from(["flip", "cut", "splice"]), st.integers(0, len(GOOD) - 1),
                          st.binary(min_size=1, max_size=64)), min_size=1, max_size=4))
def test_damaged_files(env, edits):
    data = bytearray(GOOD)
    for kind, pos, blob in edits:
        pos = min(pos, max(len(data) - 1, 0))
        if kind == "flip" and data:
            data[pos] ^= blob[0] or 0xFF
        elif kind == "cut":
            data = data[:pos]
        else:
            data[pos:pos + len(blob)] = blob
    env.check(bytes(data))


def _good_xls() -> bytes | None:
    try:
        import xlwt
    except ImportError:
        return None
    wb = xlwt.Workbook(encoding="utf-8")
    ws = wb.add_sheet("DS")
    for c, h in enumerate(["Số hồ sơ", "Ngày tiếp nhận", "Ngày kết thúc", "Trạng thái"]):
        ws.write(0, c, h)
    for i in range(30):
        ws.write(i + 1, 0, f"X-{i}")
        ws.write(i + 1, 1, f"0{1 + i % 9}/04/2023")
        ws.write(i + 1, 2, f"1{i % 9}/04/2023")
        ws.write(i + 1, 3, "Đã trả kết quả")
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


GOOD_XLS = _good_xls()


@pytest.mark.skipif(GOOD_XLS is None, reason="xlwt is not installed")
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from(["flip", "cut", "splice"]), st.integers(0, 10 ** 6),
                          st.binary(min_size=1, max_size=32)), min_size=1, max_size=3))
def test_damaged_xls_files(env, edits):
    data = bytearray(GOOD_XLS)
    for kind, pos, blob in edits:
        pos = pos % max(len(data), 1)
        if kind == "flip" and data:
            data[pos] ^= blob[0] or 0xFF
        elif kind == "cut":
            data = data[:pos]
        else:
            data[pos:pos + len(blob)] = blob
    env.check(bytes(data), ".xls")


def test_reader_agrees_with_openpyxl(tmp_path):
    """The calamine reader returns what openpyxl returns, cell for cell, all columns or some."""
    from cchc_desktop.importing import excel_read

    path = tmp_path / "g.xlsx"
    path.write_bytes(GOOD)
    book = excel_read.open_book(path)
    sheet = book.sheets()[0]
    fast = {r: v for r, v in book.rows(sheet)}
    cols = [0, 1, 3, 4, 5, 6]
    fast_cols = {r: v for r, v in book.rows(sheet, cols)}
    book.close()
    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    slow = {i: list(r) for i, r in enumerate(wb[sheet].iter_rows(values_only=True), 1)}
    wb.close()
    for r, values in slow.items():
        if not any(v is not None and v != "" for v in values):
            continue
        got = fast[r] + [None] * (len(values) - len(fast[r]))
        for a, b in zip(got, values):
            if isinstance(b, dt.datetime):
                assert reg.parse_date(a) == b.date()
            elif isinstance(b, float) and b.is_integer():
                assert a == int(b)
            else:
                assert a == (b if b != "" else None)
        assert fast_cols[r] == [got[c] if c < len(got) else None for c in cols]

@settings(max_examples=300, deadline=None)
@example(["A\x1fB"])
@example(["HS-1", "HS-2 "])
@given(st.lists(st.one_of(st.text(max_size=12), st.sampled_from(["HS-01", "A\x1fB", " HS", "HS ", "H  S", "Ạ",
                                                                  "A\u0301", "X\xa0Y", "a\tb", ""]),
                          st.floats(allow_nan=False), st.none()), max_size=6))
def test_the_codes_of_a_chunk_read_as_text_of_reads_each(codes):
    """A chunk's codes taken as they are (one look at the whole column) only when each is its
    own text_of: control characters, spaces, NFD letters, numbers all go through text_of."""
    assert reg._code_texts(codes) == [reg.text_of(v) for v in codes]
