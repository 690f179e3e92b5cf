"""SQL statements per v1 operation stay the same however much data there is (no N+1)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import Connection, event
from starlette.testclient import TestClient

from tests.conftest import AccountKeys
from tests.http.helpers import v1
from tests.http.live_helpers import attendee, run_session
from tests.http.registration_helpers import create_webinar, register


@contextmanager
def counting(connection: Connection) -> Iterator[list[str]]:
    statements: list[str] = []

    def record(*args: Any) -> None:
        sql = str(args[2])
        if not sql.startswith(("SAVEPOINT", "RELEASE", "ROLLBACK TO")):  # the test's harness
            statements.append(sql)

    event.listen(connection, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(connection, "before_cursor_execute", record)


def arrange(client: TestClient, account: AccountKeys, session: Any, size: int) -> int:
    panelists = [{"name": f"P{n}", "email": f"p{n}@x.io"} for n in range(size)]
    webinar_id = create_webinar(
        client, account, panelists=json.dumps(panelists), approval_type=1, topic=f"Size {size}"
    )
    for n in range(size):
        register(client, account, webinar_id, f"r{size}-{n}@x.io")
        create_webinar(client, account, approval_type=2, topic=f"Listed {n}")
    people = [attendee(session, f"r{size}-{n}@x.io") for n in range(size)]
    run_session(session, webinar_id, start=0, end=10, joins=[(p, 1, 2) for p in people], seed=size)
    return webinar_id


CALLS: list[tuple[str, dict[str, Any]]] = [
    ("webinar/get", {}),
    ("webinar/list", {}),
    ("webinar/list/registration", {}),
    ("webinar/panelists", {}),
    ("webinar/registrants/list", {}),
    ("webinar/registration", {}),
    ("webinar/uuid/list", {}),
    ("webinar/attendees/list", {}),
    ("webinar/polls", {}),
    ("webinar/questions", {}),
]


@pytest.mark.parametrize(("action", "extra"), CALLS)
def test_statements_per_operation_do_not_grow_with_data(
    action: str,
    extra: dict[str, Any],
    client: TestClient,
    account: AccountKeys,
    other_account: AccountKeys,
    connection: Connection,
    session: Any,
) -> None:
    small = arrange(client, account, session, 1)
    large = arrange(client, other_account, session, 12)

    with counting(connection) as few:
        v1(client, action, account.host_params(id=small, **extra))
    with counting(connection) as many:
        v1(client, action, other_account.host_params(id=large, **extra))

    assert len(many) == len(few), "\n".join(many)
    assert len(few) <= 7  # credentials, host, webinar, then at most 4 for the answer
