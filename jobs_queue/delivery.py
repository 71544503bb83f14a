"""RQ task that delivers a claim's webhooks, and the notices of subscriptions disabled
(docs/requirements.md#w6)."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime

import redis
from rq import Queue

from jobs_queue import engine as delivery_engine
from jobs_queue.mail import Mail, enqueue_mail
from jobs_queue.queues import DELIVERY_QUEUE
from storage import db
from storage.deliveries import (
    LEASE,
    Claim,
    OutgoingDelivery,
    SubscriptionDisabled,
    release_claim,
    take_claimed,
)

logger = logging.getLogger(__name__)

# Deliveries per job: enough to spread the RQ overhead thin, few enough to spread a burst over
# several worker processes.
BATCH_SIZE = 100
# How long a job waits for room in a busy engine before it gives its deliveries back.
_ROOM_WAIT = 30.0


def deliver(delivery_ids: list[int], lease_expires_at: datetime) -> int:
    """RQ task: send the deliveries of one claim; returns how many this worker took.

    The deliveries are taken only if the claim still holds them (see
    ``storage.deliveries.take_claimed``), so running this job twice, or after its lease ran out
    and the deliveries were claimed again, sends nothing twice. They are then handed to the
    process's delivery engine, which sends them concurrently and records every attempt; the job
    does not wait for the receivers.
    """
    claim = Claim(delivery_ids=tuple(delivery_ids), lease_expires_at=lease_expires_at)
    engine = delivery_engine.current()
    if not engine.reserve(len(delivery_ids), timeout=_ROOM_WAIT):
        with db.unit_of_work() as session:
            release_claim(session, claim)
        logger.warning("delivery engine busy; gave back %d deliveries", len(delivery_ids))
        return 0

    def taken() -> list[OutgoingDelivery]:
        with db.unit_of_work() as session:
            return take_claimed(session, claim)

    _taken, started = engine.submit_reserved(len(delivery_ids), taken)
    return started


def enqueue_claim(connection: redis.Redis, claim: Claim) -> int:
    """Queue ``deliver`` jobs for a claim, ``BATCH_SIZE`` deliveries each; returns the job count.

    Raises ``redis.RedisError`` if Redis cannot take them (the caller gives the claim back).
    """
    queue = Queue(DELIVERY_QUEUE, connection=connection)
    ids = list(claim.delivery_ids)
    jobs = [
        Queue.prepare_data(
            deliver,
            args=(ids[start : start + BATCH_SIZE], claim.lease_expires_at),
            timeout=int(_ROOM_WAIT) + 60,
            # A job still queued when its lease runs out could take nothing anyway.
            ttl=int(LEASE.total_seconds()),
            result_ttl=0,
            failure_ttl=24 * 3600,
            description=f"deliver {min(ids[start : start + BATCH_SIZE])}..",
        )
        for start in range(0, len(ids), BATCH_SIZE)
    ]
    if jobs:
        queue.enqueue_many(jobs)
    return len(jobs)


def queued_jobs(connection: redis.Redis) -> int:
    """Delivery jobs waiting for a worker (raises ``redis.RedisError`` when Redis is down)."""
    return int(Queue(DELIVERY_QUEUE, connection=connection).count)


def disabled_mail(notice: SubscriptionDisabled) -> Mail:
    """The e-mail to an employer's admins about a webhook disabled for its failures."""
    return Mail(
        to=notice.admin_emails,
        subject=f"Hirebridge webhook {notice.subscription_id} has been disabled",
        body=(
            f"Your webhook {notice.subscription_id} ({notice.url}) failed "
            f"{notice.consecutive_failures} deliveries in a row, so Hirebridge has stopped "
            "sending to it.\n\n"
            "Events that happen while it is disabled are not sent to it. Deliveries that were "
            "waiting for a retry are kept, and so are the ones that failed: once the receiver "
            "works again, re-enable the webhook in the employer portal or through the API "
            f"(PUT /api/v1/webhooks/{notice.subscription_id} with enabled set to true), then "
            "redeliver or replay what you need.\n\n"
            "Each delivery's attempts, with the status code or error your endpoint returned, "
            "are listed on the webhook's page.\n"
        ),
    )


def notify_disabled(connection: redis.Redis, notices: Sequence[SubscriptionDisabled]) -> None:
    """Queue the e-mails about subscriptions that have just been disabled."""
    for notice in notices:
        if not notice.admin_emails:
            logger.warning(
                "webhook subscription %d disabled; employer %d has no admin to tell",
                notice.subscription_id,
                notice.employer_id,
            )
            continue
        enqueue_mail(connection, disabled_mail(notice))
