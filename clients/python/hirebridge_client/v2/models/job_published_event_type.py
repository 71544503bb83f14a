from typing import Literal

JobPublishedEventType = Literal["job.published"]

JOB_PUBLISHED_EVENT_TYPE_VALUES: set[JobPublishedEventType] = {
    "job.published",
}


def check_job_published_event_type(value: str) -> JobPublishedEventType:
    if value in JOB_PUBLISHED_EVENT_TYPE_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {JOB_PUBLISHED_EVENT_TYPE_VALUES!r}"
    )
