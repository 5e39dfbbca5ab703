"""Join the services' first migrations into one history.

Revision ID: merge_0003
Revises: awards_0002, budget_0002, events_0002, indicators_0002, ingest_0002
Create Date: 2026-11-22 22:35:00+00:00
"""

from collections.abc import Sequence

revision: str = "merge_0003"
down_revision: str | Sequence[str] | None = (
    "awards_0002",
    "budget_0002",
    "events_0002",
    "indicators_0002",
    "ingest_0002",
)
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
