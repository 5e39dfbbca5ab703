from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from services.indicators.target.schemas import Comparator, ScopeType
from shared.i18n import NEGOTIATED, label, swedish
from shared.schemas import InputModel, OutputModel

Status = Annotated[Literal["met", "partly_met", "not_met", "no_data"], Field(title="TargetStatus")]


class TargetSpec(InputModel):
    """The target value of a scorecard measure; stored as a target of the municipality."""

    comparator: Comparator
    value: Decimal = Field(allow_inf_nan=False)
    upper_value: Decimal | None = Field(default=None, allow_inf_nan=False)
    tolerance: Decimal = Field(default=Decimal(0), ge=0, allow_inf_nan=False)
    gender: Literal["T", "K", "M"] = "T"
    scope_type: ScopeType = "municipality"
    scope_value: str = Field(default="", max_length=64)
    period: str | None = Field(
        default=None, max_length=10, description="default: the scorecard's year"
    )


class ScorecardMeasureIn(InputModel):
    text: str = Field(min_length=1, max_length=500, examples=["Minst 90 % av brukarna nöjda"])
    indicator_code: str | None = Field(default=None, max_length=64)
    target: TargetSpec | None = None
    by_gender: bool = Field(default=False, description="followed up for women and men")


class SuccessFactorIn(InputModel):
    title: str = Field(min_length=1, max_length=300, description="in Swedish")
    title_en: str | None = Field(default=None, min_length=1, max_length=300)
    measures: list[ScorecardMeasureIn] = Field(default_factory=list, max_length=100)


class StrategicGoalIn(InputModel):
    perspective: str = Field(min_length=1, max_length=100, examples=["Brukare och allmänhet"])
    title: str = Field(min_length=1, max_length=300, description="in Swedish")
    title_en: str | None = Field(default=None, min_length=1, max_length=300)
    factors: list[SuccessFactorIn] = Field(default_factory=list, max_length=100)


class ScorecardFields(InputModel):
    board: str = Field(min_length=1, max_length=200)
    title: str = Field(min_length=1, max_length=300, description="in Swedish")
    title_en: str | None = Field(default=None, min_length=1, max_length=300)
    vision: str | None = Field(default=None, max_length=1000)
    year: int = Field(ge=1990, le=2200)
    goals: list[StrategicGoalIn] = Field(max_length=50)


class ScorecardIn(ScorecardFields):
    municipality_code: str | None = Field(default=None, pattern=r"^\d{4}$")


class ScorecardMeasureOut(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: str
    indicator_code: str | None
    target_id: uuid.UUID | None = None
    target: TargetSpec | None = None
    by_gender: bool = False


class SuccessFactorOut(BaseModel):
    title: str = Field(description=NEGOTIATED)
    title_sv: str = swedish("title")
    title_en: str | None = None
    measures: list[ScorecardMeasureOut]


class StrategicGoalOut(BaseModel):
    perspective: str
    title: str = Field(description=NEGOTIATED)
    title_sv: str = swedish("title")
    title_en: str | None = None
    factors: list[SuccessFactorOut]


class ScorecardOut(OutputModel):
    id: uuid.UUID
    municipality_code: str
    board: str
    title: str = Field(description=NEGOTIATED)
    title_sv: str = swedish("title")
    title_en: str | None = None
    vision: str | None
    year: int
    goals: list[StrategicGoalOut]
    version: int
    updated_at: datetime


class Arithmetic(BaseModel):
    """The judgement with its arithmetic: value, target, difference."""

    status: Status
    status_label: str = Field(default="", description="the status in the response's language")
    value: Decimal | None
    target: Decimal
    upper_value: Decimal | None = None
    difference: Decimal | None
    tolerance: Decimal
    comparator: str
    explanation: str = Field(description=NEGOTIATED)
    explanation_sv: str
    explanation_en: str
    gender: str = "T"

    @model_validator(mode="after")
    def _swedish_label(self) -> Arithmetic:
        self.status_label = self.status_label or label(self.status)
        return self


class MeasureStatus(BaseModel):
    text: str
    indicator_code: str | None
    unit: str | None = None
    statuses: list[Arithmetic] = Field(description="one per gender followed up (T, K, M)")


class FactorStatus(BaseModel):
    title: str = Field(description=NEGOTIATED)
    title_sv: str = swedish("title")
    title_en: str | None = None
    measures: list[MeasureStatus]


class GoalStatus(BaseModel):
    perspective: str
    title: str = Field(description=NEGOTIATED)
    title_sv: str = swedish("title")
    title_en: str | None = None
    factors: list[FactorStatus]


class ScorecardStatus(BaseModel):
    scorecard_id: uuid.UUID
    municipality_code: str
    board: str | None = None
    title: str = Field(description=NEGOTIATED)
    title_sv: str
    title_en: str | None = None
    vision: str | None
    period: str
    goals: list[GoalStatus]
    met: int
    partly_met: int
    not_met: int
    no_data: int


class PrioritisedGoalFields(InputModel):
    board: str = Field(min_length=1, max_length=200)
    year: int = Field(ge=1990, le=2200)
    number: int = Field(ge=1, le=100)
    title: str = Field(min_length=1, max_length=300, description="in Swedish")
    title_en: str | None = Field(default=None, min_length=1, max_length=300)
    why: str | None = Field(default=None, max_length=4000, description="varför prioriterat")
    problem: str | None = Field(default=None, max_length=4000, description="problemet idag")
    desired_results: list[str] = Field(default_factory=list, max_length=50)
    strategies: list[str] = Field(default_factory=list, max_length=50)
    actions: list[str] = Field(default_factory=list, max_length=50)
    indicator_codes: list[str] = Field(default_factory=list, max_length=50)


class PrioritisedGoalIn(PrioritisedGoalFields):
    municipality_code: str | None = Field(default=None, pattern=r"^\d{4}$")


class PrioritisedGoalOut(OutputModel):
    id: uuid.UUID
    municipality_code: str
    board: str
    year: int
    number: int
    title: str = Field(description=NEGOTIATED)
    title_sv: str = swedish("title")
    title_en: str | None = None
    why: str | None
    problem: str | None
    desired_results: list[str]
    strategies: list[str]
    actions: list[str]
    indicator_codes: list[str]
    version: int
