"""Tables written by the awards service. Money is integer öre; never float."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    CHAR,
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, UUID
from sqlalchemy.orm import Mapped, mapped_column

from shared.models.base import Base, CreatedAt, new_id


class AwardScheme(CreatedAt, Base):
    """A prize scheme of a municipality for a year: candidates, criteria, method, prize."""

    __tablename__ = "award_scheme"
    __table_args__ = (
        UniqueConstraint("municipality_code", "year", "code"),
        CheckConstraint("candidates IN ('units','projects')", name="candidates"),
    )

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=new_id)
    municipality_code: Mapped[str] = mapped_column(CHAR(4), nullable=False, index=True)
    year: Mapped[int] = mapped_column(Integer, nullable=False)
    code: Mapped[str] = mapped_column(String(64), nullable=False)
    title: Mapped[str] = mapped_column(Text, nullable=False)
    candidates: Mapped[str] = mapped_column(String(16), nullable=False)
    prize_amount_ore: Mapped[int] = mapped_column(BigInteger, nullable=False)
    specification: Mapped[dict[str, Any]] = mapped_column(JSONB, nullable=False)


class AwardRun(CreatedAt, Base):
    """An immutable evaluation: its inputs snapshot, specification hash and results.
    A database trigger refuses UPDATE (see the awards migration)."""

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
    kind: Mapped[str] = mapped_column(
        String(16), nullable=False, default="ranking", server_default="ranking"
    )
    scheme_id: Mapped[uuid.UUID | None] = mapped_column(
        UUID(as_uuid=True), ForeignKey("award_scheme.id"), index=True
    )
    seed: Mapped[int | None] = mapped_column(BigInteger)


class AwardDecision(Base):
    """The jury's decision on a run: the winner (which may differ from rank 1) and why."""

    __tablename__ = "award_decision"
    __table_args__ = (UniqueConstraint("run_id"),)

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=new_id)
    run_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey("award_run.id"), nullable=False
    )
    municipality_code: Mapped[str] = mapped_column(CHAR(4), nullable=False, index=True)
    winner_code: Mapped[str] = mapped_column(String(64), nullable=False)
    winner_title: Mapped[str | None] = mapped_column(Text)
    winner_rank: Mapped[int | None] = mapped_column(Integer)
    differs_from_rank_one: Mapped[bool] = mapped_column(Boolean, nullable=False)
    reason: Mapped[str] = mapped_column(Text, nullable=False)
    decided_by: Mapped[str] = mapped_column(Text, nullable=False)
    decided_by_key: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), nullable=False)
    decided_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), nullable=False
    )
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    prize_amount_ore: Mapped[int] = mapped_column(BigInteger, nullable=False)
    fund_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    allocation_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    booked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class AwardAudit(Base):
    """Append-only trail of everything done in the awards service (a trigger refuses
    UPDATE and DELETE)."""

    __tablename__ = "award_audit"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    municipality_code: Mapped[str] = mapped_column(CHAR(4), nullable=False, index=True)
    entity: Mapped[str] = mapped_column(String(32), nullable=False)
    entity_id: Mapped[str] = mapped_column(String(64), nullable=False, index=True)
    action: Mapped[str] = mapped_column(String(32), nullable=False)
    actor: Mapped[str] = mapped_column(Text, nullable=False)
    actor_key_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    details: Mapped[dict[str, Any]] = mapped_column(JSONB, nullable=False, default=dict)
    at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), nullable=False
    )


class ImprovementProject(CreatedAt, Base):
    """A local improvement project (lokalt förbättringsarbete). No personal data."""

    __tablename__ = "improvement_project"

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=new_id)
    municipality_code: Mapped[str] = mapped_column(CHAR(4), nullable=False, index=True)
    title: Mapped[str] = mapped_column(Text, nullable=False)
    description: Mapped[str] = mapped_column(Text, nullable=False)
    unit_codes: Mapped[list[str]] = mapped_column(ARRAY(String(64)), nullable=False)
    adopted_by: Mapped[list[str]] = mapped_column(ARRAY(String(64)), nullable=False, default=list)
    target_indicators: Mapped[list[str]] = mapped_column(ARRAY(String(64)), nullable=False)
    started_on: Mapped[date] = mapped_column(Date, nullable=False)
    ended_on: Mapped[date | None] = mapped_column(Date)


class ProjectFunding(CreatedAt, Base):
    """A funding application of a project and the amount granted from the earmarked fund."""

    __tablename__ = "project_funding"
    __table_args__ = (
        CheckConstraint("state IN ('requested','granted','rejected')", name="state"),
        CheckConstraint("requested_ore > 0", name="requested_positive"),
    )

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=new_id)
    project_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey("improvement_project.id"), index=True, nullable=False
    )
    municipality_code: Mapped[str] = mapped_column(CHAR(4), nullable=False)
    purpose: Mapped[str] = mapped_column(Text, nullable=False)
    requested_ore: Mapped[int] = mapped_column(BigInteger, nullable=False)
    granted_ore: Mapped[int | None] = mapped_column(BigInteger)
    state: Mapped[str] = mapped_column(String(16), nullable=False, default="requested")
    fund_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    allocation_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    decision_reason: Mapped[str | None] = mapped_column(Text)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class GrantRuleSet(CreatedAt, Base):
    """Performance-grant rules (prestationsersättning) for a year: criteria, thresholds,
    amounts. municipality_code NULL = a national rule set."""

    __tablename__ = "grant_rule_set"
    __table_args__ = (UniqueConstraint("code", "year", "municipality_code"),)

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=new_id)
    municipality_code: Mapped[str | None] = mapped_column(CHAR(4), index=True)
    code: Mapped[str] = mapped_column(String(64), nullable=False)
    year: Mapped[int] = mapped_column(Integer, nullable=False)
    title: Mapped[str] = mapped_column(Text, nullable=False)
    national_population: Mapped[int | None] = mapped_column(BigInteger)
    criteria: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, nullable=False)


class GrantEvaluation(CreatedAt, Base):
    """One municipality's performance grant for a rule set: amount and per-criterion detail."""

    __tablename__ = "grant_evaluation"

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=new_id)
    rule_set_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey("grant_rule_set.id"), index=True, nullable=False
    )
    municipality_code: Mapped[str] = mapped_column(CHAR(4), nullable=False, index=True)
    year: Mapped[int] = mapped_column(Integer, nullable=False)
    total_ore: Mapped[int] = mapped_column(BigInteger, nullable=False)
    inputs: Mapped[dict[str, Any]] = mapped_column(JSONB, nullable=False)
    results: Mapped[dict[str, Any]] = mapped_column(JSONB, nullable=False)
