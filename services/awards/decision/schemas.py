from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import Field

from shared.money import MoneyUnit
from shared.schemas import InputModel, OutputModel, example


class DecisionIn(InputModel):
    model_config = example(
        {
            "winner_code": "HT-NORR",
            "reason": "Högst andel nöjda brukare och stabil personalkontinuitet under året",
            "decided_by": "Socialnämndens arbetsutskott",
        }
    )

    winner_code: str = Field(min_length=1, max_length=64, description="a ranked candidate")
    reason: str = Field(
        min_length=10,
        max_length=4000,
        description="the jury's motivation; required, and especially when the winner is not rank 1",
    )

    decided_by: str | None = Field(
        default=None,
        min_length=1,
        max_length=200,
        description="the deciding body, e.g. 'Omsorgsnämndens jury'; default: the API key's name",
        examples=["Omsorgsnämndens jury"],
    )


class PayoutIn(InputModel):
    fund_id: uuid.UUID = Field(description="the budget service fund the prize money is drawn from")


class DecisionOut(OutputModel):
    id: uuid.UUID
    run_id: uuid.UUID
    municipality_code: str
    winner_code: str
    winner_title: str | None
    winner_rank: int | None
    rank_one_code: str | None
    differs_from_rank_one: bool
    reason: str
    decided_by: str
    decided_at: datetime
    state: Annotated[Literal["decided", "published"], Field(title="DecisionState")]
    published_at: datetime | None
    prize_amount: Decimal
    unit: MoneyUnit
    fund_id: uuid.UUID | None
    allocation_id: uuid.UUID | None
    booked_at: datetime | None
