"""ingest: Kolada sync jobs and chunks; provenance columns on observations

Revision ID: ingest_0002
Revises: 9e03790a55ba
Create Date: 2026-11-22 21:37:13.509765
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "ingest_0002"
down_revision: str | Sequence[str] | None = "9e03790a55ba"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "kolada_sync_job",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("municipality_code", sa.CHAR(length=4), nullable=True),
        sa.Column("mode", sa.String(length=12), nullable=False),
        sa.Column("trigger", sa.String(length=16), nullable=False),
        sa.Column("state", sa.String(length=12), nullable=False),
        sa.Column("from_date", sa.Date(), nullable=True),
        sa.Column("plan", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("requested_by", sa.UUID(), nullable=True),
        sa.Column("chunks_total", sa.Integer(), nullable=False),
        sa.Column("chunks_done", sa.Integer(), nullable=False),
        sa.Column("chunks_failed", sa.Integer(), nullable=False),
        sa.Column("rows_done", sa.BigInteger(), nullable=False),
        sa.Column("created", sa.BigInteger(), nullable=False),
        sa.Column("revised", sa.BigInteger(), nullable=False),
        sa.Column("deleted", sa.BigInteger(), nullable=False),
        sa.Column("unchanged", sa.BigInteger(), nullable=False),
        sa.Column("requests", sa.Integer(), nullable=False),
        sa.Column("errors", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("heartbeat_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint("mode IN ('full','incremental')", name=op.f("ck_kolada_sync_job_mode")),
        sa.CheckConstraint(
            "state IN ('pending','running','completed','failed')",
            name=op.f("ck_kolada_sync_job_state"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kolada_sync_job")),
    )
    op.create_index(
        "ix_kolada_sync_job_state", "kolada_sync_job", ["state", "created_at"], unique=False
    )
    op.create_table(
        "kolada_sync_chunk",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("job_id", sa.UUID(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("kpis", postgresql.ARRAY(sa.Text()), nullable=False),
        sa.Column("ids", postgresql.ARRAY(sa.Text()), nullable=False),
        sa.Column("years", postgresql.ARRAY(sa.Integer()), nullable=False),
        sa.Column("municipality_code", sa.CHAR(length=4), nullable=True),
        sa.Column("state", sa.String(length=8), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("pages", sa.Integer(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "state IN ('pending','done','failed')", name=op.f("ck_kolada_sync_chunk_state")
        ),
        sa.ForeignKeyConstraint(
            ["job_id"],
            ["kolada_sync_job.id"],
            name=op.f("fk_kolada_sync_chunk_job_id_kolada_sync_job"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kolada_sync_chunk")),
        sa.UniqueConstraint("job_id", "seq", name=op.f("uq_kolada_sync_chunk_job_id_seq")),
    )
    op.add_column("observation", sa.Column("kolada_job_id", sa.UUID(), nullable=True))
    op.drop_constraint(
        op.f("fk_observation_batch_id_ingest_batch"), "observation", type_="foreignkey"
    )
    op.add_column("observation_revision", sa.Column("source_row", sa.Integer(), nullable=True))
    op.add_column("observation_revision", sa.Column("sent_by", sa.UUID(), nullable=True))
    op.add_column("observation_revision", sa.Column("kolada_job_id", sa.UUID(), nullable=True))
    op.add_column("observation_revision", sa.Column("replaced_by_job_id", sa.UUID(), nullable=True))


def downgrade() -> None:
    op.drop_column("observation_revision", "replaced_by_job_id")
    op.drop_column("observation_revision", "kolada_job_id")
    op.drop_column("observation_revision", "sent_by")
    op.drop_column("observation_revision", "source_row")
    op.create_foreign_key(
        op.f("fk_observation_batch_id_ingest_batch"),
        "observation",
        "ingest_batch",
        ["batch_id"],
        ["id"],
    )
    op.drop_column("observation", "kolada_job_id")
    op.drop_table("kolada_sync_chunk")
    op.drop_index("ix_kolada_sync_job_state", table_name="kolada_sync_job")
    op.drop_table("kolada_sync_job")
