"""Bounded input types shared by the awards packages, so no input can reach the database or
the maths in a shape they cannot hold (an expected outcome is a 422, never a 500)."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from pydantic import Field

from shared.money import MoneyUnit, to_ore

MAX_KR = Decimal(10) ** 12
Number = Annotated[Decimal, Field(allow_inf_nan=False, ge=-MAX_KR, le=MAX_KR)]
Amount = Annotated[Decimal, Field(allow_inf_nan=False, ge=0, le=MAX_KR)]
PositiveAmount = Annotated[Decimal, Field(allow_inf_nan=False, gt=0, le=MAX_KR)]
Weight = Annotated[Decimal, Field(allow_inf_nan=False, gt=0, le=1000)]
Code = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.\-]+$")]
# An indicator's code as the indicators service's catalogue allows it (IndicatorIn.code).
IndicatorCode = Annotated[
    str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_]+$", examples=["andel_nojda"])
]
ShortText = Annotated[str, Field(min_length=1, max_length=32)]


def check_money(amount: Decimal | None, unit: MoneyUnit) -> None:
    """Refuses an amount finer than one öre (raises ValueError → a located 422)."""
    if amount is not None:
        to_ore(amount, unit)
