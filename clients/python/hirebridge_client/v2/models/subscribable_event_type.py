from typing import Literal

SubscribableEventType = Literal[
    "application.status_changed",
    "application.submitted",
    "job.closed",
    "job.expired",
    "job.published",
]

SUBSCRIBABLE_EVENT_TYPE_VALUES: set[SubscribableEventType] = {
    "application.status_changed",
    "application.submitted",
    "job.closed",
    "job.expired",
    "job.published",
}


def check_subscribable_event_type(value: str) -> SubscribableEventType:
    if value in SUBSCRIBABLE_EVENT_TYPE_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {SUBSCRIBABLE_EVENT_TYPE_VALUES!r}"
    )
