"""The Webhooks operations, version-neutral."""

from __future__ import annotations

from typing import Any

from handlers.context import employer_id
from handlers.representation import (
    created_webhook,
    parse_timestamp,
    rotated_secret,
    webhook,
    webhook_delivery,
    webhook_fields,
)
from storage import delivery_lists, webhooks
from storage.db import read_only, unit_of_work


def create_webhook(token_info: dict[str, Any], body: dict[str, Any]) -> dict[str, Any]:
    with unit_of_work() as session:
        created = webhooks.create_subscription(
            session, employer_id(token_info), webhook_fields(body)
        )
        return created_webhook(created)


def get_webhook(token_info: dict[str, Any], webhook_id: int) -> dict[str, Any]:
    with read_only() as session:
        subscription = webhooks.get_subscription(session, employer_id(token_info), webhook_id)
    return webhook(subscription)


def update_webhook(
    token_info: dict[str, Any], webhook_id: int, body: dict[str, Any]
) -> dict[str, Any]:
    with unit_of_work() as session:
        subscription = webhooks.update_subscription(
            session, employer_id(token_info), webhook_id, webhook_fields(body)
        )
    return webhook(subscription)


def delete_webhook(token_info: dict[str, Any], webhook_id: int) -> None:
    with unit_of_work() as session:
        webhooks.delete_subscription(session, employer_id(token_info), webhook_id)


def rotate_webhook_secret(token_info: dict[str, Any], webhook_id: int) -> dict[str, Any]:
    with unit_of_work() as session:
        rotated = webhooks.rotate_secret(session, employer_id(token_info), webhook_id)
    return rotated_secret(rotated)


def send_test_event(token_info: dict[str, Any], webhook_id: int) -> dict[str, Any]:
    with unit_of_work() as session:
        delivery = webhooks.send_test_event(session, employer_id(token_info), webhook_id)
        return webhook_delivery(delivery_lists.delivery_summary(delivery))


def redeliver_webhook_delivery(
    token_info: dict[str, Any], webhook_id: int, delivery_id: str
) -> dict[str, Any]:
    with unit_of_work() as session:
        delivery = webhooks.redeliver(session, employer_id(token_info), webhook_id, delivery_id)
        return webhook_delivery(delivery_lists.delivery_summary(delivery))


def replay_webhook_deliveries(
    token_info: dict[str, Any], webhook_id: int, body: dict[str, Any]
) -> dict[str, Any]:
    since = parse_timestamp(body["since"], "since")
    assert since is not None  # the document requires it
    with unit_of_work() as session:
        replayed = webhooks.replay_failed(session, employer_id(token_info), webhook_id, since=since)
    return {"replayed": replayed}
