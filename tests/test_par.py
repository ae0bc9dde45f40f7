"""PAR Index criteria sets (issue 21): the TOML loader's validation and the Excel form import."""
from __future__ import annotations

from decimal import Decimal

import openpyxl
import pytest

from cchc_desktop.domain import par_criteria as pc
from cchc_desktop.importing import par_excel

HEAD = '''tinh = "Thử"
nam = 2025
phien_ban = "THU-2025"
ten = "Bộ tiêu chí thử"
van_ban = "Tệp thử của bộ kiểm thử (không phải văn bản thật)"
tong_diem = 10
'''
GOOD = HEAD + '''
[[tieu_chi]]
ma = "1"
noi_dung = "Công tác chỉ đạo, điều hành CCHC"
diem_toi_da = 4
[[tieu_chi]]
ma = "1.1"
noi_dung = "Kế hoạch CCHC năm"
diem_toi_da = 2
cach_cham = "co_khong"
tai_lieu_kiem_chung = "Kế hoạch CCHC năm (số, ngày)"
[[tieu_chi]]
ma = "1.2"
noi_dung = "Mức độ hoàn thành kế hoạch"
diem_toi_da = 2
cach_cham = "ty_le"
de_xuat = "hoan_thanh_ke_hoach"
[[tieu_chi]]
ma = "2"
noi_dung = "Cải cách thủ tục hành chính"
diem_toi_da = 6
[[tieu_chi]]
ma = "2.1"
noi_dung = "Hồ sơ giải quyết đúng hạn"
diem_toi_da = 6
cach_cham = "muc"
muc = [0, 3, "4,5", 6]
'''


def test_good_set_builds_the_tree_and_totals():
    cs = pc.parse_text(GOOD)
    assert [c.code for c in cs.roots] == ["1", "2"]
    assert [c.code for c in cs.by_code["1"].children] == ["1.1", "1.2"]
    assert cs.total == 10
    assert [c.code for c in cs.leaves()] == ["1.1", "1.2", "2.1"]
    assert cs.by_code["2.1"].levels == (0, 3, Decimal("4.5"), 6)
    assert cs.by_code["1.2"].proposal == "hoan_thanh_ke_hoach"


def test_scores_checked_against_max_and_rule():
    cs = pc.parse_text(GOOD)
    assert cs.check_score("1.1", "2") == 2
    assert cs.check_score("1.2", "1,25") == Decimal("1.25")
    assert cs.check_score("2.1", "4,5") == Decimal("4.5")
    with pytest.raises(pc.CriteriaError, match="chỉ được 0 hoặc 2"):
        cs.check_score("1.1", 1)
    with pytest.raises(pc.CriteriaError, match="ngoài khoảng 0 – 2"):
        cs.check_score("1.2", 3)
    with pytest.raises(pc.CriteriaError, match="các mức 0, 3, 4,5, 6"):
        cs.check_score("2.1", 4)
    with pytest.raises(pc.CriteriaError, match="tiêu chí con"):
        cs.check_score("1", 1)
    with pytest.raises(pc.CriteriaError, match="Không có tiêu chí mã 9"):
        cs.check_score("9", 1)
    with pytest.raises(pc.CriteriaError, match="không phải là số điểm"):
        cs.check_score("1.2", "hai")


@pytest.mark.parametrize("change, message", [
    (('diem_toi_da = 4', 'diem_toi_da = 5'), "khác tổng điểm tối đa của các tiêu chí con"),
    (('ma = "1.2"', 'ma = "1.1"'), "bị trùng"),
    (('ma = "1.2"', 'ma = "3.2"'), "tiêu chí cha 3 phải đứng trước"),
    (('cach_cham = "ty_le"', 'cach_cham = "tuy_y"'), "cách chấm «tuy_y» không có"),
    (('cach_cham = "ty_le"\n', ''), "thiếu «cach_cham»"),
    (('tong_diem = 10', 'tong_diem = 11'), "tổng điểm 11 khác"),
    (('muc = [0, 3, "4,5", 6]', 'muc = [0, 3]'), "mức cao nhất phải bằng"),
    (('ma = "2.1"', 'ma = "2.x"'), "không đúng dạng"),
    (('de_xuat = "hoan_thanh_ke_hoach"', 'de_xuat = "x"'), "đề xuất «x» không có"),
    (('nam = 2025', 'nam = "abc"'), "thiếu «nam»"),
])
def test_bad_sets_refused_in_vietnamese(change, message):
    with pytest.raises(pc.CriteriaError, match=message):
        pc.parse_text(GOOD.replace(*change, 1))


def test_toml_syntax_error_is_a_user_error():
    with pytest.raises(pc.CriteriaError, match="sai cú pháp"):
        pc.parse_text("tinh = ")


def _form(path, rows):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["BỘ TIÊU CHÍ CHỈ SỐ CCHC CẤP XÃ"])
    ws.append(["STT", "Nội dung", "Điểm tối đa", "Tài liệu kiểm chứng", "Cách chấm"])
    for r in rows:
        ws.append(list(r))
    wb.save(path)


def test_excel_form_imports_to_the_same_structure(tmp_path):
    f = tmp_path / "bo-tieu-chi.xlsx"
    _form(f, [("I", "Công tác chỉ đạo", 4, None, None),
              ("1", "Kế hoạch CCHC", 4, None, None),
              ("1.1", "Ban hành kế hoạch", 1, "Kế hoạch", "Có/không"),
              ("1.2", "Hoàn thành kế hoạch", 3, "Báo cáo", "Theo tỷ lệ"),
              (None, None, None, None, None),
              ("II", "Cải cách TTHC", 2.5, None, None),
              ("1", "Công khai TTHC", 2.5, "Ảnh chụp", None)])
    cs = par_excel.read(f, "Thử", 2025, "Văn bản thử")
    assert [c.code for c in cs.walk()] == ["1", "1.1", "1.1.1", "1.1.2", "2", "2.1"]
    assert cs.by_code["1.1.1"].rule == "co_khong"
    assert cs.by_code["1.1.2"].rule == "ty_le"
    assert cs.by_code["2.1"].rule == "khoang"
    assert cs.by_code["2.1"].evidence == "Ảnh chụp"
    assert cs.total == Decimal("6.5")


def test_excel_form_with_wrong_sums_or_tree_refused(tmp_path):
    f = tmp_path / "sai.xlsx"
    _form(f, [("I", "A", 4, None, None), ("1", "B", 3, None, None)])
    with pytest.raises(pc.CriteriaError, match="khác tổng điểm tối đa"):
        par_excel.read(f, "Thử", 2025, "x")
    _form(f, [("1", "B", 3, None, None)])
    with pytest.raises(pc.CriteriaError, match="đứng trước lĩnh vực đầu tiên"):
        par_excel.read(f, "Thử", 2025, "x")
    _form(f, [("I", "A", 3, None, None), ("1", "B", 3, None, None), ("2.1", "C", 3, None, None)])
    with pytest.raises(pc.CriteriaError, match="không nằm dưới tiêu chí 2"):
        par_excel.read(f, "Thử", 2025, "x")
    g = tmp_path / "khac.xlsx"
    wb = openpyxl.Workbook()
    wb.active.append(["a", "b"])
    wb.save(g)
    with pytest.raises(pc.CriteriaError, match="không thấy dòng tiêu đề"):
        par_excel.read(g, "Thử", 2025, "x")
