"""The catalogue is data: loaded from TOML, checked, versioned per period."""
import pytest

from cchc_desktop.domain import catalogue
from cchc_desktop.report import values
from cchc_desktop.domain.catalogue import CatalogueError
from cchc_desktop.errors import UserError
from cchc_desktop.store import open_store
from conftest import MINI


def test_the_seed_catalogue_has_the_seven_forms_row_by_row():
    cat = catalogue.default()
    assert [f.code for f in cat.appendix_forms()] == ["BM1", "BM2", "BM3", "BM4", "BM5", "BM6", "BM7"]
    assert [r.stt for r in cat.form("BM1").rows][:5] == ["1.", "2.", "2.1.", "2.2.", "3."]
    row = cat.row("BM7/6.7")
    assert row.unit == "%" and row.formula == "pct([BM7/6.7.2], [BM7/6.7.1])"
    assert cat.row("BM1/5").choices == ((1, "Có"), (0, "Không"))
    assert cat.row("BM7/2").choice_label(2) == "3 cấp"
    assert cat.row("BM6/1.2").kind == "money" and cat.row("BM6/1.2").unit == "Triệu đồng"
    assert cat.row("BM3/3.3.1").formula == "[hs.ubnd.da_giai_quyet]"
    # Derived rows are evaluated after the rows they depend on.
    assert cat.order.index("BM7/6.7.1") < cat.order.index("BM7/6.7")


@pytest.mark.parametrize("broken,needle", [
    ('version = "X"\n[[forms]]\ncode = "A"\n[[forms.rows]]\nstt = "1."\nlabel = "a"\nkind = "count"\nformula = "[9.9]"', "không có"),
    ('version = "X"\n[[forms]]\ncode = "A"\n[[forms.rows]]\nstt = "1."\nlabel = "a"\nformula = "[1] + 1"', "vòng tròn"),
    ('version = "X"\n[[forms]]\ncode = "A"\n[[forms.rows]]\nstt = "1."\nlabel = "a"\nformula = "eval(1)"', "hàm"),
    ('version = "X"\n[[forms]]\ncode = "A"\n[[forms.rows]]\nstt = "1."\nlabel = "a"\nkind = "bogus"', "loại"),
    ('version = "X"\n[[forms]]\ncode = "A"\n[[forms.rows]]\nstt = "1."\nlabel = "a"\n[[forms.rows]]\nstt = "1"\nlabel = "b"', "trùng"),
    ('version = "X"\n[[forms]]\ncode = "A"\n[[forms.rows]]\nstt = "1."\nlabel = "a"\nkind = "choice"', "danh sách mã"),
    ('version = \n', "sai cú pháp TOML ở dòng 1, cột 11"),
    ('name = "no version"\n', "thiếu"),
])
def test_broken_catalogues_are_refused_in_vietnamese(broken, needle):
    with pytest.raises(CatalogueError) as e:
        catalogue.parse_text(broken, "thử.toml")
    assert needle in str(e.value)


def test_a_later_catalogue_never_changes_an_old_report(demo_file, tmp_path):
    import shutil

    path = tmp_path / "demo.sqlite"
    shutil.copy(demo_file, path)
    # Open the file with a province's other catalogue: it becomes the default for new periods only.
    store = open_store(path, MINI)
    assert store.default_catalogue_version == "TEST-1"
    old = values.load_report(store, None, "2023-NAM")
    assert old.catalogue.version == "HD-2023.1" and str(old.values["BM7/6.7"]) == "97.6"
    new = store.create_period(old.unit["code"], "2024-NAM")
    assert new["catalogue_version"] == "TEST-1"
    assert values.load_period(store, new["id"]).catalogue.row("A/1").label == "Tỷ lệ hoàn thành"
    store.close()


def test_a_version_keeps_the_content_it_was_first_stored_with(tmp_path):
    store = open_store(tmp_path / "x.sqlite", MINI)
    store.close()
    changed = MINI.read_text(encoding="utf-8").replace("Tỷ lệ hoàn thành", "Nhãn đã sửa")
    other = tmp_path / "same-version.toml"
    other.write_text(changed, encoding="utf-8")
    with pytest.raises(UserError, match="nội dung khác"):  # refused, and the file keeps its forms
        open_store(tmp_path / "x.sqlite", other)
    store = open_store(tmp_path / "x.sqlite", MINI)
    assert store.catalogue("TEST-1").row("A/1").label == "Tỷ lệ hoàn thành"
    store.close()


def test_the_fingerprint_follows_content_not_layout():
    text = MINI.read_text(encoding="utf-8")
    base = catalogue.parse_text(text).fingerprint
    relaid = "# một chú thích\n" + text.replace('label = "Tỷ lệ hoàn thành"', 'label   =   "Tỷ lệ hoàn thành"  # sửa')
    assert catalogue.parse_text(relaid).fingerprint == base
    for old, new in (('"Tỷ lệ hoàn thành"', '"Nhãn đã sửa"'), ('"pct([1.2], [1.1])"', '"pct([1.1], [1.2])"'),
                     ('op = "<="', 'op = "<"'), ('unit = "Triệu đồng"', 'unit = "Đồng"')):
        assert old in text
        assert catalogue.parse_text(text.replace(old, new, 1)).fingerprint != base, new
    assert catalogue.default().fingerprint != base


@pytest.mark.parametrize("code,typed,needle", [
    ("BM1/1", "-3", "Biểu mẫu 1, dòng 1: không được âm (-3), hãy nhập số nguyên không âm, ví dụ 12."),
    ("BM1/1", "2,5", "Biểu mẫu 1, dòng 1: phải là số nguyên, không nhận 2,5, hãy nhập số nguyên không âm, ví dụ 12."),
    ("BM1/1", "abc", "Biểu mẫu 1, dòng 1: “abc” không phải là một con số, hãy nhập"),
    ("BM1/1", "1e9999", "Biểu mẫu 1, dòng 1: “1e9999” không phải là một con số"),
    ("BM1/1", "10000000000000000", "quá lớn"),
    ("BM4/2.5", "120", "Biểu mẫu 4, dòng 2.5: tỷ lệ 120 % vượt quá 100, hãy nhập tỷ lệ từ 0 đến 100, ví dụ 97,6."),
    ("BM6/1.2", "1,23456", "Biểu mẫu 6, dòng 1.2: 1,23456 có quá 3 chữ số thập phân, hãy nhập số tiền (Triệu đồng)"),
    ("BM1/5", "7", "Biểu mẫu 1, dòng 5: không có mã 7 (chỉ nhận Có = 1; Không = 0), hãy nhập mã hoặc tên"),
    ("BM1/5", "Hông", "“Hông” không phải mã hay tên lựa chọn nào (chỉ nhận Có = 1; Không = 0)"),
    ("BM1/2", "5", "Biểu mẫu 1, dòng 2: được tính tự động"),
    ("TT/4", "-1", "Số liệu khác nêu trong báo cáo, dòng 4: không được âm"),
])
def test_value_errors_say_where_what_and_what_to_do(code, typed, needle):
    from cchc_desktop.errors import InvalidValue

    with pytest.raises(InvalidValue) as e:
        catalogue.default().row(code).parse(typed)
    assert needle in str(e.value)
    assert "Chỉ tiêu" not in str(e.value) and code not in str(e.value)


@pytest.mark.parametrize("code,typed,stored", [
    ("BM1/5", "Có", 1), ("BM1/5", "có", 1), ("BM1/5", "KHÔNG", 0), ("BM1/5", "khong", 0), ("BM1/5", "1", 1),
    ("BM7/2", "3 cấp", 2), ("BM7/2", "3 cap", 2), ("BM7/2", "chưa  có", 0), ("BM7/4", "Đang làm", 1),
    ("BM7/4", "dang lam", 1),
])
def test_a_coded_choice_is_typed_by_code_or_label(code, typed, stored):
    assert catalogue.default().row(code).parse(typed) == stored


def test_appendix_span_names_the_forms_of_the_catalogue():
    assert catalogue.default().appendix_span() == "Biểu mẫu 1–7"
    assert catalogue.load(MINI).appendix_span() == "Biểu mẫu A"
