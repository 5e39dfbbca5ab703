"""The sync worker: an asyncio task in the ingest process that claims pending jobs from the
database (FOR UPDATE SKIP LOCKED) and runs them; a job whose worker died is resumed."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import ssl
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
from fastapi import FastAPI

from services.ingest.kolada import repository, service
from services.ingest.kolada.client import KoladaClient
from services.ingest.kolada.parsing import close_parsers, shared_parser
from shared.db import Database
from shared.settings import Settings

logger = logging.getLogger("kvn.ingest.worker")


async def run_next(database: Database, client: KoladaClient, settings: Settings) -> str | None:
    """Claim and run one job; None when there was nothing to do."""
    async with database.unit_of_work() as session:
        job = await repository.claim_job(session, settings.KOLADA_JOB_STALE_S)
        job_id = job.id if job else None
    if job_id is None:
        return None
    logger.info("kolada sync started", extra={"job": str(job_id)})
    try:
        state = await service.run_job(database, client, job_id, settings)
    except Exception as exc:
        # Deterministic errors would crash every resumption again: the job fails with its
        # error instead of staying 'running' (only a dead process leaves it so, to be resumed).
        logger.exception("kolada sync crashed", extra={"job": str(job_id)})
        await service.fail_job(database, job_id, "run", exc)
        state = "failed"
    logger.info("kolada sync finished", extra={"job": str(job_id), "state": state})
    return state


class SyncWorker:
    def __init__(self, database: Database, client: KoladaClient, settings: Settings) -> None:
        self.database = database
        self.client = client
        self.settings = settings
        self.wakeup = asyncio.Event()

    async def run(self) -> None:
        while True:
            try:
                state = await run_next(self.database, self.client, self.settings)
            except asyncio.CancelledError:
                raise
            except Exception:
                # Claiming or failing the job needs the database; a job left 'running' is
                # resumed once its heartbeat is stale.
                logger.exception("kolada sync worker could not reach the database")
                state = None
            if state is not None:
                continue
            self.wakeup.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.wakeup.wait(), self.settings.KOLADA_WORKER_POLL_S)


def worker_enabled(settings: Settings) -> bool:
    if settings.KOLADA_WORKER_ENABLED is not None:
        return settings.KOLADA_WORKER_ENABLED
    # Tests bind every session to one rolled-back connection; a background task would share it.
    return settings.ENVIRONMENT != "test"


def kolada_lifespan(transport: httpx.AsyncBaseTransport | None = None):  # type: ignore[no-untyped-def]
    """The ingest app's extra lifespan: the Kolada HTTP client and, where enabled, the worker."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        settings: Settings = app.state.settings
        verify: ssl.SSLContext | bool = True
        if settings.KOLADA_CA_FILE is not None:
            verify = ssl.create_default_context(cafile=str(settings.KOLADA_CA_FILE))
        async with httpx.AsyncClient(
            transport=transport,
            verify=verify,
            timeout=httpx.Timeout(settings.KOLADA_TIMEOUT_S, connect=5.0),
            limits=httpx.Limits(max_connections=max(4, settings.KOLADA_CONCURRENCY * 2)),
        ) as http:
            client = KoladaClient(http, settings)
            app.state.kolada = client
            app.state.sync_worker = None
            task: asyncio.Task[None] | None = None
            if worker_enabled(settings):
                # The parser's workers are ready before the first job needs them.
                shared_parser(settings.KOLADA_PARSE_PROCESSES).warm()
                worker = SyncWorker(app.state.database, client, settings)
                app.state.sync_worker = worker
                task = asyncio.create_task(worker.run(), name="kolada-sync-worker")
            try:
                yield
            finally:
                if task is not None:
                    task.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        await task
                close_parsers()

    return lifespan
