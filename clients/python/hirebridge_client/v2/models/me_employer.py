from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.me_employer_plan import MeEmployerPlan, check_me_employer_plan

T = TypeVar("T", bound="MeEmployer")


@_attrs_define
class MeEmployer:
    """
    Attributes:
        id (int):  Example: 1.
        name (str):  Example: Acme Recruiting.
        plan (MeEmployerPlan):  Example: professional.
    """

    id: int
    name: str
    plan: MeEmployerPlan
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        name = self.name

        plan: str = self.plan

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "name": name,
                "plan": plan,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        id = d.pop("id")

        name = d.pop("name")

        plan = check_me_employer_plan(d.pop("plan"))

        me_employer = cls(
            id=id,
            name=name,
            plan=plan,
        )

        me_employer.additional_properties = d
        return me_employer

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
