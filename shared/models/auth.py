"""Tables written by shared.auth (the `kvn apikey` command and the admin routes)."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import CHAR, DateTime, String, Text
from sqlalchemy.dialects.postgresql import ARRAY, UUID
from sqlalchemy.orm import Mapped, mapped_column

from shared.models.base import Base, CreatedAt, new_id


class ApiKey(CreatedAt, Base):
    """A machine credential. Only a SHA-256 of the secret is stored; the key is shown once."""

    __tablename__ = "api_key"

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=new_id)
    prefix: Mapped[str] = mapped_column(String(16), unique=True, nullable=False)
    key_hash: Mapped[str] = mapped_column(CHAR(64), nullable=False)
    name: Mapped[str] = mapped_column(Text, nullable=False)
    # NULL means a national operator: every municipality.
    municipality_code: Mapped[str | None] = mapped_column(CHAR(4), nullable=True)
    scopes: Mapped[list[str]] = mapped_column(ARRAY(Text), nullable=False)
    # A municipal cooperation's key: every municipality it may act on (its own included).
    cooperation_codes: Mapped[list[str] | None] = mapped_column(ARRAY(CHAR(4)), nullable=True)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
