"""Idempotency-Key semantics of JSON batches (IETF draft): a retry replays the stored
response; the same key with another body is 422; a retry while the first is in flight is 409;
keys are scoped per API key."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import httpx
import psycopg
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.ingest.app import create_app
from shared.auth import create_api_key
from shared.db import Database
from shared.models import Observation
from shared.settings import Settings
from tests.helpers import libpq, running

MakeKey = Callable[..., Any]
BATCHES = "/v1/batches"


def _batch(value: int, municipality: str | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {
        "observations": [
            {"measure_code": "oj_positive_share_lss", "period": "2026", "value": value}
        ]
    }
    if municipality:
        body["municipality_code"] = municipality
    return body


async def _count(session: AsyncSession, municipality: str = "9990") -> int:
    result = await session.execute(
        select(func.count()).where(
            Observation.municipality_code == municipality,
            Observation.measure_code == "oj_positive_share_lss",
            Observation.period == "2026",
        )
    )
    return int(result.scalar_one())


async def test_a_retry_replays_the_stored_response_and_stores_once(
    client: Any, make_key: MakeKey, session: AsyncSession
) -> None:
    http = client("ingest", await make_key("ingest:write"))
    headers = {"Idempotency-Key": "oj-2026"}
    first = await http.post(BATCHES, json=_batch(50), headers=headers)
    again = await http.post(BATCHES, json=_batch(50), headers=headers)
    assert first.status_code == again.status_code == 201
    assert "idempotent-replayed" not in first.headers
    assert again.headers["idempotent-replayed"] == "true"
    assert again.json() == first.json()
    assert await _count(session) == 1


async def test_the_same_key_with_another_body_is_422_and_stores_nothing_more(
    client: Any, make_key: MakeKey, session: AsyncSession
) -> None:
    http = client("ingest", await make_key("ingest:write"))
    headers = {"Idempotency-Key": "oj-2026"}
    assert (await http.post(BATCHES, json=_batch(50), headers=headers)).status_code == 201
    other = await http.post(BATCHES, json=_batch(75), headers=headers)
    assert other.status_code == 422
    assert other.json()["errors"][0]["code"] == "idempotency_key_reused"
    stored = (
        await session.execute(
            select(Observation.value).where(
                Observation.municipality_code == "9990",
                Observation.measure_code == "oj_positive_share_lss",
            )
        )
    ).scalar_one()
    assert stored == 50


async def test_keys_are_scoped_per_api_key(
    client: Any, make_key: MakeKey, session: AsyncSession
) -> None:
    one = client("ingest", await make_key("ingest:write"))
    two = client("ingest", await make_key("ingest:write"))
    headers = {"Idempotency-Key": "shared-name"}
    assert (await one.post(BATCHES, json=_batch(50), headers=headers)).status_code == 201
    # Another key with the same Idempotency-Key is a new request, not a replay (nor a 422).
    second = await two.post(BATCHES, json=_batch(50), headers=headers)
    assert second.status_code == 201
    assert "idempotent-replayed" not in second.headers
    assert second.json()["unchanged"] == 1


async def test_a_retry_while_the_first_is_in_flight_is_409(
    database_url: str, settings: Settings
) -> None:
    """Two real concurrent requests on a committed database: the first is held mid-transaction
    (a third connection locks the row its data_version bump needs), the retry gets 409."""
    municipality = "9989"  # fictional, used by this test only; cleaned up below
    url = libpq(database_url)
    database = Database.from_settings(settings)
    async with database.unit_of_work() as s:
        key = await create_api_key(
            s, name="inflight", municipality_code=municipality, scopes=["ingest:write"]
        )
    admin = await psycopg.AsyncConnection.connect(url, autocommit=True)
    blocker = await psycopg.AsyncConnection.connect(url)
    try:
        await admin.execute(
            "INSERT INTO data_version (municipality_code, version) VALUES (%s, 0)", (municipality,)
        )
        await blocker.execute(
            "SELECT 1 FROM data_version WHERE municipality_code = %s FOR UPDATE", (municipality,)
        )
        app = create_app(settings, database=database)
        async with running(app):
            transport = httpx.ASGITransport(app=app)
            headers = {"Authorization": f"Bearer {key.token}", "Idempotency-Key": "in-flight"}
            async with httpx.AsyncClient(
                transport=transport, base_url="http://ingest.test", headers=headers
            ) as http:
                first = asyncio.create_task(http.post(BATCHES, json=_batch(60, municipality)))
                for _ in range(200):  # until the first request waits on the row lock
                    cur = await admin.execute(
                        "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                        "AND query LIKE 'INSERT INTO data_version%%'"
                    )
                    row = await cur.fetchone()
                    if row and row[0]:
                        break
                    await asyncio.sleep(0.02)
                else:
                    raise AssertionError("the first request never reached the data_version bump")
                retry = await http.post(BATCHES, json=_batch(60, municipality))
                assert retry.status_code == 409
                assert retry.headers["retry-after"] == "1"
                assert retry.headers["content-type"].startswith("application/problem+json")

                await blocker.rollback()  # let the first request finish
                done = await first
                assert done.status_code == 201
                replay = await http.post(BATCHES, json=_batch(60, municipality))
                assert replay.status_code == 201
                assert replay.headers["idempotent-replayed"] == "true"
                assert replay.json() == done.json()
        cur = await admin.execute(
            "SELECT count(*) FROM observation WHERE municipality_code = %s", (municipality,)
        )
        assert await cur.fetchone() == (1,)
    finally:
        await blocker.rollback()
        await blocker.close()
        await admin.execute("DELETE FROM observation WHERE municipality_code = %s", (municipality,))
        await admin.execute(
            "DELETE FROM ingest_batch WHERE municipality_code = %s", (municipality,)
        )
        await admin.execute(
            "DELETE FROM data_version WHERE municipality_code = %s", (municipality,)
        )
        await admin.execute(
            "DELETE FROM event_outbox WHERE municipality_code = %s", (municipality,)
        )
        await admin.execute("DELETE FROM api_key WHERE municipality_code = %s", (municipality,))
        await admin.close()
        await database.dispose()
