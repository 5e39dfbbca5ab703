"""Rules every request body and list follows, checked on ingest's routes: a control character in
any string of a body is a located 422 (a NUL would otherwise reach PostgreSQL and be a 500), and
a page is never larger than the configured MAX_PAGE_SIZE."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.ingest.app import create_app
from shared.db import Database
from shared.models import Observation
from tests.helpers import running
from tests.helpers import test_settings as make_settings

MakeKey = Callable[..., Any]


@pytest.mark.parametrize("character", ["\x00", "\x07", "\x1b", "\x0b"])
async def test_a_control_character_in_a_batch_is_a_422_naming_row_and_field(
    client: Any, make_key: MakeKey, session: AsyncSession, character: str
) -> None:
    http = client("ingest", await make_key("ingest:write"))
    rows = [
        {"measure_code": "oj_positive_share_hsl", "period": "2026", "value": 40},
        {"measure_code": f"oj_positive{character}share_lss", "period": "2026", "value": 41},
    ]
    response = await http.post("/v1/batches", json={"note": "ok", "observations": rows})
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    (error,) = response.json()["errors"]
    assert error["loc"] == ["body", "observations", 1, "measure_code"]
    assert error["code"] == "control_character"
    assert f"U+{ord(character):04X}" in error["message"]
    stored = await session.execute(
        select(func.count()).where(
            Observation.municipality_code == "9990", Observation.period == "2026"
        )
    )
    assert stored.scalar_one() == 0


async def test_tab_newline_and_carriage_return_are_text_and_other_fields_are_checked_too(
    client: Any, make_key: MakeKey
) -> None:
    http = client("ingest", await make_key("ingest:write", "webhooks:manage"))
    fine = await http.post(
        "/v1/batches",
        json={
            "note": "rad ett\r\nrad två\tslut",
            "observations": [
                {"measure_code": "oj_positive_share_hsl", "period": "2026", "value": 1}
            ],
        },
    )
    assert fine.status_code == 201, fine.text
    hook = await http.post(
        "/v1/webhooks/subscriptions",
        json={
            "url": "https://hooks.example.se/kvn",
            "event_types": ["observation.values_changed"],
            "description": "bell\x07",
        },
    )
    assert hook.status_code == 422
    assert [e["loc"] for e in hook.json()["errors"]] == [["body", "description"]]
    listed = await http.post(
        "/v1/kolada/syncs", json={"kpis": ["U21468", "N0\x001951"], "include_ous": False}
    )
    assert listed.status_code == 422
    assert listed.json()["errors"][0]["loc"] == ["body", "kpis", 1]


async def test_the_page_size_follows_max_page_size(
    database_url: str, database: Database, make_key: MakeKey
) -> None:
    app = create_app(make_settings(database_url, MAX_PAGE_SIZE=2), database=database)
    key = await make_key("ingest:read")
    async with (
        running(app),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app),
            base_url="http://ingest.test",
            headers={"Authorization": f"Bearer {key}"},
        ) as http,
    ):
        assert (await http.get("/v1/batches", params={"limit": 2})).status_code == 200
        too_many = await http.get("/v1/batches", params={"limit": 3})
        assert too_many.status_code == 422
        assert too_many.json()["errors"][0]["loc"] == ["query", "limit"]
        assert "högst 2" in too_many.json()["detail"]
        schema = app.openapi()["paths"]["/v1/batches"]["get"]["parameters"]
        limit = next(p for p in schema if p["name"] == "limit")
        assert limit["schema"]["maximum"] == 2  # the configured bound, as documented
