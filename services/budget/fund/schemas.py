from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Literal

from pydantic import Field

from shared.contracts.budget import AllocationIn, AllocationOut, FundOut
from shared.money import MoneyUnit
from shared.schemas import InputModel

__all__ = [
    "AllocationIn",
    "AllocationOut",
    "FundIn",
    "FundKind",
    "FundOut",
    "FundPatch",
    "PayoutIn",
    "ReversalIn",
]

FundKind = Annotated[
    Literal["improvement_projects", "prize_money", "state_grant", "other"], Field(title="FundKind")
]


class FundIn(InputModel):
    municipality_code: str | None = Field(default=None, pattern=r"^\d{4}$")
    code: str = Field(
        min_length=1, max_length=64, pattern=r"^[a-z0-9][a-z0-9_\-]*$", examples=["prize_money"]
    )
    title: str = Field(min_length=1, max_length=500)
    year: int = Field(ge=1990, le=2100)
    kind: FundKind
    unit: MoneyUnit = "kr"
    amount: Decimal = Field(ge=0, allow_inf_nan=False)
    source: str | None = Field(
        default=None, max_length=1000, description="the decision or document the pot comes from"
    )


class FundPatch(InputModel):
    """Change a fund's title, amount or source (send If-Match). The amount cannot go below
    what is already allocated."""

    title: str | None = Field(default=None, min_length=1, max_length=500)
    amount: Decimal | None = Field(default=None, ge=0, allow_inf_nan=False)
    unit: MoneyUnit | None = None
    source: str | None = Field(default=None, max_length=1000)


class PayoutIn(InputModel):
    note: str | None = Field(default=None, max_length=1000)


class ReversalIn(InputModel):
    reason: str = Field(min_length=1, max_length=1000)
