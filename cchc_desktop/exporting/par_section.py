"""The PAR Index self-assessment inside the hand-off package (issue 21; docs/goi-nop.md).

An annual period's package of a unit with a criteria set for that year carries:
- `chi-so-cchc.json`  the year's set (version, name, document, total, its TOML text), each criterion's
                      self-score, note and evidence index (a document by its number and date, a file by
                      its name, size and SHA-256, and the member holding it);
- `kiem-chung/<sha256><ext>`  each evidence file itself.
They are members like any other: listed with their hash in the manifest (so covered by its signature)
and in SHA256SUMS. Evidence above MAX_EVIDENCE_TOTAL refuses the package at export, in Vietnamese.
"""
from __future__ import annotations

import json
import re

from cchc_desktop.domain import par_criteria as pc
from cchc_desktop.domain import periods
from cchc_desktop.errors import UserError
from cchc_desktop.store import par as par_store

SECTION = "chi-so-cchc.json"
EVIDENCE_PREFIX = "kiem-chung/"
FORMAT = "cchc-desktop/par"
FORMAT_VERSION = 1
MiB = 1024 * 1024
MAX_EVIDENCE_TOTAL = 100 * MiB     # all evidence files of one package
MAX_SECTION_BYTES = 8 * MiB
EVIDENCE_NAME = re.compile(r"^kiem-chung/([0-9a-f]{64})(\.[a-z0-9]{1,10})?$")


def is_member(name: str) -> bool:
    return name == SECTION or EVIDENCE_NAME.match(name) is not None


def member_cap(name: str) -> int:
    return MAX_SECTION_BYTES if name == SECTION else par_store.MAX_EVIDENCE_BYTES


def _suffix(file_name: str) -> str:
    m = re.search(r"\.([A-Za-z0-9]{1,10})$", file_name or "")
    return f".{m.group(1).lower()}" if m else ""


def members(store, unit_code: str, period_code: str) -> dict[str, bytes]:
    """The section and its evidence files for an annual period of a unit with a set for its year; {} else."""
    key = periods.parse_code(period_code)
    if key.kind != "NAM" or not par_store.has_set(store, unit_code, key.year):
        return {}
    cs = par_store.criteria_set(store, unit_code, key.year)
    got = par_store.scores(store, unit_code, key.year)
    docs = {d["id"]: d for p in store.periods(unit_code) for d in store.documents(p["id"])}
    files: dict[str, bytes] = {}
    items = []
    for c in cs.leaves():
        g = got.get(c.code)
        if g is None:
            continue
        evidence = []
        for e in g["evidence"]:
            if e.get("document_id"):
                d = docs.get(e["document_id"])
                if d is None:
                    continue  # the document was removed from its period since
                evidence.append({"loai": "van_ban", "so_ky_hieu": f"{d['number']}/{d['symbol']}".strip("/"),
                                 "ngay": d.get("date") or "", "trich_yeu": d.get("summary") or ""})
                continue
            data = par_store.read_evidence(store, e)
            name = f"{EVIDENCE_PREFIX}{e['sha256']}{_suffix(e['file_name'])}"
            files[name] = data
            evidence.append({"loai": "tep", "ten_tep": e["file_name"], "sha256": e["sha256"],
                             "kich_thuoc": len(data), "thanh_phan": name})
        items.append({"ma": c.code, "diem": None if g["score"] is None else str(g["score"]),
                      "giai_trinh": g.get("note") or "", "kiem_chung": evidence})
    total = sum(len(b) for b in files.values())
    if total > MAX_EVIDENCE_TOTAL:
        raise UserError(f"Chưa lập được gói nộp: các tệp kiểm chứng Chỉ số CCHC năm {key.year} tổng cộng "
                        f"{total / MiB:.0f} MB, quá giới hạn {MAX_EVIDENCE_TOTAL // MiB} MB của một gói. Hãy nén "
                        "hoặc thay các tệp lớn (ví dụ bản quét PDF chất lượng thấp hơn), hoặc gỡ tệp trùng, "
                        "rồi lập lại gói.")
    section = {
        "format": FORMAT, "format_version": FORMAT_VERSION, "don_vi": unit_code, "nam": key.year,
        "bo_tieu_chi": {"phien_ban": cs.version, "ten": cs.name, "tinh": cs.province, "van_ban": cs.document,
                        "tong_diem": pc.fmt_points(cs.total), "noi_dung": pc.to_toml(cs)},
        "tieu_chi": items,
    }
    return {SECTION: (json.dumps(section, ensure_ascii=False, indent=1) + "\n").encode("utf-8"), **files}
