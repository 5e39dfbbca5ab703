"""`kvn run`'s one process: the four services mounted under /api/<service>/."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import httpx
import pytest

from shared import API_VERSION
from shared.run import build_combined_app
from shared.settings import SERVICES
from tests import helpers
from tests.helpers import running


@pytest.fixture(scope="module")
async def combined(database_url: str) -> AsyncIterator[httpx.AsyncClient]:
    app = build_combined_app(helpers.test_settings(database_url), database_url)
    async with running(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://run.test") as client:
            yield client


async def test_index_lists_the_services(combined: httpx.AsyncClient) -> None:
    index = (await combined.get("/")).json()
    assert set(index["services"]) == set(SERVICES)
    for service in SERVICES:
        assert (await combined.get(f"/api/{service}/healthz")).json()["service"] == service
        assert (await combined.get(f"/api/{service}/readyz")).status_code == 200
        spec = await combined.get(index["services"][service]["openapi"])
        assert spec.json()["servers"][0]["url"] == f"/api/{service}"


async def test_problems_under_the_mount_name_the_public_path(
    combined: httpx.AsyncClient,
) -> None:
    response = await combined.get("/api/budget/v1/frames", headers={"X-Request-ID": "run-1"})
    assert response.status_code == 401
    problem = response.json()
    assert problem["instance"] == "/api/budget/v1/frames"
    assert problem["request_id"] == "run-1"
    assert response.headers.get_list("x-request-id") == ["run-1"]
    assert response.headers.get_list("api-version") == [API_VERSION]

    made = await combined.get("/api/budget/v1/frames")
    assert re.fullmatch(r"[0-9a-f]{32}", made.json()["request_id"])
    assert made.headers.get_list("x-request-id") == [made.json()["request_id"]]


async def test_unknown_path_outside_the_services_is_a_404_problem(
    combined: httpx.AsyncClient,
) -> None:
    response = await combined.get("/api/nothing", headers={"X-Request-ID": "run-404"})
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["request_id"] == "run-404"
    assert response.headers["x-request-id"] == "run-404"
