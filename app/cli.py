"""The `bangkom` command: serve, db, users, clients, demo, import, audit, openapi, snapshot."""

from __future__ import annotations

import asyncio
import getpass
import os
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, TypeVar

import typer
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.config import get_settings
from app.core.db import create_database
from app.core.errors import DomainError
from app.core.security import USER_ROLES, Role

if TYPE_CHECKING:
    from app.audit.chain import Verification

# Plain tracebacks: rich ones print local variables, which may hold passwords or secrets.
cli = typer.Typer(
    help="Bangkom: competency development for Indonesian civil servants.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
db_cli = typer.Typer(help="Database migrations and the application's PostgreSQL role.", no_args_is_help=True)
users_cli = typer.Typer(help="User accounts.", no_args_is_help=True)
clients_cli = typer.Typer(help="Integration clients (SIMPEG, LMS).", no_args_is_help=True)
demo_cli = typer.Typer(help="Demo data.", no_args_is_help=True)
import_cli = typer.Typer(
    help="Spreadsheet imports (CSV or XLSX), run here by the API's importer as a BPSDM admin.",
    no_args_is_help=True,
)
cli.add_typer(db_cli, name="db")
cli.add_typer(users_cli, name="users")
cli.add_typer(clients_cli, name="clients")
cli.add_typer(demo_cli, name="demo")
audit_cli = typer.Typer(help="The audit trail.", no_args_is_help=True)
cli.add_typer(import_cli, name="import")
cli.add_typer(audit_cli, name="audit")
notifications_cli = typer.Typer(help="Notifications: the email sender.", no_args_is_help=True)
cli.add_typer(notifications_cli, name="notifications")
reminders_cli = typer.Typer(help="Reminder campaigns (the year's reminder rules).", no_args_is_help=True)
cli.add_typer(reminders_cli, name="reminders")

T = TypeVar("T")


def _actor() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli"


def connect_reactions() -> None:
    """What a command writes moves derived figures too (standings, JP year totals), as in the API."""
    from app import reactions

    reactions.connect()


def run_in_session(work: Callable[[AsyncSession], Awaitable[T]]) -> T:
    """Run `work` in one transaction; domain errors become a clean message and exit code 2."""

    connect_reactions()

    async def main() -> T:
        db = create_database(get_settings())
        try:
            async with db.write_sessions() as session, session.begin():
                return await work(session)
        finally:
            await db.engine.dispose()

    try:
        return asyncio.run(main())
    except DomainError as exc:
        typer.secho(f"error: {exc.detail}", fg=typer.colors.RED, err=True)
        raise typer.Exit(2) from exc


@cli.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port")] = 8000,
    workers: Annotated[int, typer.Option(help="Worker processes (use several with PostgreSQL)")] = 1,
    proxy_headers: Annotated[bool, typer.Option(help="Trust X-Forwarded-* from a reverse proxy")] = False,
) -> None:
    """Serve the API and the built SPA on one port."""
    import uvicorn

    settings = get_settings()
    if workers > 1 and settings.is_sqlite:
        typer.secho(
            "SQLite allows one writer; use PostgreSQL for several workers.", fg=typer.colors.YELLOW, err=True
        )
    from app.core.logs import configure_logging

    # The supervising process's own lines (workers started/stopped) in the same format as the workers'.
    configure_logging(settings)
    uvicorn.run(
        "app.main:create_app",
        factory=True,
        log_config=None,
        host=host,
        port=port,
        workers=workers,
        proxy_headers=proxy_headers,
        log_level=settings.log_level.lower(),
        access_log=False,
        server_header=False,
    )


@cli.command()
def openapi(
    output: Annotated[
        Path | None, typer.Option("--output", "-o", dir_okay=False, help="Write here instead of stdout")
    ] = None,
) -> None:
    """Print the OpenAPI document as stable JSON (sorted keys), built from the app without a server."""
    import json

    from app.main import create_app

    # A placeholder key: outside production the real one would be created in the data directory, and
    # the document does not depend on it.
    settings = get_settings().model_copy(update={"secret_key": "openapi-document-only-" + "x" * 32})
    document = json.dumps(create_app(settings).openapi(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    if output is None:
        typer.echo(document, nl=False)
    else:
        output.write_text(document, encoding="utf-8")


@db_cli.command("upgrade")
def db_upgrade(revision: Annotated[str, typer.Argument(help="Target revision")] = "head") -> None:
    """Migrate the database (BANGKOM_DATABASE_URL) to the latest schema."""
    from app.core.migrations import upgrade

    settings = get_settings()
    upgrade(settings.database_url, revision)
    typer.echo(f"database at {revision}: {_redact(settings.database_url)}")


@db_cli.command("downgrade")
def db_downgrade(revision: Annotated[str, typer.Argument(help="Target revision, e.g. -1 or base")]) -> None:
    """Step the schema back (every migration is reversible)."""
    from app.core.migrations import downgrade

    downgrade(get_settings().database_url, revision)
    typer.echo(f"database at {revision}")


def _redact(url: str) -> str:
    if "@" in url and "://" in url:
        scheme, rest = url.split("://", 1)
        creds, host = rest.rsplit("@", 1)
        return f"{scheme}://{creds.split(':', 1)[0]}:***@{host}"
    return url


@users_cli.command("create")
def users_create(
    username: Annotated[str, typer.Option(help="Login name")],
    role: Annotated[str, typer.Option(help="asn, opd_admin, bpsdm_admin or auditor")],
    password: Annotated[
        str | None, typer.Option(help="Password (or set BANGKOM_NEW_PASSWORD; prompted when neither)")
    ] = None,
    unit_id: Annotated[int | None, typer.Option(help="Unit of an opd_admin")] = None,
    nip: Annotated[str | None, typer.Option(help="NIP of an asn user")] = None,
) -> None:
    """Create a user account."""
    from app.accounts.validation import validate_user_fields
    from app.auth import service as auth_service

    if role not in {r.value for r in USER_ROLES}:
        raise typer.BadParameter(f"role must be one of {', '.join(r.value for r in USER_ROLES)}")
    password = (
        password
        or os.environ.get("BANGKOM_NEW_PASSWORD")
        or typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    )

    async def work(session: AsyncSession) -> None:
        await validate_user_fields(session, Role(role), unit_id, nip, password)
        user = await auth_service.create_user(
            session, _actor(), username=username, password=password, role=Role(role), unit_id=unit_id, nip=nip
        )
        typer.echo(f"created user {user.username} ({user.role})")

    run_in_session(work)


@clients_cli.command("create")
def clients_create(
    name: Annotated[str, typer.Option(help="What the client is, e.g. 'SIMPEG Kaltim'")],
    scopes: Annotated[str, typer.Option(help="Space-separated, e.g. 'asn:read asn:write learning:read'")],
) -> None:
    """Create an integration client; prints its client_id and client_secret once."""
    from app.auth import service as auth_service

    async def work(session: AsyncSession) -> tuple[str, str]:
        client, secret = await auth_service.create_client(session, _actor(), name=name, scopes=scopes.split())
        return client.client_id, secret

    client_id, secret = run_in_session(work)
    typer.echo(f"client_id={client_id}")
    typer.echo(f"client_secret={secret}")
    typer.secho("Store the secret now; it cannot be shown again.", fg=typer.colors.YELLOW, err=True)


@demo_cli.command("load")
def demo_load(
    asn: Annotated[int, typer.Option("--asn", min=1, max=500_000, help="How many ASN to generate")] = 2000,
    seed: Annotated[int, typer.Option(help="Random seed (same seed, same province)")] = 2026,
    records_per_asn: Annotated[
        int, typer.Option("--records-per-asn", min=0, max=200, help="Learning records per ASN (about)")
    ] = 20,
    assessments_per_asn: Annotated[
        int, typer.Option("--assessments-per-asn", min=0, max=10, help="Competency assessments per ASN")
    ] = 3,
) -> None:
    """Generate a believable province (units, positions and standards, ASN, learning records, assessments,
    courses, budgets) and demo logins.
    """
    from app.demo.generator import load_demo

    summary = run_in_session(
        lambda session: load_demo(
            session,
            asn_count=asn,
            seed=seed,
            actor=_actor(),
            records_per_asn=records_per_asn,
            assessments_per_asn=assessments_per_asn,
        )
    )
    typer.echo(summary.describe())


@cli.command()
def snapshot(
    on: Annotated[
        str | None, typer.Option("--date", help="The day, YYYY-MM-DD (default: today in Indonesia)")
    ] = None,
) -> None:
    """Store the day's data-completeness figures of every unit and of the province, for the trend and
    past days (run it daily from cron); taking a day again replaces what was stored for it.
    """
    from datetime import date

    from app.completeness import snapshots
    from app.completeness.models import PROVINCE
    from app.core.types import latest_indonesian_date

    try:
        day = date.fromisoformat(on) if on else latest_indonesian_date()
    except ValueError as exc:
        raise typer.BadParameter("--date must be a day as YYYY-MM-DD") from exc
    if day > latest_indonesian_date():
        raise typer.BadParameter("--date is in the future")

    async def work(session: AsyncSession) -> tuple[int, int, object]:
        rows = await snapshots.take(session, day, _actor())
        province = (await snapshots.of_day(session, day, [PROVINCE]))[PROVINCE]
        return rows, province.headcount, province.score

    rows, headcount, score = run_in_session(work)
    typer.echo(
        f"completeness snapshot of {day}: {rows - 1} units and the province stored; "
        f"{headcount} active ASN, score {score if score is not None else '-'}"
    )


ImportFile = Annotated[
    Path,
    typer.Argument(
        exists=True,
        dir_okay=False,
        readable=True,
        metavar="FILE",
        help="A CSV or XLSX file (see the templates)",
    ),
]


def _import(kind: str, path: Path) -> None:
    from app.core.security import Principal
    from app.imports.console import import_file

    principal = Principal(subject=_actor(), role=Role.bpsdm_admin)
    connect_reactions()

    async def main() -> int:
        db = create_database(get_settings())
        try:
            result = await import_file(db, principal, kind, path)
        finally:
            await db.engine.dispose()
        for line in result.lines:
            typer.echo(line, err=line.startswith("error:"))
        return result.exit_code

    code = asyncio.run(main())
    if code:
        raise typer.Exit(code)


@import_cli.command("asn")
def import_asn(file: ImportFile) -> None:
    """Import ASN profiles (the columns of POST /asn or the template's); exit 1 when rows failed, 2 when
    the file is unusable. Rejected rows are written to FILE's name + .errors.xlsx.
    """
    _import("asn", file)


@import_cli.command("learning-records")
def import_learning_records(file: ImportFile) -> None:
    """Import verified learning records; exit 1 when rows failed, 2 when the file is unusable. Rejected
    rows are written to FILE's name + .errors.xlsx.
    """
    _import("learning_records", file)


@audit_cli.command("verify")
def audit_verify(
    from_seq: Annotated[
        int,
        typer.Option("--from-seq", min=1, help="Start here, trusting this row's prev_hash (default: all)"),
    ] = 1,
) -> None:
    """Recompute the audit chain in seq order; exit 0 when intact, 1 naming the first broken link."""
    from app.audit.chain import verify
    from app.core.db import create_engine

    async def main() -> Verification:
        engine = create_engine(get_settings())
        try:
            async with engine.connect() as connection:
                return await verify(connection, from_seq)
        finally:
            await engine.dispose()

    result = asyncio.run(main())
    if not result.intact:
        typer.secho(result.describe(), fg=typer.colors.RED, err=True)
        raise typer.Exit(1)
    typer.echo(result.describe())


@reminders_cli.command("run")
def reminders_run(
    year: Annotated[
        int | None,
        typer.Option(
            min=2000,
            max=2100,
            help="The year whose campaigns run (default: this year, and last year while its claims are open)",
        ),
    ] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Only show who would get what")] = False,
    campaign: Annotated[str | None, typer.Option(help="Run only the campaign with this code")] = None,
) -> None:
    """Run the reminder campaigns as of today and queue their messages (run it daily from cron); a
    campaign never reminds one person twice within its interval, however often it runs.
    """
    from app.reminders import service as reminders

    async def work(session: AsyncSession) -> list[str]:
        lines = []
        for each in [year] if year is not None else await reminders.default_years(session):
            done = await reminders.run(
                session,
                _actor(),
                each,
                dry_run=dry_run,
                campaign=campaign,
                login_url=reminders.login_url(get_settings()),
            )
            for r in done.results:
                outcome = "would get it" if dry_run else f"to remind, {r.queued} queued"
                lines.append(
                    f"{each} {r.campaign}: {r.selected} chosen, {r.skipped_recent} reminded recently, "
                    f"{r.recipients_total} {outcome}"
                )
        return lines

    for line in run_in_session(work):
        typer.echo(line)


@db_cli.command("app-role")
def db_app_role(
    name: Annotated[str, typer.Argument(help="Login role the application connects as, e.g. bangkom_app")],
    password: Annotated[
        str | None,
        typer.Option(
            envvar="BANGKOM_APP_ROLE_PASSWORD", help="Set its password (or BANGKOM_APP_ROLE_PASSWORD)"
        ),
    ] = None,
) -> None:
    """PostgreSQL: create or update the application's role, which may not change or remove audit rows.

    Run it as the owner of the tables (the migrating role), again after every `db upgrade`: it grants
    reading and writing on every table, but only SELECT and INSERT on audit_log and change_log.
    """
    from app.audit.app_role import grant_app_role
    from app.core.db import create_engine

    settings = get_settings()
    if settings.is_sqlite:
        typer.secho("SQLite has no roles; the append-only triggers protect audit_log.", err=True)
        raise typer.Exit(2)

    async def main() -> list[str]:
        engine = create_engine(settings)
        try:
            async with engine.begin() as connection:
                return await grant_app_role(connection, name, password)
        finally:
            await engine.dispose()

    try:
        done = asyncio.run(main())
    except ValueError as exc:
        typer.secho(f"error: {exc}", fg=typer.colors.RED, err=True)
        raise typer.Exit(2) from exc
    for line in done:
        typer.echo(line)


@notifications_cli.command("send")
def notifications_send(
    loop: Annotated[
        bool,
        typer.Option(
            "--loop/--once",
            help="--once: send what is due now, then exit (cron); --loop: keep sending until stopped",
        ),
    ] = False,
) -> None:
    """Send the email notifications that are due through SMTP (BANGKOM_SMTP_*), recording each attempt;
    what fails is retried later with a growing wait. Without BANGKOM_SMTP_HOST nothing is sent.
    """
    import signal

    from app.notifications import sender

    settings = get_settings()
    if not settings.smtp_host:
        typer.secho(
            "BANGKOM_SMTP_HOST is not set: email notifications wait.", fg=typer.colors.YELLOW, err=True
        )

    async def main() -> sender.SendResult | None:
        db = create_database(settings)
        try:
            if not loop:
                return await sender.send_all_due(db.write_sessions, settings)
            stop = asyncio.Event()
            for signum in (signal.SIGINT, signal.SIGTERM):
                asyncio.get_running_loop().add_signal_handler(signum, stop.set)
            await sender.run_forever(db.write_sessions, settings, stop)
            return None
        finally:
            await db.engine.dispose()

    result = asyncio.run(main())
    if result is not None:
        typer.echo(f"{result.sent} sent, {result.retried} to retry later, {result.failed} failed for good")


def main() -> None:
    cli()


if __name__ == "__main__":
    main()
