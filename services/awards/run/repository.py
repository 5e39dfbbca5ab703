from __future__ import annotations

import uuid

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from shared.models import AwardRun, ImprovementProject


async def add(session: AsyncSession, run: AwardRun) -> AwardRun:
    session.add(run)
    await session.flush()
    await session.refresh(run)
    return run


async def get(session: AsyncSession, run_id: uuid.UUID) -> AwardRun | None:
    return await session.get(AwardRun, run_id)


async def page(
    session: AsyncSession,
    *,
    municipality_code: str,
    scheme_id: uuid.UUID | None,
    limit: int,
    offset: int,
) -> tuple[list[AwardRun], int]:
    filters = [AwardRun.municipality_code == municipality_code, AwardRun.kind == "composite"]
    if scheme_id is not None:
        filters.append(AwardRun.scheme_id == scheme_id)
    total = (
        await session.execute(select(func.count()).select_from(AwardRun).where(*filters))
    ).scalar_one()
    query = (
        select(AwardRun)
        .where(*filters)
        .order_by(AwardRun.created_at.desc(), AwardRun.id)
        .limit(limit)
        .offset(offset)
    )
    return list((await session.execute(query)).scalars()), int(total)


async def projects_for_year(
    session: AsyncSession, *, municipality_code: str, year: int
) -> list[ImprovementProject]:
    """Projects running in the year or ended the year before (their effect shows now)."""
    query = (
        select(ImprovementProject)
        .where(
            ImprovementProject.municipality_code == municipality_code,
            func.extract("year", ImprovementProject.started_on) <= year,
        )
        .order_by(ImprovementProject.started_on, ImprovementProject.id)
    )
    projects = list((await session.execute(query)).scalars())
    return [p for p in projects if p.ended_on is None or p.ended_on.year >= year - 1]
