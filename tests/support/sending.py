"""One delivery attempt through the real sender, for tests of what it refuses to send."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from jobs_queue.sender import WebhookSender
from storage.deliveries import AttemptResult, OutgoingDelivery


def delivery_to(url: str) -> OutgoingDelivery:
    return OutgoingDelivery(
        delivery_id=1,
        public_id="dlv_1",
        event_type="job.closed",
        payload={"id": "evt_1", "type": "job.closed", "createdAt": "x", "data": {}},
        url=url,
        sealed_secrets=(),
        lease_expires_at=datetime.now(UTC),
    )


def send_once(url: str) -> AttemptResult:
    """One attempt to deliver a test event to ``url``, with a 2-second timeout."""

    async def run() -> AttemptResult:
        sender = WebhookSender(timeout=2)
        await sender.open()
        try:
            return await sender.send(delivery_to(url), ["whsec_test"])
        finally:
            await sender.close()

    return asyncio.run(run())
