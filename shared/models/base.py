"""Declarative base with a naming convention so Alembic diffs stay stable."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Self

from sqlalchemy import DateTime, MetaData, func, inspect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)

    def transient_copy(self) -> Self:
        """A copy with the same column values, in no session: plain enough to send to a worker
        process (its relationships are not copied)."""
        columns = inspect(type(self)).column_attrs
        return type(self)(**{c.key: getattr(self, c.key) for c in columns})


def new_id() -> uuid.UUID:
    return uuid.uuid4()


class CreatedAt:
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), nullable=False
    )
