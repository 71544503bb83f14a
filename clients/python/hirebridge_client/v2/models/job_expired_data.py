from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="JobExpiredData")


@_attrs_define
class JobExpiredData:
    """An open job passed its `expiryDate` and expired (`Expired` in v1's words, `expired` in
    v2's).

        Attributes:
            job_post_id (int):  Example: 1234.
            expired_at (datetime.datetime): When the job expired. Example: 2026-06-01T00:00:41Z.
    """

    job_post_id: int
    expired_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        job_post_id = self.job_post_id

        expired_at = self.expired_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "jobPostId": job_post_id,
                "expiredAt": expired_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        job_post_id = d.pop("jobPostId")

        expired_at = datetime.datetime.fromisoformat(d.pop("expiredAt"))

        job_expired_data = cls(
            job_post_id=job_post_id,
            expired_at=expired_at,
        )

        job_expired_data.additional_properties = d
        return job_expired_data

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
