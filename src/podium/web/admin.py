"""The management API (/podium/api): accounts, keys, reset, seed, export, and the sandbox's
controls (virtual clock, simulated runs, request journal, fault injection).

Protected by a bearer token (PODIUM_ADMIN_TOKEN). Without one it is refused entirely,
except on a `--sandbox` server, where calls from the loopback interface need no token.
Answers are JSON; refusals are the v1 error envelope with a matching HTTP status.
Documented in docs/management-api.md and under the "podium" tag of /v1/openapi.yaml.
"""

from __future__ import annotations

import hmac
import ipaddress
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import yaml
from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from podium.api.account_export import export_account
from podium.api.seed import seed
from podium.api.webinar_params import valid_email
from podium.clock import VirtualClock
from podium.db.transfer import reset_everything
from podium.errors import (
    AdminTokenRequired,
    InvalidParameter,
    ManagementDisabled,
    MissingParameter,
    NotFound,
    SandboxOnly,
    ZoomError,
)
from podium.numbers import ascii_int
from podium.services import accounts, lookup, simulation, webinars
from podium.services.accounts import KeyPair
from podium.text import has_control
from podium.timestamps import format_timestamp, parse_timestamp
from podium.web.errors import management_refusal
from podium.web.faults import Faults
from podium.web.forms import read_body
from podium.web.journal import Journal
from podium.web.proxy import came_through_proxy
from podium.web.runtime import Runtime

MAX_ADMIN_BODY = 16 * 1024 * 1024  # seed documents can be large
YAML_TYPES = frozenset({"application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml"})
CLOCK_STEPS = ("weeks", "days", "hours", "minutes", "seconds")
Endpoint = Callable[[Request], Awaitable[Response]]


def is_loopback(host: str | None) -> bool:
    try:
        return host is not None and ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _object(data: object) -> dict[str, Any]:
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise InvalidParameter(name="body", reason="It must be a JSON object.")
    return data


def _text(data: dict[str, Any], name: str, default: str | None = None) -> str:
    value = data.get(name, default)
    if value is None:
        raise MissingParameter(name=name)
    if not isinstance(value, str) or not value.strip() or len(value) > 300 or has_control(value):
        raise InvalidParameter(name=name, reason="Text of 1 to 300 characters, no controls.")
    return value.strip()


@dataclass(frozen=True)
class ClockChange:
    """POST /podium/api/clock: {"frozen": bool, "set": time, "advance": {"days": 1, ...}}."""

    frozen: bool | None
    at: datetime | None
    steps: dict[str, float]

    @classmethod
    def parse(cls, data: dict[str, Any]) -> ClockChange:
        unknown = sorted(set(data) - {"set", "advance", "frozen"})
        if unknown:
            raise InvalidParameter(name=unknown[0], reason="Use set, advance or frozen.")
        steps = _object(data.get("advance"))
        for name, value in steps.items():
            if (
                name not in CLOCK_STEPS
                or isinstance(value, bool)
                or not isinstance(value, int | float)
            ):
                raise InvalidParameter(
                    name="advance", reason=f"An object of {', '.join(CLOCK_STEPS)} numbers."
                )
        frozen = data.get("frozen")
        if frozen is not None and not isinstance(frozen, bool):
            raise InvalidParameter(name="frozen", reason="true or false.")
        at = data.get("set")
        if at is not None and not isinstance(at, str):
            raise InvalidParameter(name="set", reason="A time such as 2026-01-15T12:00:00Z.")
        return cls(frozen, None if at is None else parse_timestamp(at, name="set"), steps)

    def apply(self, clock: VirtualClock) -> None:
        if self.frozen is True:
            clock.freeze()
        if self.at is not None:
            clock.set(self.at)
        if self.steps:
            try:
                clock.advance(**self.steps)
            except OverflowError:
                raise InvalidParameter(name="advance", reason="That is too far.") from None
        if self.frozen is False:
            clock.resume()


class Admin:
    def __init__(
        self,
        runtime: Runtime,
        journal: Journal,
        faults: Faults,
        actions: frozenset[str],
        *,
        on_reset: Callable[[], None] = lambda: None,
    ):
        self.runtime = runtime
        self.journal = journal
        self.faults = faults
        self.actions = actions
        self.on_reset = on_reset  # what else forgets everything (the v2 token cache)

    def routes(self) -> list[Route]:
        guarded = self.guarded
        return [
            Route("/podium/api/accounts", guarded(self.create_account), methods=["POST"]),
            Route(
                "/podium/api/accounts/{account_id}/users", guarded(self.add_user), methods=["POST"]
            ),
            Route(
                "/podium/api/accounts/{account_id}/keys", guarded(self.new_key), methods=["POST"]
            ),
            Route(
                "/podium/api/accounts/{account_id}/reset",
                guarded(self.reset_account),
                methods=["POST"],
            ),
            Route(
                "/podium/api/accounts/{account_id}/export", guarded(self.export), methods=["GET"]
            ),
            Route("/podium/api/reset", guarded(self.reset), methods=["POST"]),
            Route("/podium/api/seed", guarded(self.seed), methods=["POST"]),
            Route("/podium/api/clock", guarded(self.clock), methods=["GET", "POST"]),
            Route("/podium/api/journal", guarded(self.journal_calls), methods=["GET", "DELETE"]),
            Route(
                "/podium/api/faults", guarded(self.fault_rules), methods=["GET", "POST", "DELETE"]
            ),
            Route("/podium/api/faults/{rule_id}", guarded(self.remove_fault), methods=["DELETE"]),
            Route(
                "/podium/api/webinars/{webinar_id}/simulate",
                guarded(self.simulate),
                methods=["POST"],
            ),
        ]

    # -- access -------------------------------------------------------------------------

    def authorize(self, request: Request) -> None:
        token = self.runtime.settings.admin_token
        if token is None:
            client = request.client.host if request.client else None
            # Behind a proxy on this machine every request comes from loopback: one that came
            # through a proxy is not the machine's own (web/proxy.py).
            if (
                self.runtime.settings.sandbox
                and is_loopback(client)
                and not came_through_proxy(request.scope)
            ):
                return
            raise ManagementDisabled
        scheme, _, given = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(
            given.strip().encode(), token.encode()
        ):
            raise AdminTokenRequired

    def guarded(self, endpoint: Endpoint) -> Endpoint:
        """`endpoint`, refused unless `authorize` lets the caller in; refusals rendered."""

        async def guarded(request: Request) -> Response:
            try:
                self.authorize(request)
                return await endpoint(request)
            except ZoomError as error:
                return management_refusal(error)

        return guarded

    async def _body(self, request: Request) -> object:
        raw = await read_body(request, limit=MAX_ADMIN_BODY)
        if not raw.strip():
            return None
        kind = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
        try:
            if kind in YAML_TYPES:
                return yaml.safe_load(raw.decode("utf-8"))
            return json.loads(raw)
        except (ValueError, yaml.YAMLError):
            what = "YAML" if kind in YAML_TYPES else "JSON"
            raise InvalidParameter(name="body", reason=f"It is not valid {what}.") from None

    def _account_id(self, request: Request, session: Session) -> int:
        text = request.path_params["account_id"]
        number = ascii_int(text, max_digits=12)
        if number is None:
            raise NotFound(what="account", key=text[:40])
        return accounts.get_account(session, number).id

    # -- accounts -----------------------------------------------------------------------

    async def create_account(self, request: Request) -> Response:
        data = _object(await self._body(request))
        pair = None
        if "api_key" in data or "api_secret" in data:
            pair = KeyPair(_text(data, "api_key"), _text(data, "api_secret"))
            if len(pair.api_secret) < 16:
                raise InvalidParameter(name="api_secret", reason="At least 16 characters.")
        name, host_email = (
            _text(data, "name", "Sandbox"),
            valid_email(_text(data, "host_email", "host@example.com"), "host_email"),
        )
        context = self.runtime.context

        def work(session: Session) -> dict[str, Any]:
            created = accounts.create_account(
                session,
                name=name,
                host_email=host_email,
                key=context.issuer.key,
                ids=context.issuer.ids,
                now=context.clock.now(),
                pair=pair,
            )
            return vars(created)

        return JSONResponse(self.runtime.run(work, writes=True), 201)

    async def add_user(self, request: Request) -> Response:
        data = _object(await self._body(request))
        email = valid_email(_text(data, "email"), "email")
        webinar = data.get("webinar", True)
        if not isinstance(webinar, bool):
            raise InvalidParameter(name="webinar", reason="true or false.")
        context = self.runtime.context

        def work(session: Session) -> dict[str, Any]:
            account_id = self._account_id(request, session)
            user = accounts.add_user(
                session,
                account_id,
                email=email,
                has_webinar=webinar,
                ids=context.issuer.ids,
                now=context.clock.now(),
            )
            return {"host_id": user.host_id, "email": user.email, "webinar": user.has_webinar}

        return JSONResponse(self.runtime.run(work, writes=True), 201)

    async def new_key(self, request: Request) -> Response:
        context = self.runtime.context

        def work(session: Session) -> dict[str, Any]:
            account_id = self._account_id(request, session)
            pair = accounts.rotate_key(
                session,
                account_id,
                key=context.issuer.key,
                ids=context.issuer.ids,
                now=context.clock.now(),
            )
            return {"api_key": pair.api_key, "api_secret": pair.api_secret}

        return JSONResponse(self.runtime.run(work, writes=True), 201)

    async def reset_account(self, request: Request) -> Response:
        def work(session: Session) -> dict[str, Any]:
            account_id = self._account_id(request, session)
            return {"webinars_deleted": webinars.forget_account_data(session, account_id)}

        return JSONResponse(self.runtime.run(work, writes=True))

    async def export(self, request: Request) -> Response:
        def work(session: Session) -> dict[str, Any]:
            account_id = self._account_id(request, session)
            return export_account(session, self.runtime.context, account_id)

        return JSONResponse(self.runtime.run(work, writes=False))

    async def reset(self, _request: Request) -> Response:
        """Everything goes: accounts, webinars, the journal and the fault rules."""
        self.runtime.run(reset_everything, writes=True)
        self.on_reset()
        self.journal.clear()
        self.faults.clear()
        return JSONResponse({"reset": True})

    async def seed(self, request: Request) -> Response:
        document = await self._body(request)
        context = self.runtime.context

        def work(session: Session) -> dict[str, Any]:
            return seed(session, context, document)

        return JSONResponse(self.runtime.run(work, writes=True), 201)

    # -- sandbox controls ---------------------------------------------------------------

    def _virtual_clock(self) -> VirtualClock:
        clock = self.runtime.context.clock
        if not self.runtime.settings.sandbox or not isinstance(clock, VirtualClock):
            raise SandboxOnly(what="The virtual clock")
        return clock

    async def clock(self, request: Request) -> Response:
        clock = self._virtual_clock()
        if request.method == "POST":
            change = ClockChange.parse(_object(await self._body(request)))
            change.apply(clock)
        return JSONResponse({"now": format_timestamp(clock.now()), "frozen": clock.frozen})

    async def journal_calls(self, request: Request) -> Response:
        if request.method == "DELETE":
            self.journal.clear()
            return JSONResponse({"calls": []})
        query = request.query_params
        limit_text = query.get("limit")
        limit = None if limit_text is None else ascii_int(limit_text, max_digits=7)
        if limit_text is not None and not limit:
            raise InvalidParameter(name="limit", reason="A whole number above 0.")
        found = self.journal.calls(
            query.get("action") or None, api_key=query.get("api_key") or None, limit=limit
        )
        return JSONResponse({"calls": [call.as_json() for call in found]})

    async def fault_rules(self, request: Request) -> Response:
        if request.method == "POST":
            rule = self.faults.add(await self._body(request), self.actions)
            return JSONResponse(rule.as_json(), 201)
        if request.method == "DELETE":
            self.faults.clear()
        return JSONResponse({"faults": [rule.as_json() for rule in self.faults.rules()]})

    async def remove_fault(self, request: Request) -> Response:
        text = request.path_params["rule_id"]
        number = ascii_int(text, max_digits=9)
        if number is None or not self.faults.remove(number):
            raise NotFound(what="fault rule", key=text[:40])
        return JSONResponse({"faults": [rule.as_json() for rule in self.faults.rules()]})

    async def simulate(self, request: Request) -> Response:
        plan = simulation.parse_plan(await self._body(request))
        context = self.runtime.context

        def work(session: Session) -> dict[str, Any]:
            webinar = lookup.find_webinar(
                session, request.path_params["webinar_id"], account_id=None
            )
            story = simulation.simulate(
                session, webinar, plan, ids=context.issuer.ids, now=context.clock.now()
            )
            return {"id": webinar.id, "sessions": story}

        return JSONResponse(self.runtime.run(work, writes=True))
