from typing import Literal

WebhookEventType = Literal[
    "application.status_changed",
    "application.submitted",
    "job.closed",
    "job.expired",
    "job.published",
    "webhook.test",
]

WEBHOOK_EVENT_TYPE_VALUES: set[WebhookEventType] = {
    "application.status_changed",
    "application.submitted",
    "job.closed",
    "job.expired",
    "job.published",
    "webhook.test",
}


def check_webhook_event_type(value: str) -> WebhookEventType:
    if value in WEBHOOK_EVENT_TYPE_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {WEBHOOK_EVENT_TYPE_VALUES!r}")
