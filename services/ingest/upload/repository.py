"""SQL of uploads (look-ups; the writes go through observation.bulk and batch.repository)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.ingest.batch import repository as batch_repository
from services.ingest.batch.repository import MeasureRule, UnitDates
from shared.models import Measure


async def unit_dates(session: AsyncSession, municipality_code: str) -> dict[str, UnitDates]:
    # Read-only look-up in org_unit (written by indicators): the unit register is small and
    # every row of a large file is checked against it.
    return await batch_repository.unit_dates(session, municipality_code)


async def local_measure_rules(
    session: AsyncSession, codes: Sequence[str] | None
) -> dict[str, MeasureRule]:
    # Read-only look-up in measure (written by indicators); None: every local measure.
    query = select(Measure.code, Measure.value_kind, Measure.min_value, Measure.max_value).where(
        Measure.source == "local"
    )
    if codes is not None:
        query = query.where(Measure.code.in_(list(codes)))
    return {row.code: MeasureRule(*row) for row in await session.execute(query)}
