from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import Field, model_validator

from services.awards.fields import Amount as MoneyAmount
from services.awards.fields import IndicatorCode, Number, PositiveAmount, check_money
from shared.i18n import NEGOTIATED, Invalid, message
from shared.money import MoneyUnit
from shared.schemas import InputModel, OutputModel, example


class FixedAmount(InputModel):
    kind: Literal["fixed"] = "fixed"
    amount: MoneyAmount
    unit: MoneyUnit = "kr"

    @model_validator(mode="after")
    def _precision(self) -> FixedAmount:
        check_money(self.amount, self.unit)
        return self


class PopulationShare(InputModel):
    """A share of a national pot in proportion to the municipality's population."""

    kind: Literal["population_share"] = "population_share"
    pot: PositiveAmount = Field(examples=["915000000"])
    unit: MoneyUnit = "kr"

    @model_validator(mode="after")
    def _precision(self) -> PopulationShare:
        check_money(self.pot, self.unit)
        return self


Amount = Annotated[FixedAmount | PopulationShare, Field(discriminator="kind")]


class GrantCriterion(InputModel):
    code: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.\-]+$")
    area: str = Field(min_length=1, max_length=100, examples=["Preventivt arbetssätt"])
    title: str = Field(min_length=1, max_length=300)
    indicator_code: IndicatorCode | None = Field(
        default=None, description="fetched at municipality level when given"
    )
    comparator: Annotated[Literal["at_least", "at_most"], Field(title="GrantComparator")]
    threshold: Number = Field(examples=["85"])
    value_unit: str = Field(default="%", max_length=16)
    amount: Amount


class GrantRuleSetIn(InputModel):
    model_config = example(
        {
            "municipality_code": "9990",
            "code": "prestation_hemtjanst_2024",
            "year": 2024,
            "title": "Prestationsersättning hemtjänst 2024",
            "criteria": [
                {
                    "code": "nojdhet",
                    "area": "Brukarnas upplevelse",
                    "title": "Andel nöjda brukare i hemtjänsten",
                    "comparator": "at_least",
                    "threshold": "85",
                    "value_unit": "%",
                    "amount": {"kind": "fixed", "amount": "150000", "unit": "kr"},
                }
            ],
        }
    )

    municipality_code: str | None = Field(
        default=None,
        pattern=r"^\d{4}$",
        description="omit with a national key for a national rule set",
    )
    code: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.\-]+$")
    year: int = Field(ge=2000, le=2100)
    title: str = Field(min_length=1, max_length=200)
    national_population: int | None = Field(default=None, gt=0, le=10**10)
    criteria: list[GrantCriterion] = Field(min_length=1, max_length=100)

    @model_validator(mode="after")
    def _consistent(self) -> GrantRuleSetIn:
        codes = [c.code for c in self.criteria]
        if len(set(codes)) != len(codes):
            raise Invalid(message("problem.awards.criterion_codes_unique"))
        if self.national_population is None and any(
            c.amount.kind == "population_share" for c in self.criteria
        ):
            raise Invalid(message("problem.awards.population_share_amounts_need_national"))
        return self


class GrantRuleSetOut(OutputModel):
    id: uuid.UUID
    municipality_code: str | None
    code: str
    year: int
    title: str
    national_population: int | None
    criteria: list[GrantCriterion]
    created_at: datetime


class GrantEvaluationIn(InputModel):
    model_config = example({"municipality_code": "9990", "values": {"nojdhet": "88.1"}})

    municipality_code: str | None = Field(default=None, pattern=r"^\d{4}$")
    population: int | None = Field(
        default=None, gt=0, le=10**10, description="needed for population_share amounts"
    )
    values: dict[str, Number] = Field(
        default_factory=dict,
        description="criterion code → value, for criteria without an indicator (or to state "
        "a value reported elsewhere; its source is then 'supplied')",
    )


class GrantCriterionResult(OutputModel):
    code: str
    area: str
    title: str
    value: Decimal | None
    value_unit: str
    source: str
    comparator: Annotated[Literal["at_least", "at_most"], Field(title="GrantComparator")]
    threshold: Decimal
    margin: Decimal | None = Field(description="how far on the good side of the threshold (+)")
    met: bool
    amount: Decimal
    unit: MoneyUnit
    explanation: str = Field(description=NEGOTIATED)
    explanation_sv: str | None = None
    explanation_en: str | None = None


class GrantYearComparison(OutputModel):
    """The same municipality's grant under the same rules the year before."""

    year: int
    evaluation_id: uuid.UUID
    total: Decimal
    change: Decimal = Field(description="this year's total − last year's")
    unit: MoneyUnit
    explanation: str = Field(description=NEGOTIATED)
    explanation_sv: str | None = None
    explanation_en: str | None = None


class GrantEvaluationOut(OutputModel):
    id: uuid.UUID
    rule_set_id: uuid.UUID
    municipality_code: str
    year: int
    total: Decimal
    unit: MoneyUnit
    met: int
    criteria: list[GrantCriterionResult]
    previous: GrantYearComparison | None = Field(
        default=None,
        description="last year's evaluation under the rule set of the same code, when made",
    )
    created_at: datetime
