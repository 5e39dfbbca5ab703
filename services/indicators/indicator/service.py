"""Indicator definitions and their computed values."""

from __future__ import annotations

from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal, cast

from sqlalchemy.ext.asyncio import AsyncSession

from services.indicators.indicator import repository
from services.indicators.indicator.schemas import IndicatorIn, IndicatorOut
from services.indicators.measure import repository as measure_repository
from services.indicators.unit import repository as unit_repository
from shared.auth import Principal
from shared.contracts.indicators import Direction, Gender, IndicatorValue, IndicatorValues
from shared.errors import Conflict, FieldError, NotFound, Unprocessable
from shared.models import Indicator
from shared.pagination import Page, PageParams
from shared.periods import Period, PeriodError
from shared.privacy import SUPPRESSION_THRESHOLD

GenderChoice = Literal["T", "K", "M", "all"]


async def create_indicator(session: AsyncSession, payload: IndicatorIn) -> IndicatorOut:
    errors = []
    for field in ("numerator_measure", "denominator_measure"):
        code = getattr(payload, field)
        if code is not None and await measure_repository.get(session, code) is None:
            errors.append(
                FieldError(loc=["body", field], field=field, value=code, message="unknown measure")
            )
    if errors:
        raise Unprocessable("The formula names unknown measures", errors=errors)
    if await repository.current(session, payload.code) is not None:
        raise Conflict(f"Indicator {payload.code} already exists")
    return IndicatorOut.model_validate(
        await repository.add(session, Indicator(**payload.model_dump()))
    )


async def get_indicator(session: AsyncSession, code: str) -> IndicatorOut:
    indicator = await repository.current(session, code)
    if indicator is None:
        raise NotFound(f"No indicator {code}")
    return IndicatorOut.model_validate(indicator)


async def list_indicators(session: AsyncSession, page: PageParams) -> Page[IndicatorOut]:
    items, total = await repository.list_current(session, limit=page.limit, offset=page.offset)
    return Page[IndicatorOut](
        items=[IndicatorOut.model_validate(i) for i in items],
        total=total,
        limit=page.limit,
        offset=page.offset,
    )


def _quantize(value: Decimal, decimals: int) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


async def indicator_values(
    session: AsyncSession,
    code: str,
    *,
    principal: Principal,
    municipality_code: str | None,
    period: str,
    level: Literal["unit", "municipality"],
    gender: GenderChoice,
) -> IndicatorValues:
    """The indicator per unit (or for the municipality) for one period, by gender."""
    municipality = principal.tenant(municipality_code)
    indicator = await repository.current(session, code)
    if indicator is None:
        raise NotFound(f"No indicator {code}")
    try:
        canonical = str(Period.parse(period))
    except PeriodError as exc:
        raise Unprocessable(
            str(exc),
            errors=[
                FieldError(loc=["query", "period"], field="period", value=period, message=str(exc))
            ],
        ) from exc
    genders: list[str] = ["T", "K", "M"] if gender == "all" else [gender]
    measures = [indicator.numerator_measure]
    if indicator.denominator_measure:
        measures.append(indicator.denominator_measure)
    totals = await repository.measure_totals(
        session,
        municipality_code=municipality,
        measures=measures,
        period=canonical,
        genders=genders,
        unit_level=level == "unit",
    )
    if level == "municipality" and not totals:
        unit_totals = await repository.measure_totals(
            session,
            municipality_code=municipality,
            measures=measures,
            period=canonical,
            genders=genders,
            unit_level=True,
        )
        merged: dict[tuple[str, str], repository.MeasureTotal] = {}
        for t in unit_totals:
            key = (t.gender, t.measure_code)
            prior = merged.get(key)
            total = (prior.total or Decimal(0)) + (t.total or Decimal(0)) if prior else t.total
            merged[key] = repository.MeasureTotal(
                "", t.gender, t.measure_code, total, False, "local"
            )
        totals = list(merged.values())

    cells: dict[tuple[str, str], dict[str, repository.MeasureTotal]] = defaultdict(dict)
    for t in totals:
        cells[(t.unit_code, t.gender)][t.measure_code] = t
    titles = await unit_repository.titles(session, municipality) if level == "unit" else {}
    values = []
    for (unit_code, g), by_measure in sorted(cells.items()):
        num = by_measure.get(indicator.numerator_measure)
        den = (
            by_measure.get(indicator.denominator_measure) if indicator.denominator_measure else None
        )
        n = int(den.total) if den is not None and den.total is not None else None
        suppressed = any(t.suppressed for t in by_measure.values()) or (
            n is not None and n < SUPPRESSION_THRESHOLD
        )
        value: Decimal | None = None
        if num is not None and num.total is not None:
            if indicator.denominator_measure is None:
                value = num.total * indicator.factor
            elif den is not None and den.total:
                value = num.total / den.total * indicator.factor
        raw_kolada = (
            num is not None
            and num.source == "kolada"
            and indicator.denominator_measure is None
            and indicator.factor == 1
        )
        values.append(
            IndicatorValue(
                unit_code=unit_code,
                unit_title=titles.get(unit_code),
                period=canonical,
                gender=cast(Gender, g),
                value=None if suppressed or value is None else _quantize(value, indicator.decimals),
                numerator=None if suppressed or num is None else num.total,
                denominator=None if suppressed or den is None else den.total,
                n=None if suppressed else n,
                suppressed=suppressed,
                attribution="kolada" if raw_kolada else "derived",
                source_note="Källa: Kolada" if raw_kolada else None,
            )
        )
    return IndicatorValues(
        indicator_code=indicator.code,
        indicator_version=indicator.version,
        title=indicator.title,
        unit=indicator.unit,
        direction=cast(Direction, indicator.direction),
        decimals=indicator.decimals,
        municipality_code=municipality,
        period=canonical,
        level=level,
        values=values,
    )
