"""Podium behind Debian's nginx with deploy/nginx.conf, verbatim (tests/e2e/nginx_story.py runs
the story in a network namespace of its own, so the ports the file names are free)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parents[2]
PUBLIC = "https://webinars.example.org"


@pytest.fixture(scope="module")
def seen(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    assert shutil.which("nginx"), "Debian's nginx is needed (make nginx)"
    work = tmp_path_factory.mktemp("nginx")
    result = subprocess.run(
        [
            "unshare",
            "--net",
            "--",
            sys.executable,
            str(ROOT / "tests" / "e2e" / "nginx_story.py"),
            str(work),
            str(ROOT / "deploy" / "nginx.conf"),
        ],
        capture_output=True,
        text=True,
        timeout=240,
        cwd=ROOT,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    found: dict[str, Any] = json.loads(result.stdout)
    return found


def test_links_use_https_and_the_public_host(seen: dict[str, Any]) -> None:
    start_url, registration_url, join_url = seen["links"]

    assert start_url.startswith(f"{PUBLIC}/s/")
    assert registration_url.startswith(f"{PUBLIC}/webinar/register/")
    assert join_url.startswith(f"{PUBLIC}/w/")
    assert seen["registration_page"] == 200
    assert seen["http_redirect"] == [301, f"{PUBLIC}/healthz"]


def test_the_request_id_goes_through(seen: dict[str, Any]) -> None:
    # nginx sets X-Request-Id to its own $request_id (32 hex digits); Podium echoes it
    request_id = seen["request_id"]

    assert isinstance(request_id, str)
    assert len(request_id) == 32
    assert int(request_id, 16) >= 0


def test_throttling_counts_each_visitor_by_the_forwarded_address(
    seen: dict[str, Any],
) -> None:
    assert seen["guesser"] == [403] * 30 + [429]
    assert seen["other_visitor"] == 403


def test_event_streams_pass_unbuffered(seen: dict[str, Any]) -> None:
    live = seen["live"]
    assert isinstance(live, dict)

    assert live["events"] == ["state", "started"]
    assert live["start_status"] == 200
    assert live["content_type"] == "text/event-stream; charset=utf-8"
    # buffered, they would wait for nginx's buffer or the 10 s heartbeat
    assert live["state_seconds"] < 8
    assert live["started_seconds"] < 8


def test_management_api_through_the_proxy_needs_the_token(seen: dict[str, Any]) -> None:
    assert seen["management"] == [401, 200]
    assert seen["metrics_through_proxy"] == 404
    # a sandbox without a token: open to this machine, not to what comes through nginx
    assert seen["sandbox"] == {"direct": 200, "through_nginx": 403}
