from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="CandidateCreate")


@_attrs_define
class CandidateCreate:
    """A new talent-pool record. Text fields may not contain NUL characters.

    Attributes:
        full_name (str):
        email (str):
        phone (str | Unset):
        headline (str | Unset):
        summary (str | Unset):
        cv_text (str | Unset):
        skills (list[str] | Unset):
        city (str | Unset):
        country_id (int | Unset): A country, by its international calling code (44 is the United Kingdom, 971 the United
            Arab
            Emirates; the United States and Canada share 1).
             Example: 44.
        preferred_country_ids (list[int] | Unset):
        last_active_at (datetime.datetime | Unset): When the candidate was last active; defaults to now.
    """

    full_name: str
    email: str
    phone: str | Unset = UNSET
    headline: str | Unset = UNSET
    summary: str | Unset = UNSET
    cv_text: str | Unset = UNSET
    skills: list[str] | Unset = UNSET
    city: str | Unset = UNSET
    country_id: int | Unset = UNSET
    preferred_country_ids: list[int] | Unset = UNSET
    last_active_at: datetime.datetime | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        full_name = self.full_name

        email = self.email

        phone = self.phone

        headline = self.headline

        summary = self.summary

        cv_text = self.cv_text

        skills: list[str] | Unset = UNSET
        if not isinstance(self.skills, Unset):
            skills = self.skills

        city = self.city

        country_id = self.country_id

        preferred_country_ids: list[int] | Unset = UNSET
        if not isinstance(self.preferred_country_ids, Unset):
            preferred_country_ids = self.preferred_country_ids

        last_active_at: str | Unset = UNSET
        if not isinstance(self.last_active_at, Unset):
            last_active_at = self.last_active_at.isoformat()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "fullName": full_name,
                "email": email,
            }
        )
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
        full_name = d.pop("fullName")

        email = d.pop("email")

        phone = d.pop("phone", UNSET)

        headline = d.pop("headline", UNSET)

        summary = d.pop("summary", UNSET)

        cv_text = d.pop("cvText", UNSET)

        skills = cast(list[str], d.pop("skills", UNSET))

        city = d.pop("city", UNSET)

        country_id = d.pop("countryId", UNSET)

        preferred_country_ids = cast(list[int], d.pop("preferredCountryIds", UNSET))

        _last_active_at = d.pop("lastActiveAt", UNSET)
        last_active_at: datetime.datetime | Unset
        if isinstance(_last_active_at, Unset):
            last_active_at = UNSET
        else:
            last_active_at = datetime.datetime.fromisoformat(_last_active_at)

        candidate_create = cls(
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

        return candidate_create
