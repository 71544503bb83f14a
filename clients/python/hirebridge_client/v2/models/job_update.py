from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define

from ..models.apply_method import ApplyMethod, check_apply_method
from ..models.employment_type import EmploymentType, check_employment_type
from ..models.job_status import JobStatus, check_job_status
from ..models.remote_type import RemoteType, check_remote_type
from ..types import UNSET, Unset

T = TypeVar("T", bound="JobUpdate")


@_attrs_define
class JobUpdate:
    """The fields to change; at least one. `null` clears an optional field.

    Attributes:
        reference (None | str | Unset):
        title (str | Unset):
        description (str | Unset):
        location (str | Unset):
        city (str | Unset):
        country (str | Unset):
        employment_type (EmploymentType | Unset):
        remote_type (RemoteType | Unset):
        apply_method (ApplyMethod | Unset): `email` sends applications to `applyEmailAddress`, `url` sends candidates to
            `applyUrl`,
            `quick-apply` takes them on the job board.
        apply_email_address (None | str | Unset):
        apply_url (None | str | Unset):
        salary_min (float | None | Unset):
        salary_max (float | None | Unset):
        salary_currency (None | str | Unset):
        status (JobStatus | Unset): `draft` (created, not on the job board), `open` (published), `expired` (past its
            expiry
            date), `closed` (closed by you).
    """

    reference: None | str | Unset = UNSET
    title: str | Unset = UNSET
    description: str | Unset = UNSET
    location: str | Unset = UNSET
    city: str | Unset = UNSET
    country: str | Unset = UNSET
    employment_type: EmploymentType | Unset = UNSET
    remote_type: RemoteType | Unset = UNSET
    apply_method: ApplyMethod | Unset = UNSET
    apply_email_address: None | str | Unset = UNSET
    apply_url: None | str | Unset = UNSET
    salary_min: float | None | Unset = UNSET
    salary_max: float | None | Unset = UNSET
    salary_currency: None | str | Unset = UNSET
    status: JobStatus | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        reference: None | str | Unset
        if isinstance(self.reference, Unset):
            reference = UNSET
        else:
            reference = self.reference

        title = self.title

        description = self.description

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

        apply_email_address: None | str | Unset
        if isinstance(self.apply_email_address, Unset):
            apply_email_address = UNSET
        else:
            apply_email_address = self.apply_email_address

        apply_url: None | str | Unset
        if isinstance(self.apply_url, Unset):
            apply_url = UNSET
        else:
            apply_url = self.apply_url

        salary_min: float | None | Unset
        if isinstance(self.salary_min, Unset):
            salary_min = UNSET
        else:
            salary_min = self.salary_min

        salary_max: float | None | Unset
        if isinstance(self.salary_max, Unset):
            salary_max = UNSET
        else:
            salary_max = self.salary_max

        salary_currency: None | str | Unset
        if isinstance(self.salary_currency, Unset):
            salary_currency = UNSET
        else:
            salary_currency = self.salary_currency

        status: str | Unset = UNSET
        if not isinstance(self.status, Unset):
            status = self.status

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if reference is not UNSET:
            field_dict["reference"] = reference
        if title is not UNSET:
            field_dict["title"] = title
        if description is not UNSET:
            field_dict["description"] = description
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

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)

        def _parse_reference(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        reference = _parse_reference(d.pop("reference", UNSET))

        title = d.pop("title", UNSET)

        description = d.pop("description", UNSET)

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

        def _parse_apply_email_address(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        apply_email_address = _parse_apply_email_address(d.pop("applyEmailAddress", UNSET))

        def _parse_apply_url(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        apply_url = _parse_apply_url(d.pop("applyUrl", UNSET))

        def _parse_salary_min(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        salary_min = _parse_salary_min(d.pop("salaryMin", UNSET))

        def _parse_salary_max(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        salary_max = _parse_salary_max(d.pop("salaryMax", UNSET))

        def _parse_salary_currency(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        salary_currency = _parse_salary_currency(d.pop("salaryCurrency", UNSET))

        _status = d.pop("status", UNSET)
        status: JobStatus | Unset
        if isinstance(_status, Unset):
            status = UNSET
        else:
            status = check_job_status(_status)

        job_update = cls(
            reference=reference,
            title=title,
            description=description,
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
        )

        return job_update
