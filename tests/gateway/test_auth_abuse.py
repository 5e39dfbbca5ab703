"""Credentials over real processes: a key revoked by one process (`kvn apikey revoke`) is
refused at once by every serving process, though each caches keys for 10 s; and the gateway
bounds key guessing per client address while another address is served.

The gateway's allowance refills at one request a minute here, so a slow machine cannot refill
it between two requests; the revocation check talks to the service processes directly, so it
spends none of it."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from shared.auth import create_api_key, generate_key
from shared.db import Database
from shared.migrate import upgrade
from tests import helpers
from tests.gateway.stack import Stack, find_nginx, running_stack

pytestmark = pytest.mark.gateway
KVN = Path(sys.executable).with_name("kvn")
AUTH_BURST = 8


async def _keys(url: str) -> tuple[str, str, str]:
    db = Database.from_settings(helpers.test_settings(url))
    try:
        async with db.unit_of_work() as session:
            service = await create_api_key(
                session, name="abuse test service", municipality_code=None, scopes=["admin"]
            )
            user = await create_api_key(
                session,
                name="to be revoked",
                municipality_code="1462",
                scopes=["indicators:read", "ingest:read"],
            )
        return service.token, user.token, str(user.id)
    finally:
        await db.dispose()


@pytest.fixture(scope="module")
def stack(
    pg_server: helpers.TestServer, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Stack, str, str]]:
    nginx = find_nginx()
    if nginx is None:
        pytest.skip("nginx is not installed (apt-get install -y nginx; .ci/run does this)")
    url = pg_server.create_database("kvn_auth_abuse")
    try:
        upgrade(url)
        with ThreadPoolExecutor(1) as pool:
            service_key, user_key, user_id = pool.submit(asyncio.run, _keys(url)).result()
        overrides = {"GATEWAY_AUTH_RATE": "1r/m", "GATEWAY_AUTH_BURST": str(AUTH_BURST)}
        workdir = tmp_path_factory.mktemp("auth_abuse")
        with running_stack(workdir, url, service_key, nginx, overrides) as running:
            yield running, user_key, user_id
    finally:
        pg_server.drop_database(url)


def _revoke(stack: Stack, key_id: str) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DATABASE_")}
    env.update({"DATABASE_URL": stack.database_url, "LOG_JSON": "false"})
    done = subprocess.run(
        [str(KVN), "apikey", "revoke", key_id],
        capture_output=True,
        text=True,
        env=env,
        cwd=stack.workdir,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr


def test_a_revoked_key_is_refused_at_once_by_every_process(stack: tuple[Stack, str, str]) -> None:
    running, key, key_id = stack
    paths = [
        f"http://127.0.0.1:{running.ports['indicators']}/v1/indicators",
        f"http://127.0.0.1:{running.ports['ingest']}/v1/kolada/syncs",
    ]
    with httpx.Client(headers={"Authorization": f"Bearer {key}"}, timeout=30) as http:
        # Each serving process has now verified (and cached) the key.
        assert [http.get(p).status_code for p in paths] == [200, 200]
        _revoke(running, key_id)
        revoked_at = time.monotonic()
        statuses = [http.get(p).status_code for p in paths]
        # A notification is delivered in milliseconds; the cache would hold the key for 10 s.
        while statuses != [401, 401] and time.monotonic() - revoked_at < 1.0:
            time.sleep(0.05)
            statuses = [http.get(p).status_code for p in paths]
        assert statuses == [401, 401]


def test_the_gateway_bounds_key_guessing_per_address(stack: tuple[Stack, str, str]) -> None:
    running, _, _ = stack
    url = f"{running.base_url}/api/indicators/v1/indicators"
    statuses = []
    with httpx.Client(timeout=30) as guesser:
        for _ in range(AUTH_BURST + 6):
            response = guesser.get(url, headers={"Authorization": f"Bearer {generate_key()[1]}"})
            statuses.append(response.status_code)
    assert statuses[0] == 401
    assert 429 in statuses
    throttled = statuses.index(429)
    assert throttled <= AUTH_BURST + 1
    with httpx.Client(timeout=30) as guesser:
        refused = guesser.get(url, headers={"Authorization": f"Bearer {generate_key()[1]}"})
    assert refused.status_code == 429
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert refused.headers["retry-after"]
    # Another client address is not affected (Linux routes all of 127/8 to loopback).
    other = httpx.HTTPTransport(local_address="127.0.0.2")
    with httpx.Client(transport=other, timeout=30) as neighbour:
        answer = neighbour.get(url, headers={"Authorization": f"Bearer {generate_key()[1]}"})
    assert answer.status_code == 401
