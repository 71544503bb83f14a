from typing import Literal

JobStatus = Literal["closed", "draft", "expired", "open"]

JOB_STATUS_VALUES: set[JobStatus] = {
    "closed",
    "draft",
    "expired",
    "open",
}


def check_job_status(value: str) -> JobStatus:
    if value in JOB_STATUS_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {JOB_STATUS_VALUES!r}")
