"""A municipal key plans Kolada syncs for itself only, within bounds; and the worker serves
tenants in turn, so one tenant's long sync cannot starve another's."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import respx
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.ingest.kolada import jobs
from services.ingest.kolada.client import KoladaClient
from services.ingest.kolada.fake import FakeKolada
from shared.db import Database
from shared.models import KoladaSyncJob, Observation
from shared.settings import Settings

MakeKey = Callable[..., Any]
SYNC = "/v1/kolada/syncs"
LILLA_EDET, MELLERUD, KALMAR, VAGGERYD = "1462", "1461", "0880", "0665"


async def _jobs(session: AsyncSession) -> int:
    return int(
        (await session.execute(select(func.count()).select_from(KoladaSyncJob))).scalar_one()
    )


async def test_a_municipal_key_plans_only_its_own_bounded_sync(
    client: Any, make_key: MakeKey, session: AsyncSession, kolada_settings: Settings
) -> None:
    municipal = client("ingest", await make_key("ingest:write", municipality=LILLA_EDET))
    before = await _jobs(session)
    huge = {
        "mode": "full",
        "kpis": [f"U{i:05d}" for i in range(2000)],
        "municipalities": [LILLA_EDET, VAGGERYD, "0000", KALMAR],
        "years": list(range(1990, 2050)),
    }
    refused = await municipal.post(SYNC, json=huge)
    assert refused.status_code == 422
    assert refused.headers["content-type"].startswith("application/problem+json")
    errors = {(e["field"], tuple(e["loc"])): e for e in refused.json()["errors"]}
    assert errors[("kpis", ("body", "kpis"))]["code"] == "too_many"
    assert errors[("years", ("body", "years"))]["code"] == "too_many"
    outside = errors[("municipalities", ("body", "municipalities", 3))]
    assert (outside["value"], outside["code"]) == (KALMAR, "outside_plan")
    assert len(errors) == 3  # itself, its comparison group's Vaggeryd and riket are fine
    assert await _jobs(session) == before

    bounded = {
        "kpis": ["U21468"] * 2
        + [f"U{i:05d}" for i in range(kolada_settings.KOLADA_MUNICIPAL_MAX_KPIS - 1)],
        "municipalities": [LILLA_EDET, VAGGERYD, "0000"],
        "years": list(range(2000, 2000 + kolada_settings.KOLADA_MUNICIPAL_MAX_YEARS)),
    }
    assert (await municipal.post(SYNC, json=bounded)).status_code == 202

    national = client("ingest", await make_key("ingest:write", municipality=None))
    assert (await national.post(SYNC, json=huge)).status_code == 202
    assert await _jobs(session) == before + 2


async def test_the_worker_takes_tenants_in_turn(
    client: Any,
    make_key: MakeKey,
    database: Database,
    session: AsyncSession,
    kolada: KoladaClient,
    kolada_settings: Settings,
    kolada_mock: respx.MockRouter,
    fake: FakeKolada,
) -> None:
    async def queue(municipality: str, kpis: list[str]) -> str:
        key = await make_key("ingest:write", municipality=municipality)
        body = {
            "mode": "full",
            "kpis": kpis,
            "municipalities": [municipality],
            "years": [2023],
            "include_ous": False,
        }
        response = await client("ingest", key).post(SYNC, json=body)
        assert response.status_code == 202, response.text
        return str(response.json()["id"])

    long_job = await queue(LILLA_EDET, [f"U2{i:04d}" for i in range(75)])  # 3 chunks
    short_job = await queue(MELLERUD, ["U21468"])  # queued after it: 1 chunk
    settings = kolada_settings.model_copy(update={"KOLADA_SLICE_CHUNKS": 1})

    runs = [await jobs.run_next(database, kolada, settings) for _ in range(3)]
    assert runs == ["pending", "completed", "completed"]
    assert await jobs.run_next(database, kolada, settings) is None

    done = {
        str(j.id): j
        for j in (
            await session.execute(
                select(KoladaSyncJob).where(KoladaSyncJob.id.in_([long_job, short_job]))
            )
        ).scalars()
    }
    short_done, long_done = done[short_job].finished_at, done[long_job].finished_at
    assert short_done is not None
    assert long_done is not None
    assert short_done < long_done
    assert done[long_job].chunks_done == done[long_job].chunks_total == 3
    # Handing the worker over lost and doubled nothing: one value per KPI and gender.
    stored = (
        await session.execute(
            select(func.count())
            .select_from(Observation)
            .where(Observation.source == "kolada", Observation.municipality_code == LILLA_EDET)
        )
    ).scalar_one()
    assert stored == len({(o, g) for o in range(75) for g in "TKM"})
