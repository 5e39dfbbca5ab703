"""Every SQL statement of JSON batches."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import func, insert, select, text, tuple_, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from shared.i18n import Message, message
from shared.models import (
    DataVersion,
    IngestBatch,
    Measure,
    Observation,
    ObservationRevision,
    OrgUnit,
)

ObservationKey = tuple[str, str, str, str]  # unit_code, measure_code, period, gender


@dataclass(frozen=True)
class MeasureRule:
    code: str
    value_kind: str
    min_value: Decimal | None
    max_value: Decimal | None


async def try_lock_idempotency_key(session: AsyncSession, api_key_id: uuid.UUID, key: str) -> bool:
    """A transaction-scoped advisory lock: held while the first request is in flight, released
    at its commit or when its connection dies (so a killed request never blocks a retry)."""
    result = await session.execute(
        text("SELECT pg_try_advisory_xact_lock(hashtextextended(:k, 7301))"),
        {"k": f"{api_key_id}:{key}"},
    )
    return bool(result.scalar_one())


async def find_batch_by_idempotency_key(
    session: AsyncSession, api_key_id: uuid.UUID, key: str
) -> IngestBatch | None:
    result = await session.execute(
        select(IngestBatch).where(
            IngestBatch.api_key_id == api_key_id, IngestBatch.idempotency_key == key
        )
    )
    return result.scalar_one_or_none()


async def get_batch(session: AsyncSession, batch_id: uuid.UUID) -> IngestBatch | None:
    return await session.get(IngestBatch, batch_id)


async def list_batches(
    session: AsyncSession, *, municipalities: Sequence[str] | None, limit: int, offset: int
) -> tuple[list[IngestBatch], int]:
    """Accepted batches and uploads of the given municipalities (None: all), newest first."""
    query = select(IngestBatch).where(IngestBatch.response_body.is_not(None))
    if municipalities is not None:
        query = query.where(IngestBatch.municipality_code.in_(municipalities))
    total = (await session.execute(select(func.count()).select_from(query.subquery()))).scalar_one()
    rows = await session.execute(
        query.order_by(IngestBatch.created_at.desc(), IngestBatch.id).limit(limit).offset(offset)
    )
    return list(rows.scalars()), int(total)


UnitDates = tuple[date | None, date | None]
"""A unit's first and last day (None: open since always, not closed)."""


async def unit_dates(
    session: AsyncSession, municipality_code: str, codes: Iterable[str] | None = None
) -> dict[str, UnitDates]:
    """The named units (every unit for None) that exist, with their opening and closing days."""
    # Read-only look-up in org_unit (written by indicators): validating tens of thousands of
    # rows over HTTP would move the unit register for nothing.
    query = select(OrgUnit.code, OrgUnit.opened_on, OrgUnit.closed_on).where(
        OrgUnit.municipality_code == municipality_code
    )
    if codes is not None:
        wanted = sorted(set(codes))
        if not wanted:
            return {}
        query = query.where(OrgUnit.code.in_(wanted))
    result = await session.execute(query)
    return {code: (opened, closed) for code, opened, closed in result.all()}


def outside_validity(
    unit: str, dates: UnitDates, period: str, start: date, end: date
) -> Message | None:
    """Why a value of `period` cannot be stored for the unit (it was not open at any time in
    the period), else None."""
    opened, closed = dates
    if (opened is None or opened <= end) and (closed is None or start <= closed):
        return None
    if opened is not None and closed is not None:
        span = message(
            "problem.ingest.unit_opened_closed",
            opened=opened.isoformat(),
            closed=closed.isoformat(),
        )
    elif opened is not None:
        span = message("problem.ingest.unit_opened", day=opened.isoformat())
    else:
        assert closed is not None
        span = message("problem.ingest.unit_closed", day=closed.isoformat())
    return message("problem.ingest.unit_not_open", unit_code=unit, period=period, span=span)


async def measure_rules(session: AsyncSession, codes: Iterable[str]) -> dict[str, MeasureRule]:
    # Read-only look-up in measure (written by indicators), for the same reason as above.
    wanted = sorted(set(codes))
    result = await session.execute(
        select(Measure.code, Measure.value_kind, Measure.min_value, Measure.max_value).where(
            Measure.code.in_(wanted), Measure.source == "local"
        )
    )
    return {row.code: MeasureRule(*row) for row in result}


async def stored_observations(
    session: AsyncSession, municipality_code: str, keys: Sequence[ObservationKey]
) -> dict[ObservationKey, Observation]:
    found: dict[ObservationKey, Observation] = {}
    for start in range(0, len(keys), 5000):
        chunk = keys[start : start + 5000]
        result = await session.execute(
            select(Observation).where(
                Observation.source == "local",
                Observation.municipality_code == municipality_code,
                tuple_(
                    Observation.unit_code,
                    Observation.measure_code,
                    Observation.period,
                    Observation.gender,
                ).in_(chunk),
            )
        )
        for obs in result.scalars():
            found[(obs.unit_code, obs.measure_code, obs.period, obs.gender)] = obs
    return found


async def add_batch(session: AsyncSession, batch: IngestBatch) -> IngestBatch:
    session.add(batch)
    await session.flush()
    return batch


async def insert_observations(session: AsyncSession, rows: list[dict[str, Any]]) -> None:
    for start in range(0, len(rows), 5000):
        await session.execute(insert(Observation), rows[start : start + 5000])


async def revise_observations(
    session: AsyncSession, changes: list[tuple[Observation, dict[str, Any]]], batch_id: uuid.UUID
) -> None:
    """Keep each old revision, then write the new content with revision + 1."""
    if not changes:
        return
    await session.execute(
        insert(ObservationRevision),
        [
            {
                "observation_id": old.id,
                "revision": old.revision,
                "value": old.value,
                "numerator": old.numerator,
                "denominator": old.denominator,
                "respondents": old.respondents,
                "status": old.status,
                "batch_id": old.batch_id,
                "kolada_job_id": old.kolada_job_id,
                "source_url": old.source_url,
                "source_row": old.source_row,
                "sent_by": old.sent_by,
                "arrived_at": old.arrived_at,
                "replaced_by_batch_id": batch_id,
            }
            for old, _ in changes
        ],
    )
    for old, new in changes:
        await session.execute(
            update(Observation)
            .where(Observation.id == old.id)
            .values(**new, revision=old.revision + 1, arrived_at=func.now())
        )


async def stage_conflicts_with_final(session: AsyncSession) -> list[tuple[int, Decimal | None]]:
    """Staged rows (by source_row) whose content differs from a stored final local value,
    with that value: what a batch in mode 'insert' refuses (the same test as row by row)."""
    result = await session.execute(
        text(
            "SELECT s.source_row, o.value FROM ingest_stage s "
            "JOIN observation o ON o.source = 'local' "
            "AND o.municipality_code = s.municipality_code AND o.unit_code = s.unit_code "
            "AND o.measure_code = s.measure_code AND o.period = s.period "
            "AND o.gender = s.gender AND o.period_start = s.period_start "
            "WHERE o.status = 'final' AND "
            "(o.value, o.numerator, o.denominator, o.respondents, o.status) IS DISTINCT FROM "
            "(s.value, s.numerator, s.denominator, s.respondents, s.status) "
            "ORDER BY s.source_row"
        )
    )
    return [(int(row), value) for row, value in result]


async def count_suppressed(session: AsyncSession, batch_id: uuid.UUID) -> int:
    """Values this batch stored or revised that are suppressed (n < 7)."""
    result = await session.execute(
        select(func.count()).where(
            Observation.batch_id == batch_id, Observation.status == "suppressed"
        )
    )
    return int(result.scalar_one())


async def bump_data_version(session: AsyncSession, municipality_code: str) -> int:
    """Tell readers (the indicators service) that this municipality's data changed."""
    stmt = (
        pg_insert(DataVersion)
        .values(municipality_code=municipality_code, version=1)
        .on_conflict_do_update(
            index_elements=[DataVersion.municipality_code],
            set_={"version": DataVersion.version + 1, "changed_at": func.now()},
        )
        .returning(DataVersion.version)
    )
    return int((await session.execute(stmt)).scalar_one())


async def set_batch_response(
    session: AsyncSession, batch: IngestBatch, status: int, body: dict[str, Any]
) -> None:
    batch.response_status = status
    batch.response_body = body
    await session.flush()
