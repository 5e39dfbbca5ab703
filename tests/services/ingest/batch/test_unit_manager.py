"""A unit manager (a person with role unit_manager, signed in with the municipality's identity
provider) writes local data only for their own units: a batch or file naming any other unit, or
the municipality as a whole, is refused whole (403) and stores nothing."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from shared.models import IngestBatch, Observation
from tests.shared.identity.conftest import PersonClient
from tests.shared.identity.issuer import TestIssuer

BATCHES = "/v1/batches"
UPLOADS = "/v1/uploads"


def _row(unit: str | None, value: int = 50) -> dict[str, Any]:
    row: dict[str, Any] = {"measure_code": "oj_positive_share_hsl", "period": "2026T1"}
    if unit is not None:
        row["unit_code"] = unit
    return {**row, "value": value}


async def _stored(session: AsyncSession) -> int:
    session.expire_all()
    result = await session.execute(
        select(func.count()).where(
            Observation.municipality_code == "9990",
            Observation.measure_code == "oj_positive_share_hsl",
            Observation.period == "2026T1",
        )
    )
    return int(result.scalar_one())


async def _batches(session: AsyncSession) -> int:
    result = await session.execute(select(func.count()).select_from(IngestBatch))
    return int(result.scalar_one())


async def test_unit_manager_batches_only_for_their_own_units(
    person: PersonClient, issuer: TestIssuer, session: AsyncSession
) -> None:
    http = person("ingest", issuer.token(roles=["unit_manager"], units=["HT-NORR"]))
    batches_before = await _batches(session)

    foreign = await http.post(BATCHES, json={"observations": [_row("HT-NORR"), _row("HT-SODER")]})
    assert foreign.status_code == 403, foreign.text
    assert foreign.headers["content-type"].startswith("application/problem+json")
    assert "HT-SODER" in foreign.json()["detail"]
    assert "HT-NORR" not in foreign.json()["detail"]
    whole = await http.post(BATCHES, json={"observations": [_row(None)]})
    assert whole.status_code == 403
    assert "(kommunen)" in whole.json()["detail"]
    assert await _stored(session) == 0
    assert await _batches(session) == batches_before

    own = await http.post(BATCHES, json={"observations": [_row("HT-NORR")]})
    assert own.status_code == 201, own.text
    assert await _stored(session) == 1


async def test_unit_manager_uploads_only_for_their_own_units_even_as_a_dry_run(
    person: PersonClient, issuer: TestIssuer, session: AsyncSession
) -> None:
    http = person("ingest", issuer.token(roles=["unit_manager"], units=["HT-NORR"]))
    header = b"unit_code;period;measure_code;value\n"

    async def upload(body: bytes, **params: str) -> Any:
        return await http.post(
            UPLOADS,
            params={"kind": "observations", **params},
            content=header + body,
            headers={"Content-Type": "text/csv"},
        )

    mixed = b"HT-NORR;2026T1;oj_positive_share_hsl;50\nHT-SODER;2026T1;oj_positive_share_hsl;60\n"
    for params in ({}, {"dry_run": "true"}, {"mode": "revise"}):
        refused = await upload(mixed, **params)
        assert refused.status_code == 403, refused.text
        assert "HT-SODER" in refused.json()["detail"]
    whole = await upload(b";2026T1;oj_positive_share_hsl;50\n")
    assert whole.status_code == 403
    assert await _stored(session) == 0

    own = await upload(b"HT-NORR;2026T1;oj_positive_share_hsl;50\n")
    assert own.status_code == 201, own.text
    assert await _stored(session) == 1
    # The staged path (a key that exists) checks the units too.
    again = await upload(mixed, mode="revise")
    assert again.status_code == 403
    assert await _stored(session) == 1


async def test_a_wider_role_than_unit_manager_is_not_limited_to_units(
    person: PersonClient, issuer: TestIssuer, session: AsyncSession
) -> None:
    token = issuer.token(roles=["unit_manager", "quality_developer"], units=["HT-NORR"])
    response = await person("ingest", token).post(
        BATCHES, json={"observations": [_row("HT-SODER"), _row(None)]}
    )
    assert response.status_code == 201, response.text
    assert await _stored(session) == 2
