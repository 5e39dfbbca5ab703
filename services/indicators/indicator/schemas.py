from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal
from typing import Literal

from pydantic import Field, model_validator

from shared.i18n import NEGOTIATED, Invalid, message, swedish
from shared.schemas import InputModel, OutputModel, example

Classification = Literal["struktur", "process", "effekt"]
Perspective = Literal["malgrupp", "verksamhet", "medarbetare", "ekonomi"]
Rollup = Literal["sum", "mean", "weighted", "last"]
Area = Literal["aldreomsorg", "lss", "ifo", "hsl", "socialpsykiatri", "overgripande"]


class IndicatorDefinitionIn(InputModel):
    """Everything of a definition that may change from one version to the next."""

    title: str = Field(min_length=1, max_length=300, description="in Swedish")
    title_en: str | None = Field(default=None, min_length=1, max_length=300)
    description: str | None = Field(default=None, max_length=4000, description="in Swedish")
    description_en: str | None = Field(default=None, max_length=4000)
    area: Area
    classification: Classification
    perspective: Perspective
    unit: str = Field(min_length=1, max_length=16, examples=["%"])
    direction: Literal["higher", "lower"]
    decimals: int = Field(default=1, ge=0, le=6)
    rollup: Rollup = Field(default="weighted", description="how unit values roll up to areas")
    period_rollup: Rollup | None = Field(
        default=None,
        description="how finer periods roll up (months → tertial → year); default: sum for "
        "weighted and sum indicators, else the same as rollup",
    )
    numerator: str | None = Field(
        default=None,
        max_length=1000,
        description="formula over measures, e.g. '100 * survey_satisfied' or 'staff[K]'",
        examples=["survey_satisfied"],
    )
    denominator: str | None = Field(default=None, max_length=1000, examples=["survey_respondents"])
    numerator_measure: str | None = Field(
        default=None, max_length=64, description="shorthand for a numerator of one measure"
    )
    denominator_measure: str | None = Field(default=None, max_length=64)
    factor: Decimal = Field(default=Decimal(1), gt=0, allow_inf_nan=False)
    suppression: Literal["none", "respondents"] = Field(
        default="none", description="'respondents': n below 7 is never shown (survey results)"
    )
    kolada_kpi: str | None = Field(default=None, pattern=r"^[A-Z]\d{5}$")
    gender_gap_threshold: Decimal | None = Field(
        default=None, ge=0, allow_inf_nan=False, description="flag |K − M| above this"
    )
    shared: bool | None = Field(
        default=None,
        description="a municipality's own indicator: published for other municipalities to "
        "read (default: private on creation, unchanged on a new version)",
    )

    @model_validator(mode="after")
    def _one_numerator(self) -> IndicatorDefinitionIn:
        if self.numerator is None and self.numerator_measure is None:
            raise Invalid(message("problem.indicators.give_numerator_formula_numerator_measure"))
        return self


class IndicatorIn(IndicatorDefinitionIn):
    model_config = example(
        {
            "code": "andel_nojda_hemtjanst",
            "title": "Andel nöjda brukare i hemtjänsten",
            "title_en": "Share of satisfied home-care users",
            "area": "aldreomsorg",
            "classification": "effekt",
            "perspective": "malgrupp",
            "unit": "%",
            "direction": "higher",
            "decimals": 1,
            "numerator_measure": "survey_satisfied",
            "denominator_measure": "survey_respondents",
            "factor": "100",
            "suppression": "respondents",
            "gender_gap_threshold": "5",
        }
    )

    code: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_]+$")
    valid_from: date = date(2000, 1, 1)


class IndicatorVersionIn(IndicatorDefinitionIn):
    model_config = example(
        {
            "title": "Andel nöjda brukare i hemtjänsten",
            "title_en": "Share of satisfied home-care users",
            "area": "aldreomsorg",
            "classification": "effekt",
            "perspective": "malgrupp",
            "unit": "%",
            "direction": "higher",
            "decimals": 1,
            "numerator_measure": "survey_satisfied",
            "denominator_measure": "survey_respondents",
            "factor": "100",
            "suppression": "respondents",
            "valid_from": "2025-01-01",
        }
    )

    valid_from: date = Field(description="the first day the new definition applies")


class IndicatorOut(OutputModel):
    id: uuid.UUID
    code: str
    version: int
    title: str = Field(description=NEGOTIATED)
    title_sv: str = swedish("title")
    title_en: str | None = None
    description: str | None = Field(description=NEGOTIATED)
    description_sv: str | None = swedish("description")
    description_en: str | None = None
    area: str
    classification: str
    perspective: str
    unit: str
    direction: str
    decimals: int
    rollup: str
    period_rollup: str | None
    numerator: str | None = Field(validation_alias="numerator_formula")
    denominator: str | None = Field(validation_alias="denominator_formula")
    numerator_measure: str | None
    denominator_measure: str | None
    measures: list[str] = Field(default_factory=list, description="measures the formula reads")
    factor: Decimal
    suppression: str
    kolada_kpi: str | None
    gender_gap_threshold: Decimal | None = Field(validation_alias="threshold_gender_gap")
    valid_from: date
    valid_to: date | None
    owner_municipality_code: str | None = Field(
        default=None,
        validation_alias="municipality_code",
        description="the municipality that defined it and alone may change it; null = national",
    )
    shared: bool = Field(default=False, description="readable by other municipalities")
