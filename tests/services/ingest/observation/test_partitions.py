from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from shared.models import Observation, ObservationRevision

MakeKey = Callable[..., Any]


async def test_the_partitions_are_listed_for_a_national_key_only(
    client: Any, make_key: MakeKey
) -> None:
    national = await make_key("ingest:read", "ingest:write", municipality=None)
    body = (await client("ingest", national).get("/v1/observations/partitions")).json()
    names = [p["name"] for p in body["partitions"]]
    assert "observation_2024" in names
    assert "observation_default" in names
    assert body["last_year"] == 2035
    assert body["default_rows"] == 0
    assert next(p for p in body["partitions"] if p["name"] == "observation_2024")["bound"] == (
        "FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')"
    )

    municipal = await make_key("ingest:read", "ingest:write", municipality="9990")
    refused = await client("ingest", municipal).post("/v1/observations/partitions", json={})
    assert refused.status_code == 403
    assert refused.headers["content-type"] == "application/problem+json"


async def test_a_year_without_a_partition_gets_one_and_its_rows_move_with_their_history(
    client: Any, make_key: MakeKey, session: AsyncSession
) -> None:
    stray = Observation(
        source="local",
        municipality_code="9990",
        unit_code="",
        measure_code="andel_nojda",
        period="2040",
        period_start=date(2040, 1, 1),
        period_end=date(2040, 12, 31),
        gender="T",
        value=Decimal("81.5"),
        status="final",
        revision=2,
    )
    session.add(stray)
    await session.flush()
    session.add(
        ObservationRevision(
            observation_id=stray.id,
            revision=1,
            value=Decimal("80"),
            status="preliminary",
            arrived_at=func.now(),
            replaced_at=func.now(),
        )
    )
    await session.commit()
    national = await make_key("ingest:read", "ingest:write", municipality=None)
    api = client("ingest", national)
    assert (await api.get("/v1/observations/partitions")).json()["default_rows"] == 1

    answer = await api.post("/v1/observations/partitions", json={"years_ahead": 0})
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["created"] == ["observation_2040"]
    assert body["default_rows"] == 0
    # Nothing between 2035 and 2040 was asked for (years_ahead 0 is this year).
    assert "observation_2036" not in [p["name"] for p in body["partitions"]]

    located = await session.execute(
        text("SELECT tableoid::regclass::text, value FROM observation WHERE id = :id"),
        {"id": stray.id},
    )
    assert located.one() == ("observation_part.observation_2040", Decimal("81.5"))
    revisions = await session.execute(
        select(ObservationRevision.value).where(ObservationRevision.observation_id == stray.id)
    )
    assert revisions.scalars().all() == [Decimal("80")]
    again = await api.post("/v1/observations/partitions", json={"years_ahead": 0})
    assert again.json()["created"] == []
