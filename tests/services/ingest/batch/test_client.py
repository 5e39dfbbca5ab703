from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi import FastAPI

from shared.clients.base import PeerError
from shared.clients.ingest import IngestClient
from shared.settings import Settings
from tests.helpers import HostRouter

MakeKey = Callable[..., Any]


async def test_post_batch_stores_once_and_replays(
    apps: dict[str, FastAPI], settings: Settings, make_key: MakeKey
) -> None:
    import httpx

    router = HostRouter()
    router.add("ingest", apps["ingest"])
    async with httpx.AsyncClient(transport=router) as http:
        client = IngestClient(http, settings)
        token = await make_key("ingest:write")
        batch = {
            "observations": [
                {"measure_code": "oj_positive_share_hsl", "period": "2026", "value": 40}
            ]
        }
        first = await client.post_batch(batch, token, idempotency_key="client-1")
        again = await client.post_batch(batch, token, idempotency_key="client-1")
        assert first.created == 1
        assert again == first
        with pytest.raises(PeerError) as caught:
            await client.post_batch(
                {"observations": [{"measure_code": "nope", "period": "2026", "value": 1}]}, token
            )
        assert caught.value.status == 422
        assert caught.value.errors is not None
        assert caught.value.errors[0].code == "unknown_measure"
