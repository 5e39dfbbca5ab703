"""Inserting a row whose natural key may have been taken by a concurrent request."""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from shared.errors import Conflict
from shared.i18n import Message, message
from shared.models.base import Base

UNIQUE_VIOLATION = "23505"


async def add_unique(session: AsyncSession, obj: Base, *, what: Message) -> None:
    """Add and flush in a savepoint; a unique violation (two requests creating the same thing
    at once, after both passed the service's existence check) becomes a 409, not a 500."""
    try:
        async with session.begin_nested():
            session.add(obj)
            await session.flush()
    except IntegrityError as exc:
        if getattr(exc.orig, "sqlstate", None) == UNIQUE_VIOLATION:
            raise Conflict(
                message("problem.budget.already_exists_created_concurrent_request", what=what)
            ) from exc
        raise
