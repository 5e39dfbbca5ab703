from __future__ import annotations

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from shared.models import Measure


async def get(session: AsyncSession, code: str) -> Measure | None:
    return await session.get(Measure, code)


async def add(session: AsyncSession, measure: Measure) -> Measure:
    session.add(measure)
    await session.flush()
    return measure


async def list_measures(
    session: AsyncSession, *, limit: int, offset: int, visible: ColumnElement[bool]
) -> tuple[list[Measure], int]:
    total = (
        await session.execute(select(func.count()).select_from(Measure).where(visible))
    ).scalar_one()
    rows = await session.execute(
        select(Measure).where(visible).order_by(Measure.code).limit(limit).offset(offset)
    )
    return list(rows.scalars()), int(total)
