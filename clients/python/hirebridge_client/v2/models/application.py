from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.application_type import ApplicationType, check_application_type

if TYPE_CHECKING:
    from ..models.applicant_summary import ApplicantSummary
    from ..models.pipeline_stage import PipelineStage


T = TypeVar("T", bound="Application")


@_attrs_define
class Application:
    """An application of a candidate to one of your jobs, at a stage of your pipeline. Its `id`
    is what `moveApplication` takes (`PUT /pipeline/candidates/{id}/move`); `candidateId` is
    the person (`getCandidate`).

        Attributes:
            id (int): The application's id: the `{id}` of `PUT /pipeline/candidates/{id}/move`
                (`moveApplication`) that moves this application to another stage.
                 Example: 88001.
            job_id (int):  Example: 1234.
            job_title (str):  Example: Senior Platform Engineer.
            candidate_id (int): The candidate who applied (for `getCandidate`); not the id a move takes. Example: 5012.
            candidate (ApplicantSummary): The applicant. Applicants are in your talent pool, so their contact details are
                shown
                and `getCandidate` is free for them.
            application_type (ApplicationType): How the application reached you.
            stage (PipelineStage):
            cv_text (None | str): The CV text sent with this application, as plain text (never HTML).
            applied_at (datetime.datetime):  Example: 2026-05-03T10:12:00Z.
            stage_changed_at (datetime.datetime): When the application reached its current stage. Example:
                2026-05-04T08:30:00Z.
    """

    id: int
    job_id: int
    job_title: str
    candidate_id: int
    candidate: ApplicantSummary
    application_type: ApplicationType
    stage: PipelineStage
    cv_text: None | str
    applied_at: datetime.datetime
    stage_changed_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        job_id = self.job_id

        job_title = self.job_title

        candidate_id = self.candidate_id

        candidate = self.candidate.to_dict()

        application_type: str = self.application_type

        stage = self.stage.to_dict()

        cv_text: None | str
        cv_text = self.cv_text

        applied_at = self.applied_at.isoformat()

        stage_changed_at = self.stage_changed_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "jobId": job_id,
                "jobTitle": job_title,
                "candidateId": candidate_id,
                "candidate": candidate,
                "applicationType": application_type,
                "stage": stage,
                "cvText": cv_text,
                "appliedAt": applied_at,
                "stageChangedAt": stage_changed_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.applicant_summary import ApplicantSummary
        from ..models.pipeline_stage import PipelineStage

        d = dict(src_dict)
        id = d.pop("id")

        job_id = d.pop("jobId")

        job_title = d.pop("jobTitle")

        candidate_id = d.pop("candidateId")

        candidate = ApplicantSummary.from_dict(d.pop("candidate"))

        application_type = check_application_type(d.pop("applicationType"))

        stage = PipelineStage.from_dict(d.pop("stage"))

        def _parse_cv_text(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        cv_text = _parse_cv_text(d.pop("cvText"))

        applied_at = datetime.datetime.fromisoformat(d.pop("appliedAt"))

        stage_changed_at = datetime.datetime.fromisoformat(d.pop("stageChangedAt"))

        application = cls(
            id=id,
            job_id=job_id,
            job_title=job_title,
            candidate_id=candidate_id,
            candidate=candidate,
            application_type=application_type,
            stage=stage,
            cv_text=cv_text,
            applied_at=applied_at,
            stage_changed_at=stage_changed_at,
        )

        application.additional_properties = d
        return application

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
