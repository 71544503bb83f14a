from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="PublishRequest")


@_attrs_define
class PublishRequest:
    """
    Attributes:
        expiry_date (datetime.datetime | Unset): When the job expires: in the future and at most 90 days from now.
            Default: 30 days from
            now.
    """

    expiry_date: datetime.datetime | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        expiry_date: str | Unset = UNSET
        if not isinstance(self.expiry_date, Unset):
            expiry_date = self.expiry_date.isoformat()

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if expiry_date is not UNSET:
            field_dict["expiryDate"] = expiry_date

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        _expiry_date = d.pop("expiryDate", UNSET)
        expiry_date: datetime.datetime | Unset
        if isinstance(_expiry_date, Unset):
            expiry_date = UNSET
        else:
            expiry_date = datetime.datetime.fromisoformat(_expiry_date)

        publish_request = cls(
            expiry_date=expiry_date,
        )

        return publish_request
