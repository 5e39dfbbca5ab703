from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from shared.models import AwardRun


async def add(session: AsyncSession, run: AwardRun) -> AwardRun:
    session.add(run)
    await session.flush()
    await session.refresh(run)
    return run


async def get(session: AsyncSession, run_id: uuid.UUID) -> AwardRun | None:
    return await session.get(AwardRun, run_id)


async def list_runs(
    session: AsyncSession, municipality_code: str | None, *, limit: int, offset: int
) -> list[AwardRun]:
    query = select(AwardRun).order_by(AwardRun.created_at.desc()).limit(limit).offset(offset)
    if municipality_code is not None:
        query = query.where(AwardRun.municipality_code == municipality_code)
    return list((await session.execute(query)).scalars())
