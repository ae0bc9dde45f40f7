"""The Word report's optional QĐ 766 section (export --chi-so-766): the demo commune with the register
of tests/test_index766.py moved back one year (its 2023 window 15/12/2022 – 14/12/2023) and two typed
values, so the figures are that file's hand computation without the PAKN values."""
from __future__ import annotations

import datetime as dt
import shutil
import subprocess

import docx
import pytest

from cchc_desktop.exporting import docx_index766
from cchc_desktop.importing import register as reg
from cchc_desktop.report import index766
from tests.conftest import run_cli
from tests.test_index766 import ROWS, write

PERIOD = "2023-NAM"


def _year_before(v):
    return v.replace(year=v.year - 1) if isinstance(v, dt.date) else v


@pytest.fixture
def commune(demo_store, tmp_path):
    unit = demo_store.unit()
    reg.import_register(demo_store, unit["code"], write(tmp_path / "so.xlsx",
                                                        rows=[tuple(_year_before(v) for v in r) for r in ROWS]))
    pid = demo_store.get_period(unit["code"], PERIOD)["id"]
    index766.set_typed(demo_store, pid, "tthc_cong_bo_dung_han", "9")
    index766.set_typed(demo_store, pid, "tthc_cong_bo", "10")
    path = demo_store.path
    demo_store.close()
    return path


def _index_table(d):
    for t in d.tables:
        if t.rows[0].cells[1].text == "Nhóm, chỉ tiêu":
            return t
    return None


def test_the_section_closes_the_appendix_with_groups_criteria_and_sources(commune, tmp_path):
    out = tmp_path / "bc.docx"
    r = run_cli("export", "--db", commune, "--period", PERIOD, "--docx", out, "--charts", "khong", "--chi-so-766")
    assert r.returncode == 0, r.stderr
    d = docx.Document(out)
    texts = [p.text for p in d.paragraphs]
    assert docx_index766.TITLE in texts
    assert texts.index(docx_index766.TITLE) > texts.index("Phụ lục")
    t = _index_table(d)
    rows = {row.cells[0].text: [c.text for c in row.cells] for row in t.rows[1:]}
    # groups: 1 = 5,4 (1.1: 6 × 9/10) + 4,8 (1.4: 6 × 4/5); 2 = 10; 3 = 4; 4 = 4,5 + 1; 5 = 1,67
    assert [rows[g][3] for g in "12345"] == ["10,2", "10", "4", "5,5", "1,67"]
    assert [rows[g][4] for g in "12345"] == ["18", "20", "22", "22", "18"]
    assert rows["1.4"][2:5] == ["80\u00a0% (4/5)", "4,8", "6"]
    # a criterion without data, one without a sourced maximum, one typed value missing
    assert rows["1.2"][2:4] == ["chưa có số liệu", "chưa có số liệu"] and "chưa nhập" in rows["1.2"][5]
    assert rows["3.1"][4] == "chưa có số liệu"
    assert rows["3.0"][2] == "40\u00a0% (2/5)" and "cách quy đổi điểm chưa có nguồn" in rows["3.0"][5]
    assert "Mô tả công thức 766" in rows["2.1"][5]
    total = t.rows[-1].cells
    assert total[1].text == "Tổng cộng" and total[3].text == "31,37" and total[4].text == "100"
    assert any(p.startswith("Mô tả công thức 766: ") and "ChippedTopaz" in p for p in texts)
    # the report's style: Times New Roman in every slot of every run of the section
    for row in t.rows:
        for c in row.cells:
            for p in c.paragraphs:
                for run in p.runs:
                    fonts = run._r.rPr.rFonts
                    assert {fonts.get(f"{{{docx.oxml.ns.nsmap['w']}}}{s}") for s in ("ascii", "hAnsi", "cs")} == \
                        {"Times New Roman"}
    # without the option, no section
    plain = tmp_path / "bc2.docx"
    assert run_cli("export", "--db", commune, "--period", PERIOD, "--docx", plain, "--charts", "khong").returncode == 0
    assert _index_table(docx.Document(plain)) is None
    if shutil.which("soffice"):
        subprocess.run(["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(out)],
                       check=True, capture_output=True, timeout=240)
        text = subprocess.run(["pdftotext", str(tmp_path / "bc.pdf"), "-"], capture_output=True, text=True).stdout
        assert docx_index766.TITLE in text and "Tổng cộng" in text


def test_the_option_needs_a_word_file_and_a_commune(commune, tmp_path):
    r = run_cli("export", "--db", commune, "--period", PERIOD, "--xlsx", tmp_path / "a.xlsx", "--chi-so-766")
    assert r.returncode != 0 and "--docx" in r.stderr


def test_at_the_province_a_commune_without_the_section_is_refused_and_the_province_too(tmp_path):
    from tests.test_index766_province import PERIOD as P2025, make_province

    made = make_province(tmp_path)
    try:
        a, b, c = made["codes"]
        db = made["db"]
        made["upper"].close()
        r = run_cli("export", "--db", db, "--period", P2025, "--unit", c, "--docx", tmp_path / "c.docx", "--chi-so-766")
        assert r.returncode != 0 and "không có số liệu chỉ số QĐ 766" in r.stderr
        r = run_cli("export", "--db", db, "--period", P2025, "--docx", tmp_path / "t.docx", "--chi-so-766")
        assert r.returncode != 0 and "chỉ có trong báo cáo của đơn vị cấp xã" in r.stderr
        r = run_cli("export", "--db", db, "--period", P2025, "--unit", b, "--docx", tmp_path / "b.docx",
                    "--chi-so-766", "--charts", "khong")
        assert r.returncode == 0, r.stderr
        t = _index_table(docx.Document(tmp_path / "b.docx"))
        assert t.rows[-1].cells[3].text == "14,8"
    finally:
        made["communes"].close()
