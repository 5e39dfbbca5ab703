"""suppression_pattern: disclosure control patterns shared by every worker and replica

Revision ID: i19_0001
Revises: i13_0002
Create Date: 2026-12-07 22:00:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "i19_0001"
down_revision: str | Sequence[str] | None = "i13_0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "suppression_pattern",
        sa.Column("key", sa.LargeBinary(), nullable=False),
        sa.Column("status", sa.LargeBinary(), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_suppression_pattern")),
    )


def downgrade() -> None:
    op.drop_table("suppression_pattern")
