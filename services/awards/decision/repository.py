from __future__ import annotations

import uuid

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from shared.models import AwardDecision


async def insert_new(session: AsyncSession, values: dict[str, object]) -> AwardDecision | None:
    """Insert the decision unless the run already has one (None then)."""
    result = await session.execute(
        pg_insert(AwardDecision)
        .values(**values)
        .on_conflict_do_nothing(index_elements=["run_id"])
        .returning(AwardDecision.id)
    )
    new_id = result.scalar_one_or_none()
    return None if new_id is None else await session.get(AwardDecision, new_id)


async def get(session: AsyncSession, decision_id: uuid.UUID) -> AwardDecision | None:
    return await session.get(AwardDecision, decision_id)


async def get_for_update(session: AsyncSession, decision_id: uuid.UUID) -> AwardDecision | None:
    query = select(AwardDecision).where(AwardDecision.id == decision_id).with_for_update()
    return (await session.execute(query)).scalar_one_or_none()


async def for_run(session: AsyncSession, run_id: uuid.UUID) -> AwardDecision | None:
    query = select(AwardDecision).where(AwardDecision.run_id == run_id)
    return (await session.execute(query)).scalar_one_or_none()


async def page(
    session: AsyncSession,
    *,
    municipality_code: str,
    published_only: bool,
    limit: int,
    offset: int,
) -> tuple[list[AwardDecision], int]:
    filters = [AwardDecision.municipality_code == municipality_code]
    if published_only:
        filters.append(AwardDecision.published_at.is_not(None))
    total = (
        await session.execute(select(func.count()).select_from(AwardDecision).where(*filters))
    ).scalar_one()
    query = (
        select(AwardDecision)
        .where(*filters)
        .order_by(AwardDecision.decided_at.desc(), AwardDecision.id)
        .limit(limit)
        .offset(offset)
    )
    return list((await session.execute(query)).scalars()), int(total)
