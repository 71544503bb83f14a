from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar
from uuid import UUID

from attrs import define as _attrs_define

T = TypeVar("T", bound="MoveApplicationRequest")


@_attrs_define
class MoveApplicationRequest:
    """
    Attributes:
        stage_id (UUID): One of your stages' ids. Example: 6f1c9a3e-8d2b-4c6e-b7a1-2e5d8f9c0a34.
    """

    stage_id: UUID

    def to_dict(self) -> dict[str, Any]:
        stage_id = str(self.stage_id)

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "stageId": stage_id,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        stage_id = UUID(d.pop("stageId"))

        move_application_request = cls(
            stage_id=stage_id,
        )

        return move_application_request
