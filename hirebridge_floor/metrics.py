"""The counters the API and the queue workers keep for Prometheus (served by ``/metrics``).

Counted where it happens:
- ``hirebridge_http_requests_total`` and ``hirebridge_http_request_duration_seconds``, by
  ``operationId`` (or ``other`` for pages outside the documents) and status, by
  ``hirebridge.observability``;
- ``hirebridge_credits_charged_total`` by kind, after the transaction that charged commits
  (``storage.credits`` notes each charge in ``session.info``; ``hirebridge.metrics_page`` counts
  them once committed, nothing for a rollback);
- ``hirebridge_webhook_deliveries_total`` by outcome (``succeeded``/``failed``), by the delivery
  engine of each queue worker.
"""

from __future__ import annotations

from prometheus_client import Counter, Histogram

REQUESTS = Counter(
    "hirebridge_http_requests_total",
    "HTTP requests answered, by operationId and status.",
    ["operation", "status"],
)
LATENCY = Histogram(
    "hirebridge_http_request_duration_seconds",
    "Time from the request's arrival to the end of its response, by operationId.",
    ["operation"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
CREDITS_CHARGED = Counter(
    "hirebridge_credits_charged_total",
    "Credits taken from balances (committed charges only), by kind.",
    ["kind"],
)
DELIVERIES = Counter(
    "hirebridge_webhook_deliveries_total",
    "Webhook delivery attempts made, by outcome.",
    ["outcome"],
)


def observe_request(operation: str, status: int, seconds: float) -> None:
    REQUESTS.labels(operation=operation, status=str(status)).inc()
    LATENCY.labels(operation=operation).observe(seconds)


def count_delivery_attempts(succeeded: int, failed: int) -> None:
    if succeeded:
        DELIVERIES.labels(outcome="succeeded").inc(succeeded)
    if failed:
        DELIVERIES.labels(outcome="failed").inc(failed)
