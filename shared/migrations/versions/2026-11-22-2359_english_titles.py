"""i18n: English titles (and descriptions) beside the Swedish ones

Nullable: where no English text exists the API falls back to the Swedish one.

Revision ID: i18n_0005
Revises: scale_0004
Create Date: 2026-11-22 23:59:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "i18n_0005"
down_revision: str | Sequence[str] | None = "scale_0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = [
    ("indicator", "title_en"),
    ("indicator", "description_en"),
    ("measure", "title_en"),
    ("measure", "description_en"),
    ("org_unit", "title_en"),
    ("scorecard", "title_en"),
    ("prioritised_goal", "title_en"),
]


def upgrade() -> None:
    for table, column in COLUMNS:
        op.add_column(table, sa.Column(column, sa.Text(), nullable=True))


def downgrade() -> None:
    for table, column in reversed(COLUMNS):
        op.drop_column(table, column)
