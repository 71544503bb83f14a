from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.application_type import ApplicationType, check_application_type

T = TypeVar("T", bound="ApplicationSubmittedData")


@_attrs_define
class ApplicationSubmittedData:
    """Someone applied to one of your jobs.

    Attributes:
        application_id (int):  Example: 88001.
        job_post_id (int): The job's id. Example: 1234.
        job_title (str): The job's title when the application arrived. Example: Senior Platform Engineer.
        candidate_id (int): The applicant, in your talent pool (`getCandidate` is free). Example: 5012.
        applied_at (datetime.datetime):  Example: 2026-05-03T10:12:00Z.
        application_type (ApplicationType): How the application reached you.
    """

    application_id: int
    job_post_id: int
    job_title: str
    candidate_id: int
    applied_at: datetime.datetime
    application_type: ApplicationType
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        application_id = self.application_id

        job_post_id = self.job_post_id

        job_title = self.job_title

        candidate_id = self.candidate_id

        applied_at = self.applied_at.isoformat()

        application_type: str = self.application_type

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "applicationId": application_id,
                "jobPostId": job_post_id,
                "jobTitle": job_title,
                "candidateId": candidate_id,
                "appliedAt": applied_at,
                "applicationType": application_type,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        application_id = d.pop("applicationId")

        job_post_id = d.pop("jobPostId")

        job_title = d.pop("jobTitle")

        candidate_id = d.pop("candidateId")

        applied_at = datetime.datetime.fromisoformat(d.pop("appliedAt"))

        application_type = check_application_type(d.pop("applicationType"))

        application_submitted_data = cls(
            application_id=application_id,
            job_post_id=job_post_id,
            job_title=job_title,
            candidate_id=candidate_id,
            applied_at=applied_at,
            application_type=application_type,
        )

        application_submitted_data.additional_properties = d
        return application_submitted_data

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
