import datetime as dt
from decimal import Decimal

import pytest

from cchc_desktop import fmt
from cchc_desktop.domain import periods
from cchc_desktop.errors import InvalidValue, UserError


def test_numbers_as_the_seed_writes_them():
    assert fmt.number(3225) == "3.225"
    assert fmt.number(11750652112) == "11.750.652.112"
    assert fmt.number(0) == "0"
    assert fmt.percent(Decimal(3147) * 100 / 3225) == "97,6"
    assert fmt.percent(100) == "100"
    assert fmt.percent(Decimal("85.61"), with_sign=True) == "85,6 %"
    assert fmt.money(Decimal("3523.681")) == "3.523,681"
    assert fmt.dong_from_million(Decimal("3523.681")) == "3.523.681.000"
    assert fmt.date("2023-12-15") == "15/12/2023"
    assert fmt.date_line("Chi Lăng Nam", "2024-02-05") == "Chi Lăng Nam, ngày 05 tháng 02 năm 2024"
    assert fmt.date_line("Chi Lăng Nam", "2023-12-15") == "Chi Lăng Nam, ngày 15 tháng 12 năm 2023"


@pytest.mark.parametrize("text,value", [
    ("3.225", 3225), ("3225", 3225), ("3.523,681", Decimal("3523.681")), ("97,6", Decimal("97.6")),
    ("97.6", Decimal("97.6")), ("11.750.652.112", 11750652112), (" 42 ", 42), ("100%", 100),
])
def test_parse_number(text, value):
    assert fmt.parse_number(text) == Decimal(value)


@pytest.mark.parametrize("text", ["abc", "1e9999", "", "3,2,1", "1.2.3,4,5", "12a", "9" * 20])
def test_parse_number_refuses(text):
    with pytest.raises(InvalidValue):
        fmt.parse_number(text)


def test_period_windows_follow_the_domain_note():
    w = lambda code: periods.default_window(periods.parse_code(code))  # noqa: E731
    assert w("2023-NAM") == (dt.date(2022, 12, 15), dt.date(2023, 12, 14))
    assert w("2024-Q1") == (dt.date(2023, 12, 15), dt.date(2024, 3, 14))
    assert w("2024-6T") == (dt.date(2023, 12, 15), dt.date(2024, 6, 14))
    assert w("2024-Q3") == (dt.date(2024, 6, 15), dt.date(2024, 9, 14))  # not cumulative
    assert w("2024-9T") == (dt.date(2023, 12, 15), dt.date(2024, 9, 14))


def test_period_names_and_codes():
    key = periods.parse_code("2023-nam")
    assert key.code == "2023-NAM"
    assert periods.name(key) == "năm 2023"
    assert periods.next_name(key) == "năm 2024"
    assert periods.name(periods.parse_code("2024-6T")) == "6 tháng đầu năm 2024"
    assert periods.next_name(periods.parse_code("2024-6T")) == "6 tháng cuối năm 2024"
    assert periods.next_name(periods.parse_code("2024-Q1")) == "quý II năm 2024"
    assert periods.label(key) == "Năm 2023 (15/12/2022 – 14/12/2023)"
    assert periods.next_key(key).code == "2024-Q1"
    assert periods.next_key(periods.parse_code("2024-Q3")).code == "2024-NAM"
    # The deadline is two working days after the cut-off: 14/12/2023 is a Thursday.
    assert periods.default_deadline(key) == dt.date(2023, 12, 18)


@pytest.mark.parametrize("bad", ["2023", "2023-Q4", "NAM-2023", "1999-NAM", "2023-Q2", ""])
def test_bad_period_codes(bad):
    with pytest.raises(UserError):
        periods.parse_code(bad)


@pytest.mark.parametrize("value,rounded", [
    ("0.25", "0.3"), ("0.75", "0.8"), ("1.25", "1.3"), ("2.45", "2.5"), ("0.05", "0.1"), ("97.58", "97.6"),
    ("0.24", "0.2"), ("-0.25", "-0.3"), ("100", "100.0"),
])
def test_percentages_round_half_up(value, rounded):
    # Python's round() and Decimal's default are half-even (0,25 → 0,2; 0,75 → 0,8): never here.
    assert fmt.round_percent(Decimal(value)) == Decimal(rounded)
    assert fmt.percent(fmt.round_percent(Decimal(value))) == fmt.percent(Decimal(value))
    assert fmt.round_percent(None) is None


@pytest.mark.parametrize("done,expected", [(1, "0,3"), (3, "0,8"), (5, "1,3"), (7, "1,8"), (9, "2,3"), (390, "97,5")])
def test_computed_and_typed_percentages_round_half_up_end_to_end(mini_store, done, expected):
    from cchc_desktop.report import values

    store, pid = mini_store
    store.set_value(pid, "A/1.1", "400")
    store.set_value(pid, "A/1.2", str(done))
    data = values.load_period(store, pid)
    row = data.catalogue.row("A/1")  # pct([1.2], [1.1])
    assert data.values["A/1"] == Decimal(expected.replace(",", "."))  # the value itself, not only its text
    assert row.format(data.values["A/1"]) == expected
    # A typed percentage with two decimals is stored the same way.
    typed = fmt.number(Decimal(done) / 4, 2)  # 0,25  0,75  1,25 …
    assert store.set_value(pid, "A/4", typed) == Decimal(expected.replace(",", "."))
    after = values.load_period(store, pid)
    assert after.catalogue.row("A/4").format(after.values["A/4"]) == expected


def test_slug_folds_vietnamese_to_ascii_words():
    assert fmt.slug("Chi Lăng Nam") == "chi-lang-nam"
    assert fmt.slug("Đồng Đăng, huyện Cao Lộc") == "dong-dang-huyen-cao-loc"  # đ is folded by hand
    assert fmt.slug("  Biểu đồ — theo xã  ") == "bieu-do-theo-xa"
    assert fmt.slug("!!!") == "" and fmt.slug("") == ""
