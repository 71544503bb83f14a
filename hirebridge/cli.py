"""The operator CLI, ``hirebridge``.

Every command prints its result on the last line of stdout, so scripts can take it with ``tail -1``.
Errors are one line on stderr (``error: ...``) and a non-zero exit status.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime

import click
from redis.exceptions import RedisError
from sqlalchemy.exc import OperationalError, ProgrammingError
from sqlalchemy.orm import Session

from hirebridge import demo_files
from hirebridge.cache_invalidation import install_cache_invalidation
from hirebridge.redis_client import connect, redis_url
from hirebridge.settings import Settings, SettingsError
from jobs_queue.mail import Mail, enqueue_mail
from storage import api_keys, credits, db, demo, employers, migrate, users, webhooks
from storage.errors import DomainError
from storage.models import CreditKind, Plan, UserRole, WebhookDelivery


class CliError(click.ClickException):
    def show(self, file: object = None) -> None:
        click.echo(f"error: {self.format_message()}", err=True)


employer_option = click.option(
    "--employer",
    "employer_id",
    type=int,
    required=True,
    help="The employer's id (from `employer create` or `employer list`).",
)


def _scopes_epilog() -> str:
    """The scope vocabulary and the bundles, for `keys mint --help`."""
    width = max(len(name) for name in api_keys.BUNDLES)
    lines = ["\b", "Bundles (each stands for the scopes after it):"]
    lines += [
        f"  {name.ljust(width)}  {' '.join(scopes)}" for name, scopes in api_keys.BUNDLES.items()
    ]
    lines += ["Scopes:", *(f"  {scope}" for scope in api_keys.SCOPES)]
    lines += [
        "A key with candidates:search, or one of an employer with neither an unlimited",
        "contract nor any credit, waits for `hirebridge keys approve` (unless the employer",
        "is a trusted partner).",
    ]
    return "\n".join(lines)


def _settings() -> Settings:
    try:
        return Settings.from_env()
    except SettingsError as exc:
        raise CliError(str(exc)) from None


@contextmanager
def _session() -> Iterator[Session]:
    """A unit of work for one command, with database failures turned into one clear line."""
    settings = _settings()
    database = db.configure(settings.resolved_database_url, pool_size=2)
    # A revoked key or a new plan takes effect at the API's next request, not when caches expire.
    invalidations = functools.cache(lambda: connect(redis_url(settings)))
    install_cache_invalidation(database.session_factory, invalidations)
    try:
        with db.unit_of_work() as session:
            yield session
    except DomainError as exc:
        raise CliError(exc.message) from None
    except (OperationalError, ProgrammingError) as exc:
        text = str(exc.orig) if exc.orig is not None else str(exc)
        if "no such table" in text or "does not exist" in text:
            raise CliError("the database has no schema yet; run `hirebridge db upgrade`") from None
        raise CliError(f"database error: {text.splitlines()[0]}") from None
    finally:
        if invalidations.cache_info().currsize:
            # Closed, so that an embedded Redis this command started stops when it exits.
            invalidations().close()


def _parse_expiry(value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise CliError(f"--expires must be an ISO 8601 date-time, got {value!r}") from None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


@click.group()
def cli() -> None:
    """Operate Hirebridge: database, employers, credits, API keys, servers."""


@cli.group("db")
def db_group() -> None:
    """Database schema."""


@db_group.command("upgrade")
def db_upgrade() -> None:
    """Apply every pending migration."""
    url = _settings().resolved_database_url
    try:
        migrate.upgrade(url)
        revision = migrate.current_revision(url)
    except OperationalError as exc:
        raise CliError(f"cannot reach the database: {str(exc.orig).splitlines()[0]}") from None
    click.echo(f"database at revision {revision}")


@cli.group("employer")
def employer_group() -> None:
    """Employers (tenants)."""


@employer_group.command("create")
@click.option("--name", required=True, help="The employer's name.")
@click.option(
    "--plan",
    type=click.Choice([plan.value for plan in Plan]),
    default=Plan.PROFESSIONAL.value,
    show_default=True,
    help="The plan: how many keys may be in use and how many calls a month (free: no API).",
)
@click.option("--unlimited", is_flag=True, help="Unlimited contract: paid operations are free.")
@click.option("--trusted", is_flag=True, help="Trusted partner: its keys need no approval.")
def employer_create(name: str, plan: str, unlimited: bool, trusted: bool) -> None:
    """Create an employer; prints its id."""
    with _session() as session:
        employer = employers.create_employer(
            session,
            name=name,
            plan=Plan(plan),
            contract_unlimited=unlimited,
            trusted_partner=trusted,
        )
        employer_id = employer.id
    click.echo(employer_id)


@employer_group.command("set-trusted")
@employer_option
@click.option("--off", is_flag=True, help="Stop trusting the employer.")
def employer_set_trusted(employer_id: int, off: bool) -> None:
    """Mark an employer as a trusted partner (its new keys need no approval); prints the flag."""
    with _session() as session:
        employer = employers.get_employer(session, employer_id)
        employer.trusted_partner = not off
        trusted = employer.trusted_partner
    click.echo("trusted" if trusted else "not trusted")


@employer_group.command("list")
def employer_list() -> None:
    """List every employer: id, name, plan, contract, trust and rate multiplier."""
    with _session() as session:
        rows = [
            (
                str(employer.id),
                employer.name,
                employer.plan.value,
                "unlimited" if employer.contract_unlimited else "credits",
                "yes" if employer.trusted_partner else "no",
                f"x{employer.rate_multiplier}",
            )
            for employer in employers.list_employers(session)
        ]
    _print_table(("ID", "NAME", "PLAN", "CONTRACT", "TRUSTED", "RATE"), rows)


@cli.group("user")
def user_group() -> None:
    """Users of an employer (portal sign-in, admin e-mails)."""


@user_group.command("create")
@employer_option
@click.option("--email", required=True, help="The address the user signs in with and is mailed at.")
@click.option("--name", required=True, help="The user's name, as the portal shows it.")
@click.option(
    "--role",
    type=click.Choice([role.value for role in UserRole]),
    default=UserRole.EMPLOYER_ADMIN.value,
    show_default=True,
    help="EmployerAdmin manages keys and webhooks; Recruiter only reads them.",
)
@click.option(
    "--password-stdin", is_flag=True, help="Read the portal password from standard input."
)
@click.option(
    "--no-password",
    is_flag=True,
    help="No portal password: the user receives e-mails but cannot sign in.",
)
def user_create(
    employer_id: int, email: str, name: str, role: str, password_stdin: bool, no_password: bool
) -> None:
    """Create a user; prints its id.

    The portal password (at least 12 characters) is read from standard input with
    --password-stdin; otherwise, on a terminal, it is asked for (hidden, twice). Never from an
    argument, where it would stay in the shell's history.
    """
    password: str | None = None
    if password_stdin and no_password:
        raise CliError("choose one of --password-stdin and --no-password")
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    elif no_password:
        password = None
    elif sys.stdin.isatty():
        password = click.prompt(
            "Portal password", hide_input=True, confirmation_prompt=True, err=True
        )
    else:
        raise CliError(
            "no terminal to ask for the password on: pipe it in with --password-stdin "
            "(or pass --no-password for a user who cannot sign in)"
        )
    with _session() as session:
        user = users.create_user(
            session, employer_id, email=email, name=name, role=UserRole(role), password=password
        )
        user_id = user.id
    click.echo(user_id)


@employer_group.command("set-rate")
@employer_option
@click.option(
    "--multiplier",
    type=click.IntRange(min=1),
    required=True,
    help="Whole number (>= 1) every rate-limit family of the employer's keys is multiplied by.",
)
def employer_set_rate(employer_id: int, multiplier: int) -> None:
    """Raise (or restore, with 1) an employer's per-key rate limits; prints the multiplier."""
    with _session() as session:
        employer = employers.set_rate_multiplier(session, employer_id, multiplier)
        multiplier = employer.rate_multiplier
    click.echo(multiplier)


@employer_group.command("set-plan")
@employer_option
@click.option("--plan", type=click.Choice([plan.value for plan in Plan]), required=True)
def employer_set_plan(employer_id: int, plan: str) -> None:
    """Move an employer to another plan (its monthly quota follows); prints the plan."""
    with _session() as session:
        employer = employers.set_plan(session, employer_id, Plan(plan))
        plan = employer.plan.value
    click.echo(plan)


@cli.group("credits")
def credits_group() -> None:
    """Credit balances."""


@credits_group.command("show")
@employer_option
def credits_show(employer_id: int) -> None:
    """Show an employer's credit balances, one kind a line."""
    with _session() as session:
        employer = employers.get_employer(session, employer_id)
        unlimited = employer.contract_unlimited
        rows = [
            (kind.value, str(amount))
            for kind, amount in credits.balances(session, employer_id).items()
        ]
    if unlimited:
        click.echo("note: an unlimited contract: paid operations take no credits", err=True)
    _print_table(("KIND", "BALANCE"), rows)


@credits_group.command("add")
@employer_option
@click.option(
    "--kind",
    type=click.Choice([kind.value for kind in CreditKind]),
    required=True,
    help="Which credits: publishing jobs, CV searches or CV downloads.",
)
@click.option("--amount", type=int, required=True, help="Credits to add (negative to remove).")
@click.option("--reference", default=None, help="An invoice or order number for the ledger.")
def credits_add(employer_id: int, kind: str, amount: int, reference: str | None) -> None:
    """Add credits of one kind; prints the new balance."""
    with _session() as session:
        employers.get_employer(session, employer_id)
        balance = credits.adjust_credits(
            session, employer_id, CreditKind(kind), amount, reason="top_up", reference=reference
        )
    click.echo(balance)


@cli.group("keys")
def keys_group() -> None:
    """API keys."""


@keys_group.command("mint", epilog=_scopes_epilog())
@employer_option
@click.option("--name", required=True, help="What the key is for, e.g. 'Bullhorn production'.")
@click.option(
    "--scopes",
    required=True,
    help="Comma-separated scopes and bundles (listed below), e.g. JobPosting,webhooks:manage.",
)
@click.option("--expires", default=None, help="ISO 8601 expiry (UTC if no offset is given).")
def keys_mint(employer_id: int, name: str, scopes: str, expires: str | None) -> None:
    """Mint a key; prints its id, then the key itself (shown only this once)."""
    with _session() as session:
        employer = employers.get_employer(session, employer_id)
        minted = api_keys.mint_key(
            session,
            employer,
            name=name,
            scopes=scopes.replace(" ", ",").split(","),
            expires_at=_parse_expiry(expires),
        )
        key_id, status = minted.key.id, minted.key.status.value
    if status != "active":
        click.echo(f"key {key_id} is {status}", err=True)
    click.echo(key_id)
    click.echo(minted.plaintext)


@keys_group.command("revoke")
@click.argument("key_id", type=int)
def keys_revoke(key_id: int) -> None:
    """Revoke the key KEY_ID (from `keys list`); it is refused from the next request on."""
    with _session() as session:
        key = api_keys.revoke_key(session, key_id)
        status = key.status.value
    click.echo(f"{key_id} {status}")


@keys_group.command("approve")
@click.argument("key_id", type=int)
def keys_approve(key_id: int) -> None:
    """Approve the pending key KEY_ID (from `keys list`); its employer's admins are e-mailed."""
    with _session() as session:
        approval = api_keys.approve_key(session, key_id)
        status = approval.key.status.value
        employer_id = approval.key.employer_id
        key_name, key_prefix = approval.key.name, approval.key.prefix
    if approval.newly_approved:
        _queue_mail(
            Mail(
                to=approval.admin_emails,
                subject=f"Your API key {key_name} is approved",
                body=(
                    f"The API key {key_name} ({key_prefix}…) of your Hirebridge account "
                    f"{employer_id} has been approved and works from now on.\n"
                ),
            )
        )
    click.echo(f"{key_id} {status}")


def _queue_mail(mail: Mail) -> None:
    """Hand an e-mail to the workers; a failure to queue it is reported, not fatal (the change
    it reports has been made)."""
    if not mail.to:
        click.echo("note: the employer has no admin user to e-mail", err=True)
        return
    connection = connect(redis_url(_settings()))
    try:
        enqueue_mail(connection, mail)
    except RedisError as exc:
        click.echo(f"warning: the e-mail to {', '.join(mail.to)} was not queued: {exc}", err=True)
    finally:
        connection.close()


@keys_group.command("list")
@employer_option
def keys_list(employer_id: int) -> None:
    """List an employer's keys (never their secrets)."""
    with _session() as session:
        employers.get_employer(session, employer_id)
        rows = [
            (
                str(key.id),
                key.name,
                key.prefix + "…",
                api_keys.display_status(key),
                " ".join(key.scopes),
                _when(key.created_at),
                _when(key.last_used_at),
                _when(key.expires_at),
            )
            for key in api_keys.list_keys(session, employer_id)
        ]
    _print_table(
        ("ID", "NAME", "PREFIX", "STATUS", "SCOPES", "CREATED", "LAST USED", "EXPIRES"), rows
    )


def _print_table(header: tuple[str, ...], rows: Sequence[tuple[str, ...]]) -> None:
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    for row in [header, *rows]:
        click.echo(
            "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        )


def _when(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%dT%H:%M:%SZ") if value else "-"


@cli.group("webhooks")
def webhooks_group() -> None:
    """Webhook deliveries."""


@webhooks_group.command("dead-letters")
@click.option("--employer", "employer_id", type=int, default=None, help="Only this employer's.")
@click.option(
    "--limit",
    type=click.IntRange(1, 10_000),
    default=100,
    show_default=True,
    help="Show at most this many, newest first.",
)
def webhooks_dead_letters(employer_id: int | None, limit: int) -> None:
    """List dead-lettered deliveries, newest first (redeliver them through the API or portal)."""
    with _session() as session:
        if employer_id is not None:
            employers.get_employer(session, employer_id)
        rows = [
            (
                delivery.public_id,
                str(delivery.employer_id),
                str(delivery.subscription_id),
                delivery.event.type,
                _when(delivery.created_at),
                str(len(delivery.attempts)),
                _last_error(delivery),
                delivery.subscription.url,
            )
            for delivery in webhooks.dead_letters(session, employer_id, limit)
        ]
    _print_table(
        ("DELIVERY", "EMPLOYER", "WEBHOOK", "EVENT", "CREATED", "ATTEMPTS", "LAST ERROR", "URL"),
        rows,
    )


def _last_error(delivery: WebhookDelivery) -> str:
    if not delivery.attempts:
        return "-"
    last = delivery.attempts[-1]
    return f"HTTP {last.status_code}" if last.status_code is not None else (last.error or "-")


@cli.group("demo")
def demo_group() -> None:
    """Demo data for trying Hirebridge on one machine."""


@demo_group.command("seed")
def demo_seed() -> None:
    """Create the demo employer, credits, jobs, CV profiles, key and portal admin if missing;
    prints the demo key.

    The key and the admin's password are kept in the data directory (demo-key.txt, demo.json),
    readable by their owner only, for the start banner.
    """
    click.echo(_seed_demo(_settings()))


def _seed_demo(settings: Settings) -> str:
    """Seed the demo; returns its key (``demo seed`` and ``demo run`` share this)."""
    known_key = demo_files.read_key(settings.data_dir)
    known = demo_files.read_details(settings.data_dir)
    with _session() as session:
        result = demo.seed_demo(session, known_key, known.admin_password if known else None)
        employer_id = result.employer.id
    key = result.new_key or known_key
    assert key is not None  # a key is minted whenever none is known
    if result.new_key:
        demo_files.write_key(settings.data_dir, result.new_key)
    password = result.new_admin_password or (known.admin_password if known else "")
    details = demo_files.DemoDetails(employer_id, demo.DEMO_ADMIN_EMAIL, password)
    if details != known:
        demo_files.write_details(settings.data_dir, details)
    click.echo(f"demo employer {employer_id}", err=True)
    return key


@demo_group.command("run")
@click.option("--bind", default="127.0.0.1:8000", show_default=True, help="HOST:PORT to listen on.")
def demo_run(bind: str) -> None:
    """Migrate the database, seed the demo (the first time) and serve the API with a queue
    worker, in one process: what `make run` does. Not in production mode."""
    from hirebridge.server import serve as run_server

    settings = _settings()
    if settings.is_production:
        raise CliError("demo run is for one machine; in production run db upgrade, serve, worker")
    db_upgrade.callback()  # type: ignore[misc]
    _seed_demo(settings)
    # The servers' processes open their own connections; none is inherited from this one.
    db.current().dispose()
    run_server(settings, bind=bind, workers=None, with_worker=True)


@cli.command("serve")
@click.option("--bind", default="127.0.0.1:8000", show_default=True, help="HOST:PORT to listen on.")
@click.option(
    "--workers", type=int, default=None, help="Worker processes (default WEB_CONCURRENCY)."
)
@click.option(
    "--with-worker", is_flag=True, help="Also run a queue worker (for local development)."
)
def serve(bind: str, workers: int | None, with_worker: bool) -> None:
    """Serve the API with gunicorn and uvicorn workers."""
    from hirebridge.server import serve as run_server

    run_server(_settings(), bind=bind, workers=workers, with_worker=with_worker)


@cli.command("worker")
@click.option("--burst", is_flag=True, help="Stop when the queues are empty.")
def worker(burst: bool) -> None:
    """Run a queue worker (with the scheduler) for webhook delivery, expiry and e-mail."""
    from jobs_queue.worker import run_worker

    run_worker(_settings(), burst=burst)


def main() -> None:
    try:
        cli.main(standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("error: aborted", err=True)
        sys.exit(1)
    except click.UsageError as exc:
        hint = f" (see `{exc.ctx.command_path} --help`)" if exc.ctx else ""
        click.echo(f"error: {exc.format_message()}{hint}", err=True)
        sys.exit(2)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
