"""Goal fulfilment: a value against a target, with the arithmetic shown. Pure functions.

- at_least: met when value ≥ target; partly met when value ≥ target − tolerance.
- at_most: met when value ≤ target; partly met when value ≤ target + tolerance.
- equal: met when value = target; partly met when |value − target| ≤ tolerance.
- between: met inside [target, upper]; partly met within tolerance outside the band.
The value compared is the one shown (rounded to the indicator's decimals), so what a reader
sees adds up. A missing or suppressed value is 'no_data'.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

Status = Literal["met", "partly_met", "not_met", "no_data"]
_SYMBOL = {"at_least": "≥", "at_most": "≤", "equal": "=", "between": "within"}


@dataclass(frozen=True, slots=True)
class Judgement:
    status: Status
    value: Decimal | None
    target: Decimal
    upper: Decimal | None
    difference: Decimal | None  # value − target (for between: distance outside the band)
    tolerance: Decimal
    comparator: str
    explanation: str


def _text(d: Decimal) -> str:
    return format(d.normalize(), "f") if d == d.to_integral_value() else format(d, "f")


_HIDDEN = {
    "primary": "suppressed (fewer than 7 respondents)",
    "secondary": "suppressed (hidden so that another hidden value cannot be worked out)",
}


def judge(
    value: Decimal | None,
    *,
    comparator: str,
    target: Decimal,
    upper: Decimal | None = None,
    tolerance: Decimal = Decimal(0),
    suppression: str | None = None,
    unit: str = "",
) -> Judgement:
    suffix = f" {unit}" if unit else ""
    goal = (
        f"{_text(target)}–{_text(upper)}{suffix}"
        if comparator == "between" and upper is not None
        else f"{_text(target)}{suffix}"
    )
    if value is None or suppression is not None:
        why = _HIDDEN.get(suppression or "", "no value")
        return Judgement(
            "no_data", None, target, upper, None, tolerance, comparator, f"{why}; target {goal}"
        )
    if comparator == "at_least":
        difference = value - target
        met, partly = value >= target, value >= target - tolerance
    elif comparator == "at_most":
        difference = value - target
        met, partly = value <= target, value <= target + tolerance
    elif comparator == "equal":
        difference = value - target
        met, partly = difference == 0, abs(difference) <= tolerance
    else:
        high = upper if upper is not None else target
        if value < target:
            difference = value - target
        elif value > high:
            difference = value - high
        else:
            difference = Decimal(0)
        met, partly = difference == 0, abs(difference) <= tolerance
    status: Status = "met" if met else ("partly_met" if partly else "not_met")
    sign = "+" if difference > 0 else ""
    explanation = (
        f"{_text(value)}{suffix} {_SYMBOL[comparator]} {goal}: difference "
        f"{sign}{_text(difference)}{suffix}"
    )
    if status == "partly_met":
        explanation += f", within the tolerance {_text(tolerance)}{suffix}"
    explanation += " → " + status.replace("_", " ")
    return Judgement(status, value, target, upper, difference, tolerance, comparator, explanation)


SCOPE_RANK = {"unit": 4, "unit_type": 3, "area": 2, "municipality": 1}
