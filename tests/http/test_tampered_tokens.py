"""Every signed token kind refused once tampered with: a real token, one part changed, the
old signature kept. Live passes (role, webinar, expiry), a host's zak (expiry, another host),
a personal link's token (one character), and a form's CSRF field (another cookie's field, or
the cookie changed under it). Each case first shows the genuine token working, so the
refusal is the tampering's doing."""

from __future__ import annotations

import base64
import json
import struct

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from podium.clock import FixedClock
from podium.db.models import Registrant, WebinarInstance
from podium.web.pages import CSRF_COOKIE
from tests.conftest import AccountKeys
from tests.http.helpers import v1
from tests.http.page_helpers import page
from tests.http.registration_helpers import create_webinar, register
from tests.http.test_live import act, attendee_pass, local

NOT_VALID = (403, {"error": "This pass is not valid."})


def _decode(part: str) -> bytes:
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


def _encode(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def retouched_pass(token: str, **changes: object) -> str:
    """`token` with its payload changed and its signature kept."""
    body, _, mac = token.partition(".")
    payload = json.loads(_decode(body)) | changes
    return _encode(json.dumps(payload, sort_keys=True, separators=(",", ":")).encode()) + "." + mac


@pytest.mark.parametrize(
    ("field", "value"), [("r", "host"), ("w", "other webinar"), ("x", 4_102_444_800)]
)
def test_a_live_pass_with_its_role_webinar_or_expiry_changed_is_refused(
    field: str, value: object, client: TestClient, account: AccountKeys
) -> None:
    webinar_id = create_webinar(client, account)
    other_id = create_webinar(client, account)
    genuine = attendee_pass(client, account, webinar_id, "ann@x.io")
    changed = retouched_pass(genuine, **{field: str(other_id) if field == "w" else value})
    target = other_id if field == "w" else webinar_id

    assert act(client, webinar_id, genuine, "end") == (403, {"error": "Not allowed for your role."})
    assert act(client, target, changed, "end") == NOT_VALID
    assert act(client, target, changed, "start") == NOT_VALID


def test_an_expired_live_pass_is_refused_and_cannot_be_extended(
    client: TestClient, account: AccountKeys, clock: FixedClock
) -> None:
    webinar_id = create_webinar(client, account)
    genuine = attendee_pass(client, account, webinar_id, "ann@x.io")
    clock.advance(days=400)

    assert act(client, webinar_id, genuine, "end") == NOT_VALID
    extended = retouched_pass(genuine, x=int(clock.now().timestamp()) + 3600)
    assert act(client, webinar_id, extended, "end") == NOT_VALID


def _zak_with_expiry(zak: str, expires: int) -> str:
    raw = _decode(zak)
    nonce, _ = struct.unpack(">16sQ", raw[:24])
    return _encode(struct.pack(">16sQ", nonce, expires) + raw[24:])


def test_a_zak_with_its_expiry_changed_is_refused(
    client: TestClient, account: AccountKeys, clock: FixedClock, session: Session
) -> None:
    webinar_id = create_webinar(client, account)
    start_url = local(v1(client, "webinar/get", account.host_params(id=webinar_id))["start_url"])
    base, _, zak = start_url.partition("zak=")
    assert 'id="live"' in client.get(start_url).text  # the genuine link opens the console
    clock.advance(hours=3)  # past the zak's two hours
    expired = client.get(start_url)
    extended = client.get(base + "zak=" + _zak_with_expiry(zak, 4_102_444_800))

    assert (expired.status_code, extended.status_code) == (403, 403)
    assert "This start link has expired" in expired.text
    assert "This start link is not valid." in extended.text
    assert 'id="live"' not in extended.text
    assert session.scalar(select(func.count()).select_from(WebinarInstance)) == 0


def test_a_personal_link_with_one_character_changed_opens_nothing(
    client: TestClient, account: AccountKeys, session: Session
) -> None:
    webinar_id = create_webinar(client, account)
    join_url = local(register(client, account, webinar_id, "ann@x.io")["join_url"])
    base, _, token = join_url.partition("tk=")
    flipped = token[:-1] + ("A" if token[-1] != "A" else "B")

    genuine = client.get(join_url)
    tampered = client.get(base + "tk=" + flipped)

    assert genuine.status_code == 200
    assert 'data-pass="' in genuine.text
    assert tampered.status_code == 403
    assert 'data-pass="' not in tampered.text
    assert "ann@x.io" not in tampered.text
    assert session.scalar(select(func.count()).select_from(Registrant)) == 1


def _register_form(csrf: str) -> dict[str, str]:
    return {"csrf": csrf, "first_name": "Ann", "last_name": "Lee", "email": "ann@x.io"}


def test_a_csrf_field_of_another_cookie_or_a_changed_cookie_is_refused(
    client: TestClient, account: AccountKeys, session: Session
) -> None:
    webinar_id = create_webinar(client, account)
    path = f"/webinar/register/{webinar_id}"
    _, mine = page(client, path)
    my_cookie = client.cookies[CSRF_COOKIE]
    client.cookies.clear()
    _, theirs = page(client, path)  # another visitor's cookie and field
    their_cookie = client.cookies[CSRF_COOKIE]
    assert my_cookie != their_cookie

    client.cookies.set(CSRF_COOKIE, their_cookie)
    foreign_field = client.post(path, data=_register_form(mine))
    client.cookies.set(CSRF_COOKIE, my_cookie[:-1] + ("A" if my_cookie[-1] != "A" else "B"))
    changed_cookie = client.post(path, data=_register_form(mine))

    expired = "This form expired or came from another site. Reload the page and try again."
    for response in (foreign_field, changed_cookie):
        assert response.status_code == 403
        assert expired in response.text
    assert session.scalar(select(func.count()).select_from(Registrant)) == 0
    client.cookies.set(CSRF_COOKIE, their_cookie)
    accepted = client.post(path, data=_register_form(theirs))
    assert accepted.status_code == 200
    assert session.scalar(select(func.count()).select_from(Registrant)) == 1
