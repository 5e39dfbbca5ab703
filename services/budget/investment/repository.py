from __future__ import annotations

import uuid

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.budget.paging import page_of
from services.budget.unique import add_unique
from shared.i18n import message
from shared.models import InvestmentAmount, InvestmentProject


async def existing_codes(
    session: AsyncSession, municipality_code: str, board: str, codes: list[str]
) -> set[str]:
    result = await session.execute(
        select(InvestmentProject.code).where(
            InvestmentProject.municipality_code == municipality_code,
            InvestmentProject.board == board,
            InvestmentProject.code.in_(codes),
        )
    )
    return set(result.scalars())


async def add(
    session: AsyncSession, project: InvestmentProject, amounts: dict[int, int]
) -> InvestmentProject:
    await add_unique(
        session, project, what=message("budget.unique.investment", code=repr(project.code))
    )
    session.add_all(
        InvestmentAmount(project_id=project.id, year=year, amount_ore=amount)
        for year, amount in amounts.items()
    )
    await session.flush()
    await session.refresh(project)
    return project


async def get(
    session: AsyncSession, project_id: uuid.UUID, *, lock: bool = False
) -> InvestmentProject | None:
    query = select(InvestmentProject).where(InvestmentProject.id == project_id)
    if lock:
        query = query.with_for_update()
    return (await session.execute(query)).scalar_one_or_none()


async def replace_amounts(
    session: AsyncSession, project: InvestmentProject, amounts: dict[int, int]
) -> None:
    await session.execute(delete(InvestmentAmount).where(InvestmentAmount.project_id == project.id))
    session.add_all(
        InvestmentAmount(project_id=project.id, year=year, amount_ore=amount)
        for year, amount in amounts.items()
    )
    await session.flush()


async def amounts_of(
    session: AsyncSession, project_ids: list[uuid.UUID]
) -> dict[uuid.UUID, dict[int, int]]:
    if not project_ids:
        return {}
    result = await session.execute(
        select(InvestmentAmount)
        .where(InvestmentAmount.project_id.in_(project_ids))
        .order_by(InvestmentAmount.year)
    )
    out: dict[uuid.UUID, dict[int, int]] = {pid: {} for pid in project_ids}
    for row in result.scalars():
        out[row.project_id][row.year] = row.amount_ore
    return out


async def list_projects(
    session: AsyncSession,
    municipality_code: str | None,
    *,
    board: str | None,
    limit: int,
    offset: int,
) -> tuple[list[InvestmentProject], int]:
    query = select(InvestmentProject)
    if municipality_code is not None:
        query = query.where(InvestmentProject.municipality_code == municipality_code)
    if board is not None:
        query = query.where(InvestmentProject.board == board)
    query = query.order_by(
        InvestmentProject.municipality_code,
        InvestmentProject.board,
        InvestmentProject.created_at,
        InvestmentProject.code,
    )
    return await page_of(session, query, limit=limit, offset=offset)
