"""/readyz follows the database: 503 problem+json while it is down, 200 again when it is back.
The app gets its own engine on a throwaway database that the test closes and reopens."""

from __future__ import annotations

import asyncio
from urllib.parse import urlsplit

import httpx
import psycopg

from shared.settings import Settings
from tests import helpers
from tests.helpers import running
from tests.shared.probe import create_probe_app

PROBLEM = "application/problem+json"


def set_connections(admin_url: str, name: str, *, allowed: bool) -> None:
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS {str(allowed).lower()}')
        if not allowed:
            conn.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s",
                (name,),
            )


async def test_readyz_is_503_while_the_database_is_down_and_200_when_back(
    pg_server: helpers.TestServer, settings: Settings
) -> None:
    url = pg_server.create_database("kvn_ready")
    name = urlsplit(url).path.lstrip("/")
    own = settings.model_copy(update={"DATABASE_URL": url})
    try:
        async with running(create_probe_app(own)) as app:
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://probe.test") as http:
                ready = await http.get("/readyz")
                assert ready.status_code == 200, ready.text
                assert (await http.get("/v1/probe/database")).status_code == 200

                await asyncio.to_thread(set_connections, pg_server.admin_url, name, allowed=False)

                down = await http.get("/readyz", headers={"X-Request-ID": "ready-1"})
                assert down.status_code == 503
                assert down.headers["content-type"].startswith(PROBLEM)
                assert down.headers["retry-after"] == "5"
                assert down.json()["type"].endswith("/database-unavailable")
                assert down.json()["request_id"] == "ready-1"
                # Liveness does no I/O: the process is still alive.
                assert (await http.get("/healthz")).status_code == 200
                # A request that needs the database is a 503 problem too, never a 500.
                query = await http.get("/v1/probe/database")
                assert query.status_code == 503, query.text
                assert query.headers["content-type"].startswith(PROBLEM)

                await asyncio.to_thread(set_connections, pg_server.admin_url, name, allowed=True)

                back = await http.get("/readyz")
                assert back.status_code == 200, back.text
                assert back.json()["status"] == "ready"
                assert (await http.get("/v1/probe/database")).status_code == 200
    finally:
        set_connections(pg_server.admin_url, name, allowed=True)
        pg_server.drop_database(url)


async def test_readyz_is_503_until_the_worker_processes_have_started(settings: Settings) -> None:
    """A service that starts worker processes beside its first requests (indicators' compute
    workers) is alive at once and ready once they are up: no request routed to it waits for
    a worker to spawn."""
    async with running(create_probe_app(settings)) as app:
        started = asyncio.Event()
        app.state.starting = [asyncio.create_task(started.wait())]
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://probe.test") as http:
            assert (await http.get("/healthz")).status_code == 200
            waiting = await http.get("/readyz", headers={"Accept-Language": "sv"})
            assert waiting.status_code == 503
            assert waiting.headers["content-type"].startswith(PROBLEM)
            assert waiting.headers["retry-after"] == "1"
            assert waiting.json()["type"].endswith("/starting")
            assert "arbetsprocesser" in waiting.json()["detail"]
            started.set()
            await app.state.starting[0]
            assert (await http.get("/readyz")).status_code == 200
