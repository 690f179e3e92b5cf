"""Arranging webinars and registrants through the API, and reading registrants back."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from podium.db.models import OccurrenceRegistration, Registrant
from podium.web.runtime import Runtime
from tests.conftest import PUBLIC_URL, AccountKeys
from tests.http.helpers import v1


def create_webinar(client: TestClient, account: AccountKeys, **params: Any) -> int:
    defaults = {"topic": "Launch", "approval_type": 0, "start_time": "2026-02-01T10:00:00Z"}
    body = v1(client, "webinar/create", account.host_params(**{**defaults, **params}))
    return int(body["id"])


def create_series(client: TestClient, account: AccountKeys, registration_type: int) -> int:
    return create_webinar(
        client,
        account,
        type=9,
        registration_type=registration_type,
        recurrence=json.dumps({"type": 1, "end_times": 3}),
    )


SERIES_OCCURRENCES = ["1769940000000", "1770026400000", "1770112800000"]


def register(
    client: TestClient, account: AccountKeys, webinar_id: int, email: str, **params: Any
) -> dict[str, Any]:
    person = {"first_name": "Ada", "last_name": "Lovelace", **params}
    body: dict[str, Any] = v1(
        client, "webinar/register", account.credentials(id=webinar_id, email=email, **person)
    )
    return body


def registrant_rows(session: Session) -> list[Registrant]:
    session.expire_all()
    return list(session.execute(select(Registrant).order_by(Registrant.id)).scalars())


def statuses(session: Session) -> dict[str, str]:
    return {row.email: row.status for row in registrant_rows(session)}


def occurrence_rows(session: Session, registrant: Registrant) -> list[tuple[int, bool]]:
    return [
        (row.occurrence_pk, row.is_cancelled)
        for row in session.execute(
            select(OccurrenceRegistration)
            .where(OccurrenceRegistration.registrant_pk == registrant.id)
            .order_by(OccurrenceRegistration.occurrence_pk)
        ).scalars()
    ]


def personal_link(runtime: Runtime, webinar_id: int, registrant: Registrant) -> str:
    token = runtime.context.issuer.link_token(registrant.token_nonce)
    return f"{PUBLIC_URL}/w/{webinar_id}?tk={token}"
