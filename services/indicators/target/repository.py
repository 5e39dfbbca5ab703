from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from shared.models import Target


async def get(session: AsyncSession, municipality_code: str, target_id: uuid.UUID) -> Target | None:
    found = await session.execute(
        select(Target).where(Target.id == target_id, Target.municipality_code == municipality_code)
    )
    return found.scalar_one_or_none()


async def add(session: AsyncSession, target: Target) -> Target:
    session.add(target)
    await session.flush()
    return target


async def remove(session: AsyncSession, target: Target) -> None:
    await session.delete(target)
    await session.flush()


async def remove_for_scorecard(session: AsyncSession, scorecard_id: uuid.UUID) -> None:
    await session.execute(delete(Target).where(Target.scorecard_id == scorecard_id))


async def list_targets(
    session: AsyncSession,
    municipality_code: str,
    *,
    indicator_code: str | None,
    limit: int,
    offset: int,
) -> tuple[list[Target], int]:
    query = select(Target).where(Target.municipality_code == municipality_code)
    if indicator_code is not None:
        query = query.where(Target.indicator_code == indicator_code)
    total = (await session.execute(select(func.count()).select_from(query.subquery()))).scalar_one()
    rows = await session.execute(
        query.order_by(Target.indicator_code, Target.scope_type, Target.created_at)
        .limit(limit)
        .offset(offset)
    )
    return list(rows.scalars()), int(total)


async def for_municipality(
    session: AsyncSession, municipality_code: str, indicator_codes: Sequence[str] | None = None
) -> list[Target]:
    query = select(Target).where(Target.municipality_code == municipality_code)
    if indicator_codes is not None:
        query = query.where(Target.indicator_code.in_(list(indicator_codes)))
    rows = await session.execute(query.order_by(Target.created_at))
    return list(rows.scalars())
