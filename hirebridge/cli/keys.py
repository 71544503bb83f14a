"""Commands for API keys: mint, list, approve, revoke."""

from __future__ import annotations

from datetime import UTC, datetime

import click
from redis.exceptions import RedisError

from hirebridge.cli.common import (
    CliError,
    employer_option,
    load_settings,
    print_table,
    unit_of_work,
    when,
)
from hirebridge_floor.redis_client import connect, redis_url
from jobs_queue.mail import Mail, enqueue_mail
from storage import api_keys, employers


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


def _parse_expiry(value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise CliError(f"--expires must be an ISO 8601 date-time, got {value!r}") from None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


@click.group("keys")
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
    with unit_of_work() as session:
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
    with unit_of_work() as session:
        key = api_keys.revoke_key(session, key_id)
        status = key.status.value
    click.echo(f"{key_id} {status}")


@keys_group.command("approve")
@click.argument("key_id", type=int)
def keys_approve(key_id: int) -> None:
    """Approve the pending key KEY_ID (from `keys list`); its employer's admins are e-mailed."""
    with unit_of_work() as session:
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
    connection = connect(redis_url(load_settings()))
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
    with unit_of_work() as session:
        employers.get_employer(session, employer_id)
        rows = [
            (
                str(key.id),
                key.name,
                key.prefix + "…",
                api_keys.display_status(key),
                " ".join(key.scopes),
                when(key.created_at),
                when(key.last_used_at),
                when(key.expires_at),
            )
            for key in api_keys.list_keys(session, employer_id)
        ]
    print_table(
        ("ID", "NAME", "PREFIX", "STATUS", "SCOPES", "CREATED", "LAST USED", "EXPIRES"), rows
    )
