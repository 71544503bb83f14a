from typing import Literal

ApplyMethod = Literal["EmailApply", "QuickApply", "UrlApply"]

APPLY_METHOD_VALUES: set[ApplyMethod] = {
    "EmailApply",
    "QuickApply",
    "UrlApply",
}


def check_apply_method(value: str) -> ApplyMethod:
    if value in APPLY_METHOD_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {APPLY_METHOD_VALUES!r}")
