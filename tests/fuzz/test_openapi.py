"""Spec-driven fuzzing: schemathesis over the served OpenAPI document (every v1 operation and
the management API), derandomized, real credentials in positive cases. Checks: no 5xx, answers
conform to the document, every error is the v1 envelope, every answer within 1 s. The checks
that expect HTTP 4xx for invalid input are left out: v1 answers errors with HTTP 200."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi import checks as openapi_checks

from podium.db import migrate
from podium.settings import Settings
from podium.web.app import create_app

TOKEN = "fuzz-admin-token-0123456789"
SETTINGS = replace(Settings.temporary(), admin_token=TOKEN)
migrate.upgrade(SETTINGS.database_url)
APP = create_app(SETTINGS)
ACCOUNT = APP.state.runtime.new_account(name="Fuzz", host_email="fuzz@x.test")
# Adding or validating a webhook endpoint calls out to the URL it is given: not from a fuzzer.
schema = schemathesis.openapi.from_asgi("/v1/openapi.yaml", APP).exclude(
    method="POST", path_regex=r"/webhooks(/[^/]+/validate)?$"
)
V1_STATUS_CHECKS = [
    openapi_checks.negative_data_rejection,  # v1 refuses bad input with HTTP 200 + envelope
    openapi_checks.positive_data_acceptance,
    openapi_checks.ignored_auth,  # v1 credentials are form fields, not a security scheme
]


# Not registered (@schemathesis.check would run it on every schema's cases in the
# process: the v1 and v2 fuzzers share one): passed to call_and_validate only.
def v1_envelope(_ctx: Any, response: Any, _case: Any) -> None:
    """Every error, on every path, is {"error": {"code": int, "message": str}} and nothing else."""
    data = response.json()
    if isinstance(data, dict) and "error" in data:
        assert set(data) == {"error"}, data
        assert set(data["error"]) == {"code", "message"}, data
        assert isinstance(data["error"]["code"], int), data
        assert isinstance(data["error"]["message"], str), data
        assert data["error"]["message"], data


@schema.parametrize()
@settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_every_operation(case: Any) -> None:
    on_management_api = case.path.startswith("/podium")
    if isinstance(case.body, dict) and not on_management_api:
        case.body["api_key"] = ACCOUNT.api_key
        case.body["api_secret"] = ACCOUNT.api_secret
    headers = {"Authorization": f"Bearer {TOKEN}"} if on_management_api else None
    case.call_and_validate(
        headers=headers, excluded_checks=V1_STATUS_CHECKS, additional_checks=[v1_envelope]
    )
