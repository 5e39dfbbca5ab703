from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import Field, model_validator

from services.awards.fields import Code, IndicatorCode, PositiveAmount, check_money
from shared.i18n import Invalid, message
from shared.money import MoneyUnit
from shared.schemas import InputModel, OutputModel, example

UnitCode = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.\-]+$")


class ProjectIn(InputModel):
    municipality_code: str | None = Field(default=None, pattern=r"^\d{4}$")
    title: str = Field(min_length=1, max_length=200)
    description: str = Field(min_length=1, max_length=10_000)
    unit_codes: list[Code] = Field(min_length=1, max_length=200)
    target_indicators: list[IndicatorCode] = Field(min_length=1, max_length=50)
    started_on: date
    ended_on: date | None = None

    @model_validator(mode="after")
    def _dates(self) -> ProjectIn:
        if self.ended_on is not None and self.ended_on < self.started_on:
            raise Invalid(message("problem.awards.ended_before_started"))
        if len(set(self.unit_codes)) != len(self.unit_codes):
            raise Invalid(message("problem.awards.unit_codes_duplicates"))
        return self


class AdoptionIn(InputModel):
    model_config = example({"unit_code": "HT-VASTER"})

    unit_code: str = UnitCode


class FundingIn(InputModel):
    amount: PositiveAmount
    unit: MoneyUnit = "kr"
    purpose: str = Field(min_length=1, max_length=500, examples=["Arbetstid och material"])

    @model_validator(mode="after")
    def _precision(self) -> FundingIn:
        check_money(self.amount, self.unit)
        return self


class FundingDecisionIn(InputModel):
    model_config = example(
        {
            "decision": "rejected",
            "reason": "Förbättringspotten för 2024 är redan fördelad; sök igen 2025",
        }
    )

    decision: Literal["granted", "rejected"]
    reason: str = Field(min_length=1, max_length=2000)
    fund_id: uuid.UUID | None = Field(default=None, description="required when granting")
    amount: PositiveAmount | None = Field(default=None, description="default: the amount requested")
    unit: MoneyUnit = "kr"

    @model_validator(mode="after")
    def _fund(self) -> FundingDecisionIn:
        check_money(self.amount, self.unit)
        if self.decision == "granted" and self.fund_id is None:
            raise Invalid(message("problem.awards.grant_names_fund_id_drawn"))
        return self


class FundingOut(OutputModel):
    id: uuid.UUID
    project_id: uuid.UUID
    purpose: str
    requested: Decimal
    granted: Decimal | None
    unit: MoneyUnit
    state: Annotated[Literal["requested", "granted", "rejected"], Field(title="ProjectState")]
    fund_id: uuid.UUID | None
    allocation_id: uuid.UUID | None
    decision_reason: str | None
    decided_at: datetime | None
    created_at: datetime


class ProjectOut(OutputModel):
    id: uuid.UUID
    municipality_code: str
    title: str
    description: str
    unit_codes: list[str]
    adopted_by: list[str]
    spread: int = Field(description="how many other units adopted the work")
    target_indicators: list[str]
    started_on: date
    ended_on: date | None
    granted_total: Decimal
    unit: MoneyUnit = "kr"
    funding: list[FundingOut]
    created_at: datetime


class UnitEffect(OutputModel):
    unit_code: str
    before: Decimal | None
    after: Decimal | None
    n_before: int | None
    n_after: int | None
    suppressed: bool


class IndicatorEffect(OutputModel):
    indicator_code: str
    title: str | None
    direction: Literal["higher", "lower"] | None
    before_period: str
    after_period: str
    before: Decimal | None = Field(description="pooled over the project's units")
    after: Decimal | None
    n_before: int | None
    n_after: int | None
    change: Decimal | None = Field(description="after − before (not oriented)")
    standard_error: Decimal | None = Field(description="for survey shares: binomial (Wilson)")
    ci_low: Decimal | None
    ci_high: Decimal | None
    improved: bool | None = Field(
        description="true when the 95 % interval of the change lies on the better side of 0"
    )
    note: str | None
    units: list[UnitEffect]


class ProjectEffectOut(OutputModel):
    project_id: uuid.UUID
    spread: int
    adopted_by: list[str]
    effects: list[IndicatorEffect]
