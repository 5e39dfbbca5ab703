from __future__ import annotations

from collections.abc import Callable, Coroutine
from datetime import date
from decimal import Decimal
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Query, Request, Response
from pydantic import BaseModel, ConfigDict, Field

from services.indicators.analytics import service
from services.indicators.analytics.schemas import INCLUDES, AnalyticsPage
from shared.app import JsonRoute
from shared.auth import KeyCache, Principal, hash_key, require
from shared.db import ReadSessionDep, get_database
from shared.errors import COMMON_RESPONSES, FieldError, Unprocessable
from shared.http_cache import MinDataVersion
from shared.i18n import Language, message, negotiate
from shared.pagination import MAX_LIMIT
from shared.settings import Settings


def _bearer_hash(request: Request) -> str | None:
    """The SHA-256 of the caller's API key, or None for anything else."""
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token.startswith("kvn_"):
        return None
    return hash_key(token)


async def _fast_answer(request: Request) -> Response | None:
    """A repeated query by a known key while nothing it reads has changed: the cached bytes,
    without dependency resolution, validation or a database session. Anything else (an
    unknown or expired key, a new query, a stale state token, an evicted body) returns None
    and takes the full path, which answers identically."""
    token_hash = _bearer_hash(request)
    if token_hash is None:
        return None
    keys: KeyCache = request.app.state.key_cache
    principal = keys.get(token_hash)
    if principal is None or not (
        "indicators:read" in principal.scopes or "admin" in principal.scopes
    ):
        return None
    at_least = request.headers.get("min-data-version")
    if at_least is not None and not (
        at_least.isascii() and at_least.isdigit() and 1 <= int(at_least) < 2**63
    ):
        return None  # the full path refuses it with a 422
    language = negotiate(request.headers.get("accept-language"))
    found = await service.fast_lookup(
        request.app.state.analytics_cache,
        (token_hash, request.scope["query_string"], language),
        get_database(request).read_sessionmaker,
        at_least=None if at_least is None else int(at_least),
    )
    if found is None:
        return None
    request.state.principal = principal
    etag, body = found
    return _respond(
        etag,
        None if etag in _tags(request.headers.get("if-none-match")) else body,
        request.headers.get("accept-encoding"),
        language,
    )


def _tags(if_none_match: str | None) -> set[str]:
    return {t.strip() for t in (if_none_match or "").split(",")}


def _respond(
    etag: str, body: service.Body | None, accept_encoding: str | None, language: Language
) -> Response:
    headers = {
        "ETag": etag,
        "Cache-Control": "private, no-cache",
        "Vary": "Accept-Encoding, Accept-Language",
        "Content-Language": language,
    }
    if body is None:
        return Response(status_code=304, headers=headers)
    if accept_encoding is not None and "gzip" in accept_encoding.lower():
        headers["Content-Encoding"] = "gzip"
        return Response(content=body.gzipped, media_type="application/json", headers=headers)
    return Response(content=body.raw, media_type="application/json", headers=headers)


class AnalyticsRoute(JsonRoute):
    """Tries the cached answer before FastAPI's request handling (the hot path)."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def route_handler(request: Request) -> Response:
            if request.method == "GET":
                answer = await _fast_answer(request)
                if answer is not None:
                    return answer
            return await handler(request)

        return route_handler


router = APIRouter(
    prefix="/v1/analytics",
    tags=["analytics"],
    route_class=AnalyticsRoute,
    responses=COMMON_RESPONSES,
)
Reader = Annotated[Principal, Depends(require("indicators:read"))]
LEVELS = ("unit", "area", "municipality")


def _split(raw: str | None, field: str, allowed: tuple[str, ...] | None = None) -> tuple[str, ...]:
    items = tuple(dict.fromkeys(p.strip() for p in (raw or "").split(",") if p.strip()))
    if allowed is not None:
        bad = [i for i in items if i not in allowed]
        if bad:
            raise Unprocessable(
                message("problem.indicators.unknown_value_s", field=field),
                errors=[
                    FieldError(
                        loc=["query", field],
                        field=field,
                        value=b,
                        message=message("problem.indicators.one_of", allowed=", ".join(allowed)),
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
    accept_language: Annotated[
        str | None, Header(description="sv (default) or en, with q-values")
    ] = None,
    min_data_version: MinDataVersion = None,
) -> Response:
    """Everything a dashboard cell needs, in one paginated response with an ETag."""
    settings: Settings = request.app.state.settings
    database = get_database(request)
    token_hash = _bearer_hash(request) if not principal.is_person else None
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
        language=negotiate(accept_language),
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
        fast_key=None
        if token_hash is None
        else (token_hash, request.scope["query_string"], query.language),
        at_least=min_data_version,
        primary=database.sessionmaker if database.read_engine is not None else None,
    )
    return _respond(etag, body, accept_encoding, query.language)
