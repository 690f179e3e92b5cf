"""The named codes: wire values, and "is this webinar over" alike in Python and in SQL."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from podium.codes import ApprovalType, RegistrantStatus, RegistrationType, WebinarType
from podium.db.models import Webinar
from podium.services.schedules import is_over, is_over_clause
from tests.conftest import AccountKeys
from tests.http.registration_helpers import create_webinar

NOW = datetime(2026, 1, 15, 12, 0, 0, tzinfo=UTC)


def test_codes_are_the_wire_values() -> None:
    assert [int(t) for t in WebinarType] == [5, 6, 9]
    assert [int(t) for t in ApprovalType] == [0, 1, 2]
    assert [int(t) for t in RegistrationType] == [1, 2, 3]
    assert [str(s) for s in RegistrantStatus] == ["approved", "pending", "cancelled", "denied"]
    assert [s.holds_seat for s in RegistrantStatus] == [True, True, False, False]
    assert [t.is_per_occurrence for t in RegistrationType] == [False, True, True]


def test_is_over_agrees_in_python_and_in_sql(
    client: TestClient, account: AccountKeys, session: Session
) -> None:
    create_webinar(client, account)
    webinar = session.execute(select(Webinar)).scalar_one()
    moments = [None, NOW - timedelta(minutes=1), NOW, NOW + timedelta(minutes=1)]
    for kind, ended_at, ends_at in itertools.product(WebinarType, moments, moments):
        webinar.type, webinar.ended_at, webinar.schedule_ends_at = kind, ended_at, ends_at
        session.flush()
        in_sql = session.execute(select(is_over_clause(NOW)).select_from(Webinar)).scalar_one()
        in_python = is_over(
            SimpleNamespace(type=kind, ended_at=ended_at, schedule_ends_at=ends_at), NOW
        )
        assert bool(in_sql) == in_python, (kind, ended_at, ends_at)
    # Over when a one-time webinar was ended, or when its last planned minute has come.
    assert is_over(SimpleNamespace(type=5, ended_at=NOW, schedule_ends_at=None), NOW)
    assert not is_over(SimpleNamespace(type=6, ended_at=NOW, schedule_ends_at=None), NOW)
    assert is_over(SimpleNamespace(type=9, ended_at=None, schedule_ends_at=NOW), NOW)
    later = NOW + timedelta(seconds=1)
    assert not is_over(SimpleNamespace(type=9, ended_at=None, schedule_ends_at=later), NOW)
