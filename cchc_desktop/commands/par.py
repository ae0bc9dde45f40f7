"""`cchc-desktop par show|set|load|export`: the PAR Index self-assessment (issue 21).

    par show   --db PATH --year YYYY [--unit MÃ] [--json]
    par set    --db PATH --year YYYY [--unit MÃ] CODE SCORE [--note TEXT] [--evidence FILE]
    par load   --db PATH [--unit MÃ] FILE            (.toml, or .xlsx with --tinh, --nam, --van-ban)
    par export --db PATH --year YYYY [--unit MÃ] (--docx OUT | --xlsx OUT | --evidence-dir DIR)
    par appraise --db PROVINCE --year YYYY --unit MÃ CODE SCORE [--note TEXT]   (the province's appraisal)
    par rank   --db PROVINCE --year YYYY [--json] [--xlsx OUT]                   (communes by appraised score)
"""
from __future__ import annotations

import json
import shutil
from pathlib import Path

from cchc_desktop.cli import add_db, open_db
from cchc_desktop.domain import par_criteria as pc
from cchc_desktop.errors import UserError
from cchc_desktop.importing import par_package
from cchc_desktop.report import par as par_report, values
from cchc_desktop.store import par as par_store


def register(sub) -> None:
    top = sub.add_parser("par", help="Chỉ số CCHC: tự đánh giá, chấm điểm theo bộ tiêu chí của tỉnh")
    psub = top.add_subparsers(dest="par_cmd", metavar="LỆNH", required=True)

    def common(p, year=True):
        add_db(p)
        p.add_argument("--unit", metavar="MÃ", help="mã đơn vị (mặc định: đơn vị chính của tệp)")
        if year:
            p.add_argument("--year", metavar="NĂM", type=int, required=True, help="năm đánh giá, ví dụ 2025")

    p = psub.add_parser("show", help="in cây tiêu chí với điểm tối đa, điểm tự chấm, kiểm chứng và tổng điểm")
    common(p)
    p.add_argument("--json", action="store_true", help="in dạng JSON")
    p.set_defaults(func=cmd_show)
    p = psub.add_parser("set", help="tự chấm điểm một tiêu chí")
    common(p)
    p.add_argument("code", metavar="MÃ_TIÊU_CHÍ")
    p.add_argument("score", metavar="ĐIỂM", help="số điểm, ví dụ 2 hoặc 0,5; để trống (\"\") để xóa")
    p.add_argument("--note", metavar="GIẢI_TRÌNH")
    p.add_argument("--evidence", metavar="TỆP", action="append", help="tệp tài liệu kiểm chứng (lặp được)")
    p.set_defaults(func=cmd_set)
    p = psub.add_parser("load", help="nạp bộ tiêu chí của tỉnh từ tệp .toml hoặc .xlsx")
    common(p, year=False)
    p.add_argument("file", metavar="TỆP")
    p.add_argument("--tinh", metavar="TÊN", help="tên tỉnh (tệp .xlsx)")
    p.add_argument("--nam", metavar="NĂM", type=int, help="năm đánh giá (tệp .xlsx)")
    p.add_argument("--van-ban", metavar="VĂN_BẢN", help="văn bản ban hành bộ tiêu chí (tệp .xlsx)")
    p.set_defaults(func=cmd_load)
    p = psub.add_parser("export", help="xuất bảng tự đánh giá ra Word / Excel, hoặc thư mục kiểm chứng")
    common(p)
    p.add_argument("--docx", metavar="TỆP")
    p.add_argument("--xlsx", metavar="TỆP")
    p.add_argument("--evidence-dir", metavar="THƯ_MỤC", help="chép tài liệu kiểm chứng kèm bảng kê")
    p.set_defaults(func=cmd_export)
    p = psub.add_parser("appraise", help="cấp tỉnh thẩm định điểm một tiêu chí của một xã")
    add_db(p)
    p.add_argument("--year", metavar="NĂM", type=int, required=True, help="năm đánh giá, ví dụ 2025")
    p.add_argument("--unit", metavar="MÃ", required=True, help="mã xã đã nộp gói")
    p.add_argument("code", metavar="MÃ_TIÊU_CHÍ")
    p.add_argument("score", metavar="ĐIỂM", help="điểm thẩm định, ví dụ 2 hoặc 0,5; để trống (\"\") để xóa")
    p.add_argument("--note", metavar="GHI_CHÚ", help="ghi chú thẩm định")
    p.set_defaults(func=cmd_appraise)
    p = psub.add_parser("rank", help="xếp hạng các xã theo điểm thẩm định (điểm tự chấm nếu chưa thẩm định)")
    add_db(p)
    p.add_argument("--year", metavar="NĂM", type=int, required=True, help="năm đánh giá, ví dụ 2025")
    p.add_argument("--json", action="store_true", help="in dạng JSON")
    p.add_argument("--xlsx", metavar="TỆP", help="ghi bảng xếp hạng ra Excel")
    p.set_defaults(func=cmd_rank)


def _unit(store, args) -> dict:
    return store.unit(args.unit)


def cmd_show(args) -> int:
    store = open_db(args, write=False)
    try:
        a = par_report.assessment(store, _unit(store, args)["code"], args.year)
        props = par_report.proposals(values.annual_data(store, a.unit_code, args.year), a.criteria)
    finally:
        store.close()
    if args.json:
        out = a.as_json()
        out["de_xuat"] = {code: {"ty_le": float(p.rate), "diem": None if p.points is None else float(p.points),
                                 "nguon": p.source} for code, p in props.items()}
        print(json.dumps(out, ensure_ascii=False, indent=1))
        return 0
    cs = a.criteria
    print(f"{cs.name}\n{cs.document}" + ("\n(BỘ TIÊU CHÍ CHƯA ĐẦY ĐỦ)" if cs.partial else ""))
    for ln in a.lines:
        c = ln.criterion
        ev = f"  [{len(ln.evidence)} kiểm chứng]" if ln.evidence else ""
        score = "—" if ln.score is None else pc.fmt_points(ln.score)
        appraised = "" if ln.appraised is None else f"\tthẩm định {pc.fmt_points(ln.appraised)}"
        print(f"{'  ' * c.depth}{c.code}\t{c.label}\t{score}/{pc.fmt_points(c.max_points)}{appraised}{ev}"
              + (f"\t({ln.appraised_note})" if ln.appraised_note else ""))
        if c.code in props:
            p = props[c.code]
            print(f"{'  ' * c.depth}  đề xuất: " + ("" if p.points is None else f"{pc.fmt_points(p.points)} điểm, ")
                  + p.source)
    ap = a.total_appraised
    print(f"TỔNG ĐIỂM\t{pc.fmt_points(a.total)}/{pc.fmt_points(cs.total)}"
          + ("" if ap is None else f"\tthẩm định {pc.fmt_points(ap)}"))
    for f in a.findings():
        print(f"Cảnh báo: {f}")
    return 0


def cmd_set(args) -> int:
    store = open_db(args, write=True)
    try:
        unit = _unit(store, args)["code"]
        files = [Path(f) for f in args.evidence or []]
        for f in files:  # every file is checked before anything is written
            if not f.is_file():
                raise UserError(f"Không thấy tệp kiểm chứng {f}: kiểm tra đường dẫn. Chưa ghi gì.")
        cs = par_store.criteria_set(store, unit, args.year)
        if args.score.strip():
            cs.check_score(args.code, args.score)
        with store.transaction():
            value = par_store.set_score(store, unit, args.year, args.code, args.score, note=args.note)
            for f in files:
                par_store.attach_file(store, unit, args.year, args.code, f)
    finally:
        store.close()
    shown = "đã xóa điểm" if value is None else f"{pc.fmt_points(value)} điểm"
    print(f"Tiêu chí {args.code}: {shown}" + (f", {len(files)} tệp kiểm chứng." if files else "."))
    return 0


def read_set(path: Path, province=None, year=None, document=None) -> pc.CriteriaSet:
    if path.suffix.lower() == ".toml":
        return pc.load(path)
    if path.suffix.lower() in (".xlsx", ".xlsm", ".xls", ".ods"):
        missing = [n for n, v in (("--tinh", province), ("--nam", year), ("--van-ban", document)) if not v]
        if missing:
            raise UserError("Nạp bộ tiêu chí từ Excel cần thêm " + ", ".join(missing)
                            + " (tên tỉnh, năm đánh giá, văn bản ban hành).")
        from cchc_desktop.importing import par_excel  # calamine: with this command only
        return par_excel.read(path, province, year, document)
    raise UserError(f"Tệp {path.name}: bộ tiêu chí phải là tệp .toml hoặc .xlsx.")


def cmd_load(args) -> int:
    cs = read_set(Path(args.file), args.tinh, args.nam, args.van_ban)  # checked before the file is opened
    store = open_db(args, write=True)
    try:
        unit = _unit(store, args)["code"]
        with store.transaction():
            par_store.load_set(store, cs, unit, Path(args.file).name)
            judged = par_package.recheck(store, unit, cs.year)  # the communes' packages that came first
    finally:
        store.close()
    for line in judged:
        print(f"Đối chiếu lại: {line}")
    print(f"Đã nạp bộ tiêu chí {cs.version} năm {cs.year}: {len(cs.leaves())} tiêu chí chấm điểm, "
          f"tổng {pc.fmt_points(cs.total)} điểm." + (" (Bộ tiêu chí chưa đầy đủ.)" if cs.partial else ""))
    return 0


def export_evidence(store, a, folder: Path) -> Path:
    """The evidence files copied into `folder` with an index (MUC-LUC.txt: criterion, file, SHA-256)."""
    folder.mkdir(parents=True, exist_ok=True)
    src = par_store.evidence_dir(store)
    docs = {d["id"]: d for p in store.periods(a.unit_code) for d in store.documents(p["id"])}
    lines = [f"Tài liệu kiểm chứng Chỉ số CCHC năm {a.year} — {a.criteria.name}", ""]
    for ln in a.lines:
        for e in ln.evidence:
            if e.get("document_id"):
                d = docs.get(e["document_id"], {})
                lines.append(f"{ln.criterion.code}\tVăn bản số {d.get('number', '')}/{d.get('symbol', '')} "
                             f"ngày {d.get('date') or ''}: {d.get('summary', '')}")
                continue
            if not e.get("stored_name"):  # a document cited in a commune's package (at the province)
                lines.append(f"{ln.criterion.code}\t{e.get('document_text', '')}")
                continue
            name = f"{ln.criterion.code}-{e['file_name']}"
            try:
                shutil.copyfile(src / e["stored_name"], folder / name)
            except OSError:
                raise UserError(f"Không chép được tệp kiểm chứng {e['file_name']} của tiêu chí "
                                f"{ln.criterion.code}: tệp trong thư mục {src.name} bị mất hoặc không đọc được.") from None
            lines.append(f"{ln.criterion.code}\t{name}\tSHA-256 {e['sha256']}")
    (folder / "MUC-LUC.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


def cmd_export(args) -> int:
    if not (args.docx or args.xlsx or args.evidence_dir):
        raise UserError("Cần --docx TỆP, --xlsx TỆP hoặc --evidence-dir THƯ_MỤC.")
    from cchc_desktop.exporting import par_export  # python-docx / openpyxl: with this command only
    store = open_db(args, write=False)
    try:
        unit = _unit(store, args)
        a = par_report.assessment(store, unit["code"], args.year)
        name = unit.get("name", "")
        done = []
        if args.docx:
            done.append(par_export.write_docx(a, name, args.docx))
        if args.xlsx:
            done.append(par_export.write_xlsx(a, name, args.xlsx))
        if args.evidence_dir:
            done.append(export_evidence(store, a, Path(args.evidence_dir)))
    finally:
        store.close()
    for p in done:
        print(f"Đã ghi {p}")
    return 0


def cmd_appraise(args) -> int:
    store = open_db(args, write=True)
    try:
        value = par_store.appraise(store, args.unit, args.year, args.code, args.score or None, note=args.note)
        name = store.unit(args.unit)["name"]
    finally:
        store.close()
    shown = "đã xóa điểm thẩm định" if value is None else f"thẩm định {pc.fmt_points(value)} điểm"
    print(f"{name}, tiêu chí {args.code}: {shown}.")
    return 0


def cmd_rank(args) -> int:
    store = open_db(args, write=False)
    try:
        upper = store.unit(None)
        rows = par_report.ranking(store, upper["code"], args.year)
        if not rows:
            raise UserError(f"Chưa có xã nào nộp bản tự đánh giá Chỉ số CCHC năm {args.year} (gói nộp kỳ Năm) "
                            "vào tệp dữ liệu này.")
        if args.xlsx:
            from cchc_desktop.exporting import par_export  # openpyxl: with the export only
            done = par_export.write_ranking_xlsx(rows, upper["name"], args.year, args.xlsx)
    finally:
        store.close()
    if args.json:
        print(json.dumps({"nam": args.year, "xep_hang": par_report.ranking_json(rows)}, ensure_ascii=False, indent=1))
    else:
        for r in rows:
            rank = "—" if r.rank is None else str(r.rank)
            ap = "" if r.appraised_total is None else f", thẩm định {pc.fmt_points(r.appraised_total)}"
            print(f"{rank}\t{r.unit_code}\t{r.name}\t{pc.fmt_points(r.score)}/{pc.fmt_points(r.max_total)}"
                  f"\t(tự chấm {pc.fmt_points(r.self_total)}{ap})\t{r.status}" + (f"\t{r.flag}" if r.flag else ""))
    if args.xlsx:
        print(f"Đã ghi {done}")
    return 0
