from typing import Literal

ApplyMethod = Literal["email", "quick-apply", "url"]

APPLY_METHOD_VALUES: set[ApplyMethod] = {
    "email",
    "quick-apply",
    "url",
}


def check_apply_method(value: str) -> ApplyMethod:
    if value in APPLY_METHOD_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {APPLY_METHOD_VALUES!r}")
