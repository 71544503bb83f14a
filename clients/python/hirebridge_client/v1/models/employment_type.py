from typing import Literal

EmploymentType = Literal["Contract", "FullTime", "Internship", "PartTime", "Temporary"]

EMPLOYMENT_TYPE_VALUES: set[EmploymentType] = {
    "Contract",
    "FullTime",
    "Internship",
    "PartTime",
    "Temporary",
}


def check_employment_type(value: str) -> EmploymentType:
    if value in EMPLOYMENT_TYPE_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {EMPLOYMENT_TYPE_VALUES!r}")
