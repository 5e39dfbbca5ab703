"""The ingest service is the one that mounts the suite's webhook subscriptions and /v1/me."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

MakeKey = Callable[..., Any]


async def test_ingest_serves_webhook_subscriptions_and_who_am_i(
    client: Any, make_key: MakeKey
) -> None:
    http = client("ingest", await make_key("webhooks:manage", "ingest:read"))
    types = await http.get("/v1/webhooks/event-types")
    assert types.status_code == 200, types.text
    assert "observation.values_changed" in {t["type"] for t in types.json()}
    me = await http.get("/v1/me")
    assert me.status_code == 200, me.text
    assert me.json()["municipality_code"] == "9990"
    assert me.json()["kind"] == "api_key"
    unauthorized = await client("ingest").get("/v1/webhooks/event-types")
    assert unauthorized.status_code == 401
