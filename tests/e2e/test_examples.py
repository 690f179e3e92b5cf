"""The examples/ a user copies must run: Python through the pytest plugin, Node against a
sandbox server."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from podium.testing import PodiumServer

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parents[2]
NODE_MODULES = ROOT / "tests" / "node" / "node_modules"


def test_the_python_example_passes(pytester: pytest.Pytester) -> None:
    example = (ROOT / "examples" / "python" / "test_webinars.py").read_text()
    pytester.makepyfile(test_webinars=example)

    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-q")

    result.assert_outcomes(passed=3)


def test_the_readme_example_passes(pytester: pytest.Pytester) -> None:
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Use Podium in your tests", 1)[1]
    code = section.split("```python\n", 1)[1].split("```", 1)[0]
    pytester.makepyfile(test_readme=code)

    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-q")

    result.assert_outcomes(passed=1)


def test_the_node_example_passes(server: PodiumServer) -> None:
    node = shutil.which("node")
    assert node is not None, "Node.js is required"
    assert (NODE_MODULES / "zoomus").is_dir(), "run `make test` (npm ci in tests/node)"

    result = subprocess.run(
        [node, "--test", str(ROOT / "examples" / "node" / "webinar.test.js")],
        env={**os.environ, "PODIUM_URL": server.root_url, "NODE_PATH": str(NODE_MODULES)},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "# pass 2" in result.stdout
    assert "# fail 0" in result.stdout
