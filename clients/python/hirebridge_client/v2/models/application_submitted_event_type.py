from typing import Literal

ApplicationSubmittedEventType = Literal["application.submitted"]

APPLICATION_SUBMITTED_EVENT_TYPE_VALUES: set[ApplicationSubmittedEventType] = {
    "application.submitted",
}


def check_application_submitted_event_type(value: str) -> ApplicationSubmittedEventType:
    if value in APPLICATION_SUBMITTED_EVENT_TYPE_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {APPLICATION_SUBMITTED_EVENT_TYPE_VALUES!r}"
    )
