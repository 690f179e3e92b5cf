"""SIGTERM tells the live pages to come back: every open event stream of the stopping
process ends cleanly at once (its page reconnects with Last-Event-ID to the next server),
instead of being held until the graceful-shutdown timeout and then cut."""

from __future__ import annotations

import re
import signal
import threading
from pathlib import Path

import httpx2
import pytest

from tests.e2e.harness import account, start, wait_until

pytestmark = pytest.mark.e2e


def test_sigterm_ends_every_open_stream_cleanly(tmp_path: Path) -> None:
    database = tmp_path / "podium.sqlite3"
    process, url, _ = start(database)
    try:
        keys = account(["--database-url", f"sqlite:///{database}"])
        created = httpx2.post(
            f"{url}/v1/webinar/create", data={**keys, "topic": "Stop", "approval_type": "0"}
        ).json()
        console = httpx2.get(created["start_url"]).text
        found = re.search(r'data-pass="([^"]+)"', console)
        assert found is not None
        lines: list[str] = []
        outcome: list[str] = []

        def follow() -> None:
            stream_url = f"{url}/live/{created['id']}/events"
            try:
                with httpx2.stream(
                    "GET", stream_url, params={"pass": found.group(1)}, timeout=120
                ) as stream:
                    for line in stream.iter_lines():
                        lines.append(line)
                outcome.append("ended")
            except httpx2.HTTPError as error:  # cut short: the shutdown did not end it
                outcome.append(type(error).__name__)

        reader = threading.Thread(target=follow, daemon=True)
        reader.start()
        wait_until(lambda: "event: state" in lines)
        process.send_signal(signal.SIGTERM)
        code = process.wait(timeout=120)
        reader.join(timeout=120)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=60)
        assert process.stdout is not None
        log = process.stdout.read()
        process.stdout.close()

    assert outcome == ["ended"], log
    # uvicorn re-raises the signal once its graceful stop is over, as a process should
    assert code == -signal.SIGTERM, log
    assert [line for line in lines if line.startswith("retry:")]  # the page knows to come back
    assert "Traceback" not in log
