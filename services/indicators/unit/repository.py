from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from shared.models import OrgUnit


async def find(session: AsyncSession, municipality_code: str, code: str) -> OrgUnit | None:
    result = await session.execute(
        select(OrgUnit).where(OrgUnit.municipality_code == municipality_code, OrgUnit.code == code)
    )
    return result.scalar_one_or_none()


async def add(session: AsyncSession, unit: OrgUnit) -> OrgUnit:
    session.add(unit)
    await session.flush()
    return unit


async def list_units(
    session: AsyncSession, municipality_code: str | None, *, limit: int, offset: int
) -> tuple[list[OrgUnit], int]:
    query = select(OrgUnit)
    if municipality_code is not None:
        query = query.where(OrgUnit.municipality_code == municipality_code)
    total = (await session.execute(select(func.count()).select_from(query.subquery()))).scalar_one()
    rows = await session.execute(
        query.order_by(OrgUnit.municipality_code, OrgUnit.code).limit(limit).offset(offset)
    )
    return list(rows.scalars()), int(total)


async def titles(session: AsyncSession, municipality_code: str) -> dict[str, str]:
    rows = await session.execute(
        select(OrgUnit.code, OrgUnit.title).where(OrgUnit.municipality_code == municipality_code)
    )
    return dict(rows.all())
