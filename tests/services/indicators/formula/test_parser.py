from __future__ import annotations

from decimal import Decimal

import pytest

from services.indicators.formula.parser import (
    FormulaError,
    evaluate,
    is_additive,
    measures,
    parse,
)

VALUES = {
    ("satisfied", "T"): Decimal(25),
    ("respondents", "T"): Decimal(30),
    ("satisfied", "K"): Decimal(18),
    ("respondents", "K"): Decimal(20),
    ("zero", "T"): Decimal(0),
}


def lookup(measure: str, gender: str) -> Decimal | None:
    return VALUES.get((measure, gender))


def test_evaluates_arithmetic_with_precedence_and_parentheses() -> None:
    assert evaluate(parse("100 * satisfied / respondents"), lookup, "T") == Decimal(100) * 25 / 30
    assert evaluate(parse("(satisfied + 5) * 2 - -1"), lookup, "T") == Decimal(61)
    assert evaluate(parse("2 + 3 * 4"), lookup, "T") == Decimal(14)


def test_gender_selection_reads_that_gender_whatever_the_cell() -> None:
    node = parse("satisfied[K] / respondents")
    assert evaluate(node, lookup, "T") == Decimal(18) / 30
    assert measures(node) == ["satisfied", "respondents"]


def test_missing_input_or_division_by_zero_gives_no_value() -> None:
    assert evaluate(parse("satisfied / zero"), lookup, "T") is None
    assert evaluate(parse("unknown + 1"), lookup, "T") is None
    assert evaluate(parse("satisfied"), lookup, "M") is None


@pytest.mark.parametrize(
    ("text", "position", "fragment"),
    [
        ("100 * satisfied /", 17, "ends where a value"),
        ("100 * (satisfied", 16, "expected ')'"),
        ("satisfied ** 2", 11, "expected a number"),
        ("__import__('os')", 11, "unexpected character"),
        ("satisfied; drop", 9, "unexpected character ';'"),
        ("satisfied[X]", 10, "[T], [K] or [M]"),
        ("1.2.3", 0, "not a number"),
        ("2,5", 1, "unexpected character ','"),
        ("", 0, "empty"),
        ("satisfied respondents", 10, "unexpected 'respondents'"),
    ],
)
def test_a_bad_formula_is_refused_with_the_position(
    text: str, position: int, fragment: str
) -> None:
    with pytest.raises(FormulaError) as caught:
        parse(text)
    assert caught.value.position == position
    assert fragment in caught.value.message


def test_no_python_is_ever_evaluated() -> None:
    # Attribute access, calls and strings are not in the grammar at all.
    for text in ("a.b", "open('x')", "lambda: 1", "[1]"):
        with pytest.raises(FormulaError):
            parse(text)


def test_additive_formulas_are_recognised_for_weighted_rollup() -> None:
    assert is_additive(parse("a + 2 * b - c / 4"))
    assert not is_additive(parse("a * b"))
    assert not is_additive(parse("a / b"))
