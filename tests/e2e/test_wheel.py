"""The wheel as users get it: built, installed into a fresh venv (dependencies from the lock
file), then `podium serve`, v1 calls, the pages, static files, e-mail rendering (templates
and locales), migrations and the pytest plugin run from the installed package, and a
user's `mypy --strict` accepts `import podium.testing` (py.typed)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import httpx2
import pytest

from tests.e2e.harness import wait_until

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parents[2]
PLUGIN_TEST = """
import json
import urllib.parse
import urllib.request

def test_the_plugin_serves(podium_server, podium_account):
    form = urllib.parse.urlencode({
        "api_key": podium_account.api_key, "api_secret": podium_account.api_secret,
        "host_id": podium_account.host_id}).encode()
    with urllib.request.urlopen(podium_server.base_url + "/webinar/list", form) as answer:
        assert json.load(answer)["total_records"] == 0
"""
TYPED_USE = """
from podium.testing import PodiumServer

def url(server: PodiumServer) -> str:
    return server.base_url
"""


def pinned(lock: Path, names: set[str]) -> str:
    """The entries of `names` in a pip-compile lock file, hashes included."""
    entries = re.split(r"\n(?=\S)", lock.read_text())
    return "\n".join(e for e in entries if e.split("==", 1)[0].strip() in names) + "\n"


def run(*command: str | Path, cwd: Path, timeout: float = 300) -> str:
    result = subprocess.run(
        [str(part) for part in command],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=cwd,
        check=False,
        env={k: v for k, v in os.environ.items() if not k.startswith(("PODIUM_", "COV"))},
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-3000:]
    return result.stdout


@pytest.fixture(scope="module")
def venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("wheel")
    run(sys.executable, "-m", "build", "--wheel", "--outdir", work / "dist", ROOT, cwd=work)
    (wheel,) = (work / "dist").glob("podium_webinar-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    assert {
        "podium/py.typed",
        "podium/openapi.yaml",
        "podium/web/templates/base.html",
        "podium/web/static/js/live.js",
        "podium/web/static/js/manage_live.js",
        "podium/web/templates/manage/registrants.html",
        "podium/web/locales/zh_CN/LC_MESSAGES/manage.po",
        "podium/mail/templates/message.html",
        "podium/mail/locales/fr/LC_MESSAGES/messages.po",
        "podium/db/migrations/versions/0001_initial_schema.py",
    } <= names
    run(sys.executable, "-m", "venv", work / "venv", cwd=work)
    pip = work / "venv" / "bin" / "pip"
    run(
        pip, "install", "-q", "--require-hashes", "-r", ROOT / "requirements" / "run.lock", cwd=work
    )
    tools = work / "tools.txt"  # pytest for the plugin's test, from the dev lock
    wanted = {"pytest", "iniconfig", "packaging", "pluggy", "pygments"}
    tools.write_text(pinned(ROOT / "requirements" / "dev.lock", wanted))
    run(pip, "install", "-q", "--no-deps", "--require-hashes", "-r", tools, cwd=work)
    run(pip, "install", "-q", "--no-deps", wheel, cwd=work)
    return work


def test_installed_wheel_serves_pages_api_and_mail(venv: Path) -> None:
    bin_dir = venv / "venv" / "bin"
    database = f"sqlite:///{venv / 'p.sqlite3'}"
    keys = json.loads(
        run(
            bin_dir / "podium",
            "account",
            "create",
            "--name",
            "W",
            "--host-email",
            "w@x.test",
            "--json",
            "--database-url",
            database,
            cwd=venv,
        )
    )
    server = subprocess.Popen(
        [bin_dir / "podium", "serve", "--port", "0", "--database-url", database],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        cwd=venv,
        env={"PATH": os.environ["PATH"], "PYTHONUNBUFFERED": "1"},
    )
    assert server.stdout is not None
    try:
        found = None
        while found is None:  # the first lines: the listening line comes within a deadline
            line = server.stdout.readline()
            assert line, "podium serve ended"
            found = re.search(r"listening on (\S+) ", line)
        url = found.group(1)
        wait_until(lambda: httpx2.get(f"{url}/readyz").status_code == 200)
        host = {k: keys[k] for k in ("api_key", "api_secret", "host_id")}
        created = httpx2.post(
            f"{url}/v1/webinar/create", data={**host, "topic": "Wheel", "approval_type": "0"}
        ).json()
        person = httpx2.post(
            f"{url}/v1/webinar/register",
            data={
                **host,
                "id": created["id"],
                "email": "r@x.test",
                "first_name": "R",
                "last_name": "S",
                "language": "fr-FR",
            },
        ).json()
        page = httpx2.get(f"{url}/webinar/register/{created['id']}")
        room = httpx2.get(person["join_url"])
        css = httpx2.get(f"{url}/static/podium.css")
        openapi = httpx2.get(f"{url}/v1/openapi.yaml")
    finally:
        server.terminate()
        server.wait(timeout=30)
        server.stdout.close()
    mail = run(bin_dir / "podium", "mail", "list", "--json", "--database-url", database, cwd=venv)

    assert created["topic"] == "Wheel"
    assert person["join_url"].startswith(f"{url}/w/{created['id']}?tk=")
    assert (page.status_code, room.status_code, css.status_code) == (200, 200, 200)
    assert "<form" in page.text
    assert openapi.text.startswith("openapi:")
    messages = json.loads(mail)
    assert [(m["kind"], m["language"], m["to"]) for m in messages] == [
        ("registration_approved", "fr", "r@x.test")
    ]
    assert "Wheel" in messages[0]["subject"]


def test_installed_plugin_and_types_work(venv: Path) -> None:
    (venv / "test_use.py").write_text(PLUGIN_TEST)
    (venv / "typed_use.py").write_text(TYPED_USE)

    tested = run(
        venv / "venv" / "bin" / "python",
        "-m",
        "pytest",
        "-q",
        "-p",
        "no:cacheprovider",
        "test_use.py",
        cwd=venv,
    )
    typed = run(
        sys.executable,
        "-m",
        "mypy",
        "--strict",
        "--no-incremental",
        "--python-executable",
        venv / "venv" / "bin" / "python",
        "typed_use.py",
        cwd=venv,
    )

    assert "1 passed" in tested
    assert typed.startswith("Success: no issues found in 1 source file")
