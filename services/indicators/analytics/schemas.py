from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from services.indicators.scorecard.schemas import Arithmetic
from shared.contracts.indicators import (
    BASIS_DESCRIPTION,
    SUPPRESSION_DESCRIPTION,
    SUPPRESSION_TITLE,
    Basis,
    Suppression,
    UnitRollup,
)
from shared.i18n import NEGOTIATED

Include = Literal[
    "target",
    "status",
    "comparison",
    "trend",
    "numerator",
    "denominator",
    "provenance",
    "gender_gap",
]
INCLUDES: tuple[str, ...] = (
    "target",
    "status",
    "comparison",
    "trend",
    "numerator",
    "denominator",
    "provenance",
    "gender_gap",
)


class IndicatorMeta(BaseModel):
    code: str
    version: int
    title: str = Field(description=NEGOTIATED)
    title_sv: str
    title_en: str | None = None
    area: str
    classification: str
    perspective: str
    unit: str
    direction: str
    decimals: int


class CellTarget(BaseModel):
    id: uuid.UUID
    scope_type: str
    scope_value: str
    period: str | None
    comparator: str
    value: Decimal
    upper_value: Decimal | None
    tolerance: Decimal
    label: str | None


class Trend(BaseModel):
    previous_period: str
    previous_value: Decimal | None
    change: Decimal | None = Field(description="value − previous period's value")
    three_years_ago_period: str
    three_years_ago_value: Decimal | None
    change_three_years: Decimal | None


class CellComparison(BaseModel):
    riket: Decimal | None = Field(description="Kolada's value for 0000 (Riket)")
    group_id: str | None = None
    group_title: str | None = None
    group_mean: Decimal | None = Field(
        default=None, description="unweighted mean of the similar municipalities with data"
    )
    group_members: int = 0
    group_members_with_data: int = 0
    rank: int | None = Field(default=None, description="1 = best, among municipalities with data")
    of: int | None = Field(default=None, description="n: municipalities with a value, ranked")
    population: int | None = Field(
        default=None, description="N: all municipalities of Sweden; rank is n of N"
    )
    scope: Literal["national", "sample"] | None = Field(
        default=None,
        description="'national' when n is at least 90 % of N; 'sample' when the rank and colour "
        "are among the municipalities whose values are stored (e.g. the synced comparison "
        "group), never to be read as national",
    )
    colour: Literal["green", "yellow", "red"] | None = Field(
        default=None, description="KKiK: best quarter green, middle half yellow, worst red"
    )
    colour_label: str | None = Field(
        default=None, description="the colour in the response's language"
    )
    synthetic: bool = Field(
        default=False,
        description="true when fictional municipalities' synthetic values (the demo's peers "
        "of Exempelstad) are among those compared; never the case for a real municipality",
    )


class GenderGap(BaseModel):
    women: Decimal | None
    men: Decimal | None
    gap: Decimal | None = Field(description="women − men")
    threshold: Decimal
    flagged: bool = Field(description="|gap| > threshold and both groups large enough")


class AnalyticsCell(BaseModel):
    model_config = ConfigDict(extra="forbid")

    indicator_code: str
    indicator_version: int
    level: Literal["unit", "area", "municipality"]
    unit_code: str = Field(description="unit code, area code, or '' for the municipality")
    unit_title: str | None = None
    area: str | None = None
    period: str
    gender: Literal["T", "K", "M"]
    value: Decimal | None
    n: int | None = None
    units: int | None = Field(default=None, description="units in an aggregate")
    suppressed: bool = False
    suppression: Suppression | None = Field(
        default=None, title=SUPPRESSION_TITLE, description=SUPPRESSION_DESCRIPTION
    )
    suppression_reason: str | None = Field(
        default=None, description="few_respondents (primary) or complementary (secondary)"
    )
    attribution: Literal["kolada", "derived"]
    source_note: str | None = None
    basis: Basis = Field(default="unit", description=BASIS_DESCRIPTION)
    unit_rollup: UnitRollup | None = Field(
        default=None,
        description="beside a stored municipality figure: its units' roll-up (null when the "
        "units have no data or one of them is hidden)",
    )
    numerator: Decimal | None = None
    denominator: Decimal | None = None
    observation_ids: list[int] | None = None
    target: CellTarget | None = None
    status: Arithmetic | None = None
    trend: Trend | None = None
    comparison: CellComparison | None = None
    gender_gap: GenderGap | None = None


class AnalyticsPage(BaseModel):
    municipality_code: str
    data_version: int
    as_of: date | None
    periods: list[str]
    indicators: list[IndicatorMeta]
    items: list[AnalyticsCell]
    total: int
    limit: int
    offset: int
