"""Which API call caused each event: its ``X-Request-Id`` on the outbox row.

The portal shows it beside every webhook delivery, linked to that call in the request log. The
id is taken from the request being handled when the event is flushed, so the services that record
events need not know about requests; events recorded outside a request (the expiry sweep) have
none.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from sqlalchemy import event
from sqlalchemy.orm import Session, UOWTransaction

from hirebridge_floor.logging_setup import current_request_id
from storage.models import OutboxEvent


def install_event_origins(session_factory: Callable[[], Session]) -> None:
    """Stamp each new outbox event of ``session_factory``'s sessions with the current request."""

    @event.listens_for(session_factory, "before_flush")
    def _stamp(session: Session, _context: UOWTransaction, _instances: Iterable[object]) -> None:
        request_id = current_request_id.get()
        if request_id is None:
            return
        for instance in session.new:
            if isinstance(instance, OutboxEvent) and instance.request_id is None:
                instance.request_id = request_id
