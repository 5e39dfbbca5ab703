from __future__ import annotations

from sqlalchemy import exists, select
from sqlalchemy.ext.asyncio import AsyncSession

from shared.models import OrgUnit, ReportLayout


async def layout(session: AsyncSession, municipality_code: str) -> ReportLayout | None:
    return await session.get(ReportLayout, municipality_code)


async def has_synthetic_units(session: AsyncSession, municipality_code: str) -> bool:
    found = await session.execute(
        select(
            exists().where(
                OrgUnit.municipality_code == municipality_code, OrgUnit.synthetic.is_(True)
            )
        )
    )
    return bool(found.scalar())
