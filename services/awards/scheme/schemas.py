from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import Field, model_validator

from services.awards.fields import Amount, IndicatorCode, Number, ShortText, Weight, check_money
from shared.i18n import Invalid, message
from shared.money import MoneyUnit
from shared.privacy import SUPPRESSION_THRESHOLD
from shared.schemas import InputModel, OutputModel, example

CriterionGroup = Literal["goals", "kkik", "survey", "cooperation", "special", "project"]
CriterionSource = Annotated[
    Literal["indicator", "goal_status", "project_effect", "project_spread"],
    Field(title="CriterionSource"),
]
NormalisationName = Literal["min_max", "z_score", "rank", "distance_to_target"]
MissingPolicyName = Literal["reweight", "mean", "worst"]
Code = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.\-]+$")


class CriterionSpec(InputModel):
    """One criterion: where its value comes from, which way is better, how much it weighs
    inside its group."""

    code: str = Code
    title: str = Field(min_length=1, max_length=200)
    group: CriterionGroup
    source: CriterionSource = "indicator"
    indicator_code: IndicatorCode | None = None
    weight: Decimal = Field(default=Decimal(1), gt=0, le=1000, allow_inf_nan=False)
    direction: Literal["higher", "lower"] | None = Field(
        default=None, description="default: the indicator's own direction"
    )
    kind: Literal["share", "value"] = Field(
        title="CriterionKind",
        default="value",
        description="'share': a survey share in percent with n respondents (binomial "
        "uncertainty, suppression below min_respondents)",
    )
    min_respondents: int = Field(default=SUPPRESSION_THRESHOLD, ge=SUPPRESSION_THRESHOLD)
    target: Number | None = None
    required: bool = Field(
        default=False,
        description="every eligible candidate must have a value: otherwise the run is refused "
        "(422 naming the criterion and the candidates lacking it) instead of reweighting it away",
    )

    @model_validator(mode="after")
    def _source_fields(self) -> CriterionSpec:
        if self.source in {"indicator", "project_effect"} and not self.indicator_code:
            raise Invalid(
                message("problem.awards.criterion_source_needs_indicator_code", source=self.source)
            )
        if self.source in {"goal_status", "project_spread"} and self.indicator_code:
            raise Invalid(
                message("problem.awards.criterion_source_takes_indicator_code", source=self.source)
            )
        return self


def _default_normalisations() -> list[NormalisationName]:
    return ["min_max", "z_score", "rank"]


def _default_policies() -> list[MissingPolicyName]:
    return ["reweight", "mean", "worst"]


class SensitivitySpec(InputModel):
    draws: int = Field(default=1000, ge=100, le=20_000)
    weight_spread: Decimal = Field(default=Decimal("0.5"), ge=0, le=Decimal("0.95"))
    normalisations: list[NormalisationName] = Field(
        default_factory=_default_normalisations, min_length=1
    )
    missing_policies: list[MissingPolicyName] = Field(
        default_factory=_default_policies, min_length=1
    )
    leave_one_out_share: Decimal = Field(default=Decimal("0.25"), ge=0, le=1)
    robust_share: Decimal = Field(
        default=Decimal("0.75"),
        gt=Decimal("0.5"),
        le=1,
        description="the winner is robust when it ranks first in at least this share of draws",
    )


class SchemeSpec(InputModel):
    """The method, stated in full: it is hashed into every run."""

    unit_types: list[ShortText] = Field(
        default_factory=list, max_length=20, description="eligible unit types"
    )
    group_weights: dict[CriterionGroup, Weight]
    criteria: list[CriterionSpec] = Field(min_length=1, max_length=100)
    normalisation: NormalisationName = "min_max"
    missing_policy: MissingPolicyName = "reweight"
    aggregation: Literal["arithmetic", "geometric"] = "arithmetic"
    mode: Annotated[Literal["level", "improvement", "mix"], Field(title="PrizeMode")] = "level"
    level_share: Decimal = Field(
        default=Decimal("0.5"), ge=0, le=1, description="mix mode: weight of the level part"
    )
    min_data_share: Decimal = Field(
        default=Decimal("0.5"),
        gt=0,
        le=1,
        description="a candidate needs values for at least this share of the criteria",
    )
    min_respondents: int | None = Field(
        default=None,
        ge=SUPPRESSION_THRESHOLD,
        description="eligibility, applied before ranking: a unit needs at least this many "
        "respondents on every survey-share criterion (kind 'share'); a suppressed or missing "
        "survey counts as too few",
    )
    min_judged_targets: int | None = Field(
        default=None,
        ge=1,
        le=1000,
        description="eligibility, applied before ranking: a unit needs at least this many "
        "judged targets behind a goal-fulfilment criterion (source 'goal_status')",
    )
    improvement_min_respondents: int = Field(
        default=20, ge=SUPPRESSION_THRESHOLD, description="for a change in a survey share"
    )
    improvement_z: Decimal = Field(
        default=Decimal("1.645"),
        ge=0,
        le=5,
        description="improvement credited = change − z × standard error of the change",
    )
    sensitivity: SensitivitySpec = Field(default_factory=SensitivitySpec)

    @model_validator(mode="after")
    def _consistent(self) -> SchemeSpec:
        codes = [c.code for c in self.criteria]
        duplicated = sorted({c for c in codes if codes.count(c) > 1})
        if duplicated:
            raise Invalid(
                message(
                    "problem.awards.criterion_codes_duplicated", duplicated=", ".join(duplicated)
                )
            )
        missing = sorted({c.group for c in self.criteria} - set(self.group_weights))
        if missing:
            raise Invalid(
                message(
                    "problem.awards.group_weights_lacks_weight_group", missing=", ".join(missing)
                )
            )
        if any(w <= 0 for w in self.group_weights.values()):
            raise Invalid(message("problem.awards.group_weights_positive"))
        if "distance_to_target" in (
            self.normalisation,
            *self.sensitivity.normalisations,
        ) and not any(c.target is not None for c in self.criteria):
            raise Invalid(message("problem.awards.distance_target_needs_target_least"))
        return self


class SchemeIn(InputModel):
    model_config = example(
        {
            "municipality_code": "9990",
            "year": 2024,
            "code": "arets_hemtjanst_2024",
            "title": "Årets hemtjänstenhet 2024",
            "candidates": "units",
            "prize_amount": "25000",
            "unit": "kr",
            "specification": {
                "unit_types": ["hemtjanst"],
                "group_weights": {"survey": "1"},
                "criteria": [
                    {
                        "code": "nojda",
                        "title": "Andel nöjda brukare (helhetssyn)",
                        "group": "survey",
                        "indicator_code": "andel_nojda",
                        "direction": "higher",
                        "kind": "share",
                    }
                ],
            },
        }
    )

    municipality_code: str | None = Field(default=None, pattern=r"^\d{4}$")
    year: int = Field(ge=2000, le=2100)
    code: str = Code
    title: str = Field(min_length=1, max_length=200, examples=["Årets hemtjänstenhet"])
    candidates: Literal["units", "projects"] = "units"
    prize_amount: Amount = Field(examples=["25000"])
    unit: MoneyUnit = "kr"
    specification: SchemeSpec

    @model_validator(mode="after")
    def _candidates(self) -> SchemeIn:
        check_money(self.prize_amount, self.unit)
        project_sources = {"project_effect", "project_spread"}
        sources = {c.source for c in self.specification.criteria}
        if self.candidates == "units" and sources & project_sources:
            raise Invalid(message("problem.awards.project_criteria_need_candidates_projects"))
        if self.candidates == "projects" and sources - project_sources:
            raise Invalid(message("problem.awards.project_prize_takes_project_effect"))
        if self.candidates == "units" and not self.specification.unit_types:
            raise Invalid(message("problem.awards.unit_prize_name_eligible_unit"))
        return self


class SchemeOut(OutputModel):
    id: uuid.UUID
    municipality_code: str
    year: int
    code: str
    title: str
    candidates: Literal["units", "projects"]
    prize_amount: Decimal
    unit: MoneyUnit
    specification: SchemeSpec
    created_at: datetime
