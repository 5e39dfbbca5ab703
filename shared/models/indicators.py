"""Tables written by the indicators service: org units and their history, measures, indicators,
targets, scorecards and the board's prioritised goals."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    CHAR,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, UUID
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
    title_en: Mapped[str | None] = mapped_column(Text)
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
    title_en: Mapped[str | None] = mapped_column(Text)
    description_en: Mapped[str | None] = mapped_column(Text)
    # The owner (shared.tenancy): NULL = national; else the municipality that defined it.
    municipality_code: Mapped[str | None] = mapped_column(CHAR(4), index=True)
    shared: Mapped[bool] = mapped_column(default=False, server_default="false", nullable=False)


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
    title_en: Mapped[str | None] = mapped_column(Text)
    description: Mapped[str | None] = mapped_column(Text)
    description_en: Mapped[str | None] = mapped_column(Text)
    area: Mapped[str] = mapped_column(String(32), nullable=False)
    classification: Mapped[str] = mapped_column(String(16), nullable=False)
    perspective: Mapped[str] = mapped_column(String(16), nullable=False)
    unit: Mapped[str] = mapped_column(String(16), nullable=False)
    direction: Mapped[str] = mapped_column(String(8), nullable=False)
    decimals: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    rollup: Mapped[str] = mapped_column(String(16), nullable=False, default="weighted")
    # The first measure of the numerator formula (kept for readers of the first schema).
    numerator_measure: Mapped[str | None] = mapped_column(String(64))
    denominator_measure: Mapped[str | None] = mapped_column(String(64))
    factor: Mapped[Decimal] = mapped_column(Numeric, nullable=False, default=Decimal(1))
    valid_from: Mapped[date] = mapped_column(Date, nullable=False)
    valid_to: Mapped[date | None] = mapped_column(Date)
    # Formulas over measures, parsed by services.indicators.formula (never eval'd).
    numerator_formula: Mapped[str | None] = mapped_column(Text)
    denominator_formula: Mapped[str | None] = mapped_column(Text)
    # How values over periods roll up (units use `rollup`): sum, mean, weighted, last.
    period_rollup: Mapped[str | None] = mapped_column(String(16))
    # 'respondents' makes values from fewer than 7 respondents suppressed (survey results).
    suppression: Mapped[str] = mapped_column(
        String(16), nullable=False, default="none", server_default="none"
    )
    kolada_kpi: Mapped[str | None] = mapped_column(String(16))
    threshold_gender_gap: Mapped[Decimal | None] = mapped_column(Numeric)
    # The owner (shared.tenancy), the same on every version of a code.
    municipality_code: Mapped[str | None] = mapped_column(CHAR(4), index=True)
    shared: Mapped[bool] = mapped_column(default=False, server_default="false", nullable=False)


class UnitMembership(Base):
    """Which area a unit belonged to, and when: units open, close and move between areas."""

    __tablename__ = "org_unit_membership"
    __table_args__ = (
        Index("ix_org_unit_membership_unit", "municipality_code", "unit_code", "valid_from"),
    )

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=new_id)
    municipality_code: Mapped[str] = mapped_column(CHAR(4), nullable=False)
    unit_code: Mapped[str] = mapped_column(String(64), nullable=False)
    area: Mapped[str] = mapped_column(String(32), nullable=False)
    valid_from: Mapped[date] = mapped_column(Date, nullable=False)
    valid_to: Mapped[date | None] = mapped_column(Date)


class Scorecard(CreatedAt, Base):
    """A balanced scorecard: vision → strategic goals → success factors → measures."""

    __tablename__ = "scorecard"

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=new_id)
    municipality_code: Mapped[str] = mapped_column(CHAR(4), nullable=False, index=True)
    board: Mapped[str] = mapped_column(Text, nullable=False)
    title: Mapped[str] = mapped_column(Text, nullable=False)
    title_en: Mapped[str | None] = mapped_column(Text)
    vision: Mapped[str | None] = mapped_column(Text)
    year: Mapped[int] = mapped_column(Integer, nullable=False)
    goals: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, nullable=False)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), nullable=False
    )


class Target(CreatedAt, Base):
    """A target value (målvärde) for an indicator over a scope and period."""

    __tablename__ = "target"
    __table_args__ = (
        CheckConstraint(
            "scope_type IN ('municipality','area','unit_type','unit')", name="scope_type"
        ),
        CheckConstraint(
            "comparator IN ('at_least','at_most','equal','between')", name="comparator"
        ),
        CheckConstraint("gender IN ('T','K','M')", name="gender"),
        Index("ix_target_lookup", "municipality_code", "indicator_code"),
    )

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=new_id)
    municipality_code: Mapped[str] = mapped_column(CHAR(4), nullable=False)
    indicator_code: Mapped[str] = mapped_column(String(64), nullable=False)
    scope_type: Mapped[str] = mapped_column(String(16), nullable=False)
    scope_value: Mapped[str] = mapped_column(String(64), nullable=False, default="")
    period: Mapped[str | None] = mapped_column(String(10))
    gender: Mapped[str] = mapped_column(CHAR(1), nullable=False, default="T")
    comparator: Mapped[str] = mapped_column(String(8), nullable=False)
    value: Mapped[Decimal] = mapped_column(Numeric, nullable=False)
    upper_value: Mapped[Decimal | None] = mapped_column(Numeric)
    tolerance: Mapped[Decimal] = mapped_column(Numeric, nullable=False, default=Decimal(0))
    label: Mapped[str | None] = mapped_column(Text)
    decision: Mapped[str | None] = mapped_column(Text)
    scorecard_id: Mapped[uuid.UUID | None] = mapped_column(
        UUID(as_uuid=True), ForeignKey("scorecard.id", ondelete="CASCADE"), index=True
    )
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), nullable=False
    )


class TargetStatusCheck(CreatedAt, Base):
    """A target write whose status changes are still to be announced: the targets of its
    indicators before and after the write, judged on the data after the commit (a job, not
    the request: judging every period of a large municipality takes long)."""

    __tablename__ = "target_status_check"

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=new_id)
    municipality_code: Mapped[str] = mapped_column(CHAR(4), nullable=False)
    # [indicator_code, period or null, gender] of each scope the write touched.
    scopes: Mapped[list[list[str | None]]] = mapped_column(JSONB, nullable=False)
    targets_before: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, nullable=False)
    targets_after: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, nullable=False)


class SuppressionPattern(CreatedAt, Base):
    """A disclosure control pattern (SHOWN, PRIMARY or SECONDARY per cell, one byte each)
    by its table's digest (`computation.engine.pattern_digest`): solved once for every
    worker and replica. Derived from the figures alone; dropped after 30 days."""

    __tablename__ = "suppression_pattern"

    key: Mapped[bytes] = mapped_column(LargeBinary, primary_key=True)
    status: Mapped[bytes] = mapped_column(LargeBinary, nullable=False)


class PrioritisedGoal(CreatedAt, Base):
    """One of the board's prioritised goals (seed 001 §4)."""

    __tablename__ = "prioritised_goal"
    __table_args__ = (UniqueConstraint("municipality_code", "board", "year", "number"),)

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=new_id)
    municipality_code: Mapped[str] = mapped_column(CHAR(4), nullable=False, index=True)
    board: Mapped[str] = mapped_column(Text, nullable=False)
    year: Mapped[int] = mapped_column(Integer, nullable=False)
    number: Mapped[int] = mapped_column(Integer, nullable=False)
    title: Mapped[str] = mapped_column(Text, nullable=False)
    title_en: Mapped[str | None] = mapped_column(Text)
    why: Mapped[str | None] = mapped_column(Text)
    problem: Mapped[str | None] = mapped_column(Text)
    desired_results: Mapped[list[str]] = mapped_column(ARRAY(Text), nullable=False)
    strategies: Mapped[list[str]] = mapped_column(ARRAY(Text), nullable=False)
    actions: Mapped[list[str]] = mapped_column(ARRAY(Text), nullable=False)
    indicator_codes: Mapped[list[str]] = mapped_column(ARRAY(Text), nullable=False)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)


class ReportLayout(CreatedAt, Base):
    """A board's layout of its tertial follow-up (seed 001's appendix): the board's name and
    the sections in order, each with its rows (indicator code and class) in order. An
    indicator may stand in several sections (deviations under every area). Without sections
    (or without a layout) the report has a section per area with every indicator of it."""

    __tablename__ = "report_layout"

    municipality_code: Mapped[str] = mapped_column(CHAR(4), primary_key=True)
    board: Mapped[str] = mapped_column(Text, nullable=False)
    # The municipality's name where Kolada's catalogue has none (the fictional demo one).
    municipality_title: Mapped[str | None] = mapped_column(Text)
    # [{"key", "title", "title_en", "area", "rows": [{"indicator_code", "classification"}]}]
    sections: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, nullable=False)
