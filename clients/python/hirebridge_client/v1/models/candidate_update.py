from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="CandidateUpdate")


@_attrs_define
class CandidateUpdate:
    """The fields to change; at least one. `null` clears an optional field.

    Attributes:
        full_name (str | Unset):
        email (str | Unset):
        phone (None | str | Unset):
        headline (None | str | Unset):
        summary (None | str | Unset):
        cv_text (None | str | Unset):
        skills (list[str] | Unset):
        city (None | str | Unset):
        country_id (int | None | Unset): Where the candidate lives, by calling code (see CountryId).
        preferred_country_ids (list[int] | Unset):
        last_active_at (datetime.datetime | Unset):
    """

    full_name: str | Unset = UNSET
    email: str | Unset = UNSET
    phone: None | str | Unset = UNSET
    headline: None | str | Unset = UNSET
    summary: None | str | Unset = UNSET
    cv_text: None | str | Unset = UNSET
    skills: list[str] | Unset = UNSET
    city: None | str | Unset = UNSET
    country_id: int | None | Unset = UNSET
    preferred_country_ids: list[int] | Unset = UNSET
    last_active_at: datetime.datetime | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        full_name = self.full_name

        email = self.email

        phone: None | str | Unset
        if isinstance(self.phone, Unset):
            phone = UNSET
        else:
            phone = self.phone

        headline: None | str | Unset
        if isinstance(self.headline, Unset):
            headline = UNSET
        else:
            headline = self.headline

        summary: None | str | Unset
        if isinstance(self.summary, Unset):
            summary = UNSET
        else:
            summary = self.summary

        cv_text: None | str | Unset
        if isinstance(self.cv_text, Unset):
            cv_text = UNSET
        else:
            cv_text = self.cv_text

        skills: list[str] | Unset = UNSET
        if not isinstance(self.skills, Unset):
            skills = self.skills

        city: None | str | Unset
        if isinstance(self.city, Unset):
            city = UNSET
        else:
            city = self.city

        country_id: int | None | Unset
        if isinstance(self.country_id, Unset):
            country_id = UNSET
        else:
            country_id = self.country_id

        preferred_country_ids: list[int] | Unset = UNSET
        if not isinstance(self.preferred_country_ids, Unset):
            preferred_country_ids = self.preferred_country_ids

        last_active_at: str | Unset = UNSET
        if not isinstance(self.last_active_at, Unset):
            last_active_at = self.last_active_at.isoformat()

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if full_name is not UNSET:
            field_dict["fullName"] = full_name
        if email is not UNSET:
            field_dict["email"] = email
        if phone is not UNSET:
            field_dict["phone"] = phone
        if headline is not UNSET:
            field_dict["headline"] = headline
        if summary is not UNSET:
            field_dict["summary"] = summary
        if cv_text is not UNSET:
            field_dict["cvText"] = cv_text
        if skills is not UNSET:
            field_dict["skills"] = skills
        if city is not UNSET:
            field_dict["city"] = city
        if country_id is not UNSET:
            field_dict["countryId"] = country_id
        if preferred_country_ids is not UNSET:
            field_dict["preferredCountryIds"] = preferred_country_ids
        if last_active_at is not UNSET:
            field_dict["lastActiveAt"] = last_active_at

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        full_name = d.pop("fullName", UNSET)

        email = d.pop("email", UNSET)

        def _parse_phone(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        phone = _parse_phone(d.pop("phone", UNSET))

        def _parse_headline(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        headline = _parse_headline(d.pop("headline", UNSET))

        def _parse_summary(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        summary = _parse_summary(d.pop("summary", UNSET))

        def _parse_cv_text(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        cv_text = _parse_cv_text(d.pop("cvText", UNSET))

        skills = cast(list[str], d.pop("skills", UNSET))

        def _parse_city(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        city = _parse_city(d.pop("city", UNSET))

        def _parse_country_id(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        country_id = _parse_country_id(d.pop("countryId", UNSET))

        preferred_country_ids = cast(list[int], d.pop("preferredCountryIds", UNSET))

        _last_active_at = d.pop("lastActiveAt", UNSET)
        last_active_at: datetime.datetime | Unset
        if isinstance(_last_active_at, Unset):
            last_active_at = UNSET
        else:
            last_active_at = datetime.datetime.fromisoformat(_last_active_at)

        candidate_update = cls(
            full_name=full_name,
            email=email,
            phone=phone,
            headline=headline,
            summary=summary,
            cv_text=cv_text,
            skills=skills,
            city=city,
            country_id=country_id,
            preferred_country_ids=preferred_country_ids,
            last_active_at=last_active_at,
        )

        return candidate_update
