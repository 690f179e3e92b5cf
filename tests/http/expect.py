"""Expected v1 bodies, built from what the database holds."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session

from podium.db.models import Webinar
from podium.services.tokens import zak_expiry
from podium.web.runtime import Runtime
from tests.conftest import NOW, PUBLIC_URL


def stored_webinar(session: Session, webinar_id: int) -> Webinar:
    session.expire_all()
    return session.execute(select(Webinar).where(Webinar.id == webinar_id)).scalar_one()


def check_start_url(runtime: Runtime, body: dict[str, Any], host_id: str) -> None:
    """start_url is …/s/<id>?zak=<token>, the zak valid for this host for two hours."""
    parts = urlsplit(body.pop("start_url"))
    assert f"{parts.scheme}://{parts.netloc}" == PUBLIC_URL
    assert parts.path == f"/s/{body['id']}"
    zak = parse_qs(parts.query)["zak"][0]
    assert zak_expiry(runtime.context.issuer.key, host_id, zak) == NOW + timedelta(hours=2)


def webinar_body(webinar: Webinar, host_id: str, **overrides: Any) -> dict[str, Any]:
    """The v1 webinar object (without start_url, checked apart) with the defaults of create."""
    body: dict[str, Any] = {
        "uuid": webinar.uuid,
        "id": webinar.id,
        "host_id": host_id,
        "topic": webinar.topic,
        "agenda": "",
        "type": 5,
        "status": 0,
        "start_time": "2026-01-15T12:00:00Z",
        "duration": 60,
        "timezone": "UTC",
        "join_url": f"{PUBLIC_URL}/j/{webinar.id}",
        "registration_url": "",
        "created_at": "2026-01-15T12:00:00Z",
        "option_start_type": "video",
        "option_audio": "both",
        "option_enforce_login": False,
        "option_enforce_login_domains": "",
        "option_alternative_hosts": "",
    }
    body.update(overrides)
    return body
