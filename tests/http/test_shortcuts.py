"""A shortcut (api/shortcuts.py) answers exactly what the ordinary handler answers, and
leaves every other call, errors included, to that handler."""

from __future__ import annotations

import json
from functools import partial
from typing import Any

import pytest
from sqlalchemy import Connection, select, update
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from podium.api import envelope, registration, shortcuts
from podium.api.actions import ACTIONS, run_action
from podium.api.call import ApiCall
from podium.api.params import Params
from podium.db.models import OutboxMessage, Registrant, User, Webinar
from podium.errors import RegistrationNotRequired, ZoomError
from podium.services.tokens import zak_expiry
from podium.web.runtime import Runtime
from tests.conftest import NOW, AccountKeys
from tests.http.helpers import v1
from tests.http.registration_helpers import create_series, create_webinar
from tests.http.test_statement_counts import counting


def by_handler(runtime: Runtime, params: dict[str, Any]) -> dict[str, Any]:
    work = partial(run_action, ACTIONS["webinar/get"], Params(params), runtime.context)
    return runtime.run(work, writes=False)


def ordinary_answer(runtime: Runtime, params: dict[str, Any]) -> dict[str, Any]:
    """What the handler answers, its error envelope included."""
    try:
        return by_handler(runtime, params)
    except ZoomError as error:
        return envelope.render(error)[0]


def by_shortcut(runtime: Runtime, params: dict[str, Any]) -> dict[str, Any] | None:
    return runtime.read(partial(shortcuts.webinar_get, Params(params), runtime.context))


def without_zak(answer: dict[str, Any]) -> dict[str, Any]:
    return {**answer, "start_url": answer["start_url"].split("?zak=")[0]}


@pytest.mark.parametrize("recurring", [False, True])
def test_the_shortcut_answers_as_the_handler_does(
    runtime: Runtime, client: TestClient, account: AccountKeys, recurring: bool
) -> None:
    if recurring:
        webinar_id = create_series(client, account, registration_type=1)
    else:
        webinar_id = create_webinar(client, account, approval_type=1, agenda="Détails ✓")
    params = account.host_params(id=str(webinar_id))

    fast = by_shortcut(runtime, params)
    ordinary = by_handler(runtime, params)

    assert fast is not None
    assert without_zak(fast) == without_zak(ordinary)
    assert len(fast["occurrences"]) == (3 if recurring else 0)
    zak = fast["start_url"].split("?zak=")[1]  # random per call, and valid for the host
    assert zak_expiry(runtime.context.issuer.key, account.host_id, zak) is not None
    assert zak_expiry(runtime.context.issuer.key, account.host_id, zak) > NOW  # type: ignore[operator]


def test_every_call_it_does_not_answer_gets_the_handlers_error(
    runtime: Runtime,
    client: TestClient,
    account: AccountKeys,
    other_account: AccountKeys,
    session: Session,
) -> None:
    mine = create_webinar(client, account)
    theirs = create_webinar(client, other_account)
    gone = create_webinar(client, account)
    v1(client, "webinar/delete", account.host_params(id=gone))
    cases = {
        "no secret": account.host_params(id=mine, api_secret=""),
        "wrong secret": account.host_params(id=mine, api_secret="x" * 43),
        "unknown key": account.host_params(id=mine, api_key="nobody"),
        "NUL in the key": account.host_params(id=mine, api_key="a\x00b"),
        "NUL in host_id": account.host_params(id=mine, host_id="a\x00b"),
        "no host_id": account.credentials(id=mine),
        "another account's host": account.host_params(id=mine, host_id=other_account.host_id),
        "padded host_id": account.host_params(id=mine, host_id=f" {account.host_id}"),
        "no id": account.host_params(),
        "not a number": account.host_params(id="12ab"),
        "another account's webinar": account.host_params(id=theirs),
        "deleted": account.host_params(id=gone),
        "unknown webinar": account.host_params(id=99999999999),
    }
    codes = {}
    for name, params in cases.items():
        values = {key: str(value) for key, value in params.items()}
        assert by_shortcut(runtime, values) is None, name
        answer = v1(client, "webinar/get", values)
        if "error" not in answer:  # the handler trims a padded host_id: a success
            assert without_zak(answer) == without_zak(ordinary_answer(runtime, values)), name
            codes[name] = 0
        else:
            assert answer == ordinary_answer(runtime, values), name
            codes[name] = answer["error"]["code"]

    assert codes == {
        "no secret": 300,
        "wrong secret": 200,
        "unknown key": 200,
        "NUL in the key": 200,
        "NUL in host_id": 300,
        "no host_id": 300,
        "another account's host": 1001,
        "padded host_id": 0,
        "no id": 300,
        "not a number": 3001,
        "another account's webinar": 3001,
        "deleted": 3001,
        "unknown webinar": 3001,
    }

    session.execute(update(User).where(User.host_id == account.host_id).values(has_webinar=False))
    session.flush()
    assert by_shortcut(runtime, account.host_params(id=str(mine))) is None
    assert v1(client, "webinar/get", account.host_params(id=mine)) == {
        "error": {
            "code": 200,
            "message": "Cannot use webinar API, you need to enable webinar for this user: "
            + account.host_id,
        }
    }


def test_webinar_get_is_one_statement_and_two_for_a_series(
    client: TestClient, account: AccountKeys, connection: Connection
) -> None:
    single = create_webinar(client, account)
    series = create_series(client, account, registration_type=1)

    with counting(connection) as one:
        answer = v1(client, "webinar/get", account.host_params(id=single))
    with counting(connection) as two:
        recurring = v1(client, "webinar/get", account.host_params(id=series))

    assert answer["id"] == single
    assert recurring["id"] == series
    assert len(one) == 1, one
    assert len(two) == 2, two
    assert json.loads(json.dumps(recurring["occurrences"]))[0]["status"] == "available"
    assert Webinar.__tablename__ in one[0]


PERSON = {
    "first_name": "Ada",
    "last_name": "Lovelace",
    "org": "Analytical Engines",
    "language": "fr-FR",
    "comments": "Deux lignes\nici",
    "no_of_employees": "1-20",
}


def handler_register(runtime: Runtime, account: AccountKeys, params: dict[str, Any]) -> Any:
    """webinar/register by its handler alone (run_action would try the shortcut first)."""

    def work(session: Session) -> Any:
        call = ApiCall(Params(params), session, runtime.context, account.account_id, NOW)
        return registration.webinar_register(call)

    return runtime.run(work, writes=True)


def shortcut_register(runtime: Runtime, params: dict[str, Any]) -> Any:
    return runtime.run(
        lambda session: shortcuts.webinar_register(Params(params), runtime.context, session),
        writes=True,
    )


def stored(session: Session, email: str) -> tuple[dict[str, Any], dict[str, Any]]:
    registrant = session.execute(select(Registrant).where(Registrant.email == email)).scalar_one()
    message = session.execute(
        select(OutboxMessage).where(OutboxMessage.recipient == email)
    ).scalar_one()
    person = {c.key: getattr(registrant, c.key) for c in Registrant.__table__.columns}
    mail = {c.key: getattr(message, c.key) for c in OutboxMessage.__table__.columns}
    return person, mail | {"payload": json.loads(mail["payload"])}


@pytest.mark.parametrize("approval_type", [0, 1])
def test_the_register_shortcut_writes_and_answers_as_the_handler_does(
    runtime: Runtime,
    client: TestClient,
    account: AccountKeys,
    session: Session,
    approval_type: int,
) -> None:
    webinar_id = create_webinar(client, account, approval_type=approval_type)
    base = account.credentials(id=str(webinar_id), **PERSON)

    fast = shortcut_register(runtime, base | {"email": "fast@x.io"})
    slow = handler_register(runtime, account, base | {"email": "slow@x.io"})

    assert fast is not None
    assert {k: v for k, v in fast.items() if k not in ("registrant_id", "join_url")} == {
        k: v for k, v in slow.items() if k not in ("registrant_id", "join_url")
    }
    assert fast["join_url"].split("?tk=")[0] == slow["join_url"].split("?tk=")[0]
    (fast_row, fast_mail), (slow_row, slow_mail) = (
        stored(session, "fast@x.io"),
        stored(session, "slow@x.io"),
    )
    assert fast_row["registrant_id"] == fast["registrant_id"]
    different = {"id", "registrant_id", "email", "email_key", "position", "token_nonce"}
    different |= {"token_digest"}
    assert {k: v for k, v in fast_row.items() if k not in different} == {
        k: v for k, v in slow_row.items() if k not in different
    }
    assert fast_row["status"] == ("approved" if approval_type == 0 else "pending")
    assert (fast_row["position"], slow_row["position"]) == (1, 2)
    assert fast_mail["payload"]["link"] == {
        "role": "registrant",
        "nonce": fast_row["token_nonce"],
        "digest": fast_row["token_digest"],
    }
    assert {k: v for k, v in fast_mail.items() if k not in ("id", "recipient", "payload")} == {
        k: v for k, v in slow_mail.items() if k not in ("id", "recipient", "payload")
    }
    assert fast_mail["payload"]["webinar"] == slow_mail["payload"]["webinar"]
    seats = session.execute(
        select(Webinar.seats_taken, Webinar.registrant_total).where(Webinar.id == webinar_id)
    ).one()
    assert tuple(seats) == (2, 2)


def test_registrations_the_register_shortcut_leaves_to_the_handler(
    runtime: Runtime,
    client: TestClient,
    account: AccountKeys,
    other_account: AccountKeys,
    session: Session,
) -> None:
    open_one = create_webinar(client, account)
    series = create_series(client, account, registration_type=1)
    unlisted = create_webinar(client, account, approval_type=2)
    theirs = create_webinar(client, other_account)
    v1(client, "webinar/register", account.credentials(id=open_one, email="known@x.io", **PERSON))
    base = account.credentials(**PERSON)
    cases = {
        "known e-mail": base | {"id": open_one, "email": "Known@X.io"},
        "a series": base | {"id": series, "email": "new@x.io"},
        "occurrence_ids": base | {"id": open_one, "email": "n2@x.io", "occurrence_ids": "1"},
        "another account's": base | {"id": theirs, "email": "n4@x.io"},
        "wrong secret": base | {"id": open_one, "email": "n5@x.io", "api_secret": "x" * 43},
        "no e-mail": base | {"id": open_one},
        "NUL in the e-mail": base | {"id": open_one, "email": "a\x00b@x.io"},
    }
    before = session.execute(select(Registrant.id)).scalars().all()
    for name, params in cases.items():
        values = {key: str(value) for key, value in params.items()}
        assert shortcut_register(runtime, values) is None, name
    assert session.execute(select(Registrant.id)).scalars().all() == before

    # Errors of the attendee's fields come from the same reading, at the same point; the
    # rule's (services.registration.admission) from the same rule.
    bad = base | {"id": open_one, "email": "not-an-address"}
    assert v1(client, "webinar/register", bad) == {
        "error": {"code": 300, "message": handler_error(runtime, account, bad)}
    }
    closed = {
        key: str(value) for key, value in (base | {"id": unlisted, "email": "n3@x.io"}).items()
    }
    with pytest.raises(RegistrationNotRequired) as by_shortcut:
        shortcut_register(runtime, closed)
    assert str(by_shortcut.value) == handler_error(runtime, account, closed)
    assert v1(client, "webinar/register", closed) == {
        "error": {
            "code": 3000,
            "message": f"This Webinar has not registration required: {unlisted}",
        }
    }
    assert session.execute(select(Registrant.id)).scalars().all() == before


def handler_error(runtime: Runtime, account: AccountKeys, params: dict[str, Any]) -> str:
    values = {key: str(value) for key, value in params.items()}
    with pytest.raises(ZoomError) as raised:
        handler_register(runtime, account, values)
    return str(raised.value)
