from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from shared.models import Indicator, Observation


@dataclass(frozen=True)
class MeasureTotal:
    unit_code: str
    gender: str
    measure_code: str
    total: Decimal | None
    suppressed: bool
    source: str


async def current(session: AsyncSession, code: str) -> Indicator | None:
    result = await session.execute(
        select(Indicator)
        .where(Indicator.code == code, Indicator.valid_to.is_(None))
        .order_by(Indicator.version.desc())
        .limit(1)
    )
    return result.scalar_one_or_none()


async def add(session: AsyncSession, indicator: Indicator) -> Indicator:
    session.add(indicator)
    await session.flush()
    return indicator


async def list_current(
    session: AsyncSession, *, limit: int, offset: int
) -> tuple[list[Indicator], int]:
    query = select(Indicator).where(Indicator.valid_to.is_(None))
    total = (await session.execute(select(func.count()).select_from(query.subquery()))).scalar_one()
    rows = await session.execute(query.order_by(Indicator.code).limit(limit).offset(offset))
    return list(rows.scalars()), int(total)


async def measure_totals(
    session: AsyncSession,
    *,
    municipality_code: str,
    measures: list[str],
    period: str,
    genders: list[str],
    unit_level: bool,
) -> list[MeasureTotal]:
    """Sums of the stored values per unit (or municipality row), gender and measure.

    Reads `observation` (written by ingest) directly: the values are the bulk input of every
    computation, and moving them over HTTP would copy the table for nothing.
    """
    query = (
        select(
            Observation.unit_code,
            Observation.gender,
            Observation.measure_code,
            func.sum(Observation.value),
            func.bool_or(Observation.status == "suppressed"),
            func.min(Observation.source),
        )
        .where(
            Observation.municipality_code == municipality_code,
            Observation.measure_code.in_(measures),
            Observation.period == period,
            Observation.gender.in_(genders),
            Observation.status != "deleted",
            (Observation.unit_code != "") if unit_level else (Observation.unit_code == ""),
        )
        .group_by(Observation.unit_code, Observation.gender, Observation.measure_code)
    )
    return [MeasureTotal(*row) for row in (await session.execute(query)).all()]
