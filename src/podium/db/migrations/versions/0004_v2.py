"""Zoom API v2: OAuth access tokens (kept as keyed digests); public ids of panelists

Revision ID: 0004_v2
Revises: 0003
"""

from __future__ import annotations

import base64
import hashlib

import sqlalchemy as sa
from alembic import op

revision = "0004_v2"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "oauth_tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("digest", sa.LargeBinary(length=32), nullable=False),
        sa.Column("credential_id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_oauth_tokens_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["credential_id"],
            ["api_credentials.id"],
            name=op.f("fk_oauth_tokens_credential_id_api_credentials"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_oauth_tokens")),
        sa.UniqueConstraint("digest", name=op.f("uq_oauth_tokens_digest")),
    )
    op.create_index(op.f("ix_oauth_tokens_credential_id"), "oauth_tokens", ["credential_id"])
    # Panelists get a public id (v2 `id`), derived from their link nonce as
    # services/tokens.public_id derives it (a copy: a migration must not change later).
    with op.batch_alter_table("panelists") as batch:
        batch.add_column(sa.Column("panelist_id", sa.String(length=32), nullable=True))
    panelists = sa.table(
        "panelists", sa.column("id", sa.Integer), sa.column("token_nonce"), sa.column("panelist_id")
    )
    connection = op.get_bind()
    for pk, nonce in connection.execute(sa.select(panelists.c.id, panelists.c.token_nonce)).all():
        digest = hashlib.sha256(b"public-id:" + nonce.encode()).digest()[:16]
        public = base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")
        connection.execute(
            panelists.update().where(panelists.c.id == pk).values(panelist_id=public)
        )
    with op.batch_alter_table("panelists") as batch:
        batch.alter_column("panelist_id", existing_type=sa.String(length=32), nullable=False)
        batch.create_unique_constraint(op.f("uq_panelists_panelist_id"), ["panelist_id"])


def downgrade() -> None:
    with op.batch_alter_table("panelists") as batch:
        batch.drop_constraint(op.f("uq_panelists_panelist_id"), type_="unique")
        batch.drop_column("panelist_id")
    op.drop_index(op.f("ix_oauth_tokens_credential_id"), table_name="oauth_tokens")
    op.drop_table("oauth_tokens")
