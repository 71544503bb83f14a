"""``/api/v1/webhooks``: operation handlers of the Webhooks tag."""

from __future__ import annotations

from typing import Any

from handlers import loop_first
from handlers.context import Reply, employer_id, v1_page
from handlers.representation import webhook, webhook_delivery
from handlers.shared import webhooks as shared
from storage import delivery_lists, webhooks
from storage.db import read_only
from storage.loop_statements import LoopStatements
from storage.models import DeliveryStatus


def list_webhooks(token_info: dict[str, Any], page: int = 1, page_size: int = 50) -> Reply:
    with read_only() as session:
        result = webhooks.list_subscriptions(
            session, employer_id(token_info), page=page, page_size=page_size
        )
        items = [webhook(subscription) for subscription in result.items]
    return v1_page(result.total, page, page_size, items)


def create_webhook(token_info: dict[str, Any], body: dict[str, Any]) -> Reply:
    created = shared.create_webhook(token_info, body)
    return created, 201, {"Location": f"/api/v1/webhooks/{created['id']}"}


def get_webhook(token_info: dict[str, Any], webhook_id: int) -> Reply:
    return shared.get_webhook(token_info, webhook_id), 200


def update_webhook(token_info: dict[str, Any], webhook_id: int, body: dict[str, Any]) -> Reply:
    return shared.update_webhook(token_info, webhook_id, body), 200


def delete_webhook(token_info: dict[str, Any], webhook_id: int) -> tuple[None, int]:
    shared.delete_webhook(token_info, webhook_id)
    return None, 204


def rotate_webhook_secret(token_info: dict[str, Any], webhook_id: int) -> Reply:
    return shared.rotate_webhook_secret(token_info, webhook_id), 200


def send_test_event(token_info: dict[str, Any], webhook_id: int) -> Reply:
    return shared.send_test_event(token_info, webhook_id), 202


async def list_webhook_deliveries(
    token_info: dict[str, Any],
    webhook_id: int,
    status: str | None = None,
    page: int = 1,
    page_size: int = 50,
) -> Reply:
    employer, chosen = employer_id(token_info), DeliveryStatus(status) if status else None

    def read() -> delivery_lists.DeliveryPage:
        with read_only() as session:
            return delivery_lists.list_deliveries(
                session, employer, webhook_id, status=chosen, page=page, page_size=page_size
            )

    async def read_on_loop(reads: LoopStatements) -> delivery_lists.DeliveryPage | None:
        return await delivery_lists.list_deliveries_on_loop(
            reads, employer, webhook_id, status=chosen, page=page, page_size=page_size
        )

    result = await loop_first.run(read, read_on_loop)
    items = [webhook_delivery(delivery) for delivery in result.items]
    return v1_page(result.total, page, page_size, items)


def redeliver_webhook_delivery(
    token_info: dict[str, Any], webhook_id: int, delivery_id: str
) -> Reply:
    return shared.redeliver_webhook_delivery(token_info, webhook_id, delivery_id), 202


def replay_webhook_deliveries(
    token_info: dict[str, Any], webhook_id: int, body: dict[str, Any]
) -> Reply:
    return shared.replay_webhook_deliveries(token_info, webhook_id, body), 202
