"""Request parameters shared by the budget service's routers."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from fastapi import Depends, Header, Query, Request

from shared.settings import Settings


def _tolerance(request: Request) -> Decimal:
    settings: Settings = request.app.state.settings
    return settings.BUDGET_ROUNDING_TOLERANCE_TKR


Tolerance = Annotated[Decimal, Depends(_tolerance)]
Municipality = Annotated[str | None, Query(pattern=r"^\d{4}$")]
IfMatch = Annotated[
    str | None, Header(alias="If-Match", description="the ETag of the version you edit")
]
