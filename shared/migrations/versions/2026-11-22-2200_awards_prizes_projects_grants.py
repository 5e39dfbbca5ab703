"""awards: prize schemes, decisions, audit, improvement projects, performance grants

Also makes award_run immutable and award_audit append-only with triggers.

Revision ID: awards_0002
Revises: 9e03790a55ba
Create Date: 2026-11-22 21:37:50.883312
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "awards_0002"
down_revision: str | Sequence[str] | None = "9e03790a55ba"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

IMMUTABLE_FUNCTION = """
CREATE FUNCTION awards_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% rows are immutable', TG_TABLE_NAME USING ERRCODE = 'restrict_violation';
END;
$$
"""


def upgrade() -> None:
    op.create_table(
        "award_audit",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("municipality_code", sa.CHAR(length=4), nullable=False),
        sa.Column("entity", sa.String(length=32), nullable=False),
        sa.Column("entity_id", sa.String(length=64), nullable=False),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("actor", sa.Text(), nullable=False),
        sa.Column("actor_key_id", sa.UUID(), nullable=True),
        sa.Column("details", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column(
            "at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_award_audit")),
    )
    op.create_index(op.f("ix_award_audit_entity_id"), "award_audit", ["entity_id"], unique=False)
    op.create_index(
        op.f("ix_award_audit_municipality_code"), "award_audit", ["municipality_code"], unique=False
    )
    op.create_table(
        "award_scheme",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("municipality_code", sa.CHAR(length=4), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("candidates", sa.String(length=16), nullable=False),
        sa.Column("prize_amount_ore", sa.BigInteger(), nullable=False),
        sa.Column("specification", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "candidates IN ('units','projects')", name=op.f("ck_award_scheme_candidates")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_award_scheme")),
        sa.UniqueConstraint(
            "municipality_code",
            "year",
            "code",
            name=op.f("uq_award_scheme_municipality_code_year_code"),
        ),
    )
    op.create_index(
        op.f("ix_award_scheme_municipality_code"),
        "award_scheme",
        ["municipality_code"],
        unique=False,
    )
    op.create_table(
        "grant_rule_set",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("municipality_code", sa.CHAR(length=4), nullable=True),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("national_population", sa.BigInteger(), nullable=True),
        sa.Column("criteria", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_grant_rule_set")),
        sa.UniqueConstraint(
            "code",
            "year",
            "municipality_code",
            name=op.f("uq_grant_rule_set_code_year_municipality_code"),
        ),
    )
    op.create_index(
        op.f("ix_grant_rule_set_municipality_code"),
        "grant_rule_set",
        ["municipality_code"],
        unique=False,
    )
    op.create_table(
        "improvement_project",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("municipality_code", sa.CHAR(length=4), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("unit_codes", postgresql.ARRAY(sa.String(length=64)), nullable=False),
        sa.Column("adopted_by", postgresql.ARRAY(sa.String(length=64)), nullable=False),
        sa.Column("target_indicators", postgresql.ARRAY(sa.String(length=64)), nullable=False),
        sa.Column("started_on", sa.Date(), nullable=False),
        sa.Column("ended_on", sa.Date(), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_improvement_project")),
    )
    op.create_index(
        op.f("ix_improvement_project_municipality_code"),
        "improvement_project",
        ["municipality_code"],
        unique=False,
    )
    op.create_table(
        "grant_evaluation",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("rule_set_id", sa.UUID(), nullable=False),
        sa.Column("municipality_code", sa.CHAR(length=4), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("total_ore", sa.BigInteger(), nullable=False),
        sa.Column("inputs", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("results", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["rule_set_id"],
            ["grant_rule_set.id"],
            name=op.f("fk_grant_evaluation_rule_set_id_grant_rule_set"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_grant_evaluation")),
    )
    op.create_index(
        op.f("ix_grant_evaluation_municipality_code"),
        "grant_evaluation",
        ["municipality_code"],
        unique=False,
    )
    op.create_index(
        op.f("ix_grant_evaluation_rule_set_id"), "grant_evaluation", ["rule_set_id"], unique=False
    )
    op.create_table(
        "project_funding",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("project_id", sa.UUID(), nullable=False),
        sa.Column("municipality_code", sa.CHAR(length=4), nullable=False),
        sa.Column("purpose", sa.Text(), nullable=False),
        sa.Column("requested_ore", sa.BigInteger(), nullable=False),
        sa.Column("granted_ore", sa.BigInteger(), nullable=True),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("fund_id", sa.UUID(), nullable=True),
        sa.Column("allocation_id", sa.UUID(), nullable=True),
        sa.Column("decision_reason", sa.Text(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "state IN ('requested','granted','rejected')", name=op.f("ck_project_funding_state")
        ),
        sa.CheckConstraint("requested_ore > 0", name=op.f("ck_project_funding_requested_positive")),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["improvement_project.id"],
            name=op.f("fk_project_funding_project_id_improvement_project"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_project_funding")),
    )
    op.create_index(
        op.f("ix_project_funding_project_id"), "project_funding", ["project_id"], unique=False
    )
    op.create_table(
        "award_decision",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("run_id", sa.UUID(), nullable=False),
        sa.Column("municipality_code", sa.CHAR(length=4), nullable=False),
        sa.Column("winner_code", sa.String(length=64), nullable=False),
        sa.Column("winner_title", sa.Text(), nullable=True),
        sa.Column("winner_rank", sa.Integer(), nullable=True),
        sa.Column("differs_from_rank_one", sa.Boolean(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("decided_by", sa.Text(), nullable=False),
        sa.Column("decided_by_key", sa.UUID(), nullable=False),
        sa.Column(
            "decided_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("prize_amount_ore", sa.BigInteger(), nullable=False),
        sa.Column("fund_id", sa.UUID(), nullable=True),
        sa.Column("allocation_id", sa.UUID(), nullable=True),
        sa.Column("booked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["run_id"], ["award_run.id"], name=op.f("fk_award_decision_run_id_award_run")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_award_decision")),
        sa.UniqueConstraint("run_id", name=op.f("uq_award_decision_run_id")),
    )
    op.create_index(
        op.f("ix_award_decision_municipality_code"),
        "award_decision",
        ["municipality_code"],
        unique=False,
    )
    op.add_column(
        "award_run",
        sa.Column("kind", sa.String(length=16), server_default="ranking", nullable=False),
    )
    op.add_column("award_run", sa.Column("scheme_id", sa.UUID(), nullable=True))
    op.add_column("award_run", sa.Column("seed", sa.BigInteger(), nullable=True))
    op.create_index(op.f("ix_award_run_scheme_id"), "award_run", ["scheme_id"], unique=False)
    op.create_foreign_key(
        op.f("fk_award_run_scheme_id_award_scheme"),
        "award_run",
        "award_scheme",
        ["scheme_id"],
        ["id"],
    )

    op.execute(IMMUTABLE_FUNCTION)
    op.execute(
        "CREATE TRIGGER award_run_immutable BEFORE UPDATE ON award_run "
        "FOR EACH ROW EXECUTE FUNCTION awards_refuse_change()"
    )
    op.execute(
        "CREATE TRIGGER award_audit_append_only BEFORE UPDATE OR DELETE ON award_audit "
        "FOR EACH ROW EXECUTE FUNCTION awards_refuse_change()"
    )


def downgrade() -> None:
    op.execute("DROP TRIGGER award_audit_append_only ON award_audit")
    op.execute("DROP TRIGGER award_run_immutable ON award_run")
    op.execute("DROP FUNCTION awards_refuse_change()")
    op.drop_constraint(op.f("fk_award_run_scheme_id_award_scheme"), "award_run", type_="foreignkey")
    op.drop_index(op.f("ix_award_run_scheme_id"), table_name="award_run")
    op.drop_column("award_run", "seed")
    op.drop_column("award_run", "scheme_id")
    op.drop_column("award_run", "kind")
    op.drop_index(op.f("ix_award_decision_municipality_code"), table_name="award_decision")
    op.drop_table("award_decision")
    op.drop_index(op.f("ix_project_funding_project_id"), table_name="project_funding")
    op.drop_table("project_funding")
    op.drop_index(op.f("ix_grant_evaluation_rule_set_id"), table_name="grant_evaluation")
    op.drop_index(op.f("ix_grant_evaluation_municipality_code"), table_name="grant_evaluation")
    op.drop_table("grant_evaluation")
    op.drop_index(
        op.f("ix_improvement_project_municipality_code"), table_name="improvement_project"
    )
    op.drop_table("improvement_project")
    op.drop_index(op.f("ix_grant_rule_set_municipality_code"), table_name="grant_rule_set")
    op.drop_table("grant_rule_set")
    op.drop_index(op.f("ix_award_scheme_municipality_code"), table_name="award_scheme")
    op.drop_table("award_scheme")
    op.drop_index(op.f("ix_award_audit_municipality_code"), table_name="award_audit")
    op.drop_index(op.f("ix_award_audit_entity_id"), table_name="award_audit")
    op.drop_table("award_audit")
