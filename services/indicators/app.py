"""The indicators service: catalogue, org units, computed values."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
from fastapi import FastAPI

from services.indicators.analytics.router import router as analytics_router
from services.indicators.analytics.service import ResponseCache
from services.indicators.computation import workers
from services.indicators.indicator.router import router as indicator_router
from services.indicators.measure.router import router as measure_router
from services.indicators.privacy.router import router as privacy_router
from services.indicators.report.router import router as report_router
from services.indicators.report.service import ReportCache
from services.indicators.scorecard.router import goals_router
from services.indicators.scorecard.router import router as scorecard_router
from services.indicators.target.router import router as target_router
from services.indicators.target.service import Announcer
from services.indicators.unit.router import router as unit_router
from shared.app import create_service_app
from shared.db import Database
from shared.settings import Settings, get_settings

logger = logging.getLogger("kvn.indicators")


ANNOUNCE_EVERY_S = 30.0


async def _announce_left_over(announcer: Announcer) -> None:
    """Status changes of target writes whose own announcement did not run (the process
    stopped after the commit): announced within a while by any indicators process."""
    while True:
        await asyncio.sleep(ANNOUNCE_EVERY_S)
        try:
            await announcer.run()
        except Exception:
            logger.exception("announcing target status changes failed; retried later")


def _lifespan(settings: Settings):  # type: ignore[no-untyped-def]
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.analytics_cache = ResponseCache(
            settings.INDICATORS_CACHE_ENTRIES,
            state_ttl=0.0 if settings.ENVIRONMENT == "test" else settings.INDICATORS_STATE_TTL_S,
        )
        app.state.report_cache = ReportCache(
            settings.INDICATORS_REPORT_CACHE_ENTRIES, name="tertial_reports"
        )
        app.state.announcer = Announcer(app.state.database)
        database: Database = app.state.database
        # A database bound to a test's transaction: another connection could not see it.
        compute = workers.install(settings) if database.owns_engine else None
        starting: asyncio.Task[None] | None = None
        if compute is not None and settings.ENVIRONMENT != "test":
            # Started beside the first requests (/healthz answers at once); /readyz says
            # ready once they are up, so no request waits for a worker to spawn.
            starting = asyncio.create_task(compute.start(), name="compute-workers-start")
            app.state.starting = [starting]
        sweeper: asyncio.Task[None] | None = None
        if settings.ENVIRONMENT != "test":
            sweeper = asyncio.create_task(
                _announce_left_over(app.state.announcer), name="target-status-announcer"
            )
        try:
            yield
        finally:
            if starting is not None:
                starting.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await starting
            if compute is not None:
                workers.uninstall(compute)
            if sweeper is not None:
                sweeper.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await sweeper

    return lifespan


def create_app(
    settings: Settings | None = None,
    *,
    database: Database | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
) -> FastAPI:
    settings = settings or get_settings()
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
            analytics_router,
            report_router,
            privacy_router,
        ],
        settings=settings,
        database=database,
        transport=transport,
        extra_lifespan=_lifespan(settings),
    )
