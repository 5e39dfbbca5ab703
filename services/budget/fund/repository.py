from __future__ import annotations

import uuid

from sqlalchemy import case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.budget.paging import page_of
from services.budget.unique import add_unique
from shared.i18n import message
from shared.models import Fund, FundAllocation


async def get(session: AsyncSession, fund_id: uuid.UUID, *, lock: bool = False) -> Fund | None:
    """With `lock`, the fund row is held (SELECT … FOR UPDATE) until the transaction ends, so
    concurrent allocations from one fund are checked one after the other."""
    query = select(Fund).where(Fund.id == fund_id)
    if lock:
        query = query.with_for_update()
    return (await session.execute(query)).scalar_one_or_none()


async def find(session: AsyncSession, municipality_code: str, code: str, year: int) -> Fund | None:
    result = await session.execute(
        select(Fund).where(
            Fund.municipality_code == municipality_code, Fund.code == code, Fund.year == year
        )
    )
    return result.scalar_one_or_none()


async def add(session: AsyncSession, obj: Fund | FundAllocation) -> None:
    await add_unique(session, obj, what=message("budget.unique.fund"))
    await session.refresh(obj)


async def totals(
    session: AsyncSession, fund_ids: list[uuid.UUID]
) -> dict[uuid.UUID, tuple[int, int]]:
    """(allocated, paid) in öre per fund; reversed allocations count for nothing."""
    if not fund_ids:
        return {}
    live = FundAllocation.state != "reversed"
    result = await session.execute(
        select(
            FundAllocation.fund_id,
            func.coalesce(func.sum(case((live, FundAllocation.amount_ore), else_=0)), 0),
            func.coalesce(
                func.sum(
                    case((FundAllocation.state == "paid", FundAllocation.amount_ore), else_=0)
                ),
                0,
            ),
        )
        .where(FundAllocation.fund_id.in_(fund_ids))
        .group_by(FundAllocation.fund_id)
    )
    return {row[0]: (int(row[1]), int(row[2])) for row in result}


async def list_funds(
    session: AsyncSession,
    municipality_code: str | None,
    *,
    year: int | None,
    kind: str | None,
    limit: int,
    offset: int,
) -> tuple[list[Fund], int]:
    query = select(Fund)
    if municipality_code is not None:
        query = query.where(Fund.municipality_code == municipality_code)
    if year is not None:
        query = query.where(Fund.year == year)
    if kind is not None:
        query = query.where(Fund.kind == kind)
    total = (await session.execute(select(func.count()).select_from(query.subquery()))).scalar_one()
    rows = await session.execute(
        query.order_by(Fund.year.desc(), Fund.municipality_code, Fund.code)
        .limit(limit)
        .offset(offset)
    )
    return list(rows.scalars()), int(total)


async def allocation_by_reference(
    session: AsyncSession, fund_id: uuid.UUID, reference: str
) -> FundAllocation | None:
    result = await session.execute(
        select(FundAllocation).where(
            FundAllocation.fund_id == fund_id, FundAllocation.reference == reference
        )
    )
    return result.scalar_one_or_none()


async def allocation(
    session: AsyncSession, fund_id: uuid.UUID, allocation_id: uuid.UUID
) -> FundAllocation | None:
    result = await session.execute(
        select(FundAllocation).where(
            FundAllocation.fund_id == fund_id, FundAllocation.id == allocation_id
        )
    )
    return result.scalar_one_or_none()


async def allocations(
    session: AsyncSession, fund_id: uuid.UUID, *, limit: int, offset: int
) -> tuple[list[FundAllocation], int]:
    query = (
        select(FundAllocation)
        .where(FundAllocation.fund_id == fund_id)
        .order_by(FundAllocation.created_at, FundAllocation.id)
    )
    return await page_of(session, query, limit=limit, offset=offset)
