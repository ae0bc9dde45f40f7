"""The SQL of the PAR Index self-assessment (issue 21; domain/par_criteria.py holds the rules).

Tables (m011_par_index): par_sets, par_use, par_scores, par_evidence. Evidence files are copied into
a folder beside the data file (`<tên tệp>-kiem-chung/`), named by the start of their SHA-256 so a file
attached twice is stored once; every write is audited (target "par:<năm>:<mã>").
"""
from __future__ import annotations

import hashlib
import shutil
from decimal import Decimal
from pathlib import Path

from cchc_desktop.domain import par_criteria as pc
from cchc_desktop.errors import UserError
from cchc_desktop.safe_text import clean, clean_line
from cchc_desktop.store.database import now_iso

MAX_EVIDENCE_BYTES = 50 * 1024 * 1024


def _now() -> str:
    return now_iso()


def _writable(store) -> None:
    if store.read_only:
        raise UserError(f"Tệp dữ liệu đang mở chỉ để đọc ({store.read_only}): không ghi được.")


def evidence_dir(store) -> Path:
    return store.path.parent / f"{store.path.stem}-kiem-chung"


def load_set(store, cs: pc.CriteriaSet, unit_code: str, source: str = "") -> None:
    """Keep the set's text and make it the unit's set for its year (audited)."""
    _writable(store)
    text = pc.to_toml(cs)
    pc.parse_text(text, cs.version)  # what is stored reads back
    with store.db.atomic():
        old = store.db.execute("SELECT text FROM par_sets WHERE version = ?", [cs.version]).fetchone()
        if old is None:
            store.db.execute("INSERT INTO par_sets (version, province, year, name, text, source, loaded_at) "
                             "VALUES (?, ?, ?, ?, ?, ?, ?)",
                             [cs.version, cs.province, cs.year, cs.name, text, clean_line(source), _now()])
        elif old[0] != text:
            raise UserError(f"Tệp dữ liệu đã có bộ tiêu chí phiên bản {cs.version} với nội dung khác. "
                            "Bộ tiêu chí sửa đổi phải có phiên bản mới (phien_ban).")
        prev = store.db.execute("SELECT set_version FROM par_use WHERE unit_code = ? AND year = ?",
                                [unit_code, cs.year]).fetchone()
        store.db.execute("INSERT OR REPLACE INTO par_use (unit_code, year, set_version) VALUES (?, ?, ?)",
                         [unit_code, cs.year, cs.version])
        store._audit(f"par:{cs.year}:bo-tieu-chi", prev[0] if prev else None, cs.version, unit_code=unit_code)


def used_version(store, unit_code: str, year: int) -> str | None:
    row = store.db.execute("SELECT set_version FROM par_use WHERE unit_code = ? AND year = ?",
                           [unit_code, year]).fetchone()
    return row[0] if row else None


def has_set(store, unit_code: str, year: int) -> bool:
    return store.db.execute("SELECT 1 FROM par_use WHERE unit_code = ? AND year = ?",
                            [unit_code, year]).fetchone() is not None


def criteria_set(store, unit_code: str, year: int) -> pc.CriteriaSet:
    row = store.db.execute("SELECT s.text, s.version FROM par_use u JOIN par_sets s ON s.version = u.set_version "
                           "WHERE u.unit_code = ? AND u.year = ?", [unit_code, year]).fetchone()
    if row is None:
        raise UserError(f"Chưa nạp bộ tiêu chí Chỉ số CCHC năm {year} cho đơn vị này. "
                        "Nạp bộ tiêu chí của tỉnh trước (lệnh par load hoặc nút Nạp bộ tiêu chí).")
    return pc.parse_text(row[0], row[1])


def shown_set(store, unit_code: str, year: int) -> pc.CriteriaSet:
    """The set a unit's self-assessment is shown against: the one it uses, else (a commune whose package
    brought a set the upper level does not hold) the commune's own copy from its package."""
    if not has_set(store, unit_code, year):
        sub = submission(store, unit_code, year)
        if sub is not None and sub["set_text"]:
            return pc.parse_text(sub["set_text"], sub["set_version"])
    return criteria_set(store, unit_code, year)


def scores(store, unit_code: str, year: int) -> dict[str, dict]:
    out = {}
    for r in store.db.query("SELECT * FROM par_scores WHERE unit_code = ? AND year = ?", [unit_code, year]):
        d = dict(r)
        for k in ("score", "appraised"):
            d[k] = None if d[k] is None else Decimal(d[k])
        d["evidence"] = []
        out[d["code"]] = d
    for r in store.db.query("SELECT * FROM par_evidence WHERE unit_code = ? AND year = ? ORDER BY id",
                            [unit_code, year]):
        out.setdefault(r["code"], {"code": r["code"], "score": None, "note": "", "appraised": None,
                                   "evidence": []})["evidence"].append(dict(r))
    return out


def set_score(store, unit_code: str, year: int, code: str, score, note: str | None = None,
              appraised: bool = False) -> Decimal | None:
    """Check `score` against the criterion's max and rule, then store it (None clears); audited.
    `appraised`: the upper level's appraised score, with its own note (appraised_note)."""
    _writable(store)
    if not appraised:
        _own_assessment(store, unit_code)
    cs = criteria_set(store, unit_code, year)
    value = None if score in (None, "") else cs.check_score(code, score)
    col, note_col = ("appraised", "appraised_note") if appraised else ("score", "note")
    with store.db.atomic():
        old = store.db.execute(f"SELECT {col}, {note_col} FROM par_scores WHERE unit_code = ? AND year = ? "
                               "AND code = ?", [unit_code, year, code]).fetchone()
        new_note = (old[1] if old else "") if note is None else clean(note)
        text = None if value is None else str(value)
        if old is None:
            store.db.execute(f"INSERT INTO par_scores (unit_code, year, code, {col}, {note_col}, updated_at) "
                             "VALUES (?, ?, ?, ?, ?, ?)", [unit_code, year, code, text, new_note, _now()])
        elif (old[0], old[1]) == (text, new_note):
            return value
        else:
            store.db.execute(f"UPDATE par_scores SET {col} = ?, {note_col} = ?, updated_at = ? "
                             "WHERE unit_code = ? AND year = ? AND code = ?",
                             [text, new_note, _now(), unit_code, year, code])
        what = ":tham-dinh" if appraised else ""
        store._audit(f"par:{year}:{code}{what}", old[0] if old else None, text, unit_code=unit_code)
        if note is not None and (old[1] if old else "") != new_note:
            store._audit(f"par:{year}:{code}{what}:ghi-chu", old[1] if old else "", new_note, unit_code=unit_code)
    return value


def appraise(store, unit_code: str, year: int, code: str, score, note: str | None = None) -> Decimal | None:
    """The upper level's appraised score of a commune's criterion (thẩm định), checked against the
    upper level's own copy of the year's set; only for a commune under an upper unit of this file."""
    unit = store.unit(unit_code)
    if not unit.get("parent_code"):
        raise UserError("Thẩm định điểm chỉ làm được trong tệp dữ liệu của cấp tỉnh, cho một xã đã nộp gói; "
                        f"{unit.get('name', unit_code)} là đơn vị chính của tệp này.")
    sub = submission(store, unit_code, year)
    if sub is None:
        raise UserError(f"{unit.get('name', unit_code)} chưa nộp bản tự đánh giá Chỉ số CCHC năm {year} "
                        "(gói nộp của kỳ Năm): chưa có gì để thẩm định.")
    if not has_set(store, unit_code, year):
        raise UserError(f"Chưa thẩm định được: bản tự đánh giá của {unit.get('name', unit_code)} không khớp với bộ "
                        f"tiêu chí của tỉnh ({sub['flag'] or 'chưa đối chiếu'}). Nạp đúng bộ tiêu chí năm {year} "
                        "của tỉnh (par load) rồi nhập lại gói của xã.")
    return set_score(store, unit_code, year, code, score, note=note, appraised=True)


def _own_assessment(store, unit_code: str) -> None:
    """A commune's self-assessment is written in its own file; at the upper level it is what its package said."""
    unit = store.unit(unit_code)
    if unit.get("parent_code"):
        raise UserError(f"Điểm tự chấm và tài liệu kiểm chứng của {unit['name']} là của xã gửi lên trong gói nộp: "
                        "cấp tỉnh không sửa được. Cấp tỉnh ghi điểm thẩm định (cột Thẩm định, lệnh par appraise).")


def _leaf(store, unit_code, year, code) -> pc.Criterion:
    _own_assessment(store, unit_code)
    c = criteria_set(store, unit_code, year).get(code)
    if not c.is_leaf:
        raise UserError(f"Tiêu chí {code} có các tiêu chí con: gắn tài liệu kiểm chứng cho từng tiêu chí con.")
    return c


def _digest_file(src: Path) -> str:
    h = hashlib.sha256()
    try:
        with open(src, "rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                h.update(block)
    except OSError:
        raise UserError(f"Không đọc được tệp kiểm chứng {src.name}.") from None
    return h.hexdigest()


def stored_name(digest: str, suffix: str) -> str:
    """The name of an evidence file in the evidence folder: the start of its SHA-256, its suffix."""
    return f"{digest[:16]}{suffix.lower()}"


def _keep(store, dest: Path, write) -> None:
    folder = dest.parent
    try:
        folder.mkdir(exist_ok=True)
        if not dest.exists():
            tmp = dest.with_suffix(dest.suffix + ".tmp")
            write(tmp)
            tmp.replace(dest)
    except OSError:
        raise UserError(f"Không chép được tệp kiểm chứng vào thư mục {folder.name}: kiểm tra chỗ trống "
                        "trên ổ đĩa và quyền ghi.") from None


def keep_bytes(store, data: bytes, suffix: str) -> str:
    """An evidence file received in a package, kept in the evidence folder; its stored name."""
    name = stored_name(hashlib.sha256(data).hexdigest(), suffix)
    _keep(store, evidence_dir(store) / name, lambda tmp: tmp.write_bytes(data))
    return name


def read_evidence(store, row: dict) -> bytes:
    """The bytes of a file evidence row, checked against its SHA-256; UserError if lost or changed."""
    path = evidence_dir(store) / row["stored_name"]
    try:
        data = path.read_bytes()
    except OSError:
        raise UserError(f"Tệp kiểm chứng {row['file_name']} (tiêu chí {row['code']}) không còn trong thư mục "
                        f"{evidence_dir(store).name}: hãy gắn lại tệp rồi làm lại.") from None
    if hashlib.sha256(data).hexdigest() != row["sha256"]:
        raise UserError(f"Tệp kiểm chứng {row['file_name']} (tiêu chí {row['code']}) đã bị sửa hoặc hỏng "
                        f"trong thư mục {evidence_dir(store).name}: hãy gỡ ra, gắn lại tệp gốc rồi làm lại.")
    return data


def attach_file(store, unit_code: str, year: int, code: str, path: str | Path) -> int:
    """Copy the file beside the data file (SHA-256 checksummed) and record it as evidence."""
    _writable(store)
    _leaf(store, unit_code, year, code)
    src = Path(path)
    if not src.is_file():
        raise UserError(f"Không thấy tệp kiểm chứng {src.name}: kiểm tra đường dẫn.")
    if src.stat().st_size > MAX_EVIDENCE_BYTES:
        raise UserError(f"Tệp kiểm chứng {src.name} lớn hơn 50 MB: hãy nén hoặc chia nhỏ rồi gắn lại.")
    digest = _digest_file(src)
    stored = stored_name(digest, src.suffix)
    _keep(store, evidence_dir(store) / stored, lambda tmp: shutil.copyfile(src, tmp))
    with store.db.atomic():
        eid = store.db.execute(
            "INSERT INTO par_evidence (unit_code, year, code, file_name, stored_name, sha256, added_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            [unit_code, year, code, clean_line(src.name), stored, digest, _now()]).lastrowid
        store._audit(f"par:{year}:{code}:kiem-chung", None, f"{src.name} (SHA-256 {digest[:12]}…)",
                     unit_code=unit_code)
    return eid


def attach_document(store, unit_code: str, year: int, code: str, document_id: int) -> int:
    """Record an issued document of one of the unit's periods as evidence."""
    _writable(store)
    _leaf(store, unit_code, year, code)
    row = store.db.execute("SELECT d.number, d.symbol FROM documents d JOIN periods p ON p.id = d.period_id "
                           "WHERE d.id = ? AND p.unit_code = ?", [document_id, unit_code]).fetchone()
    if row is None:
        raise UserError(f"Không có văn bản số {document_id} của đơn vị trong tệp dữ liệu.")
    with store.db.atomic():
        eid = store.db.execute(
            "INSERT INTO par_evidence (unit_code, year, code, document_id, added_at) VALUES (?, ?, ?, ?, ?)",
            [unit_code, year, code, document_id, _now()]).lastrowid
        store._audit(f"par:{year}:{code}:kiem-chung", None, f"văn bản {row[0]}/{row[1]}", unit_code=unit_code)
    return eid


def remove_evidence(store, evidence_id: int) -> None:
    _writable(store)
    with store.db.atomic():
        row = store.db.execute("SELECT * FROM par_evidence WHERE id = ?", [evidence_id]).fetchone()
        if row is None:
            raise UserError("Tài liệu kiểm chứng này không còn trong tệp dữ liệu.")
        r = dict(zip([d[0] for d in store.db.execute("SELECT * FROM par_evidence LIMIT 0").description], row))
        store.db.execute("DELETE FROM par_evidence WHERE id = ?", [evidence_id])
        store._audit(f"par:{r['year']}:{r['code']}:kiem-chung", r["file_name"] or f"văn bản {r['document_id']}",
                     None, unit_code=r["unit_code"])


# --- the upper level: communes' self-assessments received in their packages --------------------
def submission(store, unit_code: str, year: int) -> dict | None:
    row = store.db.execute("SELECT * FROM par_submissions WHERE unit_code = ? AND year = ?",
                           [unit_code, year]).fetchone()
    if row is None:
        return None
    cols = [d[0] for d in store.db.execute("SELECT * FROM par_submissions LIMIT 0").description]
    return dict(zip(cols, row))


def submissions(store, year: int) -> list[dict]:
    return [dict(r) for r in store.db.query("SELECT * FROM par_submissions WHERE year = ? ORDER BY unit_code",
                                            [year])]


def set_text(store, version: str) -> str | None:
    row = store.db.execute("SELECT text FROM par_sets WHERE version = ?", [version]).fetchone()
    return row[0] if row else None


def save_submission(store, unit_code: str, year: int, *, set_version: str, set_name: str, text: str,
                    flag: str, period_code: str, use_version: str | None, scores: list[tuple],
                    evidence: list[dict]) -> None:
    """A commune's self-assessment as its package brought it, in the caller's transaction: the
    submission row, the set it is appraised against (`use_version`, the upper level's own; None when
    the commune's set did not match), its self-scores and notes (appraised scores kept), its evidence
    (replaced). `scores`: (code, score text or None, note); `evidence`: par_evidence columns."""
    _writable(store)
    with store.db.atomic():
        old = submission(store, unit_code, year)
        store.db.execute("INSERT OR REPLACE INTO par_submissions (unit_code, year, set_version, set_name, set_text, "
                         "flag, period_code, imported_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                         [unit_code, year, set_version, clean_line(set_name), text, clean_line(flag), period_code,
                          _now()])
        if use_version is None:
            store.db.execute("DELETE FROM par_use WHERE unit_code = ? AND year = ?", [unit_code, year])
        else:
            store.db.execute("INSERT OR REPLACE INTO par_use (unit_code, year, set_version) VALUES (?, ?, ?)",
                             [unit_code, year, use_version])
        store.db.execute("UPDATE par_scores SET score = NULL, note = '' WHERE unit_code = ? AND year = ?",
                         [unit_code, year])
        for code, score, note in scores:
            store.db.execute("INSERT INTO par_scores (unit_code, year, code, score, note, updated_at) "
                             "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (unit_code, year, code) DO UPDATE SET "
                             "score = excluded.score, note = excluded.note, updated_at = excluded.updated_at",
                             [unit_code, year, code, score, clean(note or ""), _now()])
        store.db.execute("DELETE FROM par_scores WHERE unit_code = ? AND year = ? AND score IS NULL "
                         "AND appraised IS NULL AND note = '' AND appraised_note = ''", [unit_code, year])
        store.db.execute("DELETE FROM par_evidence WHERE unit_code = ? AND year = ?", [unit_code, year])
        for e in evidence:
            store.db.execute(
                "INSERT INTO par_evidence (unit_code, year, code, file_name, stored_name, sha256, document_text, "
                "added_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [unit_code, year, e["code"], clean_line(e.get("file_name", "")), e.get("stored_name", ""),
                 e.get("sha256", ""), clean_line(e.get("document_text", "")), _now()])
        store._audit(f"par:{year}:nop", None if old is None else f"{old['set_version']} {old['flag']}".strip(),
                     f"{set_version} {flag}".strip(), unit_code=unit_code)


def set_flag(store, unit_code: str, year: int, flag: str, use_version: str | None) -> None:
    """A submission judged again (the upper level loaded its set after the package came)."""
    _writable(store)
    with store.db.atomic():
        store.db.execute("UPDATE par_submissions SET flag = ? WHERE unit_code = ? AND year = ?",
                         [clean_line(flag), unit_code, year])
        if use_version is None:
            store.db.execute("DELETE FROM par_use WHERE unit_code = ? AND year = ?", [unit_code, year])
        else:
            store.db.execute("INSERT OR REPLACE INTO par_use (unit_code, year, set_version) VALUES (?, ?, ?)",
                             [unit_code, year, use_version])
        store._audit(f"par:{year}:doi-chieu", None, flag or "khớp", unit_code=unit_code)
