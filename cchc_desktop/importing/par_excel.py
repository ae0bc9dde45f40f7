"""A province's PAR Index criteria set from its Excel form (columns STT / nội dung / điểm tối đa /
tài liệu kiểm chứng, optional cách chấm), into the same validated CriteriaSet as the TOML file.

The tree comes from the STT column: a Roman numeral (I, II…) opens a lĩnh vực, an Arabic number
(1, 2…) a tiêu chí under it, a dotted number (1.1) a tiêu chí thành phần. Codes become "1", "1.2",
"1.2.1". The header row is found by its labels; rows with neither STT nor points are skipped.
"""
from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from cchc_desktop.domain import par_criteria as pc
from cchc_desktop.importing import excel_read

ROMAN = re.compile(r"^[IVXLC]+$")
RULE_WORDS = {"co khong": "co_khong", "co/khong": "co_khong", "muc": "muc", "theo muc": "muc",
              "ty le": "ty_le", "theo ty le": "ty_le"}


def _bare(text) -> str:
    t = unicodedata.normalize("NFD", " ".join(str(text or "").split()).casefold())
    return "".join(ch for ch in t if unicodedata.category(ch) != "Mn").replace("đ", "d")


def _roman(s: str) -> int:
    vals = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}
    total = 0
    for a, b in zip(s, s[1:] + " "):
        v = vals[a]
        total += -v if b != " " and vals[b] > v else v
    return total


def _columns(header: list) -> dict[str, int] | None:
    cols: dict[str, int] = {}
    for i, cell in enumerate(header):
        t = _bare(cell)
        if t in ("stt", "tt", "so tt"):
            cols.setdefault("stt", i)
        elif "noi dung" in t or "tieu chi" in t and "kiem chung" not in t:
            cols.setdefault("noi_dung", i)
        elif "diem toi da" in t or t == "diem":
            cols.setdefault("diem", i)
        elif "kiem chung" in t:
            cols.setdefault("kiem_chung", i)
        elif "cach cham" in t:
            cols.setdefault("cach_cham", i)
    return cols if {"stt", "noi_dung", "diem"} <= cols.keys() else None


def read(path: str | Path, province: str, year: int, document: str) -> pc.CriteriaSet:
    p = Path(path)
    book = excel_read.open_book(p)
    try:
        for sheet in book.sheets():
            rows = list(book.rows(sheet))
            for k, (_, values) in enumerate(rows):
                cols = _columns(values)
                if cols:
                    return _build(p, sheet, cols, rows[k + 1:], province, year, document)
    finally:
        book.close()
    raise pc.CriteriaError(f"Tệp {p.name}: không thấy dòng tiêu đề có các cột STT, Nội dung, Điểm tối đa "
                           "(và Tài liệu kiểm chứng). Kiểm tra đúng mẫu của tỉnh.")


def _build(p, sheet, cols, rows, province, year, document) -> pc.CriteriaSet:
    def cell(values, key):
        i = cols.get(key)
        return values[i] if i is not None and i < len(values) else None

    items: list[dict] = []
    lv = tc = None
    for row_no, values in rows:
        stt = str(cell(values, "stt") or "").strip().rstrip(".")
        score = cell(values, "diem")
        if not stt and score in (None, ""):
            continue
        where = f"Tệp {p.name}, trang {sheet}, dòng {row_no}"
        if not stt:
            raise pc.CriteriaError(f"{where}: có điểm nhưng thiếu STT; điền STT (I, 1, 1.1…) để biết "
                                   "tiêu chí nằm ở đâu trong cây.")
        if ROMAN.match(stt.upper()):
            lv, tc = _roman(stt.upper()), None
            code = str(lv)
        elif lv is None:
            raise pc.CriteriaError(f"{where}: STT {stt} đứng trước lĩnh vực đầu tiên (I).")
        elif re.fullmatch(r"[0-9]+", stt):
            tc = stt
            code = f"{lv}.{stt}"
        elif re.fullmatch(r"[0-9]+\.[0-9]+", stt):
            head, sub = stt.split(".")
            if tc != head:
                raise pc.CriteriaError(f"{where}: tiêu chí thành phần {stt} không nằm dưới tiêu chí {head}.")
            code = f"{lv}.{head}.{sub}"
        else:
            raise pc.CriteriaError(f"{where}: STT «{stt}» không đúng dạng (I, II… / 1, 2… / 1.1, 1.2…).")
        item = {"ma": code, "noi_dung": cell(values, "noi_dung") or "",
                "diem_toi_da": score if score not in (None, "") else "",
                "tai_lieu_kiem_chung": cell(values, "kiem_chung") or ""}
        if item["diem_toi_da"] == "":
            raise pc.CriteriaError(f"{where}: tiêu chí {stt} thiếu điểm tối đa.")
        rule = _bare(cell(values, "cach_cham"))
        if rule:
            if rule not in RULE_WORDS:
                raise pc.CriteriaError(f"{where}: cách chấm «{cell(values, 'cach_cham')}» không hiểu; dùng "
                                       "«Có/không», «Theo mức» hoặc «Theo tỷ lệ».")
            item["cach_cham"] = RULE_WORDS[rule]
        items.append(item)
    # Leaves without a stated rule may get any score from 0 to their max.
    parents = {it["ma"].rsplit(".", 1)[0] for it in items if "." in it["ma"]}
    for it in items:
        if it["ma"] not in parents and "cach_cham" not in it:
            it["cach_cham"] = "khoang"
        if it.get("cach_cham") == "muc":
            it["cach_cham"] = "khoang"  # the form lists no levels
    meta = {"tinh": province, "nam": year, "phien_ban": f"{province}-{year}-excel",
            "ten": f"Bộ tiêu chí Chỉ số CCHC cấp xã {province} năm {year} (nhập từ {p.name})",
            "van_ban": document}
    return pc.build(meta, items, f"Tệp {p.name}")
