"""Seeding: accounts, users, webinars, panelists, registrants and polls from one document.

The document (JSON or YAML) is a list of accounts; webinar fields are the v1 create
parameters, so the same validation applies and a bad field is the same 300 error, prefixed
with where it is. Everything is written in one transaction, or nothing is.

    accounts:
      - name: Acme
        host_email: host@acme.test
        api_key: acme-key            # optional: fixed credentials for CI
        api_secret: acme-secret-...  # (at least 16 characters)
        users: [{email: second@acme.test}]
        webinars:
          - topic: Launch
            type: 5
            start_time: "2026-12-01T15:00:00Z"
            approval_type: 1
            panelists: [{name: Pat, email: pat@acme.test}]
            registrants:
              - {email: ann@example.com, first_name: Ann, status: approved}
            polls:
              - {title: Pulse, questions: [{name: Ready?, answers: [Yes, No]}]}
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy.orm import Session

from podium.api.actions import run_for_account
from podium.api.call import ApiContext, Json
from podium.api.webinar_params import valid_email
from podium.codes import ApprovalType, RegistrantStatus
from podium.errors import InvalidParameter, ZoomError
from podium.services import accounts, lookup, polls, registrants
from podium.services.accounts import KeyPair
from podium.text import has_control

MAX_ACCOUNTS, MAX_WEBINARS, MAX_REGISTRANTS = 100, 500, 10_000
REGISTRANT_STATUSES = (
    RegistrantStatus.PENDING,
    RegistrantStatus.APPROVED,
    RegistrantStatus.CANCELLED,
    RegistrantStatus.DENIED,
)


def _wire(value: object) -> str:
    """A seed value as the v1 wire would carry it."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict | list):
        return json.dumps(value)
    return str(value)


def _items(data: dict[str, Any], key: str, where: str, limit: int) -> list[dict[str, Any]]:
    items = data.get(key, [])
    if not isinstance(items, list) or len(items) > limit:
        raise InvalidParameter(name=f"{where}.{key}", reason=f"A list of at most {limit} objects.")
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            raise InvalidParameter(name=f"{where}.{key}[{index}]", reason="It must be an object.")
    return items


def _text(data: dict[str, Any], key: str, where: str, default: str | None = None) -> str:
    value = data.get(key, default)
    if not isinstance(value, str) or not value.strip() or len(value) > 300 or has_control(value):
        raise InvalidParameter(
            name=f"{where}.{key}", reason="Text of 1 to 300 characters, no controls."
        )
    return value.strip()


def _key_pair(data: dict[str, Any], where: str) -> KeyPair | None:
    if "api_key" not in data and "api_secret" not in data:
        return None
    api_key = _text(data, "api_key", where)
    api_secret = _text(data, "api_secret", where)
    if len(api_secret) < 16:
        raise InvalidParameter(name=f"{where}.api_secret", reason="At least 16 characters.")
    return KeyPair(api_key, api_secret)


class Seeder:
    def __init__(self, session: Session, context: ApiContext) -> None:
        self.session = session
        self.context = context

    def run(self, document: object) -> Json:
        if not isinstance(document, dict):
            raise InvalidParameter(name="seed", reason='An object with "accounts": [...].')
        specs = _items(document, "accounts", "seed", MAX_ACCOUNTS)
        return {"accounts": [self.account(spec, f"accounts[{i}]") for i, spec in enumerate(specs)]}

    def account(self, spec: dict[str, Any], where: str) -> Json:
        issuer, now = self.context.issuer, self.context.clock.now()
        created = accounts.create_account(
            self.session,
            name=_text(spec, "name", where, "Seeded"),
            host_email=valid_email(
                _text(spec, "host_email", where, "host@example.com"), f"{where}.host_email"
            ),
            key=issuer.key,
            ids=issuer.ids,
            now=now,
            pair=_key_pair(spec, where),
        )
        if "capacity" in spec:
            capacity = spec["capacity"]
            if not isinstance(capacity, int) or isinstance(capacity, bool) or capacity < 0:
                raise InvalidParameter(name=f"{where}.capacity", reason="A whole number ≥ 0.")
            accounts.set_capacity(self.session, created.account_id, capacity)
        users = [
            accounts.add_user(
                self.session,
                created.account_id,
                email=valid_email(
                    _text(user, "email", f"{where}.users[{i}]"), f"{where}.users[{i}]"
                ),
                has_webinar=bool(user.get("webinar", True)),
                ids=issuer.ids,
                now=now,
            ).host_id
            for i, user in enumerate(_items(spec, "users", where, MAX_ACCOUNTS))
        ]
        seeded = [
            self.webinar(created.account_id, created.host_id, item, f"{where}.webinars[{i}]")
            for i, item in enumerate(_items(spec, "webinars", where, MAX_WEBINARS))
        ]
        return {
            "account_id": created.account_id,
            "api_key": created.api_key,
            "api_secret": created.api_secret,
            "host_id": created.host_id,
            "user_host_ids": users,
            "webinars": seeded,
        }

    def email(self, spec: dict[str, Any], where: str) -> str:
        return valid_email(_text(spec, "email", where), f"{where}.email")

    def action(self, name: str, account_id: int, values: dict[str, Any], where: str) -> Json:
        wire = {key: _wire(value) for key, value in values.items() if value is not None}
        try:
            return run_for_account(name, wire, self.context, self.session, account_id)
        except ZoomError as error:
            raise InvalidParameter(name=where, reason=str(error)) from None

    def webinar(self, account_id: int, host_id: str, spec: dict[str, Any], where: str) -> Json:
        fields = {k: v for k, v in spec.items() if k not in ("registrants", "polls")}
        fields.setdefault("host_id", host_id)
        created = self.action("webinar/create", account_id, fields, where)
        webinar = lookup.find_webinar(self.session, created["id"], account_id=account_id)
        people = [
            self.registrant(account_id, webinar.id, item, f"{where}.registrants[{i}]")
            for i, item in enumerate(_items(spec, "registrants", where, MAX_REGISTRANTS))
        ]
        poll_ids = []
        for index, item in enumerate(_items(spec, "polls", where, polls.MAX_QUESTIONS)):
            try:
                title, questions = polls.parse_poll(item)
            except ZoomError as error:
                raise InvalidParameter(name=f"{where}.polls[{index}]", reason=str(error)) from None
            poll = polls.create_poll(
                self.session, webinar, title, questions, now=self.context.clock.now()
            )
            poll_ids.append(poll.id)
        return {
            "id": created["id"],
            "uuid": created["uuid"],
            "registrants": people,
            "poll_ids": poll_ids,
        }

    def registrant(
        self, account_id: int, webinar_id: int, spec: dict[str, Any], where: str
    ) -> Json:
        status = spec.get("status")
        if status is not None and status not in REGISTRANT_STATUSES:
            raise InvalidParameter(
                name=f"{where}.status", reason="pending, approved, cancelled or denied."
            )
        fields = {k: v for k, v in spec.items() if k != "status"}
        fields["id"] = webinar_id
        answer = self.action("webinar/register", account_id, fields, where)
        webinar = lookup.find_webinar(self.session, webinar_id, account_id=account_id)
        ids, now = [str(answer["registrant_id"])], self.context.clock.now()
        try:
            manual = webinar.approval_type == ApprovalType.MANUAL
            if status == RegistrantStatus.APPROVED and manual:
                registrants.approve(self.session, webinar, ids, name="status", now=now)
            elif status == RegistrantStatus.DENIED:
                registrants.deny(self.session, webinar, ids, name="status", now=now)
            elif status == RegistrantStatus.CANCELLED:
                registrants.cancel(
                    self.session, webinar, ids, name="status", occurrence_id=None, now=now
                )
            elif status == RegistrantStatus.PENDING and not manual:
                raise InvalidParameter(
                    name="status", reason="Only manual approval webinars have pending registrants."
                )
        except ZoomError as error:
            raise InvalidParameter(name=where, reason=str(error)) from None
        return {
            "email": spec.get("email"),
            "registrant_id": answer["registrant_id"],
            "join_url": answer["join_url"],
        }


def seed(session: Session, context: ApiContext, document: object) -> Json:
    return Seeder(session, context).run(document)
