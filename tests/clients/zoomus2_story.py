"""PyPI zoomus 1.2.1 in v2 mode (Server-to-Server OAuth) tells a whole webinar story against
Podium; run from .venv-zoomus2 by tests/e2e/test_v2_zoomus.py. Prints one JSON object: each
step's HTTP status and body. What zoomus has no method for goes through its own request
helpers (`post_request`, …), so every call still travels zoomus's transport.

    python zoomus2_story.py ROOT_URL API_KEY API_SECRET ACCOUNT_ID
"""

from __future__ import annotations

import json
import sys
from typing import Any

import requests
from zoomus import ZoomClient

root, api_key, api_secret, account_id = sys.argv[1:5]
client = ZoomClient(
    api_key, api_secret, account_id, base_uri=f"{root}/v2", oauth_uri=f"{root}/oauth/token"
)
webinar = client.webinar
report = client.report
steps: dict[str, Any] = {}


def keep(name: str, response: requests.Response) -> Any:
    body = response.json() if response.content else None
    steps[name] = {"status": response.status_code, "body": body}
    return body


created = keep(
    "create",
    webinar.create(
        user_id="me",
        topic="zoomus v2 story",
        type=9,
        start_time="2030-03-04T10:00:00",  # local time in the time zone below
        timezone="Europe/Berlin",
        duration=30,
        recurrence={"type": 2, "weekly_days": "2", "end_times": 3},
        settings={"approval_type": 1, "registration_type": 1},
    ),
)
webinar_id = created["id"]
keep("get", webinar.get(id=webinar_id))
keep("list", webinar.list(user_id="me", page_size=30))
keep(
    "questions",
    webinar.patch_request(
        f"/webinars/{webinar_id}/registrants/questions",
        data={
            "questions": [{"field_name": "city", "required": True}],
            "custom_questions": [
                {
                    "title": "Role",
                    "type": "single_dropdown",
                    "required": True,
                    "answers": ["Dev", "Ops"],
                }
            ],
        },
    ),
)
keep("read_questions", webinar.get_request(f"/webinars/{webinar_id}/registrants/questions"))
keep(
    "missing_city",
    webinar.register(id=webinar_id, email="x@client.test", first_name="X", last_name="Y"),
)
people = [("ann", "Dev"), ("bob", "Ops"), ("cat", "Dev"), ("dan", "Ops")]
for name, role in people:
    keep(
        f"register_{name}",
        webinar.register(
            id=webinar_id,
            email=f"{name}@client.test",
            first_name=name.title(),
            last_name="Client",
            city="Berlin",
            custom_questions=[{"title": "Role", "value": role}],
        ),
    )
keep("pending", webinar.get_registrants(id=webinar_id, status="pending"))
keep(
    "approve",
    webinar.put_request(
        f"/webinars/{webinar_id}/registrants/status",
        data={
            "action": "approve",
            "registrants": [
                {"email": "ann@client.test"},
                {"email": "bob@client.test"},
                {"email": "cat@client.test"},
            ],
        },
    ),
)
keep(
    "deny",
    webinar.put_request(
        f"/webinars/{webinar_id}/registrants/status",
        data={"action": "deny", "registrants": [{"email": "dan@client.test"}]},
    ),
)
keep("approved", webinar.get_registrants(id=webinar_id))
keep("denied", webinar.get_registrants(id=webinar_id, status="denied"))
keep(
    "add_panelists",
    webinar.add_panelists(id=webinar_id, panelists=[{"name": "Pat", "email": "pat@client.test"}]),
)
keep("panelists", webinar.list_panelists(id=webinar_id))
keep(
    "poll",
    webinar.post_request(
        f"/webinars/{webinar_id}/polls",
        data={
            "title": "Pulse",
            "questions": [{"name": "Useful?", "type": "single", "answers": ["Yes", "No"]}],
        },
    ),
)
# A one-time webinar takes a batch.
single = keep(
    "create_single",
    webinar.create(
        user_id="me",
        topic="Batch",
        start_time="2030-05-01T10:00:00Z",
        settings={"approval_type": 1},
    ),
)
keep(
    "batch",
    webinar.post_request(
        f"/webinars/{single['id']}/batch_registrants",
        data={
            "auto_approve": True,
            "registrants": [
                {"email": "eve@client.test", "first_name": "Eve", "last_name": "Batch"},
                {"email": "fay@client.test", "first_name": "Fay", "last_name": "Batch"},
            ],
        },
    ),
)
# The session runs (the sandbox simulates it), then the host ends the webinar.
simulated = requests.post(
    f"{root}/podium/api/webinars/{webinar_id}/simulate",
    json={"seed": 5, "show_up_rate": 0.67, "walk_ins": 1, "questions": 2},
    timeout=30,
)
steps["simulate"] = {"status": simulated.status_code, "body": simulated.json()}
keep("end", webinar.end(id=webinar_id))
instances = keep("instances", webinar.get_request(f"/past_webinars/{webinar_id}/instances"))
uuid = instances["webinars"][0]["uuid"]
keep("participants", webinar.get_request(f"/past_webinars/{webinar_id}/participants"))
keep("absentees", webinar.get_absentees(id=webinar_id))
keep("past_polls", webinar.get_request(f"/past_webinars/{webinar_id}/polls"))
keep("past_qa", webinar.get_request(f"/past_webinars/{webinar_id}/qa"))
keep("report", report.get_request(f"/report/webinars/{webinar_id}"))
keep("report_participants", report.get_webinar_participants_report(id=webinar_id, page_size=300))
keep("report_polls", report.get_request(f"/report/webinars/{webinar_id}/polls"))
keep("report_qa", report.get_request(f"/report/webinars/{webinar_id}/qa"))
keep("delete", webinar.delete(id=single["id"]))
keep("after_delete", webinar.get(id=single["id"]))
print(json.dumps(steps))  # noqa: T201 - the test reads it
