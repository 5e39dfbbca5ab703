"""SQL of provenance look-ups."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from shared.models import IngestBatch, Observation, ObservationRevision


async def get_observation(session: AsyncSession, observation_id: int) -> Observation | None:
    return await session.get(Observation, observation_id)


async def find_observation(
    session: AsyncSession,
    *,
    source: str,
    municipality_code: str,
    unit_code: str,
    measure_code: str,
    period: str,
    gender: str,
) -> Observation | None:
    result = await session.execute(
        select(Observation).where(
            Observation.source == source,
            Observation.municipality_code == municipality_code,
            Observation.unit_code == unit_code,
            Observation.measure_code == measure_code,
            Observation.period == period,
            Observation.gender == gender,
        )
    )
    return result.scalar_one_or_none()


async def revisions(session: AsyncSession, observation_id: int) -> list[ObservationRevision]:
    result = await session.execute(
        select(ObservationRevision)
        .where(ObservationRevision.observation_id == observation_id)
        .order_by(ObservationRevision.revision.desc())
    )
    return list(result.scalars())


async def batches(session: AsyncSession, ids: set[uuid.UUID]) -> dict[uuid.UUID, IngestBatch]:
    if not ids:
        return {}
    result = await session.execute(select(IngestBatch).where(IngestBatch.id.in_(ids)))
    return {b.id: b for b in result.scalars()}
