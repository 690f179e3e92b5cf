"""A stateful model test (Hypothesis RuleBasedStateMachine): two accounts create, rename and
delete webinars, register, approve and cancel, and poke at each other's data, through the v1
API in-process. After every step the server equals a plain Python model: topics, registrants
and their statuses; seats never exceed capacity; deleted webinars and the other account's
webinars answer exactly like ids that never existed."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, consumes, invariant, rule
from starlette.testclient import TestClient

from podium.db import migrate
from podium.services import accounts
from podium.settings import Settings
from podium.web.app import create_app

SETTINGS = Settings.temporary()
migrate.upgrade(SETTINGS.database_url)
APP = create_app(SETTINGS)
CLIENT = TestClient(APP).__enter__()  # one event loop thread for the whole module
RUNTIME = APP.state.runtime
CAPACITY = 3
EMAILS = [f"p{n}@x.test" for n in range(6)]
NEVER = "1000000001"


@dataclass
class ModelWebinar:
    id: str
    owner: int  # index of the account
    topic: str
    approval_type: int
    deleted: bool = False
    registrants: dict[str, dict[str, str]] = field(default_factory=dict)  # email → {id, status}

    def seats(self) -> int:
        return sum(1 for r in self.registrants.values() if r["status"] != "cancelled")


class Accounts:
    def __init__(self) -> None:
        self.keys: list[dict[str, str]] = []
        for name in ("A", "B"):
            made = RUNTIME.new_account(name=name, host_email=f"host@{name.lower()}.test")
            RUNTIME.run(
                lambda s, made=made: accounts.set_capacity(s, made.account_id, CAPACITY),
                writes=True,
            )
            self.keys.append(
                {"api_key": made.api_key, "api_secret": made.api_secret, "host_id": made.host_id}
            )


def call(action: str, keys: dict[str, str], **params: Any) -> Any:
    response = CLIENT.post(f"/v1/{action}", data={**keys, **{k: str(v) for k, v in params.items()}})
    assert response.status_code == 200
    return response.json()


def not_found(webinar_id: str) -> dict[str, Any]:
    return {"error": {"code": 3001, "message": f"Webinar {webinar_id} not found or expired."}}


class PodiumModel(RuleBasedStateMachine):
    webinars = Bundle("webinars")

    def __init__(self) -> None:
        super().__init__()
        self.keys = Accounts().keys
        self.model: dict[str, ModelWebinar] = {}

    @rule(
        target=webinars,
        owner=st.integers(0, 1),
        topic=st.text("abcxyz ", min_size=1, max_size=12).map(str.strip).filter(bool),
        approval_type=st.sampled_from([0, 1, 2]),
    )
    def create(self, owner: int, topic: str, approval_type: int) -> str:
        answer = call(
            "webinar/create",
            self.keys[owner],
            topic=topic,
            approval_type=approval_type,
            start_time="2099-01-01T10:00:00Z",
        )
        assert answer["topic"] == topic
        webinar_id = str(answer["id"])
        self.model[webinar_id] = ModelWebinar(webinar_id, owner, topic, approval_type)
        return webinar_id

    @rule(webinar=webinars, topic=st.sampled_from(["renamed", "again", "third"]))
    def rename(self, webinar: str, topic: str) -> None:
        item = self.model[webinar]
        answer = call("webinar/update", self.keys[item.owner], id=webinar, topic=topic)
        if item.deleted:
            assert answer == not_found(webinar)
        else:
            assert answer["id"] == webinar
            item.topic = topic

    @rule(webinar=consumes(webinars))
    def delete(self, webinar: str) -> None:
        item = self.model[webinar]
        answer = call("webinar/delete", self.keys[item.owner], id=webinar)
        if item.deleted:
            assert answer == not_found(webinar)
        else:
            assert answer["id"] == webinar
            item.deleted = True

    @rule(webinar=webinars, email=st.sampled_from(EMAILS))
    def register(self, webinar: str, email: str) -> None:
        item = self.model[webinar]
        keys = {k: v for k, v in self.keys[item.owner].items() if k != "host_id"}
        answer = call(
            "webinar/register", keys, id=webinar, email=email, first_name="F", last_name="L"
        )
        if item.deleted:
            assert answer == not_found(webinar)
            return
        if item.approval_type == 2:
            assert answer["error"]["code"] == 3000
            return
        known = item.registrants.get(email)
        if known is not None and known["status"] != "cancelled":
            assert answer["registrant_id"] == known["id"]
            return
        if item.seats() >= CAPACITY:
            assert answer["error"]["code"] == 3035
            return
        status = "approved" if item.approval_type == 0 else "pending"
        if known is not None:
            assert answer["registrant_id"] == known["id"]
        item.registrants[email] = {"id": answer["registrant_id"], "status": status}

    @rule(webinar=webinars, email=st.sampled_from(EMAILS))
    def approve(self, webinar: str, email: str) -> None:
        item = self.model[webinar]
        known = item.registrants.get(email)
        registrant_id = known["id"] if known else "AAAAAAAAAAAAAAAAAAAAAA"
        answer = call(
            "webinar/registrants/approve",
            self.keys[item.owner],
            id=webinar,
            registrant_ids=registrant_id,
        )
        if item.deleted:
            assert answer == not_found(webinar)
        elif item.approval_type != 1:
            assert answer["error"]["code"] == 2008
        elif known is None or known["status"] == "cancelled":
            assert answer["error"]["code"] == 300
        else:
            assert answer["id"] == webinar
            known["status"] = "approved"

    @rule(webinar=webinars, email=st.sampled_from(EMAILS))
    def cancel(self, webinar: str, email: str) -> None:
        item = self.model[webinar]
        known = item.registrants.get(email)
        registrant_id = known["id"] if known else "AAAAAAAAAAAAAAAAAAAAAA"
        answer = call(
            "webinar/registration/cancel",
            self.keys[item.owner],
            id=webinar,
            registrant_ids=registrant_id,
        )
        if item.deleted:
            assert answer == not_found(webinar)
        elif known is None:
            assert answer["error"]["code"] == 300
        else:
            assert answer["id"] == webinar
            known["status"] = "cancelled"

    @rule(
        webinar=webinars,
        action=st.sampled_from(
            [
                "webinar/get",
                "webinar/update",
                "webinar/delete",
                "webinar/end",
                "webinar/panelists",
                "webinar/registration",
            ]
        ),
    )
    def the_other_account_sees_nothing(self, webinar: str, action: str) -> None:
        item = self.model[webinar]
        stranger = self.keys[1 - item.owner]
        theirs = CLIENT.post(f"/v1/{action}", data={**stranger, "id": webinar, "topic": "x"})
        never = CLIENT.post(f"/v1/{action}", data={**stranger, "id": NEVER, "topic": "x"})
        assert theirs.content == never.content.replace(NEVER.encode(), webinar.encode())

    @invariant()
    def server_equals_model(self) -> None:
        for webinar_id, item in self.model.items():
            keys = self.keys[item.owner]
            got = call("webinar/get", keys, id=webinar_id)
            if item.deleted:
                assert got == not_found(webinar_id)
                continue
            assert got["topic"] == item.topic
            assert item.seats() <= CAPACITY
            if item.approval_type == 2:
                continue
            listed = call("webinar/registration", keys, id=webinar_id, page_size=300)
            assert {a["email"]: (a["id"], a["approval"]) for a in listed["attendees"]} == {
                email: (r["id"], r["status"]) for email, r in item.registrants.items()
            }


# CI runs a smaller profile; `make soak` runs the full one (200 examples of 50 steps).
EXAMPLES, STEPS = (int(n) for n in os.environ.get("PODIUM_STATEFUL", "40x30").split("x"))
PodiumModel.TestCase.settings = settings(
    max_examples=EXAMPLES,
    stateful_step_count=STEPS,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
test_podium_equals_its_model = PodiumModel.TestCase
