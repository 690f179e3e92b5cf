"""deploy/: the systemd unit passes `systemd-analyze verify`, and the example environment file
names only declared settings, with values that pass their checks."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from podium.settings import Settings, declarations

pytestmark = pytest.mark.e2e
DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
# The unit names /opt/podium/venv/bin/podium, which verify wants executable: a private mount
# namespace puts a stand-in there (on a tmpfs nobody else sees).
STAND_IN = (
    "mount -t tmpfs tmpfs /opt && mkdir -p /opt/podium/venv/bin"
    " && printf '#!/bin/sh\\n' > /opt/podium/venv/bin/podium"
    " && chmod +x /opt/podium/venv/bin/podium"
    ' && exec systemd-analyze verify "$0"'
)


def test_systemd_unit_verifies_cleanly(tmp_path: Path) -> None:
    assert shutil.which("systemd-analyze"), "systemd-analyze is needed (make nginx installs it)"
    unit = tmp_path / "podium.service"  # verify wants the unit's own name on the file
    shutil.copy(DEPLOY / "podium.service", unit)

    result = subprocess.run(
        ["unshare", "--mount", "sh", "-c", STAND_IN, str(unit)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert (result.returncode, result.stderr, result.stdout) == (0, "", "")


def test_systemd_unit_is_hardened() -> None:
    lines = set((DEPLOY / "podium.service").read_text().splitlines())

    assert {
        "DynamicUser=yes",
        "ProtectSystem=strict",
        "NoNewPrivileges=yes",
        "CapabilityBoundingSet=",
        "StateDirectory=podium",
        "ExecReload=/bin/kill -HUP $MAINPID",
        "KillSignal=SIGTERM",
    } <= lines


def test_example_environment_names_declared_settings_only() -> None:
    pairs = dict(
        line.split("=", 1)
        for line in (DEPLOY / "podium.env").read_text().splitlines()
        if line and not line.startswith("#")
    )
    declared = {item.variable for item in declarations()}

    assert set(pairs) - declared == set()
    settings = Settings.from_env(pairs)
    assert (settings.workers, settings.log_format, settings.port) == (2, "json", 8000)
    assert settings.forwarded_allow_ips == "127.0.0.1,::1"
