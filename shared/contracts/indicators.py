"""Response shapes that cross a service boundary. The owning service serves them; peers parse
them with shared.clients. Changing one is an API change for both."""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Gender = Literal["T", "K", "M"]
Direction = Literal["higher", "lower"]
Attribution = Literal["kolada", "derived"]
Suppression = Literal["primary", "secondary"]
Basis = Literal["unit", "stored", "kolada", "sum_of_units", "mean_of_units", "weighted_over_units"]
BASIS_DESCRIPTION = (
    "what the value is: 'unit' = a unit's own stored values; 'stored' = the municipality's "
    "own stored figure; 'kolada' = the municipality's figure as Kolada publishes it; "
    "'sum_of_units', 'mean_of_units', 'weighted_over_units' (Σ numerators ÷ Σ denominators) "
    "= a roll-up over the units counted in `units`"
)


class UnitRollup(BaseModel):
    """Beside a stored municipality figure: the roll-up over its units, and whether the two
    differ by more than the tolerance (1 % of the figure, at least half its last decimal)."""

    model_config = ConfigDict(extra="forbid")

    value: Decimal = Field(description="the units' roll-up, to the indicator's decimals")
    units: int = Field(description="units with data in the roll-up")
    basis: Basis
    difference: Decimal = Field(description="stored figure − roll-up, unrounded")
    tolerance: Decimal
    flagged: bool = Field(description="|difference| > tolerance")


SUPPRESSION_TITLE = "Suppression kind"  # its OpenAPI component: SuppressionKind
SUPPRESSION_DESCRIPTION = (
    "why the value is hidden: 'primary' = fewer than 7 respondents; 'secondary' = hidden so "
    "that another hidden value cannot be worked out from the shown ones; null when shown"
)


class IndicatorValue(BaseModel):
    """One computed value of an indicator for a unit (or the municipality), period and gender."""

    model_config = ConfigDict(extra="forbid")

    unit_code: str = Field(description="org unit code; '' for the whole municipality")
    unit_title: str | None = None
    period: str
    gender: Gender
    value: Decimal | None = Field(description="null when missing or suppressed")
    numerator: Decimal | None = None
    denominator: Decimal | None = None
    n: int | None = Field(default=None, description="respondents or denominator count")
    suppressed: bool = False
    suppression: Suppression | None = Field(
        default=None, title=SUPPRESSION_TITLE, description=SUPPRESSION_DESCRIPTION
    )
    attribution: Attribution = Field(
        description="'kolada' for a raw Kolada value; 'derived' for anything this suite computed"
    )
    source_note: str | None = Field(
        default=None, description="'Källa: Kolada' on raw Kolada values"
    )
    basis: Basis = Field(default="unit", description=BASIS_DESCRIPTION)
    units: int | None = Field(default=None, description="units in a roll-up")
    unit_rollup: UnitRollup | None = Field(
        default=None,
        description="beside a stored municipality figure: its units' roll-up (null when the "
        "units have no data or one of them is hidden)",
    )


class IndicatorValues(BaseModel):
    model_config = ConfigDict(extra="forbid")

    indicator_code: str
    indicator_version: int
    title: str
    unit: str
    direction: Direction
    decimals: int
    municipality_code: str
    period: str
    level: Literal["unit", "municipality"]
    values: list[IndicatorValue]


class UnitGoalStatus(BaseModel):
    """How a unit stands against the targets that apply to it for a period."""

    model_config = ConfigDict(extra="forbid")

    unit_code: str
    met: int = Field(ge=0)
    partly_met: int = Field(ge=0)
    not_met: int = Field(ge=0)
    no_data: int = Field(ge=0)
    fulfilment_share: Decimal | None = Field(
        description="(met + 0.5 × partly met) ÷ targets with data × 100; null without data"
    )


class GoalStatusSummary(BaseModel):
    """Served at GET /v1/scorecards/status?municipality_code=&period=&level=unit."""

    model_config = ConfigDict(extra="forbid")

    municipality_code: str
    period: str
    units: list[UnitGoalStatus]
