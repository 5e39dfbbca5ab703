"""The indicators service: catalogue, org units, computed values."""

from __future__ import annotations

import httpx
from fastapi import FastAPI

from services.indicators.indicator.router import router as indicator_router
from services.indicators.measure.router import router as measure_router
from services.indicators.scorecard.router import goals_router
from services.indicators.scorecard.router import router as scorecard_router
from services.indicators.target.router import router as target_router
from services.indicators.unit.router import router as unit_router
from shared.app import create_service_app
from shared.db import Database
from shared.settings import Settings


def create_app(
    settings: Settings | None = None,
    *,
    database: Database | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
) -> FastAPI:
    return create_service_app(
        service="indicators",
        title="Kvalitetsnavet indicators",
        description="Indicator catalogue and formulas, org units, periods, gender split, "
        "scorecards, comparisons and reports.",
        routers=[
            indicator_router,
            measure_router,
            unit_router,
            target_router,
            scorecard_router,
            goals_router,
        ],
        settings=settings,
        database=database,
        transport=transport,
    )
