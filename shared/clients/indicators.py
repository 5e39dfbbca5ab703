"""Client for the indicators service."""

from __future__ import annotations

from datetime import date
from urllib.parse import quote

from pydantic import BaseModel, ConfigDict

from shared.clients.base import ServiceClient
from shared.contracts.indicators import GoalStatusSummary, IndicatorValues
from shared.settings import ServiceName


class IndicatorsClient(ServiceClient):
    service: ServiceName = "indicators"

    async def indicator_values(
        self,
        code: str,
        *,
        token: str,
        municipality_code: str,
        period: str,
        level: str = "unit",
        gender: str = "T",
    ) -> IndicatorValues:
        return await self.get_model(
            f"/v1/indicators/{_segment(code)}/values",
            IndicatorValues,
            token=token,
            params={
                "municipality_code": municipality_code,
                "period": period,
                "level": level,
                "gender": gender,
            },
        )

    async def goal_status(
        self, *, token: str, municipality_code: str, period: str, level: str = "unit"
    ) -> GoalStatusSummary:
        """Goal fulfilment per unit against the board's targets (GET /v1/scorecards/status)."""
        return await self.get_model(
            "/v1/scorecards/status",
            GoalStatusSummary,
            token=token,
            params={"municipality_code": municipality_code, "period": period, "level": level},
        )

    async def units(self, *, token: str, municipality_code: str) -> list[UnitSummary]:
        """Every org unit of the municipality (all pages of GET /v1/units)."""
        return await _all_units(self, token=token, municipality_code=municipality_code)


def _segment(value: str) -> str:
    """One URL path segment, percent-encoded (a code never reaches the URL raw)."""
    return quote(value, safe="")


class UnitSummary(BaseModel):
    """The fields of the indicators service's org unit that other services use (the rest of
    the unit's shape is ignored, so the indicators service may add fields freely)."""

    model_config = ConfigDict(extra="ignore")

    code: str
    title: str
    unit_type: str
    area: str
    opened_on: date | None = None
    closed_on: date | None = None


class _UnitPage(BaseModel):
    model_config = ConfigDict(extra="ignore")

    items: list[UnitSummary]
    total: int


async def _all_units(
    client: IndicatorsClient, *, token: str, municipality_code: str
) -> list[UnitSummary]:
    units: list[UnitSummary] = []
    offset = 0
    while True:
        page = await client.get_model(
            "/v1/units",
            _UnitPage,
            token=token,
            params={"municipality_code": municipality_code, "limit": 500, "offset": offset},
        )
        units.extend(page.items)
        offset += len(page.items)
        if not page.items or offset >= page.total:
            return units
