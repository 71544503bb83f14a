from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="JobPublishedData")


@_attrs_define
class JobPublishedData:
    """A draft job was published: it is open to applications (`Active` in v1's words, `open`
    in v2's).

        Attributes:
            job_post_id (int):  Example: 1234.
            posted_date (datetime.datetime):  Example: 2026-05-02T09:00:00Z.
            expiry_date (datetime.datetime):  Example: 2026-06-01T00:00:00Z.
    """

    job_post_id: int
    posted_date: datetime.datetime
    expiry_date: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        job_post_id = self.job_post_id

        posted_date = self.posted_date.isoformat()

        expiry_date = self.expiry_date.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "jobPostId": job_post_id,
                "postedDate": posted_date,
                "expiryDate": expiry_date,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        job_post_id = d.pop("jobPostId")

        posted_date = datetime.datetime.fromisoformat(d.pop("postedDate"))

        expiry_date = datetime.datetime.fromisoformat(d.pop("expiryDate"))

        job_published_data = cls(
            job_post_id=job_post_id,
            posted_date=posted_date,
            expiry_date=expiry_date,
        )

        job_published_data.additional_properties = d
        return job_published_data

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
