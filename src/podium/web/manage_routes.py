"""The dashboard's routes (/manage), over one app's runtime, live hub and webhook worker."""

from __future__ import annotations

from starlette.routing import BaseRoute

from podium.web.live_hub import LiveHub
from podium.web.manage_account import AccountPages
from podium.web.manage_auth import SignInPages
from podium.web.manage_live import LivePages
from podium.web.manage_pages import ManagePages
from podium.web.manage_questions import QuestionPages
from podium.web.manage_registrants import RegistrantPages
from podium.web.manage_webhooks import WebhookPages
from podium.web.manage_webinars import WebinarPages
from podium.web.runtime import Runtime
from podium.web.webhook_process import Webhooks


def dashboard_routes(
    runtime: Runtime,
    hub: LiveHub,
    webhooks: Webhooks,
) -> list[BaseRoute]:
    manage = ManagePages(runtime)
    routes: list[BaseRoute] = [
        *SignInPages(manage).routes(),
        *AccountPages(manage).routes(),
        *WebhookPages(manage, webhooks).routes(),
        *WebinarPages(manage).routes(),
        *RegistrantPages(manage).routes(),
        *LivePages(manage, hub).routes(),
        *QuestionPages(manage).routes(),
    ]
    return routes
