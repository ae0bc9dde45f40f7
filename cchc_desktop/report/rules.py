"""Validation in the spirit of DHIS2's rules: left side, operator, right side, severity.

Findings come from three places: the catalogue's own rules, rules derived from the catalogue
(every pct(part, whole) gives part ≤ whole; typed percents stay within 0–100), and the
built-in rules of the one-stop desk (../shared/domain/ho-so-mot-cua.md) and of the text
(placeholders must name values that exist).
"""
from __future__ import annotations

import operator
import re
from dataclasses import dataclass
from decimal import Decimal

from cchc_desktop import fmt
from cchc_desktop.domain import dossiers, formula, periods
from cchc_desktop.report import chart_data, corrections, frame_rules, narrative
from cchc_desktop.domain.catalogue import SEVERITIES, Rule, aggregation, shorten
from cchc_desktop.report.values import ReportData, outline
from cchc_desktop.domain.units import UPPER_KINDS


_OPS = {"=": operator.eq, "!=": operator.ne, "<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge}


@dataclass
class Finding:
    severity: str  # "loi" | "canh_bao"
    message: str
    target: str  # an indicator code (BM3/3.3.1), "hs.<agency>[.<field>]" or "text:<section>"
    rule: str
    section: str = ""  # the outline section / tab it concerns

    @property
    def severity_label(self) -> str:
        return SEVERITIES[self.severity]

    def as_dict(self) -> dict:
        return {"severity": self.severity, "message": self.message, "target": self.target,
                "rule": self.rule, "section": self.section}


def _resolver(data: ReportData, zero_missing: bool):
    def resolve(name):
        v = data.value(name)
        if isinstance(v, Decimal):
            return v
        return Decimal(0) if zero_missing else None
    return resolve


def _target_of(texts: list[str], data: ReportData) -> tuple[str, str]:
    for name in [n for t in texts for n in formula.refs(t)]:
        row = data.catalogue.rows_by_code.get(name)
        if row:
            return name, row.section
        if name.startswith("hs."):
            return ".".join(name.split(".")[:2]), "II.2"
    return "", ""


def check_rule(rule: Rule, data: ReportData) -> Finding | None:
    zero = rule.missing == "zero"
    left = formula.evaluate(rule.left, _resolver(data, zero))
    right = formula.evaluate(rule.right, _resolver(data, zero))
    target, section = _target_of([rule.left, rule.right], data)
    if left is None or right is None:
        if rule.missing == "fail":
            blank = [n for n in formula.refs(rule.left) + formula.refs(rule.right)
                     if not isinstance(data.value(n), Decimal)]
            what = ", ".join(name_in_words(n, data) for n in dict.fromkeys(blank)) or "một vế"
            return Finding(rule.severity, f"{rule.message} (chưa kiểm tra được: thiếu số liệu ở {what})",
                           target, rule.id, section)
        return None
    if _OPS[rule.op](left, right):
        return None
    detail = f" (hiện tại: {fmt.number(left, 1)} so với {fmt.number(right, 1)})"
    return Finding(rule.severity, rule.message + detail, target, rule.id, section)


PART_WIDTH = 36  # label characters of a part or whole named inside a message


def name_in_words(name: str, data: ReportData, form: str = "", width: int = PART_WIDTH) -> str:
    """A value name as a message says it: `dòng 2.2 «Số nhiệm vụ đã hoàn thành»` within `form`,
    `Biểu mẫu 3, dòng 1.4 «…»` elsewhere, `Bộ phận Một cửa UBND: Số hồ sơ …` for a dossier figure."""
    row = data.catalogue.rows_by_code.get(name)
    if row is None:
        return shorten(dossiers.all_value_names().get(name, name), width + 24)
    if row.form == form:
        return f"dòng {row.number} «{shorten(row.label, width)}»"
    return row.describe(width)


def derived_rules(data: ReportData) -> list[Rule]:
    """part ≤ whole for every pct() of the catalogue."""
    out = []
    for row in data.catalogue.rows():
        if not row.formula:
            continue
        for part, whole in formula.pct_pairs(row.formula):
            part_t, whole_t = formula.to_text(part), formula.to_text(whole)
            part_w, whole_w = (" + ".join(name_in_words(n, data, row.form) for n in formula.refs(t))
                               for t in (part_t, whole_t))
            out.append(Rule(
                id=f"phan-khong-vuot-tong:{row.code}",
                left=part_t, op="<=", right=whole_t, severity="loi", missing="skip",
                message=f"{row.describe()}: phần ({part_w}) lớn hơn tổng ({whole_w}), nên tỷ lệ vượt 100 %. "
                        "Hãy kiểm tra lại hai số này.",
                builtin=True,
            ))
    return out


def check_percent_ranges(data: ReportData) -> list[Finding]:
    out = []
    for row in data.catalogue.rows():
        if row.kind == "percent" and not row.derived:
            v = data.values.get(row.code)
            if isinstance(v, Decimal) and not 0 <= v <= 100:
                out.append(Finding("loi", f"{row.describe()}: tỷ lệ {fmt.percent(v)} % nằm ngoài 0–100. "
                                          "Hãy nhập một tỷ lệ từ 0 đến 100.",
                                   row.code, "ty-le-0-100", row.section))
    return out


def check_dossiers(data: ReportData) -> list[Finding]:
    out = []
    for agency, label in dossiers.AGENCIES.items():
        table = data.tables[agency]
        m = data.measures(agency)
        received, resolved, pending = m["tiep_nhan"], m["da_giai_quyet"], m["dang_giai_quyet"]
        if received is not None and resolved is not None and pending is not None and received != resolved + pending:
            out.append(Finding(
                "loi",
                f"{label}: số hồ sơ tiếp nhận (trực tuyến + trực tiếp + kỳ trước = {fmt.number(received)}) "
                f"phải bằng đã giải quyết + đang giải quyết ({fmt.number(resolved)} + {fmt.number(pending)} = "
                f"{fmt.number(resolved + pending)}). Hãy kiểm tra lại các cột của bảng hồ sơ.",
                f"hs.{agency}", "ho-so-can-bang", "II.2",
            ))
        over, pend = m["dang_qua_han"], m["dang_giai_quyet"]
        if over is not None and pend is not None and over > pend:
            out.append(Finding("loi", f"{label}: số hồ sơ đang giải quyết quá hạn ({fmt.number(over)}) lớn hơn số đang giải quyết ({fmt.number(pend)}).",
                               f"hs.{agency}", "ho-so-qua-han", "II.2"))
        sums = table.field_sums()
        for col in dossiers.COLUMNS:
            typed = table.total.get(col)
            if typed is not None and sums[col] is not None and typed != sums[col]:
                out.append(Finding(
                    "loi",
                    f"{label}: cột “{dossiers.COLUMN_LABELS[col]}” của các lĩnh vực cộng lại được "
                    f"{fmt.number(sums[col])}, nhưng dòng Cộng ghi {fmt.number(typed)}. Hãy sửa cho khớp "
                    "(hoặc xóa số ở dòng Cộng để phần mềm tự cộng).",
                    f"hs.{agency}", "ho-so-cong-linh-vuc", "II.2",
                ))
        for f in table.fields:
            fm = dossiers.measures_of(f)
            if fm["tiep_nhan"] is not None and fm["da_giai_quyet"] is not None and fm["dang_giai_quyet"] is not None \
                    and fm["tiep_nhan"] != fm["da_giai_quyet"] + fm["dang_giai_quyet"]:
                out.append(Finding(
                    "loi",
                    f"{label}, lĩnh vực {f['name']}: tiếp nhận {fmt.number(fm['tiep_nhan'])} khác đã giải quyết + "
                    f"đang giải quyết {fmt.number(fm['da_giai_quyet'] + fm['dang_giai_quyet'])}.",
                    f"hs.{agency}.{f['name']}", "ho-so-can-bang", "II.2",
                ))
    return out


def check_dossier_blanks(data: ReportData) -> list[Finding]:
    """A column filled for some fields and blank for others, with no typed total: its total is
    unknown, so the report writes "…" (and would contradict any sum made by hand)."""
    out = []
    for agency, label in dossiers.AGENCIES.items():
        table = data.tables[agency]
        blank_fields: list[str] = []
        columns: list[str] = []
        for col in dossiers.COLUMNS:
            vals = [f.get(col) for f in table.fields]
            if any(v is not None for v in vals) and any(v is None for v in vals) and table.total.get(col) is None:
                columns.append(dossiers.COLUMN_SHORT[col])
                blank_fields += [f["name"] for f in table.fields if f.get(col) is None and f["name"] not in blank_fields]
        if columns:
            names = ", ".join(blank_fields[:3]) + ("…" if len(blank_fields) > 3 else "")
            out.append(Finding(
                "canh_bao",
                f"{label}: {len(blank_fields)} lĩnh vực còn ô trống ({names}) ở cột {', '.join(columns[:3])}"
                f"{'…' if len(columns) > 3 else ''}, nên dòng Cộng chưa tính được và báo cáo ghi “…”. "
                "Lĩnh vực không phát sinh hồ sơ thì nhập 0 (hoặc xóa lĩnh vực không dùng).",
                f"hs.{agency}.{blank_fields[0]}", "ho-so-o-trong", "II.2",
            ))
    return out


# "năm 2023" or a date "24/02/2023"; not the year inside a document symbol ("61/2018/NĐ-CP")
_YEAR_IN_TEXT = re.compile(r"(?:\b[Nn]ăm\s+|\b\d{1,2}/\d{1,2}/)(\d{4})(?![\d/])")


def check_old_years(data: ReportData) -> list[Finding]:
    """Text carried over from last year's report still speaking of last year: a section that
    names last year ("… năm 2023", "ngày 24/02/2023") and never this one ({{ky.nam}} counts:
    placeholders follow the period). Older years are left alone: reports cite old laws and
    plans ("Luật … năm 2015"). One warning per section."""
    year = data.key.year
    out = []
    for s in outline():
        text = (data.narratives.get(s["key"]) or {}).get("text", "")
        typed = narrative.PLACEHOLDER.sub("", text)
        years = {int(y) for y in _YEAR_IN_TEXT.findall(typed)}
        names_this_year = year in years or any(n == "ky.nam" for n, _ in narrative.placeholders(text))
        if year - 1 in years and not names_this_year:
            out.append(Finding(
                "canh_bao",
                f"{section_place(s['key'], data, capital=True)}: lời văn còn ghi năm {year - 1} "
                f"(kỳ này là {periods.name(data.key)}). Nếu là lời văn của kỳ trước, hãy sửa câu, số văn bản "
                "và ngày tháng cho kỳ này.",
                f"text:{s['key']}", "nam-cu-trong-loi-van", s["key"],
            ))
    return out


def check_text(data: ReportData) -> list[Finding]:
    out = []
    for s in outline():
        text = (data.narratives.get(s["key"]) or {}).get("text", "")
        title = (data.narratives.get(s["key"]) or {}).get("title") or s["title"]
        for name, fmt_name in narrative.placeholders(text) + narrative.placeholders(title):
            if not data.is_known_name(name):
                out.append(Finding(
                    "loi",
                    f"{section_place(s['key'], data, capital=True)}: chỗ chèn {{{{{name}}}}} không trỏ tới số liệu nào. "
                    "Hãy xóa nó hoặc chèn lại từ danh sách.",
                    f"text:{s['key']}", "cho-chen-ton-tai", s["key"],
                ))
            elif fmt_name and fmt_name not in narrative.FORMATS:
                out.append(Finding("loi", f"{section_place(s['key'], data, capital=True)}: kiểu hiển thị “{fmt_name}” của {{{{{name}}}}} không có.",
                                   f"text:{s['key']}", "cho-chen-ton-tai", s["key"]))
    return out


CORRECTION_RULE = "so-tinh-lai"  # its findings' rule: "so-tinh-lai:<the value's name>"


def check_corrections(data: ReportData) -> list[Finding]:
    """A figure the app computes that differs from the unit's own, and a typed figure that differs
    from the one the unit printed before (report/corrections.py)."""
    out = []
    for c in corrections.corrections(data):
        row = data.catalogue.rows_by_code.get(c.name)
        target = c.name if row else ".".join(c.name.split(".")[:2])
        # where the report explains it: the row's Ghi chú, or the appendix's notes on the text's figures
        where = ("cột Ghi chú của phụ lục" if c.in_appendix(data.catalogue)
                 else "phần “Ghi chú số liệu trong lời văn” cuối phụ lục")
        if c.typed:
            head = (f"{c.place}: số đơn vị đã in trước đây là {c.own_text}, số đã nhập là {c.computed_text} "
                    f"{c.why}".rstrip())
        elif c.computed is None:  # the seed's 0 % over 0 cases: no rate at all
            head = f"{c.place}: số đơn vị đã ghi trước đây là {c.own_text}, phần mềm để trống {c.why}".rstrip()
        else:
            head = (f"{c.place}: số đơn vị đã ghi trước đây là {c.own_text}, số tính từ "
                    f"{'các dòng thành phần' if row else 'bảng hồ sơ'} là {c.computed_text} {c.why}".rstrip())
        if c.kept:
            tail = (f". Đơn vị đã chọn giữ số của mình (ghi chú: {c.choice_note}): báo cáo in {c.own_text}"
                    + (" ở bảng và ở lời văn" if c.typed else "") + f", {where} nêu {c.computed_word} và ghi chú")
            if c.rests_on:
                tail += (f". {c.rests_on}" + ("" if c.typed else " (khớp với các số thành phần khác)")
                         + f", không theo số {c.own_text}: Ghi chú của "
                         + ("dòng đó" if len(c.dependents) == 1 else "các dòng đó") + " nói rõ")
            tail += "."
        elif c.choice == corrections.USE:
            tail = f". Đơn vị đã chọn dùng {c.computed_word}: báo cáo in {c.computed_text}, {where} nêu số đã sửa."
        elif c.typed:
            tail = (f". Báo cáo in số đã nhập, {where} nêu số cũ. Nếu số đã nhập sai, hãy sửa nó; "
                    "nếu không, hãy chọn “Dùng số đã nhập”, "
                    "hoặc “Giữ số của đơn vị…” kèm ghi chú lý do.")
        else:
            tail = (f". Báo cáo {'để trống ô này' if c.computed is None else 'in số tính lại'}, {where} nêu số cũ. "
                    "Nếu số thành phần sai, hãy sửa chúng; nếu không, hãy chọn “Dùng số tính lại”, "
                    "hoặc “Giữ số của đơn vị…” kèm ghi chú lý do.")
        out.append(Finding("canh_bao", head + tail, target, f"{CORRECTION_RULE}:{c.name}", c.section))
    return out


# A share above 100 % that the text itself says: "105%", "trên 100 %", "hơn {{TT/22}}" (a
# placeholder's value between \x01 and \x02: a computed rate above 100 is the data's error,
# reported at its rows, not the text's)
_OVER_100 = re.compile(r"(?:\b(?:trên|hơn|vượt|quá)\s+\x01?100(?:,0+)?(?:\s*%\x02?|\x02\s*%)"
                       r"|(?<![\d.,\x01])(?:10[1-9]|1[1-9]\d|[2-9]\d\d|\d{4,})(?:,\d+)?\s*%)", re.IGNORECASE)
# A comparison with a plan, an estimate or last year may pass 100 % ("thu ngân sách đạt 125 % dự
# toán", "tăng 130 % so với cùng kỳ", "đạt 105 % kế hoạch"): only a share of a whole may not. The
# clause (between commas, semicolons, colons) of such a percent is left alone.
_COMPARISON = re.compile(r"\b(?:dự\s+toán|kế\s+hoạch|chỉ\s+tiêu|cùng\s+kỳ|so\s+với|tăng|giảm|gấp|"
                         r"thu\s+ngân\s+sách|ngân\s+sách|nghị\s+quyết|mục\s+tiêu|năm\s+trước|kỳ\s+trước)\b",
                         re.IGNORECASE)
_CLAUSE = re.compile(r"[,;:]\s")
_RATE = re.compile(r"\d(?:,\d+)?\s*%")
# "không phát sinh hồ sơ", "chưa có hồ sơ phát sinh", "không có hồ sơ." … but not "không có hồ sơ quá
# hạn" nor "không phát sinh hồ sơ trễ hạn" (a rate of 100 % beside them is the usual sentence)
_QUALIFIED = r"(?!\s+(?:nào\s+)?(?:quá|trễ|chậm|tồn|bị|sai|phải|giải\s+quyết|đang|trả))"
_NONE_AROSE = re.compile(r"(?:không|chưa)\s+phát\s+sinh\s+hồ\s+sơ" + _QUALIFIED
                         + r"|(?:không|chưa)\s+có\s+hồ\s+sơ(?:\s+nào)?(?:\s+(?:phát\s+sinh|được\s+tiếp\s+nhận))?"
                           r"(?=\s*(?:[.;:,)!?]|$))"
                         + r"|hồ\s+sơ\s+(?:không|chưa)\s+(?:có\s+)?phát\s+sinh", re.IGNORECASE)
# sentences: a full stop or semicolon followed by a space, or a line end (never a decimal point)
_SENTENCE = re.compile(r"(?<=[.;!?])\s+|\n")
_FULL_SENTENCE = re.compile(r"(?<=[.!?])\s+|\n")


def section_place(key: str, data: ReportData, capital: bool = False) -> str:
    """A section as the reader finds it in the report: “phần mở đầu”, “mục I.2 (Công tác kiểm tra…)”,
    “mục III.1 (Ưu điểm)” (the title alone, “1. Ưu điểm”, does not say which part)."""
    if key == "MO":
        place = "phần mở đầu"
    elif key == "KET":
        place = "phần kết"
    else:
        title = re.sub(r"^[IVX]+\.\s*|^\d+\.\s*", "", data.section_title(key) or "").strip()
        place = f"mục {key}" + (f" ({shorten(title, 40)})" if title else "")
    return place[:1].upper() + place[1:] if capital else place


def _section_texts(data: ReportData):
    """(section, its place as the reader finds it (section_place), its lines of prose with each placeholder's
    value marked: \x01value\x02)."""
    for s in outline():
        text = (data.narratives.get(s["key"]) or {}).get("text", "")
        if not text.strip():
            continue
        marked = [narrative.PLACEHOLDER.sub(lambda m: "\x01" + narrative.format_value(m.group(1), m.group(2), data)
                                            + "\x02", x.text)
                  for x in narrative.lines(text) if isinstance(x, narrative.Paragraph)]
        yield s, section_place(s["key"], data, capital=True), marked


def _plain(text: str) -> str:
    return text.replace("\x01", "").replace("\x02", "")


def _quote(sentence: str, at: int, width: int = 60) -> str:
    at = len(_plain(sentence[:at]))
    sentence = _plain(sentence)
    start = max(0, at - width // 2)
    part = sentence[start:start + width].strip()
    return ("…" if start else "") + part + ("…" if start + width < len(sentence) else "")


def check_text_statements(data: ReportData) -> list[Finding]:
    """Statements the text cannot make: a share above 100 % (a comparison with a plan, an estimate or
    last year may pass it), a rate beside "không phát sinh hồ sơ" in one sentence; a plan section (IV)
    speaking of the report's own year, or of a quarter's own quarter."""
    out = []
    year = data.key.year
    for s, title, paragraphs in _section_texts(data):
        for para in paragraphs:
            for sentence in _SENTENCE.split(para):
                m = next((m for m in _OVER_100.finditer(sentence) if not _compares(sentence, m.start())), None)
                if m:
                    word = re.match(r"\w+", m.group(0))
                    fix = (f"bỏ chữ “{word.group(0).lower()}”" if word and not word.group(0)[0].isdigit()
                           else "tỷ lệ là số phần trên tổng số, nên tối đa 100 %")
                    out.append(Finding(
                        "loi",
                        f"{title}: lời văn ghi “{_quote(sentence, m.start())}”: một tỷ lệ không thể vượt 100 %. "
                        f"Hãy viết đúng tỷ lệ (ví dụ “100 % hồ sơ đạt mức hài lòng”; {fix}). Nếu là so sánh với "
                        "kế hoạch, dự toán hay cùng kỳ, hãy ghi rõ (“đạt 125 % dự toán”).",
                        f"text:{s['key']}", "ty-le-tren-100", s["key"]))
            for sentence in _FULL_SENTENCE.split(para):  # "đạt 45 %; không có hồ sơ phát sinh": one sentence
                rate, none = _RATE.search(sentence), _NONE_AROSE.search(sentence)
                if rate and none:
                    out.append(Finding(
                        "loi",
                        f"{title}: cùng một câu vừa nêu tỷ lệ vừa nói không phát sinh hồ sơ "
                        f"(“{_quote(sentence, min(rate.start(), none.start()), 90)}”). Hãy tách thành hai câu "
                        "hoặc bỏ một vế: nếu có hồ sơ thì ghi số và tỷ lệ, nếu không có thì chỉ ghi “không phát sinh hồ sơ”.",
                        f"text:{s['key']}", "ty-le-khong-phat-sinh", s["key"]))
        own = _own_period_pattern(data.key)
        if s["key"] == "IV" and own is not None:  # a quarter's plan looks at the next quarter of the year
            words = [m for p in paragraphs for m in own.finditer(_plain(p))]
            if words:
                this, next_ = periods.name(data.key), periods.next_name(data.key)
                out.append(Finding(
                    "canh_bao",
                    f"{title}: phần phương hướng ghi “{words[0].group(0)}” ({len(words)} chỗ), là kỳ của chính báo "
                    f"cáo này. Nhiệm vụ kỳ tới thì hãy ghi {next_} (chèn {{{{ky.ten_ke_tiep}}}}); chỉ giữ {this} "
                    "khi nói về kết quả đã làm.",
                    "text:IV", "ke-hoach-ky-nay", "IV"))
        if s["key"] == "IV" and periods.next_year(data.key) != year:  # a quarter's plan is of its own year
            words = [m for p in paragraphs for m in re.finditer(rf"\bnăm\s+{year}\b", _plain(p))]
            if words:
                out.append(Finding(
                    "canh_bao",
                    f"{title}: phần phương hướng ghi “năm {year}” ({len(words)} chỗ), là năm của chính báo cáo "
                    f"này. Nhiệm vụ kỳ tới thì hãy ghi năm {periods.next_year(data.key)} (chèn {{{{ky.nam_sau}}}}); chỉ giữ năm {year} "
                    "khi nói về kết quả đã làm.",
                    f"text:IV", "ke-hoach-nam-nay", "IV"))
    return out


def _compares(sentence: str, at: int) -> bool:
    """The percent at `at` is in a clause comparing with a plan, an estimate or another period."""
    starts = [0] + [m.end() for m in _CLAUSE.finditer(sentence) if m.end() <= at]
    end = next((m.start() for m in _CLAUSE.finditer(sentence) if m.start() > at), len(sentence))
    return bool(_COMPARISON.search(_plain(sentence[starts[-1]:end])))


def _own_period_pattern(key) -> re.Pattern | None:
    """The words of a quarter's, half-year's or nine months' own period ("quý III năm 2026", "quý III/2026",
    "6 tháng đầu năm 2026"), which its plan section should not speak of; None for a year's report."""
    if periods.next_year(key) != key.year:
        return None  # a year's report: the plan is of the next year (ke-hoach-nam-nay)
    name = periods.name(key)
    words = r"\s+".join(re.escape(w) for w in name.split())
    m = re.match(r"(quý\s+[IV]+)\s+năm\s+(\d{4})$", name)
    slash = (r"|\b" + m.group(1).replace(" ", r"\s+") + r"\s*/\s*" + m.group(2) + r"\b") if m else ""
    return re.compile(rf"(?<!\w){words}(?!\w){slash}", re.IGNORECASE)


FIGURES_LISTED = 3  # typed figures named in one section's warning before "…"
PLAN_SECTIONS = ("IV", "V")  # the plan and the proposals: targets, not the period's figures
# words too common in the labels to tell two values apart
_COMMON = frozenset("hồ sơ số tỷ lệ đạt các của được trong và là có đã cho với theo tại trên thủ tục hành chính "
                    "kỳ báo cáo năm xã phường ubnd tổng".split())


def _words(text: str) -> set[str]:
    return {w for w in re.findall(r"\w+", text.lower()) if len(w) > 1 and not w.isdigit()} - _COMMON


def _value_label(name: str, data: ReportData) -> str:
    base = name.partition("|")[0]
    if base.startswith("hs."):
        return dossiers.MEASURES.get(base.split(".")[-1], "")
    row = data.catalogue.rows_by_code.get(base)
    return row.label if row is not None else ""


def check_typed_figures(data: ReportData) -> list[Finding]:
    """A figure typed into the text (a number and a unit: "3.225 hồ sơ", "86%") that no value of
    the period has: an old year's number or a slip. One warning per section, with the nearest
    value of the same unit and its placeholder."""
    pattern, index = narrative.typed_figure_pattern(data.catalogue), narrative.figure_index(data)
    pool = [(fmt.parse_number(text), name) for text, names in index.items() for name in names]
    out = []
    for s in outline():
        if s["key"] in PLAN_SECTIONS:  # targets ("phấn đấu 100 %") are no figures of the period
            continue
        text = (data.narratives.get(s["key"]) or {}).get("text", "")
        spans = [(m.start(), m.end()) for m in narrative.PLACEHOLDER.finditer(text)]
        missing = []
        for m in pattern.finditer(text):
            if any(a <= m.start() < b for a, b in spans):
                continue
            number, unit = m.group(1) + ("," + m.group(2) if m.group(2) else ""), m.group(3)
            if any(narrative.unit_fits(n, unit, data) for n in index.get(number, [])):
                continue
            typed = fmt.parse_number(number)
            context = _words(text[max(0, m.start() - 80):m.start()])
            # the nearest by what the sentence speaks of first ("thanh toán trực tuyến đạt 45 %" → the
            # online payment rate, not the investment disbursed), then by value
            near = min(((-len(context & _words(_value_label(name, data))), abs(v - typed), name, v)
                        for v, name in pool if narrative.unit_fits(name, unit, data)),
                       default=None, key=lambda c: c[:3])
            hint = f" (số gần nhất: {fmt.number(near[3], 3)}, chèn {{{{{near[2]}}}}})" if near else ""
            missing.append(f"“{number} {unit}”{hint}")
        if missing:
            listed = "; ".join(missing[:FIGURES_LISTED]) + ("…" if len(missing) > FIGURES_LISTED else "")
            out.append(Finding(
                "canh_bao",
                f"{section_place(s['key'], data, capital=True)}: lời văn ghi số không có trong số "
                f"liệu của kỳ: {listed}. Hãy kiểm tra lại; nếu là số liệu của kỳ, hãy chèn chỗ chèn số liệu để "
                "lời văn luôn khớp với bảng.",
                f"text:{s['key']}", "so-trong-loi-van", s["key"]))
    return out


def check_blank_blocks(data: ReportData) -> list[Finding]:
    """The police and military lines print "…" when their dossier tables are empty (a register
    imported without a Cơ quan column fills only the desk's)."""
    used = {name for s in outline()
            for name, _ in narrative.placeholders((data.narratives.get(s["key"]) or {}).get("text", ""))}
    if "bang.ho_so_nganh_doc" not in used:
        return []
    out = []
    for agency in ("cong_an", "quan_su"):
        eff = data.tables[agency].effective()
        missing = [dossiers.COLUMN_SHORT[c] for c in dossiers.COLUMNS if eff.get(c) is None]
        if not missing:
            continue
        name = data.agency_name(agency)
        what = ("bảng hồ sơ chưa có số liệu, nên các dòng" if len(missing) == len(dossiers.COLUMNS)
                else f"bảng hồ sơ còn trống cột {', '.join(missing[:3])}{'…' if len(missing) > 3 else ''}, nên một số dòng")
        out.append(Finding(
            "canh_bao",
            f"{name}: {what} của {name} trong mục II.2 in “…”. "
            f"Hãy nhập số hồ sơ vào bảng hồ sơ của {name} (mục II.2; không phát sinh thì nhập 0), hoặc nhập "
            "sổ theo dõi hồ sơ có cột Cơ quan (Công an, Quân sự) rồi tính số liệu kỳ từ sổ.",
            f"hs.{agency}", "khoi-chua-co-so", "II.2"))
    return out


# A typed blank "…" (or "..."), the default texts' place to fill in: "số …/KH-UBND ngày …/…/…",
# "Đoàn kiểm tra …", a bullet "- …". An ellipsis glued to a word ("Zalo, Facebook…", "v.v...") or
# after a list's comma or semicolon is prose (et cetera).
_TYPED_BLANK = re.compile(r"(?<![^\s/(\-–:])(?:…|\.{3,})(?:\s*/\s*(?:…|\.{3,}))*")
_ET_CETERA = re.compile(r"[,;]\s*$")  # "Zalo, Facebook, ...", "thông tin cư trú; ...)": a list goes on
_DOCUMENT_BLANK = re.compile(r"(?:\bsố|\bngày|/)\s*$|^\s*/", re.IGNORECASE)
BLANKS_QUOTED = 3  # typed blanks quoted in one section's finding before "…"




def check_typed_blanks(data: ReportData) -> list[Finding]:
    """A section whose text still prints "…" where the unit must fill in (the default texts' document
    numbers and dates, "Đoàn kiểm tra …", "- …"), or whose documents list {{ds.van_ban}} is empty:
    a superior sends such a report back, so each is an error (it blocks the package until filled in
    or explicitly accepted). One finding per section; the list is its own."""
    out = []
    for s, _title, paragraphs in _section_texts(data):
        quotes, documents = [], False
        list_blank = not data.documents and _lists_documents(data, s["key"])
        for para in paragraphs:
            # the placeholders' values masked: a blank value is the data's gap, said elsewhere
            masked = re.sub(r"\x01[^\x02]*\x02", lambda m: "#" * len(m.group(0)), para)
            plain = _plain(para)
            for m in _TYPED_BLANK.finditer(masked):
                if _ET_CETERA.search(masked[max(0, m.start() - 4):m.start()]):
                    continue
                at, end = len(_plain(para[:m.start()])), len(_plain(para[:m.end()]))
                documents = documents or bool(_DOCUMENT_BLANK.search(masked[max(0, m.start() - 6):m.start()])
                                              or masked[m.end():m.end() + 1] == "/")
                # the blank with the three words before it and what is glued after: “Kế hoạch số …/KH-UBND”
                before = re.search(r"(?:\S+\s+){0,3}$", plain[:at]).group(0)
                after = re.match(r"[^\s,;.)]*", plain[end:]).group(0)
                quotes.append((before + plain[at:end] + after).strip())
        place = section_place(s["key"], data)
        if quotes:
            shown = list(dict.fromkeys(quotes))
            listed = "; ".join(f"“{q}”" for q in shown[:BLANKS_QUOTED]) + ("…" if len(shown) > BLANKS_QUOTED else "")
            what = ("hãy điền số, ngày văn bản và nội dung còn để trống" if documents
                    else "hãy điền nội dung còn để trống")
            out.append(Finding(
                "loi",
                f"Lời văn {place} còn {len(quotes)} chỗ trống “…” chưa điền ({listed}): {what}, hoặc xóa câu "
                "không dùng đến. "
                "Báo cáo in nguyên dấu “…”, cấp trên sẽ trả lại.",
                f"text:{s['key']}", "cho-trong", s["key"]))
        if list_blank:
            out.append(Finding(
                "loi",
                f"Lời văn {place} có chỗ chèn danh sách văn bản đã ban hành ({{{{ds.van_ban}}}}) nhưng danh sách còn "
                "trống, nên báo cáo in “…”. Hãy nhập các văn bản ở khung “Văn bản đã ban hành” của thẻ I (số, ký "
                "hiệu, ngày, trích yếu), hoặc bỏ chỗ chèn khỏi lời văn.",
                f"text:{s['key']}", "danh-sach-van-ban-trong", s["key"]))
    return out


def _lists_documents(data: ReportData, key: str) -> bool:
    text = (data.narratives.get(key) or {}).get("text", "")
    return any(name == "ds.van_ban" for name, _ in narrative.placeholders(text))


# "tiếp nhận 650 hồ sơ (trong đó … kỳ trước chuyển qua 5 hồ sơ)": the 5 is not part of the 650
_RECEIVED = re.compile(r"tiếp\s+nhận\s+(?:mới\s+)?(?:là\s+)?\x01?(\d[\d.]*)\x02?\s+hồ\s+sơ", re.IGNORECASE)
_AMONG_CARRIED = re.compile(r"\btrong\s+đó\b.*?kỳ\s+trước\s+chuyển\s+(?:qua|sang)\s+\x01?(\d[\d.]*)", re.IGNORECASE)


def check_received_wording(data: ReportData) -> list[Finding]:
    """A text giving the dossiers received in the period and, “trong đó”, the ones carried over from the
    last period: the carried ones are not among the period's, so the text contradicts the table's
    “Tổng số hồ sơ tiếp nhận” (received + carried). A warning with the wording that agrees."""
    out = []
    for s, title, paragraphs in _section_texts(data):
        for para in paragraphs:
            for sentence in _FULL_SENTENCE.split(para):
                got = _RECEIVED.search(sentence)
                among = got and _AMONG_CARRIED.search(sentence, got.end())
                if not among:
                    continue
                new, carried = fmt.parse_number(got.group(1)), fmt.parse_number(among.group(1))
                for agency in dossiers.AGENCIES:
                    m = data.measures(agency)
                    if not carried or m.get("ky_truoc") != carried or m.get("tiep_nhan_trong_ky") != new:
                        continue
                    total = m["tiep_nhan"]
                    out.append(Finding(
                        "canh_bao",
                        f"{title}: lời văn ghi “{_quote(sentence, got.start(), 90)}”: {fmt.number(new)} là số hồ sơ "
                        f"tiếp nhận mới trong kỳ, chưa gồm {fmt.number(carried)} hồ sơ kỳ trước chuyển qua (bảng ghi "
                        f"tổng số hồ sơ tiếp nhận {fmt.number(total)}), nên không viết “trong đó”. Hãy viết như "
                        f"“tiếp nhận mới {fmt.number(new)} hồ sơ, cùng {fmt.number(carried)} hồ sơ kỳ trước chuyển qua: "
                        f"tổng số {fmt.number(total)} hồ sơ” (tổng: chèn {{{{hs.{agency}.tiep_nhan}}}}).",
                        f"text:{s['key']}", "tiep-nhan-ky-truoc", s["key"]))
                    break
    return out


FORMS_LISTED = 4  # forms named in the completeness warning before "…"


def own_inputs(data: ReportData) -> list:
    """The rows the unit itself types. An upper level (huyện, tỉnh) types only its own rows
    (`tong_hop = "khong"`): the rest is consolidated from the communes' packages."""
    rows = [r for r in data.catalogue.rows() if r.editable]
    if data.unit.get("kind") in UPPER_KINDS and not getattr(data, "communes", None):
        rows = [r for r in rows if aggregation(data.catalogue, r) == "khong"]
    return rows


def check_completeness(data: ReportData) -> list[Finding]:
    """One warning counting the input indicators still blank, per form; it points at the first."""
    empty = [r for r in own_inputs(data) if data.values.get(r.code) in (None, "")]
    if not empty:
        return []
    per_form: dict[str, int] = {}
    for r in empty:
        name = shorten(r.form_name or r.form, 24)
        per_form[name] = per_form.get(name, 0) + 1
    parts = [f"{name}: {n}" for name, n in per_form.items()]
    listed = ", ".join(parts[:FORMS_LISTED]) + ("…" if len(parts) > FORMS_LISTED else "")
    first = empty[0]
    return [Finding(
        "canh_bao",
        f"Chưa nhập {len(empty)} chỉ tiêu ({listed}). Hãy nhập số liệu còn thiếu (không phát sinh thì nhập 0); "
        f"chỉ tiêu trống đầu tiên: {first.place}.",
        first.code, "chua-nhap", first.section,
    )]


def check_chart_gaps(data: ReportData) -> list[Finding]:
    """A chart of the year's Word report (exporting/docx_report: a year period's report has them)
    that is left out for want of figures: say which and why, so the reader's missing chart is no surprise."""
    if data.period.get("kind") != "NAM":
        return []
    return [Finding("canh_bao",
                    f"Biểu đồ “{title}” sẽ không có trong báo cáo Word: {why}. Nếu cần biểu đồ, hãy nhập "
                    "số hồ sơ theo lĩnh vực ở phần Hồ sơ một cửa (thẻ “2. Thủ tục hành chính”).",
                    "hs.ubnd", "bieu-do-bi-bo", "II.2")
            for title, why in chart_data.report_gaps(data)]


def check_signer(data: ReportData) -> list[Finding]:
    """No signer's name: the signature block prints “CHỦ TỊCH” over nothing (a warning: a name may be
    written in by hand, but a report sent up is signed by a named person)."""
    if (data.unit.get("signer_name") or "").strip():
        return []
    return [Finding("canh_bao",
                    "Chưa ghi họ tên người ký: phần ký của báo cáo in chức vụ mà không có tên người ký. Hãy ghi "
                    "họ và tên người ký ở thẻ “Thông tin chung” (mục Người ký).",
                    "unit.signer_name", "nguoi-ky-trong", "info")]


PAR_TAB = "Chỉ số CCHC (tự đánh giá)"  # the tab of ui/par/par_tab.py


def check_par(data: ReportData) -> list[Finding]:
    """The year's PAR Index self-assessment (report/par.py): every criterion unscored or scored without
    evidence is a warning, never an error (the hand-off package is not held back by it)."""
    if data.par is None:
        return []
    return [Finding("canh_bao",
                    f"Chỉ số CCHC năm {data.par.year}, {message[0].lower()}{message[1:-1]}. Hãy "
                    + ("tự chấm điểm" if line.score is None else "đính kèm tài liệu kiểm chứng")
                    + f" ở thẻ “{PAR_TAB}”.",
                    f"par:{line.criterion.code}", "chi-so-cchc", "par")
            for line, message in data.par.gaps()]


def validate(data: ReportData) -> list[Finding]:
    findings: list[Finding] = []
    for rule in derived_rules(data) + list(data.catalogue.rules):
        f = check_rule(rule, data)
        if f:
            findings.append(f)
    findings += check_percent_ranges(data)
    findings += check_dossiers(data)
    findings += check_dossier_blanks(data)
    findings += check_text(data)
    findings += check_old_years(data)
    findings += check_text_statements(data)
    findings += check_blank_blocks(data)
    findings += check_typed_blanks(data)
    findings += check_received_wording(data)
    findings += check_typed_figures(data)
    findings += check_corrections(data)
    findings += check_chart_gaps(data)
    findings += check_signer(data)
    findings += [Finding(*f) for f in frame_rules.check(data)]  # words of levels and units the frame no longer has
    findings += check_completeness(data)
    findings += check_par(data)
    findings.sort(key=lambda f: (f.severity != "loi",))
    return findings


def blocking(findings: list[Finding], accepted: list[dict]) -> list[Finding]:
    """The errors that refuse the package: every error the unit has not explicitly accepted
    (store.accepted_errors: by rule and target)."""
    taken = {(a["rule"], a["target"]) for a in accepted}
    return [f for f in findings if f.severity == "loi" and (f.rule, f.target) not in taken]


def has_errors(findings: list[Finding]) -> bool:
    return any(f.severity == "loi" for f in findings)
