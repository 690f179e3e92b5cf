"""Spec-driven fuzzing of /v2: schemathesis over the served OpenAPI 3.1 document, derandomized,
with a real bearer token in positive cases (a webinar of the account exists, so some ids hit).
Checks: no 5xx, every answer conforms to the document (status, body), invalid input is
refused with 4xx, authentication is not ignored (no time bound: a busy machine would fail it,
not the server). Left out: the check
that every generated "valid" value is accepted (the document's `email` format is wider than
the addresses Podium takes)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi import checks as openapi_checks
from starlette.testclient import TestClient

from podium.db import migrate
from podium.settings import Settings
from podium.web.app import create_app

# A sandbox: an address that sends many bad tokens is not throttled (the fuzzer does).
SETTINGS = replace(Settings.temporary(), sandbox=True)
migrate.upgrade(SETTINGS.database_url)
APP = create_app(SETTINGS)
ACCOUNT = APP.state.runtime.new_account(name="Fuzz", host_email="fuzz@x.test")
with TestClient(APP) as _client:
    TOKEN = _client.post(
        "/oauth/token",
        data={"grant_type": "account_credentials", "account_id": str(ACCOUNT.account_id)},
        auth=(ACCOUNT.api_key, ACCOUNT.api_secret),
    ).json()["access_token"]
    WEBINAR = _client.post(
        "/v2/users/me/webinars",
        json={"topic": "Fuzzed", "settings": {"approval_type": 0}},
        headers={"Authorization": f"Bearer {TOKEN}"},
    ).json()["id"]
schema = schemathesis.openapi.from_asgi("/v2/openapi.json", APP).exclude(
    operation_id="requestAccessToken"  # its own tests: tests/http/test_v2_oauth.py
)
# Unknown query parameters are ignored, as Zoom ignores them (docs/v2.md, "Decisions"): not
# invalid input. The bearer token is ours on every call, so the fuzzer does not vary it.
schema.config.generation.update(allow_extra_parameters=False, with_security_parameters=False)


# Not registered (@schemathesis.check would run it on every schema's cases in the
# process: the v1 and v2 fuzzers share one): passed to call_and_validate only.
def v2_error_body(_ctx: Any, response: Any, _case: Any) -> None:
    """Every error is {"code": int, "message": str[, "errors": [...]]} and nothing else."""
    if response.status_code >= 400:
        data = response.json()
        assert set(data) <= {"code", "message", "errors"}, data
        assert isinstance(data["code"], int), data
        assert isinstance(data["message"], str), data
        assert data["message"], data


@schema.parametrize()
@settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_every_v2_operation(case: Any) -> None:
    if case.path_parameters and "webinarId" in case.path_parameters:
        case.path_parameters["webinarId"] = str(WEBINAR)  # an id that exists: deeper paths
    case.call_and_validate(
        headers={"Authorization": f"Bearer {TOKEN}"},
        excluded_checks=[openapi_checks.positive_data_acceptance],
        additional_checks=[v2_error_body],
    )
