"""Who may enter a webinar's room: walk-ins, registrants and panelists, with its rules."""

from __future__ import annotations

import hmac

from podium.db.models import Webinar
from podium.errors import LinkRefused


def allowed_domains(webinar: Webinar) -> list[str]:
    text = webinar.option_enforce_login_domains.replace(";", ",").replace(" ", ",")
    return [domain.strip().lower().lstrip("@") for domain in text.split(",") if domain.strip()]


def check_entry(webinar: Webinar, email: str) -> None:
    """`option_enforce_login` with domains: only e-mails of those domains come in."""
    if not webinar.option_enforce_login:
        return
    domains = allowed_domains(webinar)
    domain = email.rpartition("@")[2].lower()
    if domains and domain not in domains:
        raise LinkRefused(
            "This webinar is only open to e-mail addresses of " + ", ".join(domains) + "."
        )


def check_password(webinar: Webinar, given: str) -> None:
    if webinar.password and not hmac.compare_digest(given.encode(), webinar.password.encode()):
        raise LinkRefused("The webinar password is not right.")
