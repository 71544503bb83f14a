from typing import Literal

JobClosedEventType = Literal["job.closed"]

JOB_CLOSED_EVENT_TYPE_VALUES: set[JobClosedEventType] = {
    "job.closed",
}


def check_job_closed_event_type(value: str) -> JobClosedEventType:
    if value in JOB_CLOSED_EVENT_TYPE_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {JOB_CLOSED_EVENT_TYPE_VALUES!r}")
