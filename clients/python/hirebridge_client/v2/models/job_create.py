from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define

from ..models.apply_method import ApplyMethod, check_apply_method
from ..models.employment_type import EmploymentType, check_employment_type
from ..models.job_create_status import JobCreateStatus, check_job_create_status
from ..models.remote_type import RemoteType, check_remote_type
from ..types import UNSET, Unset

T = TypeVar("T", bound="JobCreate")


@_attrs_define
class JobCreate:
    """A new job: a `title`, a `description`, and a `location` or a `city` and a `country`
    (without either, `400 invalid_request`). Text fields may not be blank or contain NUL
    characters.

        Attributes:
            title (str):  Example: Senior Platform Engineer.
            description (str):  Example: Build and run the platform our product teams ship on..
            reference (str | Unset):  Example: PL-001.
            location (str | Unset): Where the job is, in free text. Alone, it sets `city` and `country` when its last
                comma-separated part names a known country.
                 Example: Lagos, Nigeria.
            city (str | Unset):  Example: London.
            country (str | Unset):  Example: United Kingdom.
            employment_type (EmploymentType | Unset):  Default: 'full-time'.
            remote_type (RemoteType | Unset):  Default: 'on-site'.
            apply_method (ApplyMethod | Unset): `email` sends applications to `applyEmailAddress`, `url` sends candidates to
                `applyUrl`,
                `quick-apply` takes them on the job board.
                 Default: 'quick-apply'.
            apply_email_address (str | Unset): Required when `applyMethod` is `email`. Example: jobs@example.com.
            apply_url (str | Unset): Required when `applyMethod` is `url`. Example: https://careers.example.com/jobs/pl-001.
            salary_min (float | Unset):  Example: 85000.
            salary_max (float | Unset): Not below `salaryMin`. Example: 105000.
            salary_currency (str | Unset): ISO 4217 code. Example: GBP.
            status (JobCreateStatus | Unset): `draft` creates a draft (free); `open` creates the job and publishes it at
                once, for
                one `job_posting` credit.
                 Default: 'draft'. Example: open.
            expiry_date (datetime.datetime | Unset): With `"status": "open"` only: when the job expires, in the future and
                at most 90 days
                from now. Default: 30 days from now.
    """

    title: str
    description: str
    reference: str | Unset = UNSET
    location: str | Unset = UNSET
    city: str | Unset = UNSET
    country: str | Unset = UNSET
    employment_type: EmploymentType | Unset = "full-time"
    remote_type: RemoteType | Unset = "on-site"
    apply_method: ApplyMethod | Unset = "quick-apply"
    apply_email_address: str | Unset = UNSET
    apply_url: str | Unset = UNSET
    salary_min: float | Unset = UNSET
    salary_max: float | Unset = UNSET
    salary_currency: str | Unset = UNSET
    status: JobCreateStatus | Unset = "draft"
    expiry_date: datetime.datetime | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        title = self.title

        description = self.description

        reference = self.reference

        location = self.location

        city = self.city

        country = self.country

        employment_type: str | Unset = UNSET
        if not isinstance(self.employment_type, Unset):
            employment_type = self.employment_type

        remote_type: str | Unset = UNSET
        if not isinstance(self.remote_type, Unset):
            remote_type = self.remote_type

        apply_method: str | Unset = UNSET
        if not isinstance(self.apply_method, Unset):
            apply_method = self.apply_method

        apply_email_address = self.apply_email_address

        apply_url = self.apply_url

        salary_min = self.salary_min

        salary_max = self.salary_max

        salary_currency = self.salary_currency

        status: str | Unset = UNSET
        if not isinstance(self.status, Unset):
            status = self.status

        expiry_date: str | Unset = UNSET
        if not isinstance(self.expiry_date, Unset):
            expiry_date = self.expiry_date.isoformat()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "title": title,
                "description": description,
            }
        )
        if reference is not UNSET:
            field_dict["reference"] = reference
        if location is not UNSET:
            field_dict["location"] = location
        if city is not UNSET:
            field_dict["city"] = city
        if country is not UNSET:
            field_dict["country"] = country
        if employment_type is not UNSET:
            field_dict["employmentType"] = employment_type
        if remote_type is not UNSET:
            field_dict["remoteType"] = remote_type
        if apply_method is not UNSET:
            field_dict["applyMethod"] = apply_method
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
        if status is not UNSET:
            field_dict["status"] = status
        if expiry_date is not UNSET:
            field_dict["expiryDate"] = expiry_date

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        title = d.pop("title")

        description = d.pop("description")

        reference = d.pop("reference", UNSET)

        location = d.pop("location", UNSET)

        city = d.pop("city", UNSET)

        country = d.pop("country", UNSET)

        _employment_type = d.pop("employmentType", UNSET)
        employment_type: EmploymentType | Unset
        if isinstance(_employment_type, Unset):
            employment_type = UNSET
        else:
            employment_type = check_employment_type(_employment_type)

        _remote_type = d.pop("remoteType", UNSET)
        remote_type: RemoteType | Unset
        if isinstance(_remote_type, Unset):
            remote_type = UNSET
        else:
            remote_type = check_remote_type(_remote_type)

        _apply_method = d.pop("applyMethod", UNSET)
        apply_method: ApplyMethod | Unset
        if isinstance(_apply_method, Unset):
            apply_method = UNSET
        else:
            apply_method = check_apply_method(_apply_method)

        apply_email_address = d.pop("applyEmailAddress", UNSET)

        apply_url = d.pop("applyUrl", UNSET)

        salary_min = d.pop("salaryMin", UNSET)

        salary_max = d.pop("salaryMax", UNSET)

        salary_currency = d.pop("salaryCurrency", UNSET)

        _status = d.pop("status", UNSET)
        status: JobCreateStatus | Unset
        if isinstance(_status, Unset):
            status = UNSET
        else:
            status = check_job_create_status(_status)

        _expiry_date = d.pop("expiryDate", UNSET)
        expiry_date: datetime.datetime | Unset
        if isinstance(_expiry_date, Unset):
            expiry_date = UNSET
        else:
            expiry_date = datetime.datetime.fromisoformat(_expiry_date)

        job_create = cls(
            title=title,
            description=description,
            reference=reference,
            location=location,
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
            status=status,
            expiry_date=expiry_date,
        )

        return job_create
