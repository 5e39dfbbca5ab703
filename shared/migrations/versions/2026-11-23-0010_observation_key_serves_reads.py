"""scale: the observation key leads with what reads filter on; one index less on the bulk path

uq_observation_key is rebuilt with its columns in the order the analytics reads filter
(municipality, measure, period_start, then the rest), so it also serves every read
ix_observation_measure_period served and that index goes: each stored value now updates three
indexes instead of four (bench/kolada_sync.py). ix_observation_batch_id becomes partial: Kolada
values have no batch and no longer fill it with NULL entries.

Revision ID: scale_0006
Revises: i18n_0005
Create Date: 2026-11-23 00:10:00+00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "scale_0006"
down_revision: str | Sequence[str] | None = "i18n_0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD_KEY = "source, municipality_code, unit_code, measure_code, period, gender, period_start"
NEW_KEY = "municipality_code, measure_code, period_start, unit_code, period, gender, source"


def upgrade() -> None:
    op.execute("ALTER TABLE observation DROP CONSTRAINT uq_observation_key")
    op.execute(f"ALTER TABLE observation ADD CONSTRAINT uq_observation_key UNIQUE ({NEW_KEY})")
    op.execute("DROP INDEX ix_observation_measure_period")
    op.execute("DROP INDEX ix_observation_batch_id")
    op.execute(
        "CREATE INDEX ix_observation_batch_id ON observation (batch_id) WHERE batch_id IS NOT NULL"
    )
    op.execute("ANALYZE observation")


def downgrade() -> None:
    op.execute("DROP INDEX ix_observation_batch_id")
    op.execute("CREATE INDEX ix_observation_batch_id ON observation (batch_id)")
    op.execute(
        "CREATE INDEX ix_observation_measure_period"
        " ON observation (municipality_code, measure_code, period_start)"
    )
    op.execute("ALTER TABLE observation DROP CONSTRAINT uq_observation_key")
    op.execute(f"ALTER TABLE observation ADD CONSTRAINT uq_observation_key UNIQUE ({OLD_KEY})")
