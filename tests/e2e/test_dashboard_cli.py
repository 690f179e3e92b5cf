"""The dashboard's passwords from the command line: `podium user password` (stdin or
--generate) and the demo account's password, printed once by `podium serve --demo`."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import httpx2
import pytest

from tests.e2e.test_cli import demo_printing, run
from tests.serving import PODIUM

pytestmark = pytest.mark.e2e


def signs_in(url: str, email: str, password: str) -> bool:
    with httpx2.Client(base_url=url) as browser:
        form = browser.get("/manage/login")
        token = re.search(r'name="csrf_token" value="([^"]+)"', form.text)
        assert token is not None
        answer = browser.post(
            "/manage/login",
            data={"csrf_token": token.group(1), "email": email, "password": password},
        )
        return answer.status_code == 303


def typing_password(cwd: Path, email: str, password: str) -> subprocess.CompletedProcess[str]:
    """`podium user password --email EMAIL`, the password typed on its standard input."""
    return subprocess.run(
        [*PODIUM, "user", "password", "--email", email],
        cwd=cwd,
        input=password + "\n",
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_user_password_from_stdin_and_generated(tmp_path: Path) -> None:
    run("account", "create", "--name", "A", "--host-email", "a@a.test", cwd=tmp_path)

    typed = typing_password(tmp_path, "A@a.test", "a typed password")
    short = typing_password(tmp_path, "a@a.test", "short")
    unknown = run("user", "password", "--email", "nobody@a.test", "--generate", cwd=tmp_path)
    generated = run("user", "password", "--email", "a@a.test", "--generate", cwd=tmp_path)

    assert (typed.returncode, typed.stdout, typed.stderr) == (
        0,
        "",
        "The password of A@a.test is set.\n",
    )
    assert short.returncode == 1
    assert short.stderr == (
        "Error: Invalid parameter: password. Use between 10 and 200 characters.\n"
    )
    assert (unknown.returncode, unknown.stderr) == (
        1,
        "Error: No host has the e-mail nobody@a.test.\n",
    )
    assert generated.returncode == 0
    assert re.fullmatch(r"[A-Za-z0-9_-]{20}\n", generated.stdout)


def test_the_demo_password_is_printed_once_and_signs_in(tmp_path: Path) -> None:
    with demo_printing(tmp_path) as (url, printed):
        email = re.findall(r"^  dashboard email: (\S+)$", printed, re.M)
        password = re.findall(
            r"^  dashboard password: (\S+)  \(shown once: note it now\)$", printed, re.M
        )
        assert email == ["demo@podium.invalid"]
        assert len(password) == 1
        assert f"  dashboard: {url}/manage" in printed
        assert signs_in(url, email[0], password[0])
        assert not signs_in(url, email[0], password[0] + "x")
    with demo_printing(tmp_path) as (_url, again):
        assert "dashboard password: shown when the account was made" in again
        assert password[0] not in again
    assert password[0] not in (tmp_path / ".podium-demo.json").read_text()
