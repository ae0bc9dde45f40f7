"""What a new unit starts from: default report texts modelled on the seed, the usual dossier
fields, and its first report period."""
from __future__ import annotations

import datetime as dt
import json
import re

from cchc_desktop import paths
from cchc_desktop.domain import frames, periods
from cchc_desktop.domain.units import KIND_WORDS, UPPER_KINDS
from cchc_desktop.report import frame_texts
from cchc_desktop.report.values import outline

# The usual commune fields of the one-stop desk (../shared/domain/ho-so-mot-cua.md).
DEFAULT_FIELDS = (
    "Hộ tịch", "Chứng thực", "Người có công", "Bảo trợ xã hội", "Đất đai", "Tư pháp", "Văn hóa",
    "Nội vụ (tôn giáo, hội)", "Giảm nghèo", "Đăng ký hộ kinh doanh", "Nông nghiệp", "Môi trường",
)
DEMO_UNIT = {"name": "Chi Lăng Nam", "upper": "huyện Thanh Miện", "province": "Hải Dương"}

# The seed's wording that a new unit should not inherit (the demo keeps the seed verbatim):
# (section, the seed's words, the default's). Each must still be found in the seed (a test says so).
CORRECTIONS: tuple[tuple[str, str, str], ...] = (
    ("IV", "gây có khăn", "gây khó khăn"),
    # Phương hướng looks ahead: the period after this one, as the heading says (NHIỆM VỤ NĂM 2024).
    ("IV", "các nhiệm vụ cải cách hành chính năm {{ky.nam}}", "các nhiệm vụ cải cách hành chính {{ky.ten_ke_tiep}}"),
    ("IV", "Chủ tịch UBND huyện giao năm {{ky.nam}}", "Chủ tịch UBND huyện giao {{ky.ten_ke_tiep}}"),
    ("II.2", "; Đề tăng cường", "; để tăng cường"),
    ("II.2", "{{TT/7}} hồ sơ cập nhật phần mềm một cửa dùng chung của tỉnh Hải Dương.",
     "Số hồ sơ được cập nhật trên phần mềm một cửa dùng chung của tỉnh Hải Dương: {{TT/7}} hồ sơ."),
    ("II.2", "hồ sơ giải quyết đúng hạn giải quyết {{hs.ubnd.dung_han}} hồ sơ",
     "giải quyết đúng hạn {{hs.ubnd.dung_han}} hồ sơ"),
    ("II.2", "đang giải quyết {{hs.ubnd.dang_giai_quyet}} hs.", "đang giải quyết {{hs.ubnd.dang_giai_quyet}} hồ sơ."),
    ("II.2", "qua dịch vụ công trực tuyến mức độ 3,4 đạt tỷ lệ {{hs.ubnd.ty_le_truc_tuyen}}: "
             "Không phát sinh hồ sơ tại Bộ phận Một cửa xã.",
     "qua dịch vụ công trực tuyến: tiếp nhận trực tuyến {{hs.ubnd.truc_tuyen}} hồ sơ, "
     "đạt tỷ lệ {{hs.ubnd.ty_le_truc_tuyen}}."),
)


# "xã" meaning this commune ("Công an xã", "UBND xã"), not the level ("cấp xã") or other communes ("các xã")
_OWN_XA = re.compile(r"(?<!cấp )(?<!các )(?<!Cấp )\b[Xx]ã\b")


def _as_matched(m: re.Match, word: str) -> str:
    """`word` capitalised when the match began with "Xã" (a bare name keeps the word lower case)."""
    return word[:1].upper() + word[1:] if m.group(0)[:1] == "X" else word


def current_period_code(today: dt.date | None = None) -> str:
    """The annual report whose window contains today (the window closes on 14/12)."""
    today = today or dt.date.today()
    year = today.year + 1 if (today.month, today.day) >= (12, 15) else today.year
    return f"{year}-NAM"


def default_narratives(name: str, upper_name: str = "", province: str = "", kind: str = "xa") -> dict[str, dict]:
    """The seed's texts with its unit, upper level and province replaced by the new unit's.

    The unit is named with its kind's word wherever the seed names its commune (`xã Chi Lăng
    Nam`, and the seed's `UBND Chi Lăng Nam` too): `phường An Bình`, `UBND xã Hồng Phong`. The
    seed's slips (CORRECTIONS) are mended, and Phương hướng looks ahead to the next period.

    Every figure in them is already a placeholder, so they read right for any unit. The
    documents the seed's commune and province issued are cited with blanks to fill
    (`Kế hoạch số …/KH-UBND ngày …/…/…`), the seed's years become the period's
    (`năm {{ky.nam}}`); national documents (Nghị định …/NĐ-CP, Chỉ thị …/CT-TTg, Thông tư) stay.
    """
    # the seed as data: a resource of the app itself (dataio, above the report, reads users' files)
    doc = json.loads(paths.resource("demo", "chi-lang-nam-2023.json").read_text(encoding="utf-8"))
    seed_year = periods.parse_code(doc["period"]["code"]).year
    unit_name = f"{KIND_WORDS.get(kind, 'xã')} {name}"
    seed_name = re.compile(r"(?:\b[Xx]ã\s+)?" + re.escape(DEMO_UNIT["name"]))

    def own(text: str) -> str:
        text = seed_name.sub(lambda m: _as_matched(m, unit_name), text)
        if kind in ("phuong", "thi_tran", "dac_khu"):  # the seed's "Công an xã", "trên địa bàn xã": the unit's own word
            text = _OWN_XA.sub(lambda m: _as_matched(m, KIND_WORDS[kind]), text)
        text = text.replace(DEMO_UNIT["upper"], upper_name or "cấp trên")
        return text.replace(f"tỉnh {DEMO_UNIT['province']}", f"tỉnh {province}" if province else "tỉnh") \
            .replace(DEMO_UNIT["province"], province or "tỉnh")

    out = {}
    for key, section in doc["narrative"].items():
        text = corrected(key, section.get("text") or "")
        title = section.get("title")
        out[key] = {"title": own(title) if title else title, "text": blank_citations(own(text), seed_year)}
    return out


def corrected(key: str, text: str) -> str:
    """The seed's text of a section with CORRECTIONS applied."""
    for section, old, new in CORRECTIONS:
        if section == key:
            text = text.replace(old, new)
    return text


# A document's number and symbol: `21/KH-UBND`, `13/2016/QĐ-UBND`, `1581/UBND-VP`, with its date.
_CITATION = re.compile(
    r"(?P<num>\d+)(?P<year>/\d{4})?/(?P<sym>[A-ZĐ][A-Za-zĐđ]*(?:-[A-ZĐ][A-Za-zĐđ]*)+)"
    r"(?P<date>\s+ngày\s+\d{1,2}/\d{1,2}/\d{4})?"
)
# Issued by the National Assembly, the Government, the Prime Minister, a ministry or the Party's
# centre: the same for every commune, so kept as the seed cites them.
_NATIONAL = re.compile(r"-(?:CP|TTg|QH\d*|TW)$|^TT-B")
_DATE = re.compile(r"(?<![\d/])\d{1,2}/\d{1,2}/\d{4}(?![\d/])")
_YEAR = re.compile(r"\b(năm|Năm)\s+(\d{4})\b")


def blank_citations(text: str, seed_year: int) -> str:
    """The seed's own and its province's document numbers and dates as blanks, its years as
    the period's placeholders; national documents kept."""
    years = {seed_year: "{{ky.nam}}", seed_year - 1: "{{ky.nam_truoc}}", seed_year + 1: "{{ky.nam_sau}}"}

    def plain(part: str) -> str:
        part = _DATE.sub("…/…/…", part)
        return _YEAR.sub(lambda m: f"{m.group(1)} {years.get(int(m.group(2)), m.group(2))}", part)

    out, pos = [], 0
    for m in _CITATION.finditer(text):
        out.append(plain(text[pos:m.start()]))
        if _NATIONAL.search(m.group("sym")):
            out.append(m.group(0))
        else:
            out.append("…" + ("/…" if m.group("year") else "") + "/" + m.group("sym")
                       + (" ngày …/…/…" if m.group("date") else ""))
        pos = m.end()
    out.append(plain(text[pos:]))
    return "".join(out)


def upper_narratives(period: dict | None = None) -> dict[str, dict]:
    """The default texts of an upper level's (huyện/tỉnh) consolidated report: those of the
    period's legal frame (frame_texts.upper_narratives), else the outline's `cap_tren` texts,
    whose placeholders show the roll-up's figures (resources/outline.toml)."""
    framed = frame_texts.upper_narratives(period) if period else None
    return framed or {s["key"]: {"title": None, "text": s["cap_tren"]} for s in outline() if s.get("cap_tren")}




def upper_recipients(unit: dict) -> list[str]:
    """Nơi nhận of an upper level's report when the unit names none: whom a province (tỉnh or
    thành phố, reporting to the ministry) or, before 1/7/2025, a district usually sends its CCHC
    report to."""
    if unit.get("kind") in ("tinh", "thanh_pho"):
        word = KIND_WORDS[unit["kind"]]  # "tỉnh" / "thành phố": Tỉnh ủy / Thành ủy
        party = "Tỉnh ủy" if unit["kind"] == "tinh" else "Thành ủy"
        return ["Bộ Nội vụ", f"TT {party}, TT HĐND {word}", f"Chủ tịch, các Phó Chủ tịch UBND {word}", "Sở Nội vụ",
                "Lưu: VT"]
    province = (unit.get("province") or "").strip()
    return [f"UBND tỉnh {province} (Sở Nội vụ)".replace("  ", " ") if province else "UBND tỉnh (Sở Nội vụ)",
            "TT Huyện ủy, TT HĐND huyện", "Chủ tịch, các Phó Chủ tịch UBND huyện", "Phòng Nội vụ", "Lưu: VT"]


def new_period(store, unit_code: str, code: str, carry_from: int | None = None, **fields) -> dict:
    """A new period of the unit (Store.create_period); an upper level's (huyện/tỉnh) first one
    starts from the consolidated report's texts, so the one importing packages makes has text
    to export. A commune's first texts come from setup_unit."""
    texts = None
    unit = store.unit(unit_code)
    start, end = periods.default_window(periods.parse_code(code))
    window = {"start_date": fields.get("start_date") or start.isoformat(),
              "end_date": fields.get("end_date") or end.isoformat()}
    if carry_from is None and unit["kind"] in UPPER_KINDS:
        texts = upper_narratives(window)
    if carry_from is None or same_frame(store.period(carry_from), window):
        return store.create_period(unit_code, code, carry_from=carry_from, texts=texts, **fields)
    # Another frame (the 2023 one → two tiers): its texts name levels and documents of another law;
    # the new frame's default texts instead. Dossier fields and settings still carry over.
    src = store.period(carry_from)
    carried = {"doc_symbol": src["doc_symbol"], "on_time_formula": src["on_time_formula"], **fields}
    with store.transaction():
        period = store.create_period(unit_code, code, texts=frame_default_texts(store, unit, window), **carried)
        for agency, table in store.dossier_tables(carry_from).items():
            for f in table.fields:
                store.add_field(period["id"], agency, f["name"])
    return store.period(period["id"])


def same_frame(source: dict, period: dict) -> bool:
    """Whether two periods (or windows: start_date, end_date) are in the same legal frame, so
    that texts carry over from one to the other."""
    return frames.for_period(source).key == frames.for_period(period).key


def frame_default_texts(store, unit: dict, period: dict) -> dict[str, dict]:
    """section → {title, text}: the default texts of the period's frame for that unit."""
    if unit["kind"] in UPPER_KINDS:
        return upper_narratives(period) or {}
    return frame_texts.commune_narratives(unit, period) or \
        default_narratives(unit["name"], unit.get("upper_name", ""), unit.get("province", ""), unit["kind"])


def setup_unit(store, code: str, name: str, kind: str = "xa", period_code: str | None = None, **fields) -> dict:
    """Create a unit with its first period, default texts and the usual dossier fields (one transaction).

    The texts are those of the period's legal frame (frame_texts; the seed's in the 2023 frame).
    An upper level (huyện/tỉnh) gets the consolidated report's texts from new_period."""
    period_code = period_code or current_period_code()
    periods.parse_code(period_code)
    with store.transaction():
        unit = store.create_unit(code, name, kind, **fields)
        period = new_period(store, code, period_code)
        # The frame of the period's dates writes the texts; the 2023 frame's are the seed's.
        texts = {} if kind in UPPER_KINDS else frame_default_texts(store, unit, period)
        for key, t in texts.items():
            store.set_narrative(period["id"], key, text=t["text"], title=t["title"])
        for field in DEFAULT_FIELDS:
            store.add_field(period["id"], "ubnd", field)
    return store.period(period["id"])
