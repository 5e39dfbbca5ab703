from __future__ import annotations

import uuid

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from shared.models import GrantEvaluation, GrantRuleSet


async def add(session: AsyncSession, item: GrantRuleSet | GrantEvaluation) -> None:
    session.add(item)
    await session.flush()
    await session.refresh(item)


async def find(
    session: AsyncSession, *, code: str, year: int, municipality_code: str | None
) -> GrantRuleSet | None:
    query = select(GrantRuleSet).where(
        GrantRuleSet.code == code,
        GrantRuleSet.year == year,
        GrantRuleSet.municipality_code.is_(None)
        if municipality_code is None
        else GrantRuleSet.municipality_code == municipality_code,
    )
    return (await session.execute(query)).scalar_one_or_none()


async def get(session: AsyncSession, rule_set_id: uuid.UUID) -> GrantRuleSet | None:
    return await session.get(GrantRuleSet, rule_set_id)


async def latest_evaluation(
    session: AsyncSession, *, code: str, year: int, municipality_code: str
) -> GrantEvaluation | None:
    """The municipality's latest evaluation under the rule set `code` of `year`."""
    query = (
        select(GrantEvaluation)
        .join(GrantRuleSet, GrantRuleSet.id == GrantEvaluation.rule_set_id)
        .where(
            GrantRuleSet.code == code,
            GrantEvaluation.year == year,
            GrantEvaluation.municipality_code == municipality_code,
        )
        .order_by(GrantEvaluation.created_at.desc(), GrantEvaluation.id)
        .limit(1)
    )
    return (await session.execute(query)).scalar_one_or_none()


async def get_evaluation(session: AsyncSession, evaluation_id: uuid.UUID) -> GrantEvaluation | None:
    return await session.get(GrantEvaluation, evaluation_id)


async def page(
    session: AsyncSession,
    *,
    municipalities: frozenset[str] | None,
    year: int | None,
    limit: int,
    offset: int,
) -> tuple[list[GrantRuleSet], int]:
    """National rule sets and those of the given municipalities (None: every one)."""
    filters = []
    if municipalities is not None:
        filters.append(
            or_(
                GrantRuleSet.municipality_code.is_(None),
                GrantRuleSet.municipality_code.in_(sorted(municipalities)),
            )
        )
    if year is not None:
        filters.append(GrantRuleSet.year == year)
    total = (
        await session.execute(select(func.count()).select_from(GrantRuleSet).where(*filters))
    ).scalar_one()
    query = (
        select(GrantRuleSet)
        .where(*filters)
        .order_by(GrantRuleSet.year.desc(), GrantRuleSet.code)
        .limit(limit)
        .offset(offset)
    )
    return list((await session.execute(query)).scalars()), int(total)
