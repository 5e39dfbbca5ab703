from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.budget.paging import page_of
from shared.models import BudgetAudit


async def add(session: AsyncSession, entry: BudgetAudit) -> None:
    session.add(entry)
    await session.flush()


async def list_entries(
    session: AsyncSession,
    *,
    municipality_code: str | None,
    entity: str | None,
    entity_id: uuid.UUID | None,
    limit: int,
    offset: int,
) -> tuple[list[BudgetAudit], int]:
    query = select(BudgetAudit).order_by(BudgetAudit.at.desc(), BudgetAudit.id)
    if municipality_code is not None:
        query = query.where(BudgetAudit.municipality_code == municipality_code)
    if entity is not None:
        query = query.where(BudgetAudit.entity == entity)
    if entity_id is not None:
        query = query.where(BudgetAudit.entity_id == entity_id)
    return await page_of(session, query, limit=limit, offset=offset)
