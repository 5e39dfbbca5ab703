from __future__ import annotations

import functools
import operator

import httpx
import pytest
import respx
from pydantic import ValidationError

from services.ingest.kolada.client import KoladaClient, KoladaError, chunked
from services.ingest.kolada.fake import FakeKolada
from shared.settings import Settings
from tests.helpers import test_settings as make_settings
from tests.services.ingest.kolada.conftest import BASE, Sleeps


async def test_follows_next_url_until_null(
    database_url: str, fake: FakeKolada, kolada_mock: respx.MockRouter, sleeps: Sleeps
) -> None:
    settings = make_settings(database_url, KOLADA_PER_PAGE=4, KOLADA_RATE_PER_S=1000.0)
    async with httpx.AsyncClient() as http:
        client = KoladaClient(http, settings, sleep=sleeps)
        pages = [
            (rows, url)
            async for rows, url in client.data(["U21468", "N01951"], ["1462", "0000"], [2022, 2023])
        ]
    # 2 KPIs × 2 municipalities × 2 years = 8 rows, 4 per page: two pages, both followed.
    assert [len(rows) for rows, _ in pages] == [4, 4]
    assert "page=2" in pages[1][1]
    assert kolada_mock.calls.last.request.url.path.startswith("/v3/data/kpi/U21468,N01951/")
    assert all("per_page=4" in u for u in fake.requests)


def test_chunks_id_lists_to_at_most_25() -> None:
    ids = [f"{i:04d}" for i in range(60)]
    parts = chunked(ids)
    assert [len(p) for p in parts] == [25, 25, 10]
    assert functools.reduce(operator.iadd, parts, []) == ids
    with pytest.raises(ValueError, match="25"):
        chunked(ids, 30)


async def test_upstream_422_is_a_clear_error_without_retry(
    kolada: KoladaClient, kolada_mock: respx.MockRouter, fake: FakeKolada
) -> None:
    kolada_mock.routes.clear()
    kolada_mock.get(path__startswith="/v3/data/").respond(422, json={"detail": "too many ids"})
    with pytest.raises(KoladaError, match="422") as caught:
        async for _ in kolada.data(["U21468"], ["1462"], [2023]):
            pass
    assert caught.value.status == 422
    assert len(kolada_mock.calls) == 1


async def test_retries_429_honouring_retry_after(
    kolada: KoladaClient, kolada_mock: respx.MockRouter, fake: FakeKolada, sleeps: Sleeps
) -> None:
    kolada_mock.routes.clear()
    kolada_mock.get(path__startswith="/v3/data/").mock(
        side_effect=[
            httpx.Response(429, headers={"Retry-After": "7"}),
            httpx.Response(503),
            fake,  # type: ignore[list-item]
        ]
    )
    rows = [r async for rows, _ in kolada.data(["U21468"], ["1462"], [2023]) for r in rows]
    assert len(rows) == 1
    assert sleeps.calls[0] >= 7  # Retry-After honoured
    assert len(sleeps.calls) == 2


async def test_retries_timeouts_then_gives_up_with_a_clear_error(
    kolada: KoladaClient, kolada_mock: respx.MockRouter, sleeps: Sleeps
) -> None:
    kolada_mock.routes.clear()
    kolada_mock.get(path__startswith="/v3/data/").mock(side_effect=httpx.ReadTimeout("slow"))
    with pytest.raises(KoladaError, match="after 5 attempts"):
        async for _ in kolada.data(["U21468"], ["1462"], [2023]):
            pass
    assert len(kolada_mock.calls) == 5
    assert sleeps.calls == [0.0, 0.0, 0.0, 0.0]


async def test_a_timeout_then_an_answer_succeeds(
    kolada: KoladaClient, kolada_mock: respx.MockRouter, fake: FakeKolada
) -> None:
    kolada_mock.routes.clear()
    kolada_mock.get(path__startswith="/v3/data/").mock(
        side_effect=[httpx.ConnectTimeout("slow"), fake]  # type: ignore[list-item]
    )
    rows = [r async for rows, _ in kolada.data(["U21468"], ["1462"], [2023]) for r in rows]
    assert rows[0]["municipality"] == "1462"
    assert {v["gender"] for v in rows[0]["values"]} == {"T", "K", "M"}


@pytest.mark.parametrize(
    "body",
    [
        {
            "count": 1,
            "values": [{"kpi": "U21468", "municipality": "482", "period": 2023, "values": []}],
        },
        {
            "count": 1,
            "values": [
                {
                    "kpi": "U21468",
                    "municipality": "1462",
                    "period": 2023,
                    "values": [{"gender": "X", "value": 1.0}],
                }
            ],
        },
        {
            "count": 1,
            "values": [
                {
                    "kpi": "U21468",
                    "municipality": "1462",
                    "period": 2023,
                    "values": [{"gender": "T", "value": "many"}],
                }
            ],
        },
        {"count": 1, "next_page": None},
    ],
)
async def test_malformed_answer_is_refused_at_the_boundary(
    kolada: KoladaClient, kolada_mock: respx.MockRouter, body: dict[str, object]
) -> None:
    kolada_mock.routes.clear()
    kolada_mock.get(path__startswith="/v3/data/").respond(200, json=body)
    with pytest.raises(KoladaError, match="malformed Kolada answer"):
        async for _ in kolada.data(["U21468"], ["1462"], [2023]):
            pass


async def test_next_url_to_another_host_is_not_followed(
    kolada: KoladaClient, kolada_mock: respx.MockRouter
) -> None:
    kolada_mock.routes.clear()
    kolada_mock.get(path__startswith="/v3/data/").respond(
        200, json={"count": 0, "values": [], "next_url": "https://169.254.169.254/latest"}
    )
    with pytest.raises(KoladaError, match="refused to follow"):
        async for _ in kolada.data(["U21468"], ["1462"], [2023]):
            pass


@pytest.mark.parametrize(
    ("url", "hosts"),
    [
        ("http://api.kolada.se/v3", ["api.kolada.se"]),
        ("https://evil.example/v3", ["api.kolada.se"]),
        ("https://127.0.0.1/v3", ["127.0.0.1"]),
        ("https://localhost/v3", ["localhost"]),
        ("https://user:pw@api.kolada.se/v3", ["api.kolada.se"]),
    ],
)
def test_base_url_must_be_https_on_an_allow_listed_host(url: str, hosts: list[str]) -> None:
    with pytest.raises(ValidationError):
        Settings(KOLADA_BASE_URL=url, KOLADA_ALLOWED_HOSTS=hosts)


def test_an_allow_listed_test_host_is_accepted() -> None:
    settings = Settings(
        KOLADA_BASE_URL="https://kolada.test/v3", KOLADA_ALLOWED_HOSTS=["kolada.test"]
    )
    assert settings.KOLADA_BASE_URL == "https://kolada.test/v3"


async def test_throttles_to_the_configured_rate(
    database_url: str, fake: FakeKolada, kolada_mock: respx.MockRouter
) -> None:
    settings = make_settings(database_url, KOLADA_RATE_PER_S=5.0)
    sleeps = Sleeps()
    clock = [100.0]
    async with httpx.AsyncClient() as http:
        client = KoladaClient(http, settings, throttle_sleep=sleeps, clock=lambda: clock[0])
        for _ in range(3):
            async for _rows in client.data(["U21468"], ["1462"], [2023]):
                pass
    # Three requests at one instant: the 2nd waits 0.2 s, the 3rd 0.4 s (5 per second).
    assert sleeps.calls == pytest.approx([0.2, 0.4])
    assert BASE
