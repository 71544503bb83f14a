"""Commands for the database, employers, their users and their credits."""

from __future__ import annotations

import sys

import click
from sqlalchemy.exc import OperationalError

from hirebridge.cli.common import (
    CliError,
    employer_option,
    load_settings,
    print_table,
    unit_of_work,
)
from storage import credits, employers, migrate, users
from storage.models import CreditKind, Plan, UserRole


@click.group("db")
def db_group() -> None:
    """Database schema."""


@db_group.command("upgrade")
def db_upgrade() -> None:
    """Apply every pending migration."""
    url = load_settings().resolved_database_url
    try:
        migrate.upgrade(url)
        revision = migrate.current_revision(url)
    except OperationalError as exc:
        raise CliError(f"cannot reach the database: {str(exc.orig).splitlines()[0]}") from None
    click.echo(f"database at revision {revision}")


@db_group.command("revision")
@click.option(
    "-m", "--message", required=True, help="What the migration does, e.g. 'api key notes'."
)
def db_revision(message: str) -> None:
    """Write a new migration from the models' differences with the database (which must be at
    the newest revision: `db upgrade` first); prints the file. Review it before committing."""
    url = load_settings().resolved_database_url
    try:
        path = migrate.revision(url, message)
    except migrate.MigrationError as exc:
        raise CliError(str(exc)) from None
    except OperationalError as exc:
        raise CliError(f"cannot reach the database: {str(exc.orig).splitlines()[0]}") from None
    click.echo(path)


@click.group("employer")
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
    with unit_of_work() as session:
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
    with unit_of_work() as session:
        employer = employers.get_employer(session, employer_id)
        employer.trusted_partner = not off
        trusted = employer.trusted_partner
    click.echo("trusted" if trusted else "not trusted")


@employer_group.command("list")
def employer_list() -> None:
    """List every employer: id, name, plan, contract, trust and rate multiplier."""
    with unit_of_work() as session:
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
    print_table(("ID", "NAME", "PLAN", "CONTRACT", "TRUSTED", "RATE"), rows)


@click.group("user")
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
    --password-stdin; otherwise, on a terminal, it is asked for (hidden, twice; empty for a user
    who receives e-mails but cannot sign in). Never from an argument, where it would stay in the
    shell's history. Without a terminal, one of --password-stdin and --no-password is needed.
    """
    password: str | None = None
    if password_stdin and no_password:
        raise CliError("choose one of --password-stdin and --no-password")
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    elif no_password:
        password = None
    elif sys.stdin.isatty():
        password = (
            click.prompt(
                "Portal password (empty: no sign-in)",
                default="",
                show_default=False,
                hide_input=True,
                confirmation_prompt=True,
                err=True,
            )
            or None
        )
    else:
        raise CliError(
            "no terminal to ask for the password on: pipe it in with --password-stdin "
            "(or pass --no-password for a user who cannot sign in)"
        )
    with unit_of_work() as session:
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
    with unit_of_work() as session:
        employer = employers.set_rate_multiplier(session, employer_id, multiplier)
        multiplier = employer.rate_multiplier
    click.echo(multiplier)


@employer_group.command("set-plan")
@employer_option
@click.option(
    "--plan",
    type=click.Choice([plan.value for plan in Plan]),
    required=True,
    help="The new plan (starter: 1 key, 1,000 calls a month; professional: 5 and 10,000).",
)
def employer_set_plan(employer_id: int, plan: str) -> None:
    """Move an employer to another plan (its monthly quota follows); prints the plan."""
    with unit_of_work() as session:
        employer = employers.set_plan(session, employer_id, Plan(plan))
        plan = employer.plan.value
    click.echo(plan)


@click.group("credits")
def credits_group() -> None:
    """Credit balances."""


@credits_group.command("show")
@employer_option
def credits_show(employer_id: int) -> None:
    """Show an employer's credit balances, one kind a line."""
    with unit_of_work() as session:
        employer = employers.get_employer(session, employer_id)
        unlimited = employer.contract_unlimited
        rows = [
            (kind.value, str(amount))
            for kind, amount in credits.balances(session, employer_id).items()
        ]
    if unlimited:
        click.echo("note: an unlimited contract: paid operations take no credits", err=True)
    print_table(("KIND", "BALANCE"), rows)


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
    with unit_of_work() as session:
        employers.get_employer(session, employer_id)
        balance = credits.adjust_credits(
            session, employer_id, CreditKind(kind), amount, reason="top_up", reference=reference
        )
    click.echo(balance)
