"""The queue worker: an RQ worker with the scheduler, on the configured Redis."""

from __future__ import annotations

from rq import Queue, Worker

from hirebridge.logging_setup import configure_logging
from hirebridge.redis_client import connect, redis_url
from hirebridge.settings import Settings
from storage import db, secret_box, webhook_targets

QUEUE_NAMES = ("default",)


def run_worker(settings: Settings, *, burst: bool = False) -> None:
    """Work the queues until stopped (or, with ``burst``, until they are empty)."""
    configure_logging(settings.log_level)
    db.configure(settings.resolved_database_url, pool_size=4)
    secret_box.configure(settings.webhook_secret_key)
    webhook_targets.configure(allow_insecure=settings.webhook_allow_insecure_targets)
    # RQ keeps binary payloads in Redis, so its connection must not decode responses.
    connection = connect(redis_url(settings), timeout=30)
    queues = [Queue(name, connection=connection) for name in QUEUE_NAMES]
    Worker(queues, connection=connection).work(with_scheduler=True, burst=burst)
