from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated

from fastapi import Depends, Header, Query, Request, Response
from pydantic import BaseModel, ConfigDict, Field

from services.indicators.analytics import service
from services.indicators.analytics.schemas import INCLUDES, AnalyticsPage
from shared.app import service_router
from shared.auth import Principal, require
from shared.db import ReadSessionDep
from shared.errors import FieldError, Unprocessable
from shared.pagination import MAX_LIMIT
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


class AnalyticsParams(BaseModel):
    """The query string, validated as one model (one pass instead of one per parameter:
    this is the hot endpoint)."""

    model_config = ConfigDict(populate_by_name=True)

    indicators: str = Field(max_length=3000, description="comma-separated indicator codes")
    municipality_code: str | None = Field(default=None, pattern=r"^\d{4}$")
    level: str = Field(default="unit", max_length=40, description="unit, area, municipality")
    units: str | None = Field(default=None, max_length=5000, description="unit codes")
    period: str | None = Field(default=None, max_length=2000, description="2024,2024T1,…")
    from_: str | None = Field(default=None, alias="from", max_length=10)
    to: str | None = Field(default=None, max_length=10)
    gender: str = Field(default="T", max_length=10, description="T, K, M")
    include: str | None = Field(default=None, max_length=200, description=", ".join(INCLUDES))
    as_of: date | None = Field(default=None, description="the organisation as it was then")
    limit: int = Field(default=50, ge=1, le=MAX_LIMIT, description=f"at most {MAX_LIMIT}")
    offset: int = Field(default=0, ge=0, le=10_000_000)


@router.get(
    "",
    response_model=AnalyticsPage,
    responses={304: {"description": "Not modified (If-None-Match names the current ETag)"}},
)
async def get_analytics(
    request: Request,
    session: ReadSessionDep,
    principal: Reader,
    params: Annotated[AnalyticsParams, Query()],
    if_none_match: Annotated[str | None, Header()] = None,
    accept_encoding: Annotated[str | None, Header()] = None,
) -> Response:
    """Everything a dashboard cell needs, in one paginated response with an ETag."""
    settings: Settings = request.app.state.settings
    # Paging is part of the model rather than the shared PageDep: that one is a plain
    # function dependency, which FastAPI runs in a worker thread (a millisecond here).
    query = service.AnalyticsQuery(
        municipality_code=params.municipality_code,
        indicators=_split(params.indicators, "indicators"),
        levels=_split(params.level, "level", LEVELS) or ("unit",),
        units=_split(params.units, "units") if params.units is not None else None,
        periods=_split(params.period, "period"),
        from_period=params.from_,
        to_period=params.to,
        genders=_split(params.gender, "gender", ("T", "K", "M")) or ("T",),
        include=_split(params.include, "include", INCLUDES),
        as_of=params.as_of,
        limit=params.limit,
        offset=params.offset,
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
    headers = {"ETag": etag, "Cache-Control": "private, no-cache", "Vary": "Accept-Encoding"}
    if body is None:
        return Response(status_code=304, headers=headers)
    if accept_encoding is not None and "gzip" in accept_encoding.lower():
        headers["Content-Encoding"] = "gzip"
        return Response(content=body.gzipped, media_type="application/json", headers=headers)
    return Response(content=body.raw, media_type="application/json", headers=headers)
