"""Offset pagination with a maximum page size: Settings.MAX_PAGE_SIZE (500 unless configured)."""

from __future__ import annotations

from typing import Annotated, Generic, TypeVar

from fastapi import Depends, Query, Request
from pydantic import BaseModel, ConfigDict, Field

from shared.errors import FieldError, Unprocessable
from shared.i18n import message

ItemT = TypeVar("ItemT")
# The default of Settings.MAX_PAGE_SIZE, for callers without an app (and its OpenAPI text).
MAX_LIMIT = 500
# Settings.MAX_PAGE_SIZE's own bound: what OpenAPI can promise whatever the configuration.
HARD_LIMIT = 10_000


class PageParams(BaseModel):
    limit: int
    offset: int


def _page_params(
    request: Request,
    limit: Annotated[
        int,
        Query(
            ge=1,
            le=HARD_LIMIT,
            description=f"at most MAX_PAGE_SIZE items ({MAX_LIMIT} unless configured)",
        ),
    ] = 50,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> PageParams:
    # The bound is read per request: OpenAPI is generated once, before any setting is known.
    settings = getattr(request.app.state, "settings", None)
    maximum = int(getattr(settings, "MAX_PAGE_SIZE", MAX_LIMIT))
    if limit > maximum:
        raise Unprocessable(
            message("problem.shared.page_holds_most_items", maximum=maximum),
            errors=[
                FieldError(
                    loc=["query", "limit"],
                    field="limit",
                    value=str(limit),
                    message=message("problem.shared.page_limit_at_most", maximum=maximum),
                    code="less_than_equal",
                )
            ],
        )
    return PageParams(limit=limit, offset=offset)


PageDep = Annotated[PageParams, Depends(_page_params)]


class Page(BaseModel, Generic[ItemT]):
    model_config = ConfigDict(extra="forbid")

    items: list[ItemT]
    total: int = Field(ge=0)
    limit: int
    offset: int
