"""EngineTransactions.run: one transaction, run again (boundedly) after a transient conflict
only (on a real SQLite file)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from podium.db.engine import make_engine
from podium.db.transactions import RETRIES, EngineTransactions


@pytest.fixture
def transactions(tmp_path: Path) -> Iterator[EngineTransactions]:
    engine = make_engine(f"sqlite:///{tmp_path / 'runtime.sqlite3'}")
    yield EngineTransactions(engine)
    engine.dispose()


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
def test_transient_conflicts_are_run_again(
    cause: Exception, transactions: EngineTransactions
) -> None:
    calls, work = failing(RETRIES - 1, cause)

    assert transactions.run(work, writes=True) == "done"  # type: ignore[arg-type]
    assert calls == [1, 2, 3]


def test_retries_are_bounded(transactions: EngineTransactions) -> None:
    calls, work = failing(RETRIES, Deadlock())

    with pytest.raises(OperationalError):
        transactions.run(work, writes=True)  # type: ignore[arg-type]
    assert calls == [1, 2, 3]


def test_other_database_errors_are_not_retried(transactions: EngineTransactions) -> None:
    calls, work = failing(1, Broken())

    with pytest.raises(OperationalError):
        transactions.run(work, writes=False)  # type: ignore[arg-type]
    assert calls == [1]
