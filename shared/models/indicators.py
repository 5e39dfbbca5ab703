"""Tables written by the indicators service: org units, measures, indicators."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

from sqlalchemy import CHAR, CheckConstraint, Date, Integer, Numeric, String, Text, UniqueConstraint
from sqlalchemy.dialects.postgresql import UUID
from sqlalchemy.orm import Mapped, mapped_column

from shared.models.base import Base, CreatedAt, new_id


class OrgUnit(CreatedAt, Base):
    """An operational unit (enhet) of a municipality: home-care district, SÄBO, group home…"""

    __tablename__ = "org_unit"
    __table_args__ = (UniqueConstraint("municipality_code", "code"),)

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=new_id)
    municipality_code: Mapped[str] = mapped_column(CHAR(4), nullable=False, index=True)
    code: Mapped[str] = mapped_column(String(64), nullable=False)
    title: Mapped[str] = mapped_column(Text, nullable=False)
    unit_type: Mapped[str] = mapped_column(String(32), nullable=False)
    area: Mapped[str] = mapped_column(String(32), nullable=False)
    kolada_ou_id: Mapped[str | None] = mapped_column(String(32))
    opened_on: Mapped[date | None] = mapped_column(Date)
    closed_on: Mapped[date | None] = mapped_column(Date)
    synthetic: Mapped[bool] = mapped_column(default=False, nullable=False)


class Measure(CreatedAt, Base):
    """Raw data a formula can use: a Kolada KPI or a local measure (survey counts, hours…)."""

    __tablename__ = "measure"
    __table_args__ = (CheckConstraint("source IN ('kolada','local')", name="source"),)

    code: Mapped[str] = mapped_column(String(64), primary_key=True)
    title: Mapped[str] = mapped_column(Text, nullable=False)
    source: Mapped[str] = mapped_column(String(8), nullable=False)
    unit: Mapped[str] = mapped_column(String(16), nullable=False)
    value_kind: Mapped[str] = mapped_column(String(16), nullable=False)
    min_value: Mapped[Decimal | None] = mapped_column(Numeric)
    max_value: Mapped[Decimal | None] = mapped_column(Numeric)
    description: Mapped[str | None] = mapped_column(Text)


class Indicator(CreatedAt, Base):
    """A quality indicator: a formula over measures with direction, unit and roll-up rule."""

    __tablename__ = "indicator"
    __table_args__ = (
        UniqueConstraint("code", "version"),
        CheckConstraint("direction IN ('higher','lower')", name="direction"),
        CheckConstraint("classification IN ('struktur','process','effekt')", name="classification"),
    )

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=new_id)
    code: Mapped[str] = mapped_column(String(64), nullable=False, index=True)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    title: Mapped[str] = mapped_column(Text, nullable=False)
    description: Mapped[str | None] = mapped_column(Text)
    area: Mapped[str] = mapped_column(String(32), nullable=False)
    classification: Mapped[str] = mapped_column(String(16), nullable=False)
    perspective: Mapped[str] = mapped_column(String(16), nullable=False)
    unit: Mapped[str] = mapped_column(String(16), nullable=False)
    direction: Mapped[str] = mapped_column(String(8), nullable=False)
    decimals: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    rollup: Mapped[str] = mapped_column(String(16), nullable=False, default="weighted")
    numerator_measure: Mapped[str] = mapped_column(String(64), nullable=False)
    denominator_measure: Mapped[str | None] = mapped_column(String(64))
    factor: Mapped[Decimal] = mapped_column(Numeric, nullable=False, default=Decimal(1))
    valid_from: Mapped[date] = mapped_column(Date, nullable=False)
    valid_to: Mapped[date | None] = mapped_column(Date)
