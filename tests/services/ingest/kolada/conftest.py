from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import httpx
import pytest
import respx

from services.ingest.kolada.client import KoladaClient
from services.ingest.kolada.fake import FakeKolada
from shared.settings import Settings
from tests.helpers import test_settings as make_settings

BASE = "https://api.kolada.se/v3"


@pytest.fixture
def kolada_settings(database_url: str) -> Settings:
    return make_settings(
        database_url, KOLADA_BACKOFF_S=0.0, KOLADA_RATE_PER_S=1000.0, KOLADA_CONCURRENCY=2
    )


@pytest.fixture
def fake() -> FakeKolada:
    return FakeKolada(
        ous={
            "1462": [
                {"id": "V21E048200501", "municipality": "1462", "title": "Hemtjänst Lilla Edet"},
                {"id": "V23E048200601", "municipality": "1462", "title": "Ängås SÄBO"},
                {"id": "V15E048200101", "municipality": "1462", "title": "Förskola (not synced)"},
            ]
        }
    )


@pytest.fixture
def kolada_mock(fake: FakeKolada) -> Iterator[respx.MockRouter]:
    with respx.mock(assert_all_called=False) as mock:
        mock.route().mock(side_effect=fake)
        yield mock


class Sleeps:
    def __init__(self) -> None:
        self.calls: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


@pytest.fixture
async def kolada(kolada_settings: Settings, sleeps: Sleeps) -> AsyncIterator[KoladaClient]:
    async with httpx.AsyncClient() as http:
        yield KoladaClient(http, kolada_settings, sleep=sleeps)
