"""Commands for webhook deliveries: the dead letters, and ``listen`` for a development machine."""

from __future__ import annotations

import signal
import socket
import sys
import threading

import click

from hirebridge import webhook_listener
from hirebridge.cli.common import (
    CliError,
    employer_option,
    load_settings,
    print_table,
    unit_of_work,
    when,
)
from storage import employers, webhooks
from storage.models import WebhookDelivery
from storage.outbox import SUBSCRIBABLE_EVENTS


@click.group("webhooks")
def webhooks_group() -> None:
    """Webhook deliveries: the dead letters, and receiving them on this machine."""


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
    with unit_of_work() as session:
        if employer_id is not None:
            employers.get_employer(session, employer_id)
        rows = [
            (
                delivery.public_id,
                str(delivery.employer_id),
                str(delivery.subscription_id),
                delivery.event.type,
                when(delivery.created_at),
                str(len(delivery.attempts)),
                _last_error(delivery),
                delivery.subscription.url,
            )
            for delivery in webhooks.dead_letters(session, employer_id, limit)
        ]
    print_table(
        ("DELIVERY", "EMPLOYER", "WEBHOOK", "EVENT", "CREATED", "ATTEMPTS", "LAST ERROR", "URL"),
        rows,
    )


@webhooks_group.command("listen")
@employer_option
@click.option(
    "--events",
    default=",".join(SUBSCRIBABLE_EVENTS),
    show_default=True,
    help="Comma-separated event types to receive.",
)
@click.option(
    "--forward-to",
    default=None,
    help="POST each delivery on to this URL as received, e.g. http://localhost:4000/hooks.",
)
def webhooks_listen(employer_id: int, events: str, forward_to: str | None) -> None:
    """Receive an employer's webhook deliveries on this machine while the command runs.

    Creates a temporary webhook that sends to a listener of this command on 127.0.0.1 (the only
    loopback target the platform allows, and never in production mode), prints each delivery as
    it arrives (event, delivery id, whether its signature verified), forwards it if asked, and
    deletes the webhook on Ctrl-C. The queue worker sends the deliveries (`make run` starts one).
    """
    settings = load_settings()
    if settings.is_production:
        raise CliError("webhooks listen is for development machines; not in production mode")
    if forward_to is not None and not forward_to.startswith(("http://", "https://")):
        raise CliError(f"--forward-to must be an http:// or https:// URL, got {forward_to[:100]}")
    listener = webhook_listener.Listener(forward_to, report=_say)
    listener.start()
    try:
        with unit_of_work() as session:
            employers.get_employer(session, employer_id)
            created = webhooks.create_subscription(
                session,
                employer_id,
                {
                    "url": listener.url,
                    "events": events.replace(" ", ",").split(","),
                    "description": f"hirebridge webhooks listen on {socket.gethostname()}",
                },
                local_listener=True,
            )
            webhook_id, listener.secret = created.subscription.id, created.secret
            subscribed = ", ".join(created.subscription.events)
        try:
            _say(f"Ready: webhook {webhook_id} sends {subscribed} to {listener.url}")
            _say(f"Signing secret: {listener.secret} (until this command stops)")
            if forward_to:
                _say(f"Forwarding each delivery to {forward_to}")
            _say("Deliveries come from the queue worker (make run starts one). Ctrl-C stops.")
            _wait_for_interrupt()
        finally:
            with unit_of_work() as session:
                webhooks.delete_subscription(session, employer_id, webhook_id)
            _say(f"Stopped; webhook {webhook_id} deleted.")
    finally:
        listener.stop()


def _say(line: str) -> None:
    """One line of the listener's report, shown at once even when piped (``| tee``)."""
    click.echo(line)
    sys.stdout.flush()


def _wait_for_interrupt() -> None:
    """Block until Ctrl-C (SIGINT) or SIGTERM.

    Both are handled here, whatever this process inherited: a shell starts background jobs with
    SIGINT ignored, and the webhook must be deleted however the command is stopped.
    """
    stop = threading.Event()
    stopping = {signal.SIGINT, signal.SIGTERM}
    previous = {number: signal.signal(number, lambda *_: stop.set()) for number in stopping}
    try:
        while not stop.wait(0.5):
            pass
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


def _last_error(delivery: WebhookDelivery) -> str:
    if not delivery.attempts:
        return "-"
    last = delivery.attempts[-1]
    return f"HTTP {last.status_code}" if last.status_code is not None else (last.error or "-")
