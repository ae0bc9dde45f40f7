"""Bench: the dossier register at 10k / 50k / 200k / 1M rows (issue 16).

For each size, on a workbook shaped like a one-stop export (title rows, the 13 columns such a
system writes, shared strings, date cells, a totals row), app and baseline interleaved in pairs:
- import vs a bare python-calamine read of the same file (every row converted to Python), in
  process (wall and CPU) and as whole processes (`cchc-desktop import-register` vs a
  `python -c` that reads the file with calamine), with the peak RSS of each process;
- one period's figures per agency and field, and the month chart, on the imported register,
  against the scan of the register the earlier code ran (target ≤ 0.1 s each);
- importing 10 000 new rows into the file holding the register vs into an empty file (≤ 1.5×).

    .venv/bin/python bench/bench_register_import.py [ROWS ...]     # default 10000 50000 200000

BENCH_PAIRS (default 5) and BENCH_PROCESS_PAIRS (3) set the number of pairs; each line prints
the medians, the median of the pairs' ratios and their range (the machine is shared: one pair
says little).
"""
from __future__ import annotations

import datetime as dt
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

from _common import ROOT

from cchc_desktop.importing import excel_read

PAIRS = int(os.environ.get("BENCH_PAIRS", "5"))  # interleaved pairs per measurement
PROCESS_PAIRS = int(os.environ.get("BENCH_PROCESS_PAIRS", "3"))
HEADERS = ["STT", "Số hồ sơ", "Tên thủ tục", "Lĩnh vực", "Chủ hồ sơ", "Số điện thoại", "Địa chỉ",
           "Ngày tiếp nhận", "Ngày hẹn trả", "Ngày trả kết quả", "Cơ quan", "Trạng thái", "Hình thức nộp"]
FIELDS = ["Hộ tịch", "Chứng thực", "Người có công", "Bảo trợ xã hội", "Đất đai", "Tư pháp", "Cư trú",
          "Nghĩa vụ quân sự"]
PROCS = ["Đăng ký khai sinh", "Chứng thực bản sao từ bản chính", "Đăng ký kết hôn", "Trợ cấp xã hội hằng tháng",
         "Xác nhận tình trạng hôn nhân", "Đăng ký khai tử", "Công nhận hòa giải viên"]
AGENCY = {"Cư trú": "Công an xã", "Nghĩa vụ quân sự": "BCH Quân sự xã"}


def make_register(path: Path, n: int, first_code: int = 0, years: int = 4) -> None:
    """The workbook an export tool writes: shared strings, date cells (style 1: dd/mm/yyyy), written
    directly as XML (openpyxl would take minutes at 1M rows)."""
    r = random.Random(first_code + n)
    strings: dict[str, int] = {}

    def s(text: str) -> str:
        i = strings.get(text)
        if i is None:
            i = strings[text] = len(strings)
        return str(i)

    people = [f"Nguyễn Văn {c}{d}" for c in "ABCDEGHIKLMNOPQRSTUVXY" for d in "ABCDEFGH"]
    addresses = [f"Thôn {k}, xã Chi Lăng Nam" for k in range(1, 40)]
    base = (dt.date(2021, 1, 1) - dt.date(1899, 12, 30)).days
    span = 365 * years
    cols = [excel_read.col_letter(i) for i in range(len(HEADERS))]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as fh:
            buf = ['<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.'
                   'openxmlformats.org/spreadsheetml/2006/main"><dimension ref="A1:M' + str(n + 5) + '"/><sheetData>']
            titles = ["UBND XÃ CHI LĂNG NAM", "DANH SÁCH HỒ SƠ TIẾP NHẬN VÀ TRẢ KẾT QUẢ", "Kỳ: từ 01/01/2021"]
            for i, t in enumerate(titles, 1):
                buf.append(f'<row r="{i}"><c r="A{i}" t="s"><v>{s(t)}</v></c></row>')
            buf.append('<row r="4">' + "".join(f'<c r="{c}4" t="s"><v>{s(h)}</v></c>'
                                               for c, h in zip(cols, HEADERS)) + "</row>")
            for i in range(n):
                row = i + 5
                fld = r.choice(FIELDS)
                rec = base + r.randrange(span)
                due = rec + r.choice((0, 1, 3, 5, 7, 15))
                fin = rec + r.randrange(0, 20) if r.random() < 0.93 else None
                cells = (
                    f'<c r="A{row}"><v>{i + 1}</v></c>'
                    f'<c r="B{row}" t="s"><v>{s(f"000.00.31.H18-{first_code + i:07d}")}</v></c>'
                    f'<c r="C{row}" t="s"><v>{s(r.choice(PROCS))}</v></c>'
                    f'<c r="D{row}" t="s"><v>{s(fld)}</v></c>'
                    f'<c r="E{row}" t="s"><v>{s(r.choice(people))}</v></c>'
                    f'<c r="F{row}" t="s"><v>{s("09" + str(r.randrange(10 ** 8)).zfill(8))}</v></c>'
                    f'<c r="G{row}" t="s"><v>{s(r.choice(addresses))}</v></c>'
                    f'<c r="H{row}" s="1"><v>{rec}</v></c>'
                    f'<c r="I{row}" s="1"><v>{due}</v></c>'
                    + (f'<c r="J{row}" s="1"><v>{fin}</v></c>' if fin is not None else "")
                    + f'<c r="K{row}" t="s"><v>{s(AGENCY.get(fld, "UBND xã Chi Lăng Nam"))}</v></c>'
                    f'<c r="L{row}" t="s"><v>{s("Đã trả kết quả" if fin is not None else "Đang xử lý")}</v></c>'
                    f'<c r="M{row}" t="s"><v>{s(r.choice(("Trực tuyến", "Trực tiếp", "Bưu chính")))}</v></c>'
                )
                buf.append(f'<row r="{row}">{cells}</row>')
                if len(buf) > 5000:
                    fh.write("".join(buf).encode())
                    buf = []
            row = n + 5
            buf.append(f'<row r="{row}"><c r="A{row}" t="s"><v>{s("Tổng cộng")}</v></c>'
                       f'<c r="B{row}" t="s"><v>{s(f"{n} hồ sơ")}</v></c></row>')
            buf.append("</sheetData></worksheet>")
            fh.write("".join(buf).encode())
        from xml.sax.saxutils import escape

        sst = "".join(f"<si><t>{escape(t)}</t></si>" for t in strings)
        z.writestr("xl/sharedStrings.xml", '<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.'
                   f'openxmlformats.org/spreadsheetml/2006/main" count="{len(strings)}" uniqueCount="{len(strings)}">'
                   + sst + "</sst>")
        z.writestr("xl/styles.xml", '<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="http://schemas.'
                   'openxmlformats.org/spreadsheetml/2006/main"><numFmts count="1"><numFmt numFmtId="164" '
                   'formatCode="dd/mm/yyyy"/></numFmts><fonts count="1"><font/></fonts><fills count="1"><fill/>'
                   '</fills><borders count="1"><border/></borders><cellStyleXfs count="1"><xf/></cellStyleXfs>'
                   '<cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="164" applyNumberFormat="1"/></cellXfs>'
                   '</styleSheet>')
        z.writestr("xl/workbook.xml", '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.'
                   'openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/'
                   'officeDocument/2006/relationships"><sheets><sheet name="Danh sách hồ sơ" sheetId="1" '
                   'r:id="rId1"/></sheets></workbook>')
        z.writestr("xl/_rels/workbook.xml.rels", '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns='
                   '"http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type='
                   '"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target='
                   '"worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/'
                   'officeDocument/2006/relationships/styles" Target="styles.xml"/><Relationship Id="rId3" '
                   'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" '
                   'Target="sharedStrings.xml"/></Relationships>')
        z.writestr("[Content_Types].xml", '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.'
                   'openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType='
                   '"application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" '
                   'ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/'
                   'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/'
                   'worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.'
                   'spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType='
                   '"application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/><Override '
                   'PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.'
                   'spreadsheetml.styles+xml"/></Types>')
        z.writestr("_rels/.rels", '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
                   'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.'
                   'openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
                   '</Relationships>')


BARE_READ = ("import sys, python_calamine as pc\n"
             "sh = pc.CalamineWorkbook.from_path(sys.argv[1]).get_sheet_by_index(0)\n"
             "n = 0\n"
             "for row in sh.iter_rows():\n"
             "    n += 1\n"
             "print(n)\n")


def bare_read(path: Path) -> int:
    ns: dict = {}
    sys.argv = ["x", str(path)]
    exec(BARE_READ.replace("print(n)\n", ""), ns)
    return ns["n"]


# Runs a command's Python code, then prints its own peak RSS (VmHWM starts afresh at exec; the
# rusage of a forked child would count the bench's own memory at fork time).
PEAK = ("import runpy, sys\n"
        "try:\n"
        "    if sys.argv[1] == '-m':\n"
        "        sys.argv = sys.argv[2:]; runpy.run_module(sys.argv[0], run_name='__main__')\n"
        "    else:\n"
        "        code = sys.argv[2]; sys.argv = ['-c'] + sys.argv[3:]; exec(compile(code, '-c', 'exec'), {})\n"
        "except SystemExit as e:\n"
        "    if e.code: raise\n"
        "finally:\n"
        "    hwm = [l for l in open('/proc/self/status') if l.startswith('VmHWM')][0].split()[1]\n"
        "    sys.stderr.write(f'PEAK {hwm}\\n')\n")


def _children_cpu() -> float:
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


def run_process(cmd: list[str], env) -> tuple[float, float, float]:
    """(wall seconds, CPU seconds, peak RSS in MB) of a whole process."""
    t, c = time.perf_counter(), _children_cpu()
    p = subprocess.run([cmd[0], "-c", PEAK, *cmd[1:]], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    took, cpu = time.perf_counter() - t, _children_cpu() - c
    err = p.stderr.decode()
    if p.returncode != 0:
        raise SystemExit(f"{cmd}: {err}")
    return took, cpu, int(err.rsplit("PEAK ", 1)[1].split()[0]) / 1024


def fresh_store(path: Path):
    from cchc_desktop.store import open_store

    if path.exists():
        for p in path.parent.glob(path.name + "*"):
            p.unlink()
        shutil.rmtree(path.parent / "sao-luu", ignore_errors=True)
    store = open_store(path)
    store.create_unit("x1", "Chi Lăng Nam")
    return store


def bench_size(n: int, tmp: Path) -> None:
    from cchc_desktop.importing import register as reg
    from cchc_desktop.store import register as store_register

    path = tmp / f"so-{n}.xlsx"
    t = time.perf_counter()
    make_register(path, n)
    print(f"\nregister: {n} rows, {path.stat().st_size / 1e6:.1f} MB, written in {time.perf_counter() - t:.1f} s")

    # in process: import into a fresh file vs a bare calamine read, in pairs
    imp, base, imp_cpu, base_cpu = [], [], [], []
    db = tmp / f"d{n}" / "d.sqlite"
    db.parent.mkdir(exist_ok=True)
    for _ in range(PAIRS):
        store = fresh_store(db)
        t0, c0 = time.perf_counter(), time.process_time()
        summary = reg.import_register(store, "x1", path)
        imp.append(time.perf_counter() - t0)
        imp_cpu.append(time.process_time() - c0)
        assert summary.imported == n, summary.text(5)
        store.close()
        t0, c0 = time.perf_counter(), time.process_time()
        assert bare_read(path) >= n
        base.append(time.perf_counter() - t0)
        base_cpu.append(time.process_time() - c0)

    # whole processes, with their peak RSS
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    template = tmp / f"t{n}" / "t.sqlite"
    template.parent.mkdir(exist_ok=True)
    fresh_store(template).close()
    p_imp, p_base, rss_imp, rss_base, pc_imp, pc_base = [], [], [], [], [], []
    for _ in range(PROCESS_PAIRS):
        target = tmp / f"p{n}" / "p.sqlite"
        shutil.rmtree(target.parent, ignore_errors=True)
        target.parent.mkdir()
        shutil.copy(template, target)
        w, c, rss = run_process([sys.executable, "-m", "cchc_desktop", "import-register", "--db", str(target),
                                 str(path)], env)
        p_imp.append(w)
        pc_imp.append(c)
        rss_imp.append(rss)
        w, c, rss = run_process([sys.executable, "-c", BARE_READ, str(path)], env)
        p_base.append(w)
        pc_base.append(c)
        rss_base.append(rss)

    # figures and the month chart on the imported register, vs the scan the earlier code ran
    store = fresh_store(db)
    reg.import_register(store, "x1", path)
    windows = [("2024-01-01", "2024-12-31"), ("2024-10-01", "2024-12-31"), ("2021-01-01", "2021-03-31")]

    def figures():
        for s, e in windows:
            reg.figures_by_agency(store, "x1", s, e)

    def old_scan():
        for s, e in windows:
            for _ in store.db.execute(
                    "SELECT field, agency, channel, received_date, due_date, finished_date, status FROM register "
                    "WHERE unit_code = ? AND received_date <= ? AND (finished_date IS NULL OR finished_date >= ?)",
                    ["x1", e, s]):
                pass

    def months():
        for s, e in windows:
            store_register.month_counts(store, "x1", s, e)

    def old_months():
        for s, e in windows:
            for col in ("received_date", "finished_date"):
                store.db.execute(f"SELECT substr({col}, 1, 7), COUNT(*) FROM register WHERE unit_code = ? "
                                 f"AND substr({col}, 1, 10) BETWEEN ? AND ? GROUP BY 1", ["x1", s, e]).fetchall()

    f_new, f_old, m_new, m_old = [], [], [], []
    for _ in range(PAIRS):
        for fn, out in ((figures, f_new), (old_scan, f_old), (months, m_new), (old_months, m_old)):
            t0 = time.perf_counter()
            fn()
            out.append((time.perf_counter() - t0) / len(windows))
    store.close()

    # 10 000 new rows into the file holding this register vs into an empty file
    small = tmp / "so-10k-more.xlsx"
    if not small.exists():
        make_register(small, 10_000, first_code=5_000_000)
    into_big, into_empty, backups = [], [], []
    big_copy = tmp / f"b{n}" / "b.sqlite"
    for _ in range(PAIRS):
        shutil.rmtree(big_copy.parent, ignore_errors=True)
        big_copy.parent.mkdir()
        for p in db.parent.glob("d.sqlite*"):
            shutil.copy(p, big_copy.parent / p.name.replace("d.sqlite", "b.sqlite"))
        from cchc_desktop.store import open_store

        store = open_store(big_copy)
        # the backup before the import (one per command: the CLI makes it on opening, the import
        # then finds it current) is timed apart: it copies the whole file, whatever the import
        from cchc_desktop.store import backup

        t0 = time.perf_counter()
        backup.backup_if_changed(store, "nhap")
        backups.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        assert reg.import_register(store, "x1", small).imported == 10_000
        into_big.append(time.perf_counter() - t0)
        store.close()
        store = fresh_store(tmp / "e" / "e.sqlite") if (tmp / "e").exists() else None
        if store is None:
            (tmp / "e").mkdir()
            store = fresh_store(tmp / "e" / "e.sqlite")
        t0 = time.perf_counter()
        assert reg.import_register(store, "x1", small).imported == 10_000
        into_empty.append(time.perf_counter() - t0)
        store.close()

    med = statistics.median

    def row(what, app, base, target=None):
        """median app / baseline time, the median of the pairs' ratios and their range"""
        ratios = sorted(a / b for a, b in zip(app, base))
        ok = "" if target is None else (" ✓" if med(ratios) <= target else " ✗")
        print(f"| {what} | {med(app) * 1000:.0f} ms | {med(base) * 1000:.0f} ms | {med(ratios):.2f}{ok} | "
              f"{ratios[0]:.2f}–{ratios[-1]:.2f} | {f'≤ {target}' if target else ''} |")

    print(f"## Register, {n} rows: {PAIRS} pairs in process, {PROCESS_PAIRS} whole-process pairs, app and "
          "baseline interleaved")
    print("| measurement | app (median) | baseline (median) | ratio (median of pairs) | range | target |")
    print("|---|---|---|---|---|---|")
    row("import vs bare python-calamine read, in process, wall", imp, base, 1.5)
    row("the same, CPU time", imp_cpu, base_cpu, 1.5)
    row("`import-register` process vs `python -c` calamine read process, wall", p_imp, p_base, 1.5)
    row("the same, CPU time (user + system)", pc_imp, pc_base, 1.5)
    row("one period's figures per agency and field vs the earlier register scan", f_new, f_old)
    row("month chart counts vs the earlier substr() query", m_new, m_old)
    row("10 000 rows into this register vs into an empty file (the backup apart)", into_big, into_empty, 1.5)
    row("the same with the backup of this file before it", [a + b for a, b in zip(into_big, backups)], into_empty)
    print(f"peak RSS: import-register {max(rss_imp):.0f} MB, bare calamine read {max(rss_base):.0f} MB "
          f"(target at 1M rows ≤ 250 MB); the backup of this file {med(backups) * 1000:.0f} ms; figures "
          f"{med(f_new) * 1000:.1f} ms, month chart {med(m_new) * 1000:.1f} ms per period (target ≤ 100 ms)")


def main() -> int:
    sizes = [int(a) for a in sys.argv[1:]] or [10_000, 50_000, 200_000]
    tmp = Path(tempfile.mkdtemp(prefix="bench-register-"))
    try:
        for n in sizes:
            bench_size(n, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
