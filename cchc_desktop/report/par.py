"""The PAR Index self-assessment as a table: one row per criterion with max, self-score, appraised
score, note and evidence; totals per lĩnh vực and overall; findings for criteria without evidence or
score. Read by the CLI (par show), the exports and the window."""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from cchc_desktop.domain import par_criteria as pc
from cchc_desktop.store import par as par_store


@dataclass
class Line:
    criterion: pc.Criterion
    score: Decimal | None            # a leaf's own score, a node's sum of its scored leaves
    appraised: Decimal | None
    note: str = ""
    evidence: list[dict] = field(default_factory=list)
    appraised_note: str = ""


@dataclass
class Assessment:
    unit_code: str
    year: int
    criteria: pc.CriteriaSet
    lines: list[Line]

    @property
    def total(self) -> Decimal:
        return sum((ln.score or 0 for ln in self.lines if ln.criterion.depth == 0), Decimal(0))

    @property
    def total_appraised(self) -> Decimal | None:
        vals = [ln.appraised for ln in self.lines if ln.criterion.depth == 0]
        return None if all(v is None for v in vals) else sum((v or 0 for v in vals), Decimal(0))

    def gaps(self) -> list[tuple[Line, str]]:
        """Each leaf criterion still unscored, or scored above 0 without evidence, with what is wrong."""
        out = []
        for ln in self.lines:
            c = ln.criterion
            if not c.is_leaf:
                continue
            if ln.score is None:
                out.append((ln, f"Tiêu chí {c.code} ({pc_short(c.label)}): chưa tự chấm điểm."))
            elif not ln.evidence and ln.score > 0:
                out.append((ln, f"Tiêu chí {c.code} ({pc_short(c.label)}): tự chấm {pc.fmt_points(ln.score)} điểm "
                               "nhưng chưa có tài liệu kiểm chứng" + (f" ({c.evidence})." if c.evidence else ".")))
        return out

    def findings(self) -> list[str]:
        return [m for _c, m in self.gaps()]

    def as_json(self) -> dict:
        def num(d):
            return None if d is None else float(d)
        return {
            "bo_tieu_chi": {"phien_ban": self.criteria.version, "ten": self.criteria.name,
                            "van_ban": self.criteria.document, "mot_phan": self.criteria.partial},
            "nam": self.year, "don_vi": self.unit_code,
            "tieu_chi": [{"ma": ln.criterion.code, "noi_dung": ln.criterion.label,
                          "diem_toi_da": num(ln.criterion.max_points), "cach_cham": ln.criterion.rule,
                          "tu_cham": num(ln.score), "tham_dinh": num(ln.appraised), "giai_trinh": ln.note,
                          "ghi_chu_tham_dinh": ln.appraised_note,
                          "kiem_chung": [evidence_label(e) for e in ln.evidence]} for ln in self.lines],
            "tong_toi_da": num(self.criteria.total), "tong_tu_cham": num(self.total),
            "tong_tham_dinh": num(self.total_appraised), "phat_hien": self.findings(),
        }


# Where each proposal's rate comes from in the year's annual period: value names (docs/formats.md);
# a pair is a quotient part / whole.
SOURCES = {
    "hoan_thanh_ke_hoach": ("BM1/2", "Biểu mẫu 1, dòng 2 (tỷ lệ hoàn thành kế hoạch CCHC)"),
    "ho_so_dung_han": ("hs.ubnd.ty_le_dung_han", "Hồ sơ một cửa UBND: tỷ lệ giải quyết đúng hạn"),
    "truc_tuyen": ("hs.ubnd.ty_le_truc_tuyen", "Hồ sơ một cửa UBND: tỷ lệ tiếp nhận trực tuyến"),
    "nhiem_vu_dung_han": (("BM1/4.2", "BM1/4.1"), "Biểu mẫu 1, dòng 4.2 ÷ dòng 4.1 (nhiệm vụ hoàn thành đúng hạn)"),
}


@dataclass
class Proposal:
    rate: Decimal              # percent
    points: Decimal | None     # max × rate (rules ty_le, khoang); None where the rule asks for a judgement
    source: str


def _rate(data, key) -> Decimal | None:
    def num(name):
        v = data.value(name)
        return v if isinstance(v, Decimal) else None
    if isinstance(key, tuple):
        part, whole = num(key[0]), num(key[1])
        return None if part is None or not whole else part * 100 / whole
    return num(key)


def proposals(data, cs: pc.CriteriaSet) -> dict[str, Proposal]:
    """Points proposed from the year's annual period (`data`: its ReportData, values.annual_data;
    None: no such period → {}) for criteria with `de_xuat`."""
    if data is None:
        return {}
    period = data.period
    out = {}
    for c in cs.leaves():
        if not c.proposal:
            continue
        key, label = SOURCES[c.proposal]
        try:
            rate = _rate(data, key)
        except Exception:  # a catalogue without that row
            rate = None
        if rate is None:
            continue
        rate = min(max(rate, Decimal(0)), Decimal(100))
        pts = (c.max_points * rate / 100).quantize(Decimal("0.01")) if c.rule in ("ty_le", "khoang") else None
        out[c.code] = Proposal(rate.quantize(Decimal("0.1")), pts,
                               f"{label}, kỳ {period['year']} Năm: {pc.fmt_points(rate.quantize(Decimal('0.1')))}%")
    return out


def evidence_label(e: dict) -> str:
    """An evidence row in a word: its file name, the document's number and date (from a package), or
    the id of a document of the unit's periods."""
    return e.get("file_name") or e.get("document_text") or f"văn bản {e.get('document_id')}"


def pc_short(text: str, width: int = 48) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1].rsplit(" ", 1)[0] + "…"


def assessment(store, unit_code: str, year: int) -> Assessment:
    cs = par_store.shown_set(store, unit_code, year)
    got = par_store.scores(store, unit_code, year)

    def rec(c: pc.Criterion) -> tuple[Decimal | None, Decimal | None]:
        if c.is_leaf:
            g = got.get(c.code, {})
            lines_by[c.code] = Line(c, g.get("score"), g.get("appraised"), g.get("note", ""), g.get("evidence", []),
                                    g.get("appraised_note") or "")
            return g.get("score"), g.get("appraised")
        lines_by[c.code] = Line(c, None, None)
        parts = [rec(k) for k in c.children]
        s = [p[0] for p in parts if p[0] is not None]
        a = [p[1] for p in parts if p[1] is not None]
        ln = lines_by[c.code]
        ln.score = sum(s, Decimal(0)) if s else None
        ln.appraised = sum(a, Decimal(0)) if a else None
        return ln.score, ln.appraised

    lines_by: dict[str, Line] = {}
    for r in cs.roots:
        rec(r)
    return Assessment(unit_code, year, cs, [lines_by[c.code] for c in cs.walk()])


# --- the upper level: appraisal and ranking ---------------------------------------------------
@dataclass
class RankRow:
    unit_code: str
    name: str
    self_total: Decimal
    appraised_total: Decimal | None
    score: Decimal                   # per criterion the appraised score, else the self-score
    appraised: int                   # criteria appraised
    scored: int                      # criteria with a self-score or an appraised score
    max_total: Decimal
    flag: str = ""                   # what did not fit the upper level's set ("" = fits)
    rank: int | None = None          # None: not ranked (its set is not the upper level's)

    @property
    def status(self) -> str:
        if self.appraised == 0:
            return "Chưa thẩm định (điểm tự chấm)"
        if self.appraised >= self.scored:
            return "Đã thẩm định"
        return f"Thẩm định {self.appraised}/{self.scored} tiêu chí đã chấm"


def ranking(store, upper_code: str, year: int) -> list[RankRow]:
    """The communes of `upper_code` that sent their self-assessment of `year`, ranked by their
    appraised score (per criterion the self-score where not yet appraised, `status` says so); ties
    share a rank (1, 2, 2, 4). A commune whose set is not the upper level's own is listed last, unranked."""
    rows = []
    for sub in par_store.submissions(store, year):
        unit = store.find_unit(sub["unit_code"])
        if unit is None or unit.get("parent_code") != upper_code:
            continue
        a = assessment(store, unit["code"], year)
        leaves = [ln for ln in a.lines if ln.criterion.is_leaf]
        appraised = sum(1 for ln in leaves if ln.appraised is not None)
        scored = sum(1 for ln in leaves if ln.appraised is not None or ln.score is not None)
        score = sum((ln.appraised if ln.appraised is not None else (ln.score or 0) for ln in leaves), Decimal(0))
        ranked = par_store.has_set(store, unit["code"], year)
        rows.append(RankRow(unit["code"], unit["name"], a.total, a.total_appraised, score, appraised, scored,
                            a.criteria.total, sub["flag"] or ("" if ranked else "bộ tiêu chí chưa đối chiếu"),
                            0 if ranked else None))
    ranked = sorted((r for r in rows if r.rank is not None), key=lambda r: (-r.score, r.name))
    for i, r in enumerate(ranked):
        r.rank = ranked[i - 1].rank if i and ranked[i - 1].score == r.score else i + 1
    return ranked + sorted((r for r in rows if r.rank is None), key=lambda r: r.name)


def ranking_json(rows: list[RankRow]) -> list[dict]:
    def num(d):
        return None if d is None else float(d)
    return [{"hang": r.rank, "ma": r.unit_code, "ten": r.name, "diem": num(r.score), "tu_cham": num(r.self_total),
             "tham_dinh": num(r.appraised_total), "toi_da": num(r.max_total), "trang_thai": r.status,
             "ghi_chu": r.flag} for r in rows]
