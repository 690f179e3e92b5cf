"""Delivery of the outbox over SMTP: claim due messages atomically, send each, record the
outcome; failures are retried with exponential backoff, then marked failed.

Two workers (processes or `podium mail send-pending` beside `podium serve`) never send the same
message: a message is claimed by one UPDATE that only succeeds while nobody else holds it.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Protocol, TypeVar
from urllib.parse import parse_qs, unquote, urlsplit

import aiosmtplib
from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from podium.clock import Clock
from podium.codes import DeliveryStatus
from podium.db.models import OutboxMessage
from podium.mail.compose import BadRecipient, compose
from podium.mail.render import MailContext, render

T = TypeVar("T")
LEASE = timedelta(minutes=2)  # a claim older than this is free again (its worker died)
MAX_BACKOFF = timedelta(hours=6)


class Transactions(Protocol):
    def run(self, work: Callable[[Session], T], *, writes: bool) -> T: ...


@dataclass(frozen=True)
class SmtpTarget:
    hostname: str
    port: int
    username: str | None = None
    password: str | None = None
    use_tls: bool = False  # smtps://: TLS from the first byte
    start_tls: bool = False  # smtp://…?starttls=1
    timeout: float = 30

    @classmethod
    def from_url(cls, url: str) -> SmtpTarget:
        """smtp://user:pass@host:587?starttls=1, or smtps://host:465; ?timeout=seconds."""
        parts = urlsplit(url)
        if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
            raise ValueError("PODIUM_SMTP_URL looks like smtp://user:pass@host:587?starttls=1")
        query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
        secure = parts.scheme == "smtps"
        return cls(
            hostname=parts.hostname,
            port=parts.port or (465 if secure else 25),
            username=unquote(parts.username) if parts.username else None,
            password=unquote(parts.password) if parts.password else None,
            use_tls=secure,
            start_tls=query.get("starttls", "0").lower() in ("1", "true", "yes"),
            timeout=float(query.get("timeout", "30")),
        )


@dataclass
class DeliveryReport:
    sent: int = 0
    retried: int = 0
    failed: int = 0

    @property
    def attempted(self) -> int:
        return self.sent + self.retried + self.failed


class Permanent(Exception):
    """This message can never be delivered as it is."""


def backoff(attempts: int, base: timedelta) -> timedelta:
    """base, 2·base, 4·base, … (attempts counts this failure), at most MAX_BACKOFF."""
    delay: timedelta = base * (2 ** max(attempts - 1, 0))
    return min(delay, MAX_BACKOFF)


class Delivery:
    def __init__(
        self,
        transactions: Transactions,
        context: MailContext,
        clock: Clock,
        target: SmtpTarget,
        *,
        retry_base: timedelta = timedelta(seconds=30),
        max_attempts: int = 8,
        batch: int = 50,
    ) -> None:
        self.transactions = transactions
        self.context = context
        self.clock = clock
        self.target = target
        self.retry_base = retry_base
        self.max_attempts = max_attempts
        self.batch = batch

    def claim(self, token: str) -> list[OutboxMessage]:
        """Due messages, each claimed by this worker alone (detached copies)."""
        now = self.clock.now()
        free = or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until < now)

        def work(session: Session) -> list[OutboxMessage]:
            due = (
                session.execute(
                    select(OutboxMessage.id)
                    .where(
                        OutboxMessage.status == DeliveryStatus.PENDING,
                        OutboxMessage.next_attempt_at <= now,
                        free,
                    )
                    .order_by(OutboxMessage.id)
                    .limit(self.batch)
                )
                .scalars()
                .all()
            )
            mine = []
            for message_id in due:
                taken = session.execute(
                    update(OutboxMessage)
                    .where(
                        OutboxMessage.id == message_id,
                        OutboxMessage.status == DeliveryStatus.PENDING,
                        free,
                    )
                    .values(claimed_until=now + LEASE, claim_token=token),
                    execution_options={"synchronize_session": False},
                )
                if taken.rowcount:  # type: ignore[attr-defined]
                    mine.append(message_id)
            rows = (
                session.execute(
                    select(OutboxMessage)
                    .where(OutboxMessage.id.in_(mine))
                    .order_by(OutboxMessage.id)
                )
                .scalars()
                .all()
            )
            session.expunge_all()
            return list(rows)

        return self.transactions.run(work, writes=True)

    async def send(self, message: OutboxMessage) -> None:
        now = self.clock.now()
        try:
            rendered = render(message, self.context, now=now)
            email = compose(
                rendered,
                sender=self.context.sender,
                recipient=message.recipient,
                name=message.recipient_name,
                message_id=f"podium-outbox-{message.id}",
                now=now,
            )
        except BadRecipient as error:
            raise Permanent(f"bad recipient: {error}") from None
        target = self.target
        try:
            await aiosmtplib.send(
                email,
                sender=self.context.sender,
                recipients=[email["To"].addresses[0].addr_spec],
                hostname=target.hostname,
                port=target.port,
                username=target.username,
                password=target.password,
                use_tls=target.use_tls,
                start_tls=target.start_tls,
                timeout=target.timeout,
            )
        except aiosmtplib.SMTPRecipientsRefused as error:
            codes = [refusal.code for refusal in error.recipients]
            if all(500 <= code < 600 for code in codes):
                raise Permanent(f"recipient refused: {error}") from None
            raise
        except aiosmtplib.SMTPResponseException as error:
            if 500 <= error.code < 600 and error.code != 530:
                raise Permanent(f"refused: {error.code} {error.message}") from None
            raise

    def record(self, message: OutboxMessage, token: str, error: Exception | None) -> str:
        """Write the outcome (only while this worker's claim holds); the new status."""
        now = self.clock.now()
        attempts = message.attempts + 1
        values: dict[str, object] = {
            "attempts": attempts,
            "claimed_until": None,
            "claim_token": None,
        }
        if error is None:
            values |= {"status": DeliveryStatus.SENT, "sent_at": now, "last_error": ""}
        else:
            gave_up = isinstance(error, Permanent) or attempts >= self.max_attempts
            values |= {
                "status": DeliveryStatus.FAILED if gave_up else DeliveryStatus.PENDING,
                "last_error": f"{type(error).__name__}: {error}"[:2000],
                "next_attempt_at": now + backoff(attempts, self.retry_base),
            }

        def work(session: Session) -> None:
            session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id == message.id, OutboxMessage.claim_token == token)
                .values(**values),
                execution_options={"synchronize_session": False},
            )

        self.transactions.run(work, writes=True)
        return str(values["status"])

    async def run_once(self) -> DeliveryReport:
        """Send what is due now (one batch)."""
        token = secrets.token_hex(16)
        report = DeliveryReport()
        for message in self.claim(token):
            error: Exception | None = None
            try:
                await self.send(message)
            except (TimeoutError, Permanent, aiosmtplib.SMTPException, OSError) as failure:
                error = failure
            status = self.record(message, token, error)
            if status == DeliveryStatus.SENT:
                report.sent += 1
            elif status == DeliveryStatus.FAILED:
                report.failed += 1
            else:
                report.retried += 1
        return report

    async def run_until_idle(self) -> DeliveryReport:
        """Batches until nothing is due (what `podium mail send-pending` does)."""
        total = DeliveryReport()
        while True:
            report = await self.run_once()
            total.sent += report.sent
            total.retried += report.retried
            total.failed += report.failed
            if report.attempted < self.batch:
                return total
