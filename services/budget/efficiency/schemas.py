from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import Field, model_validator

from shared.contracts.ingest import BatchResult
from shared.i18n import Invalid, message
from shared.money import MoneyUnit
from shared.schemas import InputModel, OutputModel, example

EfficiencyKind = Annotated[
    Literal[
        "home_care_hour_cost",
        "residential_day_cost",
        "assistance_hour_cost",
        "standard_cost_deviation",
    ],
    Field(title="EfficiencyKind"),
]
MEASURE_CODES: dict[str, str] = {
    "home_care_hour_cost": "budget_cost_per_home_care_hour",
    "residential_day_cost": "budget_cost_per_residential_day",
    "assistance_hour_cost": "budget_cost_per_assistance_hour",
    "standard_cost_deviation": "budget_standard_cost_deviation",
}
VOLUME_UNITS = {
    "home_care_hour_cost": "timmar",
    "residential_day_cost": "dygn",
    "assistance_hour_cost": "timmar",
}


class NetCostFrom(InputModel):
    """Take the net cost from a stored operating budget's activity (−(revenue + costs))."""

    operating_budget_id: uuid.UUID
    activity_code: str = Field(min_length=1, max_length=64)


class EfficiencyIn(InputModel):
    model_config = example(
        {
            "municipality_code": "9990",
            "kind": "home_care_hour_cost",
            "period": "2024",
            "unit_code": "HT-NORR",
            "net_cost": "41250000",
            "net_cost_unit": "kr",
            "volume": "82500",
        }
    )

    municipality_code: str | None = Field(default=None, pattern=r"^\d{4}$")
    kind: EfficiencyKind
    period: str = Field(description="2024, 2024T2, 2024Q3 or 2024-05", examples=["2024"])
    unit_code: str | None = Field(
        default=None, max_length=64, description="org unit; omit for the whole municipality"
    )
    net_cost: Decimal | None = Field(
        default=None, gt=0, allow_inf_nan=False, description="the net cost, as a positive amount"
    )
    net_cost_unit: MoneyUnit = "kr"
    net_cost_from: NetCostFrom | None = None
    volume: Decimal | None = Field(
        default=None,
        gt=0,
        allow_inf_nan=False,
        description="delivered home-care hours, occupied days or assistance hours",
    )
    kolada_deviation_percent: Decimal | None = Field(
        default=None,
        gt=-100,
        allow_inf_nan=False,
        description="Kolada N20900 (nettokostnadsavvikelse äldreomsorg, %) for the year",
    )

    @model_validator(mode="after")
    def _inputs_fit_the_kind(self) -> EfficiencyIn:
        if (self.net_cost is None) == (self.net_cost_from is None):
            raise Invalid(message("problem.budget.send_either_net_cost_net"))
        if self.kind == "standard_cost_deviation":
            if self.kolada_deviation_percent is None:
                raise Invalid(message("problem.budget.standard_cost_deviation_needs_kolada"))
            if self.volume is not None:
                raise Invalid(message("problem.budget.standard_cost_deviation_takes_volume"))
        elif self.volume is None:
            raise Invalid(
                message(
                    "problem.budget.needs_volume",
                    kind=self.kind,
                    volume_unit=VOLUME_UNITS[self.kind],
                )
            )
        return self


class EfficiencyOut(OutputModel):
    kind: EfficiencyKind
    measure_code: str
    municipality_code: str
    unit_code: str | None
    period: str
    value: Decimal
    unit: str
    formula: str
    inputs: dict[str, Any]
    attribution: Literal["derived"] = "derived"
    source_note: str
    batch: BatchResult = Field(description="the ingest batch that stored the observation")
