"""The budget service: frames and their ledger, operating budget, investments, funds."""

from __future__ import annotations

import httpx
from fastapi import FastAPI

from services.budget.audit.router import router as audit_router
from services.budget.efficiency.router import router as efficiency_router
from services.budget.frame.router import router as frame_router
from services.budget.fund.router import router as fund_router
from services.budget.investment.router import router as investment_router
from services.budget.operating.router import mapping_router
from services.budget.operating.router import router as operating_router
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
        service="budget",
        title="Kvalitetsnavet budget",
        description="Budget frames with a reconciling change ledger, operating budget with outcome "
        "and forecast, investments, earmarked funds, efficiency measures.",
        routers=[
            frame_router,
            operating_router,
            mapping_router,
            investment_router,
            fund_router,
            efficiency_router,
            audit_router,
        ],
        settings=settings,
        database=database,
        transport=transport,
    )
