"""The OpenAPI 3.1 document of the v2 dialect, made from OPERATIONS and the same pydantic
models that validate the requests (so it says exactly what is served), plus the token
endpoint. Served at GET /v2/openapi.json."""

from __future__ import annotations

from functools import cache
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from podium.api.v2 import answers
from podium.api.v2.operations import OPERATIONS, Operation

REF = "#/components/schemas/{model}"
ERROR_STATUSES = {
    "400": "Invalid input: code 300 (`errors` names the fields), or a rule of Zoom's.",
    "401": "Missing, unknown or expired access token (code 124).",
    "404": "No such webinar, user, registrant, panelist or poll in this account.",
    "429": "Rate limit (opt-in) or too many invalid tokens from this address.",
    "default": "Any other refusal, in the same body.",
}
BODY_STATUSES = {
    "413": "The body is larger than the server takes.",
    "415": "The body is not JSON.",
}


def _models() -> list[type[BaseModel]]:
    found: dict[str, type[BaseModel]] = {}
    for operation in OPERATIONS:
        for model in (operation.query, operation.body, operation.answer):
            if model is not None:
                found[model.__name__] = model
    for model in (answers.ErrorAnswer, answers.TokenAnswer, answers.TokenError):
        found[model.__name__] = model
    return list(found.values())


def _json(schema_ref: str) -> dict[str, Any]:
    return {"application/json": {"schema": {"$ref": schema_ref}}}


def _not_null(field: dict[str, Any]) -> dict[str, Any]:
    """A query parameter's schema: a query cannot carry null, so `X | None` is X."""
    described = {key: value for key, value in field.items() if key != "title"}
    choices = described.pop("anyOf", None)
    if choices is not None:
        kept = [choice for choice in choices if choice != {"type": "null"}]
        if len(kept) == 1:
            described = kept[0] | described
        else:
            described["anyOf"] = kept
    if described.get("default", 0) is None:
        del described["default"]
    return described


def _parameters(operation: Operation, schemas: dict[str, Any]) -> list[dict[str, Any]]:
    listed = [
        {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
        for name in operation.parameters
    ]
    if operation.query is not None:
        schema = schemas[operation.query.__name__]
        required = set(schema.get("required", ()))
        for name, field in schema["properties"].items():
            described = _not_null(field)
            listed.append(
                {"name": name, "in": "query", "required": name in required, "schema": described}
            )
    return listed


def _responses(operation: Operation) -> dict[str, Any]:
    error = _json(REF.format(model="ErrorAnswer"))
    responses: dict[str, Any] = {}
    if operation.answer is None:
        responses[str(operation.status)] = {"description": "Done; no body."}
    else:
        schema = _json(REF.format(model=operation.answer.__name__))
        responses[str(operation.status)] = {"description": "Done.", "content": schema}
    statuses = ERROR_STATUSES | (BODY_STATUSES if operation.body is not None else {})
    for status, description in statuses.items():
        responses[status] = {"description": description, "content": error}
    return responses


def _operation(operation: Operation, schemas: dict[str, Any]) -> dict[str, Any]:
    described: dict[str, Any] = {
        "operationId": operation.name,
        "summary": operation.summary,
        "tags": [operation.tag],
        "parameters": _parameters(operation, schemas),
        "responses": _responses(operation),
        "x-zoom-rate-limit": operation.label,
    }
    if operation.body is not None:
        model = REF.format(model=operation.body.__name__)
        described["requestBody"] = {"required": True, "content": _json(model)}
    return described


def _token_endpoint() -> dict[str, Any]:
    form = {
        "type": "object",
        "properties": {
            "grant_type": {"type": "string", "enum": ["account_credentials"]},
            "account_id": {"type": "string"},
        },
        "required": ["grant_type", "account_id"],
    }
    return {
        "servers": [{"url": "/"}],
        "post": {
            "operationId": "requestAccessToken",
            "summary": "Server-to-Server OAuth: an access token (HTTP Basic client_id:secret)",
            "tags": ["OAuth"],
            "security": [{"clientCredentials": []}],
            "requestBody": {
                "content": {"application/x-www-form-urlencoded": {"schema": form}},
            },
            "responses": {
                "200": {
                    "description": "A token.",
                    "content": _json(REF.format(model="TokenAnswer")),
                },
                "400": {
                    "description": "Refused client, grant type or account.",
                    "content": _json(REF.format(model="TokenError")),
                },
                "429": {
                    "description": "Too many refused attempts from this address.",
                    "content": _json(REF.format(model="ErrorAnswer")),
                },
            },
        },
    }


@cache
def document() -> dict[str, Any]:
    """The whole document (built once per process)."""
    keyed, defs = models_json_schema(
        [(model, "validation") for model in _models()], ref_template=REF
    )
    schemas: dict[str, Any] = dict(defs.get("$defs", {}))
    for (model, _mode), schema in keyed.items():
        if "$ref" not in schema:
            schemas[model.__name__] = schema
    paths: dict[str, Any] = {}
    for operation in OPERATIONS:
        item = paths.setdefault(operation.path, {})
        item[operation.method.lower()] = _operation(operation, schemas)
    paths["/oauth/token"] = _token_endpoint()
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Podium: Zoom API v2 (webinars)",
            "version": "2.0.0",
            "description": (
                "The webinar subset of Zoom's REST API v2, served by Podium on the same "
                "store as v1. Get a token at POST /oauth/token (HTTP Basic api_key:api_secret, "
                "grant_type=account_credentials, account_id), then send "
                "`Authorization: Bearer <token>`."
            ),
        },
        "servers": [{"url": "/v2"}],
        "security": [{"bearerAuth": []}],
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {
                "bearerAuth": {"type": "http", "scheme": "bearer"},
                "clientCredentials": {"type": "http", "scheme": "basic"},
            },
        },
    }
