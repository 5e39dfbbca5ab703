"""target.status_changed: a target's write announces the statuses it changes, and only those."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.indicators.target import service as target_service
from services.indicators.target.schemas import TargetFields, TargetIn
from shared.auth import ALL_SCOPES, Principal
from shared.db import Database
from shared.models import OutboxEvent, TargetStatusCheck
from tests.conftest import MakeClient, MakeKey
from tests.services.indicators.helpers import ingest, survey_rows


async def _events(session: AsyncSession, *, besides: set[str] | None = None) -> dict[str, Any]:
    """Payloads of the status events by id, leaving out those seen before."""
    rows = await session.execute(
        select(OutboxEvent.id, OutboxEvent.payload).where(
            OutboxEvent.type == "target.status_changed"
        )
    )
    return {str(i): p for i, p in rows.all() if str(i) not in (besides or set())}


async def test_a_target_update_announces_each_changed_status_once(
    client: MakeClient, make_key: MakeKey, session: AsyncSession
) -> None:
    key = await make_key()
    indicators = client("indicators", key)
    await ingest(
        client("ingest", key),
        survey_rows("HT-NORR", "2030", k=(20, 17), m=(10, 8))  # 25 / 30 = 83.3 %
        + survey_rows("HT-SODER", "2030", k=(20, 17), m=(10, 8)),
    )
    body = {
        "indicator_code": "andel_nojda",
        "scope_type": "unit",
        "scope_value": "HT-NORR",
        "period": "2030",
        "comparator": "at_least",
        "value": "80",
        "tolerance": "0",
    }
    created = await indicators.post("/v1/targets", json=body)
    assert created.status_code == 201, created.text
    # Before, the demo's home-care target (88, tolerance 5) judged HT-NORR partly met.
    on_create = await _events(session)
    assert {
        "indicator_code": "andel_nojda",
        "unit_code": "HT-NORR",
        "period": "2030",
        "gender": "T",
        "previous_status": "partly_met",
        "status": "met",
    } in on_create.values()
    assert all(e["unit_code"] == "HT-NORR" for e in on_create.values())

    stricter = await indicators.put(
        f"/v1/targets/{created.json()['id']}",
        json={**body, "value": "90"},
        headers={"If-Match": created.headers["etag"]},
    )
    assert stricter.status_code == 200, stricter.text
    on_update = await _events(session, besides=set(on_create))
    assert list(on_update.values()) == [
        {
            "indicator_code": "andel_nojda",
            "unit_code": "HT-NORR",
            "period": "2030",
            "gender": "T",
            "previous_status": "met",
            "status": "not_met",
        }
    ]

    # Same value again (only the decision note changes): no status moves, no event.
    unchanged = await indicators.put(
        f"/v1/targets/{created.json()['id']}",
        json={**body, "value": "90", "decision": "VON 2030-02-01 § 7"},
        headers={"If-Match": stricter.headers["etag"]},
    )
    assert unchanged.status_code == 200, unchanged.text
    assert await _events(session, besides=set(on_create) | set(on_update)) == {}


async def test_a_write_left_unannounced_by_a_stopped_process_is_announced_later(
    client: MakeClient, make_key: MakeKey, database: Database, session: AsyncSession
) -> None:
    """The write commits with its status check; judging and announcing come after it, so a
    process that stops in between leaves the check for the next announcer, never a lost or
    doubled event."""
    key = await make_key()
    await ingest(client("ingest", key), survey_rows("HT-NORR", "2030", k=(20, 17), m=(10, 8)))
    principal = Principal(
        key_id=uuid.uuid4(),
        name="test",
        municipality_code="9990",
        scopes=frozenset(ALL_SCOPES),
        token="",
    )
    body = {
        "indicator_code": "andel_nojda",
        "scope_type": "unit",
        "scope_value": "HT-NORR",
        "period": "2030",
        "comparator": "at_least",
        "value": "80",
        "tolerance": "0",
    }
    async with database.unit_of_work() as writer:
        created = await target_service.create_target(
            writer, TargetIn.model_validate(body), principal=principal
        )
    # Committed, not yet announced (no response ran its announcement).
    assert (await session.execute(select(TargetStatusCheck))).scalars().all()
    assert await _events(session) == {}

    assert await target_service.announce_pending(database) == 1
    announced = list((await _events(session)).values())
    assert announced == [
        {
            "indicator_code": "andel_nojda",
            "unit_code": "HT-NORR",
            "period": "2030",
            "gender": "T",
            "previous_status": "partly_met",
            "status": "met",
        }
    ]
    assert (await session.execute(select(TargetStatusCheck))).scalars().all() == []
    # A second announcer finds nothing left: no event twice.
    assert await target_service.announce_pending(database) == 0
    assert list((await _events(session)).values()) == announced

    # Two writes waiting together are judged once, first before to last after: 80 → 90 → 80
    # moves no status, so nothing is announced.
    version = created.version
    for value in ("90", "80"):
        async with database.unit_of_work() as writer:
            updated = await target_service.update_target(
                writer,
                created.id,
                TargetFields.model_validate({**body, "value": value}),
                principal=principal,
                municipality_code=None,
                if_match=f'"{created.id}.v{version}"',
            )
            version = updated.version
    assert await target_service.announce_pending(database) == 2
    assert list((await _events(session)).values()) == announced
