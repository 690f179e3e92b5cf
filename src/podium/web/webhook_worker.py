"""The webhook delivery worker of `podium serve` (and `podium webhook send-pending`).

Each subscribed endpoint is a lane: at most LANE_CONCURRENCY requests in flight and a few
claimed deliveries waiting, so a slow or dead endpoint holds up only itself; all lanes share a
bounded pool (POOL_SIZE requests at once). Deliveries are claimed from the outbox with a lease
on the real clock (renewed while held), so two workers never send the same attempt, and a
worker that died (kill -9) loses its claims to the next one: at least once. Outcomes are
written in batches. The worker wakes when a change commits (a live consumer of the runtime)
and polls every POLL_SECONDS for retries and re-validations, which are due on the server clock
(the sandbox's virtual clock moves them). Sandbox fault rules with a webhook target apply to
each attempt (web/faults.py).

`status()` tells whether the worker is alive and how much it still owes (for readiness and
metrics).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
import time
from collections import Counter, deque
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial
from typing import TYPE_CHECKING, Any

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from podium.clock import SystemClock
from podium.db.models import WebhookSubscription
from podium.errors import StorageUnavailable
from podium.events import Event
from podium.services import webhook_outbox as outbox
from podium.services import webhook_subscriptions as subscriptions
from podium.services.tokens import personal_token
from podium.services.webhook_payloads import EVENT_NAMES, URL_VALIDATION, with_join_url
from podium.web.faults import Faults, WebhookFaultRule
from podium.web.runtime import Runtime

if TYPE_CHECKING:  # aiohttp loads when the first request goes out (startup stays quick)
    from podium.web.webhook_client import Answer, WebhookClient

log = logging.getLogger("podium.webhooks")
LANE_CONCURRENCY = 8
LANE_CLAIMED = 8 * LANE_CONCURRENCY  # claimed and waiting, per lane
POOL_SIZE = 64
LEASE = timedelta(seconds=15)
POLL_SECONDS = 0.25
MIN_ROUND_SECONDS = 0.02
RECORD_BATCH = 200


@dataclass
class Lane:
    """One endpoint: its deliveries claimed and waiting, and how many are in flight."""

    pk: int
    subscription_id: str
    url: str
    secret_token: str
    waiting: deque[outbox.Claimed] = field(default_factory=deque)
    in_flight: int = 0

    @property
    def claimed(self) -> int:
        return len(self.waiting) + self.in_flight


class WebhookWorker:
    def __init__(
        self,
        runtime: Runtime,
        faults: Faults | None = None,
        *,
        client: WebhookClient | None = None,
        poll_seconds: float = POLL_SECONDS,
    ) -> None:
        self.runtime = runtime
        self.faults = faults
        self.clock = runtime.context.clock
        self.real_clock = SystemClock()
        self._client = client
        self.poll_seconds = poll_seconds
        self.token = secrets.token_hex(16)
        self.lanes: dict[int, Lane] = {}
        self.holding: set[int] = set()  # claimed by this worker, not yet recorded
        self._pool = asyncio.Semaphore(POOL_SIZE)
        self._outcomes: list[outbox.Attempt] = []
        self._tasks: set[asyncio.Task[Any]] = set()
        self._validating: set[int] = set()
        self._wake: asyncio.Event | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._main: asyncio.Task[None] | None = None
        self._renewed_at = time.monotonic()
        self._stopping = False
        self.last_round_at: float | None = None  # time.monotonic() of the last round
        self.report = Counter({"sent": 0, "pending": 0, "failed": 0})  # attempts' outcomes

    # -- life ------------------------------------------------------------------------------

    def heard(self, events: Sequence[Event]) -> None:
        """A live consumer: committed events may have written deliveries (any thread)."""
        loop = self._loop
        if loop is not None and any(type(event) in EVENT_NAMES for event in events):
            with contextlib.suppress(RuntimeError):  # the loop closed meanwhile
                loop.call_soon_threadsafe(self.wake)

    def wake(self) -> None:
        """Look for work now, not at the next poll (on the worker's loop)."""
        if self._wake is not None:
            self._wake.set()

    async def start(self) -> None:
        """Deliver in the background (not on a runtime bound to a test's connection)."""
        if not self.runtime.background:
            return
        self._loop, self._wake = asyncio.get_running_loop(), asyncio.Event()
        self.runtime.subscribe(self.heard)
        self._main = asyncio.create_task(self._forever(), name="podium-webhooks")

    async def stop(self) -> None:
        self._stopping = True
        if self._main is not None:
            self._main.cancel()
            await asyncio.gather(self._main, return_exceptions=True)
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._safely(self._flush)
        unsent = list(self.holding)
        self._safely(lambda s: outbox.release(s, unsent, token=self.token))
        self.holding.clear()
        if self._client is not None:
            await self._client.close()

    @property
    def client(self) -> WebhookClient:
        if self._client is None:
            from podium.web.webhook_client import WebhookClient

            allowed = self.runtime.settings.webhooks_may_reach_private
            self._client = WebhookClient(allow_private=allowed)
        return self._client

    @property
    def alive(self) -> bool:
        return self._main is not None and not self._main.done()

    def problem(self) -> str | None:
        """/readyz, without the database: the worker was started and is no longer running."""
        return "stopped" if self._main is not None and self._main.done() else None

    def status(self) -> dict[str, Any]:
        """Liveness and backlog: alive, seconds since the last round, deliveries owed
        (pending in the outbox), held by this worker, in flight."""
        since = None if self.last_round_at is None else time.monotonic() - self.last_round_at
        return {
            "alive": self.alive,
            "seconds_since_round": since,
            "backlog": self.runtime.run(outbox.backlog, writes=False),
            "holding": len(self.holding),
            "in_flight": sum(lane.in_flight for lane in self.lanes.values()),
        }

    async def _forever(self) -> None:
        while not self._stopping:
            await self._cycle()

    async def _cycle(self) -> int:
        """A round, then a wait for a wake (a commit, a lane running low) or the poll; rounds
        are at least MIN_ROUND_SECONDS apart, so claims and outcomes go in batches."""
        wake = self._wake = self._wake or asyncio.Event()
        wake.clear()
        began = time.monotonic()
        claimed = 0
        try:
            claimed = await self.round()
        except (SQLAlchemyError, StorageUnavailable):  # the database is away: later
            log.exception("webhook round failed")
        with contextlib.suppress(TimeoutError):  # not wait_for: it can swallow a cancel
            async with asyncio.timeout(self.poll_seconds):
                await wake.wait()
        rest = MIN_ROUND_SECONDS - (time.monotonic() - began)
        if rest > 0:
            await asyncio.sleep(rest)
        return claimed

    async def run_until_idle(self) -> None:
        """Send what is due (retries and re-validations included) until nothing is left
        that is due now; what `podium webhook send-pending` does."""
        while await self._cycle() or self._tasks:
            pass
        self._safely(self._flush)

    # -- a round ---------------------------------------------------------------------------

    async def round(self) -> int:
        """Validations due; then, in one transaction, the outcomes so far written, leases
        renewed, and claims for every lane with room; how many were claimed."""
        self.last_round_at = time.monotonic()
        self._start_validations()
        now, real_now = self.clock.now(), self.real_clock.now()
        done, self._outcomes = self._outcomes, []
        renew = self._leases_due()
        if not done and not renew and not self._anything_due(now, real_now):
            return 0  # an idle round reads, it does not open a writing transaction
        try:
            taken = self.runtime.run(
                partial(self._exchange, done, renew, now, real_now), writes=True
            )
        except (SQLAlchemyError, StorageUnavailable):
            self._outcomes = done + self._outcomes  # written next time
            raise
        self._settled(done)
        claimed = 0
        for lane, items in taken:
            claimed += len(items)
            self.holding.update(item.id for item in items)
            lane.waiting.extend(items)
            self._dispatch(lane)
        return claimed

    def _anything_due(self, now: datetime, real_now: datetime) -> bool:
        try:
            lanes = self.runtime.run(
                partial(outbox.due_lanes, now=now, real_now=real_now), writes=False
            )
        except (SQLAlchemyError, StorageUnavailable):
            return True  # let the round meet the error and say so
        return bool(lanes)

    def _exchange(
        self,
        done: list[outbox.Attempt],
        renew: bool,
        now: datetime,
        real_now: datetime,
        session: Session,
    ) -> list[tuple[Lane, list[outbox.Claimed]]]:
        outbox.record(session, done, token=self.token)
        if renew:
            held = [item for item in self.holding if item not in {a.delivery_id for a in done}]
            outbox.renew(session, held, token=self.token, lease_until=real_now + LEASE)
        taken = []
        for pk, public_id, count in outbox.due_lanes(session, now=now, real_now=real_now):
            lane = self.lanes.get(pk)
            if lane is None or lane.subscription_id != public_id:  # new (or a reused pk)
                lane = self._lane(session, pk)
                if lane is None:
                    continue
                self.lanes[pk] = lane
            room = min(count, LANE_CLAIMED - lane.claimed)
            if room > 0:
                items = outbox.claim(
                    session,
                    pk,
                    limit=room,
                    now=now,
                    real_now=real_now,
                    lease_until=real_now + LEASE,
                    token=self.token,
                    holding=frozenset(self.holding),
                )
                taken.append((lane, items))
        return taken

    def _lane(self, session: Session, pk: int) -> Lane | None:
        found = session.get_one(WebhookSubscription, pk)
        key = self.runtime.context.issuer.key
        try:
            secret = subscriptions.open_secret(key, found.subscription_id, found.secret_token)
        except ValueError:  # sealed under another instance key: its deliveries wait
            log.exception("webhook %s: its secret token cannot be decrypted", found.subscription_id)
            return None
        return Lane(pk, found.subscription_id, found.url, secret)

    def _dispatch(self, lane: Lane) -> None:
        while not self._stopping and lane.waiting and lane.in_flight < LANE_CONCURRENCY:
            item = lane.waiting.popleft()
            rule = self.faults.pick_webhook(item.event) if self.faults else None
            if rule is not None and rule.reorder_ms:  # held aside: later ones overtake it
                self._spawn(self._held(lane, item, rule))
                continue
            lane.in_flight += 1
            self._spawn(self._deliver(lane, item, rule))

    def _spawn(self, work: Any) -> None:
        task = asyncio.create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _held(self, lane: Lane, item: outbox.Claimed, rule: WebhookFaultRule) -> None:
        await asyncio.sleep(rule.reorder_ms / 1000)
        lane.in_flight += 1
        await self._deliver(lane, item, rule)

    async def _deliver(
        self, lane: Lane, item: outbox.Claimed, rule: WebhookFaultRule | None
    ) -> None:
        try:
            async with self._pool:
                attempt = await self._attempt(lane, item, rule)
            self._outcomes.append(attempt)
            if not attempt.succeeded and attempt.http_status is None:
                log.warning("webhook %s to %s: %s", item.event, lane.url, attempt.error)
        finally:
            lane.in_flight -= 1
            self._dispatch(lane)
            if len(self._outcomes) >= RECORD_BATCH:
                self._safely(self._flush)
            if lane.claimed <= LANE_CLAIMED // 2 and self._wake is not None:
                self._wake.set()  # claim more for this lane without waiting for the poll

    async def _attempt(
        self, lane: Lane, item: outbox.Claimed, rule: WebhookFaultRule | None
    ) -> outbox.Attempt:
        from podium.web.webhook_client import Answer, request_headers

        now = self.clock.now()

        def attempt(answer: Answer) -> outbox.Attempt:
            ok = answer.status is not None and 200 <= answer.status < 300
            error = "" if ok else answer.shown()[:2000]
            return outbox.Attempt(
                item.id, item.attempts, now, answer.status, answer.duration_ms, error, answer.final
            )

        if rule is not None and rule.delay_ms:
            await asyncio.sleep(rule.delay_ms / 1000)
        if rule is not None and rule.drop:
            return attempt(Answer(None, b"", 0, "lost in transit (sandbox fault: drop)"))
        if rule is not None and rule.fail_status is not None:
            return attempt(Answer(rule.fail_status, b"(sandbox fault: fail_status)", 0))
        raw = self._body(item).encode()
        headers = request_headers(
            lane.secret_token,
            raw,
            timestamp=int(now.timestamp()),
            request_id=item.request_id,
            bad_signature=rule is not None and rule.bad_signature,
        )
        answer = await self.client.post(lane.url, raw, headers)
        for _ in range(rule.duplicate if rule is not None else 0):
            await self.client.post(lane.url, raw, headers)
        return attempt(answer)

    def _body(self, item: outbox.Claimed) -> str:
        """The stored body, with the registrant's personal join link when it has one."""
        if item.link_nonce is None:
            return item.body
        context = self.runtime.context
        token = personal_token(context.issuer.key, item.link_nonce)
        return with_join_url(
            item.body, lambda webinar_id: context.urls.personal_url(webinar_id, token)
        )

    # -- the database ------------------------------------------------------------------------

    def _flush(self, session: Session) -> None:
        done, self._outcomes = self._outcomes, []
        outbox.record(session, done, token=self.token)
        self._settled(done)

    def _settled(self, done: list[outbox.Attempt]) -> None:
        self.holding.difference_update(attempt.delivery_id for attempt in done)
        for attempt in done:
            self.report[str(outbox.settle(attempt)["status"])] += 1

    def _safely(self, work: Any) -> None:
        try:
            self.runtime.run(work, writes=True)
        except (SQLAlchemyError, StorageUnavailable):
            log.exception("webhook outbox write failed")

    def _leases_due(self) -> bool:
        """Time to renew the leases of what this worker holds (well before they run out)."""
        if not self.holding or time.monotonic() - self._renewed_at < LEASE.total_seconds() / 3:
            return False
        self._renewed_at = time.monotonic()
        return True

    # -- URL validation every 72 hours ------------------------------------------------------

    def _start_validations(self) -> None:
        now = self.clock.now()
        due = self.runtime.run(lambda s: subscriptions.due_validations(s, now), writes=False)
        for subscription in due:
            if subscription.id not in self._validating:
                self._validating.add(subscription.id)
                self._spawn(self._revalidate(subscription))

    async def _revalidate(self, subscription: WebhookSubscription) -> None:
        try:
            secret = subscriptions.open_secret(
                self.runtime.context.issuer.key,
                subscription.subscription_id,
                subscription.secret_token,
            )
            error = await self.validate(subscription.url, secret)
            now = self.clock.now()
            self.runtime.run(
                lambda s: subscriptions.record_validation(s, subscription.id, error=error, now=now),
                writes=True,
            )
            self.runtime.webhook_subscriptions_changed()
            self.lanes.pop(subscription.id, None)
        finally:
            self._validating.discard(subscription.id)

    async def validate(self, url: str, secret_token: str) -> str | None:
        """Zoom's challenge to `url` (sandbox faults apply): None, or what went wrong."""
        from podium.web.webhook_client import Answer

        ids, now = self.runtime.context.issuer.ids, self.clock.now()
        plain_token = ids.token()
        rule = self.faults.pick_webhook(URL_VALIDATION) if self.faults else None
        if rule is not None and (rule.delay_ms or rule.reorder_ms):
            await asyncio.sleep((rule.delay_ms + rule.reorder_ms) / 1000)
        if rule is not None and rule.drop:
            return "lost in transit (sandbox fault: drop)"
        if rule is not None and rule.fail_status is not None:
            return Answer(rule.fail_status, b"(sandbox fault: fail_status)", 0).shown()
        return await self.client.validate(
            url,
            secret_token,
            plain_token=plain_token,
            now=now,
            request_id=ids.request_id(),
            bad_signature=rule is not None and rule.bad_signature,
        )
