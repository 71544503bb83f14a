"""Webhook deliveries per subscription and day, by outcome (the portal's delivery charts).

A delivery counts on the day (UTC) it was created, as ``succeeded`` (at the first attempt),
``retried`` (it failed at least once and is not dead: delivered later, or still retrying) or
``dead``. Deliveries not tried yet are not counted.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, Date, case, cast, func, select
from sqlalchemy.orm import Session

from storage.models import DeliveryStatus, WebhookDelivery

OUTCOMES = ("succeeded", "retried", "dead")

DailyOutcomes = dict[date, dict[str, int]]


def deliveries_per_day(
    session: Session, employer_id: int, subscription_ids: Collection[int], since: datetime
) -> dict[int, DailyOutcomes]:
    """subscription id -> day -> outcome -> deliveries, for deliveries created since ``since``."""
    if not subscription_ids:
        return {}
    created = WebhookDelivery.created_at
    day: ColumnElement[Any]
    if session.get_bind().dialect.name == "postgresql":
        day = cast(func.timezone("UTC", created), Date)
    else:
        day = func.date(created)  # SQLite keeps UTC as text: 'YYYY-MM-DD'
    outcome = case(
        (WebhookDelivery.status == DeliveryStatus.DEAD, "dead"),
        (WebhookDelivery.failed_attempts > 0, "retried"),
        (WebhookDelivery.status == DeliveryStatus.SUCCEEDED, "succeeded"),
        else_=None,
    )
    rows = session.execute(
        select(WebhookDelivery.subscription_id, day, outcome, func.count())
        .where(
            WebhookDelivery.employer_id == employer_id,
            WebhookDelivery.subscription_id.in_(subscription_ids),
            created >= since,
        )
        .group_by(WebhookDelivery.subscription_id, day, outcome)
    )
    counts: dict[int, DailyOutcomes] = defaultdict(lambda: defaultdict(dict))
    for subscription_id, on, kind, number in rows:
        if kind is None:
            continue
        on_day = on if isinstance(on, date) else date.fromisoformat(str(on))
        counts[subscription_id][on_day][kind] = int(number)
    return counts
