"""The scheduler's leader runs the delivery loop: a committed event reaches its receiver."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import httpx
import pytest
from prometheus_client import REGISTRY

from shared.db import Database
from shared.events import emit
from shared.migrate import upgrade
from shared.scheduler import LeaderScheduler
from shared.webhooks import deliver_pending
from tests import helpers
from tests.shared.webhooks.conftest import Receiver
from tests.shared.webhooks.test_delivery import FRAME_SAVED, subscribe


@pytest.fixture(scope="module")
def scratch_url(pg_server: helpers.TestServer) -> Iterator[str]:
    """Its own database: workers commit for real, outside any test transaction."""
    url = pg_server.create_database("kvn_worker")
    upgrade(url)
    yield url
    pg_server.drop_database(url)


async def test_scheduler_leader_delivers_committed_events(scratch_url: str) -> None:
    settings = helpers.test_settings(
        scratch_url,
        WEBHOOK_ALLOWED_HOSTS=["hooks.example.se"],
        WEBHOOK_ALLOW_PRIVATE=True,  # no DNS in tests
        WEBHOOK_POLL_S=0.05,
    )
    database = Database.from_settings(settings)
    receiver = Receiver()
    scheduler = LeaderScheduler(
        settings,
        scratch_url,
        jobs=(),
        retry_seconds=0.2,
        transport=httpx.MockTransport(receiver.handle),
    )
    delivered_before = REGISTRY.get_sample_value(
        "kvn_webhook_delivery_attempts_total", {"outcome": "delivered"}
    )
    try:
        subscription = await subscribe(database, settings)
        async with database.unit_of_work() as session:
            await emit(
                session,
                municipality_code="9990",
                type="budget.frame_saved",
                payload=FRAME_SAVED,
            )
        await scheduler.start()
        for _ in range(100):
            if receiver.requests:
                break
            await asyncio.sleep(0.05)
        assert scheduler.is_leader
        assert len(receiver.requests) == 1
        # Its /metrics (SCHEDULER_METRICS_PORT) say it leads and count the delivery.
        assert REGISTRY.get_sample_value("kvn_scheduler_leader") == 1
        for _ in range(100):
            delivered = REGISTRY.get_sample_value(
                "kvn_webhook_delivery_attempts_total", {"outcome": "delivered"}
            )
            if delivered is not None and delivered > (delivered_before or 0):
                break
            await asyncio.sleep(0.05)
        assert delivered == (delivered_before or 0) + 1
        from shared.webhooks import verify_signature

        request = receiver.requests[0]
        verify_signature(subscription.secret, headers=dict(request.headers), body=request.content)
    finally:
        await scheduler.stop()
        await database.dispose()
    assert REGISTRY.get_sample_value("kvn_scheduler_leader") == 0


async def test_concurrent_workers_deliver_each_event_exactly_once(scratch_url: str) -> None:
    settings = helpers.test_settings(
        scratch_url,
        WEBHOOK_ALLOWED_HOSTS=["race.example.se"],
        WEBHOOK_ALLOW_PRIVATE=True,
        WEBHOOK_BATCH_SIZE=20,
    )
    databases = [Database.from_settings(settings) for _ in range(3)]
    receiver = Receiver()
    try:
        await subscribe(databases[0], settings, url="https://race.example.se/in", code="1461")
        async with databases[0].unit_of_work() as session:
            for _ in range(120):
                await emit(
                    session,
                    municipality_code="1461",
                    type="budget.frame_saved",
                    payload=FRAME_SAVED,
                )
        async with httpx.AsyncClient(transport=httpx.MockTransport(receiver.handle)) as http:
            for _ in range(12):
                await asyncio.gather(
                    *(deliver_pending(db, http, settings=settings) for db in databases)
                )
        ids = [r.headers["webhook-id"] for r in receiver.requests]
        assert len(ids) == 120
        assert len(set(ids)) == 120
    finally:
        for db in databases:
            await db.dispose()
