from __future__ import annotations

import uuid

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from shared.models import PrioritisedGoal, Scorecard


async def get(
    session: AsyncSession, municipality_code: str, scorecard_id: uuid.UUID
) -> Scorecard | None:
    found = await session.execute(
        select(Scorecard).where(
            Scorecard.id == scorecard_id, Scorecard.municipality_code == municipality_code
        )
    )
    return found.scalar_one_or_none()


async def add(session: AsyncSession, scorecard: Scorecard) -> Scorecard:
    session.add(scorecard)
    await session.flush()
    return scorecard


async def list_scorecards(
    session: AsyncSession, municipality_code: str, *, limit: int, offset: int
) -> tuple[list[Scorecard], int]:
    query = select(Scorecard).where(Scorecard.municipality_code == municipality_code)
    total = (await session.execute(select(func.count()).select_from(query.subquery()))).scalar_one()
    rows = await session.execute(
        query.order_by(Scorecard.year.desc(), Scorecard.title).limit(limit).offset(offset)
    )
    return list(rows.scalars()), int(total)


async def get_goal(
    session: AsyncSession, municipality_code: str, goal_id: uuid.UUID
) -> PrioritisedGoal | None:
    found = await session.execute(
        select(PrioritisedGoal).where(
            PrioritisedGoal.id == goal_id, PrioritisedGoal.municipality_code == municipality_code
        )
    )
    return found.scalar_one_or_none()


async def find_goal(
    session: AsyncSession, municipality_code: str, board: str, year: int, number: int
) -> PrioritisedGoal | None:
    found = await session.execute(
        select(PrioritisedGoal).where(
            PrioritisedGoal.municipality_code == municipality_code,
            PrioritisedGoal.board == board,
            PrioritisedGoal.year == year,
            PrioritisedGoal.number == number,
        )
    )
    return found.scalar_one_or_none()


async def add_goal(session: AsyncSession, goal: PrioritisedGoal) -> PrioritisedGoal:
    session.add(goal)
    await session.flush()
    return goal


async def list_goals(
    session: AsyncSession, municipality_code: str, *, year: int | None, limit: int, offset: int
) -> tuple[list[PrioritisedGoal], int]:
    query = select(PrioritisedGoal).where(PrioritisedGoal.municipality_code == municipality_code)
    if year is not None:
        query = query.where(PrioritisedGoal.year == year)
    total = (await session.execute(select(func.count()).select_from(query.subquery()))).scalar_one()
    rows = await session.execute(
        query.order_by(PrioritisedGoal.year.desc(), PrioritisedGoal.board, PrioritisedGoal.number)
        .limit(limit)
        .offset(offset)
    )
    return list(rows.scalars()), int(total)
