"""npm zoomus@0.1.5 (Zoom's own Node library: urlencoded bodies) drives registration."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import httpx2
import pytest

from podium.testing import PodiumServer, TestAccount

pytestmark = pytest.mark.e2e
NODE_DIR = Path(__file__).resolve().parents[1] / "node"


def test_node_zoomus_registration_flow(server: PodiumServer, fresh_account: TestAccount) -> None:
    node = shutil.which("node")
    assert node is not None, "Node.js is required (make test installs the npm client)"
    assert (NODE_DIR / "node_modules" / "zoomus").is_dir(), "run `make test` (npm ci)"
    account = fresh_account
    webinar_id = httpx2.post(
        f"{server.base_url}/webinar/create",
        data={
            "api_key": account.api_key,
            "api_secret": account.api_secret,
            "host_id": account.host_id,
            "topic": "Node",
            "approval_type": "1",
            "start_time": "2099-01-01T10:00:00Z",
        },
    ).json()["id"]

    result = subprocess.run(
        [
            node,
            str(NODE_DIR / "registration_flow.js"),
            server.base_url,
            account.api_key,
            account.api_secret,
            account.host_id,
            str(webinar_id),
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )

    answers: dict[str, Any] = json.loads(result.stdout)
    first, second = answers["register"], answers["second"]
    assert (first["id"], first["topic"], first["start_time"]) == (
        webinar_id,
        "Node",
        "2099-01-01T10:00:00Z",
    )
    assert [u["email"] for u in answers["pending"]["users"]] == [
        "node@client.test",
        "other@client.test",
    ]
    assert answers["approve"]["id"] == str(webinar_id)
    assert [u["id"] for u in answers["approved"]["users"]] == [first["registrant_id"]]
    assert answers["cancel"]["id"] == str(webinar_id)
    assert [(a["id"], a["approval"]) for a in answers["registration"]["attendees"]] == [
        (first["registrant_id"], "approved"),
        (second["registrant_id"], "cancelled"),
    ]
    assert answers["registration"]["attendees"][0]["registration_url"] == first["join_url"]
    assert answers["panelists"] == {"total_records": 0, "panelists": []}
    assert answers["unknown"] == {
        "error": {"code": 3001, "message": "Webinar 1 not found or expired."}
    }
