from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
import respx
from sqlalchemy import func, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from services.ingest.kolada import jobs
from services.ingest.kolada.client import KoladaClient
from services.ingest.kolada.fake import FakeKolada
from shared.db import Database
from shared.models import (
    DataVersion,
    KoladaKpi,
    KoladaSyncChunk,
    Observation,
    ObservationRevision,
)
from shared.settings import Settings

MakeKey = Callable[..., Any]
SYNC = "/v1/kolada/syncs"


async def _observations(session: AsyncSession, **where: str) -> list[Observation]:
    """The Kolada values syncs stored (not the demo's offline sample, which no run fetched)."""
    query = select(Observation).where(
        Observation.source == "kolada", Observation.kolada_job_id.is_not(None)
    )
    for name, value in where.items():
        query = query.where(getattr(Observation, name) == value)
    return list((await session.execute(query)).scalars())


async def _queue(
    client: Any, make_key: MakeKey, body: dict[str, Any], municipality: str | None = "1462"
) -> dict[str, Any]:
    key = await make_key("ingest:write", "ingest:read", municipality=municipality)
    response = await client("ingest", key).post(SYNC, json=body)
    assert response.status_code == 202, response.text
    assert response.headers["location"] == f"{SYNC}/{response.json()['id']}"
    return dict(response.json())


async def test_sync_stores_municipality_and_ou_values_with_their_source(
    client: Any,
    make_key: MakeKey,
    database: Database,
    session: AsyncSession,
    kolada: KoladaClient,
    kolada_settings: Settings,
    kolada_mock: respx.MockRouter,
    fake: FakeKolada,
) -> None:
    job = await _queue(
        client, make_key, {"mode": "full", "kpis": ["U21468", "N01951"], "years": [2022, 2023]}
    )
    assert job["state"] == "pending"
    version_before = (
        await session.execute(
            select(DataVersion.version).where(DataVersion.municipality_code == "1462")
        )
    ).scalar_one_or_none() or 0

    assert await jobs.run_next(database, kolada, kolada_settings) == "completed"

    key = await make_key("ingest:read", municipality="1462")
    done = (await client("ingest", key).get(job["url"])).json()
    assert done["state"] == "completed"
    assert done["progress"]["chunks_done"] == done["progress"]["chunks_total"] > 0
    assert done["timings"]["seconds"] is not None
    plan = done["plan"]
    # Itself, its "Liknande kommuner" groups, Riket and every other municipality (ranks and
    # colours are among all 290); its V21/V23 OUs but not the V15 one.
    assert {"1462", "0000"} <= set(plan["municipalities"])
    assert len(plan["municipalities"]) == 291
    assert plan["ous"] == {"1462": ["V21E048200501", "V23E048200601"]}
    assert plan["ou_kpis"] == ["U21468"]  # N01951 has no OU data

    munis = len(plan["municipalities"])
    stored = await _observations(session)
    ou_values = [o for o in stored if o.unit_code]
    # 2 KPIs × municipalities × 2 years × 3 genders, plus 1 KPI × 2 OUs × 2 years × 3 genders.
    assert len(stored) == 2 * munis * 2 * 3 + 2 * 2 * 3
    assert done["counts"]["created"] == len(stored)
    assert {o.municipality_code for o in ou_values} == {"1462"}
    sample = (
        await _observations(
            session,
            municipality_code="1462",
            unit_code="",
            measure_code="U21468",
            period="2023",
            gender="K",
        )
    )[0]
    # The URL that answers exactly this value, not the page of up to 75 ids it came on.
    assert (
        sample.source_url == "https://api.kolada.se/v3/data/kpi/U21468/municipality/1462/year/2023"
    )
    assert sample.kolada_job_id is not None
    assert str(sample.kolada_job_id) == job["id"]
    assert sample.status == "final"
    version_after = (
        await session.execute(
            select(DataVersion.version).where(DataVersion.municipality_code == "1462")
        )
    ).scalar_one()
    assert version_after > version_before

    prov = (await client("ingest", key).get(f"/v1/observations/{sample.id}/provenance")).json()
    assert prov["attribution"] == "Källa: Kolada"
    assert prov["origin"]["kind"] == "kolada_sync"
    assert prov["origin"]["source_url"] == sample.source_url


async def test_a_second_unfinished_sync_for_the_same_municipality_is_a_conflict(
    client: Any, make_key: MakeKey
) -> None:
    await _queue(client, make_key, {"mode": "full"})
    key = await make_key("ingest:write", municipality="1462")
    second = await client("ingest", key).post(SYNC, json={"mode": "full"})
    assert second.status_code == 409
    assert second.headers["content-type"].startswith("application/problem+json")
    assert second.json()["job"].startswith(SYNC)


async def test_a_municipal_key_cannot_sync_another_municipality(
    client: Any, make_key: MakeKey
) -> None:
    key = await make_key("ingest:write", municipality="1462")
    response = await client("ingest", key).post(SYNC, json={"municipality_code": "0880"})
    assert response.status_code == 404


async def test_the_scheduler_body_queues_a_national_incremental_sync(
    client: Any, make_key: MakeKey
) -> None:
    key = await make_key("ingest:write", "ingest:read", municipality=None)
    response = await client("ingest", key).post(
        SYNC, json={"mode": "incremental", "trigger": "scheduler"}
    )
    assert response.status_code == 202
    body = response.json()
    assert body["municipality_code"] is None
    assert body["plan"]["include_catalogue"] is True
    municipal = await make_key("ingest:read", municipality="1462")
    assert (await client("ingest", municipal).get(body["url"])).status_code == 404


async def test_upstream_422_fails_that_chunk_only_and_stores_nothing_of_it(
    client: Any,
    make_key: MakeKey,
    database: Database,
    session: AsyncSession,
    kolada: KoladaClient,
    kolada_settings: Settings,
    kolada_mock: respx.MockRouter,
    fake: FakeKolada,
) -> None:
    job = await _queue(
        client,
        make_key,
        {
            "mode": "full",
            "kpis": ["U21468", "N01951"],
            "municipalities": ["1462", "0665"],  # Vaggeryd: in Lilla Edet's elderly-care group
            "years": [2023],
            "include_ous": False,
        },
    )
    kolada_mock.routes.clear()
    kolada_mock.get(path__startswith="/v3/data/kpi/U21468,N01951/municipality/1462,0665").respond(
        422, json={"detail": "Unprocessable"}
    )
    kolada_mock.route().mock(side_effect=fake)
    assert await jobs.run_next(database, kolada, kolada_settings) == "failed"
    key = await make_key("ingest:read", municipality="1462")
    done = (await client("ingest", key).get(job["url"])).json()
    assert done["progress"]["chunks_failed"] == 1
    assert "422" in done["errors"][0]["message"]
    assert done["errors"][0]["kpis"] == ["U21468", "N01951"]
    assert await _observations(session) == []

    # Kolada answers again: a retry fetches the failed chunk only, and the job completes.
    writer = client("ingest", await make_key("ingest:write", municipality="1462"))
    kolada_mock.routes.clear()
    kolada_mock.route().mock(side_effect=fake)
    fake.requests.clear()
    retried = await writer.post(f"{job['url']}/retry")
    assert retried.status_code == 202, retried.text
    assert retried.json()["state"] == "pending"
    assert await jobs.run_next(database, kolada, kolada_settings) == "completed"
    assert len(fake.requests) == 1
    done = (await client("ingest", key).get(job["url"])).json()
    assert done["progress"]["chunks_failed"] == 0
    assert done["progress"]["chunks_done"] == done["progress"]["chunks_total"]
    assert len(done["errors"]) == 1  # the earlier failure stays on record
    assert len(await _observations(session)) == 2 * 2 * 3  # KPIs × municipalities × genders
    again = await writer.post(f"{job['url']}/retry")
    assert again.status_code == 409
    assert again.json()["state"] == "completed"


async def test_malformed_page_fails_the_chunk_and_stores_nothing_of_it(
    client: Any,
    make_key: MakeKey,
    database: Database,
    session: AsyncSession,
    kolada_settings: Settings,
    kolada_mock: respx.MockRouter,
    fake: FakeKolada,
    sleeps: Any,
) -> None:
    job = await _queue(
        client,
        make_key,
        {
            "mode": "full",
            "kpis": ["U21468"],
            "municipalities": ["1462"],
            "years": [2022, 2023],
            "include_ous": False,
        },
    )
    calls = {"n": 0}

    def second_page_broken(request: httpx.Request) -> httpx.Response:
        calls["n"] += 1
        if calls["n"] == 2:
            return httpx.Response(
                200, json={"count": 1, "values": [{"kpi": "U21468"}], "next_url": None}
            )
        return fake(request)

    kolada_mock.routes.clear()
    kolada_mock.route().mock(side_effect=second_page_broken)
    settings = kolada_settings.model_copy(update={"KOLADA_PER_PAGE": 1})
    async with httpx.AsyncClient() as http:
        client_ = KoladaClient(http, settings, sleep=sleeps)
        assert await jobs.run_next(database, client_, settings) == "failed"
    # The first page was fine, but the chunk is stored whole or not at all.
    assert await _observations(session) == []
    key = await make_key("ingest:read", municipality="1462")
    done = (await client("ingest", key).get(job["url"])).json()
    assert "malformed Kolada answer" in done["errors"][0]["message"]


async def test_preliminary_becomes_final_and_an_incremental_run_applies_changes_and_deletions(
    client: Any,
    make_key: MakeKey,
    database: Database,
    session: AsyncSession,
    kolada: KoladaClient,
    kolada_settings: Settings,
    kolada_mock: respx.MockRouter,
    fake: FakeKolada,
) -> None:
    body = {"kpis": ["U21468"], "municipalities": ["1462"], "years": [2023], "include_ous": False}
    fake.preliminary.add(("U21468", "1462", 2023, "T"))
    await _queue(client, make_key, {**body, "mode": "full"})
    assert await jobs.run_next(database, kolada, kolada_settings) == "completed"
    (prel,) = await _observations(session, gender="T")
    assert prel.status == "preliminary"
    first_value = prel.value

    # Kolada publishes the final value (changed), and deletes the value for women.
    fake.preliminary.clear()
    fake.changes[("U21468", "1462", 2023, "T")] = ("2099-01-01", 91.5, "", False)
    fake.changes[("U21468", "1462", 2023, "K")] = ("2099-01-01", None, "", True)
    job = await _queue(client, make_key, {**body, "mode": "incremental"})
    assert job["from_date"] is not None
    assert await jobs.run_next(database, kolada, kolada_settings) == "completed"
    assert any("from_date=" in url for url in fake.requests)

    session.expire_all()
    (final,) = await _observations(session, gender="T")
    assert final.status == "final"
    assert float(final.value or 0) == 91.5
    assert final.revision == 2
    (deleted,) = await _observations(session, gender="K")
    assert deleted.status == "deleted"
    assert deleted.value is None
    (untouched,) = await _observations(session, gender="M")
    assert untouched.revision == 1

    history = list(
        (
            await session.execute(
                select(ObservationRevision).where(ObservationRevision.observation_id == final.id)
            )
        ).scalars()
    )
    assert [(h.revision, h.status, h.value) for h in history] == [(1, "preliminary", first_value)]
    assert history[0].replaced_by_job_id is not None
    assert str(history[0].replaced_by_job_id) == job["id"]

    key = await make_key("ingest:read", municipality="1462")
    prov = (
        await client("ingest", key).get(
            "/v1/observations/provenance",
            params={
                "source": "kolada",
                "municipality_code": "1462",
                "measure_code": "U21468",
                "period": "2023",
            },
        )
    ).json()
    assert prov["revision"] == 2
    assert prov["revisions"][0]["status"] == "preliminary"


async def test_a_run_killed_midway_resumes_without_losing_or_doubling_a_row(
    client: Any,
    make_key: MakeKey,
    database: Database,
    session: AsyncSession,
    kolada: KoladaClient,
    kolada_settings: Settings,
    kolada_mock: respx.MockRouter,
    fake: FakeKolada,
) -> None:
    kpis = [f"U2{i:04d}" for i in range(60)]  # 3 KPI chunks of 25, 25, 10
    job = await _queue(
        client,
        make_key,
        {
            "mode": "full",
            "kpis": kpis,
            "municipalities": ["1462", "0665"],
            "years": [2022, 2023],
            "include_ous": False,
        },
    )
    served = {"n": 0}

    class Killed(BaseException):
        """Like SIGKILL for this test: not an error the job handles."""

    def dies_on_third_chunk(request: httpx.Request) -> httpx.Response:
        if "/data/kpi/" in request.url.path and kpis[50] in request.url.path:
            raise Killed
        served["n"] += 1
        return fake(request)

    kolada_mock.routes.clear()
    kolada_mock.route().mock(side_effect=dies_on_third_chunk)
    settings = kolada_settings.model_copy(
        update={"KOLADA_CONCURRENCY": 1, "KOLADA_JOB_STALE_S": 0.001}
    )
    with pytest.raises(Killed):
        await jobs.run_next(database, kolada, settings)
    chunks = list(
        (
            await session.execute(select(KoladaSyncChunk.state).order_by(KoladaSyncChunk.seq))
        ).scalars()
    )
    assert chunks == ["done", "done", "pending"]
    partial = len(await _observations(session))
    assert partial == 50 * 2 * 2 * 3

    kolada_mock.routes.clear()
    kolada_mock.route().mock(side_effect=fake)
    fake.requests.clear()
    await session.execute(text("SELECT pg_sleep(0.01)"))
    assert await jobs.run_next(database, kolada, settings) == "completed"  # the stale job, resumed
    assert len(fake.requests) == 1  # only the unfinished chunk was fetched again
    stored = await _observations(session)
    assert len(stored) == 60 * 2 * 2 * 3
    keys = {(o.municipality_code, o.measure_code, o.period, o.gender) for o in stored}
    assert len(keys) == len(stored)
    assert (
        await session.execute(
            select(func.max(Observation.revision)).where(Observation.source == "kolada")
        )
    ).scalar_one() == 1
    key = await make_key("ingest:read", municipality="1462")
    done = (await client("ingest", key).get(job["url"])).json()
    assert done["attempts"] == 2
    assert done["counts"]["created"] == len(stored)
    assert done["progress"]["rows_done"] == len(stored)


async def test_a_bad_sync_request_is_a_located_422(client: Any, make_key: MakeKey) -> None:
    key = await make_key("ingest:write", municipality="1462")
    response = await client("ingest", key).post(
        SYNC, json={"kpis": ["U21468", "DROP TABLE"], "years": [1800]}
    )
    assert response.status_code == 422
    fields = {e["field"] for e in response.json()["errors"]}
    assert fields == {"kpis", "years"}


async def test_values_of_a_period_published_only_preliminarily_are_preliminary_until_the_final(
    client: Any,
    make_key: MakeKey,
    database: Database,
    session: AsyncSession,
    kolada: KoladaClient,
    kolada_settings: Settings,
    kolada_mock: respx.MockRouter,
    fake: FakeKolada,
) -> None:
    # Kolada's catalogue: 2023 of U21468 is out preliminarily; the definitive date is ahead.
    today = datetime.now(UTC).date()
    await session.execute(
        update(KoladaKpi)
        .where(KoladaKpi.id == "U21468")
        .values(
            publ_period="2023",
            prel_publication_date=today - timedelta(days=30),
            publication_date=today + timedelta(days=30),
        )
    )
    await session.commit()
    body = {
        "kpis": ["U21468"],
        "municipalities": ["1462"],
        "years": [2022, 2023],
        "include_ous": False,
    }
    await _queue(client, make_key, {**body, "mode": "full"})
    assert await jobs.run_next(database, kolada, kolada_settings) == "completed"
    statuses = {(o.period, o.status) for o in await _observations(session)}
    assert statuses == {("2022", "final"), ("2023", "preliminary")}

    # The definitive publication happens with the same numbers: Kolada's from_date answer is
    # empty, yet the next incremental run fetches 2023 whole and the values become final.
    await session.execute(
        update(KoladaKpi).where(KoladaKpi.id == "U21468").values(publication_date=today)
    )
    await session.commit()
    fake.requests.clear()
    job = await _queue(client, make_key, {**body, "mode": "incremental"})
    assert await jobs.run_next(database, kolada, kolada_settings) == "completed"
    assert any("/year/2023?" in u and "from_date" not in u for u in fake.requests)

    session.expire_all()
    stored = await _observations(session)
    assert {(o.period, o.status) for o in stored} == {("2022", "final"), ("2023", "final")}
    assert {o.revision for o in stored if o.period == "2023"} == {2}
    assert {o.revision for o in stored if o.period == "2022"} == {1}
    key = await make_key("ingest:read", municipality="1462")
    done = (await client("ingest", key).get(job["url"])).json()
    assert done["plan"]["published"] == {"2023": ["U21468"]}
    assert done["counts"]["revised"] == 3


async def test_a_scheduler_sync_refreshes_the_catalogue_then_fetches_the_values(
    client: Any,
    make_key: MakeKey,
    database: Database,
    session: AsyncSession,
    kolada: KoladaClient,
    kolada_settings: Settings,
    kolada_mock: respx.MockRouter,
    fake: FakeKolada,
) -> None:
    """The nightly request's default (include_catalogue) plans every catalogue chunk kind,
    'catalogue:municipality_groups' (29 characters) included, and runs to completion."""
    job = await _queue(
        client,
        make_key,
        {
            "mode": "incremental",
            "trigger": "scheduler",
            "kpis": ["U21468"],
            "municipalities": ["1462"],
            "years": [2023],
            "include_ous": False,
        },
    )
    assert job["plan"]["include_catalogue"] is True
    assert await jobs.run_next(database, kolada, kolada_settings) == "completed"
    kinds = (
        await session.execute(
            select(KoladaSyncChunk.kind, KoladaSyncChunk.rows).where(
                KoladaSyncChunk.job_id == job["id"]
            )
        )
    ).all()
    rows = dict(kinds)
    assert rows["catalogue:municipality_groups"] == len(fake.catalogue("municipality_groups"))
    assert rows["catalogue:municipality"] == len(fake.catalogue("municipality"))
    assert rows["catalogue:kpi"] == len(fake.catalogue("kpi"))
    assert rows["data"] == 3  # one KPI × one municipality × one year × 3 genders


async def test_a_job_that_crashes_while_planning_fails_with_its_error_and_blocks_nothing(
    client: Any,
    make_key: MakeKey,
    database: Database,
    session: AsyncSession,
    kolada: KoladaClient,
    kolada_settings: Settings,
    kolada_mock: respx.MockRouter,
) -> None:
    """The production crash, reproduced on the database: the column as it was (varchar 24)
    refuses 'catalogue:municipality_groups'. The job ends failed with the database's error,
    the next sync of the same municipality is accepted, and a retry after the fix completes."""
    await session.execute(
        text(
            "ALTER TABLE kolada_sync_chunk DROP CONSTRAINT ck_kolada_sync_chunk_kind, "
            "ALTER COLUMN kind TYPE varchar(24)"
        )
    )
    body = {
        "mode": "full",
        "include_catalogue": True,
        "kpis": ["U21468"],
        "municipalities": ["1462"],
        "years": [2023],
        "include_ous": False,
    }
    job = await _queue(client, make_key, body)
    assert await jobs.run_next(database, kolada, kolada_settings) == "failed"
    reader = client("ingest", await make_key("ingest:read", municipality="1462"))
    failed = (await reader.get(job["url"])).json()
    assert failed["state"] == "failed"
    assert failed["timings"]["finished_at"] is not None
    assert failed["errors"][-1]["step"] == "plan"
    assert "too long" in failed["errors"][-1]["message"]
    assert await jobs.run_next(database, kolada, kolada_settings) is None  # not picked up again

    await session.execute(text("ALTER TABLE kolada_sync_chunk ALTER COLUMN kind TYPE varchar(32)"))
    writer = client("ingest", await make_key("ingest:write", municipality="1462"))
    retried = await writer.post(f"{job['url']}/retry")
    assert retried.status_code == 202, retried.text
    assert await jobs.run_next(database, kolada, kolada_settings) == "completed"
    later = await writer.post(SYNC, json=body)
    assert later.status_code == 202, later.text
