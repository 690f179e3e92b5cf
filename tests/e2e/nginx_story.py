"""Run inside a network namespace of its own (`unshare --net`, tests/e2e/test_nginx.py): Debian's
nginx with deploy/nginx.conf verbatim in front of `podium serve` on 127.0.0.1:8000, exactly
as docs/deploy.md sets them up, then a story through the proxy. Prints one JSON object of
what it saw; the test asserts on it.

In a namespace of its own the ports the deployment files name (80, 443, 8000) are free, and
127.0.0.2, 127.0.0.3 are two visitors.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx2

# A script of its own (run in a network namespace by test_nginx.py): it imports nothing of
# the tests package.
PODIUM = [sys.executable, "-m", "podium"]

PUBLIC = "https://webinars.example.org"
ADMIN_TOKEN = "nginx-story-admin-token"


def poll(condition: Callable[[], bool], seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("timed out")
        time.sleep(0.02)


def answers(url: str) -> bool:
    try:
        httpx2.get(url, timeout=2, verify=False)
    except httpx2.TransportError:
        return False
    return True


def nginx_conf(work: Path, deploy: Path) -> Path:
    """nginx's main file: everything of the deployment comes from deploy/nginx.conf."""
    conf = work / "conf"
    (conf / "podium").mkdir(parents=True)
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "2",
            "-subj",
            "/CN=webinars.example.org",
            "-keyout",
            str(conf / "podium" / "privkey.pem"),
            "-out",
            str(conf / "podium" / "fullchain.pem"),
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )
    main = conf / "nginx.conf"
    main.write_text(
        f"user root;\nworker_processes 1;\npid {work}/nginx.pid;\nerror_log {work}/error.log;\n"
        "daemon off;\nevents {}\nhttp {\n"
        f"  client_body_temp_path {work}/body;\n  proxy_temp_path {work}/proxy;\n"
        f"  fastcgi_temp_path {work}/fastcgi;\n  uwsgi_temp_path {work}/uwsgi;\n"
        f"  scgi_temp_path {work}/scgi;\n"
        f"  include {deploy};\n}}\n"
    )
    return main


@contextmanager
def running(command: list[str], env: dict[str, str] | None = None) -> Iterator[None]:
    process = subprocess.Popen(
        command,
        env={**os.environ, **(env or {})},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        yield
    finally:
        process.terminate()
        process.wait(timeout=30)


def podium_env(database: str, **extra: str) -> dict[str, str]:
    clean = {k: "" for k in os.environ if k.startswith("PODIUM_")}
    return {**clean, "PODIUM_DATABASE_URL": database, "PODIUM_PORT": "8000", **extra}


def client(visitor: str = "127.0.0.1") -> httpx2.Client:
    """A visitor at `visitor` (a loopback address of its own) talking to nginx."""
    transport = httpx2.HTTPTransport(local_address=visitor, verify=False)
    return httpx2.Client(
        transport=transport,
        base_url="https://127.0.0.1",
        headers={"Host": "webinars.example.org"},
        timeout=30,
    )


def first_events(lines: Iterator[str], count: int) -> list[str]:
    events = []
    for line in lines:
        if line.startswith("event: "):
            events.append(line[7:])
            if len(events) == count:
                break
    return events


def live_story(browser: httpx2.Client, start_url: str, webinar_id: int) -> dict[str, Any]:
    """The host console's stream through nginx: its events arrive as they happen."""
    console = browser.get(start_url.removeprefix(PUBLIC))
    found = re.search(r'data-pass="([^"]+)"', console.text)
    assert found is not None, console.text
    host_pass = found.group(1)
    with browser.stream("GET", f"/live/{webinar_id}/events", params={"pass": host_pass}) as stream:
        lines = stream.iter_lines()
        began = time.monotonic()
        state = first_events(lines, 1)
        state_after = time.monotonic() - began
        started = browser.post(f"/live/{webinar_id}/start", headers={"X-Podium-Pass": host_pass})
        began = time.monotonic()
        later = first_events(lines, 1)
        started_after = time.monotonic() - began
        headers = dict(stream.headers)
    return {
        "events": state + later,
        "state_seconds": state_after,
        "started_seconds": started_after,
        "start_status": started.status_code,
        "content_type": headers.get("content-type"),
    }


def story(work: Path, deploy: Path) -> dict[str, Any]:
    subprocess.run(["ip", "link", "set", "lo", "up"], check=True, timeout=30)
    database = f"sqlite:///{work / 'podium.sqlite3'}"
    keys = json.loads(
        subprocess.run(
            [
                *PODIUM,
                "account",
                "create",
                "--name",
                "N",
                "--host-email",
                "n@x.test",
                "--json",
                "--database-url",
                database,
            ],
            check=True,
            capture_output=True,
            text=True,
            timeout=60,
        ).stdout
    )
    host = {k: keys[k] for k in ("api_key", "api_secret", "host_id")}
    env = podium_env(
        database,
        PODIUM_FORWARDED_ALLOW_IPS="127.0.0.1",
        PODIUM_PUBLIC_URL=PUBLIC,
        PODIUM_ADMIN_TOKEN=ADMIN_TOKEN,
    )
    seen: dict[str, Any] = {}
    main = nginx_conf(work, deploy)
    with running(["nginx", "-c", str(main), "-p", str(work)]), running([*PODIUM, "serve"], env):
        poll(lambda: answers("http://127.0.0.1:8000/healthz"))
        poll(lambda: answers("https://127.0.0.1/healthz"))
        with client() as browser:
            plain = httpx2.get("http://127.0.0.1/healthz", headers={"Host": "webinars.example.org"})
            seen["http_redirect"] = [plain.status_code, plain.headers.get("location")]
            created = browser.post(
                "/v1/webinar/create",
                data={**host, "topic": "Proxied", "approval_type": "0"},
                headers={"X-Request-Id": "from-the-client"},
            )
            webinar = created.json()
            seen["request_id"] = created.headers.get("x-request-id")
            person = browser.post(
                "/v1/webinar/register",
                data={
                    **host,
                    "id": webinar["id"],
                    "email": "v@x.test",
                    "first_name": "V",
                    "last_name": "W",
                },
            ).json()
            seen["links"] = [webinar["start_url"], webinar["registration_url"], person["join_url"]]
            page = browser.get(f"/webinar/register/{webinar['id']}")
            seen["registration_page"] = page.status_code
            seen["management"] = [
                browser.get("/podium/api/journal").status_code,
                browser.get(
                    "/podium/api/journal", headers={"Authorization": f"Bearer {ADMIN_TOKEN}"}
                ).status_code,
            ]
            seen["metrics_through_proxy"] = browser.get("/metrics").status_code
            seen["live"] = live_story(browser, webinar["start_url"], webinar["id"])
        with client("127.0.0.2") as guesser, client("127.0.0.3") as other:
            misses = [
                guesser.get(f"/w/{webinar['id']}", params={"tk": f"guess{n}"}).status_code
                for n in range(31)
            ]
            seen["guesser"] = misses
            seen["other_visitor"] = other.get(
                f"/w/{webinar['id']}", params={"tk": "guess"}
            ).status_code
    sandbox = podium_env(database, PODIUM_SANDBOX="yes")
    with running(["nginx", "-c", str(main), "-p", str(work)]), running([*PODIUM, "serve"], sandbox):
        poll(lambda: answers("http://127.0.0.1:8000/healthz"))
        poll(lambda: answers("https://127.0.0.1/healthz"))
        with client() as browser:
            seen["sandbox"] = {
                "direct": httpx2.get("http://127.0.0.1:8000/podium/api/journal").status_code,
                "through_nginx": browser.get("/podium/api/journal").status_code,
            }
    return seen


if __name__ == "__main__":
    print(json.dumps(story(Path(sys.argv[1]), Path(sys.argv[2]))))  # noqa: T201
