from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="ApplicationStatusChangedData")


@_attrs_define
class ApplicationStatusChangedData:
    """An application moved to another stage of your pipeline.

    Attributes:
        application_id (int):  Example: 88001.
        previous_status (str): The name of the stage it left. Example: New.
        new_status (str): The name of the stage it is at now. Example: Screened.
        changed_at (datetime.datetime):  Example: 2026-05-04T08:30:00Z.
    """

    application_id: int
    previous_status: str
    new_status: str
    changed_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        application_id = self.application_id

        previous_status = self.previous_status

        new_status = self.new_status

        changed_at = self.changed_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "applicationId": application_id,
                "previousStatus": previous_status,
                "newStatus": new_status,
                "changedAt": changed_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        application_id = d.pop("applicationId")

        previous_status = d.pop("previousStatus")

        new_status = d.pop("newStatus")

        changed_at = datetime.datetime.fromisoformat(d.pop("changedAt"))

        application_status_changed_data = cls(
            application_id=application_id,
            previous_status=previous_status,
            new_status=new_status,
            changed_at=changed_at,
        )

        application_status_changed_data.additional_properties = d
        return application_status_changed_data

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
