from __future__ import annotations

import uuid

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from shared.models import AwardScheme


async def insert_new(session: AsyncSession, scheme: AwardScheme) -> AwardScheme | None:
    """Insert unless (municipality, year, code) exists; None when it did."""
    values = {
        "id": scheme.id,
        "municipality_code": scheme.municipality_code,
        "year": scheme.year,
        "code": scheme.code,
        "title": scheme.title,
        "candidates": scheme.candidates,
        "prize_amount_ore": scheme.prize_amount_ore,
        "specification": scheme.specification,
    }
    result = await session.execute(
        pg_insert(AwardScheme).values(**values).on_conflict_do_nothing().returning(AwardScheme.id)
    )
    new_id = result.scalar_one_or_none()
    if new_id is None:
        return None
    return await session.get(AwardScheme, new_id)


async def get(session: AsyncSession, scheme_id: uuid.UUID) -> AwardScheme | None:
    return await session.get(AwardScheme, scheme_id)


async def page(
    session: AsyncSession, *, municipality_code: str, year: int | None, limit: int, offset: int
) -> tuple[list[AwardScheme], int]:
    filters = [AwardScheme.municipality_code == municipality_code]
    if year is not None:
        filters.append(AwardScheme.year == year)
    total = (
        await session.execute(select(func.count()).select_from(AwardScheme).where(*filters))
    ).scalar_one()
    query = (
        select(AwardScheme)
        .where(*filters)
        .order_by(AwardScheme.year.desc(), AwardScheme.code)
        .limit(limit)
        .offset(offset)
    )
    return list((await session.execute(query)).scalars()), int(total)
