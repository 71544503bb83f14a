from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.job_closed_event_type import JobClosedEventType, check_job_closed_event_type

if TYPE_CHECKING:
    from ..models.job_closed_data import JobClosedData


T = TypeVar("T", bound="JobClosedEvent")


@_attrs_define
class JobClosedEvent:
    """
    Attributes:
        id (str): The event's id; the same in every delivery of the event, to every webhook. Example:
            evt_7c4a8d09ca3762af61e59520.
        type_ (JobClosedEventType):
        created_at (datetime.datetime): When the event happened (RFC 3339, UTC, to the second). Example:
            2026-05-03T10:12:00Z.
        data (JobClosedData): A job was closed (`closeJob`, or on v2 `updateJob` with `"status": "closed"`) and takes no
            more applications (`Inactive` in v1's words, `closed` in v2's).
    """

    id: str
    type_: JobClosedEventType
    created_at: datetime.datetime
    data: JobClosedData
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        type_: str = self.type_

        created_at = self.created_at.isoformat()

        data = self.data.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "type": type_,
                "createdAt": created_at,
                "data": data,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.job_closed_data import JobClosedData

        d = dict(src_dict)
        id = d.pop("id")

        type_ = check_job_closed_event_type(d.pop("type"))

        created_at = datetime.datetime.fromisoformat(d.pop("createdAt"))

        data = JobClosedData.from_dict(d.pop("data"))

        job_closed_event = cls(
            id=id,
            type_=type_,
            created_at=created_at,
            data=data,
        )

        job_closed_event.additional_properties = d
        return job_closed_event

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
