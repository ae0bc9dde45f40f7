"""Bench: importing a 50 000-row dossier register vs pandas.read_excel merely reading it.

Target (issue 6): the whole import (header detection, parsing every row, one transaction of
upserts into a fresh data file) at least 3 times faster than `pandas.read_excel` reading the
same file, both measured in this run. pandas is a bench-only dependency: without it the
script says so and exits 0.

    .venv/bin/pip install pandas
    .venv/bin/python bench/bench_register_import.py [ROWS]
"""
from __future__ import annotations

import datetime as dt
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

from _common import ROOT, report  # noqa: F401  (puts the project on sys.path)


def make_register(path: Path, n: int) -> None:
    """A register as an office's Excel saves it: title rows, shared strings, date cells, personal columns."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "Danh sách hồ sơ"
    ws.append(["UBND XÃ CHI LĂNG NAM"])
    ws.append(["DANH SÁCH HỒ SƠ TIẾP NHẬN VÀ TRẢ KẾT QUẢ"])
    ws.append(["Từ ngày 01/01/2023 đến ngày 31/12/2023"])
    ws.append(["STT", "Số hồ sơ", "Tên thủ tục", "Lĩnh vực", "Chủ hồ sơ", "Số điện thoại", "Địa chỉ",
               "Ngày tiếp nhận", "Ngày hẹn trả", "Ngày trả kết quả", "Cơ quan", "Cán bộ xử lý", "Trạng thái",
               "Hình thức nộp"])
    r = random.Random(1)
    fields = ["Hộ tịch", "Chứng thực", "Người có công", "Bảo trợ xã hội", "Đất đai", "Tư pháp"]
    procs = ["Đăng ký khai sinh", "Chứng thực bản sao từ bản chính", "Đăng ký kết hôn", "Trợ cấp xã hội hằng tháng",
             "Xác nhận tình trạng hôn nhân", "Đăng ký khai tử"]
    people = [f"Nguyễn Văn {c}" for c in "ABCDEGHIKLMNOPQRSTUVXY"]
    base = dt.datetime(2023, 1, 1, 7, 30)
    for i in range(n):
        rec = base + dt.timedelta(minutes=r.randrange(0, 525_000))
        due = rec + dt.timedelta(days=r.choice([0, 1, 3, 5, 7, 15]))
        fin = rec + dt.timedelta(days=r.randrange(0, 20)) if r.random() < 0.93 else None
        ws.append([i + 1, f"000.00.31.H18-{230000 + i}", r.choice(procs), r.choice(fields), r.choice(people),
                   f"09{r.randrange(10 ** 8):08d}", "Thôn Đông, xã Chi Lăng Nam", rec, due, fin,
                   "UBND xã Chi Lăng Nam", "Cán bộ một cửa", "Đã trả kết quả" if fin else "Đang xử lý",
                   r.choice(["Trực tuyến", "Trực tiếp", "Bưu chính"])])
    ws.append(["Tổng cộng", f"{n} hồ sơ"])
    wb.save(path)


def main() -> int:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 50_000
    try:
        import pandas as pd
    except ImportError:
        print("pandas chưa được cài (chỉ dùng cho bench): `.venv/bin/pip install pandas`. Bỏ qua bench này.")
        return 0
    from cchc_desktop.importing import register as reg
    from cchc_desktop.store import open_store

    tmp = Path(tempfile.mkdtemp(prefix="bench-register-"))
    path = tmp / "so-ho-so.xlsx"
    t = time.perf_counter()
    make_register(path, n)
    print(f"register: {n} rows, {path.stat().st_size / 1e6:.1f} MB, made in {time.perf_counter() - t:.1f} s")

    def run_import(k: int) -> float:
        store = open_store(tmp / f"d{k}.sqlite")
        store.create_unit("x1", "Chi Lăng Nam")
        t0, c0 = time.perf_counter(), time.process_time()
        summary = reg.import_register(store, "x1", path)
        took = time.perf_counter() - t0
        cpu["import"].append(time.process_time() - c0)
        assert summary.imported == n, summary.text(5)
        store.close()
        return took

    def run_pandas() -> float:
        t0, c0 = time.perf_counter(), time.process_time()
        df = pd.read_excel(path, header=3)
        took = time.perf_counter() - t0
        cpu["pandas"].append(time.process_time() - c0)
        assert len(df) >= n
        return took

    cpu: dict[str, list[float]] = {"import": [], "pandas": []}
    imports, readings = [], []
    for k in range(3):  # interleaved, so that a busy moment hits both alike
        imports.append(run_import(k))
        readings.append(run_pandas())
    # Best of 3 (the run least disturbed by other work on the machine), and CPU time as a check.
    t_imp, t_pd = min(imports), min(readings)
    report(f"Register import, {n} rows (best of 3, interleaved)", [
        ("import_register (read + parse + one transaction), wall time", t_imp, t_pd, 0.333),
        ("the same, CPU time of the process (median)", statistics.median(cpu["import"]),
         statistics.median(cpu["pandas"]), 0.333),
    ])
    print(f"\npandas.read_excel: {t_pd:.2f} s; import: {t_imp:.2f} s; import is {t_pd / t_imp:.1f}× faster "
          f"(target ≥ 3×). Runs: import {[round(x, 2) for x in imports]}, pandas {[round(x, 2) for x in readings]}; "
          f"CPU import {[round(x, 2) for x in cpu['import']]}, pandas {[round(x, 2) for x in cpu['pandas']]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
