"""v2 panelists and polls: the same rows v1 lists and the host console launches."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from podium.db.models import Panelist, Poll
from podium.services.tokens import public_id
from podium.web.runtime import Runtime
from tests.conftest import PUBLIC_URL, AccountKeys
from tests.http.helpers import v1
from tests.http.v2_helpers import V2, error, invalid, webinar_body

POLL = {
    "title": "Pulse",
    "questions": [
        {"name": "Ready?", "type": "single", "answers": ["Yes", "No"]},
        {"name": "Topics", "type": "multiple", "answers": ["A", "B", "C"]},
    ],
}


def panelists_of(session: Session) -> list[tuple[str, str]]:
    session.expire_all()
    return [
        (p.name, p.email) for p in session.execute(select(Panelist).order_by(Panelist.id)).scalars()
    ]


def test_add_list_and_remove_panelists(
    v2: V2, client: TestClient, account: AccountKeys, session: Session, runtime: Runtime
) -> None:
    webinar_id = v2.post("/users/me/webinars", webinar_body()).json()["id"]

    added = v2.post(
        f"/webinars/{webinar_id}/panelists",
        {
            "id": webinar_id,
            "panelists": [
                {"name": "Pat", "email": "pat@x.test"},
                {"name": "Sam", "email": "sam@x.test"},
            ],
        },
    )
    listed = v2.get(f"/webinars/{webinar_id}/panelists").json()
    nonces = list(session.execute(select(Panelist.token_nonce).order_by(Panelist.id)).scalars())
    v1_seen = v1(client, "webinar/panelists", account.host_params(id=webinar_id))
    by_id = v2.delete(f"/webinars/{webinar_id}/panelists/{listed['panelists'][0]['id']}")
    by_email = v2.delete(f"/webinars/{webinar_id}/panelists/SAM@x.test")
    unknown = v2.delete(f"/webinars/{webinar_id}/panelists/nobody")

    assert (added.status_code, added.json()) == (
        201,
        {"id": str(webinar_id), "updated_at": "2026-01-15T12:00:00Z"},
    )
    key = runtime.context.issuer
    assert listed == {
        "total_records": 2,
        "panelists": [
            {
                "id": public_id(nonce),
                "email": email,
                "name": name,
                "join_url": f"{PUBLIC_URL}/w/{webinar_id}?tk={key.link_token(nonce)}",
                "virtual_background_id": "",
                "name_tag_id": "",
                "name_tag_name": "",
                "name_tag_pronouns": "",
                "name_tag_description": "",
            }
            for nonce, (name, email) in zip(
                nonces, [("Pat", "pat@x.test"), ("Sam", "sam@x.test")], strict=True
            )
        ],
    }
    assert v1_seen == {
        "total_records": 2,
        "panelists": [
            {k: p[k] for k in ("name", "email", "join_url")} for p in listed["panelists"]
        ],
    }
    assert (by_id.status_code, by_email.status_code) == (204, 204)
    assert (unknown.status_code, unknown.json()) == (
        404,
        error(3000, "Panelist nobody was not found."),
    )
    assert panelists_of(session) == []


def test_panelists_added_again_keep_their_link_and_remove_all(v2: V2, session: Session) -> None:
    webinar_id = v2.post("/users/me/webinars", webinar_body()).json()["id"]
    v2.post(
        f"/webinars/{webinar_id}/panelists", {"panelists": [{"name": "Pat", "email": "pat@x.test"}]}
    )
    first = v2.get(f"/webinars/{webinar_id}/panelists").json()["panelists"][0]

    v2.post(
        f"/webinars/{webinar_id}/panelists",
        {"panelists": [{"name": "Patricia", "email": "PAT@x.test"}]},
    )
    again = v2.get(f"/webinars/{webinar_id}/panelists").json()["panelists"][0]
    cleared = v2.delete(f"/webinars/{webinar_id}/panelists", id=webinar_id)

    assert again == first | {"name": "Patricia", "email": "PAT@x.test"}
    assert cleared.status_code == 204
    assert panelists_of(session) == []


def test_polls_create_get_list_replace_delete(v2: V2, session: Session) -> None:
    webinar_id = v2.post("/users/me/webinars", webinar_body()).json()["id"]

    created = v2.post(f"/webinars/{webinar_id}/polls", {**POLL, "anonymous": False})
    poll_id = created.json()["id"]
    replaced = v2.put(f"/webinars/{webinar_id}/polls/{poll_id}", {**POLL, "title": "Pulse 2"})
    got = v2.get(f"/webinars/{webinar_id}/polls/{poll_id}").json()
    listed = v2.get(f"/webinars/{webinar_id}/polls").json()
    anonymous = v2.get(f"/webinars/{webinar_id}/polls", anonymous="true").json()
    deleted = v2.delete(f"/webinars/{webinar_id}/polls/{poll_id}")
    gone = v2.get(f"/webinars/{webinar_id}/polls/{poll_id}")

    expected = {
        "id": poll_id,
        "status": "notstart",
        "anonymous": False,
        "poll_type": 1,
        "title": "Pulse",
        "questions": [
            {
                "name": "Ready?",
                "type": "single",
                "answer_required": False,
                "answers": ["Yes", "No"],
            },
            {
                "name": "Topics",
                "type": "multiple",
                "answer_required": False,
                "answers": ["A", "B", "C"],
            },
        ],
    }
    assert (created.status_code, created.json()) == (201, expected)
    assert replaced.status_code == 204
    assert got == expected | {"title": "Pulse 2"}
    assert listed == {"total_records": 1, "polls": [got]}
    assert anonymous == {"total_records": 0, "polls": []}
    assert deleted.status_code == 204
    assert (gone.status_code, gone.json()) == (404, error(3000, f"Poll {poll_id} was not found."))
    session.expire_all()
    assert session.execute(select(Poll)).first() is None


def test_poll_rules_are_the_services_whatever_the_door(v2: V2, other_v2: V2) -> None:
    webinar_id = v2.post("/users/me/webinars", webinar_body()).json()["id"]
    poll_id = v2.post(f"/webinars/{webinar_id}/polls", POLL).json()["id"]

    same_answers = v2.post(
        f"/webinars/{webinar_id}/polls",
        {"title": "T", "questions": [{"name": "Q", "answers": ["Yes", "Yes"]}]},
    )
    quiz = v2.post(f"/webinars/{webinar_id}/polls", {**POLL, "poll_type": 3})
    theirs = other_v2.get(f"/webinars/{webinar_id}/polls/{poll_id}")

    assert (same_answers.status_code, same_answers.json()) == (
        400,
        invalid(poll="answers must differ."),
    )
    assert quiz.json() == invalid(poll_type="Input should be 1")
    assert (theirs.status_code, theirs.json()) == (
        404,
        error(3001, f"Webinar does not exist: {webinar_id}."),
    )
