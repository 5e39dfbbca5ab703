"""The awards service: prize evaluations, improvement projects, performance grants."""

from __future__ import annotations

import httpx
from fastapi import FastAPI

from services.awards.audit.router import router as audit_router
from services.awards.decision.router import router as decision_router
from services.awards.evaluation.router import router as evaluation_router
from services.awards.grant.router import router as grant_router
from services.awards.project.router import router as project_router
from services.awards.run.router import router as run_router
from services.awards.scheme.router import router as scheme_router
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
        service="awards",
        title="Kvalitetsnavet awards",
        description="Quality prizes as reproducible composite evaluations, improvement projects, "
        "performance grants.",
        routers=[
            evaluation_router,
            scheme_router,
            run_router,
            decision_router,
            project_router,
            grant_router,
            audit_router,
        ],
        settings=settings,
        database=database,
        transport=transport,
    )
