"""Tables written by the awards service."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import CHAR, String, Text
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.orm import Mapped, mapped_column

from shared.models.base import Base, CreatedAt, new_id


class AwardRun(CreatedAt, Base):
    """An immutable evaluation: its inputs snapshot, specification hash and results."""

    __tablename__ = "award_run"

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=new_id)
    municipality_code: Mapped[str] = mapped_column(CHAR(4), nullable=False, index=True)
    title: Mapped[str] = mapped_column(Text, nullable=False)
    period: Mapped[str] = mapped_column(String(10), nullable=False)
    spec_hash: Mapped[str] = mapped_column(CHAR(64), nullable=False)
    code_version: Mapped[str] = mapped_column(String(32), nullable=False)
    specification: Mapped[dict[str, Any]] = mapped_column(JSONB, nullable=False)
    inputs: Mapped[dict[str, Any]] = mapped_column(JSONB, nullable=False)
    results: Mapped[dict[str, Any]] = mapped_column(JSONB, nullable=False)
