"""What every command of the CLI shares: the one-line errors, the settings, the unit of work,
the ``--employer`` option and the tables."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime

import click
from sqlalchemy.exc import OperationalError, ProgrammingError
from sqlalchemy.orm import Session

from hirebridge_floor.settings import Settings, SettingsError
from storage import db, runtime
from storage.errors import DomainError


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


def load_settings() -> Settings:
    try:
        return Settings.from_env()
    except SettingsError as exc:
        raise CliError(str(exc)) from None


@contextmanager
def unit_of_work() -> Iterator[Session]:
    """A unit of work for one command, with database failures turned into one clear line."""
    # The database publishes what it changes for the API's caches: a revoked key or a new plan
    # takes effect at the API's next request, not when caches expire.
    started = runtime.start(load_settings(), runtime.Role.COMMAND)
    try:
        with db.unit_of_work() as unit:
            yield unit
    except DomainError as exc:
        raise CliError(exc.message) from None
    except (OperationalError, ProgrammingError) as exc:
        text = str(exc.orig) if exc.orig is not None else str(exc)
        if "no such table" in text or "does not exist" in text:
            raise CliError("the database has no schema yet; run `hirebridge db upgrade`") from None
        raise CliError(f"database error: {text.splitlines()[0]}") from None
    finally:
        # Closed, so that an embedded Redis this command started stops when it exits.
        started.close_redis()


def print_table(header: tuple[str, ...], rows: Sequence[tuple[str, ...]]) -> None:
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    for row in [header, *rows]:
        click.echo(
            "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        )


def when(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%dT%H:%M:%SZ") if value else "-"
