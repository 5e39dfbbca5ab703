from __future__ import annotations

from typing import Annotated, Literal

from fastapi import Depends, Query, status

from services.indicators.indicator import service
from services.indicators.indicator.schemas import IndicatorIn, IndicatorOut
from shared.app import service_router
from shared.auth import Principal, require
from shared.contracts.indicators import IndicatorValues
from shared.db import SessionDep
from shared.pagination import Page, PageDep

router = service_router(prefix="/v1/indicators", tags=["indicators"])
Reader = Annotated[Principal, Depends(require("indicators:read"))]
Writer = Annotated[Principal, Depends(require("indicators:write"))]


@router.post("", status_code=status.HTTP_201_CREATED, response_model=IndicatorOut)
async def create_indicator(
    payload: IndicatorIn, session: SessionDep, principal: Writer
) -> IndicatorOut:
    """Define an indicator: a formula over measures with direction, unit and roll-up rule."""
    return await service.create_indicator(session, payload)


@router.get("", response_model=Page[IndicatorOut])
async def list_indicators(
    session: SessionDep, principal: Reader, page: PageDep
) -> Page[IndicatorOut]:
    """The indicator catalogue (current versions)."""
    return await service.list_indicators(session, page)


@router.get("/{code}", response_model=IndicatorOut)
async def get_indicator(code: str, session: SessionDep, principal: Reader) -> IndicatorOut:
    """One indicator's current definition."""
    return await service.get_indicator(session, code)


@router.get("/{code}/values", response_model=IndicatorValues)
async def get_indicator_values(
    code: str,
    session: SessionDep,
    principal: Reader,
    period: Annotated[str, Query(description="2024, 2024T2, 2024Q3 or 2024-05", max_length=10)],
    municipality_code: Annotated[str | None, Query(pattern=r"^\d{4}$")] = None,
    level: Literal["unit", "municipality"] = "unit",
    gender: Literal["T", "K", "M", "all"] = "T",
) -> IndicatorValues:
    """Computed values per unit (or for the municipality), by gender, with n and suppression."""
    return await service.indicator_values(
        session,
        code,
        principal=principal,
        municipality_code=municipality_code,
        period=period,
        level=level,
        gender=gender,
    )
