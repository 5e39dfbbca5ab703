from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal
from typing import Literal

from pydantic import Field

from shared.schemas import InputModel, OutputModel

Classification = Literal["struktur", "process", "effekt"]
Perspective = Literal["malgrupp", "verksamhet", "medarbetare", "ekonomi"]
Rollup = Literal["sum", "mean", "weighted", "last"]


class IndicatorIn(InputModel):
    code: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_]+$")
    title: str = Field(min_length=1, max_length=300)
    description: str | None = Field(default=None, max_length=4000)
    area: Literal["aldreomsorg", "lss", "ifo", "hsl", "socialpsykiatri", "overgripande"]
    classification: Classification
    perspective: Perspective
    unit: str = Field(min_length=1, max_length=16, examples=["%"])
    direction: Literal["higher", "lower"]
    decimals: int = Field(default=1, ge=0, le=6)
    rollup: Rollup = "weighted"
    numerator_measure: str = Field(min_length=1, max_length=64)
    denominator_measure: str | None = Field(default=None, max_length=64)
    factor: Decimal = Field(default=Decimal(1), gt=0, allow_inf_nan=False)
    valid_from: date = date(2000, 1, 1)


class IndicatorOut(OutputModel):
    id: uuid.UUID
    code: str
    version: int
    title: str
    description: str | None
    area: str
    classification: str
    perspective: str
    unit: str
    direction: str
    decimals: int
    rollup: str
    numerator_measure: str
    denominator_measure: str | None
    factor: Decimal
    valid_from: date
    valid_to: date | None
