"""Headless Debian Chromium driven by Playwright (never a Playwright browser download).

Every page a test opens through `visit` is watched: a Content-Security-Policy violation (an
inline script or style the policy refused) or an uncaught script error fails the test. `axe_violations` runs axe-core
(npm `axe-core`, tests/node) in a page."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx2
import pytest
from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Page,
    expect,
    sync_playwright,
)

from podium.testing import PodiumServer, TestAccount

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
WIDTHS = (1280, 390)
AXE = Path(__file__).resolve().parents[1] / "node" / "node_modules" / "axe-core" / "axe.min.js"

Visit = Callable[..., Page]
# Generous waits for a busy machine (two xdist workers and more): `expect` polls up to 60 s
# (Playwright's default is 5 s), and pages made here wait up to 60 s for an action or a load.
WAIT_MS = 60_000
expect.set_options(timeout=WAIT_MS)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    executable = shutil.which("chromium")
    assert executable is not None, "install Debian's chromium (make test does it)"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context()
    context.set_default_timeout(WAIT_MS)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def visit(browser: Browser) -> Iterator[Visit]:
    """visit(url, width=1280, **context options) → a page of its own (a person of their own:
    cookies are not shared), watched for Content-Security-Policy violations and script
    errors."""
    contexts: list[BrowserContext] = []
    refused: list[str] = []

    def watch(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text:
            refused.append(message.text)

    def open_page(url: str, width: int = 1280, **options: Any) -> Page:
        options.setdefault("locale", "en-US")
        context = browser.new_context(viewport={"width": width, "height": 900}, **options)
        context.set_default_timeout(WAIT_MS)
        contexts.append(context)
        page = context.new_page()
        page.on("console", watch)
        page.on("pageerror", lambda error: refused.append(f"script error: {error}"))
        page.goto(url)
        return page

    yield open_page
    for context in contexts:
        context.close()
    assert refused == []


def axe_violations(page: Page) -> list[dict[str, Any]]:
    """axe-core's serious and critical violations on the page as it is now, and the design
    system's own rules: every visible control at least 44 px high (radio buttons and check
    boxes through their whole label), every field's text at 16 px."""
    assert AXE.exists(), "run `npm ci` in tests/node (make test does it)"
    page.evaluate(AXE.read_text(encoding="utf-8"))
    found: list[dict[str, Any]] = page.evaluate(
        """async () => (await axe.run(document, {resultTypes: ["violations"]})).violations
            .filter((v) => v.impact === "serious" || v.impact === "critical")
            .map((v) => ({id: v.id, impact: v.impact, nodes: v.nodes.map((n) => n.html)}))"""
    )
    found += page.evaluate(
        """() => {
            const shown = (node) => node.getClientRects().length > 0
                && getComputedStyle(node).visibility !== "hidden";
            const controls = [...document.querySelectorAll(
                "button, .btn, .choice, select, textarea, input:not([type=hidden]):not([type=radio]):not([type=checkbox])")]
                .filter((node) => shown(node) && !node.closest(".choice, .visually-hidden"));
            const small = controls.filter((node) => node.getBoundingClientRect().height < 44)
                .map((node) => node.outerHTML.slice(0, 120));
            const fields = [...document.querySelectorAll(
                "input:not([type=radio]):not([type=checkbox]), select, textarea")].filter(shown)
                .filter((node) => getComputedStyle(node).fontSize !== "16px")
                .map((node) => node.outerHTML.slice(0, 120));
            return [
                ...(small.length ? [{id: "target-44px", impact: "serious", nodes: small}] : []),
                ...(fields.length ? [{id: "field-16px", impact: "serious", nodes: fields}] : []),
            ];
        }"""
    )
    return found


class Api:
    """The v1 API of a test server, as the account's host."""

    def __init__(self, server: PodiumServer, account: TestAccount) -> None:
        self.server, self.account = server, account

    def __call__(self, action: str, **params: Any) -> Any:
        response = httpx2.post(
            f"{self.server.base_url}/{action}",
            data={
                "api_key": self.account.api_key,
                "api_secret": self.account.api_secret,
                "host_id": self.account.host_id,
                **params,
            },
        )
        return response.json()

    def v2(self, path: str) -> Any:
        """GET `path` of the v2 API with the account's Bearer token."""
        token = self.server.token(self.account)
        response = httpx2.get(
            f"{self.server.v2_url}{path}", headers={"Authorization": f"Bearer {token}"}
        )
        assert response.status_code == 200, response.text
        return response.json()

    def register(self, webinar_id: int, name: str, **params: Any) -> dict[str, Any]:
        found: dict[str, Any] = self(
            "webinar/register",
            id=webinar_id,
            email=f"{name.lower()}@guests.test",
            first_name=name,
            last_name="Guest",
            **params,
        )
        return found


@pytest.fixture
def api(server: PodiumServer, fresh_account: TestAccount) -> Api:
    return Api(server, fresh_account)


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)
