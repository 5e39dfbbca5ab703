from __future__ import annotations

from decimal import Decimal

import pytest

from services.indicators.target.rules import judge

D = Decimal


@pytest.mark.parametrize(
    ("value", "comparator", "target", "upper", "tolerance", "status", "difference"),
    [
        (D("91.0"), "at_least", D(90), None, D(0), "met", D("1.0")),
        (D("90"), "at_least", D(90), None, D(0), "met", D(0)),
        (D("87.5"), "at_least", D(90), None, D(5), "partly_met", D("-2.5")),
        (D("84.9"), "at_least", D(90), None, D(5), "not_met", D("-5.1")),
        (D("2.4"), "at_most", D("2.5"), None, D(0), "met", D("-0.1")),
        (D("2.9"), "at_most", D("2.5"), None, D("0.5"), "partly_met", D("0.4")),
        (D(460), "at_most", D(442), None, D(10), "not_met", D(18)),
        (D(0), "equal", D(0), None, D(0), "met", D(0)),
        (D(-150), "equal", D(0), None, D(500), "partly_met", D(-150)),
        (D(12), "between", D(10), D(14), D(0), "met", D(0)),
        (D(15), "between", D(10), D(14), D(2), "partly_met", D(1)),
        (D(7), "between", D(10), D(14), D(2), "not_met", D(-3)),
    ],
)
def test_status_with_the_arithmetic(
    value: Decimal,
    comparator: str,
    target: Decimal,
    upper: Decimal | None,
    tolerance: Decimal,
    status: str,
    difference: Decimal,
) -> None:
    j = judge(value, comparator=comparator, target=target, upper=upper, tolerance=tolerance)
    assert (j.status, j.difference) == (status, difference)
    assert j.explanation("en").endswith(status.replace("_", " "))


def test_the_explanation_shows_value_target_and_difference() -> None:
    j = judge(D("86.1"), comparator="at_least", target=D(90), tolerance=D(5), unit="%")
    assert j.explanation("en") == (
        "86.1 % ≥ 90 %: difference -3.9 %, within the tolerance 5 % → partly met"
    )
    assert j.explanation("sv") == (
        "86,1 % ≥ 90 %: skillnad -3,9 %, inom toleransen 5 % → delvis uppfyllt"
    )


def test_missing_or_suppressed_values_have_no_data() -> None:
    assert judge(None, comparator="at_least", target=D(90)).status == "no_data"
    hidden = judge(D(95), comparator="at_least", target=D(90), suppression="primary")
    assert hidden.status == "no_data"
    assert hidden.value is None
    assert "fewer than 7 respondents" in hidden.explanation("en")
    assert hidden.explanation() == "visas ej (färre än 7 svarande); mål 90"
    secondary = judge(D(95), comparator="at_least", target=D(90), suppression="secondary")
    assert secondary.value is None
    assert "another hidden value" in secondary.explanation("en")


def test_the_unrounded_value_is_judged_and_the_explanation_says_so_where_rounding_hides_it() -> (
    None
):
    # Cost per home-care hour 441.9984… kr, shown with 0 decimals, against "at most 442 kr".
    close = judge(
        Decimal("441.99840"), comparator="at_most", target=Decimal(442), unit="kr", decimals=0
    )
    assert close.status == "met"
    assert close.explanation() == (
        "441,998 kr ≤ 442 kr: skillnad -0,002 kr → uppfyllt (bedömt på det oavrundade värdet)"
    )
    # 442.4 shows as 442 but is above the target: not met, however it rounds.
    above = judge(Decimal("442.4"), comparator="at_most", target=Decimal(442), decimals=0)
    assert above.status == "not_met"
    assert above.value == Decimal("442.4")
    assert "oavrundade" in above.explanation()
    # Where rounding hides nothing the value is shown to the indicator's decimals.
    plain = judge(Decimal("2.5833"), comparator="at_most", target=Decimal("2.5"), decimals=1)
    assert (plain.status, plain.value, plain.difference) == (
        "not_met",
        Decimal("2.6"),
        Decimal("0.1"),
    )
    assert "oavrundade" not in plain.explanation()
