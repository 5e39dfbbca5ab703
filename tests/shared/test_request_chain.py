"""The caller's request id travels with service-to-service calls (awards → indicators)."""

from __future__ import annotations

import importlib
from contextlib import AsyncExitStack

import httpx

from shared.db import Database
from shared.settings import SERVICES, Settings
from tests.conftest import MakeKey
from tests.helpers import TEST_HOSTS, HostRouter, running


class RecordingRouter(HostRouter):
    def __init__(self) -> None:
        super().__init__()
        self.calls: list[tuple[str, str | None]] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.calls.append((request.url.host, request.headers.get("x-request-id")))
        return await super().handle_async_request(request)


async def test_request_id_is_forwarded_to_peer_services(
    settings: Settings, database: Database, make_key: MakeKey
) -> None:
    key = await make_key()
    router = RecordingRouter()
    async with AsyncExitStack() as stack:
        apps = {}
        for service in SERVICES:
            module = importlib.import_module(f"services.{service}.app")
            app = module.create_app(settings, database=database, transport=router)
            router.add(service, app)
            apps[service] = await stack.enter_async_context(running(app))
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=apps["awards"]),
            base_url=TEST_HOSTS["awards"],
            headers={"Authorization": f"Bearer {key}", "X-Request-ID": "chain-0001"},
        ) as awards:
            response = await awards.post(
                "/v1/evaluations",
                json={"title": "Test", "indicator_code": "andel_nojda", "period": "2024"},
            )
    assert response.status_code == 201, response.text
    assert response.headers["x-request-id"] == "chain-0001"
    assert router.calls, "awards made no call to a peer"
    assert router.calls == [("indicators.test", "chain-0001")] * len(router.calls)
