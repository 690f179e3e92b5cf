"""v2 bad input at the transport: malformed JSON, wrong content types, huge bodies, unknown
paths and methods, bodies on calls without one; each a Zoom-style error, nothing written.
And the served OpenAPI document: made from the models that validate, listing what is served."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from podium.api.v2 import bodies
from podium.api.v2.openapi import document
from podium.api.v2.operations import OPERATIONS
from podium.db.models import Webinar
from tests.http.v2_helpers import V2, error, invalid, webinar_body


def webinars(session: Session) -> int:
    return int(session.execute(select(func.count()).select_from(Webinar)).scalar_one())


@pytest.mark.parametrize(
    ("content", "content_type", "status", "body"),
    [
        (
            b"{not json",
            "application/json",
            400,
            error(300, "Request Body should be a valid JSON object."),
        ),
        (
            b"[1, 2]",
            "application/json",
            400,
            error(300, "Request Body should be a valid JSON object."),
        ),
        (
            b'"topic"',
            "application/json",
            400,
            error(300, "Request Body should be a valid JSON object."),
        ),
        (
            b"\xff\xfe",
            "application/json",
            400,
            error(300, "Request Body should be a valid JSON object."),
        ),
        (
            b"[" * 5000,
            "application/json",
            400,
            error(300, "Request Body should be a valid JSON object."),
        ),
        (
            b"topic=T",
            "application/x-www-form-urlencoded",
            415,
            error(
                300,
                "Unsupported Content-Type: send application/json, not application/x-www-form-urlencoded.",
            ),
        ),
        (b"", "application/json", 400, invalid(topic="This field is required.")),
    ],
)
def test_bodies_that_are_not_a_json_object(
    content: bytes,
    content_type: str,
    status: int,
    body: dict[str, object],
    v2: V2,
    session: Session,
) -> None:
    response = v2.call(
        "POST", "/users/me/webinars", content=content, headers={"Content-Type": content_type}
    )

    assert (response.status_code, response.json()) == (status, body)
    assert webinars(session) == 0


def test_huge_body_is_413(v2: V2, session: Session) -> None:
    response = v2.post("/users/me/webinars", webinar_body(agenda="x" * 70_000))

    assert (response.status_code, response.json()) == (
        413,
        error(413, "Request body is larger than 65536 bytes."),
    )
    assert webinars(session) == 0


def test_unknown_fields_are_ignored_and_json_without_content_type_is_read(
    v2: V2, session: Session
) -> None:
    response = v2.call(
        "POST",
        "/users/me/webinars",
        content=json.dumps(webinar_body(user_id="me", tracking_fields=[{"x": 1}], extra={"a": []})),
    )

    assert response.status_code == 201
    assert webinars(session) == 1


def test_a_delete_with_json_content_type_and_no_body_as_zoomus_sends_it(v2: V2) -> None:
    webinar_id = v2.post("/users/me/webinars", webinar_body()).json()["id"]

    response = v2.call(
        "DELETE",
        f"/webinars/{webinar_id}",
        params={"id": str(webinar_id)},
        headers={"Content-Type": "application/json", "Content-Length": "0"},
    )

    assert (response.status_code, response.content) == (204, b"")


def test_wrong_types_and_ranges_in_the_query(v2: V2) -> None:
    too_big = v2.get("/users/me/webinars", page_size=301)
    not_number = v2.get("/users/me/webinars", page_number="two")
    bad_choice = v2.get("/users/me/webinars", type="past")

    assert (too_big.status_code, too_big.json()) == (
        400,
        invalid(page_size="Input should be less than or equal to 300"),
    )
    assert not_number.json() == invalid(
        page_number="Input should be a valid integer, unable to parse string as an integer"
    )
    assert bad_choice.json() == invalid(type="Input should be 'scheduled' or 'upcoming'")


def test_unknown_paths_and_methods(v2: V2) -> None:
    nowhere = v2.client.get("/v2/meetings/1", headers={"Authorization": f"Bearer {v2.token}"})
    wrong_method = v2.client.post("/v2/webinars/1", headers={"Authorization": f"Bearer {v2.token}"})

    assert (nowhere.status_code, nowhere.json()) == (
        404,
        error(404, "Unknown API endpoint: /v2/meetings/1"),
    )
    assert (wrong_method.status_code, wrong_method.json()) == (
        405,
        error(405, "Method POST is not allowed here."),
    )
    assert wrong_method.headers["allow"] == "DELETE, GET, PATCH"


def test_served_document_is_the_one_made_from_the_models(v2: V2) -> None:
    served = v2.client.get("/v2/openapi.json")

    assert served.status_code == 200
    assert served.json() == json.loads(json.dumps(document()))


def test_document_lists_every_operation_served_and_their_request_models() -> None:
    spec = document()
    schemas = spec["components"]["schemas"]

    listed = {
        (method.upper(), path)
        for path, item in spec["paths"].items()
        for method in item
        if method != "servers"
    }
    assert listed == {(op.method, op.path) for op in OPERATIONS} | {("POST", "/oauth/token")}
    for operation in OPERATIONS:
        described = spec["paths"][operation.path][operation.method.lower()]
        if operation.body is not None:
            ref = described["requestBody"]["content"]["application/json"]["schema"]["$ref"]
            made = operation.body.model_json_schema(ref_template="#/components/schemas/{model}")
            made.pop("$defs", None)
            assert schemas[ref.rsplit("/", 1)[1]] == made
        names = {p["name"] for p in described["parameters"] if p["in"] == "query"}
        assert names == set(operation.query.model_fields if operation.query else ())
    assert schemas["WebinarBody"]["properties"]["duration"]["anyOf"][0]["maximum"] == 43_200
    assert (
        schemas["RegistrantStatusBody"]["properties"]["registrants"]["maxItems"] == bodies.MAX_BATCH
    )
