from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.me_employer import MeEmployer
    from ..models.me_key import MeKey
    from ..models.me_quota import MeQuota
    from ..models.me_rate_limit_type_0 import MeRateLimitType0


T = TypeVar("T", bound="Me")


@_attrs_define
class Me:
    """The calling key, its employer and what is left of its limits.

    Attributes:
        key (MeKey):
        employer (MeEmployer):
        rate_limit (MeRateLimitType0 | None): This minute's rate for this key in the `other` family, this call counted
            (as the
            `X-RateLimit-*` headers say); null when the rate limiter could not be reached.
        quota (MeQuota): The employer's requests this calendar month (UTC), this call counted. On a plan
            without a quota `monthlyRequests` and `remaining` are null.
    """

    key: MeKey
    employer: MeEmployer
    rate_limit: MeRateLimitType0 | None
    quota: MeQuota
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.me_rate_limit_type_0 import MeRateLimitType0

        key = self.key.to_dict()

        employer = self.employer.to_dict()

        rate_limit: dict[str, Any] | None
        if isinstance(self.rate_limit, MeRateLimitType0):
            rate_limit = self.rate_limit.to_dict()
        else:
            rate_limit = self.rate_limit

        quota = self.quota.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "key": key,
                "employer": employer,
                "rateLimit": rate_limit,
                "quota": quota,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.me_employer import MeEmployer
        from ..models.me_key import MeKey
        from ..models.me_quota import MeQuota
        from ..models.me_rate_limit_type_0 import MeRateLimitType0

        d = dict(src_dict)
        key = MeKey.from_dict(d.pop("key"))

        employer = MeEmployer.from_dict(d.pop("employer"))

        def _parse_rate_limit(data: object) -> MeRateLimitType0 | None:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                rate_limit_type_0 = MeRateLimitType0.from_dict(data)

                return rate_limit_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(MeRateLimitType0 | None, data)

        rate_limit = _parse_rate_limit(d.pop("rateLimit"))

        quota = MeQuota.from_dict(d.pop("quota"))

        me = cls(
            key=key,
            employer=employer,
            rate_limit=rate_limit,
            quota=quota,
        )

        me.additional_properties = d
        return me

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
