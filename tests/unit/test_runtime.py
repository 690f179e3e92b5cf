"""Runtime.run: one transaction, run again (boundedly) after a transient conflict only."""

from __future__ import annotations

import pytest
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from podium.web.runtime import RETRIES, Runtime


class SerializationFailure(Exception):
    sqlstate = "40001"


class Deadlock(Exception):
    sqlstate = "40P01"


class Broken(Exception):
    sqlstate = "42P01"


def failing(times: int, cause: Exception) -> tuple[list[int], object]:
    calls: list[int] = []

    def work(_session: Session) -> str:
        calls.append(len(calls) + 1)
        if len(calls) <= times:
            raise OperationalError("UPDATE …", {}, cause)
        return "done"

    return calls, work


@pytest.mark.parametrize(
    "cause", [SerializationFailure(), Deadlock(), Exception("database is locked")]
)
def test_transient_conflicts_are_run_again(cause: Exception, runtime: Runtime) -> None:
    calls, work = failing(RETRIES - 1, cause)

    assert runtime.run(work, writes=True) == "done"  # type: ignore[arg-type]
    assert calls == [1, 2, 3]


def test_retries_are_bounded(runtime: Runtime) -> None:
    calls, work = failing(RETRIES, Deadlock())

    with pytest.raises(OperationalError):
        runtime.run(work, writes=True)  # type: ignore[arg-type]
    assert calls == [1, 2, 3]


def test_other_database_errors_are_not_retried(runtime: Runtime) -> None:
    calls, work = failing(1, Broken())

    with pytest.raises(OperationalError):
        runtime.run(work, writes=False)  # type: ignore[arg-type]
    assert calls == [1]
