"""`podium serve --sandbox`, `podium seed` and `podium journal` as a user runs them."""

from __future__ import annotations

import json
from pathlib import Path

import httpx2
import pytest

from tests.e2e.test_cli import run, serving_demo

pytestmark = pytest.mark.e2e

SEED = """
accounts:
  - name: CI
    api_key: ci-key
    api_secret: ci-secret-0123456789
    webinars:
      - {topic: Seeded, approval_type: 0, start_time: "2099-03-01T10:00:00Z"}
"""


def test_podium_seed_then_journal_on_a_sandbox(tmp_path: Path) -> None:
    (tmp_path / "seed.yaml").write_text(SEED)

    seeded = run("seed", "seed.yaml", "--json", cwd=tmp_path)
    again = run("seed", "seed.yaml", cwd=tmp_path)

    assert seeded.returncode == 0, seeded.stderr
    [account] = json.loads(seeded.stdout)["accounts"]
    assert (account["api_key"], account["api_secret"]) == ("ci-key", "ci-secret-0123456789")
    assert again.returncode == 1
    assert again.stderr.strip() == "Error: Another account has the api_key ci-key."
    with serving_demo(tmp_path, "--sandbox") as (url, _demo):
        keys = {"api_key": "ci-key", "api_secret": "ci-secret-0123456789"}
        got = httpx2.post(
            f"{url}/v1/webinar/get",
            data={**keys, "host_id": account["host_id"], "id": account["webinars"][0]["id"]},
        ).json()
        clock = httpx2.post(f"{url}/podium/api/clock", json={"frozen": True}).json()
        table = run("journal", "--url", url, cwd=tmp_path)
        as_json = run("journal", "--url", url, "--json", "--action", "webinar/get", cwd=tmp_path)

    assert got["topic"] == "Seeded"
    assert clock["frozen"] is True
    lines = table.stdout.splitlines()
    assert lines[0].split() == ["time", "action", "result", "ms", "parameters"]
    assert lines[1].split()[1:3] == ["webinar/get", "ok"]
    assert "ci-secret" not in table.stdout
    [call] = json.loads(as_json.stdout)
    assert call["params"]["api_secret"] == "[redacted]"
    assert call["action"] == "webinar/get"


def test_without_sandbox_or_token_the_management_api_is_off(tmp_path: Path) -> None:
    with serving_demo(tmp_path) as (url, _demo):
        refused = httpx2.post(f"{url}/podium/api/reset")
        journal = run("journal", "--url", url, cwd=tmp_path)

    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == 403
    assert journal.returncode == 1
    assert journal.stderr.startswith(f"Error: {url} refused: ")


def test_bad_seed_files_and_sandbox_with_workers_are_refused(tmp_path: Path) -> None:
    (tmp_path / "bad.yaml").write_text("accounts: [\n")
    (tmp_path / "wrong.json").write_text('{"accounts": [{"webinars": [{"topic": ""}]}]}')

    unreadable = run("seed", "bad.yaml", cwd=tmp_path)
    invalid = run("seed", "wrong.json", cwd=tmp_path)
    workers = run("serve", "--sandbox", "--workers", "2", cwd=tmp_path)

    assert unreadable.returncode == 1
    assert unreadable.stderr.startswith("Error: bad.yaml is neither JSON nor YAML")
    assert invalid.returncode == 1
    assert invalid.stderr.strip() == (
        "Error: Invalid parameter: accounts[0].webinars[0]. topic is required."
    )
    assert workers.returncode == 1
    assert "--sandbox runs one process" in workers.stderr
