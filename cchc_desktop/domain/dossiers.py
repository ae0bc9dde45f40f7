"""One-stop dossier figures (../shared/domain/ho-so-mot-cua.md): columns, agencies, measures.

An agency's table has field rows and a typed totals row. For each column the effective total
is the sum of the fields when every field has that column, else the typed total: a report
that knows resolution only for the whole desk (the seed) keeps it there, and no split is
invented.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache

AGENCIES = {
    "ubnd": "Bộ phận Một cửa UBND",
    "cong_an": "Công an xã",
    "quan_su": "BCH Quân sự xã",
}

# Typed columns, in the order of the paper table.
COLUMNS = (
    "truc_tuyen",
    "truc_tiep",
    "ky_truoc",
    "truoc_han",
    "dung_han",
    "qua_han",
    "dang_giai_quyet",
    "dang_qua_han",
)
COLUMN_LABELS = {
    "truc_tuyen": "Tiếp nhận trực tuyến",
    "truc_tiep": "Tiếp nhận trực tiếp, bưu chính",
    "ky_truoc": "Kỳ trước chuyển qua",
    "truoc_han": "Giải quyết trước hạn",
    "dung_han": "Giải quyết đúng hạn",
    "qua_han": "Giải quyết quá hạn",
    "dang_giai_quyet": "Đang giải quyết",
    "dang_qua_han": "Trong đó quá hạn",
}
COLUMN_SHORT = {
    "truc_tuyen": "Trực tuyến",
    "truc_tiep": "Trực tiếp",
    "ky_truoc": "Kỳ trước",
    "truoc_han": "Trước hạn",
    "dung_han": "Đúng hạn",
    "qua_han": "Quá hạn",
    "dang_giai_quyet": "Đang giải quyết",
    "dang_qua_han": "Đang quá hạn",
}

# On-time rate formulas in use across provinces; the first is the default.
ON_TIME_FORMULAS = {
    "truoc_dung_tren_da_giai_quyet": "(trước hạn + đúng hạn) / đã giải quyết",
    "gom_dang_trong_han": "(trước hạn + đúng hạn + đang trong hạn) / (đã giải quyết + đang giải quyết)",
    "tre_han_tren_tong": "100 − (quá hạn + đang quá hạn) / (tiếp nhận + kỳ trước)",
}
DEFAULT_ON_TIME = "truoc_dung_tren_da_giai_quyet"

MEASURES = {
    "truc_tuyen": "Số hồ sơ tiếp nhận trực tuyến",
    "truc_tiep": "Số hồ sơ tiếp nhận trực tiếp",  # as the Word table and the charts say it
    "ky_truoc": "Số hồ sơ kỳ trước chuyển qua",
    "tiep_nhan_trong_ky": "Số hồ sơ tiếp nhận trong kỳ",
    "tiep_nhan": "Tổng số hồ sơ tiếp nhận (cả kỳ trước chuyển qua)",
    "truoc_han": "Số hồ sơ giải quyết trước hạn",
    "dung_han": "Số hồ sơ giải quyết đúng hạn",
    "qua_han": "Số hồ sơ giải quyết quá hạn",
    "da_giai_quyet": "Số hồ sơ đã giải quyết",
    "dang_giai_quyet": "Số hồ sơ đang giải quyết",
    "dang_qua_han": "Số hồ sơ đang giải quyết đã quá hạn",
    "dang_trong_han": "Số hồ sơ đang giải quyết trong hạn",
    "ty_le_truc_tuyen": "Tỷ lệ tiếp nhận trực tuyến (%)",
    "ty_le_truc_tiep": "Tỷ lệ tiếp nhận trực tiếp (%)",
    "ty_le_truoc_han": "Tỷ lệ giải quyết trước hạn (%)",
    "ty_le_dung_han_rieng": "Tỷ lệ giải quyết đúng hạn, không kể trước hạn (%)",
    "ty_le_qua_han": "Tỷ lệ giải quyết quá hạn (%)",
    "ty_le_dung_han": "Tỷ lệ giải quyết đúng hạn (kể cả trước hạn) (%)",
    "ty_le_da_giai_quyet": "Tỷ lệ đã giải quyết trên tổng số tiếp nhận (%)",
}
RATE_MEASURES = {m for m in MEASURES if m.startswith("ty_le_")}


def _add_all(*vals):
    """Sum only when every part is known: a total of partly unknown parts is unknown."""
    if any(v is None for v in vals):
        return None
    return sum(vals, Decimal(0))


def _pct(part, whole):
    if part is None or whole is None or whole == 0:
        return None
    return Decimal(part) * 100 / Decimal(whole)


@dataclass
class AgencyTable:
    agency: str
    fields: list[dict] = field(default_factory=list)  # {"id", "name", col: Decimal|None}
    total: dict = field(default_factory=dict)  # col: Decimal|None (typed totals row)

    def effective(self) -> dict[str, Decimal | None]:
        out = {}
        for col in COLUMNS:
            vals = [f.get(col) for f in self.fields]
            if self.fields and all(v is not None for v in vals):
                out[col] = sum(vals, Decimal(0))
            else:
                out[col] = self.total.get(col)
        return out

    def field_sums(self) -> dict[str, Decimal | None]:
        """Sum of the field rows per column where every field has the column (for validation)."""
        out = {}
        for col in COLUMNS:
            vals = [f.get(col) for f in self.fields]
            out[col] = sum(vals, Decimal(0)) if self.fields and all(v is not None for v in vals) else None
        return out

    def measures(self, on_time_formula: str = DEFAULT_ON_TIME) -> dict[str, Decimal | None]:
        return measures_of(self.effective(), on_time_formula)


def measures_of(e: dict, on_time_formula: str = DEFAULT_ON_TIME) -> dict[str, Decimal | None]:
    m: dict[str, Decimal | None] = {c: e.get(c) for c in COLUMNS}
    m["tiep_nhan_trong_ky"] = _add_all(e.get("truc_tuyen"), e.get("truc_tiep"))
    m["tiep_nhan"] = _add_all(e.get("truc_tuyen"), e.get("truc_tiep"), e.get("ky_truoc"))
    m["da_giai_quyet"] = _add_all(e.get("truoc_han"), e.get("dung_han"), e.get("qua_han"))
    pend, over = e.get("dang_giai_quyet"), e.get("dang_qua_han")
    m["dang_trong_han"] = None if pend is None or over is None else pend - over
    m["ty_le_truc_tuyen"] = _pct(e.get("truc_tuyen"), m["tiep_nhan_trong_ky"])
    m["ty_le_truc_tiep"] = _pct(e.get("truc_tiep"), m["tiep_nhan_trong_ky"])
    m["ty_le_truoc_han"] = _pct(e.get("truoc_han"), m["da_giai_quyet"])
    m["ty_le_dung_han_rieng"] = _pct(e.get("dung_han"), m["da_giai_quyet"])
    m["ty_le_qua_han"] = _pct(e.get("qua_han"), m["da_giai_quyet"])
    m["ty_le_da_giai_quyet"] = _pct(m["da_giai_quyet"], m["tiep_nhan"])
    early_on_time = _add_all(e.get("truoc_han"), e.get("dung_han"))
    if on_time_formula == "gom_dang_trong_han":
        num = _add_all(early_on_time, m["dang_trong_han"])
        den = _add_all(m["da_giai_quyet"], pend)
        m["ty_le_dung_han"] = _pct(num, den)
    elif on_time_formula == "tre_han_tren_tong":
        late = _add_all(e.get("qua_han"), over)
        rate = _pct(late, m["tiep_nhan"])
        m["ty_le_dung_han"] = None if rate is None else 100 - rate
    else:
        m["ty_le_dung_han"] = _pct(early_on_time, m["da_giai_quyet"])
    return m


def value_name(agency: str, measure: str) -> str:
    return f"hs.{agency}.{measure}"


def all_value_names() -> dict[str, str]:
    return {
        value_name(a, m): f"{AGENCIES[a]}: {label}" for a in AGENCIES for m, label in MEASURES.items()
    }


# --- the register's words, compared loosely (register import, and migration m005) ----------
DONE_WORDS = ("da tra ket qua", "hoan thanh", "da giai quyet", "da xu ly xong", "da tra", "co ket qua", "ket thuc")
WITHDRAWN_WORDS = ("rut", "huy", "tra lai", "tu choi", "khong giai quyet", "dung xu ly")


def norm(text) -> str:
    """Lower case, no diacritics (đ → d), words separated by one space."""
    if text is None:
        return ""
    return _norm(str(text))


@lru_cache(maxsize=4096)
def _norm(s: str) -> str:
    s = s.replace("đ", "d").replace("Đ", "D")
    s = unicodedata.normalize("NFD", s)
    s = "".join(ch for ch in s if unicodedata.category(ch) != "Mn")
    s = re.sub(r"[^0-9a-z]+", " ", s.lower())
    return s.strip()


def contains_words(hay: str, needle: str) -> bool:
    return f" {needle} " in f" {hay} "


@lru_cache(maxsize=1024)
def is_withdrawn(status: str) -> bool:
    n = norm(status)
    return any(contains_words(n, w) for w in WITHDRAWN_WORDS)


@lru_cache(maxsize=1024)
def is_done_status(status: str) -> bool:
    n = norm(status)
    if n.startswith(("chua", "dang", "cho")):
        return False
    return any(contains_words(n, w) for w in DONE_WORDS)
