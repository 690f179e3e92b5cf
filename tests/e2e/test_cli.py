"""`podium` as a user runs it: a subprocess, a real port, the database it made."""

from __future__ import annotations

import json
import re
import signal
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx2
import pytest

from tests import serving
from tests.serving import PODIUM

pytestmark = pytest.mark.e2e


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*PODIUM, *args], cwd=cwd, capture_output=True, text=True, timeout=60, check=False
    )


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    return tmp_path


def test_account_create_json_prints_one_object(workdir: Path) -> None:
    result = run(
        "account", "create", "--name", "Acme", "--host-email", "h@acme.test", "--json", cwd=workdir
    )

    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert sorted(data) == ["account_id", "api_key", "api_secret", "host_id"]
    assert data["account_id"] == 1
    assert (workdir / "podium.sqlite3").exists()


def test_user_add_key_rotate_and_capacity(workdir: Path) -> None:
    created = json.loads(
        run(
            "account", "create", "--name", "A", "--host-email", "a@a.test", "--json", cwd=workdir
        ).stdout
    )

    user = run(
        "user",
        "add",
        "--account-id",
        "1",
        "--email",
        "b@a.test",
        "--no-webinar",
        "--json",
        cwd=workdir,
    )
    rotated = run("key", "rotate", "--account-id", "1", "--json", cwd=workdir)
    capacity = run(
        "account", "set", "--account-id", "1", "--capacity", "250", "--json", cwd=workdir
    )
    missing = run("user", "add", "--account-id", "99", "--email", "c@a.test", cwd=workdir)

    assert re.fullmatch(r'\{"host_id": "[A-Za-z0-9_-]{22}"\}\n', user.stdout)
    pair = json.loads(rotated.stdout)
    assert sorted(pair) == ["account_id", "api_key", "api_secret"]
    assert pair["api_key"] != created["api_key"]
    assert json.loads(capacity.stdout) == {"account_id": 1, "capacity": 250}
    assert (missing.returncode, missing.stderr) == (1, "Error: No account 99.\n")


def test_db_upgrade(workdir: Path) -> None:
    result = run(
        "db", "upgrade", "--database-url", f"sqlite:///{workdir / 'x.sqlite3'}", cwd=workdir
    )

    assert (result.returncode, result.stdout) == (0, "database is at the newest schema\n")
    assert (workdir / "x.sqlite3").exists()


@contextmanager
def demo_printing(workdir: Path, *extra: str) -> Iterator[tuple[str, str]]:
    """`podium serve --demo`: its URL and everything it printed until it listened; stopped
    with Ctrl-C after (killed if it does not stop: no server left for the next tests)."""
    served = serving.serve("--demo", *extra, cwd=workdir)
    try:
        yield served.url, serving.printed_until_listening(served)
    finally:
        served.stop(signal.SIGINT)


@contextmanager
def serving_demo(workdir: Path, *extra: str) -> Iterator[tuple[str, dict[str, str]]]:
    """`podium serve --demo`: its URL and the demo account's keys it printed."""
    with demo_printing(workdir, *extra) as (url, printed):
        yield url, dict(re.findall(r"^  (api_key|api_secret|host_id): (\S+)$", printed, re.M))


@pytest.fixture
def served(workdir: Path) -> Iterator[tuple[str, dict[str, str]]]:
    with serving_demo(workdir) as running:
        yield running


def test_serve_demo_keeps_the_same_account_across_starts(workdir: Path) -> None:
    with serving_demo(workdir) as (_url, first):
        pass
    with serving_demo(workdir) as (url, second):
        response = httpx2.post(f"{url}/v1/webinar/list", data=second)

    assert second == first
    assert response.json()["total_records"] == 0


def test_serve_demo_prints_working_credentials(
    served: tuple[str, dict[str, str]], workdir: Path
) -> None:
    url, demo = served

    response = httpx2.post(f"{url}/v1/webinar/list", data={**demo})

    assert sorted(demo) == ["api_key", "api_secret", "host_id"]
    assert response.json() == {
        "page_count": 0,
        "page_number": 1,
        "page_size": 30,
        "total_records": 0,
        "webinars": [],
    }
    saved = json.loads((workdir / ".podium-demo.json").read_text())
    assert {k: saved[k] for k in demo} == demo
