"""Pasted text (Word, PDF, Zalo) is made safe where it enters the data file, and every export
copes with what an older file holds (cchc_desktop/safe_text.py)."""
from __future__ import annotations

import json
import shutil
import sqlite3
import unicodedata
import zipfile

import openpyxl
import pytest

from cchc_desktop import dataio
from cchc_desktop.exporting import docx_report, xlsx_appendix
from cchc_desktop.report import values
from cchc_desktop.safe_text import clean, clean_line
from tests.conftest import run_cli

PERIOD = "2023-NAM"
NFD = unicodedata.normalize("NFD", "Tiếp nhận hồ sơ")
# Word's Shift+Enter, a form feed, NUL, BEL, ESC, DEL, a C1 control, a BOM, a lone surrogate
PASTED = "dòng một\vdòng hai\x0cba\x00\x07\x1b\x7f\x81\ufeff\ud800 " + NFD


@pytest.mark.parametrize("raw, multi, line", [
    ("a\vb", "a\nb", "a b"),
    ("a\r\nb\rc", "a\nb\nc", "a b c"),
    ("a\u2028b\u2029c\x85d", "a\nb\nc\nd", "a b c d"),
    ("x\x00\x01\x08\x0e\x1f\x7f\x9fy", "xy", "xy"),
    ("cột\tkế", "cột\tkế", "cột kế"),
    (NFD, "Tiếp nhận hồ sơ", "Tiếp nhận hồ sơ"),
    ("  thừa  \n", "  thừa  \n", "thừa"),
    (None, "", ""),
])
def test_clean(raw, multi, line):
    assert clean(raw) == multi
    assert clean_line(raw) == line


def test_clean_keeps_what_people_type():
    text = "Tổng số: 3.225 hồ sơ (97,6%) — “đúng hạn”…\n• ý kiến; ½ €"
    assert clean(text) == text


def test_the_store_cleans_what_enters(mini_store):
    store, pid = mini_store
    code = next(r.code for r in store.catalogue_for(pid).rows() if r.editable and r.kind != "text")
    store.set_note(pid, code, PASTED)
    store.set_narrative(pid, "MO", text=PASTED, title="Kết\vquả")
    store.add_field(pid, "ubnd", "Lĩnh vực\x0b" + NFD)
    doc = store.add_document(pid, number="12\x07", symbol="QĐ-UBND\v", summary=PASTED)
    store.update_unit("x1", name="Thử\x0bNghiệm", recipients=["Như trên\x07", NFD])
    expected = "dòng một\ndòng hai\nba Tiếp nhận hồ sơ"
    assert store.values(pid)[code]["note"] == expected
    assert store.narratives(pid)["MO"] == {"title": "Kết quả", "text": expected}
    assert store.dossier_table(pid, "ubnd").fields[0]["name"] == "Lĩnh vực Tiếp nhận hồ sơ"
    (row,) = [d for d in store.documents(pid) if d["id"] == doc]
    assert (row["number"], row["symbol"], row["summary"]) == ("12", "QĐ-UBND", expected)
    unit = store.unit("x1")
    assert unit["name"] == "Thử Nghiệm" and unit["recipients"] == ["Như trên", "Tiếp nhận hồ sơ"]


def test_load_cleans_what_a_file_brings(demo_store):
    doc = dataio.dump(demo_store, None, PERIOD)
    section = next(iter(doc["narrative"]))
    doc["narrative"][section]["text"] = PASTED
    doc["values"]["BM1/1"]["note"] = "a\vb\x01"
    doc["documents"][0]["summary"] = "x\x07y"
    dataio.load(demo_store, doc, replace=True)
    pid = demo_store.get_period(demo_store.unit()["code"], PERIOD)["id"]
    assert demo_store.narratives(pid)[section]["text"] == "dòng một\ndòng hai\nba Tiếp nhận hồ sơ"
    assert demo_store.values(pid)["BM1/1"]["note"] == "a\nb"
    assert demo_store.documents(pid)[0]["summary"] == "xy"


@pytest.fixture
def dirty_file(demo_file, tmp_path):
    """An older data file holding raw control characters (written before the store cleaned)."""
    path = tmp_path / "cu.sqlite"
    shutil.copy(demo_file, path)
    conn = sqlite3.connect(path)
    conn.execute("UPDATE indicator_values SET note = ? WHERE code = 'BM1/1'", ["a\vb\x01c"])
    conn.execute("UPDATE narratives SET text = text || ?", ["\v\x02" + NFD])
    conn.execute("UPDATE dossier_rows SET field = field || '\x0b' WHERE field != ''")
    conn.execute("UPDATE documents SET summary = summary || '\x07'")
    conn.commit()
    conn.close()
    return path


def test_every_export_copes_with_an_older_file(dirty_file, tmp_path):
    from cchc_desktop.store import open_store

    store = open_store(dirty_file)
    try:
        data = values.load_report(store, None, PERIOD)
        xlsx = xlsx_appendix.write(data, tmp_path / "p.xlsx")
        docx = docx_report.write(data, tmp_path / "b.docx", charts=False)
        text = dataio.dumps(dataio.dump(store, None, PERIOD))
    finally:
        store.close()
    cells = [c.value for ws in openpyxl.load_workbook(xlsx) for row in ws.iter_rows() for c in row
             if isinstance(c.value, str)]
    assert any("a\nbc" == v for v in cells)
    body = zipfile.ZipFile(docx).read("word/document.xml").decode("utf-8")
    assert "\x0b" not in body and "\x07" not in body
    doc = json.loads(text)
    assert doc["values"]["BM1/1"]["note"] == "a\nbc"
    assert not any(ord(ch) < 32 and ch not in "\t\n" for ch in text)


def test_a_pasted_note_no_longer_stops_the_package(demo_file, tmp_path):
    """The issue's reproduction: `set … --note $'a\\vb'`, then `package` and `export --xlsx`."""
    db = tmp_path / "xa.sqlite"
    shutil.copy(demo_file, db)
    done = run_cli("set", "--db", db, "--period", PERIOD, "BM1/1", "25", "--note", "a\vb")
    assert done.returncode == 0, done.stderr
    out = tmp_path / "usb"
    out.mkdir()
    # the demo's two errors are accepted first (an error blocks the package, issue 17)
    assert run_cli("chap-nhan-loi", "--db", db, "--period", PERIOD, "--tat-ca", "--ly-do", "Đúng văn bản gốc").returncode == 0
    done = run_cli("package", "--db", db, "--period", PERIOD, "--out", out, "--chot")
    assert done.returncode == 0, done.stderr
    done = run_cli("export", "--db", db, "--period", PERIOD, "--xlsx", tmp_path / "p.xlsx")
    assert done.returncode == 0, done.stderr


def test_an_overlong_cell_fits_excel(demo_store, tmp_path):
    pid = demo_store.get_period(demo_store.unit()["code"], PERIOD)["id"]
    demo_store.set_note(pid, "BM1/1", "x" * 40_000)  # a very long "word": no space to break at
    data = values.load_report(demo_store, None, PERIOD)
    wb = openpyxl.load_workbook(xlsx_appendix.write(data, tmp_path / "p.xlsx"))
    longest = max(len(c.value) for ws in wb for row in ws.iter_rows() for c in row if isinstance(c.value, str))
    assert longest == xlsx_appendix.XLSX_CELL_MAX
