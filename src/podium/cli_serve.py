"""`podium serve` and `podium config check|docs`, and the start-up checks every command shares.

Kept apart from cli.py (the data commands) so each stays small. Settings come from
`Settings.from_env` (PODIUM_* variables, checked) with the options winning; a bad value is
one line and exit status 2 (cli.main), an unreachable database one line with the URL, its
password masked, and the driver's reason.
"""

from __future__ import annotations

import json
import logging
import os
import signal
from pathlib import Path
from typing import Any

import click
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from podium.db import migrate
from podium.db.engine import make_engine, normalise_url
from podium.db.models import User
from podium.errors import NotFound
from podium.services import accounts, sign_in
from podium.settings import (
    LOG_FORMATS,
    LOG_LEVELS,
    Settings,
    effective,
    mask_url,
    reference_markdown,
)
from podium.web.runtime import Runtime

DEMO_FILE = ".podium-demo.json"
DEMO_EMAIL = "demo@podium.invalid"
log = logging.getLogger("podium.server")


def refused(database_url: str, error: DBAPIError) -> click.ClickException:
    """An unreachable database in one line: the URL, password masked, and the driver's reason."""
    reason = " ".join(str(error.orig).split()) or type(error.orig).__name__
    return click.ClickException(f"cannot reach the database {mask_url(database_url)}: {reason}")


def reach_database(database_url: str, *, connect: bool = True) -> None:
    """One connection (unless `connect` is false: the caller's first statement will tell),
    so an unreachable database is one line, not a traceback."""
    if database_url.startswith("sqlite"):
        path = normalise_url(database_url).split(":///", 1)[-1].split("?", 1)[0]
        folder = Path(path).parent if path and path != ":memory:" else Path()
        if not folder.is_dir():
            raise click.ClickException(
                f"cannot open the database {database_url}: the folder {folder} does not exist"
            )
        return
    try:
        engine = make_engine(database_url)
    except ModuleNotFoundError as missing:
        raise click.ClickException(
            f"cannot reach the database {mask_url(database_url)}: {missing.name} is not "
            "installed (pip install 'podium-webinar[postgres]')"
        ) from None
    try:
        if connect:
            with engine.connect():
                pass
    except DBAPIError as error:
        raise refused(database_url, error) from None
    finally:
        engine.dispose()


def show(settings: Settings, line: str) -> None:
    """A line for whoever started the server: plain on standard output, or a JSON log
    record (podium.server) when the logs are JSON, so a collector sees one format."""
    if settings.log_format == "json":
        log.info(line)
    else:
        click.echo(line)


@click.command()
@click.option("--host", help="Address to listen on (PODIUM_HOST, default 127.0.0.1).")
@click.option("--port", type=int, help="Port (PODIUM_PORT, default 8000; 0: any free port).")
@click.option("--database-url", help="SQLAlchemy URL (PODIUM_DATABASE_URL).")
@click.option("--public-url", help="Base of every link handed out (PODIUM_PUBLIC_URL).")
@click.option("--demo", is_flag=True, help="Create a demo account if none exists; print it.")
@click.option(
    "--rate-limits",
    type=click.Choice(["off", "zoom"]),
    help="zoom: 10 requests/s per API key, 1/s for list calls (HTTP 429).",
)
@click.option(
    "--sandbox",
    is_flag=True,
    default=None,
    help="Virtual clock, fault injection; /podium/api open to this machine without a token.",
)
@click.option(
    "--workers",
    type=click.IntRange(1, 64),
    help="Processes serving the port (PODIUM_WORKERS; more than 1 needs PostgreSQL).",
)
@click.option("--log-format", type=click.Choice(LOG_FORMATS), help="text (default) or json.")
@click.option("--log-level", type=click.Choice(LOG_LEVELS), help="info (default): access lines.")
@click.option(
    "--forwarded-allow-ips",
    help="Trusted proxies (addresses or networks, comma-separated, or *): their "
    "X-Forwarded-For and X-Forwarded-Proto are believed.",
)
@click.option("--metrics-port", type=click.IntRange(1, 65535), help="/metrics on 127.0.0.1.")
def serve(demo: bool, **options: Any) -> None:
    """Migrate the database, then serve the v1 API and pages."""
    from podium.web.logs import configure
    from podium.web.server import listen
    from podium.web.server import serve as run_server
    from podium.web.workers import reserve_port, serve_workers

    settings = Settings.from_env(**options)
    configure(settings.log_format, settings.log_level, settings.secret_values())
    if settings.workers > 1 and settings.sandbox:
        raise click.ClickException(
            "--sandbox runs one process: its clock, journal and fault rules live in it"
        )
    if settings.workers > 1 and not settings.database_url.startswith("postgres"):
        raise click.ClickException(
            "--workers above 1 needs PostgreSQL: SQLite has one writer, and live pages need "
            "PostgreSQL NOTIFY to reach other processes"
        )
    reach_database(settings.database_url, connect=False)  # the migration below connects
    host, workers = settings.host, settings.workers
    # One process listens itself; with workers, the supervisor makes a socket per worker.
    listener = reserve_port(host, settings.port) if workers > 1 else listen(host, settings.port)
    port = listener.getsockname()[1]
    shown_host = f"[{host}]" if ":" in host else host
    public_url = options.get("public_url") or os.environ.get("PODIUM_PUBLIC_URL", "").strip()
    settings = Settings.from_env(**{**options, "port": port}).with_public_url(
        public_url or f"http://{shown_host}:{port}"
    )
    if settings.forwarded_allow_ips and not public_url:
        log.warning(
            "PODIUM_FORWARDED_ALLOW_IPS is set but PODIUM_PUBLIC_URL is not: the links handed "
            "out will point at %s, not at the proxy",
            settings.public_url,
        )
    try:
        migrate.upgrade(settings.database_url)
    except DBAPIError as error:
        raise refused(settings.database_url, error) from None
    if demo:
        _show_demo(settings)
    listening = f"Podium is listening on http://{shown_host}:{port} (v1: {settings.public_url}/v1)"
    if workers > 1:  # said once every worker listens
        serve_workers(settings, listener, workers, announce=lambda: show(settings, listening))
        return

    def started() -> None:
        """Said once the server accepts connections and a SIGINT or SIGTERM stops it cleanly
        (said earlier, a stop sent at once could land before uvicorn's signal handlers)."""
        show(settings, listening)
        if settings.sandbox:
            show(settings, f"Sandbox: management API at {settings.public_url}/podium/api")

    # SIGHUP replaces workers; one process has none to replace, and must not die of it.
    signal.signal(signal.SIGHUP, lambda *_: log.warning("SIGHUP ignored: no --workers"))
    run_server(settings, listener, on_started=started)


def _show_demo(settings: Settings) -> None:
    """The demo account's credentials, kept in .podium-demo.json so they stay the same."""
    path = Path(DEMO_FILE)
    saved: dict[str, Any] = json.loads(path.read_text()) if path.exists() else {}

    def ensure(runtime: Runtime, session: Session) -> dict[str, Any]:
        if saved.get("database_url") == settings.database_url:
            try:
                accounts.get_account(session, int(saved["account_id"]))
            except NotFound:
                pass
            else:
                return saved
        created = accounts.create_account(
            session,
            name="Demo",
            host_email=DEMO_EMAIL,
            key=runtime.context.issuer.key,
            ids=runtime.context.issuer.ids,
            now=runtime.context.clock.now(),
        )
        password = sign_in.generate_password()  # shown once below, never kept
        [owner] = session.query(User).filter(User.account_id == created.account_id).all()
        sign_in.set_password(session, owner, password, now=runtime.context.clock.now())
        return {"database_url": settings.database_url, **vars(created), "password": password}

    runtime = Runtime.build(settings)
    try:
        demo = runtime.run(lambda session: ensure(runtime, session), writes=True)
    finally:
        runtime.engine.dispose()
    password = demo.pop("password", None)
    if demo is not saved:
        path.write_text(json.dumps(demo))
        os.chmod(path, 0o600)
    click.echo("Podium demo account (kept in .podium-demo.json):")
    for key in ("api_key", "api_secret", "host_id"):
        click.echo(f"  {key}: {demo[key]}")
    click.echo(f"  base URL: {settings.public_url}/v1")
    click.echo(f"  dashboard: {settings.public_url}/manage")
    click.echo(f"  dashboard email: {DEMO_EMAIL}")
    if password is not None:
        click.echo(f"  dashboard password: {password}  (shown once: note it now)")
    else:
        click.echo(
            "  dashboard password: shown when the account was made; a new one: "
            f"podium user password --email {DEMO_EMAIL} --generate"
        )


@click.group()
def config() -> None:
    """The configuration (PODIUM_* variables)."""


@config.command("check")
def config_check() -> None:
    """Check every PODIUM_* variable and reach the database; print the effective settings
    (secrets masked). Exit status 2 for a bad value, 1 for an unreachable database."""
    settings = Settings.from_env()
    for line in effective(settings):
        click.echo(line)
    reach_database(settings.database_url)
    click.echo(f"database: reachable ({mask_url(settings.database_url)})")


@config.command("docs")
def config_docs() -> None:
    """Print docs/configuration.md (every PODIUM_* variable, from the declarations)."""
    click.echo(reference_markdown(), nl=False)
