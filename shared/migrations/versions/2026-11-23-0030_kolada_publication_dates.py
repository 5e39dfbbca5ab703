"""ingest: Kolada's publication dates per KPI, so a value fetched between the preliminary and
the definitive publication is stored as preliminary, and the run after the definitive
publication fetches it again as final.

Revision ID: ingest_0007
Revises: scale_0006
Create Date: 2026-11-23 00:30:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "ingest_0007"
down_revision: str | Sequence[str] | None = "scale_0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("kolada_kpi", sa.Column("prel_publication_date", sa.Date(), nullable=True))
    op.add_column("kolada_kpi", sa.Column("publication_date", sa.Date(), nullable=True))


def downgrade() -> None:
    op.drop_column("kolada_kpi", "publication_date")
    op.drop_column("kolada_kpi", "prel_publication_date")
