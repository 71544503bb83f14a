from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.application import Application


T = TypeVar("T", bound="ApplicationResponse")


@_attrs_define
class ApplicationResponse:
    """A Application in the success envelope.

    Attributes:
        success (bool):  Example: True.
        data (Application): An application of a candidate to one of your jobs, at a stage of your pipeline. Its `id`
            is what `moveApplication` takes (`PUT /pipeline/candidates/{id}/move`); `candidateId` is
            the person (`getCandidate`).
    """

    success: bool
    data: Application
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        success = self.success

        data = self.data.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "success": success,
                "data": data,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.application import Application

        d = dict(src_dict)
        success = d.pop("success")

        data = Application.from_dict(d.pop("data"))

        application_response = cls(
            success=success,
            data=data,
        )

        application_response.additional_properties = d
        return application_response

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
