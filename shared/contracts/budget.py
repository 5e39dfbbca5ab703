"""Earmarked funds and allocations, served by the budget service and used by awards."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from shared.money import MoneyUnit
from shared.schemas import InputModel


class AllocationIn(InputModel):
    """Draw money from a fund. `reference` names what it pays for and makes the call
    idempotent: the same request again returns the first allocation; the same reference with
    another amount, unit or purpose is a 422."""

    amount: Decimal = Field(gt=0, allow_inf_nan=False)
    unit: MoneyUnit = "kr"
    purpose: str = Field(min_length=1, max_length=500)
    reference: str = Field(min_length=1, max_length=200, examples=["award-decision:<uuid>"])


class AllocationOut(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: uuid.UUID
    fund_id: uuid.UUID
    amount: Decimal
    unit: MoneyUnit
    purpose: str
    reference: str
    state: Annotated[Literal["allocated", "paid", "reversed"], Field(title="AllocationState")]
    created_at: datetime
    paid_at: datetime | None = None
    reversed_at: datetime | None = None
    reversal_reason: str | None = None


class FundOut(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: uuid.UUID
    municipality_code: str
    code: str
    title: str
    year: int
    kind: Annotated[
        Literal["improvement_projects", "prize_money", "state_grant", "other"],
        Field(title="FundKind"),
    ]
    unit: MoneyUnit
    amount: Decimal
    allocated: Decimal = Field(description="allocated and not reversed, paid included")
    paid: Decimal
    remaining: Decimal = Field(description="amount − allocated; never below zero")
    version: int
    source: str | None = Field(default=None, description="the decision or document behind it")
