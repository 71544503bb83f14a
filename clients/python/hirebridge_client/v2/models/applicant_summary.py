from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="ApplicantSummary")


@_attrs_define
class ApplicantSummary:
    """The applicant. Applicants are in your talent pool, so their contact details are shown
    and `getCandidate` is free for them.

        Attributes:
            id (int):  Example: 5012.
            full_name (str):  Example: Priya Evans.
            email (str):  Example: priya.evans@example.com.
            phone (None | str):  Example: +44 20 7946 0958.
            headline (None | str):  Example: Senior process engineer, HVAC.
            city (None | str):  Example: London.
            country_id (int | None):  Example: 44.
    """

    id: int
    full_name: str
    email: str
    phone: None | str
    headline: None | str
    city: None | str
    country_id: int | None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        full_name = self.full_name

        email = self.email

        phone: None | str
        phone = self.phone

        headline: None | str
        headline = self.headline

        city: None | str
        city = self.city

        country_id: int | None
        country_id = self.country_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "fullName": full_name,
                "email": email,
                "phone": phone,
                "headline": headline,
                "city": city,
                "countryId": country_id,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        id = d.pop("id")

        full_name = d.pop("fullName")

        email = d.pop("email")

        def _parse_phone(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        phone = _parse_phone(d.pop("phone"))

        def _parse_headline(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        headline = _parse_headline(d.pop("headline"))

        def _parse_city(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        city = _parse_city(d.pop("city"))

        def _parse_country_id(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        country_id = _parse_country_id(d.pop("countryId"))

        applicant_summary = cls(
            id=id,
            full_name=full_name,
            email=email,
            phone=phone,
            headline=headline,
            city=city,
            country_id=country_id,
        )

        applicant_summary.additional_properties = d
        return applicant_summary

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
