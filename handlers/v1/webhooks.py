"""``/api/v1/webhooks``: operation handlers of the Webhooks tag."""

from __future__ import annotations

from typing import Any

from handlers.context import Reply, employer_id, v1_page
from handlers.representation import (
    created_webhook,
    parse_timestamp,
    rotated_secret,
    webhook,
    webhook_delivery,
    webhook_fields,
)
from storage import webhooks
from storage.db import unit_of_work
from storage.models import DeliveryStatus


def list_webhooks(token_info: dict[str, Any], page: int = 1, page_size: int = 50) -> Reply:
    with unit_of_work() as session:
        result = webhooks.list_subscriptions(
            session, employer_id(token_info), page=page, page_size=page_size
        )
        items = [webhook(subscription) for subscription in result.items]
    return v1_page(result.total, page, page_size, items)


def create_webhook(token_info: dict[str, Any], body: dict[str, Any]) -> Reply:
    with unit_of_work() as session:
        created = webhooks.create_subscription(
            session, employer_id(token_info), webhook_fields(body)
        )
        reply = created_webhook(created)
    return reply, 201, {"Location": f"/api/v1/webhooks/{created.subscription.id}"}


def get_webhook(token_info: dict[str, Any], webhook_id: int) -> Reply:
    with unit_of_work() as session:
        subscription = webhooks.get_subscription(session, employer_id(token_info), webhook_id)
    return webhook(subscription), 200


def update_webhook(token_info: dict[str, Any], webhook_id: int, body: dict[str, Any]) -> Reply:
    with unit_of_work() as session:
        subscription = webhooks.update_subscription(
            session, employer_id(token_info), webhook_id, webhook_fields(body)
        )
    return webhook(subscription), 200


def delete_webhook(token_info: dict[str, Any], webhook_id: int) -> tuple[None, int]:
    with unit_of_work() as session:
        webhooks.delete_subscription(session, employer_id(token_info), webhook_id)
    return None, 204


def rotate_webhook_secret(token_info: dict[str, Any], webhook_id: int) -> Reply:
    with unit_of_work() as session:
        rotated = webhooks.rotate_secret(session, employer_id(token_info), webhook_id)
    return rotated_secret(rotated), 200


def send_test_event(token_info: dict[str, Any], webhook_id: int) -> Reply:
    with unit_of_work() as session:
        delivery = webhooks.send_test_event(session, employer_id(token_info), webhook_id)
        reply = webhook_delivery(delivery)
    return reply, 202


def list_webhook_deliveries(
    token_info: dict[str, Any],
    webhook_id: int,
    status: str | None = None,
    page: int = 1,
    page_size: int = 50,
) -> Reply:
    with unit_of_work() as session:
        result = webhooks.list_deliveries(
            session,
            employer_id(token_info),
            webhook_id,
            status=DeliveryStatus(status) if status else None,
            page=page,
            page_size=page_size,
        )
        items = [webhook_delivery(delivery) for delivery in result.items]
    return v1_page(result.total, page, page_size, items)


def redeliver_webhook_delivery(
    token_info: dict[str, Any], webhook_id: int, delivery_id: str
) -> Reply:
    with unit_of_work() as session:
        delivery = webhooks.redeliver(session, employer_id(token_info), webhook_id, delivery_id)
        reply = webhook_delivery(delivery)
    return reply, 202


def replay_webhook_deliveries(
    token_info: dict[str, Any], webhook_id: int, body: dict[str, Any]
) -> Reply:
    since = parse_timestamp(body["since"], "since")
    assert since is not None  # the document requires it
    with unit_of_work() as session:
        replayed = webhooks.replay_failed(session, employer_id(token_info), webhook_id, since=since)
    return {"replayed": replayed}, 202
