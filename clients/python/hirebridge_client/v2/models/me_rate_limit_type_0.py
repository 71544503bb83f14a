from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.me_rate_limit_type_0_family import (
    MeRateLimitType0Family,
    check_me_rate_limit_type_0_family,
)

T = TypeVar("T", bound="MeRateLimitType0")


@_attrs_define
class MeRateLimitType0:
    """This minute's rate for this key in the `other` family, this call counted (as the
    `X-RateLimit-*` headers say); null when the rate limiter could not be reached.

        Attributes:
            family (MeRateLimitType0Family):
            limit (int):  Example: 60.
            remaining (int):  Example: 59.
            reset_seconds (int):  Example: 42.
    """

    family: MeRateLimitType0Family
    limit: int
    remaining: int
    reset_seconds: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        family: str = self.family

        limit = self.limit

        remaining = self.remaining

        reset_seconds = self.reset_seconds

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "family": family,
                "limit": limit,
                "remaining": remaining,
                "resetSeconds": reset_seconds,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        family = check_me_rate_limit_type_0_family(d.pop("family"))

        limit = d.pop("limit")

        remaining = d.pop("remaining")

        reset_seconds = d.pop("resetSeconds")

        me_rate_limit_type_0 = cls(
            family=family,
            limit=limit,
            remaining=remaining,
            reset_seconds=reset_seconds,
        )

        me_rate_limit_type_0.additional_properties = d
        return me_rate_limit_type_0

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
