"""outbox of e-mails; calendar sequence of webinars

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("webinars") as batch:
        batch.add_column(
            sa.Column("calendar_sequence", sa.Integer(), nullable=False, server_default="0")
        )
    op.create_table(
        "outbox_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("webinar_seq", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("recipient", sa.String(length=320), nullable=False),
        sa.Column("recipient_name", sa.String(length=300), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("claimed_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("claim_token", sa.String(length=32), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["webinar_seq"],
            ["webinars.seq"],
            name=op.f("fk_outbox_messages_webinar_seq_webinars"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox_messages")),
    )
    op.create_index("ix_outbox_due", "outbox_messages", ["status", "next_attempt_at"])
    op.create_index(op.f("ix_outbox_messages_webinar_seq"), "outbox_messages", ["webinar_seq"])


def downgrade() -> None:
    op.drop_index(op.f("ix_outbox_messages_webinar_seq"), table_name="outbox_messages")
    op.drop_index("ix_outbox_due", table_name="outbox_messages")
    op.drop_table("outbox_messages")
    with op.batch_alter_table("webinars") as batch:
        batch.drop_column("calendar_sequence")
