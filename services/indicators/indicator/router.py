from __future__ import annotations

from typing import Annotated, Literal

from fastapi import Depends, Header, Query, Response, status

from services.indicators.indicator import service
from services.indicators.indicator.schemas import IndicatorIn, IndicatorOut, IndicatorVersionIn
from shared.app import service_router
from shared.auth import Principal, require
from shared.contracts.indicators import IndicatorValues
from shared.db import SessionDep
from shared.i18n import LanguageDep, localize
from shared.pagination import Page, PageDep

router = service_router(prefix="/v1/indicators", tags=["indicators"])
Reader = Annotated[Principal, Depends(require("indicators:read"))]
Writer = Annotated[Principal, Depends(require("indicators:write"))]


def _etag(response: Response, indicator: IndicatorOut) -> IndicatorOut:
    response.headers["ETag"] = f'"{indicator.code}.v{indicator.version}"'
    return indicator


@router.post("", status_code=status.HTTP_201_CREATED, response_model=IndicatorOut)
async def create_indicator(
    payload: IndicatorIn,
    session: SessionDep,
    principal: Writer,
    response: Response,
    language: LanguageDep,
) -> IndicatorOut:
    """Define an indicator: formulas over measures with direction, unit and roll-up rules.
    A formula that cannot be parsed is refused with the position of the problem."""
    created = await service.create_indicator(session, payload, principal=principal)
    response.headers["Location"] = f"/v1/indicators/{created.code}"
    return _etag(response, localize(created, language))


@router.get("", response_model=Page[IndicatorOut])
async def list_indicators(
    session: SessionDep,
    principal: Reader,
    page: PageDep,
    language: LanguageDep,
    area: Annotated[str | None, Query(max_length=32)] = None,
    classification: Literal["struktur", "process", "effekt"] | None = None,
) -> Page[IndicatorOut]:
    """The indicator catalogue (current versions)."""
    found = await service.list_indicators(
        session, page, principal=principal, area=area, classification=classification
    )
    return localize(found, language)


@router.get("/{code}", response_model=IndicatorOut)
async def get_indicator(
    code: str, session: SessionDep, principal: Reader, response: Response, language: LanguageDep
) -> IndicatorOut:
    """One indicator's current definition (ETag names its version)."""
    found = await service.get_indicator(session, code, principal=principal)
    return _etag(response, localize(found, language))


@router.get("/{code}/versions", response_model=list[IndicatorOut])
async def list_indicator_versions(
    code: str, session: SessionDep, principal: Reader, language: LanguageDep
) -> list[IndicatorOut]:
    """Every version of a definition, with the dates it applies."""
    return localize(await service.list_versions(session, code, principal=principal), language)


@router.post(
    "/{code}/versions",
    status_code=status.HTTP_201_CREATED,
    response_model=IndicatorOut,
    responses={412: {"description": "stale If-Match"}, 428: {"description": "If-Match missing"}},
)
async def create_indicator_version(
    code: str,
    payload: IndicatorVersionIn,
    session: SessionDep,
    principal: Writer,
    response: Response,
    language: LanguageDep,
    if_match: Annotated[str | None, Header()] = None,
) -> IndicatorOut:
    """A new version of the definition from `valid_from`; older results keep their version."""
    created = await service.create_version(
        session, code, payload, principal=principal, if_match=if_match
    )
    response.headers["Location"] = f"/v1/indicators/{created.code}"
    return _etag(response, localize(created, language))


@router.get("/{code}/values", response_model=IndicatorValues)
async def get_indicator_values(
    code: str,
    session: SessionDep,
    principal: Reader,
    language: LanguageDep,
    period: Annotated[str, Query(description="2024, 2024T2, 2024Q3 or 2024-05", max_length=10)],
    municipality_code: Annotated[str | None, Query(pattern=r"^\d{4}$")] = None,
    level: Literal["unit", "municipality"] = "unit",
    gender: Literal["T", "K", "M", "all"] = "T",
) -> IndicatorValues:
    """Computed values per unit (or for the municipality), by gender, with n and suppression.
    Another municipality's values are absent (404), its public Kolada figures included."""
    return await service.indicator_values(
        session,
        code,
        principal=principal,
        municipality_code=municipality_code,
        period=period,
        level=level,
        gender=gender,
        language=language,
    )
