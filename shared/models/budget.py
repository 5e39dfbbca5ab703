"""Tables written by the budget service. Money is integer öre; never float."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import (
    CHAR,
    BigInteger,
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import UUID
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
