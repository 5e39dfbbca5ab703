from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from pydantic import ConfigDict, Field

from services.budget.operating.schemas import convention
from shared.i18n import Language
from shared.money import MoneyUnit
from shared.schemas import InputModel, OutputModel, example

Category = Literal[
    "index_compensation",
    "transfer_in",
    "transfer_out",
    "efficiency_demand",
    "volume_change",
    "political_priority",
    "other",
]
Money = Decimal


class FrameChangeIn(InputModel):
    amount: Money = Field(allow_inf_nan=False, description="signed; a reduction is negative")
    category: Category
    reason: str = Field(min_length=1, max_length=1000)
    decision_body: str | None = Field(default=None, max_length=200, examples=["Kommunfullmäktige"])
    decision_date: date | None = None
    decision_ref: str | None = Field(default=None, max_length=100, examples=["KF § 123"])
    counterpart_board: str | None = Field(
        default=None,
        max_length=200,
        description="for a transfer: the board the money goes to or comes from",
        examples=["Samhällsnämnden"],
    )


class FrameIn(InputModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "municipality_code": "1462",
                    "board": "Socialnämnden",
                    "year": 2022,
                    "unit": "tkr",
                    "previous_amount": "302257",
                    "amount": "306615",
                    "changes": [
                        {
                            "amount": "7008",
                            "category": "index_compensation",
                            "reason": "Kompensation för index",
                        },
                        {
                            "amount": "-2650",
                            "category": "efficiency_demand",
                            "reason": "Effektiviseringskrav",
                            "decision_body": "Kommunfullmäktige",
                            "decision_ref": "KF § 123",
                        },
                    ],
                }
            ]
        }
    )

    municipality_code: str | None = Field(default=None, pattern=r"^\d{4}$")
    board: str = Field(min_length=1, max_length=200, examples=["Socialnämnden"])
    year: int = Field(ge=1990, le=2100)
    unit: MoneyUnit = "tkr"
    previous_amount: Money = Field(allow_inf_nan=False, description="last year's frame")
    amount: Money = Field(allow_inf_nan=False, description="this year's frame")
    changes: list[FrameChangeIn] = Field(max_length=500)


class FrameUpdate(InputModel):
    """A frame's amounts and full ledger, replacing the stored ones (send If-Match)."""

    model_config = example(
        {
            "unit": "tkr",
            "previous_amount": "302257",
            "amount": "306615",
            "changes": [
                {
                    "amount": "7008",
                    "category": "index_compensation",
                    "reason": "Kompensation för index",
                },
                {
                    "amount": "-3650",
                    "category": "efficiency_demand",
                    "reason": "Effektiviseringskrav, höjt i KF:s beslut",
                    "decision_body": "Kommunfullmäktige",
                    "decision_ref": "KF § 123",
                },
                {
                    "amount": "1000",
                    "category": "volume_change",
                    "reason": "Fler brukare inom hemtjänsten",
                },
            ],
        }
    )

    unit: MoneyUnit = "tkr"
    previous_amount: Money = Field(allow_inf_nan=False, description="last year's frame")
    amount: Money = Field(allow_inf_nan=False, description="this year's frame")
    changes: list[FrameChangeIn] = Field(max_length=500)


class FrameChangeOut(OutputModel):
    position: int
    amount: Decimal
    category: str
    reason: str
    decision_body: str | None
    decision_date: date | None
    decision_ref: str | None
    counterpart_board: str | None = None


class FrameOut(OutputModel):
    id: uuid.UUID
    municipality_code: str
    board: str
    year: int
    unit: MoneyUnit
    previous_amount: Decimal
    amount: Decimal
    change_total: Decimal
    changes: list[FrameChangeOut]
    version: int
    created_at: datetime
    sign_convention: str = convention("frame")

    def __localize__(self, language: Language) -> None:
        self.sign_convention = convention("frame", language=language)
