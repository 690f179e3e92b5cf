"""Reading the settings of `create` and `update` (and the panelists JSON) from parameters."""

from __future__ import annotations

import re

from email_validator import EmailNotValidError, validate_email

from podium.api.params import Params
from podium.errors import InvalidParameter
from podium.recurrence import parse_recurrence
from podium.services.panelists import PanelistEntry
from podium.services.webinars import WebinarSettings
from podium.text import has_control

WEBINAR_TYPES = (5, 6, 9)
APPROVAL_TYPES = (0, 1, 2)
REGISTRATION_TYPES = (1, 2, 3)
AUDIO_OPTIONS = ("both", "telephony", "voip")
RECORD_OPTIONS = ("local", "cloud", "none")
LANGUAGES = ("en-US", "en", "zh-CN", "zh", "en-ES", "es", "fr-FR", "fr")
MAX_DURATION = 43_200  # minutes: 30 days
MAX_PANELISTS = 100
_PASSWORD = re.compile(r"[a-zA-Z0-9@\-_*]{1,10}")


def valid_email(value: str, name: str) -> str:
    """A syntactically valid address (no DNS look-up), normalised by email-validator.

    Addresses under the reserved `.test` domain pass (integration tests use them); other
    special-use names (`.invalid`, `.local`, `localhost`) do not.
    """
    try:
        return validate_email(value, check_deliverability=False, test_environment=True).normalized
    except EmailNotValidError as error:
        raise InvalidParameter(name=name, reason=str(error)) from None


def read_password(params: Params) -> str | None:
    value = params.raw("password")
    if value is None:
        return None
    if not _PASSWORD.fullmatch(value):
        raise InvalidParameter(
            name="password", reason="Use at most 10 characters of a-z A-Z 0-9 @ - _ *."
        )
    return value


def read_panelists(params: Params) -> tuple[PanelistEntry, ...] | None:
    data = params.optional_json("panelists")
    if data is None:
        return None
    if not isinstance(data, list) or len(data) > MAX_PANELISTS:
        raise InvalidParameter(
            name="panelists", reason=f"It must be a JSON array of at most {MAX_PANELISTS} objects."
        )
    entries: dict[str, PanelistEntry] = {}
    for item in data:
        if not isinstance(item, dict) or not isinstance(item.get("email"), str):
            raise InvalidParameter(name="panelists", reason='Each item needs "name" and "email".')
        name = item.get("name", "")
        if not isinstance(name, str) or not name.strip() or len(name.strip()) > 300:
            raise InvalidParameter(name="panelists", reason='Each item needs a "name".')
        if has_control(name):
            raise InvalidParameter(name="panelists", reason="A name holds control characters.")
        email = valid_email(item["email"].strip(), "panelists")
        if email.lower() in entries:
            raise InvalidParameter(name="panelists", reason=f"{email} appears twice.")
        entries[email.lower()] = PanelistEntry(name=name.strip(), email=email)
    return tuple(entries.values())


def read_webinar_settings(params: Params) -> WebinarSettings:
    recurrence = params.optional_json("recurrence")
    return WebinarSettings(
        topic=params.optional("topic", max_length=300),
        type=params.optional_choice("type", WEBINAR_TYPES),
        start_at=params.optional_timestamp("start_time"),
        duration=params.optional_int("duration", low=0, high=MAX_DURATION),
        timezone=params.optional_timezone("timezone"),
        password=read_password(params),
        recurrence=None if recurrence is None else parse_recurrence(recurrence),
        approval_type=params.optional_choice("approval_type", APPROVAL_TYPES),
        registration_type=params.optional_choice("registration_type", REGISTRATION_TYPES),
        agenda=params.optional("agenda", max_length=2000, multiline=True),
        option_audio=params.optional_word("option_audio", AUDIO_OPTIONS),
        option_host_video=params.optional_bool("option_host_video"),
        option_panelist_video=params.optional_bool("option_panelist_video"),
        option_practice_session=params.optional_bool("option_practice_session"),
        option_enforce_login=params.optional_bool("option_enforce_login"),
        option_enforce_login_domains=params.optional(
            "option_enforce_login_domains", max_length=1000
        ),
        option_alternative_hosts=params.optional("option_alternative_hosts", max_length=1000),
        option_alternative_host_ids=params.optional("option_alternative_host_ids", max_length=1000),
        option_auto_record_type=params.optional_word("option_auto_record_type", RECORD_OPTIONS),
        language=params.optional_word("language", LANGUAGES),
        panelists=read_panelists(params),
    )
