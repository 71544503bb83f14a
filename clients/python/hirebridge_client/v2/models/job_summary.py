from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.apply_method import ApplyMethod, check_apply_method
from ..models.employment_type import EmploymentType, check_employment_type
from ..models.job_status import JobStatus, check_job_status
from ..models.remote_type import RemoteType, check_remote_type

T = TypeVar("T", bound="JobSummary")


@_attrs_define
class JobSummary:
    """A job as it appears in lists (without its description).

    Attributes:
        id (int):  Example: 1234.
        reference (None | str): Your own reference for the job (for example the ATS's requisition id); null if you
            gave none.
             Example: PL-001.
        title (str):  Example: Senior Platform Engineer.
        location (str): Where the job is, as you wrote it, or `"<city>, <country>"` if you gave those instead.
             Example: London, United Kingdom.
        city (None | str): The city, when known (see "Jobs: words, places and publishing"). Example: London.
        country (None | str): The country, when known. The public job board's country filter finds the job by it;
            a job whose country is null is listed by the board but never by its country filter.
             Example: United Kingdom.
        employment_type (EmploymentType):
        remote_type (RemoteType):
        apply_method (ApplyMethod): `email` sends applications to `applyEmailAddress`, `url` sends candidates to
            `applyUrl`,
            `quick-apply` takes them on the job board.
        apply_email_address (None | str):  Example: jobs@example.com.
        apply_url (None | str):
        salary_min (float | None):  Example: 85000.
        salary_max (float | None):  Example: 105000.
        salary_currency (None | str): ISO 4217 code. Example: GBP.
        status (JobStatus): `draft` (created, not on the job board), `open` (published), `expired` (past its expiry
            date), `closed` (closed by you).
        posted_date (datetime.datetime | None): When the job was published; null for a draft. Example:
            2026-05-02T09:00:00Z.
        expiry_date (datetime.datetime | None): When the job stops being open; null for a draft. Example:
            2026-06-01T00:00:00Z.
        created_at (datetime.datetime):  Example: 2026-05-01T15:30:00Z.
        updated_at (datetime.datetime):  Example: 2026-05-02T09:00:00Z.
    """

    id: int
    reference: None | str
    title: str
    location: str
    city: None | str
    country: None | str
    employment_type: EmploymentType
    remote_type: RemoteType
    apply_method: ApplyMethod
    apply_email_address: None | str
    apply_url: None | str
    salary_min: float | None
    salary_max: float | None
    salary_currency: None | str
    status: JobStatus
    posted_date: datetime.datetime | None
    expiry_date: datetime.datetime | None
    created_at: datetime.datetime
    updated_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        reference: None | str
        reference = self.reference

        title = self.title

        location = self.location

        city: None | str
        city = self.city

        country: None | str
        country = self.country

        employment_type: str = self.employment_type

        remote_type: str = self.remote_type

        apply_method: str = self.apply_method

        apply_email_address: None | str
        apply_email_address = self.apply_email_address

        apply_url: None | str
        apply_url = self.apply_url

        salary_min: float | None
        salary_min = self.salary_min

        salary_max: float | None
        salary_max = self.salary_max

        salary_currency: None | str
        salary_currency = self.salary_currency

        status: str = self.status

        posted_date: None | str
        if isinstance(self.posted_date, datetime.datetime):
            posted_date = self.posted_date.isoformat()
        else:
            posted_date = self.posted_date

        expiry_date: None | str
        if isinstance(self.expiry_date, datetime.datetime):
            expiry_date = self.expiry_date.isoformat()
        else:
            expiry_date = self.expiry_date

        created_at = self.created_at.isoformat()

        updated_at = self.updated_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "reference": reference,
                "title": title,
                "location": location,
                "city": city,
                "country": country,
                "employmentType": employment_type,
                "remoteType": remote_type,
                "applyMethod": apply_method,
                "applyEmailAddress": apply_email_address,
                "applyUrl": apply_url,
                "salaryMin": salary_min,
                "salaryMax": salary_max,
                "salaryCurrency": salary_currency,
                "status": status,
                "postedDate": posted_date,
                "expiryDate": expiry_date,
                "createdAt": created_at,
                "updatedAt": updated_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        id = d.pop("id")

        def _parse_reference(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        reference = _parse_reference(d.pop("reference"))

        title = d.pop("title")

        location = d.pop("location")

        def _parse_city(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        city = _parse_city(d.pop("city"))

        def _parse_country(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        country = _parse_country(d.pop("country"))

        employment_type = check_employment_type(d.pop("employmentType"))

        remote_type = check_remote_type(d.pop("remoteType"))

        apply_method = check_apply_method(d.pop("applyMethod"))

        def _parse_apply_email_address(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        apply_email_address = _parse_apply_email_address(d.pop("applyEmailAddress"))

        def _parse_apply_url(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        apply_url = _parse_apply_url(d.pop("applyUrl"))

        def _parse_salary_min(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        salary_min = _parse_salary_min(d.pop("salaryMin"))

        def _parse_salary_max(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        salary_max = _parse_salary_max(d.pop("salaryMax"))

        def _parse_salary_currency(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        salary_currency = _parse_salary_currency(d.pop("salaryCurrency"))

        status = check_job_status(d.pop("status"))

        def _parse_posted_date(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                posted_date_type_0 = datetime.datetime.fromisoformat(data)

                return posted_date_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        posted_date = _parse_posted_date(d.pop("postedDate"))

        def _parse_expiry_date(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                expiry_date_type_0 = datetime.datetime.fromisoformat(data)

                return expiry_date_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        expiry_date = _parse_expiry_date(d.pop("expiryDate"))

        created_at = datetime.datetime.fromisoformat(d.pop("createdAt"))

        updated_at = datetime.datetime.fromisoformat(d.pop("updatedAt"))

        job_summary = cls(
            id=id,
            reference=reference,
            title=title,
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
            posted_date=posted_date,
            expiry_date=expiry_date,
            created_at=created_at,
            updated_at=updated_at,
        )

        job_summary.additional_properties = d
        return job_summary

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
