from __future__ import annotations

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from shared.models import Indicator

# Every read takes `visible` (shared.tenancy.readable / visible_to): whose definitions count.


async def current(
    session: AsyncSession, code: str, *, visible: ColumnElement[bool]
) -> Indicator | None:
    result = await session.execute(
        select(Indicator)
        .where(Indicator.code == code, Indicator.valid_to.is_(None), visible)
        .order_by(Indicator.version.desc())
        .limit(1)
    )
    found = result.scalar_one_or_none()
    if found is not None:
        return found
    result = await session.execute(
        select(Indicator)
        .where(Indicator.code == code, visible)
        .order_by(Indicator.version.desc())
        .limit(1)
    )
    return result.scalar_one_or_none()


async def versions(
    session: AsyncSession, code: str, *, visible: ColumnElement[bool]
) -> list[Indicator]:
    result = await session.execute(
        select(Indicator).where(Indicator.code == code, visible).order_by(Indicator.version)
    )
    return list(result.scalars())


async def versions_of(
    session: AsyncSession, codes: list[str], *, visible: ColumnElement[bool]
) -> dict[str, list[Indicator]]:
    result = await session.execute(
        select(Indicator).where(Indicator.code.in_(codes), visible).order_by(Indicator.version)
    )
    out: dict[str, list[Indicator]] = {}
    for ind in result.scalars():
        out.setdefault(ind.code, []).append(ind)
    return out


async def add(session: AsyncSession, indicator: Indicator) -> Indicator:
    session.add(indicator)
    await session.flush()
    return indicator


async def list_current(
    session: AsyncSession,
    *,
    limit: int,
    offset: int,
    visible: ColumnElement[bool],
    area: str | None = None,
    classification: str | None = None,
) -> tuple[list[Indicator], int]:
    query = select(Indicator).where(Indicator.valid_to.is_(None), visible)
    if area is not None:
        query = query.where(Indicator.area == area)
    if classification is not None:
        query = query.where(Indicator.classification == classification)
    total = (await session.execute(select(func.count()).select_from(query.subquery()))).scalar_one()
    rows = await session.execute(query.order_by(Indicator.code).limit(limit).offset(offset))
    return list(rows.scalars()), int(total)


async def all_current(session: AsyncSession, *, visible: ColumnElement[bool]) -> list[Indicator]:
    rows = await session.execute(
        select(Indicator).where(Indicator.valid_to.is_(None), visible).order_by(Indicator.code)
    )
    return list(rows.scalars())
