"""A package's PAR Index self-assessment at the upper level (issue 21; exporting/par_section.py writes it).

`check(content, doc)` type-checks the section and its evidence members before anything is written
(a hostile one raises PackageError, one Vietnamese line); `store_section` keeps it for the commune and
year, judged against the upper level's own copy of the year's set (`judge`): a commune that scored
against another set or version, or whose scores do not fit the upper level's set, is stored but
flagged, and the import result says so. `recheck` judges the year's submissions again after the
upper level loads its set.
"""
from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field

from cchc_desktop.domain import par_criteria as pc
from cchc_desktop.domain import periods
from cchc_desktop.errors import UserError
from cchc_desktop.exporting import par_section as ps
from cchc_desktop.store import par as par_store

MAX_TEXT = 20_000
_SHA = re.compile(r"^[0-9a-f]{64}$")


class SectionError(UserError):
    pass


def _refuse(what: str):
    raise SectionError(f"phần Chỉ số CCHC của gói {what}: gói không hợp lệ")


@dataclass
class Section:
    year: int
    set_version: str
    set_name: str
    set_text: str
    items: list[dict]                                     # {"ma", "diem" (Decimal | None), "giai_trinh", "kiem_chung"}
    files: dict[str, bytes] = field(default_factory=dict)  # member name → bytes

    @property
    def scored(self) -> int:
        return sum(1 for it in self.items if it["diem"] is not None)


def _text(v, what: str, limit: int = MAX_TEXT) -> str:
    if not isinstance(v, str) or len(v) > limit:
        _refuse(f"ghi {what} sai dạng")
    return v


def check(content: dict[str, bytes], doc: dict) -> Section | None:
    """The section of a package whose other members passed their checks; None if it has none."""
    evidence_members = {n for n in content if ps.EVIDENCE_NAME.match(n)}
    if ps.SECTION not in content:
        if evidence_members:
            _refuse("thiếu bản tự đánh giá nhưng có tệp kiểm chứng")
        return None
    try:
        obj = json.loads(content[ps.SECTION].decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        _refuse("hỏng (không đọc được)")
    if not isinstance(obj, dict) or obj.get("format") != ps.FORMAT:
        _refuse("không đúng định dạng")
    version = obj.get("format_version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        _refuse("không ghi phiên bản định dạng")
    if version > ps.FORMAT_VERSION:
        raise SectionError("phần Chỉ số CCHC của gói do phiên bản CCHC Desktop mới hơn lập; hãy cập nhật "
                           "phần mềm lên bản mới nhất rồi nhập lại")
    key = periods.parse_code(doc["period"]["code"])
    if obj.get("don_vi") != doc["unit"]["code"] or obj.get("nam") != key.year or key.kind != "NAM":
        _refuse("ghi đơn vị hoặc năm khác với kỳ báo cáo của gói")
    meta = obj.get("bo_tieu_chi")
    if not isinstance(meta, dict):
        _refuse("không ghi bộ tiêu chí")
    set_version = _text(meta.get("phien_ban"), "phiên bản bộ tiêu chí", 200)
    set_name = _text(meta.get("ten"), "tên bộ tiêu chí", 1000)
    set_text = _text(meta.get("noi_dung"), "nội dung bộ tiêu chí", pc.MAX_FILE_BYTES)
    try:
        cs = pc.parse_text(set_text, "bộ tiêu chí trong gói")
    except UserError:
        _refuse("có bộ tiêu chí không đọc được")
    if cs.version != set_version or cs.year != key.year:
        _refuse("ghi phiên bản hoặc năm bộ tiêu chí khác với nội dung")
    items = obj.get("tieu_chi")
    if not isinstance(items, list) or len(items) > len(cs.by_code):
        _refuse("ghi danh sách tiêu chí sai dạng")
    out, seen, used = [], set(), set()
    for it in items:
        if not isinstance(it, dict) or not isinstance(it.get("ma"), str) or it["ma"] in seen:
            _refuse("ghi một tiêu chí sai dạng hoặc trùng mã")
        code = it["ma"]
        seen.add(code)
        c = cs.by_code.get(code)
        if c is None or not c.is_leaf:
            _refuse(f"chấm tiêu chí {code[:20]} không có trong bộ tiêu chí của chính xã")
        score = it.get("diem")
        if score is not None:
            if not isinstance(score, str):
                _refuse(f"ghi điểm tiêu chí {code} sai dạng")
            try:
                score = pc.points(score, "điểm")
            except UserError:
                _refuse(f"ghi điểm tiêu chí {code} không phải số điểm")
            if score < 0:
                _refuse(f"ghi điểm âm cho tiêu chí {code}")
        note = _text(it.get("giai_trinh", ""), f"giải trình tiêu chí {code}")
        ev = it.get("kiem_chung")
        if not isinstance(ev, list) or len(ev) > 1000:
            _refuse(f"ghi kiểm chứng tiêu chí {code} sai dạng")
        evidence = [_evidence(e, code, content, used) for e in ev]
        out.append({"ma": code, "diem": score, "giai_trinh": note, "kiem_chung": evidence})
    if used != evidence_members:
        _refuse("có tệp kiểm chứng không thuộc tiêu chí nào")
    return Section(key.year, set_version, set_name, set_text, out, {n: content[n] for n in used})


def _evidence(e, code: str, content: dict[str, bytes], used: set) -> dict:
    if not isinstance(e, dict) or e.get("loai") not in ("van_ban", "tep"):
        _refuse(f"ghi kiểm chứng tiêu chí {code} sai dạng")
    if e["loai"] == "van_ban":
        number = _text(e.get("so_ky_hieu", ""), "số văn bản kiểm chứng", 200)
        date = _text(e.get("ngay", ""), "ngày văn bản kiểm chứng", 20)
        summary = _text(e.get("trich_yeu", ""), "trích yếu văn bản kiểm chứng", 2000)
        return {"document_text": f"Văn bản số {number}" + (f" ngày {date}" if date else "")
                                 + (f": {summary}" if summary else "")}
    name = _text(e.get("ten_tep"), "tên tệp kiểm chứng", 255)
    digest = e.get("sha256")
    member = e.get("thanh_phan")
    size = e.get("kich_thuoc")
    if not isinstance(digest, str) or not _SHA.match(digest) or not isinstance(member, str) \
            or not isinstance(size, int) or isinstance(size, bool):
        _refuse(f"ghi tệp kiểm chứng tiêu chí {code} sai dạng")
    m = ps.EVIDENCE_NAME.match(member)
    if m is None or m.group(1) != digest or member not in content:
        _refuse(f"thiếu tệp kiểm chứng {name[:60]} của tiêu chí {code}")
    data = content[member]
    if len(data) != size or hashlib.sha256(data).hexdigest() != digest:
        _refuse(f"có tệp kiểm chứng {name[:60]} không khớp mã kiểm tra")
    used.add(member)
    return {"file_name": name, "sha256": digest, "member": member}


def judge(own: pc.CriteriaSet | None, own_text: str | None, year: int, set_version: str, set_text: str,
          scores) -> tuple[str | None, str]:
    """(the set version to appraise against or None, the flag: what does not fit, '' when all fits),
    for a commune's set and its `scores` [(code, Decimal | None)] against the upper level's `own` set."""
    if own is None:
        return None, f"tỉnh chưa nạp bộ tiêu chí năm {year}, chưa đối chiếu được bộ {set_version} của xã"
    if own.version != set_version:
        return None, f"xã chấm theo bộ tiêu chí {set_version}, khác bộ {own.version} của tỉnh"
    if pc.to_toml(pc.parse_text(set_text, set_version)) != own_text:
        return None, f"bộ tiêu chí {set_version} của xã khác nội dung với bản của tỉnh"
    wrong = []
    for code, score in scores:
        if score is None:
            continue
        try:
            own.check_score(code, score)
        except UserError as e:
            wrong.append(str(e))
    if wrong:
        return own.version, (f"{len(wrong)} điểm tự chấm không đúng bộ tiêu chí của tỉnh: " + " ".join(wrong[:3])
                             + (" …" if len(wrong) > 3 else ""))
    return own.version, ""


def _own(store, upper_code: str, year: int) -> tuple[pc.CriteriaSet | None, str | None]:
    try:
        cs = par_store.criteria_set(store, upper_code, year)
    except UserError:
        return None, None
    return cs, par_store.set_text(store, cs.version)


def store_section(store, unit_code: str, period_code: str, upper_code: str, section: Section) -> str:
    """Keep the section (in the caller's transaction; evidence files copied into the upper level's
    evidence folder first) and return what the import result says of it."""
    own, own_text = _own(store, upper_code, section.year)
    use, flag = judge(own, own_text, section.year, section.set_version, section.set_text,
                      [(it["ma"], it["diem"]) for it in section.items])
    evidence = []
    for it in section.items:
        for e in it["kiem_chung"]:
            row = {"code": it["ma"], **e}
            if "member" in e:
                row["stored_name"] = par_store.keep_bytes(store, section.files[e["member"]],
                                                          e["member"][len(ps.EVIDENCE_PREFIX) + 64:])
            evidence.append(row)
    par_store.save_submission(
        store, unit_code, section.year, set_version=section.set_version, set_name=section.set_name,
        text=section.set_text, flag=flag, period_code=period_code, use_version=use,
        scores=[(it["ma"], None if it["diem"] is None else str(it["diem"]), it["giai_trinh"])
                for it in section.items], evidence=evidence)
    said = (f"Chỉ số CCHC năm {section.year}: {section.scored} tiêu chí tự chấm, "
            f"{len(section.files)} tệp kiểm chứng")
    return said + (f"; cần xem lại: {flag}" if flag else "")


def recheck(store, upper_code: str, year: int) -> list[str]:
    """Judge again every commune's submission of `year` against the upper level's set (after `par load`);
    one line per commune whose judgement changed."""
    own, own_text = _own(store, upper_code, year)
    out = []
    for sub in par_store.submissions(store, year):
        unit = store.find_unit(sub["unit_code"])
        if unit is None or unit.get("parent_code") != upper_code:
            continue
        got = par_store.scores(store, sub["unit_code"], year)
        use, flag = judge(own, own_text, year, sub["set_version"], sub["set_text"],
                          [(code, g["score"]) for code, g in got.items()])
        if (flag, use) != (sub["flag"], par_store.used_version(store, sub["unit_code"], year)):
            par_store.set_flag(store, sub["unit_code"], year, flag, use)
            out.append(f"{unit['name']}: " + (flag or "bản tự đánh giá khớp bộ tiêu chí của tỉnh"))
    return out
