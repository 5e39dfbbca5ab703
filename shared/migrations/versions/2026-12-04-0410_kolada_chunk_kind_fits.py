"""ingest: kolada_sync_chunk.kind holds every chunk kind the planner writes
('catalogue:municipality_groups' is 29 characters; the column was varchar(24), so every sync
refreshing the catalogue crashed while planning), and refuses any other.

Revision ID: i13_0001
Revises: i12c_0001
Create Date: 2026-12-04 04:10:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "i13_0001"
down_revision: str | Sequence[str] | None = "i12c_0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KINDS = (
    "data",
    "oudata",
    "data:whole",
    "oudata:whole",
    "catalogue:municipality",
    "catalogue:municipality_groups",
    "catalogue:kpi",
)


def upgrade() -> None:
    op.alter_column(
        "kolada_sync_chunk",
        "kind",
        type_=sa.String(32),
        existing_type=sa.String(24),
        existing_nullable=False,
    )
    op.create_check_constraint(
        op.f("ck_kolada_sync_chunk_kind"),
        "kolada_sync_chunk",
        "kind IN (" + ",".join(f"'{k}'" for k in KINDS) + ")",
    )


def downgrade() -> None:
    op.drop_constraint(op.f("ck_kolada_sync_chunk_kind"), "kolada_sync_chunk", type_="check")
    op.alter_column(
        "kolada_sync_chunk",
        "kind",
        type_=sa.String(24),
        existing_type=sa.String(32),
        existing_nullable=False,
    )
