"""SQL of uploads (look-ups; the writes go through observation.bulk and batch.repository)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.ingest.batch.repository import MeasureRule
from shared.models import Measure, OrgUnit


async def unit_codes(session: AsyncSession, municipality_code: str) -> set[str]:
    # Read-only look-up in org_unit (written by indicators): the unit register is small and
    # every row of a large file is checked against it.
    result = await session.execute(
        select(OrgUnit.code).where(OrgUnit.municipality_code == municipality_code)
    )
    return set(result.scalars())


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
