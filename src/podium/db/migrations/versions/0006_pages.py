"""public pages: the link sent again, poll and Q&A controls, upvotes, the green room

Revision ID: 0006_pages
Revises: 0004_v2
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_pages"
down_revision = "0004_v2"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("registrants") as batch:
        batch.add_column(sa.Column("link_sent_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("polls") as batch:
        batch.add_column(sa.Column("instance_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("launched_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("shared_at", sa.DateTime(timezone=True), nullable=True))
        batch.create_foreign_key(
            op.f("fk_polls_instance_id_webinar_instances"),
            "webinar_instances",
            ["instance_id"],
            ["id"],
            ondelete="SET NULL",
        )
    with op.batch_alter_table("qa_questions") as batch:
        batch.add_column(
            sa.Column("is_private", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch.add_column(
            sa.Column("is_starred", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch.add_column(sa.Column("dismissed_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("upvotes", sa.Integer(), nullable=False, server_default="0"))
    op.create_table(
        "qa_upvotes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("email_key", sa.String(length=320), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["question_id"],
            ["qa_questions.id"],
            name=op.f("fk_qa_upvotes_question_id_qa_questions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_qa_upvotes")),
        sa.UniqueConstraint(
            "question_id", "email_key", name=op.f("uq_qa_upvotes_question_id_email_key")
        ),
    )
    op.create_table(
        "green_room_visits",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("webinar_seq", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("entered_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("left_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["webinar_seq"],
            ["webinars.seq"],
            name=op.f("fk_green_room_visits_webinar_seq_webinars"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_green_room_visits")),
    )
    op.create_index("ix_green_room_visits_open", "green_room_visits", ["webinar_seq", "left_at"])


def downgrade() -> None:
    op.drop_index("ix_green_room_visits_open", table_name="green_room_visits")
    op.drop_table("green_room_visits")
    op.drop_table("qa_upvotes")
    with op.batch_alter_table("qa_questions") as batch:
        batch.drop_column("upvotes")
        batch.drop_column("dismissed_at")
        batch.drop_column("is_starred")
        batch.drop_column("is_private")
    with op.batch_alter_table("polls") as batch:
        batch.drop_constraint(op.f("fk_polls_instance_id_webinar_instances"), type_="foreignkey")
        batch.drop_column("shared_at")
        batch.drop_column("closed_at")
        batch.drop_column("launched_at")
        batch.drop_column("instance_id")
    with op.batch_alter_table("registrants") as batch:
        batch.drop_column("link_sent_at")
