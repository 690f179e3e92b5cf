"""Attendance arithmetic and the life of a session, on a real database session."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import literal, select
from sqlalchemy.orm import Session

from podium.codes import Role
from podium.db.functions import utc_text, whole_minutes
from podium.db.models import Attendance, UtcDateTime, Webinar
from podium.ids import Ids
from podium.recurrence import parse_recurrence
from podium.services import accounts, instances, webinars
from podium.services.instances import Participant
from podium.services.tokens import Issuer
from podium.services.webinars import WebinarSettings
from tests.conftest import NOW, AccountKeys

WALK_IN = Participant(Role.ATTENDEE, "Walk In", "walk@x.io")


def at(minutes: float) -> datetime:
    return NOW + timedelta(minutes=minutes)


@pytest.mark.parametrize(
    ("seconds", "expected"),
    [(0, 0), (59, 0), (60, 1), (119, 1), (3600, 60), (86_399, 1439)],
)
def test_minutes_in_session_are_whole_minutes_in_the_database(
    seconds: int, expected: int, session: Session
) -> None:
    later = NOW + timedelta(seconds=seconds)
    row = session.execute(
        select(
            whole_minutes(literal(NOW, UtcDateTime), literal(later, UtcDateTime)),
            utc_text(literal(later, UtcDateTime)),
        )
    ).one()

    assert tuple(row) == (expected, later.strftime("%Y-%m-%dT%H:%M:%SZ"))


def make_webinar(session: Session, account: AccountKeys, **settings: object) -> Webinar:
    host = accounts.find_host(session, account.account_id, account.host_id)
    issuer = Issuer(ids=Ids.seeded(5), key=b"k" * 32)
    return webinars.create_webinar(
        session,
        host,
        WebinarSettings(topic="T", **settings),  # type: ignore[arg-type]
        issuer=issuer,
        now=NOW,
    )


def rows(session: Session) -> list[tuple[datetime, datetime | None]]:
    session.expire_all()
    return [
        (r.joined_at, r.left_at)
        for r in session.execute(select(Attendance).order_by(Attendance.id)).scalars()
    ]


def test_rejoins_make_new_rows_and_the_end_closes_open_ones(
    session: Session, account: AccountKeys
) -> None:
    webinar = make_webinar(session, account)
    instance = instances.start_instance(session, webinar, ids=Ids.seeded(1), now=at(0))
    first = instances.join(session, instance, WALK_IN, now=at(1))
    instances.leave(session, first, now=at(5))
    instances.join(session, instance, WALK_IN, now=at(7))

    webinars.end_webinar(session, webinar, now=at(30))
    instances.leave(session, first, now=at(40))  # a late disconnect changes nothing

    assert rows(session) == [(at(1), at(5)), (at(7), at(30))]
    assert instance.ended_at == at(30)


def test_lost_connections_close_at_the_last_heartbeat(
    session: Session, account: AccountKeys
) -> None:
    webinar = make_webinar(session, account)
    instance = instances.start_instance(session, webinar, ids=Ids.seeded(1), now=at(0))
    lost = instances.join(session, instance, WALK_IN, now=at(1))
    alive = instances.join(session, instance, WALK_IN, now=at(1))
    assert instances.heartbeat(session, lost, now=at(2))
    assert instances.heartbeat(session, alive, now=at(10))

    closed = instances.close_lost_connections(session, now=at(10), timeout=timedelta(seconds=30))

    assert closed == 1
    assert rows(session) == [(at(1), at(2)), (at(1), None)]
    assert not instances.heartbeat(session, lost, now=at(11))
    assert instances.count_present(session, instance) == 1


def test_recurring_session_belongs_to_the_current_or_next_occurrence(
    session: Session, account: AccountKeys
) -> None:
    webinar = make_webinar(
        session,
        account,
        type=9,
        start_at=datetime(2026, 1, 15, 11, 30, tzinfo=UTC),
        duration=60,
        recurrence=parse_recurrence(json.loads('{"type": 1, "end_times": 3}')),
    )
    current = instances.current_occurrence(webinar, NOW)
    later = instances.current_occurrence(webinar, NOW + timedelta(hours=2))
    after_all = instances.current_occurrence(webinar, NOW + timedelta(days=5))

    instance = instances.start_instance(session, webinar, ids=Ids.seeded(2), now=NOW)

    assert current is not None
    assert later is not None
    assert current.start_at == datetime(2026, 1, 15, 11, 30, tzinfo=UTC)
    assert later.start_at == datetime(2026, 1, 16, 11, 30, tzinfo=UTC)
    assert after_all is None
    assert instance.occurrence_pk == current.id
    assert instances.current_occurrence(make_webinar(session, account), NOW) is None
