"""The hot path: a repeated query by a known key is answered from the cached bytes without
recomputing, identically to the full path, and a change of state is still seen."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest
from fastapi import FastAPI

from services.indicators.analytics import service as analytics_service
from services.indicators.analytics.service import ResponseCache
from services.indicators.computation.repository import State
from shared.auth import KeyCache
from tests.conftest import MakeClient, MakeKey
from tests.services.indicators.helpers import ingest, survey_rows


async def test_a_repeated_query_is_served_from_cache_and_a_change_is_seen(
    client: MakeClient,
    make_key: MakeKey,
    apps: dict[str, FastAPI],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    app = apps["indicators"]
    # As in production: keys and state tokens are reused for a while (tests turn both off).
    app.state.key_cache = KeyCache(ttl=60)
    cache = ResponseCache(64, state_ttl=60)
    app.state.analytics_cache = cache
    full_path_calls = 0
    analytics = analytics_service.analytics

    async def counted(*args: Any, **kwargs: Any) -> Any:
        nonlocal full_path_calls
        full_path_calls += 1
        return await analytics(*args, **kwargs)

    monkeypatch.setattr(analytics_service, "analytics", counted)
    key = await make_key()
    indicators = client("indicators", key)
    await ingest(client("ingest", key), survey_rows("HT-NORR", "2030", k=(20, 18), m=(10, 7)))
    params = {"indicators": "andel_nojda", "period": "2030", "units": "HT-NORR"}

    first = await indicators.get("/v1/analytics", params=params)
    assert first.status_code == 200
    assert full_path_calls == 1
    second = await indicators.get("/v1/analytics", params=params)
    plain = await indicators.get(
        "/v1/analytics", params=params, headers={"Accept-Encoding": "identity"}
    )
    unchanged = await indicators.get(
        "/v1/analytics", params=params, headers={"If-None-Match": first.headers["etag"]}
    )
    assert full_path_calls == 1  # all three from the cache
    assert second.content == first.content
    assert second.headers["etag"] == first.headers["etag"]
    assert second.headers["content-encoding"] == "gzip"
    assert "content-encoding" not in plain.headers
    assert plain.json() == first.json()
    assert unchanged.status_code == 304
    assert second.headers["x-request-id"]  # the suite's middleware still runs

    # A key without the scope is not answered from the cache.
    other = client("indicators", await make_key("ingest:read"))
    assert (await other.get("/v1/analytics", params=params)).status_code == 403

    await ingest(
        client("ingest", key),
        survey_rows("HT-NORR", "2030", k=(20, 20), m=(10, 10)),
        mode="revise",
    )
    # The state token's time to live has just passed: the previous answer is served while
    # the token is refreshed in the background; the next request sees the change.
    _, token = cache._states["9990"]
    cache._states["9990"] = (time.monotonic() - 1, token)
    stale = await indicators.get("/v1/analytics", params=params)
    assert stale.headers["etag"] == first.headers["etag"]
    await asyncio.gather(*cache._refreshing.values())
    changed = await indicators.get("/v1/analytics", params=params)
    assert changed.headers["etag"] != first.headers["etag"]
    assert changed.json()["items"][0]["value"] == "100.0"
    assert full_path_calls == 2

    # Long past its time to live, a token is not used at all: the request waits for a new one.
    cache._states["9990"] = (time.monotonic() - 3600, State(0, "outdated", ""))
    again = await indicators.get("/v1/analytics", params=params)
    assert again.headers["etag"] == changed.headers["etag"]
