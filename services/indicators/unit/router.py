from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Header, Query, Response, status

from services.indicators.unit import service
from services.indicators.unit.schemas import MembershipOut, MoveIn, UnitIn, UnitOut, UnitUpdate
from shared.app import service_router
from shared.auth import Principal, require
from shared.db import SessionDep
from shared.i18n import LanguageDep, localize
from shared.pagination import Page, PageDep

router = service_router(prefix="/v1/units", tags=["units"])
Reader = Annotated[Principal, Depends(require("indicators:read"))]
Writer = Annotated[Principal, Depends(require("indicators:write"))]
MunicipalityQuery = Annotated[
    str | None, Query(pattern=r"^\d{4}$", description="for national keys")
]


@router.post("", status_code=status.HTTP_201_CREATED, response_model=UnitOut)
async def create_unit(
    payload: UnitIn,
    session: SessionDep,
    principal: Writer,
    response: Response,
    language: LanguageDep,
) -> UnitOut:
    """Register an org unit (enhet) of the municipality."""
    unit = await service.create_unit(session, payload, principal=principal)
    response.headers["Location"] = (
        f"/v1/units/{unit.code}?municipality_code={unit.municipality_code}"
    )
    return localize(unit, language)


@router.get("", response_model=Page[UnitOut])
async def list_units(
    session: SessionDep,
    principal: Reader,
    page: PageDep,
    language: LanguageDep,
    municipality_code: MunicipalityQuery = None,
) -> Page[UnitOut]:
    """The org units visible to this key."""
    units = await service.list_units(
        session, principal=principal, municipality_code=municipality_code, page=page
    )
    return localize(units, language)


@router.get("/{code}", response_model=UnitOut)
async def get_unit(
    code: str,
    session: SessionDep,
    principal: Reader,
    response: Response,
    language: LanguageDep,
    municipality_code: MunicipalityQuery = None,
) -> UnitOut:
    """One org unit."""
    unit = await service.get_unit(
        session, code, principal=principal, municipality_code=municipality_code
    )
    response.headers["ETag"] = service.etag(unit)
    return localize(unit, language)


@router.post("/{code}/moves", response_model=list[MembershipOut])
async def create_unit_move(
    code: str,
    payload: MoveIn,
    session: SessionDep,
    principal: Writer,
    municipality_code: MunicipalityQuery = None,
) -> list[MembershipOut]:
    """Move a unit to another area from a date; returns its area history."""
    return await service.move_unit(
        session, code, payload, principal=principal, municipality_code=municipality_code
    )


@router.get("/{code}/history", response_model=list[MembershipOut])
async def get_unit_history(
    code: str, session: SessionDep, principal: Reader, municipality_code: MunicipalityQuery = None
) -> list[MembershipOut]:
    """The areas a unit has belonged to, with dates."""
    return await service.unit_history(
        session, code, principal=principal, municipality_code=municipality_code
    )


@router.put(
    "/{code}",
    response_model=UnitOut,
    responses={412: {"description": "stale If-Match"}, 428: {"description": "If-Match missing"}},
)
async def update_unit(
    code: str,
    payload: UnitUpdate,
    session: SessionDep,
    principal: Writer,
    response: Response,
    language: LanguageDep,
    if_match: Annotated[str | None, Header()] = None,
    municipality_code: MunicipalityQuery = None,
) -> UnitOut:
    """Change a unit's details or close it; If-Match is required (428 without, 412 stale)."""
    unit = await service.update_unit(
        session,
        code,
        payload,
        principal=principal,
        municipality_code=municipality_code,
        if_match=if_match,
    )
    response.headers["ETag"] = service.etag(unit)
    return localize(unit, language)
