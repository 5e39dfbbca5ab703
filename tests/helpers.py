"""Test infrastructure: a per-run database built by the migrations, and in-process apps."""

from __future__ import annotations

import os
import secrets
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import httpx
import psycopg
from fastapi import FastAPI

from shared.db import Database
from shared.embedded import EmbeddedPostgres
from shared.migrate import sync_url
from shared.settings import REPO_ROOT, SERVICES, Settings

TEST_HOSTS = {service: f"http://{service}.test" for service in SERVICES}


def libpq(url: str) -> str:
    return sync_url(url).replace("postgresql+psycopg://", "postgresql://", 1)


def with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, parts.fragment))


class TestServer:
    """The PostgreSQL the tests use: TEST_DATABASE_URL's server, else the embedded one."""

    def __init__(self) -> None:
        self.embedded: EmbeddedPostgres | None = None
        base = os.environ.get("TEST_DATABASE_URL")
        if base:
            self.admin_url = libpq(base)
        else:
            self.embedded = EmbeddedPostgres(
                Path(REPO_ROOT / "var" / "pgtest"), database="postgres"
            )
            self.embedded.start()
            self.admin_url = libpq(self.embedded.url("postgres"))

    def create_database(self, prefix: str = "kvn_test") -> str:
        name = f"{prefix}_{os.getpid()}_{secrets.token_hex(3)}"
        with psycopg.connect(self.admin_url, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return sync_url(with_database(self.admin_url, name))

    def drop_database(self, url: str) -> None:
        name = urlsplit(url).path.lstrip("/")
        with psycopg.connect(self.admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def stop(self) -> None:
        if self.embedded is not None:
            self.embedded.stop()


class HostRouter(httpx.AsyncBaseTransport):
    """Routes service-to-service calls to the in-process app named by the URL's host."""

    def __init__(self) -> None:
        self.apps: dict[str, httpx.ASGITransport] = {}

    def add(self, service: str, app: FastAPI) -> None:
        self.apps[f"{service}.test"] = httpx.ASGITransport(app=app)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        transport = self.apps.get(request.url.host)
        if transport is None:
            raise httpx.ConnectError(f"no in-process app at {request.url.host}", request=request)
        return await transport.handle_async_request(request)


def test_settings(database_url: str, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "ENVIRONMENT": "test",
        "DATABASE_URL": database_url,
        "SCHEDULER_ENABLED": False,
        "LOG_JSON": False,
        "HTTP_RETRIES": 1,
        # The tests keep their local data in far years (2030 …), clear of the demo's; the
        # production horizon (1) has its own test.
        "OBSERVATION_YEARS_AHEAD": 20,
        # Uploads are checked in the request's thread; a test of the check workers asks for
        # them (tests/services/ingest/upload/test_parts.py).
        "UPLOAD_CHECK_PROCESSES": 0,
        **{f"{s.upper()}_URL": host for s, host in TEST_HOSTS.items()},
    }
    values.update(overrides)
    return Settings(**values)  # type: ignore[arg-type]


@asynccontextmanager
async def running(app: FastAPI) -> AsyncIterator[FastAPI]:
    async with app.router.lifespan_context(app):
        yield app


@asynccontextmanager
async def suite(settings: Settings, database: Database | None) -> AsyncIterator[dict[str, FastAPI]]:
    """The four apps, wired to each other in process, their lifespans running."""
    import importlib

    router = HostRouter()
    apps: dict[str, FastAPI] = {}
    async with AsyncExitStack() as stack:
        for service in SERVICES:
            module = importlib.import_module(f"services.{service}.app")
            app = module.create_app(settings, database=database, transport=router)
            router.add(service, app)
            apps[service] = await stack.enter_async_context(running(app))
        yield apps
