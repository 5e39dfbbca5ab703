"""report_layout: a board's layout of its tertial follow-up (sections and rows, seed 001)

Revision ID: i16_0001
Revises: i13_0001
Create Date: 2026-12-04 04:15:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "i16_0001"
down_revision: str | Sequence[str] | None = "i13_0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "report_layout",
        sa.Column("municipality_code", sa.CHAR(4), nullable=False),
        sa.Column("board", sa.Text(), nullable=False),
        sa.Column("municipality_title", sa.Text(), nullable=True),
        sa.Column("sections", postgresql.JSONB(), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.PrimaryKeyConstraint("municipality_code", name=op.f("pk_report_layout")),
    )


def downgrade() -> None:
    op.drop_table("report_layout")
