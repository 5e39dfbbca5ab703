from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from services.indicators.measure import repository
from services.indicators.measure.schemas import MeasureIn, MeasureOut
from shared import tenancy
from shared.auth import Principal
from shared.errors import Conflict, FieldError, NotFound, Unprocessable
from shared.i18n import message
from shared.models import Measure
from shared.pagination import Page, PageParams


async def create_measure(
    session: AsyncSession, payload: MeasureIn, *, principal: Principal
) -> MeasureOut:
    """A measure owned by the caller's municipality (national for a national key)."""
    if payload.source == "kolada":
        raise Unprocessable(
            message("problem.indicators.kolada_measures_come_from_kolada"),
            errors=[
                FieldError(
                    loc=["body", "source"],
                    field="source",
                    value="kolada",
                    message=message("problem.indicators.set_kolada_sync_alone"),
                    code="kolada_source",
                )
            ],
        )
    if (
        payload.min_value is not None
        and payload.max_value is not None
        and payload.min_value > payload.max_value
    ):
        raise Unprocessable(
            message("problem.indicators.min_value_exceeds_max_value"),
            errors=[
                FieldError(
                    loc=["body", "min_value"],
                    field="min_value",
                    value=str(payload.min_value),
                    message=message("problem.indicators.greater_than_max_value"),
                )
            ],
        )
    if await repository.get(session, payload.code) is not None:
        raise Conflict(message("problem.indicators.measure_already_exists", code=payload.code))
    measure = Measure(**payload.model_dump(), municipality_code=tenancy.owner_for_new(principal))
    return MeasureOut.model_validate(await repository.add(session, measure))


async def get_measure(session: AsyncSession, code: str, *, principal: Principal) -> MeasureOut:
    measure = await repository.get(session, code)
    if measure is None or not tenancy.may_read(
        principal, measure.municipality_code, measure.shared
    ):
        raise NotFound(message("problem.indicators.no_measure", code=code))
    return MeasureOut.model_validate(measure)


async def list_measures(
    session: AsyncSession, page: PageParams, *, principal: Principal
) -> Page[MeasureOut]:
    items, total = await repository.list_measures(
        session,
        limit=page.limit,
        offset=page.offset,
        visible=tenancy.readable(principal, Measure),
    )
    return Page[MeasureOut](
        items=[MeasureOut.model_validate(m) for m in items],
        total=total,
        limit=page.limit,
        offset=page.offset,
    )
