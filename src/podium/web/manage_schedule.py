"""The dashboard's webinar form: its fields become the v1 parameters `read_webinar_settings`
reads (so the form, v1 and v2 share one set of rules and messages), and a webinar's settings
become the form's values again; a recurrence in words."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from starlette.datastructures import FormData

from podium.api.params import Params, known_timezones
from podium.db.models import Webinar
from podium.errors import InvalidParameter
from podium.services.webinars import WebinarSettings

DAYS = ("Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday")
WEEKS = {1: "first", 2: "second", 3: "third", 4: "fourth", -1: "last"}
LOCAL = "%Y-%m-%dT%H:%M"  # <input type=datetime-local>
# Which form field shows the error of each v1 parameter.
FIELD_OF = {"start_time": "start", "recurrence": "recurrence", "panelists": "panelists"}


def local_to_utc(text: str, zone: str) -> str | None:
    """A datetime-local value in `zone` → a v1 UTC timestamp; None when empty."""
    if not text.strip():
        return None
    try:
        naive = datetime.strptime(text.strip()[:16], LOCAL)  # noqa: DTZ007 - zone just below
    except ValueError:
        raise InvalidParameter(name="start_time", reason="Enter a date and a time.") from None
    tz = ZoneInfo(zone if zone in known_timezones() else "UTC")
    return naive.replace(tzinfo=tz).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def utc_to_local(moment: datetime | None, zone: str) -> str:
    if moment is None:
        return ""
    tz = ZoneInfo(zone if zone in known_timezones() else "UTC")
    return moment.astimezone(tz).strftime(LOCAL)


def _panelists(text: str) -> str | None:
    """Lines "Name <email>" (or "Name, email") → the v1 panelists JSON."""
    entries = []
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        if "<" in line and line.endswith(">"):
            name, _, email = line[:-1].rpartition("<")
        else:
            name, _, email = line.rpartition(",")
        entries.append({"name": name.strip() or email.strip(), "email": email.strip()})
    return json.dumps(entries)


def _recurrence(form: FormData, zone: str) -> str | None:
    kind = str(form.get("recurrence_type", ""))
    if not kind:
        return None
    data: dict[str, Any] = {"type": kind, "repeat_interval": form.get("repeat_interval", "")}
    if kind == "2":
        data["weekly_days"] = ",".join(str(day) for day in form.getlist("weekly_days"))
    if kind == "3":
        data["monthly_day"] = form.get("monthly_day", "")
    until = str(form.get("end_date", ""))
    if form.get("end") == "date" and until:
        data["end_date_time"] = local_to_utc(until + "T23:59", zone)
    else:
        data["end_times"] = form.get("end_times", "")
    return json.dumps(data)


def form_params(form: FormData, *, creating: bool) -> dict[str, str]:
    """The v1 parameters the form's fields stand for."""
    zone = str(form.get("timezone", "UTC"))
    kind = str(form.get("type", "5"))
    values: dict[str, str | None] = {
        "topic": str(form.get("topic", "")).strip() or (None if creating else ""),
        "agenda": str(form.get("agenda", "")),
        "type": kind,
        "timezone": zone,
        "duration": str(form.get("duration", "")),
        "approval_type": str(form.get("approval_type", "")),
        "password": str(form.get("password", "")) or None,
        "panelists": _panelists(str(form.get("panelists", ""))),
    }
    if kind != "6":
        values["start_time"] = local_to_utc(str(form.get("start", "")), zone)
    if kind == "9":
        values["recurrence"] = _recurrence(form, zone)
        values["registration_type"] = str(form.get("registration_type", "1"))
    return {key: value for key, value in values.items() if value is not None}


def read_form(form: FormData, *, creating: bool) -> WebinarSettings:
    """The form's settings, checked by the API's reader (InvalidParameter and
    MissingParameter name the v1 parameter; FIELD_OF maps it to the form's field)."""
    from podium.api.webinar_params import read_webinar_settings

    params = form_params(form, creating=creating)
    if not creating and params.get("topic") == "":
        raise InvalidParameter(name="topic", reason="A webinar needs a topic.")
    if creating and "topic" not in params:
        raise InvalidParameter(name="topic", reason="A webinar needs a topic.")
    return read_webinar_settings(Params(params))


def field_of(parameter: str) -> str:
    return FIELD_OF.get(parameter, parameter)


def form_values(
    webinar: Webinar | None, zone: str, panelists: list[tuple[str, str]]
) -> dict[str, Any]:
    """The form's fields for a webinar (None: a new one, one hour from the next hour)."""
    if webinar is None:
        return {
            "type": "5",
            "timezone": zone,
            "duration": "60",
            "approval_type": "0",
            "registration_type": "1",
            "recurrence_type": "2",
            "repeat_interval": "1",
            "end": "times",
            "end_times": "4",
            "weekly_days": [],
        }
    recurrence = json.loads(webinar.recurrence) if webinar.recurrence else {}
    end_date = recurrence.get("end_date_time") or ""
    return {
        "topic": webinar.topic,
        "agenda": webinar.agenda,
        "type": str(webinar.type),
        "timezone": webinar.timezone,
        "start": utc_to_local(webinar.start_at, webinar.timezone),
        "duration": str(webinar.duration),
        "approval_type": str(webinar.approval_type),
        "registration_type": str(webinar.registration_type),
        "password": webinar.password,
        "recurrence_type": str(recurrence.get("type", "2")),
        "repeat_interval": str(recurrence.get("repeat_interval", 1)),
        "weekly_days": [str(day) for day in recurrence.get("weekly_days", [])],
        "monthly_day": str(recurrence.get("monthly_day") or ""),
        "end": "date" if end_date else "times",
        "end_times": str(recurrence.get("end_times") or ""),
        "end_date": end_date[:10],
        "panelists": "\n".join(f"{name} <{email}>" for name, email in panelists),
    }


def posted_values(form: FormData) -> dict[str, Any]:
    """What the person typed, shown again beside the errors."""
    values: dict[str, Any] = {key: str(form.get(key, "")) for key in form}
    values["weekly_days"] = [str(day) for day in form.getlist("weekly_days")]
    return values


def recurrence_summary(text: str | None, _: Callable[[str], str]) -> str:
    """A recurrence in words: "Every 2 weeks on Monday, Wednesday; occurrences: 4"."""
    if not text:
        return ""
    data = json.loads(text)
    every, kind = int(data.get("repeat_interval") or 1), int(data["type"])
    unit = {1: (_("day"), _("days")), 2: (_("week"), _("weeks")), 3: (_("month"), _("months"))}
    word = unit[kind][0] if every == 1 else f"{every} {unit[kind][1]}"
    parts = [_("Every"), word]
    if kind == 2 and data.get("weekly_days"):
        parts += [_("on"), ", ".join(_(DAYS[d - 1]) for d in data["weekly_days"])]
    if kind == 3 and data.get("monthly_day"):
        parts += [_("on day"), str(data["monthly_day"])]
    if kind == 3 and data.get("monthly_week"):
        week = _(WEEKS[int(data["monthly_week"])])
        parts += [_("on the"), week, _(DAYS[int(data["monthly_week_day"]) - 1])]
    summary = " ".join(parts)
    if data.get("end_date_time"):
        return f"{summary}; " + _("until") + " " + str(data["end_date_time"])[:10]
    return f"{summary}; " + _("occurrences:") + f" {data.get('end_times') or 1}"
