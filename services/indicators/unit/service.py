from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from services.indicators.unit import repository
from services.indicators.unit.schemas import UnitIn, UnitOut
from shared.auth import Principal
from shared.errors import Conflict, FieldError, NotFound, Unprocessable
from shared.models import OrgUnit
from shared.pagination import Page, PageParams


async def create_unit(session: AsyncSession, payload: UnitIn, *, principal: Principal) -> UnitOut:
    municipality = principal.tenant(payload.municipality_code)
    if payload.opened_on and payload.closed_on and payload.closed_on < payload.opened_on:
        raise Unprocessable(
            "A unit cannot close before it opens",
            errors=[
                FieldError(
                    loc=["body", "closed_on"],
                    field="closed_on",
                    value=str(payload.closed_on),
                    message="before opened_on",
                )
            ],
        )
    if await repository.find(session, municipality, payload.code) is not None:
        raise Conflict(f"Unit {payload.code} already exists in {municipality}")
    unit = await repository.add(
        session,
        OrgUnit(
            **payload.model_dump(exclude={"municipality_code"}), municipality_code=municipality
        ),
    )
    return UnitOut.model_validate(unit)


async def get_unit(
    session: AsyncSession, code: str, *, principal: Principal, municipality_code: str | None
) -> UnitOut:
    municipality = principal.tenant(municipality_code)
    unit = await repository.find(session, municipality, code)
    if unit is None:
        raise NotFound(f"No unit {code} in {municipality}")
    return UnitOut.model_validate(unit)


async def list_units(
    session: AsyncSession, *, principal: Principal, municipality_code: str | None, page: PageParams
) -> Page[UnitOut]:
    scope = principal.municipality_code or municipality_code
    if scope is not None:
        principal.require_municipality(scope)
    units, total = await repository.list_units(session, scope, limit=page.limit, offset=page.offset)
    return Page[UnitOut](
        items=[UnitOut.model_validate(u) for u in units],
        total=total,
        limit=page.limit,
        offset=page.offset,
    )
