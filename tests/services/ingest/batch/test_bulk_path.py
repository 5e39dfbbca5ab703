"""A large JSON batch takes the bulk path of uploads (COPY and one set-based upsert); the same
batches sent row by row and in bulk give the same answers, values and revision history."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.ingest.batch import service
from services.ingest.observation import bulk
from shared.models import Observation, ObservationRevision, OutboxEvent

MakeKey = Callable[..., Any]
SHARE = "sick_leave_share"
COUNT = "case_placements"


def _first(month: int) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for gender in ("T", "K", "M"):
        rows.append(
            {
                "measure_code": SHARE,
                "period": f"2025-{month:02d}",
                "gender": gender,
                "value": 5 + month / 10,
            }
        )
        rows.append(
            {
                "measure_code": COUNT,
                "period": f"2025-{month:02d}",
                "gender": gender,
                "value": month,
                "status": "preliminary",
            }
        )
    rows.append(
        {
            "measure_code": "survey_satisfied",
            "period": f"2025-{month:02d}",
            "numerator": 2,
            "denominator": 3,
            "respondents": 5 if month % 2 else 40,
        }
    )
    return rows


def _second(month: int) -> list[dict[str, Any]]:
    rows = _first(month)
    rows[1]["value"] = month + 100  # a preliminary count revised
    rows[1]["status"] = "final"
    if month % 3 == 0:
        rows[0]["value"] = 9.5  # a final share changed: refused unless revising
    return rows


async def _scenario(client: Any, token: str, municipality: str) -> list[Any]:
    http = client("ingest", token)
    answers: list[Any] = []

    async def send(rows: list[dict[str, Any]], mode: str = "insert") -> None:
        body = {"municipality_code": municipality, "mode": mode, "observations": rows}
        response = await http.post("/v1/batches", json=body)
        payload = response.json()
        if response.status_code == 201:
            payload = {
                k: v
                for k, v in payload.items()
                if k not in {"id", "created_at", "municipality_code", "data_version"}
            }
        else:
            payload = {"errors": payload["errors"], "detail": payload["detail"]}
        answers.append((response.status_code, payload))

    await send([r for m in range(1, 13) for r in _first(m)])
    await send([r for m in range(1, 13) for r in _second(m)])  # conflicts: 422
    await send([r for m in range(1, 13) for r in _second(m)], mode="revise")
    await send([r for m in range(1, 13) for r in _second(m)], mode="revise")  # all unchanged
    await send([*_first(1), {"measure_code": "nope", "period": "2025-13", "value": 1}])
    return answers


async def _stored(session: AsyncSession, municipality: str) -> Any:
    session.expire_all()
    observations = (
        (
            await session.execute(
                select(Observation).where(Observation.municipality_code == municipality)
            )
        )
        .scalars()
        .all()
    )
    key = {o.id: (o.unit_code, o.measure_code, o.period, o.gender) for o in observations}
    revisions = (
        (
            await session.execute(
                select(ObservationRevision).where(ObservationRevision.observation_id.in_(key))
            )
        )
        .scalars()
        .all()
    )
    events = (
        (
            await session.execute(
                select(OutboxEvent)
                .where(OutboxEvent.municipality_code == municipality)
                .order_by(OutboxEvent.occurred_at)
            )
        )
        .scalars()
        .all()
    )
    return (
        sorted(
            (
                key[o.id],
                o.value,
                o.numerator,
                o.denominator,
                o.respondents,
                o.status,
                o.revision,
                o.source_row,
                o.period_start,
                o.period_end,
            )
            for o in observations
        ),
        sorted(
            (
                key[r.observation_id],
                r.revision,
                r.value,
                r.status,
                r.source_row,
                r.sent_by is not None,
            )
            for r in revisions
        ),
        [{k: v for k, v in e.payload.items() if k != "batch_id"} for e in events],
    )


async def test_bulk_and_row_by_row_paths_give_identical_results(
    client: Any, make_key: MakeKey, session: AsyncSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(service, "BULK_MIN_ROWS", 10**9)
    by_row = await _scenario(client, await make_key("ingest:write", municipality="9981"), "9981")
    monkeypatch.setattr(service, "BULK_MIN_ROWS", 10)
    in_bulk = await _scenario(client, await make_key("ingest:write", municipality="9982"), "9982")

    assert by_row == in_bulk
    assert [status for status, _ in in_bulk] == [201, 422, 201, 201, 422]
    assert in_bulk[0][1]["created"] == 12 * 7
    assert in_bulk[0][1]["suppressed"] == 6
    assert len(in_bulk[1][1]["errors"]) == 4
    assert in_bulk[2][1]["revised"] == 12 + 4
    assert in_bulk[3][1]["unchanged"] == 12 * 7
    row_stored, bulk_stored = await _stored(session, "9981"), await _stored(session, "9982")
    assert row_stored == bulk_stored
    assert len(bulk_stored[1]) == 16  # every replaced content kept
    assert len(bulk_stored[2]) == 2  # one event per batch that changed something


async def test_a_batch_above_the_threshold_takes_the_bulk_path(
    client: Any, make_key: MakeKey, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[int] = []
    real = bulk.merge_stage

    async def spy(*args: Any, **kwargs: Any) -> Any:
        calls.append(kwargs["staged"])
        return await real(*args, **kwargs)

    monkeypatch.setattr(bulk, "merge_stage", spy)
    http = client("ingest", await make_key("ingest:write"))
    rows = [
        {"measure_code": measure, "period": f"20{y:02d}-{m:02d}", "gender": g, "value": m}
        for measure in (COUNT, "case_reports")
        for y in range(30)
        for m in range(1, 13)
        for g in ("T", "K", "M")
    ]
    assert len(rows) > service.BULK_MIN_ROWS
    response = await http.post("/v1/batches", json={"observations": rows[:2100]})
    assert response.status_code == 201, response.text
    assert response.json()["created"] == 2100
    assert calls == [2100]
    small = await http.post("/v1/batches", json={"observations": rows[2100:2110]})
    assert small.json()["created"] == 10
    assert calls == [2100]
