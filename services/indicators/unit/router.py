from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Query, Response, status

from services.indicators.unit import service
from services.indicators.unit.schemas import UnitIn, UnitOut
from shared.app import service_router
from shared.auth import Principal, require
from shared.db import SessionDep
from shared.pagination import Page, PageDep

router = service_router(prefix="/v1/units", tags=["units"])
Reader = Annotated[Principal, Depends(require("indicators:read"))]
Writer = Annotated[Principal, Depends(require("indicators:write"))]
MunicipalityQuery = Annotated[
    str | None, Query(pattern=r"^\d{4}$", description="for national keys")
]


@router.post("", status_code=status.HTTP_201_CREATED, response_model=UnitOut)
async def create_unit(
    payload: UnitIn, session: SessionDep, principal: Writer, response: Response
) -> UnitOut:
    """Register an org unit (enhet) of the municipality."""
    unit = await service.create_unit(session, payload, principal=principal)
    response.headers["Location"] = (
        f"/v1/units/{unit.code}?municipality_code={unit.municipality_code}"
    )
    return unit


@router.get("", response_model=Page[UnitOut])
async def list_units(
    session: SessionDep,
    principal: Reader,
    page: PageDep,
    municipality_code: MunicipalityQuery = None,
) -> Page[UnitOut]:
    """The org units visible to this key."""
    return await service.list_units(
        session, principal=principal, municipality_code=municipality_code, page=page
    )


@router.get("/{code}", response_model=UnitOut)
async def get_unit(
    code: str, session: SessionDep, principal: Reader, municipality_code: MunicipalityQuery = None
) -> UnitOut:
    """One org unit."""
    return await service.get_unit(
        session, code, principal=principal, municipality_code=municipality_code
    )
