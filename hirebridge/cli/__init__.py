"""The operator CLI, ``hirebridge``.

Every command prints its result on the last line of stdout, so scripts can take it with ``tail -1``.
Errors are one line on stderr (``error: ...``) and a non-zero exit status.
"""

from __future__ import annotations

import sys

import click

from hirebridge.cli import accounts, keys, local, webhook_commands


@click.group()
def cli() -> None:
    """Operate Hirebridge: database, employers, credits, API keys, webhooks, servers."""


for command in (
    accounts.db_group,
    accounts.employer_group,
    accounts.user_group,
    accounts.credits_group,
    keys.keys_group,
    webhook_commands.webhooks_group,
    local.demo_group,
    local.serve,
    local.worker,
):
    cli.add_command(command)


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
