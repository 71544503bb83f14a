"""The ``/metrics`` page, and the count of committed credit charges.

The counters themselves are defined in ``hirebridge_floor.metrics`` (the queue workers count
there too). Read at each scrape: ``hirebridge_queue_depth`` (jobs waiting in each RQ queue) and
``hirebridge_webhook_deliveries_due`` (deliveries waiting for an attempt in the database).

gunicorn runs several worker processes; each counts in its own memory unless
``PROMETHEUS_MULTIPROC_DIR`` names a directory, in which case every process writes its counters
there and ``/metrics`` adds them up (``hirebridge serve`` sets that up). A queue worker serves its
own counters on ``WORKER_METRICS_PORT`` when that is set.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator

import redis
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector
from sqlalchemy import event
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from hirebridge_floor.metrics import CREDITS_CHARGED
from storage import db
from storage.credits import CHARGES_KEY
from storage.deliveries import count_due

logger = logging.getLogger(__name__)


@event.listens_for(Session, "after_commit")
def _count_committed_charges(session: Session) -> None:
    for kind in session.info.pop(CHARGES_KEY, ()):
        CREDITS_CHARGED.labels(kind=str(kind)).inc()


@event.listens_for(Session, "after_rollback")
def _forget_rolled_back_charges(session: Session) -> None:
    session.info.pop(CHARGES_KEY, None)


class BacklogCollector(Collector):
    """Queue depths from Redis and due deliveries from the database, read at each scrape."""

    def __init__(self, redis_client: redis.Redis, queue_names: tuple[str, ...]) -> None:
        self.redis = redis_client
        self.queue_names = queue_names

    def collect(self) -> Iterator[GaugeMetricFamily]:
        depth = GaugeMetricFamily(
            "hirebridge_queue_depth", "Jobs waiting in each queue.", labels=["queue"]
        )
        try:
            for name in self.queue_names:
                depth.add_metric([name], float(self.redis.llen(f"rq:queue:{name}")))
        except redis.RedisError as exc:
            logger.warning("metrics: queue depths unavailable: %s", exc)
        yield depth
        try:
            with db.unit_of_work() as session:
                due = count_due(session)
        except Exception as exc:  # a scrape must not fail because the database did
            logger.warning("metrics: due deliveries unavailable: %s", exc)
            return
        yield GaugeMetricFamily(
            "hirebridge_webhook_deliveries_due",
            "Webhook deliveries waiting for an attempt.",
            value=float(due),
        )


class MetricsPage:
    """``GET /metrics`` in Prometheus's text format."""

    def __init__(self, redis_client: redis.Redis, queue_names: tuple[str, ...]) -> None:
        # A registry of the page's own: several apps in one process (tests) each have a page.
        self.backlog = CollectorRegistry()
        self.backlog.register(BacklogCollector(redis_client, queue_names))

    def render(self) -> bytes:
        if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
            counters = CollectorRegistry()
            MultiProcessCollector(counters)  # type: ignore[no-untyped-call]
        else:
            counters = REGISTRY
        # Two registries with no metric in common: their texts simply follow each other.
        return generate_latest(counters) + generate_latest(self.backlog)

    async def page(self, request: Request) -> Response:
        body = await run_in_threadpool(self.render)
        return Response(body, media_type=CONTENT_TYPE_LATEST)
