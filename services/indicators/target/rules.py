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

from shared.i18n import Language, Message, message

Status = Literal["met", "partly_met", "not_met", "no_data"]
_SYMBOL: dict[str, str | Message] = {
    "at_least": "≥",
    "at_most": "≤",
    "equal": "=",
    "between": message("target.symbol.between"),
}


@dataclass(frozen=True, slots=True)
class Judgement:
    status: Status
    value: Decimal | None
    target: Decimal
    upper: Decimal | None
    difference: Decimal | None  # value − target (for between: distance outside the band)
    tolerance: Decimal
    comparator: str
    message: Message

    def explanation(self, language: Language = "sv") -> str:
        """The arithmetic in words: `2,6 % ≤ 2,5 %: skillnad +0,1 % → ej uppfyllt`."""
        return self.message.render(language)


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
        message("target.goal_between", target=target, upper=upper, unit=suffix)
        if comparator == "between" and upper is not None
        else message("target.goal", target=target, unit=suffix)
    )
    if value is None or suppression is not None:
        key = {"primary": "target.suppressed", "secondary": "target.suppressed_secondary"}
        why = message(key.get(suppression or "", "target.no_value"), goal=goal)
        return Judgement("no_data", None, target, upper, None, tolerance, comparator, why)
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
    explanation = message(
        "target.compared",
        value=value,
        unit=suffix,
        symbol=_SYMBOL[comparator],
        goal=goal,
        difference=difference,
        tolerance=(
            message("target.within_tolerance", tolerance=tolerance, unit=suffix)
            if status == "partly_met"
            else ""
        ),
        outcome=message(f"outcome.{status}"),
    )
    return Judgement(status, value, target, upper, difference, tolerance, comparator, explanation)


SCOPE_RANK = {"unit": 4, "unit_type": 3, "area": 2, "municipality": 1}
