"""Byte fuzzing (Hypothesis): raw bodies, odd content types, duplicated keys, bad
percent-encoding, NULs, overlong UTF-8 and many fields go through the real parsing,
validation and error rendering. Never an uncaught exception, always a JSON envelope, and
nothing the request did not ask for reaches the database."""

from __future__ import annotations

from urllib.parse import quote, quote_from_bytes

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from podium.api.actions import ACTIONS
from podium.db.models import Registrant, Webinar
from tests.conftest import AccountKeys

ACTION_NAMES = sorted(ACTIONS)
CONTENT_TYPES = [
    "application/x-www-form-urlencoded",
    "application/x-www-form-urlencoded; charset=latin-1",
    "multipart/form-data; boundary=xyz",
    "multipart/form-data",
    "application/json",
    "text/plain",
    "",
    "application/x-www-form-urlencoded;;;",
    "APPLICATION/X-WWW-FORM-URLENCODED",
]
NASTY = [
    b"%",
    b"%zz",
    b"%00",
    b"%C0%AF",
    b"%ED%A0%80",
    b"\xc0\xaf",
    b"\xff\xfe",
    b"\x00",
    b"&&&",
    b"===",
    b"[]",
    b"id[]=",
    b"id=1&id=2",
    b"+",
    b"%2B",
    b"\r\n",
    b";",
]
FIELDS = [
    "id",
    "host_id",
    "topic",
    "type",
    "start_time",
    "duration",
    "timezone",
    "email",
    "first_name",
    "last_name",
    "registrant_ids",
    "occurrence_id",
    "page_size",
    "page_number",
    "panelists",
    "recurrence",
    "approval_type",
    "uuid",
    "password",
]

pieces = st.one_of(
    st.sampled_from(NASTY),
    st.binary(max_size=40),
    st.builds(
        lambda k, v: f"{k}={quote(v, safe='')}".encode(),
        st.sampled_from(FIELDS),
        st.text(max_size=40),
    ),
)
bodies = st.lists(pieces, max_size=30).map(lambda items: b"&".join(items))


def assert_envelope(response_json: object, status: int) -> None:
    assert isinstance(response_json, dict)
    if "error" in response_json:
        error = response_json["error"]
        assert set(error) == {"code", "message"}
        assert isinstance(error["code"], int)
        assert isinstance(error["message"], str)
    assert status in (200, 404, 405, 413, 429, 503)


@settings(
    max_examples=2000,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    action=st.sampled_from(ACTION_NAMES),
    body=bodies,
    content_type=st.sampled_from(CONTENT_TYPES),
    query=bodies,
)
def test_any_bytes_get_a_json_envelope(
    client: TestClient,
    account: AccountKeys,
    session: Session,
    action: str,
    body: bytes,
    content_type: str,
    query: bytes,
) -> None:
    credentials = f"api_key={account.api_key}&api_secret={account.api_secret}".encode()
    before = session.execute(select(func.count()).select_from(Webinar)).scalar_one()
    response = client.post(
        f"/v1/{action}?{quote_from_bytes(credentials + b'&' + query, safe='=&%[]+;/:?')}",
        content=body,
        headers={"content-type": content_type} if content_type else {},
    )

    assert response.headers["content-type"] == "application/json"
    assert_envelope(response.json(), response.status_code)
    if action != "webinar/create" or "error" in response.json():
        after = session.execute(select(func.count()).select_from(Webinar)).scalar_one()
        assert after == before


@settings(
    max_examples=1000,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    values=st.dictionaries(
        st.sampled_from([*FIELDS, "custom_questions", "language", "zip", "phone", "org"]),
        st.text(max_size=60),
        max_size=12,
    )
)
def test_registration_fields_are_validated_or_refused(
    client: TestClient, account: AccountKeys, session: Session, values: dict[str, str]
) -> None:
    webinar_id = client.post(
        "/v1/webinar/create",
        data={
            **account.host_params(),
            "topic": "F",
            "approval_type": "0",
            "start_time": "2030-01-01T10:00:00Z",
        },
    ).json()["id"]
    response = client.post(
        "/v1/webinar/register", data={**account.credentials(), **values, "id": str(webinar_id)}
    )

    assert response.status_code == 200
    answer = response.json()
    assert_envelope(answer, 200)
    stored = session.execute(
        select(Registrant.email, Registrant.first_name).where(
            Registrant.registrant_id == answer.get("registrant_id")
        )
    ).all()
    if "error" in answer:
        assert stored == []
    else:
        assert len(stored) == 1
        assert "\x00" not in stored[0].first_name


def test_a_hundred_thousand_fields_are_refused(client: TestClient) -> None:
    body = b"&".join(b"f%d=1" % n for n in range(100_000))  # ~700 KB: over the body limit
    small = b"&".join(b"f%d=1" % n for n in range(201))

    too_big = client.post(
        "/v1/webinar/list",
        content=body,
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    too_many = client.post(
        "/v1/webinar/list",
        content=small,
        headers={"content-type": "application/x-www-form-urlencoded"},
    )

    assert (too_big.status_code, too_big.json()) == (
        413,
        {"error": {"code": 413, "message": "Request body is larger than 65536 bytes."}},
    )
    assert too_many.status_code == 200
    assert too_many.json() == {
        "error": {"code": 300, "message": "Invalid parameter: body. It has more than 200 fields."}
    }


@settings(
    max_examples=2000,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    action=st.sampled_from(ACTION_NAMES),
    values=st.dictionaries(
        st.sampled_from([*FIELDS[2:], "action", "registrant_id", "language"]),
        st.one_of(
            st.text(max_size=30),
            st.sampled_from(
                ["0", "-1", "9" * 30, "1e9", "[]", "{}", "null", "2030-02-30T25:61:61Z", "²", " 1"]
            ),
        ),
        max_size=8,
    ),
)
def test_real_ids_and_fuzzed_fields_never_break_a_handler(
    client: TestClient, account: AccountKeys, action: str, values: dict[str, str]
) -> None:
    webinar_id = client.post(
        "/v1/webinar/create",
        data={
            **account.host_params(),
            "topic": "F",
            "type": "9",
            "approval_type": "1",
            "start_time": "2030-01-01T10:00:00Z",
            "recurrence": '{"type": 1, "end_times": 3}',
        },
    ).json()["id"]
    response = client.post(
        f"/v1/{action}", data={**account.host_params(id=str(webinar_id)), **values}
    )

    assert response.status_code == 200, response.text
    body = response.json()  # v1: a JSON object, an error in its envelope or an answer
    assert isinstance(body, dict), body
    if "error" in body:
        assert set(body) == {"error"}, body
        assert isinstance(body["error"]["code"], int), body
        assert body["error"]["message"], body
    assert_envelope(response.json(), 200)
