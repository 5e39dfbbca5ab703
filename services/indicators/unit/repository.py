from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.indicators.computation.engine import UnitRef
from shared.models import OrgUnit, UnitMembership


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


async def add_membership(session: AsyncSession, membership: UnitMembership) -> UnitMembership:
    session.add(membership)
    await session.flush()
    return membership


async def memberships(
    session: AsyncSession, municipality_code: str, unit_code: str | None = None
) -> list[UnitMembership]:
    query = select(UnitMembership).where(UnitMembership.municipality_code == municipality_code)
    if unit_code is not None:
        query = query.where(UnitMembership.unit_code == unit_code)
    rows = await session.execute(
        query.order_by(UnitMembership.unit_code, UnitMembership.valid_from)
    )
    return list(rows.scalars())


async def units_of(session: AsyncSession, municipality_code: str) -> list[OrgUnit]:
    rows = await session.execute(
        select(OrgUnit).where(OrgUnit.municipality_code == municipality_code).order_by(OrgUnit.code)
    )
    return list(rows.scalars())


async def hierarchy(
    session: AsyncSession, municipality_code: str, *, start: date, end: date, as_of: date
) -> list[UnitRef]:
    """The units open at some time in [start, end], each in the area it belonged to on `as_of`
    (the membership history; a unit with no history row is in its registered area)."""
    units, history = await organisation_rows(session, municipality_code)
    return arrange(units, history, start=start, end=end, as_of=as_of)


async def organisation_rows(
    session: AsyncSession, municipality_code: str
) -> tuple[list[OrgUnit], dict[str, list[UnitMembership]]]:
    """Every unit of the municipality and its membership history (one read for any number of
    periods: `arrange` then places them per period)."""
    units = await units_of(session, municipality_code)
    history: dict[str, list[UnitMembership]] = {}
    for m in await memberships(session, municipality_code):
        history.setdefault(m.unit_code, []).append(m)
    return units, history


def arrange(
    units: list[OrgUnit],
    history: dict[str, list[UnitMembership]],
    *,
    start: date,
    end: date,
    as_of: date,
) -> list[UnitRef]:
    """The units open at some time in [start, end], each in the area it belonged to on `as_of`:
    the membership valid that day; for a unit not yet open then its first area, for one closed
    by then the last area it had."""
    result = []
    for u in units:
        if u.opened_on is not None and u.opened_on > end:
            continue
        if u.closed_on is not None and u.closed_on < start:
            continue
        area = u.area
        rows = history.get(u.code, [])
        if rows:
            current = [
                m
                for m in rows
                if m.valid_from <= as_of and (m.valid_to is None or as_of <= m.valid_to)
            ]
            if current:
                area = current[-1].area
            elif rows[0].valid_from > as_of:
                area = rows[0].area
            else:
                area = rows[-1].area
        aliases = (u.kolada_ou_id,) if u.kolada_ou_id else ()
        result.append(UnitRef(u.code, u.title, area, u.unit_type, aliases, u.title_en))
    return result
