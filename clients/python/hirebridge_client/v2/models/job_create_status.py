from typing import Literal

JobCreateStatus = Literal["draft", "open"]

JOB_CREATE_STATUS_VALUES: set[JobCreateStatus] = {
    "draft",
    "open",
}


def check_job_create_status(value: str) -> JobCreateStatus:
    if value in JOB_CREATE_STATUS_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {JOB_CREATE_STATUS_VALUES!r}")
