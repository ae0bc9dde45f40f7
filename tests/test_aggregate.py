"""The upper level's roll-up of 30 communes' packages, checked against sums computed here."""
from __future__ import annotations

import copy
import json
import random
from decimal import Decimal

import pytest

from cchc_desktop import paths
from cchc_desktop.report import aggregate
from cchc_desktop.domain import catalogue, dossiers
from cchc_desktop.errors import UserError
from cchc_desktop.exporting import package as pkg, xlsx_appendix, xlsx_rollup
from cchc_desktop.importing import package as ip
from cchc_desktop.store import open_store

PERIOD = "2023-NAM"
N = 30
ON_TIME = "2023-12-17T15:00:00+07:00"  # the demo's deadline is 2023-12-18
LATE = "2023-12-20T08:00:00+07:00"


def commune_docs(n: int, seed: int = 7) -> list[dict]:
    """The demo period under n commune codes, with random figures (some left blank)."""
    rng = random.Random(seed)
    cat = catalogue.default()
    demo = json.loads(paths.resource("demo", "chi-lang-nam-2023.json").read_text(encoding="utf-8"))
    docs = []
    for i in range(n):
        d = copy.deepcopy(demo)
        d["unit"].update(code=f"xa-{i:02d}", name=f"Thử Nghiệm {i:02d}", place_name=f"Thử Nghiệm {i:02d}")
        figures = {}
        for row in cat.rows():
            if not row.editable or row.kind == "text" or rng.random() < 0.05:
                continue
            if row.kind == "count":
                v = rng.randint(0, 400)
            elif row.kind == "money":
                v = rng.randint(0, 9_000_000) / 1000
            elif row.kind == "choice":
                v = rng.choice([c for c, _ in row.choices])
            else:  # a percent the commune types
                v = rng.randint(0, 1000) / 10
            figures[row.code] = {"value": v, "note": ""}
        d["values"] = figures
        ubnd = d["dossiers"]["ubnd"]
        on_fields = i % 2 == 0  # half the communes split resolution per field, half only in the total
        for f in ubnd["fields"]:
            f.update(truc_tuyen=rng.randint(0, 900), truc_tiep=rng.randint(0, 200))
            for c in ("truoc_han", "dung_han", "qua_han"):
                f[c] = rng.randint(0, 300) if on_fields else None
        ubnd["total"] = {c: None for c in dossiers.COLUMNS}
        ubnd["total"].update(ky_truoc=rng.randint(0, 20), dang_giai_quyet=rng.randint(0, 30),
                             dang_qua_han=rng.randint(0, 3))
        if not on_fields:
            ubnd["total"].update(truoc_han=rng.randint(0, 2000), dung_han=rng.randint(0, 500),
                                 qua_han=rng.randint(0, 20))
        for agency in ("cong_an", "quan_su"):
            d["dossiers"][agency] = {"fields": [], "total": {c: rng.randint(0, 300) for c in dossiers.COLUMNS}}
        docs.append(d)
    return docs


def effective(doc: dict, agency: str) -> dict:
    """Per column: the fields' sum when every field has it, else the typed total (docs/formats.md)."""
    t = doc["dossiers"][agency]
    out = {}
    for c in dossiers.COLUMNS:
        vals = [f.get(c) for f in t["fields"]]
        out[c] = sum(vals) if t["fields"] and all(v is not None for v in vals) else t["total"].get(c)
    return out


def pct(part, whole):
    if part is None or whole in (None, 0):
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"))


def total(docs, code):
    present = [Decimal(str(d["values"][code]["value"])) for d in docs if code in d["values"]]
    return sum(present, Decimal(0)) if present else None


def largest(docs, code):
    present = [Decimal(str(d["values"][code]["value"])) for d in docs if code in d["values"]]
    return max(present) if present else None


def consolidated(docs, code):
    """What the roll-up must give for a typed count/money row, by the catalogue's `tong_hop`."""
    method = catalogue.default().rows_by_code[code].tong_hop or "cong"
    return {"cong": total, "lon_nhat": largest}[method](docs, code) if method != "khong" else None


@pytest.fixture(scope="module")
def rolled(tmp_path_factory):
    from cchc_desktop import dataio

    tmp = tmp_path_factory.mktemp("rollup")
    docs = commune_docs(N)
    src = open_store(tmp / "xa.sqlite")
    usb = tmp / "usb"
    usb.mkdir()
    files = []
    for i, d in enumerate(docs):
        dataio.load(src, d)
        files.append(pkg.make_package(src, d["unit"]["code"], PERIOD, usb, check_errors=False, documents=False,
                                      created_at=LATE if i % 5 == 0 else ON_TIME))
    # Two more communes of the district that have only reported another period.
    for j in (N, N + 1):
        d = copy.deepcopy(docs[0])
        d["unit"].update(code=f"xa-{j:02d}", name=f"Vắng Mặt {j:02d}")
        d["period"].update(code="2024-Q1", start="2023-12-15", end="2024-03-14", deadline="2024-03-18")
        dataio.load(src, d)
        files.append(pkg.make_package(src, d["unit"]["code"], "2024-Q1", usb, check_errors=False, documents=False))
    src.close()
    store = open_store(tmp / "huyen.sqlite")
    results = ip.import_packages(store, [usb])
    assert [r.status for r in results] == ["imported"] * (N + 2), [r.line() for r in results if r.status != "imported"]
    yield docs, aggregate.rollup(store, PERIOD), store
    store.close()


def test_communes_and_submission_status(rolled):
    docs, r, _ = rolled
    assert aggregate.label(r.upper) == "huyện Thanh Miện"
    assert len(r.communes) == N + 2 and len(r.reported) == N
    assert sorted(c.code for c in r.missing) == ["xa-30", "xa-31"]
    assert all(c.status == "chua_nop" for c in r.missing)
    by_code = {c.code: c for c in r.communes}
    for i in range(N):
        assert by_code[f"xa-{i:02d}"].status == ("tre_han" if i % 5 == 0 else "dung_han")
        assert by_code[f"xa-{i:02d}"].deadline == "2023-12-18"


def test_counts_and_money_are_summed(rolled):
    docs, r, _ = rolled
    cat = r.data.catalogue
    checked = 0
    for row in cat.rows():
        if row.editable and row.kind in ("count", "money"):
            assert r.data.values[row.code] == consolidated(docs, row.code), row.code
            checked += row.tong_hop is None
    assert checked > 40
    # A blank somewhere is said in the note, the sum covers the communes that gave the figure.
    lacking = [row.code for row in cat.rows() if row.editable and row.kind == "count" and row.tong_hop is None
               and sum(row.code not in d["values"] for d in docs) > 0]
    assert lacking
    code = lacking[0]
    n_missing = sum(code not in d["values"] for d in docs)
    assert r.data.note(code).startswith(f"Chưa có số liệu của {n_missing}/{N} xã")


def test_rates_recomputed_from_summed_parts(rolled):
    docs, r, _ = rolled
    v = r.data.values
    for rate, part, whole in (("BM1/2", "BM1/2.2", "BM1/2.1"), ("BM6/1", "BM6/1.2", "BM6/1.1"),
                              ("BM2/2.2", "BM2/2.2.2", "BM2/2.2.1")):
        assert v[rate] == pct(total(docs, part), total(docs, whole)), rate
    # Rows counting procedures of the set every commune shares are not summed; their rates are
    # recomputed from the consolidated parts all the same.
    for rate, part, whole in (("BM7/6.4", "BM7/6.4.2", "BM7/6.4.1"), ("TT/6", "TT/5", "BM3/1"),
                              ("TT/20", "BM7/6.6.1", "BM3/1")):
        assert v[rate] == pct(largest(docs, part), largest(docs, whole)), rate
        assert v[rate] != pct(total(docs, part), total(docs, whole)) or v[rate] is None, rate
    # Sums of parts.
    parts = [total(docs, f"BM5/2.{k}") for k in range(1, 6)]
    assert v["BM5/2"] == sum(p for p in parts if p is not None)
    # The one-stop desk: every column summed over the communes' effective figures.
    eff = [effective(d, "ubnd") for d in docs]
    s = {c: sum(e[c] for e in eff) for c in dossiers.COLUMNS}
    resolved = s["truoc_han"] + s["dung_han"] + s["qua_han"]
    received = s["truc_tuyen"] + s["truc_tiep"]
    assert v["BM3/3.3.1"] == resolved
    assert v["BM3/3.3.2"] == s["truoc_han"] + s["dung_han"]
    assert v["BM3/3.3"] == pct(s["truoc_han"] + s["dung_han"], resolved)
    assert v["BM7/6.7.1"] == received and v["BM7/6.7.2"] == s["truc_tuyen"]
    assert v["BM7/6.7"] == pct(s["truc_tuyen"], received)
    m = r.data.measures("ubnd")
    assert m["tiep_nhan"] == received + s["ky_truoc"]
    assert m["dang_qua_han"] == s["dang_qua_han"]
    assert round(m["ty_le_dung_han"], 6) == round(Decimal(s["truoc_han"] + s["dung_han"]) * 100 / resolved, 6)
    # Never an average of the communes' rates.
    mean = sum(pct(effective(d, "ubnd")["truoc_han"] + effective(d, "ubnd")["dung_han"],
                   sum(effective(d, "ubnd")[c] for c in ("truoc_han", "dung_han", "qua_han"))) for d in docs) / N
    assert v["BM3/3.3"] != mean.quantize(Decimal("0.1"))
    for agency in ("cong_an", "quan_su"):
        assert r.data.measures(agency)["truc_tuyen"] == sum(d["dossiers"][agency]["total"]["truc_tuyen"] for d in docs)


def test_procedure_counts_take_the_shared_set_not_the_sum(rolled):
    docs, r, _ = rolled
    v = r.data.values
    for code in ("BM3/1", "BM3/1.4.3", "BM7/6.4.1", "BM7/6.6.1", "TT/5"):
        assert v[code] == largest(docs, code) != total(docs, code), code
        assert r.data.note(code).startswith("Số lớn nhất của các xã (dùng chung một bộ)"), code
    # The communes disagree in these random figures: the note gives the spread.
    low = min(Decimal(str(d["values"]["BM3/1"]["value"])) for d in docs if "BM3/1" in d["values"])
    assert f"các xã khai từ {int(low)} đến" in r.data.note("BM3/1")
    assert v["BM3/1.4"] == v["BM3/1.4.3"]  # a derived sum follows its consolidated part


def test_upper_levels_own_rows_are_not_taken_from_the_communes(rolled):
    docs, r, store = rolled
    assert total(docs, "BM1/3.2") is not None  # the communes typed something there
    assert r.data.values["BM1/3.2"] is None
    assert "không cộng từ các xã" in r.data.note("BM1/3.2") and "nhập ở kỳ báo cáo" in r.data.note("BM1/3.2")
    upper = store.get_period(r.upper["code"], PERIOD)
    store.set_value(upper["id"], "BM1/3.2", "12")
    store.set_value(upper["id"], "BM5/4.1", "1")
    try:
        again = aggregate.rollup(store, PERIOD)
        assert again.data.values["BM1/3.2"] == 12
        assert again.data.note("BM1/3.2") == "Số liệu của huyện Thanh Miện, không cộng từ các xã"
        # The total of disciplined staff adds the district's own to the communes' sums.
        parts = [Decimal(1)] + [total(docs, f"BM5/4.{k}") or 0 for k in (3, 4, 5)]
        assert again.data.values["BM5/4"] == sum(parts)
    finally:
        store.set_value(upper["id"], "BM1/3.2", "")
        store.set_value(upper["id"], "BM5/4.1", "")


MEAN_CATALOGUE = """
version = "TEST-TH"
name = "Thử tổng hợp"
[[forms]]
code = "A"
title = "Thử"
section = "I"
[[forms.rows]]
stt = "1."
label = "Tỷ lệ"
unit = "%"
kind = "percent"
formula = "pct([1.2], [1.1])"
[[forms.rows]]
stt = "1.1."
label = "Số thủ tục của bộ dùng chung"
unit = "Thủ tục"
kind = "count"
tong_hop = "lon_nhat"
[[forms.rows]]
stt = "1.2."
label = "Số thủ tục làm trực tuyến"
unit = "Thủ tục"
kind = "count"
tong_hop = "trung_binh"
[[forms.rows]]
stt = "2."
label = "Kinh phí"
unit = "Triệu đồng"
kind = "money"
tong_hop = "trung_binh"
[[forms.rows]]
stt = "3."
label = "Số văn bản"
unit = "Văn bản"
kind = "count"
"""


def test_every_aggregation_with_generated_communes():
    from types import SimpleNamespace

    from cchc_desktop.report import values

    cat = catalogue.parse_text(MEAN_CATALOGUE)
    rng = random.Random(3)
    communes = []
    for i in range(30):
        figures = {"A/1.1": Decimal(rng.randint(90, 105)), "A/1.2": Decimal(rng.randint(0, 90)),
                  "A/2": Decimal(rng.randint(0, 9_000_000)) / 1000, "A/3": Decimal(rng.randint(0, 50))}
        if i == 7:
            figures["A/1.2"] = None
        communes.append(aggregate.CommuneStatus(f"x{i}", f"xã {i}", "dung_han",
                                                data=SimpleNamespace(values=figures, raw={  # the sums read the typed text
                                                    k: {"value": None if v is None else str(v)} for k, v in figures.items()})))
    raw = aggregate._sum_values(cat, communes)
    given = [c.data.values for c in communes]
    assert Decimal(raw["A/1.1"]["value"]) == max(v["A/1.1"] for v in given)
    online = [v["A/1.2"] for v in given if v["A/1.2"] is not None]
    mean = sum(online) / len(online)
    assert Decimal(raw["A/1.2"]["value"]) == mean.quantize(Decimal(1), rounding="ROUND_HALF_UP")
    assert raw["A/1.2"]["note"].startswith("Trung bình của 29 xã; Chưa có số liệu của 1/30 xã: xã 7")
    money = sum(v["A/2"] for v in given) / 30
    assert Decimal(raw["A/2"]["value"]) == money.quantize(Decimal("0.001"), rounding="ROUND_HALF_UP")
    assert Decimal(raw["A/3"]["value"]) == sum(v["A/3"] for v in given) and raw["A/3"]["note"] == ""
    # The rate comes from the consolidated parts, never from the communes' own rates.
    figures = values.evaluate(cat, raw, {a: dossiers.AgencyTable(a) for a in dossiers.AGENCIES}, dossiers.DEFAULT_ON_TIME)
    expected = Decimal(raw["A/1.2"]["value"]) * 100 / Decimal(raw["A/1.1"]["value"])
    assert abs(figures["A/1"] - expected) <= Decimal("0.05")
    # a province's wards and communes together: the notes count "đơn vị", wards alone "phường"
    for i, c in enumerate(communes):
        c.unit = {"kind": "phuong" if i % 2 else "xa"}
    raw = aggregate._sum_values(cat, communes)
    assert raw["A/1.2"]["note"].startswith("Trung bình của 29 đơn vị; Chưa có số liệu của 1/30 đơn vị: xã 7")
    assert raw["A/1.1"]["note"].startswith("Số lớn nhất của các đơn vị (dùng chung một bộ); các đơn vị khai từ")
    for c in communes:
        c.unit = {"kind": "phuong"}
    assert aggregate._sum_values(cat, communes)["A/1.2"]["note"].startswith("Trung bình của 29 phường;")


@pytest.mark.parametrize("row, message", [
    ('kind = "count"\ntong_hop = "tong"', "cách tổng hợp “tong”"),
    ('kind = "percent"\ntong_hop = "lon_nhat"', "không nhận tong_hop"),
    ('kind = "count"\nformula = "[2]"\ntong_hop = "lon_nhat"', "không nhận tong_hop"),
])
def test_catalogue_refuses_a_wrong_aggregation(row, message):
    text = ('version = "T"\n[[forms]]\ncode = "A"\n[[forms.rows]]\nstt = "1."\nlabel = "x"\n' + row
            + '\n[[forms.rows]]\nstt = "2."\nlabel = "y"\nkind = "count"\n')
    with pytest.raises(catalogue.CatalogueError, match=message):
        catalogue.parse_text(text)


def test_rates_of_the_shipped_catalogue_have_parts_consolidated_alike():
    """A rate whose part is summed and whole is the largest commune figure would mean nothing."""
    import re

    cat = catalogue.default()
    checked = 0
    for row in cat.rows():
        m = re.fullmatch(r"pct\(\[([^\]]+)\], \[([^\]]+)\]\)", row.formula or "")
        if not m:
            continue
        methods = set()
        for name in m.groups():
            part = cat.rows_by_code.get(name)
            if part is not None and part.editable:
                methods.add(part.tong_hop or "cong")
        assert len(methods) <= 1, (row.code, methods)
        checked += 1
    assert checked >= 10


def test_a_file_holding_the_catalogue_text_of_before_takes_the_shipped_methods():
    cat = catalogue.default()
    old_text = "\n".join(line for line in cat.text.splitlines() if not line.startswith("tong_hop"))
    old = catalogue.parse_text(old_text)
    assert old.version == cat.version and old.rows_by_code["BM3/1"].tong_hop is None
    assert aggregate.aggregation(old, old.rows_by_code["BM3/1"]) == "lon_nhat"
    assert aggregate.aggregation(old, old.rows_by_code["BM3/3.4.1"]) == "cong"
    other = catalogue.parse_text(old_text.replace('version = "HD-2023.1"', 'version = "KHAC-1"'))
    assert aggregate.aggregation(other, other.rows_by_code["BM3/1"]) == "cong"


def test_field_rows_summed_where_every_commune_splits(rolled):
    docs, r, _ = rolled
    table = r.data.tables["ubnd"]
    names = [f["name"] for f in docs[0]["dossiers"]["ubnd"]["fields"]]
    assert [f["name"] for f in table.fields] == names
    for f in table.fields:
        expected = sum(next(x for x in d["dossiers"]["ubnd"]["fields"] if x["name"] == f["name"])["truc_tuyen"]
                       for d in docs)
        assert f["truc_tuyen"] == expected
        assert f["truoc_han"] is None  # half the communes know resolution only for the whole desk


def test_choices_counted_per_commune(rolled):
    docs, r, _ = rolled
    cat = r.data.catalogue
    for row in cat.rows():
        if row.kind != "choice" or not row.editable:
            continue
        note = r.data.note(row.code)
        assert r.data.values[row.code] is None
        for code, lab in row.choices:
            n = sum(1 for d in docs if row.code in d["values"] and d["values"][row.code]["value"] == code)
            if n:
                assert f"{lab}: {n} xã" in note, (row.code, note)
            else:
                assert f"{lab}:" not in note.replace("chưa nhập:", "")


def test_typed_rates_not_averaged(rolled):
    _, r, _ = rolled
    assert r.data.values["BM4/1.2"] is None
    assert "không cộng dồn" in r.data.note("BM4/1.2")


def test_compare_and_json(rolled):
    docs, r, _ = rolled
    rows = r.compare("hs.ubnd.ty_le_dung_han")
    assert len(rows) == N
    by_name = {n: v for n, v, _ in rows}
    d = docs[3]
    e = effective(d, "ubnd")
    expected = Decimal(e["truoc_han"] + e["dung_han"]) * 100 / (e["truoc_han"] + e["dung_han"] + e["qua_han"])
    assert round(by_name["xã Thử Nghiệm 03"], 6) == round(expected, 6)
    assert rows[0][2].endswith(" %")
    doc = json.loads(json.dumps(r.as_dict(), ensure_ascii=False))
    assert doc["values"]["BM3/3.3.1"]["value"] == int(r.data.values["BM3/3.3.1"])
    assert len(doc["communes"]) == N + 2


def test_rollup_refuses_a_commune_file(demo_store):
    with pytest.raises(UserError, match="cấp xã"):
        aggregate.rollup(demo_store, PERIOD)


def test_rollup_exports_like_a_commune_report(rolled, tmp_path):
    _, r, _ = rolled
    import openpyxl

    from cchc_desktop.exporting import docx_report, xlsx_appendix
    from docx import Document

    docx_path = docx_report.write(r.data, tmp_path / "tong-hop.docx", charts=False)
    text = "\n".join(p.text for p in Document(docx_path).paragraphs)
    assert "THANH MIỆN" in text.upper()
    xlsx_path = xlsx_appendix.write(r.data, tmp_path / "tong-hop.xlsx")
    wb = openpyxl.load_workbook(xlsx_path)
    cells = {str(c.value) for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value is not None}
    assert any("Có:" in c for c in cells)


def _docx_text(path) -> str:
    from docx import Document

    d = Document(str(path))
    texts = [p.text for p in d.paragraphs]
    for t in d.tables:
        for row in t.rows:
            for c in row.cells:
                texts += [p.text for p in c.paragraphs]
    return "\n".join(texts).replace("\u00a0", " ")  # "82,2 %": Word's no-break space (docx_parts.run)


def test_rollup_word_report_is_a_real_upper_level_report(rolled, tmp_path):
    """Default text with the consolidated figures, the communes' submission status, the date
    line with its year, a signer to fill in and the district's usual recipients."""
    from cchc_desktop import fmt
    from cchc_desktop.exporting import docx_report

    docs, r, _ = rolled
    path = docx_report.write(r.data, tmp_path / "th.docx", charts=False)
    text = _docx_text(path)
    m = r.data.measures("ubnd")
    assert f"đã tiếp nhận tổng số {fmt.number(m['tiep_nhan'])} hồ sơ, gồm {fmt.number(m['tiep_nhan_trong_ky'])} hồ sơ tiếp nhận mới" in text
    assert f"tỷ lệ giải quyết đúng hạn (kể cả trước hạn) đạt {fmt.percent(m['ty_le_dung_han'], True)}" in text
    assert f"các xã đã ban hành {fmt.number(total(docs, 'BM1/1'))} văn bản chỉ đạo" in text
    assert f"Bộ thủ tục hành chính cấp xã: {fmt.number(largest(docs, 'BM3/1'))} thủ tục" in text
    assert "{{" not in text
    # The communes' submission status, by name.
    assert "5. Tình hình báo cáo của UBND cấp xã" in text
    assert f"Đã nhận báo cáo (gói số liệu) của {N}/{N + 2} UBND cấp xã" in text
    late = [c.name for c in r.communes if c.status == "tre_han"]
    assert len(late) == N // 5
    assert f"Nộp muộn: {len(late)} xã: {late[0]} (ngày 20/12/2023)" in text
    assert f"Nộp đúng hạn: {N - len(late)} xã: " in text
    assert "Chưa nộp: 2 xã: xã Vắng Mặt 30, xã Vắng Mặt 31." in text
    # Date line, signer, recipients.
    assert "Thanh Miện, ngày      tháng      năm 2023" in text
    closing = next(t for t in __import__("docx").Document(str(path)).tables
                   if t.rows[0].cells[0].paragraphs[0].text == "Nơi nhận:")
    signer = [p.text for p in closing.rows[0].cells[1].paragraphs]
    assert signer[:2] == ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"] and signer[-1] == ""
    recipients = [p.text for p in closing.rows[0].cells[0].paragraphs][1:]
    assert recipients[0] == "- UBND tỉnh Hải Dương (Sở Nội vụ);" and recipients[-1] == "- Lưu: VT."
    assert len(recipients) >= 3


def test_rollup_word_report_charts_per_commune(rolled, tmp_path):
    from docx import Document

    from cchc_desktop.exporting import docx_report

    _, r, store = rolled
    on = Document(str(docx_report.write(r.data, tmp_path / "on.docx", charts=True)))
    off = Document(str(docx_report.write(r.data, tmp_path / "off.docx", charts=False)))
    assert len(off.inline_shapes) == 0
    assert len(on.inline_shapes) == 4  # the two field charts, then on-time and online rates per commune
    captions = [p.text for p in on.paragraphs if p.text.startswith("Biểu đồ ")]
    assert captions[2] == "Biểu đồ 3. Tỷ lệ giải quyết đúng hạn (kể cả trước hạn) theo xã (huyện Thanh Miện, năm 2023)"
    assert captions[3].startswith("Biểu đồ 4. Tỷ lệ tiếp nhận trực tuyến theo xã")
    # The chart's bars are the communes' own figures: the roll-up gives what the data file gives.
    from cchc_desktop.exporting import charts
    from cchc_desktop.report import chart_data

    figures = dict(charts.commune_values(r.data, "hs.ubnd.ty_le_dung_han"))
    assert figures == dict(charts.commune_values(r.data, "hs.ubnd.ty_le_dung_han", chart_data.communes(store, r.data)))
    assert len(figures) == N + 2 and figures["xã Vắng Mặt 30"] is None
    for name, v, _ in r.compare("hs.ubnd.ty_le_dung_han"):
        assert figures[name] == pytest.approx(float(v))


def test_upper_period_without_text_gets_the_default_texts(rolled):
    _, r, store = rolled
    period = store.get_period(r.upper["code"], PERIOD)
    held = store.narratives(period["id"])
    assert "{{bang.ho_so_linh_vuc}}" in held["II.2"]["text"]  # made by the import, with its texts
    store.db.execute("DELETE FROM narratives WHERE period_id = ?", [period["id"]])  # a file of before
    try:
        again = aggregate.rollup(store, PERIOD)
        assert again.data.narratives["II.2"]["text"] == held["II.2"]["text"]
    finally:
        for key, t in held.items():
            store.set_narrative(period["id"], key, text=t["text"], title=t["title"])


def test_upper_levels_own_text_has_no_unknown_placeholder(rolled):
    """The window validates the upper level's own period: its default texts name only known values."""
    from cchc_desktop.report import values, rules

    _, r, store = rolled
    data = values.load_report(store, r.upper["code"], PERIOD)
    assert data.narratives["I.1"]["text"].startswith("- Thực hiện Kế hoạch của UBND tỉnh")
    assert [f.message for f in rules.check_text(data)] == []


def test_rollup_xlsx_has_communes_and_comparison(rolled, tmp_path):
    _, r, _ = rolled
    import openpyxl

    path = xlsx_rollup.write(r, tmp_path / "th.xlsx", compare="BM3/3.3")
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames[0] == "Biểu mẫu 1" and wb.sheetnames[-2:] == ["Các xã", "So sánh"]
    rows = list(wb["Các xã"].iter_rows(min_row=4, values_only=True))
    assert len(rows) == N + 2
    assert {row[2] for row in rows} == {"Đã nộp đúng hạn", "Nộp muộn", "Chưa nộp"}
    cmp = list(wb["So sánh"].iter_rows(min_row=4, values_only=True))
    assert len(cmp) == N + 1
    assert cmp[-1][2] == float(r.data.values["BM3/3.3"])
    # counts with literal thousands dots, whatever the PC's locale (an English Windows would show 1,234)
    ws = wb["Các xã"]
    counts = [ws.cell(i, 6) for i in range(4, ws.max_row + 1) if isinstance(ws.cell(i, 6).value, int)]
    assert counts and all("," not in c.number_format for c in counts)
    assert all(c.number_format == xlsx_appendix.vn_integer_format(c.value) for c in counts)


def test_percent_cells_round_half_up_like_the_text(rolled, tmp_path, monkeypatch):
    """The Excel sheets' rates agree with the text (fmt.percent): 0,25 % is 0,3 %, never 0,2 %."""
    import openpyxl

    _, r, _ = rolled
    ties = {"tiep_nhan": Decimal(400), "da_giai_quyet": Decimal(400),
            "ty_le_dung_han": Decimal(1) * 100 / 400, "ty_le_truc_tuyen": Decimal("12.25")}
    monkeypatch.setattr(aggregate.CommuneStatus, "figures", lambda self: ties if self.data is not None else {})
    wb = openpyxl.load_workbook(xlsx_rollup.write(r, tmp_path / "ties.xlsx", compare="BM3/3.3"))
    first = next(wb["Các xã"].iter_rows(min_row=4, values_only=True))
    assert first[7] == pytest.approx(0.3) and first[8] == pytest.approx(12.3)
