"""The budget service: frames and their ledger, operating budget, investments, funds."""

from __future__ import annotations

import httpx
from fastapi import FastAPI

from services.budget.frame.router import router as frame_router
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
        routers=[frame_router],
        settings=settings,
        database=database,
        transport=transport,
    )
