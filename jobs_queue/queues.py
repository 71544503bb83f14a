"""The RQ queues, by name: what the workers listen to and what /metrics reports the depth of."""

from __future__ import annotations

PUMP_QUEUE = "default"
DELIVERY_QUEUE = "webhooks"
MAIL_QUEUE = "mail"
# Listened to in this order: pump passes are short and keep deliveries flowing; a slow mail
# server must not hold up deliveries.
QUEUE_NAMES = (PUMP_QUEUE, DELIVERY_QUEUE, MAIL_QUEUE)
