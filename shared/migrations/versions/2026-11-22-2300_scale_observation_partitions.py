"""scale: observation partitioned by year (RANGE on period_start); national-read index

The table is rebuilt: a partitioned copy is created, the rows are copied, the old table is
dropped and the copy takes its name. PostgreSQL requires the partition key in the primary key
and in every unique constraint, so both gain `period_start` (the period already determines it,
so the key means the same). The yearly partitions and the DEFAULT partition live in their own
schema, `observation_part`, so `public` lists only tables the models know.

observation_revision's foreign key to observation(id) cannot exist any more (a foreign key to a
partitioned table must name its whole key, and revisions do not store period_start). Revisions
are only written from an existing observation, in the same statement; the ON DELETE CASCADE it
gave is kept by a row trigger on observation.

Revision ID: scale_0004
Revises: merge_0003
Create Date: 2026-11-22 23:00:00+00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "scale_0004"
down_revision: str | Sequence[str] | None = "merge_0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "observation_part"
FIRST_YEAR = 2010
LAST_YEAR = 2035
KEY = "source, municipality_code, unit_code, measure_code, period, gender"


def upgrade() -> None:
    op.execute(
        "ALTER TABLE observation_revision "
        "DROP CONSTRAINT fk_observation_revision_observation_id_observation"
    )
    op.execute("ALTER SEQUENCE observation_id_seq OWNED BY NONE")
    op.execute(
        "CREATE TABLE observation_new (LIKE observation INCLUDING DEFAULTS INCLUDING CONSTRAINTS)"
        " PARTITION BY RANGE (period_start)"
    )
    op.execute(f"CREATE SCHEMA {SCHEMA}")
    for year in range(FIRST_YEAR, LAST_YEAR + 1):
        op.execute(
            f"CREATE TABLE {SCHEMA}.observation_{year} PARTITION OF observation_new"
            f" FOR VALUES FROM ('{year}-01-01') TO ('{year + 1}-01-01')"
        )
    op.execute(f"CREATE TABLE {SCHEMA}.observation_default PARTITION OF observation_new DEFAULT")
    op.execute("INSERT INTO observation_new SELECT * FROM observation")
    op.execute("DROP TABLE observation")
    op.execute("ALTER TABLE observation_new RENAME TO observation")
    op.execute(
        "ALTER TABLE observation ADD CONSTRAINT pk_observation PRIMARY KEY (id, period_start)"
    )
    op.execute(
        f"ALTER TABLE observation ADD CONSTRAINT uq_observation_key UNIQUE ({KEY}, period_start)"
    )
    op.execute("CREATE INDEX ix_observation_batch_id ON observation (batch_id)")
    op.execute(
        "CREATE INDEX ix_observation_measure_period"
        " ON observation (municipality_code, measure_code, period_start)"
    )
    # The national comparison reads every municipality's Kolada value of a few measures for
    # one period (docs/explain/analytics.md): without it, a scan of each partition.
    op.execute(
        "CREATE INDEX ix_observation_national ON observation (measure_code, period)"
        " WHERE source = 'kolada' AND unit_code = ''"
    )
    op.execute("ALTER SEQUENCE observation_id_seq OWNED BY observation.id")
    op.execute(
        """
        CREATE FUNCTION observation_revision_cascade() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            DELETE FROM observation_revision WHERE observation_id = OLD.id;
            RETURN OLD;
        END $$
        """
    )
    op.execute(
        "CREATE TRIGGER observation_revision_cascade AFTER DELETE ON observation"
        " FOR EACH ROW EXECUTE FUNCTION observation_revision_cascade()"
    )
    op.execute("ANALYZE observation")


def downgrade() -> None:
    op.execute("DROP TRIGGER observation_revision_cascade ON observation")
    op.execute("DROP FUNCTION observation_revision_cascade()")
    op.execute("ALTER SEQUENCE observation_id_seq OWNED BY NONE")
    op.execute(
        "CREATE TABLE observation_old (LIKE observation INCLUDING DEFAULTS INCLUDING CONSTRAINTS)"
    )
    op.execute("INSERT INTO observation_old SELECT * FROM observation")
    op.execute("DROP TABLE observation")
    op.execute(f"DROP SCHEMA {SCHEMA}")
    op.execute("ALTER TABLE observation_old RENAME TO observation")
    op.execute("ALTER TABLE observation ADD CONSTRAINT pk_observation PRIMARY KEY (id)")
    op.execute(f"ALTER TABLE observation ADD CONSTRAINT uq_observation_key UNIQUE ({KEY})")
    op.execute("CREATE INDEX ix_observation_batch_id ON observation (batch_id)")
    op.execute(
        "CREATE INDEX ix_observation_measure_period"
        " ON observation (municipality_code, measure_code, period_start)"
    )
    op.execute("ALTER SEQUENCE observation_id_seq OWNED BY observation.id")
    op.execute(
        "ALTER TABLE observation_revision ADD CONSTRAINT"
        " fk_observation_revision_observation_id_observation FOREIGN KEY (observation_id)"
        " REFERENCES observation (id) ON DELETE CASCADE"
    )
