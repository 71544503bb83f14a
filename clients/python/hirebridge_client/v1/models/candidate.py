from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.candidate_source import CandidateSource, check_candidate_source

T = TypeVar("T", bound="Candidate")


@_attrs_define
class Candidate:
    """A full candidate profile, with contact details.

    Attributes:
        id (int):  Example: 12345.
        full_name (str):  Example: Priya Evans.
        email (str):  Example: priya.evans@example.com.
        phone (None | str):  Example: +44 20 7946 0958.
        headline (None | str):  Example: Senior process engineer, HVAC.
        summary (None | str):
        cv_text (None | str): The CV as plain text.
        skills (list[str]):  Example: ['HVAC', 'AutoCAD'].
        city (None | str):  Example: London.
        country_id (int | None): Where the candidate lives, by calling code (see CountryId).
        preferred_country_ids (list[int]): Countries the candidate would work in.
        last_active_at (datetime.datetime): When the candidate was last active on the platform.
        source (CandidateSource): `platform`: a job seeker's own profile in the CV database. `talentPool`: a record your
            organisation created, or a candidate who applied to one of your jobs.
        is_unlocked (bool): True when the full profile is free for you right now.
        unlock_expires_at (datetime.datetime | None): When the current unlock ends (null for your talent pool).
        created_at (datetime.datetime):
        updated_at (datetime.datetime):
    """

    id: int
    full_name: str
    email: str
    phone: None | str
    headline: None | str
    summary: None | str
    cv_text: None | str
    skills: list[str]
    city: None | str
    country_id: int | None
    preferred_country_ids: list[int]
    last_active_at: datetime.datetime
    source: CandidateSource
    is_unlocked: bool
    unlock_expires_at: datetime.datetime | None
    created_at: datetime.datetime
    updated_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        full_name = self.full_name

        email = self.email

        phone: None | str
        phone = self.phone

        headline: None | str
        headline = self.headline

        summary: None | str
        summary = self.summary

        cv_text: None | str
        cv_text = self.cv_text

        skills = self.skills

        city: None | str
        city = self.city

        country_id: int | None
        country_id = self.country_id

        preferred_country_ids = self.preferred_country_ids

        last_active_at = self.last_active_at.isoformat()

        source: str = self.source

        is_unlocked = self.is_unlocked

        unlock_expires_at: None | str
        if isinstance(self.unlock_expires_at, datetime.datetime):
            unlock_expires_at = self.unlock_expires_at.isoformat()
        else:
            unlock_expires_at = self.unlock_expires_at

        created_at = self.created_at.isoformat()

        updated_at = self.updated_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "fullName": full_name,
                "email": email,
                "phone": phone,
                "headline": headline,
                "summary": summary,
                "cvText": cv_text,
                "skills": skills,
                "city": city,
                "countryId": country_id,
                "preferredCountryIds": preferred_country_ids,
                "lastActiveAt": last_active_at,
                "source": source,
                "isUnlocked": is_unlocked,
                "unlockExpiresAt": unlock_expires_at,
                "createdAt": created_at,
                "updatedAt": updated_at,
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

        def _parse_summary(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        summary = _parse_summary(d.pop("summary"))

        def _parse_cv_text(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        cv_text = _parse_cv_text(d.pop("cvText"))

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

        source = check_candidate_source(d.pop("source"))

        is_unlocked = d.pop("isUnlocked")

        def _parse_unlock_expires_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                unlock_expires_at_type_0 = datetime.datetime.fromisoformat(data)

                return unlock_expires_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        unlock_expires_at = _parse_unlock_expires_at(d.pop("unlockExpiresAt"))

        created_at = datetime.datetime.fromisoformat(d.pop("createdAt"))

        updated_at = datetime.datetime.fromisoformat(d.pop("updatedAt"))

        candidate = cls(
            id=id,
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
            source=source,
            is_unlocked=is_unlocked,
            unlock_expires_at=unlock_expires_at,
            created_at=created_at,
            updated_at=updated_at,
        )

        candidate.additional_properties = d
        return candidate

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
