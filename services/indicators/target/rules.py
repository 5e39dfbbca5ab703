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
from decimal import ROUND_HALF_UP, Decimal
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
    decimals: int | None = None,
) -> Judgement:
    """Judge a value against a target. With `decimals` (the indicator's display precision),
    the unrounded value is judged and shown rounded; where the rounding would hide the
    difference that decided (441.998 kr shown as 442 kr against "at most 442 kr"), the value
    and the difference are shown with as many more decimals as it takes, and the explanation
    says it judged the unrounded value."""
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
    note: Message | str = ""
    if decimals is not None:
        places = decimals
        while difference != 0 and _rounded(difference, places) == 0 and places < decimals + 6:
            places += 1
        if places != decimals:
            note = message("target.unrounded")
        value, difference = _rounded(value, places), _rounded(difference, places)
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
        note=note,
    )
    return Judgement(status, value, target, upper, difference, tolerance, comparator, explanation)


def _rounded(value: Decimal, places: int) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


SCOPE_RANK = {"unit": 4, "unit_type": 3, "area": 2, "municipality": 1}
