from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from shared.models import AwardAudit


async def add(session: AsyncSession, entry: AwardAudit) -> None:
    session.add(entry)
    await session.flush()


async def page(
    session: AsyncSession,
    *,
    municipality_code: str | None,
    entity_id: str | None,
    limit: int,
    offset: int,
) -> tuple[list[AwardAudit], int]:
    filters: list[Any] = []
    if municipality_code is not None:
        filters.append(AwardAudit.municipality_code == municipality_code)
    if entity_id is not None:
        filters.append(AwardAudit.entity_id == entity_id)
    total = (
        await session.execute(select(func.count()).select_from(AwardAudit).where(*filters))
    ).scalar_one()
    query = select(AwardAudit).where(*filters).order_by(AwardAudit.id).limit(limit).offset(offset)
    return list((await session.execute(query)).scalars()), int(total)
