"""Client for the indicators service."""

from __future__ import annotations

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
            f"/v1/indicators/{code}/values",
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
        self, *, token: str, municipality_code: str, period: str
    ) -> GoalStatusSummary:
        """Per unit: targets met / partly met / not met / without data, and the share."""
        return await self.get_model(
            "/v1/scorecards/status",
            GoalStatusSummary,
            token=token,
            params={"municipality_code": municipality_code, "period": period, "level": "unit"},
        )
