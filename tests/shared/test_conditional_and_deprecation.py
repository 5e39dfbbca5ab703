"""ETag / If-None-Match on every read and Deprecation / Sunset on deprecated operations,
both from shared.app.JsonRoute: on a probe built by the real factory, then one real read
per service."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date

import httpx
import pytest
from fastapi import Response
from pydantic import BaseModel

from shared.app import create_service_app, service_router
from shared.db import Database
from shared.deprecation import deprecated
from shared.errors import NotFound
from shared.http_cache import etag_matches, strong_etag
from shared.i18n import message
from shared.settings import Settings
from tests.conftest import MakeClient, MakeKey
from tests.helpers import running


class Thing(BaseModel):
    name: str
    count: int


router = service_router(prefix="/v1", tags=["probe"])
_STATE = {"count": 1}
SINCE, SUNSET = date(2026, 11, 1), date(2027, 6, 1)


@router.get("/things/current", response_model=Thing)
async def get_thing() -> Thing:
    return Thing(name="a", count=_STATE["count"])


@router.post("/things/current", response_model=Thing)
async def update_thing() -> Thing:
    _STATE["count"] += 1
    return Thing(name="a", count=_STATE["count"])


@router.get("/things/versioned", response_model=Thing)
async def get_versioned_thing(response: Response) -> Thing:
    response.headers["ETag"] = '"thing.v7"'
    return Thing(name="v", count=7)


@router.get(
    "/things/old",
    response_model=Thing,
    **deprecated(since=SINCE, sunset=SUNSET, link="https://kvalitetsnavet.se/changes/old"),
)
async def get_old_thing() -> Thing:
    return Thing(name="old", count=0)


@router.get("/things/gone", response_model=Thing, **deprecated(since=SINCE, sunset=SUNSET))
async def get_gone_thing() -> Thing:
    raise NotFound(message("problem.refused", reason="No such thing"))


@pytest.fixture
async def http(settings: Settings, database: Database) -> AsyncIterator[httpx.AsyncClient]:
    app = create_service_app(
        service="ingest",
        title="probe",
        description="probe",
        routers=[router],
        settings=settings,
        database=database,
    )
    async with running(app) as started:
        transport = httpx.ASGITransport(app=started)
        async with httpx.AsyncClient(transport=transport, base_url="http://probe.test") as c:
            yield c


async def test_read_carries_a_strong_etag_of_its_body_and_answers_304_when_unchanged(
    http: httpx.AsyncClient,
) -> None:
    first = await http.get("/v1/things/current")
    etag = first.headers["etag"]
    assert etag == strong_etag(first.content)
    again = await http.get("/v1/things/current", headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["etag"] == etag


async def test_changed_resource_answers_200_with_a_new_etag(http: httpx.AsyncClient) -> None:
    etag = (await http.get("/v1/things/current")).headers["etag"]
    update = await http.post("/v1/things/current")
    assert "etag" not in update.headers  # writes are not validated reads
    changed = await http.get("/v1/things/current", headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed.json()["count"] == update.json()["count"]
    assert changed.headers["etag"] != etag


async def test_route_setting_its_own_etag_keeps_it_and_gets_304(http: httpx.AsyncClient) -> None:
    response = await http.get("/v1/things/versioned")
    assert response.headers["etag"] == '"thing.v7"'
    weak = await http.get("/v1/things/versioned", headers={"If-None-Match": 'W/"thing.v7"'})
    assert weak.status_code == 304
    other = await http.get("/v1/things/versioned", headers={"If-None-Match": '"x", "y"'})
    assert other.status_code == 200


def test_if_none_match_uses_weak_comparison_and_star() -> None:
    assert etag_matches('"a", W/"b"', '"b"')
    assert etag_matches("*", '"b"')
    assert not etag_matches('"ab"', '"b"')


async def test_deprecated_operation_sends_deprecation_sunset_and_link(
    http: httpx.AsyncClient,
) -> None:
    response = await http.get("/v1/things/old")
    assert response.status_code == 200
    assert response.headers["deprecation"] == "@1793491200"  # 2026-11-01T00:00:00Z
    assert response.headers["sunset"] == "Tue, 01 Jun 2027 00:00:00 GMT"
    assert response.headers["link"] == (
        '<https://kvalitetsnavet.se/changes/old>; rel="deprecation"; type="text/html"'
    )
    current = await http.get("/v1/things/current")
    assert "deprecation" not in current.headers
    assert "sunset" not in current.headers


async def test_deprecated_operation_announces_itself_on_problems_too(
    http: httpx.AsyncClient,
) -> None:
    response = await http.get("/v1/things/gone")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.headers["sunset"] == "Tue, 01 Jun 2027 00:00:00 GMT"


def test_deprecated_operation_is_marked_in_openapi() -> None:
    app = create_service_app(service="ingest", title="probe", description="probe", routers=[router])
    op = app.openapi()["paths"]["/v1/things/old"]["get"]
    assert op["deprecated"] is True
    assert op["operationId"] == "get_old_thing"
    assert (op["x-deprecated-since"], op["x-sunset"]) == ("2026-11-01", "2027-06-01")
    with pytest.raises(ValueError, match="before"):
        deprecated(since=SUNSET, sunset=SINCE)


@pytest.mark.parametrize(
    ("service", "path"),
    [
        ("ingest", "/v1/uploads/kinds"),
        ("indicators", "/v1/units"),
        ("awards", "/v1/schemes"),
        ("budget", "/v1/frames?year=2025"),
    ],
)
async def test_real_read_of_each_service_is_conditional(
    service: str, path: str, client: MakeClient, make_key: MakeKey
) -> None:
    http = client(service, await make_key())
    first = await http.get(path)
    assert first.status_code == 200, first.text
    etag = first.headers["etag"]
    again = await http.get(path, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.headers["etag"] == etag
