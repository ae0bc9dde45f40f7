"""Word export of the demo against python-docx building the same content with no formatting.

    .venv/bin/python bench/bench_export_docx.py

Baseline, measured in the same run: python-docx's own API (`add_paragraph`, `add_table`,
`cell.text`) builds a document with the same body paragraphs (same texts) and tables of the
same shapes (same cell texts) as the export, and saves it. The export (charts off) does
everything the real one does: load nothing (the data is in memory), build, save, write
atomically. Target ≤ 2×. The annual report with its two charts (matplotlib) is printed too.
"""
import io
import sys
import tempfile
from pathlib import Path

from _common import ROOT, report, time_call

sys.path.insert(0, str(ROOT))

import docx  # noqa: E402

from cchc_desktop import dataio  # noqa: E402
from cchc_desktop.report import values
from cchc_desktop.exporting import docx_report  # noqa: E402
from cchc_desktop.store import open_store  # noqa: E402

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def text_of(el) -> str:
    return "".join(t.text or "" for t in el.iter(f"{W}t"))


def content_of(doc):
    """[("p", text) | ("t", [[cell text]])] of the body, in order."""
    out = []
    for el in doc.element.body:
        if el.tag == f"{W}p":
            out.append(("p", text_of(el)))
        elif el.tag == f"{W}tbl":
            out.append(("t", [[text_of(tc) for tc in tr.iter(f"{W}tc")] for tr in el.iter(f"{W}tr")]))
    return out


def baseline(content, path: Path) -> None:
    d = docx.Document()
    for kind, value in content:
        if kind == "p":
            d.add_paragraph(value)
        else:
            cols = max(len(r) for r in value)
            t = d.add_table(rows=len(value), cols=cols)
            for row, texts in zip(t.rows, value):
                for cell, text in zip(row.cells, texts):
                    cell.text = text
    buf = io.BytesIO()
    d.save(buf)
    path.write_bytes(buf.getvalue())


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        store = open_store(tmp / "demo.sqlite")
        dataio.load_demo(store)
        data = values.load_report(store, None, "2023-NAM")
        store.close()
        doc, paragraphs, cells = docx_report.build(data, charts=False)
        content = content_of(doc)
        n_par = sum(1 for k, _ in content if k == "p")
        n_cells = sum(len(r) for k, v in content if k == "t" for r in v)
        export = time_call(lambda: docx_report.write(data, tmp / "bc.docx", charts=False), runs=9)
        base = time_call(lambda: baseline(content, tmp / "base.docx"), runs=9)
        charts = time_call(lambda: docx_report.write(data, tmp / "bc-charts.docx", charts=True), runs=3)
        print(f"demo: {n_par} body paragraphs, {n_cells} table cells "
              f"({paragraphs} paragraphs counting those in cells)\n")
        report("Word export of the demo (bench/bench_export_docx.py)", [
            ("export, charts off, vs python-docx plain build of the same content", export, base, 2),
            ("export with the 2 charts (matplotlib), vs the same baseline", charts, base, None),
        ])


if __name__ == "__main__":
    main()
