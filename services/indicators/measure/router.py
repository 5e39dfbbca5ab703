from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Response, status

from services.indicators.measure import service
from services.indicators.measure.schemas import MeasureIn, MeasureOut
from shared.app import service_router
from shared.auth import Principal, require
from shared.db import SessionDep
from shared.i18n import LanguageDep, localize
from shared.pagination import Page, PageDep

router = service_router(prefix="/v1/measures", tags=["measures"])
Reader = Annotated[Principal, Depends(require("indicators:read"))]
Writer = Annotated[Principal, Depends(require("indicators:write"))]


@router.post("", status_code=status.HTTP_201_CREATED, response_model=MeasureOut)
async def create_measure(
    payload: MeasureIn,
    session: SessionDep,
    principal: Writer,
    language: LanguageDep,
    response: Response,
) -> MeasureOut:
    """Define a measure (raw data a formula may use).
    A municipal key's measure is its municipality's own, private unless `shared`."""
    created = await service.create_measure(session, payload, principal=principal)
    response.headers["Location"] = f"/v1/measures/{created.code}"
    return localize(created, language)


@router.get("", response_model=Page[MeasureOut])
async def list_measures(
    session: SessionDep, principal: Reader, page: PageDep, language: LanguageDep
) -> Page[MeasureOut]:
    """The measure catalogue: national measures, the caller's own and others' shared ones."""
    return localize(await service.list_measures(session, page, principal=principal), language)


@router.get("/{code}", response_model=MeasureOut)
async def get_measure(
    code: str, session: SessionDep, principal: Reader, language: LanguageDep
) -> MeasureOut:
    """One measure."""
    return localize(await service.get_measure(session, code, principal=principal), language)
