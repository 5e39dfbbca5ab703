"""The scheduler: APScheduler 3.x in exactly one process, chosen by a PostgreSQL advisory lock.

Every replica may run `kvn scheduler`; the one holding the session-level advisory lock runs
the jobs, the others wait and take over when its connection goes away. Jobs are HTTP calls
to the services (authenticated with SERVICE_API_KEY), so the work runs where its code lives.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass, field
from typing import Any

import httpx
import psycopg
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger

from shared.metrics import SCHEDULER_LEADER
from shared.migrate import sync_url
from shared.settings import ServiceName, Settings

logger = logging.getLogger("kvn.scheduler")
LOCK_ID = 730_100_001


@dataclass(frozen=True)
class HttpJob:
    id: str
    service: ServiceName
    method: str
    path: str
    cron: str
    body: dict[str, Any] = field(default_factory=dict)


JOBS: tuple[HttpJob, ...] = (
    HttpJob(
        "kolada-nightly-sync",
        "ingest",
        "POST",
        "/v1/kolada/syncs",
        "15 2 * * *",
        {"mode": "incremental", "trigger": "scheduler"},
    ),
    # Yearly partitions of observation two years ahead, so no year's values land in the
    # default partition (services/ingest/observation/partitions.py).
    HttpJob(
        "observation-partitions",
        "ingest",
        "POST",
        "/v1/observations/partitions",
        "30 3 1 * *",
        {"years_ahead": 2},
    ),
)


def libpq_url(url: str) -> str:
    return sync_url(url).replace("postgresql+psycopg://", "postgresql://", 1)


class LeaderScheduler:
    def __init__(
        self,
        settings: Settings,
        database_url: str,
        *,
        jobs: tuple[HttpJob, ...] = JOBS,
        retry_seconds: float = 15.0,
        deliver_webhooks: bool = True,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.settings = settings
        self.database_url = libpq_url(database_url)
        self.jobs = jobs
        self.retry_seconds = retry_seconds
        self.deliver_webhooks = deliver_webhooks
        self.transport = transport
        self._leader = False
        self._task: asyncio.Task[None] | None = None
        self._http: httpx.AsyncClient | None = None

    @property
    def is_leader(self) -> bool:
        return self._leader

    @is_leader.setter
    def is_leader(self, leader: bool) -> None:
        self._leader = leader
        SCHEDULER_LEADER.set(1 if leader else 0)

    async def start(self) -> None:
        self._http = httpx.AsyncClient(
            timeout=self.settings.HTTP_TIMEOUT_S, transport=self.transport
        )
        self._task = asyncio.create_task(self._run(), name="scheduler-leader")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        if self._http is not None:
            await self._http.aclose()

    async def _run(self) -> None:
        while True:
            try:
                await self._lead_while_possible()
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                logger.warning("scheduler lost its database connection: %s", exc)
            self.is_leader = False
            await asyncio.sleep(self.retry_seconds)

    async def _lead_while_possible(self) -> None:
        async with await psycopg.AsyncConnection.connect(
            self.database_url, autocommit=True
        ) as conn:
            got = await (
                await conn.execute("SELECT pg_try_advisory_lock(%s)", (LOCK_ID,))
            ).fetchone()
            if not got or not got[0]:
                logger.info("another process runs the scheduler; standing by")
                return
            self.is_leader = True
            scheduler = AsyncIOScheduler(timezone="Europe/Stockholm")
            for job in self.jobs:
                scheduler.add_job(
                    self._call,
                    CronTrigger.from_crontab(job.cron, timezone="Europe/Stockholm"),
                    args=[job],
                    id=job.id,
                    max_instances=1,
                    coalesce=True,
                    misfire_grace_time=3600,
                )
            scheduler.start()
            logger.info(
                "this process runs the scheduler", extra={"jobs": [j.id for j in self.jobs]}
            )
            webhooks = self._start_webhook_delivery()
            try:
                while True:
                    await asyncio.sleep(self.retry_seconds)
                    await conn.execute("SELECT 1")
            finally:
                scheduler.shutdown(wait=False)
                await self._stop_webhook_delivery(webhooks)
                self.is_leader = False

    # --- identity: the webhook delivery loop runs in the leader only ---
    def _start_webhook_delivery(self) -> tuple[asyncio.Task[None], Any] | None:
        if not self.deliver_webhooks:
            return None
        from shared.db import Database
        from shared.webhooks import delivery_loop

        database = Database.from_settings(self.settings, url=sync_url(self.database_url))
        assert self._http is not None
        task = asyncio.create_task(
            delivery_loop(database, self._http, settings=self.settings), name="webhook-delivery"
        )
        return task, database

    @staticmethod
    async def _stop_webhook_delivery(started: tuple[asyncio.Task[None], Any] | None) -> None:
        if started is None:
            return
        task, database = started
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        await database.dispose()

    async def _call(self, job: HttpJob) -> None:
        assert self._http is not None
        try:
            response = await call_job(self._http, self.settings, job)
            logger.info(
                "scheduled job called", extra={"job": job.id, "status": response.status_code}
            )
        except httpx.HTTPError as exc:
            logger.warning("scheduled job failed", extra={"job": job.id, "error": str(exc)})


async def call_job(http: httpx.AsyncClient, settings: Settings, job: HttpJob) -> httpx.Response:
    """One call of a scheduled job, as the leader makes it on its schedule."""
    url = settings.service_url(job.service).rstrip("/") + job.path
    return await http.request(
        job.method,
        url,
        json=job.body,
        headers={"Authorization": f"Bearer {settings.SERVICE_API_KEY}"},
    )


def job_named(name: str) -> HttpJob:
    for job in JOBS:
        if job.id == name:
            return job
    raise KeyError(f"no scheduled job {name!r}; the jobs are {', '.join(j.id for j in JOBS)}")
