from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import Field, model_validator

from shared.i18n import Invalid, message
from shared.schemas import InputModel, OutputModel, example

ScopeType = Literal["municipality", "area", "unit_type", "unit"]
Comparator = Annotated[
    Literal["at_least", "at_most", "equal", "between"], Field(title="TargetComparator")
]


class TargetFields(InputModel):
    model_config = example(
        {
            "indicator_code": "andel_nojda",
            "scope_type": "area",
            "scope_value": "aldreomsorg",
            "period": "2025",
            "comparator": "at_least",
            "value": "88.1",
            "tolerance": "2",
            "label": "Minst 88,1 % nöjda (2024 års nivå)",
            "decision": "SN 2024/12",
        }
    )

    indicator_code: str = Field(min_length=1, max_length=64)
    scope_type: ScopeType = "municipality"
    scope_value: str = Field(
        default="",
        max_length=64,
        description="area code, unit type or unit code; empty for the municipality",
    )
    period: str | None = Field(
        default=None,
        max_length=10,
        description="2024, 2024T2 …; a year's target applies to its tertials; null = standing",
    )
    gender: Literal["T", "K", "M"] = "T"
    comparator: Comparator
    value: Decimal = Field(allow_inf_nan=False)
    upper_value: Decimal | None = Field(default=None, allow_inf_nan=False)
    tolerance: Decimal = Field(
        default=Decimal(0), ge=0, allow_inf_nan=False, description="margin for 'partly met'"
    )
    label: str | None = Field(default=None, max_length=300, examples=["Minst 90 % nöjda"])
    decision: str | None = Field(
        default=None, max_length=300, description="the decision the target comes from"
    )

    @model_validator(mode="after")
    def _consistent(self) -> TargetFields:
        if self.comparator == "between":
            if self.upper_value is None:
                raise Invalid(message("problem.indicators.between_target_needs_upper_value"))
            if self.upper_value < self.value:
                raise Invalid(message("problem.indicators.upper_value_below_value"))
        elif self.upper_value is not None:
            raise Invalid(message("problem.indicators.upper_value_between"))
        if self.scope_type == "municipality" and self.scope_value:
            raise Invalid(message("problem.indicators.municipality_wide_target_scope_value"))
        if self.scope_type != "municipality" and not self.scope_value:
            raise Invalid(
                message("problem.indicators.target_needs_scope_value", scope_type=self.scope_type)
            )
        return self


class TargetIn(TargetFields):
    model_config = example(
        {
            "indicator_code": "andel_nojda",
            "scope_type": "area",
            "scope_value": "aldreomsorg",
            "period": "2025",
            "comparator": "at_least",
            "value": "90",
            "tolerance": "2",
            "label": "Minst 90 % nöjda",
            "decision": "SN 2024/12",
        }
    )

    municipality_code: str | None = Field(default=None, pattern=r"^\d{4}$")


class TargetOut(OutputModel):
    id: uuid.UUID
    municipality_code: str
    indicator_code: str
    scope_type: str
    scope_value: str
    period: str | None
    gender: str
    comparator: str
    value: Decimal
    upper_value: Decimal | None
    tolerance: Decimal
    label: str | None
    decision: str | None
    scorecard_id: uuid.UUID | None
    version: int
    updated_at: datetime
