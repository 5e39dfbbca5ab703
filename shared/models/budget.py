"""Tables written by the budget service. Money is integer öre; never float."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    CHAR,
    BigInteger,
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
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.orm import Mapped, mapped_column

from shared.models.base import Base, CreatedAt, new_id

FRAME_CHANGE_CATEGORIES = (
    "index_compensation",
    "transfer_in",
    "transfer_out",
    "efficiency_demand",
    "volume_change",
    "political_priority",
    "other",
)


class BudgetFrame(CreatedAt, Base):
    """A board's budget frame (budgetram) for a year, reconciled against last year's."""

    __tablename__ = "budget_frame"
    __table_args__ = (UniqueConstraint("municipality_code", "board", "year"),)

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=new_id)
    municipality_code: Mapped[str] = mapped_column(CHAR(4), nullable=False, index=True)
    board: Mapped[str] = mapped_column(Text, nullable=False)
    year: Mapped[int] = mapped_column(Integer, nullable=False)
    amount_ore: Mapped[int] = mapped_column(BigInteger, nullable=False)
    previous_amount_ore: Mapped[int] = mapped_column(BigInteger, nullable=False)
    display_unit: Mapped[str] = mapped_column(String(3), nullable=False, default="tkr")
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)


class FrameChange(Base):
    """One entry of a frame's change ledger, with the decision it comes from."""

    __tablename__ = "frame_change"
    __table_args__ = (
        CheckConstraint(
            "category IN (" + ",".join(f"'{c}'" for c in FRAME_CHANGE_CATEGORIES) + ")",
            name="category",
        ),
    )

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=new_id)
    frame_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True),
        ForeignKey("budget_frame.id", ondelete="CASCADE"),
        index=True,
        nullable=False,
    )
    position: Mapped[int] = mapped_column(Integer, nullable=False)
    amount_ore: Mapped[int] = mapped_column(BigInteger, nullable=False)
    category: Mapped[str] = mapped_column(String(32), nullable=False)
    reason: Mapped[str] = mapped_column(Text, nullable=False)
    decision_body: Mapped[str | None] = mapped_column(Text)
    decision_date: Mapped[date | None] = mapped_column(Date)
    decision_ref: Mapped[str | None] = mapped_column(Text)
    # For a transfer: the other board (added by budget_0002).
    counterpart_board: Mapped[str | None] = mapped_column(Text)


class BudgetAudit(Base):
    """Every change the budget service makes: who (API key id), when, before and after."""

    __tablename__ = "budget_audit"

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=new_id)
    municipality_code: Mapped[str] = mapped_column(CHAR(4), nullable=False)
    entity: Mapped[str] = mapped_column(String(32), nullable=False)
    entity_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), nullable=False, index=True)
    action: Mapped[str] = mapped_column(String(32), nullable=False)
    actor_key_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    # clock_timestamp, not now(): several changes in one transaction keep their order.
    at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.clock_timestamp(), nullable=False
    )
    before: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSONB)


FUND_KINDS = ("improvement_projects", "prize_money", "state_grant", "other")
ALLOCATION_STATES = ("allocated", "paid", "reversed")


class Fund(CreatedAt, Base):
    """An earmarked pot (improvement projects, prize money, a state grant) for one year."""

    __tablename__ = "fund"
    __table_args__ = (
        UniqueConstraint("municipality_code", "code", "year"),
        CheckConstraint("kind IN (" + ",".join(f"'{k}'" for k in FUND_KINDS) + ")", name="kind"),
        CheckConstraint("amount_ore >= 0", name="amount_not_negative"),
    )

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=new_id)
    municipality_code: Mapped[str] = mapped_column(CHAR(4), nullable=False, index=True)
    code: Mapped[str] = mapped_column(String(64), nullable=False)
    title: Mapped[str] = mapped_column(Text, nullable=False)
    year: Mapped[int] = mapped_column(Integer, nullable=False)
    kind: Mapped[str] = mapped_column(String(32), nullable=False)
    amount_ore: Mapped[int] = mapped_column(BigInteger, nullable=False)
    display_unit: Mapped[str] = mapped_column(String(3), nullable=False)
    source: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)


class FundAllocation(CreatedAt, Base):
    """Money drawn from a fund for a purpose; `reference` makes a retry return the first."""

    __tablename__ = "fund_allocation"
    __table_args__ = (
        UniqueConstraint("fund_id", "reference"),
        CheckConstraint(
            "state IN (" + ",".join(f"'{s}'" for s in ALLOCATION_STATES) + ")", name="state"
        ),
        CheckConstraint("amount_ore > 0", name="amount_positive"),
    )

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=new_id)
    fund_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey("fund.id", ondelete="CASCADE"), index=True, nullable=False
    )
    amount_ore: Mapped[int] = mapped_column(BigInteger, nullable=False)
    display_unit: Mapped[str] = mapped_column(String(3), nullable=False)
    purpose: Mapped[str] = mapped_column(Text, nullable=False)
    reference: Mapped[str] = mapped_column(Text, nullable=False)
    state: Mapped[str] = mapped_column(String(16), nullable=False, default="allocated")
    paid_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    reversed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    reversal_reason: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))


BUDGET_PHASES = ("approved", "revised", "forecast", "outcome")


class OperatingBudget(CreatedAt, Base):
    """One version of a board's operating budget for a year: approved, revised, a tertial's
    forecast (T1 and T2 are separate rows, both kept) or the outcome (utfall)."""

    __tablename__ = "operating_budget"
    __table_args__ = (
        UniqueConstraint("municipality_code", "board", "year", "phase", "tertial"),
        CheckConstraint(
            "phase IN (" + ",".join(f"'{p}'" for p in BUDGET_PHASES) + ")", name="phase"
        ),
        CheckConstraint(
            "(phase = 'forecast') = (tertial BETWEEN 1 AND 3) AND tertial BETWEEN 0 AND 3",
            name="forecast_tertial",
        ),
    )

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=new_id)
    municipality_code: Mapped[str] = mapped_column(CHAR(4), nullable=False, index=True)
    board: Mapped[str] = mapped_column(Text, nullable=False)
    year: Mapped[int] = mapped_column(Integer, nullable=False)
    phase: Mapped[str] = mapped_column(String(16), nullable=False)
    # Postgres treats NULLs as distinct in a unique constraint; 0 stands for "not a forecast".
    tertial: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    display_unit: Mapped[str] = mapped_column(String(3), nullable=False)
    # Board totals; the sum of the lines when there are lines (kept equal by the service).
    revenue_ore: Mapped[int] = mapped_column(BigInteger, nullable=False)
    costs_ore: Mapped[int] = mapped_column(BigInteger, nullable=False)
    source: Mapped[str | None] = mapped_column(Text)
    warnings: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, nullable=False, default=list)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)


class OperatingLine(Base):
    """Revenue and costs of one activity (verksamhet) in an operating budget; net is
    revenue + costs and is not stored, so it cannot disagree."""

    __tablename__ = "operating_line"
    __table_args__ = (
        UniqueConstraint("budget_id", "activity_code"),
        CheckConstraint("revenue_ore >= 0", name="revenue_not_negative"),
        CheckConstraint("costs_ore <= 0", name="costs_not_positive"),
    )

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=new_id)
    budget_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True),
        ForeignKey("operating_budget.id", ondelete="CASCADE"),
        index=True,
        nullable=False,
    )
    position: Mapped[int] = mapped_column(Integer, nullable=False)
    activity_code: Mapped[str] = mapped_column(String(64), nullable=False)
    activity_title: Mapped[str] = mapped_column(Text, nullable=False)
    parent_code: Mapped[str | None] = mapped_column(String(64))
    revenue_ore: Mapped[int] = mapped_column(BigInteger, nullable=False)
    costs_ore: Mapped[int] = mapped_column(BigInteger, nullable=False)


class AccountMapping(CreatedAt, Base):
    """Accounting-system account (or account prefix) → activity, for importing outcomes."""

    __tablename__ = "account_mapping"
    __table_args__ = (UniqueConstraint("municipality_code", "board", "account"),)

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=new_id)
    municipality_code: Mapped[str] = mapped_column(CHAR(4), nullable=False)
    board: Mapped[str] = mapped_column(Text, nullable=False)
    account: Mapped[str] = mapped_column(String(32), nullable=False)
    activity_code: Mapped[str] = mapped_column(String(64), nullable=False)
    activity_title: Mapped[str] = mapped_column(Text, nullable=False)


class InvestmentProject(CreatedAt, Base):
    """An investment project (or line) of a board's multi-year plan."""

    __tablename__ = "investment_project"
    __table_args__ = (UniqueConstraint("municipality_code", "board", "code"),)

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=new_id)
    municipality_code: Mapped[str] = mapped_column(CHAR(4), nullable=False, index=True)
    board: Mapped[str] = mapped_column(Text, nullable=False)
    code: Mapped[str] = mapped_column(String(64), nullable=False)
    title: Mapped[str] = mapped_column(Text, nullable=False)
    category: Mapped[str] = mapped_column(String(64), nullable=False)
    display_unit: Mapped[str] = mapped_column(String(3), nullable=False)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)


class InvestmentAmount(Base):
    """A project's budgeted amount for one year of the plan."""

    __tablename__ = "investment_amount"
    __table_args__ = (UniqueConstraint("project_id", "year"),)

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=new_id)
    project_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True),
        ForeignKey("investment_project.id", ondelete="CASCADE"),
        index=True,
        nullable=False,
    )
    year: Mapped[int] = mapped_column(Integer, nullable=False)
    amount_ore: Mapped[int] = mapped_column(BigInteger, nullable=False)
