"""identity and events: api_key.cooperation_codes, event outbox, webhook subscriptions/deliveries

Revision ID: events_0002
Revises: 9e03790a55ba
Create Date: 2026-11-22 22:00:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "events_0002"
down_revision: str | Sequence[str] | None = "9e03790a55ba"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "api_key",
        sa.Column("cooperation_codes", postgresql.ARRAY(sa.CHAR(length=4)), nullable=True),
    )
    op.create_table(
        "event_outbox",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("municipality_code", sa.CHAR(length=4), nullable=False),
        sa.Column("type", sa.String(length=64), nullable=False),
        sa.Column("payload", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column(
            "occurred_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("clock_timestamp()"),
            nullable=False,
        ),
        sa.Column("dispatched_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_event_outbox")),
    )
    op.create_index(
        op.f("ix_event_outbox_municipality_code"),
        "event_outbox",
        ["municipality_code"],
        unique=False,
    )
    op.create_index(
        "ix_event_outbox_undispatched",
        "event_outbox",
        ["occurred_at"],
        unique=False,
        postgresql_where=sa.text("dispatched_at IS NULL"),
    )
    op.create_table(
        "webhook_subscription",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("municipality_code", sa.CHAR(length=4), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("event_types", postgresql.ARRAY(sa.Text()), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("secret", sa.Text(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_by", sa.UUID(), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_webhook_subscription")),
    )
    op.create_index(
        op.f("ix_webhook_subscription_municipality_code"),
        "webhook_subscription",
        ["municipality_code"],
        unique=False,
    )
    op.create_table(
        "webhook_delivery",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("subscription_id", sa.UUID(), nullable=False),
        sa.Column("event_id", sa.UUID(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_attempt_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_status", sa.Integer(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "state IN ('pending','delivered','failed')", name=op.f("ck_webhook_delivery_state")
        ),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["event_outbox.id"],
            name=op.f("fk_webhook_delivery_event_id_event_outbox"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["subscription_id"],
            ["webhook_subscription.id"],
            name=op.f("fk_webhook_delivery_subscription_id_webhook_subscription"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_webhook_delivery")),
        sa.UniqueConstraint(
            "subscription_id",
            "event_id",
            name=op.f("uq_webhook_delivery_subscription_id_event_id"),
        ),
    )
    op.create_index(
        op.f("ix_webhook_delivery_event_id"), "webhook_delivery", ["event_id"], unique=False
    )
    op.create_index(
        "ix_webhook_delivery_due",
        "webhook_delivery",
        ["next_attempt_at"],
        unique=False,
        postgresql_where=sa.text("state = 'pending'"),
    )


def downgrade() -> None:
    op.drop_index(
        "ix_webhook_delivery_due",
        table_name="webhook_delivery",
        postgresql_where=sa.text("state = 'pending'"),
    )
    op.drop_index(op.f("ix_webhook_delivery_event_id"), table_name="webhook_delivery")
    op.drop_table("webhook_delivery")
    op.drop_index(
        op.f("ix_webhook_subscription_municipality_code"), table_name="webhook_subscription"
    )
    op.drop_table("webhook_subscription")
    op.drop_index(
        "ix_event_outbox_undispatched",
        table_name="event_outbox",
        postgresql_where=sa.text("dispatched_at IS NULL"),
    )
    op.drop_index(op.f("ix_event_outbox_municipality_code"), table_name="event_outbox")
    op.drop_table("event_outbox")
    op.drop_column("api_key", "cooperation_codes")
