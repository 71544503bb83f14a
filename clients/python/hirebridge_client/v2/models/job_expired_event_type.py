from typing import Literal

JobExpiredEventType = Literal["job.expired"]

JOB_EXPIRED_EVENT_TYPE_VALUES: set[JobExpiredEventType] = {
    "job.expired",
}


def check_job_expired_event_type(value: str) -> JobExpiredEventType:
    if value in JOB_EXPIRED_EVENT_TYPE_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {JOB_EXPIRED_EVENT_TYPE_VALUES!r}"
    )
