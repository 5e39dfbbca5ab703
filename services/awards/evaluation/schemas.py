from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Literal

from pydantic import Field

from services.awards.fields import IndicatorCode
from shared.i18n import NEGOTIATED
from shared.schemas import InputModel, OutputModel


class EvaluationIn(InputModel):
    title: str = Field(min_length=1, max_length=200, examples=["Årets hemtjänstenhet 2024"])
    municipality_code: str | None = Field(default=None, pattern=r"^\d{4}$")
    indicator_code: IndicatorCode
    period: str = Field(max_length=10, examples=["2024"])
    gender: Literal["T", "K", "M"] = "T"


class RankedUnit(OutputModel):
    rank: int
    unit_code: str
    unit_title: str | None
    value: Decimal
    n: int | None


class IneligibleUnit(OutputModel):
    unit_code: str
    unit_title: str | None
    reason: str = Field(description=NEGOTIATED)
    reason_code: str | None = Field(
        default=None,
        description="the reason as a code: suppressed, no_value (none for runs stored before "
        "codes were kept)",
    )


class EvaluationOut(OutputModel):
    id: uuid.UUID
    title: str
    municipality_code: str
    indicator_code: str
    indicator_version: int
    period: str
    direction: Literal["higher", "lower"]
    tie_rule: str
    spec_hash: str
    code_version: str
    ranking: list[RankedUnit]
    ineligible: list[IneligibleUnit]
    created_at: datetime
