"""PyPI zoomus==1.1.6 in v1 mode, from its own virtual environment (it cannot share one with
zoomus 0.1.7), drives Podium over a real socket."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from podium.testing import PodiumServer, TestAccount

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parents[2]
PYTHON = ROOT / ".venv-zoomus1" / "bin" / "python"


def test_zoomus_1x_v1_mode(server: PodiumServer, fresh_account: TestAccount) -> None:
    assert PYTHON.exists(), "make test builds .venv-zoomus1 with zoomus==1.1.6"
    account = fresh_account

    result = subprocess.run(
        [
            str(PYTHON),
            str(ROOT / "tests" / "clients" / "zoomus1_flow.py"),
            account.api_key,
            account.api_secret,
            account.host_id,
            server.base_url,
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )

    answers = json.loads(result.stdout)
    webinar_id = answers["create"]["id"]
    assert isinstance(webinar_id, int)
    assert answers["get"]["topic"] == "zoomus 1.x"
    assert [w["id"] for w in answers["upcoming"]["webinars"]] == [webinar_id]
    assert answers["register"]["id"] == webinar_id
    assert answers["register"]["join_url"].startswith(f"{server.root_url}/w/{webinar_id}?tk=")
    assert (
        answers["update"]["id"]
        == answers["end"]["id"]
        == answers["delete"]["id"]
        == str(webinar_id)
    )
    assert answers["after"] == {
        "error": {"code": 3001, "message": f"Webinar {webinar_id} not found or expired."}
    }
