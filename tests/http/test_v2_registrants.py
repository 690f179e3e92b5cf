"""v2 registrants: register (one or a batch), list by state, approve / deny / cancel, get,
delete, the registration questions; and what v1 sees of the same people."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from podium.db.models import Registrant, Webinar
from podium.web.runtime import Runtime
from tests.conftest import PUBLIC_URL, AccountKeys
from tests.http.helpers import v1
from tests.http.v2_helpers import V2, error, invalid, webinar_body

PERSON = {"email": "ann@example.com", "first_name": "Ann", "last_name": "Lee"}


def registration_webinar(v2: V2, approval_type: int = 1, **more: Any) -> int:
    body = webinar_body(settings={"approval_type": approval_type}, **more)
    return int(v2.post("/users/me/webinars", body).json()["id"])


def stored(session: Session, webinar_id: int) -> dict[str, str]:
    """E-mail → status of the webinar's registrants, as stored."""
    session.expire_all()
    rows = session.execute(
        select(Registrant.email, Registrant.status)
        .join(Webinar, Webinar.seq == Registrant.webinar_seq)
        .where(Webinar.id == webinar_id)
        .order_by(Registrant.id)
    )
    return {str(email): str(status) for email, status in rows}


def link(runtime: Runtime, session: Session, webinar_id: int, email: str) -> str:
    session.expire_all()
    nonce = session.execute(
        select(Registrant.token_nonce).where(Registrant.email == email)
    ).scalar_one()
    return f"{PUBLIC_URL}/w/{webinar_id}?tk={runtime.context.issuer.link_token(nonce)}"


def test_register_answers_201_and_the_registrant_reads_back(
    v2: V2, session: Session, runtime: Runtime
) -> None:
    webinar_id = registration_webinar(v2, approval_type=0)

    added = v2.post(
        f"/webinars/{webinar_id}/registrants",
        {
            **PERSON,
            "id": webinar_id,
            "city": " Oslo ",
            "custom_questions": [{"title": "Why", "value": "Fun"}],
        },
    )

    assert added.status_code == 201
    body = added.json()
    registrant_id = body.pop("registrant_id")
    join = link(runtime, session, webinar_id, "ann@example.com")
    assert body == {
        "id": webinar_id,
        "join_url": join,
        "topic": "Launch",
        "start_time": "2026-02-01T15:00:00Z",
        "occurrences": [],
    }
    got = v2.get(f"/webinars/{webinar_id}/registrants/{registrant_id}")
    assert got.json() == {
        "id": registrant_id,
        **PERSON,
        "address": "",
        "city": "Oslo",
        "country": "",
        "zip": "",
        "state": "",
        "phone": "",
        "industry": "",
        "org": "",
        "job_title": "",
        "purchasing_time_frame": "",
        "role_in_purchase_process": "",
        "no_of_employees": "",
        "comments": "",
        "custom_questions": [{"title": "Why", "value": "Fun"}],
        "status": "approved",
        "create_time": "2026-01-15T12:00:00Z",
        "join_url": join,
        "language": "",
    }


def test_states_approve_deny_cancel_by_id_or_email_as_v1_shows_them(
    v2: V2, client: TestClient, account: AccountKeys, session: Session
) -> None:
    webinar_id = registration_webinar(v2)
    ids = {
        email: v2.post(f"/webinars/{webinar_id}/registrants", {**PERSON, "email": email}).json()[
            "registrant_id"
        ]
        for email in ("a@x.test", "b@x.test", "c@x.test", "d@x.test")
    }

    pending = v2.get(f"/webinars/{webinar_id}/registrants", status="pending").json()
    approve = v2.put(
        f"/webinars/{webinar_id}/registrants/status",
        {"action": "approve", "registrants": [{"id": ids["a@x.test"]}, {"email": "B@x.test"}]},
    )
    deny = v2.put(
        f"/webinars/{webinar_id}/registrants/status",
        {"action": "deny", "registrants": [{"id": ids["c@x.test"]}]},
    )
    cancel = v2.put(
        f"/webinars/{webinar_id}/registrants/status",
        {"action": "cancel", "registrants": [{"email": "b@x.test"}]},
    )

    assert [r["email"] for r in pending["registrants"]] == list(ids)
    assert (approve.status_code, deny.status_code, cancel.status_code) == (204, 204, 204)
    assert stored(session, webinar_id) == {
        "a@x.test": "approved",
        "b@x.test": "cancelled",
        "c@x.test": "denied",
        "d@x.test": "pending",
    }

    def listed(state: str) -> list[tuple[str, str]]:
        found = v2.get(f"/webinars/{webinar_id}/registrants", status=state).json()
        return [(r["email"], r["status"]) for r in found["registrants"]]

    assert listed("approved") == [("a@x.test", "approved")]
    assert listed("denied") == [("b@x.test", "denied"), ("c@x.test", "denied")]
    assert listed("pending") == [("d@x.test", "pending")]
    seen = v1(client, "webinar/registration", account.host_params(id=webinar_id))
    assert [(a["email"], a["approval"]) for a in seen["attendees"]] == list(
        stored(session, webinar_id).items()
    )


def test_registrants_list_pages_by_token(v2: V2) -> None:
    webinar_id = registration_webinar(v2, approval_type=0)
    for n in range(5):
        v2.post(f"/webinars/{webinar_id}/registrants", {**PERSON, "email": f"p{n}@x.test"})

    emails, token, pages = [], None, 0
    while token != "":
        page = v2.get(
            f"/webinars/{webinar_id}/registrants",
            page_size=2,
            **({"next_page_token": token} if token else {}),
        ).json()
        emails += [r["email"] for r in page["registrants"]]
        token, pages = page["next_page_token"], pages + 1
        assert (page["page_count"], page["total_records"], page["page_number"]) == (3, 5, pages)

    assert emails == [f"p{n}@x.test" for n in range(5)]


def test_batch_registers_and_auto_approves(v2: V2, session: Session, runtime: Runtime) -> None:
    webinar_id = registration_webinar(v2)

    batch = v2.post(
        f"/webinars/{webinar_id}/batch_registrants",
        {"auto_approve": True, "registrants": [PERSON, {"email": "bo@x.test", "first_name": "Bo"}]},
    )

    assert batch.status_code == 201
    body = batch.json()
    ids = [r.pop("registrant_id") for r in body["registrants"]]
    assert len(set(ids)) == 2
    assert body == {
        "registrants": [
            {
                "email": "ann@example.com",
                "join_url": link(runtime, session, webinar_id, "ann@example.com"),
            },
            {"email": "bo@x.test", "join_url": link(runtime, session, webinar_id, "bo@x.test")},
        ]
    }
    assert stored(session, webinar_id) == {"ann@example.com": "approved", "bo@x.test": "approved"}


def test_batch_needs_a_type_5_webinar_and_registration(v2: V2, session: Session) -> None:
    series = registration_webinar(v2, type=9, recurrence={"type": 1, "end_times": 2})
    no_registration = registration_webinar(v2, approval_type=2)

    refused = v2.post(f"/webinars/{series}/batch_registrants", {"registrants": [PERSON]})
    closed = v2.post(f"/webinars/{no_registration}/batch_registrants", {"registrants": [PERSON]})

    assert (refused.status_code, refused.json()) == (
        400,
        error(300, f"Batch registration is only for webinars of type 5: {series}."),
    )
    assert (closed.status_code, closed.json()) == (
        400,
        error(3000, f"This webinar does not have registration as required: {no_registration}."),
    )
    assert stored(session, series) == {}


def test_delete_cancels_and_unknown_registrants_are_404(v2: V2, session: Session) -> None:
    webinar_id = registration_webinar(v2, approval_type=0)
    registrant_id = v2.post(f"/webinars/{webinar_id}/registrants", PERSON).json()["registrant_id"]

    deleted = v2.delete(f"/webinars/{webinar_id}/registrants/{registrant_id}")
    unknown = v2.get(f"/webinars/{webinar_id}/registrants/nobody")
    again = v2.get(f"/webinars/{webinar_id}/registrants/{registrant_id}")

    assert (deleted.status_code, deleted.content) == (204, b"")
    assert stored(session, webinar_id) == {"ann@example.com": "cancelled"}
    assert (unknown.status_code, unknown.json()) == (
        404,
        error(3000, "Registrant nobody was not found."),
    )
    assert (again.json()["status"], again.json()["join_url"]) == ("denied", "")


def test_other_accounts_registrants_are_not_found(v2: V2, other_v2: V2) -> None:
    webinar_id = registration_webinar(v2, approval_type=0)
    registrant_id = v2.post(f"/webinars/{webinar_id}/registrants", PERSON).json()["registrant_id"]

    theirs = other_v2.get(f"/webinars/{webinar_id}/registrants/{registrant_id}")

    assert (theirs.status_code, theirs.json()) == (
        404,
        error(3001, f"Webinar does not exist: {webinar_id}."),
    )


def test_questions_are_set_read_and_enforced_on_every_door(
    v2: V2, client: TestClient, account: AccountKeys, session: Session
) -> None:
    webinar_id = registration_webinar(v2, approval_type=0)
    form = {
        "questions": [
            {"field_name": "city", "required": True},
            {"field_name": "last_name", "required": False},
        ],
        "custom_questions": [
            {"title": "Role", "type": "single_radio", "required": True, "answers": ["Dev", "Ops"]},
            {"title": "Notes", "type": "short", "required": False},
        ],
    }

    patched = v2.patch(f"/webinars/{webinar_id}/registrants/questions", form)
    read = v2.get(f"/webinars/{webinar_id}/registrants/questions")
    no_city = v2.post(f"/webinars/{webinar_id}/registrants", PERSON)
    bad_role = v2.post(
        f"/webinars/{webinar_id}/registrants",
        {**PERSON, "city": "Oslo", "custom_questions": [{"title": "Role", "value": "CEO"}]},
    )
    v1_no_city = v1(client, "webinar/register", account.credentials(id=webinar_id, **PERSON))

    assert (patched.status_code, patched.content) == (204, b"")
    assert read.json() == {
        "questions": form["questions"],
        "custom_questions": [
            form["custom_questions"][0],
            {**form["custom_questions"][1], "answers": []},
        ],
    }
    assert (no_city.status_code, no_city.json()) == (400, invalid(city="This field is required."))
    assert bad_role.json() == invalid(custom_questions="Role takes one of: Dev, Ops.")
    assert v1_no_city == {"error": {"code": 300, "message": "city is required."}}
    assert stored(session, webinar_id) == {}


def test_registration_bodies_are_validated_field_by_field(v2: V2, session: Session) -> None:
    webinar_id = registration_webinar(v2, approval_type=0)

    response = v2.post(
        f"/webinars/{webinar_id}/registrants",
        {"email": "nope", "first_name": "", "no_of_employees": "lots", "user_id": "me"},
    )
    blank = v2.post(f"/webinars/{webinar_id}/registrants", {**PERSON, "first_name": "  "})
    status = v2.put(
        f"/webinars/{webinar_id}/registrants/status", {"action": "approve", "registrants": [{}]}
    )

    assert (response.status_code, response.json()) == (
        400,
        invalid(
            email="An email address must have an @-sign.",
            first_name="String should have at least 1 character",
            no_of_employees=response.json()["errors"][2]["message"],
        ),
    )
    assert response.json()["errors"][2]["message"].startswith("Input should be ''")
    assert blank.json() == invalid(first_name="This field is required.")
    assert status.json() == invalid(**{"registrants[0]": "Give the registrant's id or email."})
    assert stored(session, webinar_id) == {}
