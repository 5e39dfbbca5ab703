"""DATABASE_READ_URL: read-only routes (ReadSessionDep; today the analytics endpoint) go to the
replica, everything else to the primary; without it, reads use the primary."""

from __future__ import annotations

import httpx
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from services.indicators.app import create_app
from shared.auth import ALL_SCOPES, create_api_key
from shared.db import Database
from tests import helpers


async def test_sessions_go_to_the_replica_only_for_reads(
    pg_server: helpers.TestServer,
) -> None:
    primary = pg_server.create_database("kvn_primary")
    replica = pg_server.create_database("kvn_replica")
    try:
        db = Database.from_settings(helpers.test_settings(primary, DATABASE_READ_URL=replica))
        try:
            async with db.sessionmaker() as s:
                assert (await s.execute(text("SELECT current_database()"))).scalar_one() in primary
            async with db.read_sessionmaker() as s:
                name = (await s.execute(text("SELECT current_database()"))).scalar_one()
                assert name in replica
        finally:
            await db.dispose()
        alone = Database.from_settings(helpers.test_settings(primary))
        try:
            assert alone.read_sessionmaker is alone.sessionmaker
        finally:
            await alone.dispose()
    finally:
        pg_server.drop_database(primary)
        pg_server.drop_database(replica)


async def test_analytics_reads_the_replica_while_writes_stay_on_the_primary(
    database_url: str, engine: AsyncEngine
) -> None:
    """The replica here is a database that refuses connections: analytics (a read) answers
    503, while the target list (primary) still answers."""
    database = Database(engine)  # committed for real: the app has its own engine
    async with database.sessionmaker() as session:
        key = await create_api_key(
            session, name="replica", municipality_code="9990", scopes=ALL_SCOPES
        )
        await session.commit()
    missing = helpers.with_database(database_url, "kvn_no_such_replica")
    app = create_app(helpers.test_settings(database_url, DATABASE_READ_URL=missing))
    try:
        async with (
            helpers.running(app),
            httpx.AsyncClient(
                transport=httpx.ASGITransport(app=app),
                base_url="http://indicators.test",
                headers={"Authorization": f"Bearer {key.token}"},
            ) as http,
        ):
            read = await http.get("/v1/analytics", params={"indicators": "andel_nojda"})
            assert read.status_code == 503, read.text
            assert read.headers["content-type"].startswith("application/problem+json")
            assert (await http.get("/v1/targets")).status_code == 200
    finally:
        async with database.sessionmaker() as session:
            await session.execute(text("DELETE FROM api_key WHERE id = :id"), {"id": key.id})
            await session.commit()
