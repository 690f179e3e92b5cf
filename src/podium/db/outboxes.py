"""The rows of what Podium owes the outside world, each written in the transaction of the
change that causes it: e-mails (the mail outbox), and webhook subscriptions with their
deliveries (the webhook outbox). Importable from `podium.db.models` like every table."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from podium.db.models import Base, UtcDateTime


class OutboxMessage(Base):
    """An e-mail to send, written in the transaction of the event that causes it.

    `payload` holds what the message says as of the event (JSON); the text, HTML and
    calendar parts are rendered from it when it is sent or shown. Personal links are kept as
    their nonces (the link is derived with the instance key), never as tokens.
    """

    __tablename__ = "outbox_messages"
    __table_args__ = (Index("ix_outbox_due", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    webinar_seq: Mapped[int | None] = mapped_column(
        ForeignKey("webinars.seq", ondelete="CASCADE"), nullable=True, index=True
    )
    kind: Mapped[str] = mapped_column(String(32))
    recipient: Mapped[str] = mapped_column(String(320))
    recipient_name: Mapped[str] = mapped_column(String(300), default="")
    language: Mapped[str] = mapped_column(String(8), default="")
    payload: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="pending")  # pending|sent|failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UtcDateTime)
    claimed_until: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    claim_token: Mapped[str | None] = mapped_column(String(32), nullable=True)
    last_error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)


class WebhookSubscription(Base):
    """An endpoint of an account that receives some webhook events.

    The secret token signs every request; it is stored encrypted under the instance key
    (services/webhook_subscriptions.py) and decrypted only to sign. An endpoint whose last URL
    validation failed (`status` "unvalidated") receives nothing until it validates again.
    Removed subscriptions keep their row (`deleted_at`) until their deliveries go.
    """

    __tablename__ = "webhook_subscriptions"
    __table_args__ = (Index("ix_webhook_subscriptions_account", "account_id", "deleted_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    subscription_id: Mapped[str] = mapped_column(String(32), unique=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    url: Mapped[str] = mapped_column(Text)
    events: Mapped[str] = mapped_column(Text)  # JSON list of event names
    secret_token: Mapped[bytes] = mapped_column(LargeBinary(600))  # nonce + AES-GCM
    status: Mapped[str] = mapped_column(String(16))  # active | unvalidated
    validated_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    next_validation_at: Mapped[datetime] = mapped_column(UtcDateTime)
    validation_failures: Mapped[int] = mapped_column(Integer, default=0)
    last_validation_error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
    deleted_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)


class WebhookDelivery(Base):
    """One event owed to one subscription (the webhook outbox), written in the transaction of
    the change; `body` is the exact JSON sent. A registrant's personal join link travels as its
    nonce (`link_nonce`) and is put into the body when sent. `next_attempt_at` is on the
    server clock; `claimed_until` (a worker's lease) on the real one."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        Index("ix_webhook_deliveries_due", "status", "next_attempt_at"),
        Index("ix_webhook_deliveries_lane", "subscription_pk", "status", "next_attempt_at", "id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    subscription_pk: Mapped[int] = mapped_column(
        ForeignKey("webhook_subscriptions.id", ondelete="CASCADE")
    )
    event: Mapped[str] = mapped_column(String(64))
    request_id: Mapped[str] = mapped_column(String(36))  # x-zm-request-id: one per event
    event_at: Mapped[datetime] = mapped_column(UtcDateTime)
    body: Mapped[str] = mapped_column(Text)
    link_nonce: Mapped[str | None] = mapped_column(String(32), nullable=True)
    status: Mapped[str] = mapped_column(String(16))  # pending | sent | failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UtcDateTime)
    claimed_until: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    claim_token: Mapped[str | None] = mapped_column(String(32), nullable=True)
    last_attempt_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    last_status: Mapped[int | None] = mapped_column(Integer, nullable=True)
    last_duration_ms: Mapped[int | None] = mapped_column(Integer, nullable=True)
    last_error: Mapped[str] = mapped_column(Text, default="")
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
