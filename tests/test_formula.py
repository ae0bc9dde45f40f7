from decimal import Decimal

import pytest

from cchc_desktop.domain import formula

VALUES = {"a": Decimal(3), "b": Decimal(4), "z": Decimal(0), "n": None}


def ev(text):
    return formula.evaluate(text, lambda name: VALUES.get(name))


def test_arithmetic_and_precedence():
    assert ev("[a] + [b] * 2") == 11
    assert ev("([a] + [b]) * 2") == 14
    assert ev("-[a] + 10") == 7
    assert ev("[b] / 2 - 1") == 1


def test_blank_propagates_except_in_sum_and_coalesce():
    assert ev("[a] + [n]") is None
    assert ev("sum([a], [n], [b])") == 7
    assert ev("sum([n], [n])") is None
    assert ev("coalesce([n], [b], [a])") == 4
    assert ev("min([a], [n], [b])") == 3 and ev("max([a], [b])") == 4


def test_pct_blank_on_zero_or_missing_whole():
    assert ev("pct([a], [b])") == Decimal(75)
    assert ev("pct([a], [z])") is None
    assert ev("pct([a], [n])") is None
    assert ev("[a] / [z]") is None


def test_refs_and_pct_pairs():
    node = formula.parse("pct([BM1/2.2], [BM1/2.1]) + [hs.ubnd.truc_tuyen]")
    assert formula.refs(node) == ["BM1/2.2", "BM1/2.1", "hs.ubnd.truc_tuyen"]
    (part, whole), = formula.pct_pairs(node)
    assert formula.to_text(part) == "[BM1/2.2]" and formula.to_text(whole) == "[BM1/2.1]"


@pytest.mark.parametrize("bad", [
    "__import__('os')", "[a] +", "pct([a])", "open([a])", "[a] ** 2", "([a]", "[a] [b]", "1e5", "",
])
def test_rejects_anything_outside_the_language(bad):
    with pytest.raises(formula.FormulaError):
        formula.parse(bad)
