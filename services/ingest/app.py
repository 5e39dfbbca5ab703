"""The ingest service: the one door through which every number enters the suite."""

from __future__ import annotations

import httpx
from fastapi import FastAPI

from services.ingest.batch.router import router as batch_router
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
        service="ingest",
        title="Kvalitetsnavet ingest",
        description="Kolada sync, local JSON batches and file uploads: validated, atomic, "
        "idempotent, traceable.",
        routers=[batch_router],
        settings=settings,
        database=database,
        transport=transport,
        upload_suffixes=("/uploads",),
    )
