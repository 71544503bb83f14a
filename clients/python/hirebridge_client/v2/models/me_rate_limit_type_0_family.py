from typing import Literal

MeRateLimitType0Family = Literal["other"]

ME_RATE_LIMIT_TYPE_0_FAMILY_VALUES: set[MeRateLimitType0Family] = {
    "other",
}


def check_me_rate_limit_type_0_family(value: str) -> MeRateLimitType0Family:
    if value in ME_RATE_LIMIT_TYPE_0_FAMILY_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {ME_RATE_LIMIT_TYPE_0_FAMILY_VALUES!r}"
    )
