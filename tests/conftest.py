from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Iterator

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession, create_async_engine

from shared.auth import ALL_SCOPES, create_api_key
from shared.db import Database
from shared.demo import load_demo
from shared.migrate import upgrade
from shared.settings import ServiceName, Settings
from tests.helpers import TEST_HOSTS, TestServer, suite, test_settings

MakeKey = Callable[..., Awaitable[str]]
MakeClient = Callable[..., httpx.AsyncClient]


@pytest.fixture(scope="session")
def pg_server() -> Iterator[TestServer]:
    server = TestServer()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def database_url(pg_server: TestServer) -> Iterator[str]:
    """A fresh database for this run, built by running the migrations."""
    url = pg_server.create_database()
    upgrade(url)
    yield url
    pg_server.drop_database(url)


@pytest.fixture(scope="session")
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_async_engine(database_url, pool_size=5)
    async with engine.begin() as conn:
        await conn.run_sync(lambda c: None)
    yield engine
    await engine.dispose()


@pytest.fixture(scope="session")
async def demo_loaded(engine: AsyncEngine) -> None:
    """The demo data, committed once for the whole run (tests roll back on top of it)."""
    db = Database(engine)
    async with db.unit_of_work() as session:
        await load_demo(session)


@pytest.fixture
async def connection(engine: AsyncEngine, demo_loaded: None) -> AsyncIterator[AsyncConnection]:
    """One connection per test inside a transaction that is rolled back at the end."""
    async with engine.connect() as conn:
        transaction = await conn.begin()
        yield conn
        await transaction.rollback()


@pytest.fixture
def database(engine: AsyncEngine, connection: AsyncConnection) -> Database:
    return Database(engine, bind=connection)


@pytest.fixture
async def session(database: Database) -> AsyncIterator[AsyncSession]:
    async with database.sessionmaker() as session:
        yield session


@pytest.fixture
def settings(database_url: str) -> Settings:
    return test_settings(database_url)


@pytest.fixture
async def apps(settings: Settings, database: Database) -> AsyncIterator[dict[str, FastAPI]]:
    async with suite(settings, database) as running_apps:
        yield running_apps


@pytest.fixture
async def make_key(database: Database) -> MakeKey:
    async def make(*scopes: str, municipality: str | None = "9990") -> str:
        async with database.sessionmaker() as session:
            key = await create_api_key(
                session, name="test", municipality_code=municipality, scopes=scopes or ALL_SCOPES
            )
            await session.commit()
        return key.token

    return make


@pytest.fixture
async def client(apps: dict[str, FastAPI]) -> AsyncIterator[MakeClient]:
    """`client("ingest", token)`: an HTTP client for one in-process service."""
    opened: list[httpx.AsyncClient] = []

    def make(service: ServiceName, token: str | None = None) -> httpx.AsyncClient:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        c = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=apps[service]),
            base_url=TEST_HOSTS[service],
            headers=headers,
        )
        opened.append(c)
        return c

    yield make
    for c in opened:
        await c.aclose()
