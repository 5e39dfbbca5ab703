from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Depends, Query, Response, status

from services.awards.scheme import service
from services.awards.scheme.schemas import SchemeIn, SchemeOut
from shared.app import service_router
from shared.auth import Principal, require
from shared.db import SessionDep
from shared.pagination import Page, PageDep

router = service_router(prefix="/v1/schemes", tags=["schemes"])
Reader = Annotated[Principal, Depends(require("awards:read"))]
Writer = Annotated[Principal, Depends(require("awards:write"))]


@router.post("", status_code=status.HTTP_201_CREATED, response_model=SchemeOut)
async def create_scheme(
    payload: SchemeIn, session: SessionDep, principal: Writer, response: Response
) -> SchemeOut:
    """Configure a prize scheme for a municipality and year (fixed once created)."""
    scheme = await service.create_scheme(session, payload, principal=principal)
    response.headers["Location"] = f"/v1/schemes/{scheme.id}"
    return scheme


@router.get("", response_model=Page[SchemeOut])
async def list_schemes(
    session: SessionDep,
    principal: Reader,
    page: PageDep,
    municipality_code: Annotated[str | None, Query(pattern=r"^\d{4}$")] = None,
    year: Annotated[int | None, Query(ge=2000, le=2100)] = None,
) -> Page[SchemeOut]:
    """The municipality's prize schemes, newest year first."""
    return await service.list_schemes(
        session, principal=principal, municipality_code=municipality_code, year=year, page=page
    )


@router.get("/{scheme_id}", response_model=SchemeOut)
async def get_scheme(scheme_id: uuid.UUID, session: SessionDep, principal: Reader) -> SchemeOut:
    """One prize scheme."""
    return await service.get_scheme(session, scheme_id, principal=principal)
