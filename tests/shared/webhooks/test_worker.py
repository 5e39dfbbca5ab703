"""The scheduler's leader runs the delivery loop: a committed event reaches its receiver."""

from __future__ import annotations

import asyncio

import httpx

from shared.db import Database
from shared.events import emit
from shared.migrate import upgrade
from shared.scheduler import LeaderScheduler
from tests import helpers
from tests.shared.webhooks.conftest import Receiver
from tests.shared.webhooks.test_delivery import FRAME_SAVED, subscribe


async def test_scheduler_leader_delivers_committed_events(pg_server: helpers.TestServer) -> None:
    # Its own database: the worker commits for real, outside any test transaction.
    url = pg_server.create_database("kvn_worker")
    try:
        upgrade(url)
        settings = helpers.test_settings(
            url,
            WEBHOOK_ALLOWED_HOSTS=["hooks.example.se"],
            WEBHOOK_ALLOW_PRIVATE=True,  # no DNS in tests
            WEBHOOK_POLL_S=0.05,
        )
        database = Database.from_settings(settings)
        receiver = Receiver()
        scheduler = LeaderScheduler(
            settings,
            url,
            jobs=(),
            retry_seconds=0.2,
            transport=httpx.MockTransport(receiver.handle),
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
            from shared.webhooks import verify_signature

            request = receiver.requests[0]
            verify_signature(
                subscription.secret, headers=dict(request.headers), body=request.content
            )
        finally:
            await scheduler.stop()
            await database.dispose()
    finally:
        pg_server.drop_database(url)
