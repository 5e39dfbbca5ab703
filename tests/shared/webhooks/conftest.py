from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from shared.app import create_service_app
from shared.db import Database
from shared.settings import Settings
from shared.webhooks import webhook_router
from tests import helpers

PUBLIC_ADDRESS = "193.44.0.10"


class Receiver:
    """A municipal system's endpoint: records what arrives, answers with the next status."""

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []
        self.statuses: list[int] = []

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        status = self.statuses.pop(0) if self.statuses else 204
        return httpx.Response(status)

    def bodies(self) -> list[dict[str, Any]]:
        return [json.loads(r.content) for r in self.requests]


async def public_resolver(host: str) -> list[str]:
    return [PUBLIC_ADDRESS]


@pytest.fixture
def webhook_settings(database_url: str) -> Settings:
    return helpers.test_settings(
        database_url,
        WEBHOOK_ALLOWED_HOSTS=["hooks.example.se", "*.kommun.example"],
        WEBHOOK_MAX_ATTEMPTS=3,
    )


@pytest.fixture
def receiver() -> Receiver:
    return Receiver()


@pytest.fixture
async def receiver_http(receiver: Receiver) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(transport=httpx.MockTransport(receiver.handle)) as http:
        yield http


@pytest.fixture
async def hooks_app(webhook_settings: Settings, database: Database) -> AsyncIterator[FastAPI]:
    """A service app mounting webhook_router(), as the ingest service will."""
    app = create_service_app(
        service="ingest",
        title="hooks",
        description="webhook routes",
        routers=[webhook_router()],
        settings=webhook_settings,
        database=database,
    )
    async with helpers.running(app):
        yield app


HooksClient = Callable[[str], httpx.AsyncClient]


@pytest.fixture
async def hooks(hooks_app: FastAPI) -> AsyncIterator[HooksClient]:
    opened: list[httpx.AsyncClient] = []

    def make(token: str) -> httpx.AsyncClient:
        c = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=hooks_app),
            base_url="http://ingest.test",
            headers={"Authorization": f"Bearer {token}"},
        )
        opened.append(c)
        return c

    yield make
    for c in opened:
        await c.aclose()
