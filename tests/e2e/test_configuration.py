"""The operator's first minute: a bad PODIUM_* value or an unreachable database is one
line (not a traceback), `podium config check` shows what is in effect, `--version`."""

from __future__ import annotations

import importlib.metadata
import os
import subprocess
from pathlib import Path

import pytest

import podium
from tests.serving import PODIUM

pytestmark = pytest.mark.e2e


def run(*args: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("PODIUM_")}
    return subprocess.run(
        [*PODIUM, *args],
        capture_output=True,
        text=True,
        timeout=60,
        env={**clean, **env},
        cwd=cwd,
        check=False,
    )


def test_a_bad_value_is_one_line_and_status_2(tmp_path: Path) -> None:
    result = run("serve", "--port", "0", env={"PODIUM_ZAK_LIFETIME_SECONDS": "abc"}, cwd=tmp_path)

    assert result.returncode == 2
    assert result.stderr == (
        "podium: PODIUM_ZAK_LIFETIME_SECONDS: 'abc' is not a whole number; "
        "expected seconds, from 60 to 2592000\n"
    )
    assert result.stdout == ""


def test_an_unreachable_database_is_one_line_with_the_password_masked(tmp_path: Path) -> None:
    url = "postgresql://podium:hunter2-secret@127.0.0.1:1/podium"

    result = run("serve", "--port", "0", env={"PODIUM_DATABASE_URL": url}, cwd=tmp_path)

    assert result.returncode == 1
    assert result.stderr.startswith(
        "Error: cannot reach the database postgresql://podium:***@127.0.0.1:1/podium: "
        "connection failed: "
    )
    assert "Connection refused" in result.stderr
    assert result.stderr.count("\n") == 1
    assert "hunter2" not in result.stderr


def test_a_missing_sqlite_folder_is_one_line(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/missing/podium.sqlite3"

    result = run("db", "upgrade", "--database-url", url, env={}, cwd=tmp_path)

    assert (result.returncode, result.stderr) == (
        1,
        f"Error: cannot open the database {url}: the folder {tmp_path}/missing does not exist\n",
    )


def test_config_check_prints_effective_settings_with_secrets_masked(tmp_path: Path) -> None:
    env = {
        "PODIUM_DATABASE_URL": f"sqlite:///{tmp_path}/p.sqlite3",
        "PODIUM_ADMIN_TOKEN": "a-very-secret-admin-token",
        "PODIUM_SECRET_KEY": "newest-key-0123456789,older-key-0123456789",
        "PODIUM_SMTP_URL": "smtp://mailer:mail-password@127.0.0.1:2525",
        "PODIUM_WORKERS": "1",
    }

    result = run("config", "check", env=env, cwd=tmp_path)

    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert "PODIUM_ADMIN_TOKEN=(set, hidden)  (environment)" in lines
    assert "PODIUM_SECRET_KEY=(set, hidden)  (environment)" in lines
    assert "PODIUM_SMTP_URL=smtp://mailer:***@127.0.0.1:2525  (environment)" in lines
    assert "PODIUM_LOG_FORMAT=text  (default)" in lines
    assert lines[-1] == f"database: reachable (sqlite:///{tmp_path}/p.sqlite3)"
    for secret in ("a-very-secret", "newest-key", "older-key", "mail-password"):
        assert secret not in result.stdout


def test_version_is_the_package_version(tmp_path: Path) -> None:
    result = run("--version", env={}, cwd=tmp_path)

    assert result.stdout == f"podium {podium.__version__}\n"
    assert importlib.metadata.version("podium-webinar") == podium.__version__
