"""Money at the budget service's edges: Decimal in kr or tkr in, integer öre stored."""

from __future__ import annotations

from decimal import Decimal

from shared.errors import FieldError, Unprocessable
from shared.money import MoneyPrecisionError, MoneyUnit, to_ore


def ore(value: Decimal, unit: MoneyUnit, loc: list[str | int]) -> int:
    """Exact conversion, or a 422 naming the field when the amount is finer than one öre."""
    try:
        return to_ore(value, unit)
    except MoneyPrecisionError as exc:
        raise Unprocessable(
            exc.text,
            errors=[
                FieldError(
                    loc=loc,
                    field=str(loc[-1]),
                    value=str(value),
                    message=exc.text,
                    code="finer_than_ore",
                )
            ],
        ) from exc
