from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from shared.models import Observation

MakeKey = Callable[..., Any]


async def test_a_demo_value_says_where_it_comes_from_and_stays_in_its_tenant(
    client: Any, make_key: MakeKey, session: AsyncSession
) -> None:
    obs = (
        await session.execute(
            select(Observation).where(
                Observation.municipality_code == "1461",
                Observation.measure_code == "oj_positive_share_lss",
                Observation.period == "2022",
            )
        )
    ).scalar_one()
    own = await make_key("ingest:read", municipality="1461")
    body = (await client("ingest", own).get(f"/v1/observations/{obs.id}/provenance")).json()
    assert body["source"] == "local"
    assert body["attribution"] is None  # never credited to Kolada
    assert body["origin"]["kind"] == "seed"
    assert "Melleruds kommun" in body["origin"]["filename"]
    assert body["value"] == "75"

    by_key = await client("ingest", own).get(
        "/v1/observations/provenance",
        params={
            "municipality_code": "1461",
            "measure_code": "oj_positive_share_lss",
            "period": "2022",
        },
    )
    assert by_key.json()["id"] == obs.id

    other = await make_key("ingest:read", municipality="1462")
    hidden = await client("ingest", other).get(f"/v1/observations/{obs.id}/provenance")
    assert hidden.status_code == 404
    missing = await client("ingest", own).get("/v1/observations/999999999/provenance")
    assert missing.status_code == 404
    assert missing.headers["content-type"].startswith("application/problem+json")
