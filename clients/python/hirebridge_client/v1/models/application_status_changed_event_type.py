from typing import Literal

ApplicationStatusChangedEventType = Literal["application.status_changed"]

APPLICATION_STATUS_CHANGED_EVENT_TYPE_VALUES: set[ApplicationStatusChangedEventType] = {
    "application.status_changed",
}


def check_application_status_changed_event_type(value: str) -> ApplicationStatusChangedEventType:
    if value in APPLICATION_STATUS_CHANGED_EVENT_TYPE_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {APPLICATION_STATUS_CHANGED_EVENT_TYPE_VALUES!r}"
    )
