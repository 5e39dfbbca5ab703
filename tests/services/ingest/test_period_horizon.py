"""Observations may be for at most the current year + 1 (OBSERVATION_YEARS_AHEAD): a batch, an
upload and a dry run with a later period are refused with 422 naming row and field, and store
nothing."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from shared.models import Observation
from shared.settings import Settings
from tests import helpers
from tests.services.indicators.helpers import survey_rows

MakeKey = Callable[..., Any]
NEXT, AFTER = date.today().year + 1, date.today().year + 2


@pytest.fixture
def settings(database_url: str) -> Settings:
    """The production horizon, not the far one the other tests use."""
    return helpers.test_settings(database_url, OBSERVATION_YEARS_AHEAD=1)


async def _count(session: AsyncSession) -> int:
    query = select(func.count()).select_from(Observation)
    return int((await session.execute(query)).scalar_one())


async def test_a_batch_beyond_next_year_is_refused_by_row_and_stores_nothing(
    client: Any, make_key: MakeKey, session: AsyncSession
) -> None:
    ingest = client("ingest", await make_key("ingest:write"))
    before = await _count(session)
    rows = survey_rows("HT-NORR", str(NEXT), k=(20, 18), m=(10, 7))
    late = survey_rows("HT-NORR", f"{AFTER}T1", k=(20, 18), m=(10, 7))
    refused = await ingest.post("/v1/batches", json={"observations": rows + late[:1]})
    assert refused.status_code == 422
    (error,) = refused.json()["errors"]
    assert (error["row"], error["field"], error["code"]) == (len(rows), "period", "future_period")
    assert str(NEXT) in error["message"]
    assert await _count(session) == before

    accepted = await ingest.post("/v1/batches", json={"observations": rows})
    assert accepted.status_code == 201, accepted.text
    assert await _count(session) == before + len(rows)


@pytest.mark.parametrize("dry_run", ["true", "false"])
async def test_an_upload_beyond_next_year_is_refused_dry_run_or_not(
    client: Any, make_key: MakeKey, session: AsyncSession, dry_run: str
) -> None:
    ingest = client("ingest", await make_key("ingest:write"))
    before = await _count(session)
    content = (
        "unit_code;period;type;category;severity;count\n"
        f"SABO-EKEN;{NEXT}-05;lex_sarah;bemotande;medel;2\n"
        f"SABO-EKEN;{AFTER}-01;lex_sarah;bemotande;medel;1\n"
    ).encode()
    refused = await ingest.post(
        "/v1/uploads",
        params={"kind": "incidents", "dry_run": dry_run},
        content=content,
        headers={"Content-Type": "text/csv"},
    )
    assert refused.status_code == 422
    (error,) = refused.json()["errors"]
    assert error["row"] == 3
    assert error["field"] == "period"
    assert error["value"] == f"{AFTER}-01"
    assert await _count(session) == before
