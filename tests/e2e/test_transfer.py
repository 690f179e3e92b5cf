"""Moving a deployment: `podium export` from one database, `podium import` into another (the
suite's engine), every table equal; and `podium backup` of a live SQLite file."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx2
import pytest
from sqlalchemy import select

from podium.db import migrate
from podium.db.engine import make_engine
from podium.db.models import Base
from podium.settings import Settings
from podium.testing import PodiumServer
from tests.conftest import fresh_database
from tests.serving import PODIUM

pytestmark = pytest.mark.e2e


def everything(database_url: str) -> dict[str, list[dict[str, Any]]]:
    engine = make_engine(database_url)
    try:
        with engine.connect() as connection:
            return {
                table.name: [
                    dict(row)
                    for row in connection.execute(
                        select(table).order_by(*table.primary_key.columns)
                    ).mappings()
                ]
                for table in Base.metadata.sorted_tables
            }
    finally:
        engine.dispose()


@pytest.fixture
def target_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    yield from fresh_database(tmp_path_factory)


def seed(server: PodiumServer) -> None:
    account = server.create_account()
    base = {
        "api_key": account.api_key,
        "api_secret": account.api_secret,
        "host_id": account.host_id,
    }
    created = httpx2.post(
        f"{server.base_url}/webinar/create",
        data={
            **base,
            "topic": "Série",
            "type": "9",
            "approval_type": "1",
            "start_time": "2099-01-01T10:00:00Z",
            "recurrence": '{"type": 1, "end_times": 3}',
            "panelists": '[{"name": "P", "email": "p@x.test"}]',
        },
    ).json()
    for n in range(3):
        httpx2.post(
            f"{server.base_url}/webinar/register",
            data={
                **base,
                "id": str(created["id"]),
                "email": f"r{n}@x.test",
                "first_name": "R",
                "last_name": str(n),
                "custom_questions": '[{"title": "T", "value": "V"}]',
            },
        )


def test_export_then_import_keeps_every_row(tmp_path: Path, target_url: str) -> None:
    source_url = f"sqlite:///{tmp_path / 'source.sqlite3'}"
    with PodiumServer(Settings(database_url=source_url)) as server:
        seed(server)
    dump = tmp_path / "dump.jsonl"

    exported = subprocess.run(
        [*PODIUM, "export", "--database-url", source_url],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    dump.write_text(exported.stdout)
    with dump.open() as stdin:
        imported = subprocess.run(
            [*PODIUM, "import", "--database-url", target_url],
            stdin=stdin,
            capture_output=True,
            text=True,
            timeout=120,
        )
    with dump.open() as stdin:
        again = subprocess.run(
            [*PODIUM, "import", "--database-url", target_url],
            stdin=stdin,
            capture_output=True,
            text=True,
            timeout=120,
        )

    rows = sum(len(table) for table in everything(source_url).values())
    assert imported.returncode == 0, imported.stderr
    assert imported.stderr == f"imported {rows} rows\n"
    assert everything(target_url) == everything(source_url)
    assert (again.returncode, again.stderr) == (1, "Error: the target database is not empty\n")


def test_import_refuses_what_is_not_an_export(target_url: str) -> None:
    result = subprocess.run(
        [*PODIUM, "import", "--database-url", target_url],
        input="hello\n",
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert (result.returncode, result.stderr) == (
        1,
        "Error: the input is not a Podium export of a known version\n",
    )


def test_new_rows_after_import_get_new_ids(tmp_path: Path, target_url: str) -> None:
    source_url = f"sqlite:///{tmp_path / 'source.sqlite3'}"
    migrate.upgrade(source_url)
    with PodiumServer(Settings(database_url=source_url)) as server:
        seed(server)
    exported = subprocess.run(
        [*PODIUM, "export", "--database-url", source_url],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    subprocess.run(
        [*PODIUM, "import", "--database-url", target_url],
        input=exported.stdout,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )

    with PodiumServer(Settings(database_url=target_url)) as server:
        account = server.create_account(host_email="second@x.test")

    assert account.account_id == 2


def test_backup_copies_a_live_sqlite_database(tmp_path: Path) -> None:
    source_url = f"sqlite:///{tmp_path / 'live.sqlite3'}"
    with PodiumServer(Settings(database_url=source_url)) as server:
        seed(server)
        copy = tmp_path / "copy.sqlite3"
        result = subprocess.run(
            [*PODIUM, "backup", "--database-url", source_url, "--to", str(copy)],
            capture_output=True,
            text=True,
            timeout=60,
        )
        refused = subprocess.run(
            [*PODIUM, "backup", "--database-url", source_url, "--to", str(copy)],
            capture_output=True,
            text=True,
            timeout=60,
        )

    assert result.returncode == 0, result.stderr
    assert everything(f"sqlite:///{copy}") == everything(source_url)
    assert (refused.returncode, refused.stderr) == (1, f"Error: {copy} exists: choose a new file\n")
