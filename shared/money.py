"""Money is integer öre in storage and Decimal in kr or tkr at the edges; never float."""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from shared.i18n import Invalid, message

MoneyUnit = Literal["kr", "tkr"]
_ORE_PER = {"kr": 100, "tkr": 100_000}


class MoneyPrecisionError(Invalid):
    """An amount finer than one öre or beyond MAX_ORE; `text` says which."""


MAX_ORE = 10**17
"""The largest amount the suite stores (10^15 kr, far above any municipal budget; bigint-safe)."""


def to_ore(amount: Decimal, unit: MoneyUnit) -> int:
    """Exact conversion; refuses amounts finer than one öre or beyond MAX_ORE."""
    if not amount.is_finite() or abs(amount) * _ORE_PER[unit] > MAX_ORE:
        raise MoneyPrecisionError(
            message("problem.money.out_of_range", amount=amount, unit=unit, maximum=MAX_ORE // 100)
        )
    ore = amount * _ORE_PER[unit]
    if ore != ore.to_integral_value():
        raise MoneyPrecisionError(message("problem.money.finer_than_ore", amount=amount, unit=unit))
    return int(ore)


def from_ore(ore: int, unit: MoneyUnit) -> Decimal:
    value = Decimal(ore) / _ORE_PER[unit]
    return value.quantize(Decimal("0.01") if unit == "kr" else Decimal("0.00001")).normalize() + 0
