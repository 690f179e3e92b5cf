"""The .ics of a webinar invitation: one event, a stable UID, the webinar's time zone, every
start (DTSTART and RDATEs), SEQUENCE from the webinar, METHOD:CANCEL when it is off."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, vCalAddress, vText

REQUEST, CANCEL, PUBLISH = "REQUEST", "CANCEL", "PUBLISH"  # PUBLISH: a file to download


def event_uid(webinar_id: int, domain: str) -> str:
    return f"podium-webinar-{webinar_id}@{domain}"


@dataclass(frozen=True)
class Invitation:
    uid: str
    sequence: int
    method: str  # REQUEST or CANCEL
    topic: str
    description: str
    starts: list[datetime]  # aware
    minutes: int
    timezone: str
    organizer: str
    attendee: str  # "": nobody named (a file anyone may download)
    url: str | None


def to_ical(invite: Invitation, *, stamp: datetime) -> bytes:
    """An iTIP message (RFC 5546) with one event."""
    zone = ZoneInfo(invite.timezone)
    local = [start.astimezone(zone) for start in sorted(invite.starts)]
    calendar = Calendar()
    calendar.add("prodid", "-//Podium//Webinars//EN")
    calendar.add("version", "2.0")
    calendar.add("method", invite.method)
    event = Event()
    event.add("uid", invite.uid)
    event.add("sequence", invite.sequence)
    event.add("dtstamp", stamp)
    event.add("summary", invite.topic)
    if invite.description:
        event.add("description", invite.description)
    event.add("dtstart", local[0])
    event.add("duration", timedelta(minutes=invite.minutes or 60))
    if len(local) > 1:
        event.add("rdate", local[1:])
    organizer = vCalAddress(f"mailto:{invite.organizer}")
    organizer.params["cn"] = vText("Podium")
    event.add("organizer", organizer)
    if invite.attendee:
        attendee = vCalAddress(f"mailto:{invite.attendee}")
        attendee.params["role"] = vText("REQ-PARTICIPANT")
        event.add("attendee", attendee)
    if invite.url:
        event.add("url", invite.url)
        event.add("location", invite.url)
    event.add("status", "CANCELLED" if invite.method == CANCEL else "CONFIRMED")
    calendar.add_component(event)
    calendar.add_missing_timezones()
    return bytes(calendar.to_ical())
