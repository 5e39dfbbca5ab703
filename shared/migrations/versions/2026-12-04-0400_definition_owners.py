"""indicators: every measure and indicator has an owner (NULL = national) and a `shared` flag,
so a municipality's own definitions are invisible to others unless published.

Revision ID: i12c_0001
Revises: ingest_0007
Create Date: 2026-12-04 04:00:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "i12c_0001"
down_revision: str | Sequence[str] | None = "ingest_0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("measure", "indicator")


def upgrade() -> None:
    for table in TABLES:
        op.add_column(table, sa.Column("municipality_code", sa.CHAR(4), nullable=True))
        op.add_column(
            table,
            sa.Column("shared", sa.Boolean(), server_default=sa.false(), nullable=False),
        )
        op.create_index(f"ix_{table}_municipality_code", table, ["municipality_code"])


def downgrade() -> None:
    for table in TABLES:
        op.drop_index(f"ix_{table}_municipality_code", table_name=table)
        op.drop_column(table, "shared")
        op.drop_column(table, "municipality_code")
