"""The ingest service: the one door through which every number enters the suite."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Callable

import anyio.to_thread
import httpx
from fastapi import FastAPI

from services.ingest.batch.router import router as batch_router
from services.ingest.kolada.jobs import kolada_lifespan
from services.ingest.kolada.router import router as kolada_router
from services.ingest.observation.router import router as observation_router
from services.ingest.upload.router import router as upload_router
from services.ingest.upload.workers import CheckPool
from shared.app import create_service_app
from shared.db import Database
from shared.oidc import me_router
from shared.settings import Settings
from shared.webhooks import webhook_router


def create_app(
    settings: Settings | None = None,
    *,
    database: Database | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
    kolada_transport: httpx.AsyncBaseTransport | None = None,
) -> FastAPI:
    """`kolada_transport` replaces the network for Kolada (benchmarks serve recorded payloads);
    the base URL is still checked against KOLADA_ALLOWED_HOSTS."""
    return create_service_app(
        service="ingest",
        title="Kvalitetsnavet ingest",
        description="Kolada sync, local JSON batches and file uploads: validated, atomic, "
        "idempotent, traceable.",
        routers=[
            batch_router,
            kolada_router,
            observation_router,
            upload_router,
            webhook_router(),
            me_router(),
        ],
        settings=settings,
        database=database,
        transport=transport,
        extra_lifespan=_lifespan(kolada_transport),
        upload_suffixes=("/uploads",),
        database_gauges=True,
    )


def _lifespan(
    kolada_transport: httpx.AsyncBaseTransport | None,
) -> Callable[[FastAPI], contextlib.AbstractAsyncContextManager[None]]:
    kolada = kolada_lifespan(kolada_transport)

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        settings: Settings = app.state.settings
        checks = CheckPool(settings.UPLOAD_CHECK_PROCESSES)
        app.state.upload_checks = checks
        try:
            if settings.ENVIRONMENT != "test":
                # Ready before the first request (tests spawn them only when they need them).
                await checks.start()
            async with kolada(app):
                yield
        finally:
            await anyio.to_thread.run_sync(checks.close, True)

    return lifespan
