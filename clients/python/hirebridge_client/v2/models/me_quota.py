from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="MeQuota")


@_attrs_define
class MeQuota:
    """The employer's requests this calendar month (UTC), this call counted. On a plan
    without a quota `monthlyRequests` and `remaining` are null.

        Attributes:
            monthly_requests (int | None):  Example: 10000.
            used_this_month (int | None): Null when the counter could not be reached. Example: 1234.
            remaining (int | None):  Example: 8766.
    """

    monthly_requests: int | None
    used_this_month: int | None
    remaining: int | None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        monthly_requests: int | None
        monthly_requests = self.monthly_requests

        used_this_month: int | None
        used_this_month = self.used_this_month

        remaining: int | None
        remaining = self.remaining

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "monthlyRequests": monthly_requests,
                "usedThisMonth": used_this_month,
                "remaining": remaining,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)

        def _parse_monthly_requests(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        monthly_requests = _parse_monthly_requests(d.pop("monthlyRequests"))

        def _parse_used_this_month(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        used_this_month = _parse_used_this_month(d.pop("usedThisMonth"))

        def _parse_remaining(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        remaining = _parse_remaining(d.pop("remaining"))

        me_quota = cls(
            monthly_requests=monthly_requests,
            used_this_month=used_this_month,
            remaining=remaining,
        )

        me_quota.additional_properties = d
        return me_quota

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
