from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Literal

from pydantic import Field

from shared.i18n import NEGOTIATED, swedish
from shared.schemas import InputModel, OutputModel, example

ValueKind = Literal["count", "share", "mean", "amount", "duration", "rate"]


class MeasureIn(InputModel):
    model_config = example(
        {
            "code": "besok_per_brukare",
            "title": "Hemtjänst: besök per brukare och månad",
            "title_en": "Home care: visits per user and month",
            "source": "local",
            "unit": "antal",
            "value_kind": "mean",
            "min_value": "0",
            "description": "Genomsnittligt antal besök per brukare med hemtjänst under månaden",
        }
    )

    code: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_]+$")
    title: str = Field(min_length=1, max_length=300, description="in Swedish")
    title_en: str | None = Field(default=None, min_length=1, max_length=300)
    source: Annotated[
        Literal["kolada", "local"],
        Field(title="ValueSource", description="'kolada' is set by the Kolada sync alone: 422"),
    ]
    unit: str = Field(min_length=1, max_length=16, examples=["%", "antal", "dagar", "kr"])
    value_kind: ValueKind
    min_value: Decimal | None = Field(default=None, allow_inf_nan=False)
    max_value: Decimal | None = Field(default=None, allow_inf_nan=False)
    description: str | None = Field(default=None, max_length=4000, description="in Swedish")
    description_en: str | None = Field(default=None, max_length=4000)
    shared: bool = Field(
        default=False,
        description="a municipality's own measure: published for other municipalities to read",
    )


class MeasureOut(OutputModel):
    code: str
    title: str = Field(description=NEGOTIATED)
    title_sv: str = swedish("title")
    title_en: str | None = None
    source: str
    unit: str
    value_kind: str
    min_value: Decimal | None
    max_value: Decimal | None
    description: str | None = Field(description=NEGOTIATED)
    description_sv: str | None = swedish("description")
    description_en: str | None = None
    owner_municipality_code: str | None = Field(
        default=None,
        validation_alias="municipality_code",
        description="the municipality that defined it and alone may change it; null = national",
    )
    shared: bool = Field(default=False, description="readable by other municipalities")
