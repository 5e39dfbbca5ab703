"""budget: audit trail, funds and allocations, operating budgets, account mappings, investments

Revision ID: budget_0002
Revises: 9e03790a55ba
Create Date: 2026-11-22 22:00:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "budget_0002"
down_revision: str | Sequence[str] | None = "9e03790a55ba"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("frame_change", sa.Column("counterpart_board", sa.Text(), nullable=True))

    op.create_table(
        "account_mapping",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("municipality_code", sa.CHAR(length=4), nullable=False),
        sa.Column("board", sa.Text(), nullable=False),
        sa.Column("account", sa.String(length=32), nullable=False),
        sa.Column("activity_code", sa.String(length=64), nullable=False),
        sa.Column("activity_title", sa.Text(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_account_mapping")),
        sa.UniqueConstraint(
            "municipality_code",
            "board",
            "account",
            name=op.f("uq_account_mapping_municipality_code_board_account"),
        ),
    )
    op.create_table(
        "budget_audit",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("municipality_code", sa.CHAR(length=4), nullable=False),
        sa.Column("entity", sa.String(length=32), nullable=False),
        sa.Column("entity_id", sa.UUID(), nullable=False),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("actor_key_id", sa.UUID(), nullable=True),
        sa.Column(
            "at",
            sa.DateTime(timezone=True),
            server_default=sa.text("clock_timestamp()"),
            nullable=False,
        ),
        sa.Column("before", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("after", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_budget_audit")),
    )
    op.create_index(op.f("ix_budget_audit_entity_id"), "budget_audit", ["entity_id"], unique=False)
    op.create_table(
        "fund",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("municipality_code", sa.CHAR(length=4), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("amount_ore", sa.BigInteger(), nullable=False),
        sa.Column("display_unit", sa.String(length=3), nullable=False),
        sa.Column("source", sa.Text(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "kind IN ('improvement_projects','prize_money','state_grant','other')",
            name=op.f("ck_fund_kind"),
        ),
        sa.CheckConstraint("amount_ore >= 0", name=op.f("ck_fund_amount_not_negative")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fund")),
        sa.UniqueConstraint(
            "municipality_code", "code", "year", name=op.f("uq_fund_municipality_code_code_year")
        ),
    )
    op.create_index(op.f("ix_fund_municipality_code"), "fund", ["municipality_code"], unique=False)
    op.create_table(
        "investment_project",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("municipality_code", sa.CHAR(length=4), nullable=False),
        sa.Column("board", sa.Text(), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("category", sa.String(length=64), nullable=False),
        sa.Column("display_unit", sa.String(length=3), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_investment_project")),
        sa.UniqueConstraint(
            "municipality_code",
            "board",
            "code",
            name=op.f("uq_investment_project_municipality_code_board_code"),
        ),
    )
    op.create_index(
        op.f("ix_investment_project_municipality_code"),
        "investment_project",
        ["municipality_code"],
        unique=False,
    )
    op.create_table(
        "operating_budget",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("municipality_code", sa.CHAR(length=4), nullable=False),
        sa.Column("board", sa.Text(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("phase", sa.String(length=16), nullable=False),
        sa.Column("tertial", sa.Integer(), nullable=False),
        sa.Column("display_unit", sa.String(length=3), nullable=False),
        sa.Column("revenue_ore", sa.BigInteger(), nullable=False),
        sa.Column("costs_ore", sa.BigInteger(), nullable=False),
        sa.Column("source", sa.Text(), nullable=True),
        sa.Column("warnings", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "(phase = 'forecast') = (tertial BETWEEN 1 AND 3) AND tertial BETWEEN 0 AND 3",
            name=op.f("ck_operating_budget_forecast_tertial"),
        ),
        sa.CheckConstraint(
            "phase IN ('approved','revised','forecast','outcome')",
            name=op.f("ck_operating_budget_phase"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_operating_budget")),
        sa.UniqueConstraint(
            "municipality_code",
            "board",
            "year",
            "phase",
            "tertial",
            name=op.f("uq_operating_budget_municipality_code_board_year_phase_tertial"),
        ),
    )
    op.create_index(
        op.f("ix_operating_budget_municipality_code"),
        "operating_budget",
        ["municipality_code"],
        unique=False,
    )
    op.create_table(
        "fund_allocation",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("fund_id", sa.UUID(), nullable=False),
        sa.Column("amount_ore", sa.BigInteger(), nullable=False),
        sa.Column("display_unit", sa.String(length=3), nullable=False),
        sa.Column("purpose", sa.Text(), nullable=False),
        sa.Column("reference", sa.Text(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("paid_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reversed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reversal_reason", sa.Text(), nullable=True),
        sa.Column("created_by", sa.UUID(), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "state IN ('allocated','paid','reversed')", name=op.f("ck_fund_allocation_state")
        ),
        sa.CheckConstraint("amount_ore > 0", name=op.f("ck_fund_allocation_amount_positive")),
        sa.ForeignKeyConstraint(
            ["fund_id"],
            ["fund.id"],
            name=op.f("fk_fund_allocation_fund_id_fund"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fund_allocation")),
        sa.UniqueConstraint(
            "fund_id", "reference", name=op.f("uq_fund_allocation_fund_id_reference")
        ),
    )
    op.create_index(
        op.f("ix_fund_allocation_fund_id"), "fund_allocation", ["fund_id"], unique=False
    )
    op.create_table(
        "investment_amount",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("project_id", sa.UUID(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("amount_ore", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["investment_project.id"],
            name=op.f("fk_investment_amount_project_id_investment_project"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_investment_amount")),
        sa.UniqueConstraint(
            "project_id", "year", name=op.f("uq_investment_amount_project_id_year")
        ),
    )
    op.create_index(
        op.f("ix_investment_amount_project_id"), "investment_amount", ["project_id"], unique=False
    )
    op.create_table(
        "operating_line",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("budget_id", sa.UUID(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("activity_code", sa.String(length=64), nullable=False),
        sa.Column("activity_title", sa.Text(), nullable=False),
        sa.Column("parent_code", sa.String(length=64), nullable=True),
        sa.Column("revenue_ore", sa.BigInteger(), nullable=False),
        sa.Column("costs_ore", sa.BigInteger(), nullable=False),
        sa.CheckConstraint("costs_ore <= 0", name=op.f("ck_operating_line_costs_not_positive")),
        sa.CheckConstraint("revenue_ore >= 0", name=op.f("ck_operating_line_revenue_not_negative")),
        sa.ForeignKeyConstraint(
            ["budget_id"],
            ["operating_budget.id"],
            name=op.f("fk_operating_line_budget_id_operating_budget"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_operating_line")),
        sa.UniqueConstraint(
            "budget_id", "activity_code", name=op.f("uq_operating_line_budget_id_activity_code")
        ),
    )
    op.create_index(
        op.f("ix_operating_line_budget_id"), "operating_line", ["budget_id"], unique=False
    )


def downgrade() -> None:
    op.drop_column("frame_change", "counterpart_board")

    op.drop_index(op.f("ix_operating_line_budget_id"), table_name="operating_line")
    op.drop_table("operating_line")
    op.drop_index(op.f("ix_investment_amount_project_id"), table_name="investment_amount")
    op.drop_table("investment_amount")
    op.drop_index(op.f("ix_fund_allocation_fund_id"), table_name="fund_allocation")
    op.drop_table("fund_allocation")
    op.drop_index(op.f("ix_operating_budget_municipality_code"), table_name="operating_budget")
    op.drop_table("operating_budget")
    op.drop_index(op.f("ix_investment_project_municipality_code"), table_name="investment_project")
    op.drop_table("investment_project")
    op.drop_index(op.f("ix_fund_municipality_code"), table_name="fund")
    op.drop_table("fund")
    op.drop_index(op.f("ix_budget_audit_entity_id"), table_name="budget_audit")
    op.drop_table("budget_audit")
    op.drop_table("account_mapping")
