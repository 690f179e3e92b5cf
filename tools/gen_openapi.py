"""Writes src/podium/openapi.yaml: Podium's corrected OpenAPI document of the v1 dialect.

Run `python tools/gen_openapi.py` after adding an action; a test fails when the committed
document differs from what this produces, or when it and ACTIONS list different operations.
Started from ../shared/spec/ (Zoom's own text), with the real types of the wire contract and
the error envelope added.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import yaml

from podium.api.actions import ACTIONS
from podium.codes import PROFILE_TEXT_FIELDS

OUTPUT = Path(__file__).resolve().parent.parent / "src" / "podium" / "openapi.yaml"

STRING: dict[str, Any] = {"type": "string"}
INTEGER: dict[str, Any] = {"type": "integer"}
BOOLEAN: dict[str, Any] = {"type": "boolean"}
TIMESTAMP: dict[str, Any] = {
    "type": "string",
    "description": "UTC, YYYY-MM-DDTHH:MM:SSZ; empty when there is no time.",
    "pattern": r"^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z)?$",
}
HOST_ID = ("host_id", "Webinar host user ID: any webinar-enabled user of the account.")
WEBINAR_ID = ("id", "Webinar ID.")
UUID = ("uuid", "A session's uuid from webinar/uuid/list (default: the latest ended).")
PAGING = [
    ("page_size", "Records per page: default 30, at most 300 (larger values are capped)."),
    ("page_number", "Page number, from 1 (default 1)."),
]
SETTINGS = [
    ("type", "5 webinar, 6 recurring without fixed time, 9 recurring with fixed time."),
    ("start_time", "UTC start, such as 2012-11-25T12:00:00Z (lenient: 2017-1-9T3:00:00Z)."),
    ("duration", "Minutes, 0 to 43200."),
    ("timezone", "IANA time zone, such as America/Los_Angeles."),
    ("password", "At most 10 characters of a-z A-Z 0-9 @ - _ *."),
    (
        "recurrence",
        "JSON object: type, repeat_interval, weekly_days, monthly_day, "
        "monthly_week, monthly_week_day, end_times or end_date_time.",
    ),
    ("approval_type", "0 automatic, 1 manual, 2 no registration (default)."),
    ("registration_type", "Type 9 only: 1 once for all, 2 each occurrence, 3 choose."),
    ("agenda", "Description."),
    ("option_audio", "both, telephony or voip."),
    ("option_host_video", "Boolean."),
    ("option_panelist_video", "Boolean."),
    ("option_practice_session", "Boolean."),
    ("option_enforce_login", "Boolean."),
    ("option_enforce_login_domains", "Domains allowed to join."),
    ("option_alternative_hosts", "Alternative hosts."),
    ("option_alternative_host_ids", "Alternative host ids."),
    ("option_auto_record_type", "local, cloud or none."),
    ("panelists", 'JSON array: [{"name": "…", "email": "…"}].'),
    ("language", "en-US, en, zh-CN, zh, en-ES, es, fr-FR or fr."),
]

WEBINAR_FIELDS: dict[str, Any] = {
    "uuid": STRING,
    "id": INTEGER,
    "host_id": STRING,
    "topic": STRING,
    "agenda": STRING,
    "type": INTEGER,
    "status": INTEGER,
    "start_time": TIMESTAMP,
    "duration": INTEGER,
    "timezone": STRING,
    "start_url": STRING,
    "join_url": STRING,
    "registration_url": STRING,
    "created_at": TIMESTAMP,
    "option_start_type": STRING,
    "option_audio": STRING,
    "option_enforce_login": BOOLEAN,
    "option_enforce_login_domains": STRING,
    "option_alternative_hosts": STRING,
}


def obj(properties: dict[str, Any]) -> dict[str, Any]:
    return {"type": "object", "required": list(properties), "properties": properties}


def ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def paged(key: str, item: dict[str, Any]) -> dict[str, Any]:
    return obj(
        {
            "page_count": INTEGER,
            "page_number": INTEGER,
            "page_size": INTEGER,
            "total_records": INTEGER,
            key: {"type": "array", "items": item},
        }
    )


def with_field(schema: dict[str, Any], name: str, field: dict[str, Any]) -> dict[str, Any]:
    return obj({**schema["properties"], name: field})


def acknowledgement(stamp: str) -> dict[str, Any]:
    return obj({"id": {"type": "string", "description": "The id sent, echoed."}, stamp: TIMESTAMP})


OPERATIONS: dict[str, tuple[str, list[tuple[str, str]], list[tuple[str, str]], dict[str, Any]]] = {
    # action: (summary, required parameters, optional parameters, success schema)
    "webinar/create": (
        "Create a webinar.",
        [HOST_ID, ("topic", "Topic, at most 300 characters.")],
        SETTINGS,
        ref("Webinar"),
    ),
    "webinar/get": (
        "Get a webinar with its occurrences.",
        [WEBINAR_ID, HOST_ID],
        [],
        ref("WebinarWithOccurrences"),
    ),
    "webinar/update": (
        "Change the supplied settings of a webinar.",
        [WEBINAR_ID, HOST_ID],
        [("topic", "Topic, at most 300 characters."), *SETTINGS],
        acknowledgement("updated_at"),
    ),
    "webinar/delete": (
        "Delete a webinar, or one occurrence of it.",
        [WEBINAR_ID, HOST_ID],
        [("occurrence_id", "Delete only this occurrence.")],
        acknowledgement("deleted_at"),
    ),
    "webinar/end": (
        "End a webinar (status 2); a running session closes.",
        [WEBINAR_ID, HOST_ID],
        [],
        acknowledgement("ended_at"),
    ),
    "webinar/list": (
        "The host's webinars without registration, paged.",
        [HOST_ID],
        PAGING,
        paged("webinars", ref("Webinar")),
    ),
    "webinar/list/registration": (
        "The host's upcoming webinars with registration, paged.",
        [HOST_ID],
        PAGING,
        paged("webinars", ref("Webinar")),
    ),
    "webinar/panelists": (
        "The webinar's panelists with their personal links.",
        [WEBINAR_ID, HOST_ID],
        [],
        obj(
            {
                "total_records": INTEGER,
                "panelists": {
                    "type": "array",
                    "items": obj({"name": STRING, "email": STRING, "join_url": STRING}),
                },
            }
        ),
    ),
    "webinar/register": (
        "Register for a webinar (the same e-mail again gives back the same registrant).",
        [
            WEBINAR_ID,
            ("email", "A valid e-mail address."),
            ("first_name", "First name."),
            ("last_name", "Last name."),
        ],
        [(name, name.replace("_", " ").capitalize() + ".") for name in PROFILE_TEXT_FIELDS]
        + [
            (
                "purchasing_time_frame",
                "Within a month, 1-3 months, 4-6 months, More than 6 months or No timeframe.",
            ),
            (
                "role_in_purchase_process",
                "Decision Maker, Evaluator/Recommender, Influencer or Not involved.",
            ),
            ("no_of_employees", "1-20 … More than 10,000 (both 1,001-5,000 and 1,001-5,001)."),
            ("comments", "Questions and comments."),
            ("custom_questions", 'JSON array: [{"title": "…", "value": "…"}].'),
            ("language", "en-US, en, zh-CN, zh, en-ES, es, fr-FR or fr."),
            ("occurrence_ids", "Comma-separated occurrence ids (registration types 2 and 3)."),
        ],
        obj(
            {
                "registrant_id": STRING,
                "id": INTEGER,
                "topic": STRING,
                "start_time": TIMESTAMP,
                "join_url": STRING,
            }
        ),
    ),
    "webinar/registrants/list": (
        "Registrants of a manual-approval webinar: pending (type 0) or approved (type 1).",
        [WEBINAR_ID, HOST_ID],
        [("type", "0 pending (default), 1 approved."), *PAGING],
        with_field(
            paged(
                "users",
                obj(
                    {
                        "id": STRING,
                        "first_name": STRING,
                        "last_name": STRING,
                        "email": STRING,
                        "registration_time": TIMESTAMP,
                    }
                ),
            ),
            "type",
            INTEGER,
        ),
    ),
    "webinar/registrants/approve": (
        "Approve pending registrants.",
        [WEBINAR_ID, HOST_ID],
        [
            ("registrant_ids", "Comma-separated registrant ids (or registrants_ids)."),
            ("registrants_ids", "The same, as Zoom's docs also spell it."),
        ],
        acknowledgement("updated_at"),
    ),
    "webinar/registration": (
        "Everyone who registered, with approval pending, approved or cancelled.",
        [WEBINAR_ID, HOST_ID],
        [("occurrence_id", "Only this occurrence's registrants."), *PAGING],
        paged(
            "attendees",
            obj(
                {
                    "id": STRING,
                    "first_name": STRING,
                    "last_name": STRING,
                    "email": STRING,
                    "create_time": TIMESTAMP,
                    "approval": {"type": "string", "enum": ["approved", "pending", "cancelled"]},
                    "registration_url": STRING,
                }
            ),
        ),
    ),
    "webinar/registration/cancel": (
        "Cancel registrations (at most 15), or one occurrence of them.",
        [WEBINAR_ID, HOST_ID],
        [
            ("registrant_ids", "Comma-separated registrant ids (or registrants_ids)."),
            ("registrants_ids", "The same, as Zoom's docs also spell it."),
            ("occurrence_id", "Cancel only this occurrence (registration types 2 and 3)."),
        ],
        acknowledgement("updated_at"),
    ),
    "webinar/uuid/list": (
        "The sessions of a webinar that ended, one entry each.",
        [WEBINAR_ID, HOST_ID],
        [],
        obj(
            {"webinars": {"type": "array", "items": obj({"uuid": STRING, "start_time": TIMESTAMP})}}
        ),
    ),
    "webinar/attendees/list": (
        "Attendance of an ended session (default: the latest): a row per join, then approved "
        "registrants who never joined.",
        [WEBINAR_ID, HOST_ID],
        [UUID],
        obj(
            {
                "attendees": {
                    "type": "array",
                    "items": obj(
                        {
                            "first_name": STRING,
                            "last_name": STRING,
                            "email": STRING,
                            "join_time": TIMESTAMP,
                            "leave_time": TIMESTAMP,
                            "time_in_session": {"type": "string", "description": "Whole minutes."},
                            "attended": {"type": "string", "enum": ["Yes", "No"]},
                            "custom_questions": {"type": "object", "additionalProperties": STRING},
                            "questions": {"type": "object", "additionalProperties": STRING},
                        }
                    ),
                }
            }
        ),
    ),
    "webinar/polls": (
        "Poll answers of an ended session, per participant.",
        [WEBINAR_ID, HOST_ID],
        [UUID],
        ref("SessionAnswers"),
    ),
    "webinar/questions": (
        "Q&A of an ended session, per participant.",
        [WEBINAR_ID, HOST_ID],
        [UUID],
        ref("SessionAnswers"),
    ),
}


def form(required: list[tuple[str, str]], optional: list[tuple[str, str]]) -> dict[str, Any]:
    properties = {
        "api_key": {"type": "string", "description": "API key of the account."},
        "api_secret": {"type": "string", "description": "API secret of the account."},
    }
    for name, description in [*required, *optional]:
        properties[name] = {"type": "string", "description": description}
    names = ["api_key", "api_secret", *(name for name, _ in required)]
    return {"type": "object", "required": names, "properties": properties}


def operation(action: str) -> dict[str, Any]:
    summary, required, optional, success = OPERATIONS[action]
    error = {
        "description": "The v1 error envelope.",
        "content": {"application/json": {"schema": ref("Error")}},
    }
    return {
        "post": {
            "tags": ["Webinar"],
            "operationId": "webinar" + "".join(p.title() for p in action.split("/")[1:]),
            "summary": summary,
            "description": "Parameters may come in the query string, the form body, or both "
            "(the body wins). Errors are answered with HTTP 200 and the envelope.",
            "requestBody": {
                "required": True,
                "content": {
                    "application/x-www-form-urlencoded": {"schema": form(required, optional)},
                    "multipart/form-data": {"schema": form(required, optional)},
                },
            },
            "responses": {
                "200": {
                    "description": "The answer, or an error in the v1 envelope.",
                    "content": {"application/json": {"schema": {"anyOf": [success, ref("Error")]}}},
                },
                "404": error,
                "405": error,
                "413": error,
                "429": error,
                "500": error,
            },
        }
    }


ANY_OBJECT: dict[str, Any] = {"type": "object", "additionalProperties": True}
# Management API (web/admin.py): method, path under /podium/api, summary, JSON body or None,
# success status.
MANAGEMENT = [
    (
        "post",
        "/accounts",
        "Create an account (random or given api_key/api_secret).",
        obj({"name": STRING, "host_email": STRING, "api_key": STRING, "api_secret": STRING}),
        201,
    ),
    (
        "post",
        "/accounts/{account_id}/users",
        "Add a host user.",
        obj({"email": STRING, "webinar": BOOLEAN}),
        201,
    ),
    (
        "post",
        "/accounts/{account_id}/keys",
        "A new API key pair; the old one stops working.",
        None,
        201,
    ),
    (
        "post",
        "/accounts/{account_id}/reset",
        "Delete the account's webinars and all under them.",
        None,
        200,
    ),
    (
        "get",
        "/accounts/{account_id}/export",
        "The account's data as the v1 operations show it.",
        None,
        200,
    ),
    ("post", "/reset", "Delete every account, the journal and the fault rules.", None, 200),
    (
        "post",
        "/seed",
        "Accounts, webinars, registrants, panelists, polls (JSON or YAML).",
        obj({"accounts": {"type": "array", "items": ANY_OBJECT}}),
        201,
    ),
    ("get", "/clock", "The server's time (sandbox).", None, 200),
    (
        "post",
        "/clock",
        "Freeze, set or advance the server's time (sandbox).",
        obj(
            {
                "frozen": BOOLEAN,
                "set": TIMESTAMP,
                "advance": obj(
                    {
                        unit: {"type": "number"}
                        for unit in ("weeks", "days", "hours", "minutes", "seconds")
                    }
                ),
            }
        ),
        200,
    ),
    ("get", "/journal", "The last v1 calls (query: action, api_key, limit).", None, 200),
    ("delete", "/journal", "Forget the journal.", None, 200),
    ("get", "/faults", "The fault rules.", None, 200),
    (
        "post",
        "/faults",
        "Add a fault rule.",
        obj(
            {
                "action": STRING,
                "error_code": INTEGER,
                "message": STRING,
                "http_status": INTEGER,
                "delay_ms": INTEGER,
                "drop": BOOLEAN,
                "probability": {"type": "number"},
                "count": INTEGER,
            }
        ),
        201,
    ),
    ("delete", "/faults", "Remove every fault rule.", None, 200),
    ("delete", "/faults/{rule_id}", "Remove one fault rule.", None, 200),
    (
        "post",
        "/accounts/{account_id}/webhooks",
        "Subscribe an endpoint to webhook events, once it passed Zoom's URL validation.",
        obj(
            {
                "url": STRING,
                "secret_token": STRING,
                "events": {"type": "array", "items": STRING},
            }
        ),
        201,
    ),
    ("get", "/accounts/{account_id}/webhooks", "The account's webhook subscriptions.", None, 200),
    ("get", "/accounts/{account_id}/webhooks/{webhook_id}", "A webhook subscription.", None, 200),
    (
        "delete",
        "/accounts/{account_id}/webhooks/{webhook_id}",
        "Remove a webhook subscription.",
        None,
        204,
    ),
    (
        "post",
        "/accounts/{account_id}/webhooks/{webhook_id}/validate",
        "Validate the endpoint again now.",
        None,
        200,
    ),
    (
        "get",
        "/accounts/{account_id}/webhooks/{webhook_id}/deliveries",
        "The subscription's deliveries, newest first (query: limit, status).",
        None,
        200,
    ),
    (
        "post",
        "/webinars/{webinar_id}/simulate",
        "Run simulated sessions of a webinar.",
        obj(
            {
                "seed": INTEGER,
                "show_up_rate": {"type": "number"},
                "walk_ins": INTEGER,
                "rejoin_rate": {"type": "number"},
                "poll_answer_rate": {"type": "number"},
                "questions": INTEGER,
                "answer_rate": {"type": "number"},
                "join_spread_minutes": INTEGER,
                "occurrence_ids": {"type": "array", "items": STRING},
            }
        ),
        200,
    ),
]
MANAGEMENT_TAG = "Podium management"


def management_paths() -> dict[str, Any]:
    error = {
        "description": "Refused: the v1 error envelope, with this HTTP status.",
        "content": {"application/json": {"schema": ref("Error")}},
    }
    paths: dict[str, Any] = {}
    for method, path, summary, body, status in MANAGEMENT:
        item = paths.setdefault(f"/podium/api{path}", {"servers": [{"url": "/"}]})
        parameters = [
            {"name": name, "in": "path", "required": True, "schema": STRING}
            for name in ("account_id", "rule_id", "webinar_id", "webhook_id")
            if "{" + name + "}" in path
        ]
        operation_: dict[str, Any] = {
            "tags": [MANAGEMENT_TAG],
            "summary": summary,
            "operationId": f"podium_{method}_{path.strip('/').replace('/', '_')}".replace(
                "{", ""
            ).replace("}", ""),
            "security": [{"adminToken": []}],
            "responses": {
                str(status): (
                    {"description": "Done."}
                    if status == 204
                    else {
                        "description": "Done.",
                        "content": {"application/json": {"schema": ANY_OBJECT}},
                    }
                ),
                **{str(code): error for code in (400, 401, 403, 404, 409, 422)},
            },
        }
        if parameters:
            operation_["parameters"] = parameters
        if body is not None:
            operation_["requestBody"] = {
                "required": False,
                "content": {"application/json": {"schema": body}},
            }
        item[method] = operation_
    return paths


def document() -> dict[str, Any]:
    unknown = sorted(set(ACTIONS) - set(OPERATIONS))
    if unknown:
        raise SystemExit(f"describe these actions in tools/gen_openapi.py: {unknown}")
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "Podium: the Zoom REST API v1 webinar dialect",
            "version": "1.0.0",
            "description": "Every call is POST /v1/webinar/<action>. Answers are JSON; errors "
            'are {"error": {"code", "message"}} with HTTP 200, except '
            "404/405/413/429/500 from the transport.",
            "license": {"name": "MIT", "url": "https://opensource.org/licenses/MIT"},
        },
        "servers": [{"url": "/v1"}],
        "tags": [
            {"name": "Webinar", "description": "The v1 webinar operations."},
            {
                "name": MANAGEMENT_TAG,
                "description": "Podium's own JSON API beside /v1 (docs/management-api.md): "
                "a bearer token (PODIUM_ADMIN_TOKEN), or none from this machine on a "
                "--sandbox server.",
            },
        ],
        "paths": {
            **{f"/{action}": operation(action) for action in sorted(ACTIONS)},
            **management_paths(),
        },
        "components": {
            "securitySchemes": {"adminToken": {"type": "http", "scheme": "bearer"}},
            "schemas": {
                "Error": obj({"error": obj({"code": INTEGER, "message": STRING})}),
                "Webinar": obj(WEBINAR_FIELDS),
                "SessionAnswers": obj(
                    {
                        "id": INTEGER,
                        "uuid": STRING,
                        "start_time": TIMESTAMP,
                        "questions": {
                            "type": "array",
                            "items": obj(
                                {
                                    "name": STRING,
                                    "email": STRING,
                                    "question_details": {
                                        "type": "array",
                                        "items": obj({"question": STRING, "answer": STRING}),
                                    },
                                }
                            ),
                        },
                    }
                ),
                "WebinarWithOccurrences": obj(
                    {
                        **WEBINAR_FIELDS,
                        "occurrences": {
                            "type": "array",
                            "items": obj(
                                {
                                    "occurrence_id": STRING,
                                    "start_time": TIMESTAMP,
                                    "duration": INTEGER,
                                    "status": {"type": "string", "enum": ["available", "deleted"]},
                                }
                            ),
                        },
                    }
                ),
            },
        },
    }


def render() -> str:
    return yaml.safe_dump(document(), sort_keys=False, allow_unicode=True, width=100)


if __name__ == "__main__":
    OUTPUT.write_text(render())
    sys.stdout.write(f"wrote {OUTPUT}\n")
