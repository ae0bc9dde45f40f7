"""The QĐ 766 service index: its data file, the register's index columns, and the scores of a
small register computed by hand (the comments give each figure's working)."""
from __future__ import annotations

import datetime as dt
import json
import shutil
import sqlite3
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from cchc_desktop.domain import index766 as index_def
from cchc_desktop.errors import UserError
from cchc_desktop.importing import register as reg
from cchc_desktop.report import index766
from cchc_desktop.store import open_store
from tests.conftest import run_cli

HEADERS = ["STT", "Số hồ sơ", "Tên thủ tục", "Lĩnh vực", "Ngày tiếp nhận", "Ngày hẹn trả", "Ngày trả kết quả",
           "Trạng thái", "Hình thức nộp", "Đồng bộ DVC quốc gia", "Số hóa hồ sơ", "Thanh toán trực tuyến",
           "Kết quả điện tử", "Đánh giá hài lòng"]
D = dt.date
# The window of 2024-NAM: 15/12/2023 – 14/12/2024.
ROWS = [
    # code, received, due, finished, status, channel, synced, digitised, payment, e-result, rating
    ("A", D(2024, 3, 1), D(2024, 3, 5), D(2024, 3, 4), "Đã trả kết quả", "Trực tuyến toàn trình", "Có", "Có",
     "Trực tuyến", "Có", "Hài lòng"),
    ("B", D(2024, 3, 2), D(2024, 3, 6), D(2024, 3, 8), "Đã trả kết quả", "Trực tiếp", "Chưa đồng bộ", "x",
     "Tiền mặt", "Không", "Hài lòng"),
    ("C", D(2024, 4, 10), D(2024, 4, 12), D(2024, 4, 12), "Đã trả kết quả", "Trực tuyến một phần", "Có", "Không",
     "", "Có", "Không hài lòng"),
    ("D", D(2024, 12, 1), D(2024, 12, 20), None, "Đang giải quyết", "Trực tiếp", "Có", "Có", "Trực tuyến", "",
     ""),
    ("E", D(2024, 11, 1), D(2024, 11, 10), None, "Đang giải quyết", "Trực tuyến toàn trình", "Có", "Có", "", "",
     ""),
    ("F", D(2023, 12, 1), D(2023, 12, 10), D(2023, 12, 20), "Đã trả kết quả", "Trực tiếp", "Có", "Có", "", "Có",
     "Hài lòng"),
    ("G", D(2024, 5, 1), D(2024, 5, 5), None, "Công dân rút hồ sơ", "Trực tiếp", "Không", "Không", "Tiền mặt", "",
     "Không hài lòng"),
    ("H", D(2023, 11, 1), D(2023, 11, 6), D(2023, 11, 5), "Đã trả kết quả", "Trực tiếp", "Có", "Có", "", "Có", ""),
]


def write(path: Path, rows=ROWS, headers=HEADERS) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(headers)
    for i, r in enumerate(rows, 1):
        code, recv, due, fin, status, channel, *flags = r
        full = [i, code, "Đăng ký khai sinh", "Hộ tịch", recv, due, fin, status, channel, *flags]
        ws.append(full[: len(headers)])
    wb.save(path)
    return path


def by_code(res):
    return {c.code: c for c in res.criteria()}


@pytest.fixture
def scored(mini_store, tmp_path):
    store, period_id = mini_store
    reg.import_register(store, "x1", write(tmp_path / "so.xlsx"))
    return store, period_id


def test_data_file_points_add_up_and_every_criterion_has_a_source():
    d = index_def.load()
    assert d.total == 100 and sum(g.points for g in d.groups) == 100
    assert [(g.code, g.points) for g in d.groups] == [("1", 18), ("2", 20), ("3", 22), ("4", 22), ("5", 18)]
    for c in d.criteria:
        assert c.sources and all(s in d.sources for s in c.sources)
        assert (c.measure in index_def.MEASURES) if c.measure else (c.numerator in d.inputs and c.denominator in d.inputs)
    # unsourced points stay unsourced: no maximum for 3.1–3.3, no rule for 3.0
    assert d.criterion("3.1").points is None and not d.criterion("3.0").scored


@pytest.mark.parametrize("change, words", [
    (('diem = 20\ncach_tinh = "ty_le"\nso_lieu = "dung_han"', 'diem = 19\ncach_tinh = "ty_le"\nso_lieu = "dung_han"'),
     "nhóm 2 (Tiến độ, kết quả giải quyết): điểm tối đa các chỉ tiêu cộng lại 19, khác 20"),
    (('so_lieu = "dong_bo"', 'so_lieu = "khong_co"'), "số liệu “khong_co” không tính được từ sổ"),
    (('tu_so = "tthc_day_du"', 'tu_so = "tthc_la"'), "giá trị nhập “tthc_la” không có trong [nhap]"),
    (('tong_diem = 100', 'tong_diem = 90'), "điểm các nhóm cộng lại 100, khác tổng điểm 90"),
    (('nguong = 90', 'nguong = 190'), "cần nguong từ 1 đến 100"),
])
def test_a_broken_data_file_is_refused_in_vietnamese(change, words):
    text = index_def.path_of().read_text(encoding="utf-8")
    assert change[0] in text
    with pytest.raises(index_def.IndexFileError) as e:
        index_def.parse(text.replace(change[0], change[1], 1), "Tệp thử")
    assert words in str(e.value) and str(e.value).startswith("Tệp thử có lỗi")


def test_the_index_columns_are_read_and_stored(scored):
    store, _ = scored
    got = {r[0]: r[1:] for r in store.db.execute(
        "SELECT code, online_kind, synced, digitised, paid_online, e_result, rating FROM register")}
    assert got["A"] == ("toan_trinh", 1, 1, 1, 1, 1)
    assert got["B"] == ("", 0, 1, 0, 0, 1)
    assert got["C"] == ("mot_phan", 1, 0, -1, 1, 0)
    assert got["D"] == ("", 1, 1, 1, 0, -1)


def test_scores_of_a_hand_computed_register(scored):
    store, period_id = scored
    index766.set_typed(store, period_id, "tthc_cong_bo_dung_han", "9")
    index766.set_typed(store, period_id, "tthc_cong_bo", "10")
    index766.set_typed(store, period_id, "pakn_dung_han", "0")
    index766.set_typed(store, period_id, "pakn_tiep_nhan", "0")
    res = index766.compute(store, "x1", "2024-NAM", with_lost=10)
    c = by_code(res)
    # received in the window: A B C D E (F before it, G withdrawn, H finished before it)
    assert (c["1.4"].numerator, c["1.4"].denominator, c["1.4"].points) == (4, 5, Decimal("4.80"))  # 6 × 4/5
    assert (c["1.1"].rate, c["1.1"].points) == (Decimal("90.00"), Decimal("5.40"))  # 6 × 9/10
    # handled: A B C D E F; on time A (early), C (on the day), D (pending, due after the end) = 3/6
    assert (c["2.1"].numerator, c["2.1"].denominator, c["2.1"].points) == (3, 6, Decimal("10.00"))
    # toàn trình A E of 5: the rate is shown, the points have no source
    assert (c["3.0"].rate, c["3.0"].points) == (Decimal("40.00"), None)
    assert "chưa có nguồn" in c["3.0"].missing
    # online with an e-result: A C of 5 = 40 %, × the sync rate 80 % = 32 %; maximum unsourced
    assert (c["3.3"].rate, c["3.3"].points) == (Decimal("32.00"), None)
    # fees: A (online), B (cash), D (online): 2/3 → 6 × 2/3
    assert (c["3.6"].numerator, c["3.6"].denominator, c["3.6"].points) == (2, 3, Decimal("4.00"))
    # finished in the window: A B C F; e-result A C F = 3/4 → 6 × 0,75
    assert (c["4.1"].numerator, c["4.1"].denominator, c["4.1"].points) == (3, 4, Decimal("4.50"))
    # digitised and e-result: A of 5 = 20 %, target 80 % → 4 × 20/80
    assert (c["4.2"].rate, c["4.2"].points) == (Decimal("20.00"), Decimal("1.00"))
    # finished: A (good), B (late), C (unsatisfied), F (late) → 25 %, target 90 % → 6 × 25/90
    assert (c["5.4"].numerator, c["5.4"].denominator, c["5.4"].points) == (1, 4, Decimal("1.67"))
    # no PAKN: full points, as the portal scores it
    assert c["5.2"].points == 6
    assert c["5.3"].points is None and "chưa nhập" in c["5.3"].missing
    groups = {g.code: g.points for g in res.groups}
    assert groups == {"1": Decimal("10.20"), "2": Decimal("10.00"), "3": Decimal("4.00"), "4": Decimal("5.50"),
                      "5": Decimal("7.67")}
    assert res.points == Decimal("37.37")
    lost = {k: [r["code"] for r in rows] for k, (n, rows) in res.lost.items()}
    assert lost == {"qua_han": ["F", "B", "E"], "chua_dong_bo": ["B"], "chua_so_hoa": ["B", "C", "E", "D"],
                    "khong_kq_dt": ["B"], "chua_tt_truc_tuyen": ["B"], "khong_hai_long": ["C"]}


def test_a_week_range_and_the_trend(scored):
    store, period_id = scored
    # weeks 9–10 of 2024: 26/2 – 10/3; handled A B (F and H finished before), on time A
    res = index766.compute(store, "x1", "2024-NAM", "2024-W09", "2024-W10")
    assert (res.start, res.end) == (D(2024, 2, 26), D(2024, 3, 10))
    assert (by_code(res)["2.1"].numerator, by_code(res)["2.1"].denominator) == (1, 2)
    months = index766.period_trend(store, "x1", "2024-NAM", by="month")
    assert months[0].label == "12/2023" and (months[0].start, months[0].end) == (D(2023, 12, 15), D(2023, 12, 31))
    # 15–31/12/2023: F alone, finished late: 0 of 20 for 2.1; its e-result: 6 of 6 for 4.1
    assert months[0].groups["2"] == 0 and months[0].groups["4"] == 6
    weeks = index766.period_trend(store, "x1", "2024-NAM", by="week")
    assert weeks[0].start == D(2023, 12, 15) and weeks[0].end == D(2023, 12, 17)
    assert all(w.end - w.start <= dt.timedelta(days=6) for w in weeks) and weeks[-1].end == D(2024, 12, 14)


def test_a_register_without_the_columns_is_chua_co_so_lieu_not_zero(mini_store, tmp_path):
    store, _ = mini_store
    reg.import_register(store, "x1", write(tmp_path / "so.xlsx", headers=HEADERS[:8]))
    res = index766.compute(store, "x1", "2024-NAM")
    c = by_code(res)
    for code in ("1.4", "3.0", "3.6", "4.1", "4.2", "5.4"):
        assert c[code].rate is None and c[code].points is None and c[code].missing.startswith("sổ hồ sơ chưa có cột")
    assert c["2.1"].points == Decimal("10.00")
    assert res.points == Decimal("10.00") and res.counted_max == 20


def test_reimport_moves_the_counts(scored, tmp_path):
    store, _ = scored
    rows = [list(r) for r in ROWS]
    rows[1][6] = "Đã đồng bộ"  # B synced now
    reg.import_register(store, "x1", write(tmp_path / "so2.xlsx", rows=[tuple(r) for r in rows]))
    c = by_code(index766.compute(store, "x1", "2024-NAM"))
    assert (c["1.4"].numerator, c["1.4"].denominator) == (5, 5)
    # the counts kept by the import equal those built again from the register
    before = store.db.execute("SELECT * FROM register_days_766 ORDER BY day").fetchall()
    from cchc_desktop.store import register as store_register
    store_register.rebuild_days(store.db)
    assert store.db.execute("SELECT * FROM register_days_766 ORDER BY day").fetchall() == before


@pytest.mark.parametrize("width", [len(HEADERS), 12, 9])
def test_first_import_counts_equal_the_sql_rebuild(mini_store, tmp_path, width):
    """A unit's first import writes its rows straight into the register and sums the per-day
    counts in memory: they equal those built again from the register in SQL (the migration's
    way), with every index column, without e-result and rating (no counts by the day finished),
    and with the channel alone."""
    store, _ = mini_store
    rows = ROWS + [("I", D(2024, 6, 3), None, D(2024, 6, 9), "Đã trả kết quả", "Trực tuyến toàn trình", "", "Có",
                    "Miễn phí", "Có", "Chưa đánh giá"),
                   ("J", D(2024, 6, 3), D(2024, 6, 4), D(2024, 6, 9), "Đã trả kết quả", "Bưu chính", "Có", "",
                    "Không thu phí", "Không", "Hài lòng")]
    reg.import_register(store, "x1", write(tmp_path / "so.xlsx", rows=rows, headers=HEADERS[:width]))
    from cchc_desktop.store import register as store_register

    def counts():  # the rows that count something (the SQL also writes days of zeros)
        return [[tuple(r) for r in store.db.execute(f"SELECT * FROM {t} ORDER BY 1, 2, 3, 4") if any(r[k:])]
                for t, k in (("register_days", 4), ("register_days_766", 2))]

    kept = counts()
    assert kept[0] and kept[1]
    store_register.rebuild_days(store.db)
    assert counts() == kept


def test_reimport_without_the_index_columns_keeps_their_values(scored, tmp_path):
    """A later export without the index columns changes, adds and leaves dossiers: the changed
    ones keep the index values the first import read, the new ones have none, nothing is
    counted twice, and the per-day tables equal those built again from the register."""
    store, _ = scored
    rows = [list(r) for r in ROWS]
    rows[0][3] = D(2024, 3, 5)  # A finished a day later: changed
    rows += [["K", D(2024, 7, 1), D(2024, 7, 3), D(2024, 7, 2), "Đã trả kết quả", "Trực tiếp"]]  # new
    s = reg.import_register(store, "x1", write(tmp_path / "so3.xlsx", rows=[tuple(r) for r in rows],
                                               headers=HEADERS[:9]))
    assert (s.imported, s.updated) == (1, 1)
    got = {r[0]: tuple(r[1:]) for r in store.db.execute(
        "SELECT code, finished_date, synced, digitised, paid_online, e_result, rating FROM register")}
    assert got["A"] == ("2024-03-05", 1, 1, 1, 1, 1) and got["K"] == ("2024-07-02", None, None, None, None, None)
    from cchc_desktop.store import register as store_register

    def counts():
        return [[tuple(r) for r in store.db.execute(f"SELECT * FROM {t} ORDER BY 1, 2, 3, 4") if any(r[k:])]
                for t, k in (("register_days", 4), ("register_days_766", 2))]

    kept = counts()
    store_register.rebuild_days(store.db)
    assert counts() == kept


def test_typed_values_refuse_bad_input_and_final_periods(mini_store):
    store, period_id = mini_store
    with pytest.raises(UserError, match="số nguyên không âm"):
        index766.set_typed(store, period_id, "tthc_cong_bo", "-3")
    with pytest.raises(UserError, match="không phải một số"):
        index766.set_typed(store, period_id, "tthc_cong_bo", "mười")
    with pytest.raises(UserError, match="Không có giá trị nhập"):
        index766.set_typed(store, period_id, "khong_co", "1")
    assert index766.typed_values(store, period_id) == {}
    index766.set_typed(store, period_id, "tthc_cong_bo", "1.200")
    assert index766.typed_values(store, period_id) == {"tthc_cong_bo": 1200}
    index766.set_typed(store, period_id, "tthc_cong_bo", "")
    assert index766.typed_values(store, period_id) == {}
    store.set_status(period_id, "final")
    with pytest.raises(UserError, match="đã chốt"):
        index766.set_typed(store, period_id, "tthc_cong_bo", "3")


def test_typed_numerator_above_denominator_gives_no_points(mini_store):
    store, period_id = mini_store
    index766.set_typed(store, period_id, "tthc_day_du", "5")
    index766.set_typed(store, period_id, "tthc_da_cong_khai", "4")
    c = by_code(index766.compute(store, "x1", "2024-NAM"))["1.3"]
    assert c.points is None and "lớn hơn" in c.missing


def test_upgrade_from_v8_leaves_the_index_chua_co_so_lieu(tmp_path):
    src = Path(__file__).resolve().parent / "fixtures" / "schema" / "v8.sqlite"
    path = tmp_path / "v8.sqlite"
    shutil.copy(src, path)
    store = open_store(path)
    try:
        cols = {r[1] for r in store.db.execute("PRAGMA table_info(register)")}
        assert {"online_kind", "synced", "digitised", "paid_online", "e_result", "rating"} <= cols
        assert store.db.execute("SELECT COUNT(*) FROM register WHERE synced IS NOT NULL").fetchone()[0] == 0
        assert store.db.execute("SELECT COUNT(*) FROM register").fetchone()[0] > 0
        # no index value in the old register: nothing counted for the index, the figures come from register_days
        assert store.db.execute("SELECT COUNT(*) FROM register_days_766").fetchone()[0] == 0
        res = index766.compute(store, "x-co", "2023-NAM")
        c = by_code(res)
        assert c["1.4"].points is None and c["1.4"].missing.startswith("sổ hồ sơ chưa có cột")
        assert c["2.1"].denominator > 0 and c["2.1"].points is not None
        assert store.db.execute("SELECT COUNT(*) FROM index766_values").fetchone()[0] == 0
    finally:
        store.close()


def test_cli_json_and_typed_values(scored, tmp_path):
    store, _ = scored
    path = Path(store.db.conn.execute("PRAGMA database_list").fetchone()[2])
    store.close()
    r = run_cli("index-766", "--db", path, "--period", "2024-NAM", "--nhap", "tthc_cong_bo_dung_han=9",
                "--nhap", "tthc_cong_bo=10", "--json", "--ho-so-mat-diem", "5")
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout[r.stdout.index("{"):])
    groups = {g["ma"]: g for g in out["nhom"]}
    assert groups["1"]["diem"] == 10.2 and groups["1"]["diem_toi_da"] == 18
    crit = {c["ma"]: c for g in out["nhom"] for c in g["chi_tieu"]}
    assert crit["1.1"]["diem"] == 5.4 and crit["1.1"]["tu_so_lieu"] == "nhap" and "ChippedTopaz" in crit["1.1"]["nguon"]
    assert crit["3.1"]["diem"] is None and crit["3.1"]["chua_co"]
    assert out["ho_so_mat_diem"]["chua_dong_bo"]["ho_so"][0]["code"] == "B"
    r = run_cli("index-766", "--db", path, "--period", "2024-NAM", "--theo-thang")
    assert r.returncode == 0 and "Tổng điểm: 31,37 / 100" in r.stdout and "12/2023" in r.stdout
    assert "chưa có số liệu" in r.stdout and "[metrics]" in r.stdout
    r = run_cli("index-766", "--db", path, "--period", "2024-NAM", "--tu-tuan", "2024-W99")
    assert r.returncode != 0 and "không có tuần 99" in r.stderr


def test_an_index_with_nothing_counted_prints_chua_co_so_lieu_not_zero(mini_store):
    # no register, nothing typed: a 0 / 100 would read as a unit that lost every point
    store, _ = mini_store
    res = index766.compute(store, "x1", "2024-NAM")
    assert res.counted_max == 0
    lines = index766.text_lines(res)
    assert lines[1].startswith("Tổng điểm: chưa có số liệu / 100")
    assert all("chưa có số liệu /" in line for line in lines if line[:2] in {"1.", "2.", "3.", "4.", "5."})
    assert index766.score_text(Decimal("7.4"), Decimal(20)) == "7,4"
