"""Group commit (web/group_commit.py, Runtime.run_together) on a real SQLite file: writes
that arrive together share one commit, and each still succeeds or fails on its own."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from podium.db import migrate
from podium.db.models import Account, InstanceSecret
from podium.errors import WebinarNotFound
from podium.settings import Settings
from podium.web.runtime import Runtime
from tests.conftest import NOW
from tests.mail_sink import run_async


@pytest.fixture
def runtime(tmp_path: Path) -> Iterator[Runtime]:
    url = f"sqlite:///{tmp_path / 'group.sqlite3'}"
    migrate.upgrade(url)
    built = Runtime.build(Settings(database_url=url))
    yield built
    built.engine.dispose()


def add_account(name: str) -> Callable[[Session], str]:
    def work(session: Session) -> str:
        session.add(Account(name=name, capacity=1, created_at=NOW))
        session.flush()
        return name

    return work


def add_then_fail(name: str) -> Callable[[Session], str]:
    def work(session: Session) -> str:
        add_account(name)(session)
        raise WebinarNotFound(webinar_id="7")

    return work


def duplicate_secret(session: Session) -> str:
    session.add(InstanceSecret(name="hmac-key", value=b"x"))  # the instance key exists
    session.flush()
    return "never"


def accounts(runtime: Runtime) -> list[str]:
    return runtime.run(
        lambda s: list(s.execute(select(Account.name).order_by(Account.id)).scalars()),
        writes=False,
    )


def commits(runtime: Runtime) -> list[int]:
    counted: list[int] = []
    event.listen(runtime.engine, "commit", lambda _connection: counted.append(1))
    return counted


def test_a_group_commits_once_and_each_work_gets_its_own_outcome(runtime: Runtime) -> None:
    counted = commits(runtime)
    works = [add_account("a"), add_account("b"), add_account("c")]

    outcomes = runtime.run_together(works)
    commits_made = len(counted)

    assert outcomes == [(True, "a"), (True, "b"), (True, "c")]
    assert accounts(runtime) == ["a", "b", "c"]
    assert commits_made == 1


def test_a_failing_work_is_rolled_back_alone(runtime: Runtime) -> None:
    counted = commits(runtime)
    works = [add_account("a"), add_then_fail("b"), add_account("c"), duplicate_secret]

    outcomes = runtime.run_together(works)
    commits_made = len(counted)

    assert outcomes[0] == (True, "a")
    assert outcomes[2] == (True, "c")
    assert outcomes[1][0] is False
    assert isinstance(outcomes[1][1], WebinarNotFound)
    assert outcomes[3][0] is False  # ran again alone after the group, and failed again
    assert isinstance(outcomes[3][1], IntegrityError)
    assert accounts(runtime) == ["a", "c"]
    assert commits_made == 1  # the group with savepoints; the lone retry never committed


def test_writes_awaited_together_share_one_commit(runtime: Runtime) -> None:
    counted = commits(runtime)

    async def together() -> list[Any]:
        names = [f"n{index}" for index in range(20)]
        return await asyncio.gather(
            *(runtime.transact(add_account(name), writes=True) for name in names)
        )

    answers = run_async(together)
    commits_made = len(counted)

    assert answers == [f"n{index}" for index in range(20)]
    assert accounts(runtime) == answers
    assert commits_made == 1


def test_an_error_reaches_only_its_own_caller(runtime: Runtime) -> None:
    async def together() -> list[Any]:
        works = [add_account("x"), add_then_fail("y"), add_account("z")]
        return await asyncio.gather(
            *(runtime.transact(work, writes=True) for work in works), return_exceptions=True
        )

    first, second, third = run_async(together)

    assert (first, third) == ("x", "z")
    assert isinstance(second, WebinarNotFound)
    assert accounts(runtime) == ["x", "z"]


def test_reads_keep_one_connection_and_replace_a_broken_one(runtime: Runtime) -> None:
    runtime.run(add_account("kept"), writes=True)

    def names(connection: Any) -> list[str]:
        return list(connection.execute(select(Account.name)).scalars())

    first = runtime.read(lambda connection: (connection, names(connection)))
    second = runtime.read(lambda connection: (connection, names(connection)))
    first[0].invalidate()  # as when the database restarted under it
    third = runtime.read(lambda connection: (connection, names(connection)))

    assert first[0] is second[0]
    assert third[0] is not first[0]
    assert [first[1], second[1], third[1]] == [["kept"]] * 3
    assert not third[0].in_transaction()  # every read ends with a rollback
