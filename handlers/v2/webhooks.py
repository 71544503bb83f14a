"""``/api/v2/webhooks``: operation handlers of the Webhooks tag."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from handlers.context import Reply, v2_one
from handlers.representation import webhook, webhook_delivery
from handlers.shared import webhooks as shared
from handlers.v2.pages import cursor_page, cursor_page_loop_first
from storage import delivery_lists, webhooks
from storage.loop_statements import LoopStatements
from storage.models import DeliveryStatus, WebhookSubscription
from storage.paging import Position, Slice


def list_webhooks(token_info: dict[str, Any], limit: int = 20, cursor: str | None = None) -> Reply:
    def fetch(
        session: Session, employer: int, after: Position | None, size: int
    ) -> Slice[WebhookSubscription]:
        return webhooks.list_subscriptions_after(session, employer, after=after, limit=size)

    return cursor_page(token_info, "listWebhooks", {}, (cursor, limit), fetch, webhook)


def create_webhook(token_info: dict[str, Any], body: dict[str, Any]) -> Reply:
    created = shared.create_webhook(token_info, body)
    return v2_one(created, 201, {"Location": f"/api/v2/webhooks/{created['id']}"})


def get_webhook(token_info: dict[str, Any], webhook_id: int) -> Reply:
    return v2_one(shared.get_webhook(token_info, webhook_id))


def update_webhook(token_info: dict[str, Any], webhook_id: int, body: dict[str, Any]) -> Reply:
    return v2_one(shared.update_webhook(token_info, webhook_id, body))


def delete_webhook(token_info: dict[str, Any], webhook_id: int) -> tuple[None, int]:
    shared.delete_webhook(token_info, webhook_id)
    return None, 204


def rotate_webhook_secret(token_info: dict[str, Any], webhook_id: int) -> Reply:
    return v2_one(shared.rotate_webhook_secret(token_info, webhook_id))


def send_test_event(token_info: dict[str, Any], webhook_id: int) -> Reply:
    return v2_one(shared.send_test_event(token_info, webhook_id), 202)


async def list_webhook_deliveries(
    token_info: dict[str, Any],
    webhook_id: int,
    status: str | None = None,
    limit: int = 20,
    cursor: str | None = None,
) -> Reply:
    chosen = DeliveryStatus(status) if status else None

    def fetch(
        session: Session, employer: int, after: Position | None, size: int
    ) -> Slice[delivery_lists.DeliverySummary]:
        return delivery_lists.list_deliveries_after(
            session, employer, webhook_id, status=chosen, after=after, limit=size
        )

    async def fetch_on_loop(
        reads: LoopStatements, employer: int, after: Position | None, size: int
    ) -> Slice[delivery_lists.DeliverySummary] | None:
        return await delivery_lists.list_deliveries_after_on_loop(
            reads, employer, webhook_id, status=chosen, after=after, limit=size
        )

    arguments = {"webhookId": webhook_id, "status": status}
    return await cursor_page_loop_first(
        token_info,
        "listWebhookDeliveries",
        arguments,
        (cursor, limit),
        fetch,
        fetch_on_loop,
        webhook_delivery,
    )


def redeliver_webhook_delivery(
    token_info: dict[str, Any], webhook_id: int, delivery_id: str
) -> Reply:
    return v2_one(shared.redeliver_webhook_delivery(token_info, webhook_id, delivery_id), 202)


def replay_webhook_deliveries(
    token_info: dict[str, Any], webhook_id: int, body: dict[str, Any]
) -> Reply:
    return v2_one(shared.replay_webhook_deliveries(token_info, webhook_id, body), 202)
