from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="CandidateSearchResult")


@_attrs_define
class CandidateSearchResult:
    """A masked search row (no contact details, no CV text).

    Attributes:
        id (int):  Example: 12345.
        full_name (str): The candidate's initials, masked (`P*** E***`). Example: P*** E***.
        headline (None | str):
        skills (list[str]):
        city (None | str):
        country_id (int | None): Where the candidate lives, by calling code (see CountryId).
        preferred_country_ids (list[int]):
        last_active_at (datetime.datetime):
        is_unlocked (bool): True when `getCandidate` is free for you right now.
    """

    id: int
    full_name: str
    headline: None | str
    skills: list[str]
    city: None | str
    country_id: int | None
    preferred_country_ids: list[int]
    last_active_at: datetime.datetime
    is_unlocked: bool
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        full_name = self.full_name

        headline: None | str
        headline = self.headline

        skills = self.skills

        city: None | str
        city = self.city

        country_id: int | None
        country_id = self.country_id

        preferred_country_ids = self.preferred_country_ids

        last_active_at = self.last_active_at.isoformat()

        is_unlocked = self.is_unlocked

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "fullName": full_name,
                "headline": headline,
                "skills": skills,
                "city": city,
                "countryId": country_id,
                "preferredCountryIds": preferred_country_ids,
                "lastActiveAt": last_active_at,
                "isUnlocked": is_unlocked,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        id = d.pop("id")

        full_name = d.pop("fullName")

        def _parse_headline(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        headline = _parse_headline(d.pop("headline"))

        skills = cast(list[str], d.pop("skills"))

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

        preferred_country_ids = cast(list[int], d.pop("preferredCountryIds"))

        last_active_at = datetime.datetime.fromisoformat(d.pop("lastActiveAt"))

        is_unlocked = d.pop("isUnlocked")

        candidate_search_result = cls(
            id=id,
            full_name=full_name,
            headline=headline,
            skills=skills,
            city=city,
            country_id=country_id,
            preferred_country_ids=preferred_country_ids,
            last_active_at=last_active_at,
            is_unlocked=is_unlocked,
        )

        candidate_search_result.additional_properties = d
        return candidate_search_result

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
