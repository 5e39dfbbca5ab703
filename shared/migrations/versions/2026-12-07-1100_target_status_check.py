"""target_status_check: target writes whose status changes are announced after the commit

Revision ID: i13_0002
Revises: i14_0001
Create Date: 2026-12-07 11:00:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "i13_0002"
down_revision: str | Sequence[str] | None = "i14_0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "target_status_check",
        sa.Column("id", postgresql.UUID(as_uuid=True), nullable=False),
        sa.Column("municipality_code", sa.CHAR(4), nullable=False),
        sa.Column("scopes", postgresql.JSONB(), nullable=False),
        sa.Column("targets_before", postgresql.JSONB(), nullable=False),
        sa.Column("targets_after", postgresql.JSONB(), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_target_status_check")),
    )


def downgrade() -> None:
    op.drop_table("target_status_check")
