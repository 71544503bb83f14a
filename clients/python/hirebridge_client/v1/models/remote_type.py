from typing import Literal

RemoteType = Literal["FullyRemote", "HybridRemote", "OnSite"]

REMOTE_TYPE_VALUES: set[RemoteType] = {
    "FullyRemote",
    "HybridRemote",
    "OnSite",
}


def check_remote_type(value: str) -> RemoteType:
    if value in REMOTE_TYPE_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {REMOTE_TYPE_VALUES!r}")
