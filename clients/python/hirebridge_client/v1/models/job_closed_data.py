from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="JobClosedData")


@_attrs_define
class JobClosedData:
    """A job was closed (`closeJob`, or on v2 `updateJob` with `"status": "closed"`) and takes no
    more applications (`Inactive` in v1's words, `closed` in v2's).

        Attributes:
            job_post_id (int):  Example: 1234.
            closed_at (datetime.datetime):  Example: 2026-05-20T11:00:00Z.
    """

    job_post_id: int
    closed_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        job_post_id = self.job_post_id

        closed_at = self.closed_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "jobPostId": job_post_id,
                "closedAt": closed_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        job_post_id = d.pop("jobPostId")

        closed_at = datetime.datetime.fromisoformat(d.pop("closedAt"))

        job_closed_data = cls(
            job_post_id=job_post_id,
            closed_at=closed_at,
        )

        job_closed_data.additional_properties = d
        return job_closed_data

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
