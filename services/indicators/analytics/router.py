from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated

from fastapi import Depends, Header, Query, Request, Response

from services.indicators.analytics import service
from services.indicators.analytics.schemas import INCLUDES, AnalyticsPage
from shared.app import service_router
from shared.auth import Principal, require
from shared.db import SessionDep
from shared.errors import FieldError, Unprocessable
from shared.pagination import PageDep
from shared.settings import Settings

router = service_router(prefix="/v1/analytics", tags=["analytics"])
Reader = Annotated[Principal, Depends(require("indicators:read"))]
LEVELS = ("unit", "area", "municipality")


def _split(raw: str | None, field: str, allowed: tuple[str, ...] | None = None) -> tuple[str, ...]:
    items = tuple(dict.fromkeys(p.strip() for p in (raw or "").split(",") if p.strip()))
    if allowed is not None:
        bad = [i for i in items if i not in allowed]
        if bad:
            raise Unprocessable(
                f"Unknown {field} value(s)",
                errors=[
                    FieldError(
                        loc=["query", field],
                        field=field,
                        value=b,
                        message=f"one of {', '.join(allowed)}",
                    )
                    for b in bad
                ],
            )
    return items


@router.get(
    "",
    response_model=AnalyticsPage,
    responses={304: {"description": "Not modified (If-None-Match names the current ETag)"}},
)
async def get_analytics(
    request: Request,
    session: SessionDep,
    principal: Reader,
    page: PageDep,
    indicators: Annotated[str, Query(max_length=3000, description="comma-separated codes")],
    municipality_code: Annotated[str | None, Query(pattern=r"^\d{4}$")] = None,
    level: Annotated[str, Query(max_length=40, description="unit, area, municipality")] = "unit",
    units: Annotated[str | None, Query(max_length=5000, description="unit codes")] = None,
    period: Annotated[str | None, Query(max_length=2000, description="2024,2024T1,…")] = None,
    from_: Annotated[str | None, Query(alias="from", max_length=10)] = None,
    to: Annotated[str | None, Query(max_length=10)] = None,
    gender: Annotated[str, Query(max_length=10, description="T, K, M")] = "T",
    include: Annotated[str | None, Query(max_length=200, description=", ".join(INCLUDES))] = None,
    as_of: Annotated[date | None, Query(description="the organisation as it was then")] = None,
    if_none_match: Annotated[str | None, Header()] = None,
) -> Response:
    """Everything a dashboard cell needs, in one paginated response with an ETag."""
    settings: Settings = request.app.state.settings
    query = service.AnalyticsQuery(
        municipality_code=municipality_code,
        indicators=_split(indicators, "indicators"),
        levels=_split(level, "level", LEVELS) or ("unit",),
        units=_split(units, "units") if units is not None else None,
        periods=_split(period, "period"),
        from_period=from_,
        to_period=to,
        genders=_split(gender, "gender", ("T", "K", "M")) or ("T",),
        include=_split(include, "include", INCLUDES),
        as_of=as_of,
        limit=page.limit,
        offset=page.offset,
    )
    etag, body = await service.analytics(
        session,
        query,
        principal=principal,
        cache=request.app.state.analytics_cache,
        gap_rule=service.GapRule(
            threshold=Decimal(str(settings.INDICATORS_GENDER_GAP_THRESHOLD)),
            min_n=settings.INDICATORS_GENDER_GAP_MIN_N,
        ),
        if_none_match=if_none_match,
    )
    headers = {"ETag": etag, "Cache-Control": "private, no-cache"}
    if body is None:
        return Response(status_code=304, headers=headers)
    return Response(content=body, media_type="application/json", headers=headers)
