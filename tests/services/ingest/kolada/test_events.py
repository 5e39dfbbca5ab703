"""A Kolada chunk that stores or revises values records one event per municipality it changed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import respx
from sqlalchemy.ext.asyncio import AsyncSession

from services.ingest.kolada import jobs
from services.ingest.kolada.client import KoladaClient
from services.ingest.kolada.fake import FakeKolada
from shared.db import Database
from shared.settings import Settings
from tests.services.ingest.observation.test_change_events import events_of

MakeKey = Callable[..., Any]


async def test_each_kolada_chunk_records_one_event_per_municipality_it_changed(
    client: Any,
    make_key: MakeKey,
    database: Database,
    session: AsyncSession,
    kolada: KoladaClient,
    kolada_settings: Settings,
    kolada_mock: respx.MockRouter,
    fake: FakeKolada,
) -> None:
    key = await make_key("ingest:write", "ingest:read", municipality="1462")
    body = {
        "kpis": ["U21468"],
        "municipalities": ["1462", "0000"],
        "years": [2023],
        "include_ous": False,
    }

    async def sync(mode: str) -> None:
        queued = await client("ingest", key).post("/v1/kolada/syncs", json={**body, "mode": mode})
        assert queued.status_code == 202, queued.text
        assert await jobs.run_next(database, kolada, kolada_settings) == "completed"

    await sync("full")  # every value new: the direct COPY path
    first = await events_of(session, "1462")
    riket = await events_of(session, "0000")
    expected = {
        "source": "kolada",
        "batch_id": None,
        "periods": ["2023"],
        "measure_codes": ["U21468"],
        "unit_codes": [""],
        "created": 3,
        "revised": 0,
    }
    assert first == riket == [expected]

    fake.changes[("U21468", "1462", 2023, "T")] = ("2099-01-01", 91.5, "", False)
    fake.changes[("U21468", "1462", 2023, "K")] = ("2099-01-01", None, "", True)
    await sync("incremental")  # the staged upsert: a revision and a deletion
    await sync("incremental")  # the same answer again: nothing changed

    assert await events_of(session, "1462") == [
        expected,
        {**expected, "created": 0, "revised": 2},
    ]
    assert await events_of(session, "0000") == [expected]
