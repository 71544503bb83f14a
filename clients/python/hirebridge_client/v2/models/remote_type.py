from typing import Literal

RemoteType = Literal["hybrid", "on-site", "remote"]

REMOTE_TYPE_VALUES: set[RemoteType] = {
    "hybrid",
    "on-site",
    "remote",
}


def check_remote_type(value: str) -> RemoteType:
    if value in REMOTE_TYPE_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {REMOTE_TYPE_VALUES!r}")
