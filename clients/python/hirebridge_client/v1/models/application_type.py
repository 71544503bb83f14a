from typing import Literal

ApplicationType = Literal["EmailApply", "Imported", "QuickApply", "UrlApply"]

APPLICATION_TYPE_VALUES: set[ApplicationType] = {
    "EmailApply",
    "Imported",
    "QuickApply",
    "UrlApply",
}


def check_application_type(value: str) -> ApplicationType:
    if value in APPLICATION_TYPE_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {APPLICATION_TYPE_VALUES!r}")
