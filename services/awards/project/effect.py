"""Pooling indicator values over a project's units (pure)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from shared.contracts.indicators import IndicatorValue


def pool(values: list[IndicatorValue]) -> dict[str, Any]:
    """One value for several units: the n-weighted mean (for survey shares this is the pooled
    share), or the plain mean where n is unknown. Suppressed values are left out and counted."""
    shown = [v for v in values if not v.suppressed and v.value is not None]
    suppressed = sum(1 for v in values if v.suppressed)
    if not shown:
        return {"value": None, "n": None, "suppressed": suppressed > 0, "units": 0}
    if all(v.n for v in shown):
        n = sum(v.n or 0 for v in shown)
        value = sum((v.value or Decimal(0)) * (v.n or 0) for v in shown) / Decimal(n)
        return {
            "value": str(value.quantize(Decimal("0.0001"))),
            "n": n,
            "suppressed": False,
            "units": len(shown),
            "suppressed_units": suppressed,
        }
    mean = sum((v.value or Decimal(0)) for v in shown) / Decimal(len(shown))
    return {
        "value": str(mean.quantize(Decimal("0.0001"))),
        "n": None,
        "suppressed": False,
        "units": len(shown),
        "suppressed_units": suppressed,
    }
