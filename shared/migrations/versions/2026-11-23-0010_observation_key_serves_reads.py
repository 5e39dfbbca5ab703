"""scale: the observation key leads with what reads filter on; one index less on the bulk path

uq_observation_key is rebuilt with its columns in the order the analytics reads filter
(municipality, measure, period_start, then the rest), so it also serves every read
ix_observation_measure_period served and that index goes: each stored value now updates three
indexes instead of four (bench/kolada_sync.py). ix_observation_batch_id becomes partial: Kolada
values have no batch and no longer fill it with NULL entries.

The revision-cascade trigger lets rows be moved between partitions (the yearly-partition job
in services/ingest/observation/partitions.py moves them out of the default partition with
DELETE … INSERT under `kvn.moving_partitions`): a move must not delete their revisions.

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


CASCADE = """
    CREATE OR REPLACE FUNCTION observation_revision_cascade() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        {guard}
        DELETE FROM observation_revision WHERE observation_id = OLD.id;
        RETURN OLD;
    END $$
"""
SKIP_MOVES = "IF current_setting('kvn.moving_partitions', true) = 'on' THEN RETURN OLD; END IF;"


def upgrade() -> None:
    op.execute("ALTER TABLE observation DROP CONSTRAINT uq_observation_key")
    op.execute(f"ALTER TABLE observation ADD CONSTRAINT uq_observation_key UNIQUE ({NEW_KEY})")
    op.execute("DROP INDEX ix_observation_measure_period")
    op.execute("DROP INDEX ix_observation_batch_id")
    op.execute(
        "CREATE INDEX ix_observation_batch_id ON observation (batch_id) WHERE batch_id IS NOT NULL"
    )
    op.execute(CASCADE.replace("{guard}", SKIP_MOVES))
    op.execute("ANALYZE observation")


def downgrade() -> None:
    op.execute(CASCADE.replace("{guard}", ""))
    op.execute("DROP INDEX ix_observation_batch_id")
    op.execute("CREATE INDEX ix_observation_batch_id ON observation (batch_id)")
    op.execute(
        "CREATE INDEX ix_observation_measure_period"
        " ON observation (municipality_code, measure_code, period_start)"
    )
    op.execute("ALTER TABLE observation DROP CONSTRAINT uq_observation_key")
    op.execute(f"ALTER TABLE observation ADD CONSTRAINT uq_observation_key UNIQUE ({OLD_KEY})")
