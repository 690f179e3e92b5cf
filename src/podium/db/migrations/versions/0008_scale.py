"""an index for a participant's poll answers (a vote replaces them in O(log n))

Revision ID: 0008_scale
Revises: 0005_webhooks
"""

from __future__ import annotations

from alembic import op

revision = "0008_scale"
down_revision = "0007_dashboard"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("poll_answers", schema=None) as batch_op:
        batch_op.create_index(
            "ix_poll_answers_voter", ["poll_id", "instance_id", "email"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("poll_answers", schema=None) as batch_op:
        batch_op.drop_index("ix_poll_answers_voter")
