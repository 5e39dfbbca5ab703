"""Failed authentication is throttled per client address: random keys get 429 after the
burst, with Retry-After and problem+json; a valid key from another address is unaffected."""

from __future__ import annotations

import secrets

import httpx
from fastapi import FastAPI

from shared.auth import generate_key
from shared.settings import Settings
from tests.conftest import MakeKey
from tests.helpers import TEST_HOSTS

PATH = "/v1/indicators"


def _from(app: FastAPI, address: str, token: str) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app, client=(address, 40000)),
        base_url=TEST_HOSTS["indicators"],
        headers={"Authorization": f"Bearer {token}"},
    )


async def test_random_keys_from_one_address_get_429_and_others_are_unaffected(
    apps: dict[str, FastAPI], settings: Settings, make_key: MakeKey
) -> None:
    app = apps["indicators"]
    burst = settings.AUTH_FAILURE_BURST
    assert burst > 0
    statuses = []
    for _ in range(burst + 5):
        async with _from(app, "203.0.113.7", generate_key()[1]) as attacker:
            statuses.append((await attacker.get(PATH)).status_code)
    assert statuses[:burst] == [401] * burst
    assert statuses[burst:] == [429] * 5

    async with _from(app, "203.0.113.7", f"kvn_{secrets.token_hex(6)}_x") as attacker:
        refused = await attacker.get(PATH)
    assert refused.status_code == 429
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert int(refused.headers["retry-after"]) >= 1
    assert "misslyckade inloggningar" in refused.json()["detail"]

    valid = await make_key("indicators:read")
    async with _from(app, "198.51.100.20", valid) as neighbour:
        assert (await neighbour.get(PATH)).status_code == 200
    # Without credentials nothing is spent: another address still has its whole burst.
    async with _from(app, "198.51.100.21", "") as anonymous:
        for _ in range(burst + 1):
            assert (await anonymous.get(PATH, headers={"Authorization": ""})).status_code == 401
    async with _from(app, "198.51.100.21", generate_key()[1]) as guesser:
        assert (await guesser.get(PATH)).status_code == 401
