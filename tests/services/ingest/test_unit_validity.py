"""A unit takes values only for periods in which it was open: a value for a period entirely
before its opening or after its closing is refused with 422 naming the unit and its dates, in
batches, uploads and dry runs alike, and nothing is stored."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from shared.models import Observation
from tests.conftest import MakeClient, MakeKey


async def _count(session: AsyncSession) -> int:
    query = select(func.count()).select_from(Observation)
    return int((await session.execute(query)).scalar_one())


async def _units(client: MakeClient, key: str) -> None:
    indicators = client("indicators", key)
    for code, dates in (
        ("T17-OLD", {"opened_on": "2020-01-01", "closed_on": "2031-12-31"}),
        ("T17-NEW", {"opened_on": "2032-03-15"}),
    ):
        body = {"code": code, "title": code, "unit_type": "ifo", "area": "ifo", **dates}
        created = await indicators.post("/v1/units", json=body)
        assert created.status_code == 201, created.text


def _row(unit: str, period: str) -> dict[str, Any]:
    return {"measure_code": "case_interventions", "unit_code": unit, "period": period, "value": 3}


async def test_a_batch_for_a_closed_or_not_yet_opened_unit_is_refused_and_stores_nothing(
    client: MakeClient, make_key: MakeKey, session: AsyncSession
) -> None:
    key = await make_key()
    await _units(client, key)
    ingest = client("ingest", key)
    before = await _count(session)
    rows = [
        _row("T17-OLD", "2031"),
        _row("T17-OLD", "2032"),  # after its closing
        _row("T17-NEW", "2032T1"),  # opens within the tertial: accepted
        _row("T17-NEW", "2031T3"),  # before its opening
    ]
    refused = await ingest.post("/v1/batches", json={"observations": rows})
    assert refused.status_code == 422, refused.text
    errors = [(e["row"], e["field"], e["code"], e["message"]) for e in refused.json()["errors"]]
    assert errors == [
        (1, "period", "unit_not_open", "enheten T17-OLD var inte öppen under 2032 (öppnad "
         "2020-01-01, stängd 2031-12-31)"),
        (3, "period", "unit_not_open", "enheten T17-NEW var inte öppen under 2031T3 (öppnad "
         "2032-03-15)"),
    ]  # fmt: skip
    assert await _count(session) == before
    accepted = await ingest.post("/v1/batches", json={"observations": [rows[0], rows[2]]})
    assert accepted.status_code == 201, accepted.text


@pytest.mark.parametrize("dry_run", ["true", "false"])
@pytest.mark.parametrize(
    ("kind", "content"),
    [
        (
            "observations",
            "unit_code;measure_code;period;gender;value\n"
            "T17-OLD;case_interventions;2031;T;4\n"
            "T17-OLD;case_interventions;2033;T;5\n",
        ),
        (
            "incidents",
            "unit_code;period;type;category;severity;count\n"
            "T17-OLD;2031-05;lex_sarah;bemotande;medel;2\n"
            "T17-OLD;2033-01;lex_sarah;bemotande;medel;1\n",
        ),
    ],
)
async def test_an_upload_for_a_closed_unit_is_refused_dry_run_or_not(
    client: MakeClient,
    make_key: MakeKey,
    session: AsyncSession,
    dry_run: str,
    kind: str,
    content: str,
) -> None:
    key = await make_key()
    await _units(client, key)
    before = await _count(session)
    refused = await client("ingest", key).post(
        "/v1/uploads",
        params={"kind": kind, "dry_run": dry_run},
        content=content.encode(),
        headers={"Content-Type": "text/csv"},
    )
    assert refused.status_code == 422, refused.text
    (error,) = refused.json()["errors"]
    assert (error["row"], error["field"], error["code"]) == (3, "period", "unit_not_open")
    assert "T17-OLD" in error["message"]
    assert "stängd 2031-12-31" in error["message"]
    assert await _count(session) == before
