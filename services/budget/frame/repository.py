from __future__ import annotations

import uuid

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.budget.paging import page_of
from services.budget.unique import add_unique
from shared.i18n import message
from shared.models import BudgetFrame, FrameChange


async def find(
    session: AsyncSession, municipality_code: str, board: str, year: int
) -> BudgetFrame | None:
    result = await session.execute(
        select(BudgetFrame).where(
            BudgetFrame.municipality_code == municipality_code,
            BudgetFrame.board == board,
            BudgetFrame.year == year,
        )
    )
    return result.scalar_one_or_none()


async def get(
    session: AsyncSession, frame_id: uuid.UUID, *, lock: bool = False
) -> BudgetFrame | None:
    query = select(BudgetFrame).where(BudgetFrame.id == frame_id)
    if lock:
        query = query.with_for_update()
    return (await session.execute(query)).scalar_one_or_none()


async def replace_changes(
    session: AsyncSession, frame: BudgetFrame, changes: list[FrameChange]
) -> None:
    await session.execute(delete(FrameChange).where(FrameChange.frame_id == frame.id))
    for change in changes:
        change.frame_id = frame.id
    session.add_all(changes)
    await session.flush()


async def add(session: AsyncSession, frame: BudgetFrame, changes: list[FrameChange]) -> BudgetFrame:
    await add_unique(
        session, frame, what=message("budget.unique.frame", board=frame.board, year=frame.year)
    )
    for change in changes:
        change.frame_id = frame.id
    session.add_all(changes)
    await session.flush()
    await session.refresh(frame)
    return frame


async def changes_of(session: AsyncSession, frame_id: uuid.UUID) -> list[FrameChange]:
    result = await session.execute(
        select(FrameChange).where(FrameChange.frame_id == frame_id).order_by(FrameChange.position)
    )
    return list(result.scalars())


async def list_frames(
    session: AsyncSession,
    municipality_code: str | None,
    *,
    board: str | None,
    year: int | None,
    limit: int,
    offset: int,
) -> tuple[list[BudgetFrame], int]:
    query = select(BudgetFrame).order_by(
        BudgetFrame.year.desc(), BudgetFrame.board, BudgetFrame.municipality_code
    )
    if municipality_code is not None:
        query = query.where(BudgetFrame.municipality_code == municipality_code)
    if board is not None:
        query = query.where(BudgetFrame.board == board)
    if year is not None:
        query = query.where(BudgetFrame.year == year)
    return await page_of(session, query, limit=limit, offset=offset)
