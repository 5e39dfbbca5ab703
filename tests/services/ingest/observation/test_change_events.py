"""Every write that changes stored values records one `observation.values_changed` event per
municipality in the same transaction; a write that changes nothing, or is refused, records none."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from shared.models import OutboxEvent

MakeKey = Callable[..., Any]
BATCHES = "/v1/batches"
UPLOADS = "/v1/uploads"


async def events_of(session: AsyncSession, municipality: str = "9990") -> list[dict[str, Any]]:
    session.expire_all()
    result = await session.execute(
        select(OutboxEvent)
        .where(
            OutboxEvent.type == "observation.values_changed",
            OutboxEvent.municipality_code == municipality,
        )
        .order_by(OutboxEvent.occurred_at)
    )
    return [e.payload for e in result.scalars()]


def _rows(north: int, whole: int) -> list[dict[str, Any]]:
    return [
        {
            "measure_code": "oj_positive_share_hsl",
            "unit_code": "HT-NORR",
            "period": "2025T1",
            "value": north,
        },
        {"measure_code": "oj_positive_share_lss", "period": "2025", "value": whole},
    ]


async def test_an_accepted_batch_records_what_it_created_and_revised(
    client: Any, make_key: MakeKey, session: AsyncSession
) -> None:
    http = client("ingest", await make_key("ingest:write"))
    before = await events_of(session)

    first = await http.post(BATCHES, json={"observations": _rows(40, 60)})
    assert first.status_code == 201, first.text
    revised = await http.post(BATCHES, json={"mode": "revise", "observations": _rows(45, 60)})
    assert revised.status_code == 201, revised.text

    events = (await events_of(session))[len(before) :]
    assert events == [
        {
            "source": "local",
            "batch_id": first.json()["id"],
            "periods": ["2025", "2025T1"],
            "measure_codes": ["oj_positive_share_hsl", "oj_positive_share_lss"],
            "unit_codes": ["", "HT-NORR"],
            "created": 2,
            "revised": 0,
        },
        {
            "source": "local",
            "batch_id": revised.json()["id"],
            "periods": ["2025T1"],
            "measure_codes": ["oj_positive_share_hsl"],
            "unit_codes": ["HT-NORR"],
            "created": 0,
            "revised": 1,
        },
    ]


async def test_an_unchanged_batch_a_replay_and_a_rejected_batch_record_nothing(
    client: Any, make_key: MakeKey, session: AsyncSession
) -> None:
    http = client("ingest", await make_key("ingest:write"))
    headers = {"Idempotency-Key": "events-1"}
    body = {"observations": _rows(40, 60)}
    assert (await http.post(BATCHES, json=body, headers=headers)).status_code == 201
    after_first = len(await events_of(session))

    replay = await http.post(BATCHES, json=body, headers=headers)
    assert replay.headers["idempotent-replayed"] == "true"
    same = await http.post(BATCHES, json=body)
    assert same.status_code == 201
    assert same.json()["unchanged"] == 2
    bad = await http.post(
        BATCHES,
        json={"observations": [*_rows(41, 61), {"measure_code": "nope", "period": "2025"}]},
    )
    assert bad.status_code == 422

    assert len(await events_of(session)) == after_first


async def _upload(client: Any, key: str, content: bytes, **params: Any) -> Any:
    return await client("ingest", key).post(
        UPLOADS,
        params={"kind": "sick_leave", **params},
        content=content,
        headers={"Content-Type": "text/csv"},
    )


async def test_an_upload_records_its_change_and_a_dry_run_or_rejected_file_records_none(
    client: Any, make_key: MakeKey, session: AsyncSession
) -> None:
    key = str(await make_key("ingest:write", "ingest:read"))
    before = await events_of(session)
    header = "unit_code;period;sick_leave_pct;short_sick_leave_pct\n"
    first = b"HT-NORR;2025-05;6,4;2,1\nHT-SODER;2025-06;7;\n"

    dry = await _upload(client, key, (header.encode() + first), dry_run="true")
    assert dry.status_code == 200, dry.text
    assert dry.json()["created"] == 3
    rejected = await _upload(client, key, header.encode() + b"HT-NORR;2025-05;abc;1\n")
    assert rejected.status_code == 422
    assert await events_of(session) == before

    stored = await _upload(client, key, header.encode() + first)  # the direct COPY path
    assert stored.status_code == 201, stored.text
    changed = b"HT-NORR;2025-05;6,4;2,5\nHT-SODER;2025-06;7;\n"
    revised = await _upload(client, key, header.encode() + changed, mode="revise")
    assert revised.status_code == 201, revised.text  # the staged merge path
    assert revised.json()["revised"] == 1

    assert (await events_of(session))[len(before) :] == [
        {
            "source": "local",
            "batch_id": stored.json()["id"],
            "periods": ["2025-05", "2025-06"],
            "measure_codes": ["short_sick_leave_share", "sick_leave_share"],
            "unit_codes": ["HT-NORR", "HT-SODER"],
            "created": 3,
            "revised": 0,
        },
        {
            "source": "local",
            "batch_id": revised.json()["id"],
            "periods": ["2025-05"],
            "measure_codes": ["short_sick_leave_share"],
            "unit_codes": ["HT-NORR"],
            "created": 0,
            "revised": 1,
        },
    ]
