"""The Containerfile, built and run without pulling anything: a Debian base made with
debootstrap from Debian's packages, imported into buildah, the image built on it with
`buildah bud --isolation chroot` (wheels made outside from the lock file, installed with
--no-index), then `podium serve` run in it with `buildah run --isolation chroot` on a
loopback port and driven from outside. Run by `make test-container` (.ci/run)."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx2
import pytest

ROOT = Path(__file__).resolve().parents[2]
MIRROR = os.environ.get("PODIUM_DEBIAN_MIRROR", "http://deb.debian.org/debian")
ADMIN_TOKEN = "container-admin-token"
pytestmark = pytest.mark.e2e


def run(*command: str | Path, timeout: float = 600, cwd: Path | None = None) -> str:
    result = subprocess.run(
        [str(part) for part in command],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=cwd,
        check=False,
    )
    assert result.returncode == 0, f"{command[:3]}: {result.stdout[-2000:]}{result.stderr[-3000:]}"
    return result.stdout.strip()


class Buildah:
    """buildah with storage of this test's own (vfs: no overlay mounts needed)."""

    def __init__(self, folder: Path) -> None:
        self.options = [
            "--root",
            str(folder / "storage"),
            "--runroot",
            str(folder / "run"),
            "--storage-driver",
            "vfs",
        ]

    def __call__(self, *args: str | Path, timeout: float = 600) -> str:
        return run("buildah", *self.options, *args, timeout=timeout)

    def command(self, *args: str | Path) -> list[str]:
        return ["buildah", *self.options, *[str(a) for a in args]]


def debian_base(buildah: Buildah, folder: Path) -> str:
    """A Debian 12 image with python3 and its venv module, from Debian's packages."""
    rootfs = folder / "rootfs"
    run(
        "debootstrap",
        "--variant=minbase",
        "--include=python3,python3-venv",
        "bookworm",
        rootfs,
        MIRROR,
        timeout=900,
    )
    container = buildah("from", "scratch")
    mounted = buildah("mount", container)
    with subprocess.Popen(["tar", "-C", str(rootfs), "-c", "."], stdout=subprocess.PIPE) as packed:
        subprocess.run(["tar", "-C", mounted, "-x"], stdin=packed.stdout, check=True, timeout=300)
    buildah("umount", container)
    buildah("commit", "--quiet", container, "localhost/podium-debian-base:test")
    buildah("rm", container)
    shutil.rmtree(rootfs)
    return "localhost/podium-debian-base:test"


def context(folder: Path) -> Path:
    """What the Containerfile copies: the wheels (from the lock file), the lock, the
    entrypoint."""
    made = folder / "context"
    (made / "requirements").mkdir(parents=True)
    (made / "deploy").mkdir()
    lock = ROOT / "requirements" / "run.lock"
    shutil.copy(lock, made / "requirements" / "run.lock")
    shutil.copy(ROOT / "deploy" / "podium-entrypoint", made / "deploy" / "podium-entrypoint")
    wheels = made / "wheels"
    run(
        sys.executable,
        "-m",
        "pip",
        "wheel",
        "--quiet",
        "--no-deps",
        "--require-hashes",
        "-r",
        lock,
        "-w",
        wheels,
    )
    run(sys.executable, "-m", "build", "--wheel", "--outdir", wheels, ROOT)
    return made


@pytest.fixture(scope="module")
def image(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Buildah, str]]:
    assert shutil.which("buildah"), "make container-tools"
    assert shutil.which("debootstrap"), "make container-tools"
    folder = tmp_path_factory.mktemp("container")
    buildah = Buildah(folder)
    try:
        with ThreadPoolExecutor(max_workers=1) as beside:  # the wheels while debootstrap runs
            wheels = beside.submit(context, folder)
            base = debian_base(buildah, folder)
            made = wheels.result()
        buildah(
            "bud",
            "--isolation",
            "chroot",
            "--format",
            "docker",
            "--quiet",
            "--build-arg",
            f"BASE={base}",
            "-f",
            ROOT / "Containerfile",
            "-t",
            "localhost/podium:test",
            made,
            timeout=900,
        )
        yield buildah, "localhost/podium:test"
    finally:
        subprocess.run(
            buildah.command("rm", "--all"), capture_output=True, check=False, timeout=120
        )
        shutil.rmtree(folder, ignore_errors=True)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_image_runs_unprivileged_with_a_healthcheck(image: tuple[Buildah, str]) -> None:
    buildah, name = image

    config = json.loads(buildah("inspect", "--type", "image", name))["Docker"]["config"]

    assert config["User"] == "podium"
    assert config["Entrypoint"] == ["podium-entrypoint"]
    assert config["Cmd"] == ["podium", "serve"]
    assert config["Healthcheck"]["Test"] == ["CMD", "podium-entrypoint", "--ready"]
    assert "PODIUM_DATABASE_URL=sqlite:////var/lib/podium/podium.sqlite3" in config["Env"]


def test_podium_serves_from_the_image(image: tuple[Buildah, str]) -> None:
    buildah, name = image
    container = buildah("from", name)
    port = free_port()
    env = [
        "--env",
        "PODIUM_HOST=127.0.0.1",
        "--env",
        f"PODIUM_PORT={port}",
        "--env",
        f"PODIUM_ADMIN_TOKEN={ADMIN_TOKEN}",
    ]
    server = subprocess.Popen(
        buildah.command(
            "run",
            "--isolation",
            "chroot",
            "--network",
            "host",
            *env,
            container,
            "--",
            "podium-entrypoint",
            "podium",
            "serve",
        ),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        ready = None
        while ready is None:  # poll with a deadline until /readyz answers
            assert server.poll() is None, server.stdout.read() if server.stdout else ""
            assert time.monotonic() < deadline, "the container never answered"
            try:
                ready = httpx2.get(f"{url}/readyz", timeout=2)
            except httpx2.TransportError:
                time.sleep(0.2)
        admin = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
        keys = httpx2.post(f"{url}/podium/api/accounts", json={}, headers=admin).json()
        host = {k: keys[k] for k in ("api_key", "api_secret", "host_id")}
        created = httpx2.post(f"{url}/v1/webinar/create", data={**host, "topic": "Boxed"})
        listed = httpx2.post(f"{url}/v1/webinar/list", data=host).json()
        health = subprocess.run(
            buildah.command(
                "run",
                "--isolation",
                "chroot",
                "--network",
                "host",
                "--env",
                f"PODIUM_PORT={port}",
                container,
                "--",
                "podium-entrypoint",
                "--ready",
            ),
            capture_output=True,
            timeout=120,
            check=False,
        )
        uids = [
            line.split()[1]
            for status in Path("/proc").glob("[0-9]*/status")
            if "podium serve" in _cmdline(status.parent)
            and f"PODIUM_PORT={port}" in _environ(status.parent)
            for line in _lines(status)
            if line.startswith("Uid:")
        ]
    finally:
        server.terminate()
        server.wait(timeout=60)
        if server.stdout is not None:
            server.stdout.close()

    assert ready.status_code == 200
    assert ready.json() == {
        "status": "ready",
        "checks": {"database": "ok", "migrations": "ok", "webhooks": "ok"},
    }
    assert created.status_code == 200
    assert created.json()["topic"] == "Boxed"
    assert [w["topic"] for w in listed["webinars"]] == ["Boxed"]
    assert health.returncode == 0
    assert uids != []
    assert set(uids) == {"10001"}


def _cmdline(process: Path) -> str:
    try:
        return (process / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def _environ(process: Path) -> str:
    try:
        return (process / "environ").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def _lines(path: Path) -> list[str]:
    try:
        return path.read_text().splitlines()
    except OSError:
        return []
