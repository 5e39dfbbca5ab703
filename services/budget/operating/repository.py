from __future__ import annotations

import uuid

from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from services.budget.paging import page_of
from services.budget.unique import add_unique
from shared.i18n import message
from shared.models import AccountMapping, OperatingBudget, OperatingLine


async def find(
    session: AsyncSession, municipality_code: str, board: str, year: int, phase: str, tertial: int
) -> OperatingBudget | None:
    result = await session.execute(
        select(OperatingBudget).where(
            OperatingBudget.municipality_code == municipality_code,
            OperatingBudget.board == board,
            OperatingBudget.year == year,
            OperatingBudget.phase == phase,
            OperatingBudget.tertial == tertial,
        )
    )
    return result.scalar_one_or_none()


async def latest_forecast(
    session: AsyncSession, municipality_code: str, board: str, year: int
) -> OperatingBudget | None:
    result = await session.execute(
        select(OperatingBudget)
        .where(
            OperatingBudget.municipality_code == municipality_code,
            OperatingBudget.board == board,
            OperatingBudget.year == year,
            OperatingBudget.phase == "forecast",
        )
        .order_by(OperatingBudget.tertial.desc())
        .limit(1)
    )
    return result.scalar_one_or_none()


async def get(
    session: AsyncSession, budget_id: uuid.UUID, *, lock: bool = False
) -> OperatingBudget | None:
    query = select(OperatingBudget).where(OperatingBudget.id == budget_id)
    if lock:
        query = query.with_for_update()
    return (await session.execute(query)).scalar_one_or_none()


async def add(session: AsyncSession, budget: OperatingBudget, lines: list[OperatingLine]) -> None:
    await add_unique(
        session,
        budget,
        what=message("budget.unique.operating", phase=budget.phase, year=budget.year),
    )
    for line in lines:
        line.budget_id = budget.id
    session.add_all(lines)
    await session.flush()
    await session.refresh(budget)


async def replace_lines(
    session: AsyncSession, budget: OperatingBudget, lines: list[OperatingLine]
) -> None:
    await session.execute(delete(OperatingLine).where(OperatingLine.budget_id == budget.id))
    for line in lines:
        line.budget_id = budget.id
    session.add_all(lines)
    await session.flush()


async def lines_of(session: AsyncSession, budget_id: uuid.UUID) -> list[OperatingLine]:
    result = await session.execute(
        select(OperatingLine)
        .where(OperatingLine.budget_id == budget_id)
        .order_by(OperatingLine.position)
    )
    return list(result.scalars())


async def list_budgets(
    session: AsyncSession,
    municipality_code: str | None,
    *,
    board: str | None,
    year: int | None,
    phase: str | None,
    limit: int,
    offset: int,
) -> tuple[list[OperatingBudget], int]:
    query = select(OperatingBudget)
    if municipality_code is not None:
        query = query.where(OperatingBudget.municipality_code == municipality_code)
    if board is not None:
        query = query.where(OperatingBudget.board == board)
    if year is not None:
        query = query.where(OperatingBudget.year == year)
    if phase is not None:
        query = query.where(OperatingBudget.phase == phase)
    query = query.order_by(
        OperatingBudget.year.desc(),
        OperatingBudget.board,
        OperatingBudget.phase,
        OperatingBudget.tertial,
        OperatingBudget.municipality_code,
    )
    return await page_of(session, query, limit=limit, offset=offset)


async def upsert_mappings(
    session: AsyncSession, municipality_code: str, board: str, rows: list[dict[str, str]]
) -> None:
    statement = insert(AccountMapping).values(
        [
            {"id": uuid.uuid4(), "municipality_code": municipality_code, "board": board, **r}
            for r in rows
        ]
    )
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=["municipality_code", "board", "account"],
            set_={
                "activity_code": statement.excluded.activity_code,
                "activity_title": statement.excluded.activity_title,
            },
        )
    )


async def mappings(
    session: AsyncSession, municipality_code: str, board: str
) -> list[AccountMapping]:
    result = await session.execute(
        select(AccountMapping)
        .where(AccountMapping.municipality_code == municipality_code, AccountMapping.board == board)
        .order_by(AccountMapping.account)
        .execution_options(populate_existing=True)
    )
    return list(result.scalars())
