from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define

from ..models.apply_method import ApplyMethod, check_apply_method
from ..models.employment_type import EmploymentType, check_employment_type
from ..models.remote_type import RemoteType, check_remote_type
from ..types import UNSET, Unset

T = TypeVar("T", bound="JobCreate")


@_attrs_define
class JobCreate:
    """A new job. Text fields may not be blank or contain NUL characters.

    Attributes:
        reference (str):  Example: PL-001.
        title (str):  Example: Senior Platform Engineer.
        description (str):  Example: Build and run the platform our product teams ship on..
        city (str):  Example: London.
        country (str):  Example: United Kingdom.
        employment_type (EmploymentType):
        remote_type (RemoteType):
        apply_method (ApplyMethod): `EmailApply` sends applications to `applyEmailAddress`, `UrlApply` sends candidates
            to
            `applyUrl`, `QuickApply` takes them on the job board.
        apply_email_address (str | Unset): Required when `applyMethod` is `EmailApply`. Example: jobs@example.com.
        apply_url (str | Unset): Required when `applyMethod` is `UrlApply`. Example:
            https://careers.example.com/jobs/pl-001.
        salary_min (float | Unset):  Example: 85000.
        salary_max (float | Unset): Not below `salaryMin`. Example: 105000.
        salary_currency (str | Unset): ISO 4217 code. Example: GBP.
    """

    reference: str
    title: str
    description: str
    city: str
    country: str
    employment_type: EmploymentType
    remote_type: RemoteType
    apply_method: ApplyMethod
    apply_email_address: str | Unset = UNSET
    apply_url: str | Unset = UNSET
    salary_min: float | Unset = UNSET
    salary_max: float | Unset = UNSET
    salary_currency: str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        reference = self.reference

        title = self.title

        description = self.description

        city = self.city

        country = self.country

        employment_type: str = self.employment_type

        remote_type: str = self.remote_type

        apply_method: str = self.apply_method

        apply_email_address = self.apply_email_address

        apply_url = self.apply_url

        salary_min = self.salary_min

        salary_max = self.salary_max

        salary_currency = self.salary_currency

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "reference": reference,
                "title": title,
                "description": description,
                "city": city,
                "country": country,
                "employmentType": employment_type,
                "remoteType": remote_type,
                "applyMethod": apply_method,
            }
        )
        if apply_email_address is not UNSET:
            field_dict["applyEmailAddress"] = apply_email_address
        if apply_url is not UNSET:
            field_dict["applyUrl"] = apply_url
        if salary_min is not UNSET:
            field_dict["salaryMin"] = salary_min
        if salary_max is not UNSET:
            field_dict["salaryMax"] = salary_max
        if salary_currency is not UNSET:
            field_dict["salaryCurrency"] = salary_currency

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        reference = d.pop("reference")

        title = d.pop("title")

        description = d.pop("description")

        city = d.pop("city")

        country = d.pop("country")

        employment_type = check_employment_type(d.pop("employmentType"))

        remote_type = check_remote_type(d.pop("remoteType"))

        apply_method = check_apply_method(d.pop("applyMethod"))

        apply_email_address = d.pop("applyEmailAddress", UNSET)

        apply_url = d.pop("applyUrl", UNSET)

        salary_min = d.pop("salaryMin", UNSET)

        salary_max = d.pop("salaryMax", UNSET)

        salary_currency = d.pop("salaryCurrency", UNSET)

        job_create = cls(
            reference=reference,
            title=title,
            description=description,
            city=city,
            country=country,
            employment_type=employment_type,
            remote_type=remote_type,
            apply_method=apply_method,
            apply_email_address=apply_email_address,
            apply_url=apply_url,
            salary_min=salary_min,
            salary_max=salary_max,
            salary_currency=salary_currency,
        )

        return job_create
