"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-23 21:58:57.921482
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "accounts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_accounts")),
    )
    op.create_table(
        "instance_secrets",
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("value", sa.LargeBinary(length=64), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_instance_secrets")),
    )
    op.create_table(
        "api_credentials",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("api_key", sa.String(length=64), nullable=False),
        sa.Column("secret_hash", sa.LargeBinary(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_api_credentials_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_credentials")),
        sa.UniqueConstraint("api_key", name=op.f("uq_api_credentials_api_key")),
    )
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("host_id", sa.String(length=32), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("has_webinar", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_users_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("account_id", "email", name=op.f("uq_users_account_id_email")),
        sa.UniqueConstraint("host_id", name=op.f("uq_users_host_id")),
    )
    op.create_table(
        "webinars",
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("uuid", sa.String(length=32), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("host_user_id", sa.Integer(), nullable=False),
        sa.Column("topic", sa.String(length=300), nullable=False),
        sa.Column("agenda", sa.Text(), nullable=False),
        sa.Column("type", sa.Integer(), nullable=False),
        sa.Column("status", sa.Integer(), nullable=False),
        sa.Column("start_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("duration", sa.Integer(), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("password", sa.String(length=10), nullable=False),
        sa.Column("recurrence", sa.Text(), nullable=True),
        sa.Column("approval_type", sa.Integer(), nullable=False),
        sa.Column("registration_type", sa.Integer(), nullable=False),
        sa.Column("option_audio", sa.String(length=16), nullable=False),
        sa.Column("option_host_video", sa.Boolean(), nullable=False),
        sa.Column("option_panelist_video", sa.Boolean(), nullable=False),
        sa.Column("option_practice_session", sa.Boolean(), nullable=False),
        sa.Column("option_enforce_login", sa.Boolean(), nullable=False),
        sa.Column("option_enforce_login_domains", sa.Text(), nullable=False),
        sa.Column("option_alternative_hosts", sa.Text(), nullable=False),
        sa.Column("option_alternative_host_ids", sa.Text(), nullable=False),
        sa.Column("option_auto_record_type", sa.String(length=16), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("seats_taken", sa.Integer(), nullable=False),
        sa.Column("registrant_total", sa.Integer(), nullable=False),
        sa.Column("schedule_ends_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_webinars_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["host_user_id"],
            ["users.id"],
            name=op.f("fk_webinars_host_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_webinars")),
        sa.UniqueConstraint("id", name=op.f("uq_webinars_id")),
        sa.UniqueConstraint("uuid", name=op.f("uq_webinars_uuid")),
    )
    with op.batch_alter_table("webinars", schema=None) as batch_op:
        batch_op.create_index(
            "ix_webinars_host_listing",
            ["host_user_id", "deleted_at", "approval_type"],
            unique=False,
        )

    op.create_table(
        "occurrences",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("webinar_seq", sa.Integer(), nullable=False),
        sa.Column("start_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("duration", sa.Integer(), nullable=False),
        sa.Column("is_deleted", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["webinar_seq"],
            ["webinars.seq"],
            name=op.f("fk_occurrences_webinar_seq_webinars"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_occurrences")),
        sa.UniqueConstraint(
            "webinar_seq", "start_at", name=op.f("uq_occurrences_webinar_seq_start_at")
        ),
    )
    op.create_table(
        "panelists",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("webinar_seq", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("email_key", sa.String(length=320), nullable=False),
        sa.Column("token_nonce", sa.String(length=32), nullable=False),
        sa.Column("token_digest", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["webinar_seq"],
            ["webinars.seq"],
            name=op.f("fk_panelists_webinar_seq_webinars"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_panelists")),
        sa.UniqueConstraint("token_digest", name=op.f("uq_panelists_token_digest")),
        sa.UniqueConstraint(
            "webinar_seq", "email_key", name=op.f("uq_panelists_webinar_seq_email_key")
        ),
    )
    op.create_table(
        "polls",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("webinar_seq", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("questions", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["webinar_seq"],
            ["webinars.seq"],
            name=op.f("fk_polls_webinar_seq_webinars"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_polls")),
    )
    with op.batch_alter_table("polls", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_polls_webinar_seq"), ["webinar_seq"], unique=False)

    op.create_table(
        "registrants",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("registrant_id", sa.String(length=32), nullable=False),
        sa.Column("webinar_seq", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("email_key", sa.String(length=320), nullable=False),
        sa.Column("first_name", sa.String(length=300), nullable=False),
        sa.Column("last_name", sa.String(length=300), nullable=False),
        sa.Column("address", sa.String(length=300), nullable=False),
        sa.Column("city", sa.String(length=300), nullable=False),
        sa.Column("country", sa.String(length=300), nullable=False),
        sa.Column("zip", sa.String(length=300), nullable=False),
        sa.Column("state", sa.String(length=300), nullable=False),
        sa.Column("phone", sa.String(length=300), nullable=False),
        sa.Column("industry", sa.String(length=300), nullable=False),
        sa.Column("org", sa.String(length=300), nullable=False),
        sa.Column("job_title", sa.String(length=300), nullable=False),
        sa.Column("purchasing_time_frame", sa.String(length=64), nullable=False),
        sa.Column("role_in_purchase_process", sa.String(length=64), nullable=False),
        sa.Column("no_of_employees", sa.String(length=64), nullable=False),
        sa.Column("comments", sa.Text(), nullable=False),
        sa.Column("custom_questions", sa.Text(), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("token_nonce", sa.String(length=32), nullable=False),
        sa.Column("token_digest", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["webinar_seq"],
            ["webinars.seq"],
            name=op.f("fk_registrants_webinar_seq_webinars"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_registrants")),
        sa.UniqueConstraint("registrant_id", name=op.f("uq_registrants_registrant_id")),
        sa.UniqueConstraint("token_digest", name=op.f("uq_registrants_token_digest")),
        sa.UniqueConstraint(
            "webinar_seq", "email_key", name=op.f("uq_registrants_webinar_seq_email_key")
        ),
        sa.UniqueConstraint(
            "webinar_seq", "position", name=op.f("uq_registrants_webinar_seq_position")
        ),
    )
    with op.batch_alter_table("registrants", schema=None) as batch_op:
        batch_op.create_index(
            "ix_registrants_listing", ["webinar_seq", "status", "position"], unique=False
        )

    op.create_table(
        "occurrence_registrations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("registrant_pk", sa.Integer(), nullable=False),
        sa.Column("occurrence_pk", sa.Integer(), nullable=False),
        sa.Column("is_cancelled", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["occurrence_pk"],
            ["occurrences.id"],
            name=op.f("fk_occurrence_registrations_occurrence_pk_occurrences"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["registrant_pk"],
            ["registrants.id"],
            name=op.f("fk_occurrence_registrations_registrant_pk_registrants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_occurrence_registrations")),
        sa.UniqueConstraint(
            "registrant_pk",
            "occurrence_pk",
            name=op.f("uq_occurrence_registrations_registrant_pk_occurrence_pk"),
        ),
    )
    with op.batch_alter_table("occurrence_registrations", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_occurrence_registrations_occurrence_pk"), ["occurrence_pk"], unique=False
        )

    op.create_table(
        "webinar_instances",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.String(length=32), nullable=False),
        sa.Column("webinar_seq", sa.Integer(), nullable=False),
        sa.Column("occurrence_pk", sa.Integer(), nullable=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["occurrence_pk"],
            ["occurrences.id"],
            name=op.f("fk_webinar_instances_occurrence_pk_occurrences"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["webinar_seq"],
            ["webinars.seq"],
            name=op.f("fk_webinar_instances_webinar_seq_webinars"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_webinar_instances")),
        sa.UniqueConstraint("uuid", name=op.f("uq_webinar_instances_uuid")),
    )
    with op.batch_alter_table("webinar_instances", schema=None) as batch_op:
        batch_op.create_index(
            "ix_webinar_instances_webinar", ["webinar_seq", "ended_at"], unique=False
        )

    op.create_table(
        "attendances",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("instance_id", sa.Integer(), nullable=False),
        sa.Column("registrant_pk", sa.Integer(), nullable=True),
        sa.Column("panelist_pk", sa.Integer(), nullable=True),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("joined_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("left_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["instance_id"],
            ["webinar_instances.id"],
            name=op.f("fk_attendances_instance_id_webinar_instances"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["panelist_pk"],
            ["panelists.id"],
            name=op.f("fk_attendances_panelist_pk_panelists"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["registrant_pk"],
            ["registrants.id"],
            name=op.f("fk_attendances_registrant_pk_registrants"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attendances")),
    )
    with op.batch_alter_table("attendances", schema=None) as batch_op:
        batch_op.create_index("ix_attendances_instance", ["instance_id", "joined_at"], unique=False)
        batch_op.create_index("ix_attendances_open", ["left_at", "last_seen_at"], unique=False)
        batch_op.create_index(
            "ix_attendances_registrant", ["registrant_pk", "instance_id"], unique=False
        )

    op.create_table(
        "poll_answers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("poll_id", sa.Integer(), nullable=False),
        sa.Column("instance_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("answer", sa.Text(), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["instance_id"],
            ["webinar_instances.id"],
            name=op.f("fk_poll_answers_instance_id_webinar_instances"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["poll_id"],
            ["polls.id"],
            name=op.f("fk_poll_answers_poll_id_polls"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_poll_answers")),
    )
    with op.batch_alter_table("poll_answers", schema=None) as batch_op:
        batch_op.create_index("ix_poll_answers_instance", ["instance_id", "id"], unique=False)

    op.create_table(
        "qa_questions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("instance_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("answer", sa.Text(), nullable=False),
        sa.Column("asked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["instance_id"],
            ["webinar_instances.id"],
            name=op.f("fk_qa_questions_instance_id_webinar_instances"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_qa_questions")),
    )
    with op.batch_alter_table("qa_questions", schema=None) as batch_op:
        batch_op.create_index("ix_qa_questions_instance", ["instance_id", "id"], unique=False)


def downgrade() -> None:

    with op.batch_alter_table("qa_questions", schema=None) as batch_op:
        batch_op.drop_index("ix_qa_questions_instance")

    op.drop_table("qa_questions")
    with op.batch_alter_table("poll_answers", schema=None) as batch_op:
        batch_op.drop_index("ix_poll_answers_instance")

    op.drop_table("poll_answers")
    with op.batch_alter_table("attendances", schema=None) as batch_op:
        batch_op.drop_index("ix_attendances_registrant")
        batch_op.drop_index("ix_attendances_open")
        batch_op.drop_index("ix_attendances_instance")

    op.drop_table("attendances")
    with op.batch_alter_table("webinar_instances", schema=None) as batch_op:
        batch_op.drop_index("ix_webinar_instances_webinar")

    op.drop_table("webinar_instances")
    with op.batch_alter_table("occurrence_registrations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_occurrence_registrations_occurrence_pk"))

    op.drop_table("occurrence_registrations")
    with op.batch_alter_table("registrants", schema=None) as batch_op:
        batch_op.drop_index("ix_registrants_listing")

    op.drop_table("registrants")
    with op.batch_alter_table("polls", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_polls_webinar_seq"))

    op.drop_table("polls")
    op.drop_table("panelists")
    op.drop_table("occurrences")
    with op.batch_alter_table("webinars", schema=None) as batch_op:
        batch_op.drop_index("ix_webinars_host_listing")

    op.drop_table("webinars")
    op.drop_table("users")
    op.drop_table("api_credentials")
    op.drop_table("instance_secrets")
    op.drop_table("accounts")
