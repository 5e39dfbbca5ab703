"""One page of a list query and the total it is a page of (every list answers `Page[T]`)."""

from __future__ import annotations

from typing import Any, TypeVar, cast

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

T = TypeVar("T")


async def page_of(
    session: AsyncSession, query: Select[T], *, limit: int, offset: int
) -> tuple[list[T], int]:
    """`query` carries its filters and order; the total counts every row the filters admit."""
    counted: Select[Any] = select(func.count()).select_from(query.order_by(None).subquery())
    total = (await session.execute(counted)).scalar_one()
    rows = await session.execute(query.limit(limit).offset(offset))
    return cast(list[T], list(rows.scalars())), int(total)
