"""The wire (contract §1-2): where parameters come from, and every answer being JSON."""

from __future__ import annotations

import importlib.util
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from podium.api.actions import ACTIONS, Action
from podium.api.call import ApiCall, Json
from podium.db.models import Webinar
from tests.conftest import AccountKeys
from tests.http.helpers import error


def topics(session: Session) -> list[str]:
    session.expire_all()
    return list(session.execute(select(Webinar.topic).order_by(Webinar.seq)).scalars())


def test_body_wins_over_query_on_a_clash(
    client: TestClient, account: AccountKeys, session: Session
) -> None:
    response = client.post(
        "/v1/webinar/create",
        params=account.host_params(topic="From query"),
        data={"topic": "From body"},
    )

    assert response.json()["topic"] == "From body"
    assert topics(session) == ["From body"]


def test_urlencoded_with_charset_and_unicode(
    client: TestClient, account: AccountKeys, session: Session
) -> None:
    form = "&".join(f"{k}={v}" for k, v in account.host_params().items()) + "&topic=%C3%89t%C3%A9"
    response = client.post(
        "/v1/webinar/create",
        content=form.encode(),
        headers={"content-type": "application/x-www-form-urlencoded; charset=utf-8"},
    )

    assert response.json()["topic"] == "Été"
    assert topics(session) == ["Été"]


def test_multipart_body(client: TestClient, account: AccountKeys, session: Session) -> None:
    response = client.post(
        "/v1/webinar/create",
        data=account.host_params(topic="Multi"),
        files={"ignored": ("a.txt", b"file content", "text/plain")},
    )

    assert response.json()["topic"] == "Multi"
    assert topics(session) == ["Multi"]


def test_json_body_is_refused_with_a_clear_error(
    client: TestClient, account: AccountKeys, session: Session
) -> None:
    response = client.post("/v1/webinar/create", json=account.host_params(topic="J"))

    assert response.status_code == 200
    assert response.json() == error(
        300,
        "Invalid parameter: Content-Type. Send application/x-www-form-urlencoded or "
        "multipart/form-data, not application/json.",
    )
    assert topics(session) == []


def test_empty_body_with_any_content_type_is_fine(client: TestClient, account: AccountKeys) -> None:
    response = client.post(
        "/v1/webinar/list",
        params=account.host_params(),
        headers={"content-type": "application/json"},
    )

    assert response.json()["total_records"] == 0


def test_data_type_xml_still_answers_json(client: TestClient, account: AccountKeys) -> None:
    response = client.post("/v1/webinar/list", params=account.host_params(data_type="XML"))

    assert response.headers["content-type"] == "application/json"
    assert response.json()["webinars"] == []


def test_unknown_action_is_404_json(client: TestClient) -> None:
    response = client.post("/v1/webinar/explode")

    assert response.status_code == 404
    assert response.json() == {
        "error": {"code": 404, "message": "Unknown API endpoint: /v1/webinar/explode"}
    }


def test_wrong_method_is_405_json(client: TestClient) -> None:
    response = client.get("/v1/webinar/get")

    assert response.status_code == 405
    assert response.json() == error(405, "Method GET is not allowed: v1 calls are POST.")


def test_body_over_64_kib_is_413(
    client: TestClient, account: AccountKeys, session: Session
) -> None:
    response = client.post(
        "/v1/webinar/create", data=account.host_params(agenda="a" * 70_000, topic="Big")
    )

    assert response.status_code == 413
    assert response.json() == error(413, "Request body is larger than 65536 bytes.")
    assert topics(session) == []


def test_streamed_body_over_64_kib_is_413(client: TestClient) -> None:
    def chunks() -> Iterator[bytes]:
        for _ in range(20):
            yield b"a" * 8192

    response = client.post(
        "/v1/webinar/create",
        content=chunks(),
        headers={"content-type": "application/x-www-form-urlencoded"},
    )

    assert response.status_code == 413
    assert response.json() == error(413, "Request body is larger than 65536 bytes.")


def test_more_than_200_fields_is_300(client: TestClient, account: AccountKeys) -> None:
    form = account.host_params(topic="T") | {f"f{n}": "x" for n in range(200)}

    response = client.post("/v1/webinar/create", data=form)

    assert response.json() == error(300, "Invalid parameter: body. It has more than 200 fields.")


def test_more_than_200_query_fields_is_300(client: TestClient, account: AccountKeys) -> None:
    query = account.host_params(topic="T") | {f"f{n}": "x" for n in range(200)}

    response = client.post("/v1/webinar/create", params=query)

    assert response.json() == error(300, "Invalid parameter: body. It has more than 200 fields.")


def test_invalid_utf8_is_300(client: TestClient) -> None:
    response = client.post(
        "/v1/webinar/create",
        content=b"topic=%FF%FE",
        headers={"content-type": "application/x-www-form-urlencoded"},
    )

    assert response.json() == error(300, "Invalid parameter: body. It is not valid UTF-8.")


def test_malformed_multipart_is_300(client: TestClient) -> None:
    response = client.post(
        "/v1/webinar/create",
        content=b"garbage",
        headers={"content-type": "multipart/form-data; boundary=x"},
    )

    assert response.status_code == 200
    assert response.json() == error(300, "Invalid parameter: body. Invalid multipart data.")


@pytest.fixture
def broken_action(monkeypatch: pytest.MonkeyPatch) -> None:
    """A test-only action that fails the way a bug would."""

    def explode(_call: ApiCall) -> Json:
        raise RuntimeError("boom")

    monkeypatch.setitem(ACTIONS, "webinar/explode", Action(explode, writes=False))


@pytest.mark.usefixtures("broken_action")
def test_unexpected_fault_is_500_json(client: TestClient, account: AccountKeys) -> None:
    response = client.post("/v1/webinar/explode", data=account.host_params())

    assert response.status_code == 500
    assert response.json() == error(500, "Internal server error.")
    assert "boom" not in response.text


def test_openapi_document_is_served_and_lists_every_action(client: TestClient) -> None:
    response = client.get("/v1/openapi.yaml")

    assert response.status_code == 200
    document = yaml.safe_load(response.text)
    v1_paths = [path for path in document["paths"] if not path.startswith("/podium/")]
    assert sorted(path.removeprefix("/") for path in v1_paths) == sorted(ACTIONS)
    assert json.dumps(document["servers"]) == json.dumps([{"url": "/v1"}])
    management = {
        path: item for path, item in document["paths"].items() if path.startswith("/podium/")
    }
    assert "/podium/api/webinars/{webinar_id}/simulate" in management
    for item in management.values():
        assert item["servers"] == [{"url": "/"}]
        for method in set(item) - {"servers"}:
            assert item[method]["tags"] == ["Podium management"]
            assert item[method]["security"] == [{"adminToken": []}]


def test_openapi_document_is_up_to_date() -> None:
    root = Path(__file__).resolve().parents[2]
    spec = importlib.util.spec_from_file_location("gen_openapi", root / "tools" / "gen_openapi.py")
    assert spec is not None
    assert spec.loader is not None
    generator = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(generator)

    assert (root / "src" / "podium" / "openapi.yaml").read_text() == generator.render()


def test_a_405_names_the_allowed_method(client: TestClient) -> None:
    api = client.get("/v1/webinar/list")
    page = client.post("/")
    management = client.get("/podium/api/reset")

    assert (api.status_code, api.headers["allow"]) == (405, "POST")
    assert page.status_code == 405
    assert "GET" in page.headers["allow"]
    assert (management.status_code, management.json()) == (
        405,
        {"error": {"code": 405, "message": "GET is not allowed here."}},
    )
    assert management.headers["allow"] == "POST"
    assert client.get("/podium/api/nothing").json() == {
        "error": {"code": 404, "message": "No endpoint at /podium/api/nothing."}
    }
