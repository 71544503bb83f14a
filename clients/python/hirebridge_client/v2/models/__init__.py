"""Contains all the data models used in inputs/outputs"""

from .applicant_summary import ApplicantSummary
from .application import Application
from .application_list import ApplicationList
from .application_response import ApplicationResponse
from .application_status_changed_data import ApplicationStatusChangedData
from .application_status_changed_event import ApplicationStatusChangedEvent
from .application_status_changed_event_type import ApplicationStatusChangedEventType
from .application_submitted_data import ApplicationSubmittedData
from .application_submitted_event import ApplicationSubmittedEvent
from .application_submitted_event_type import ApplicationSubmittedEventType
from .application_type import ApplicationType
from .apply_method import ApplyMethod
from .candidate import Candidate
from .candidate_create import CandidateCreate
from .candidate_list import CandidateList
from .candidate_response import CandidateResponse
from .candidate_search_request import CandidateSearchRequest
from .candidate_search_result import CandidateSearchResult
from .candidate_search_results import CandidateSearchResults
from .candidate_search_results_meta import CandidateSearchResultsMeta
from .candidate_source import CandidateSource
from .candidate_update import CandidateUpdate
from .employment_type import EmploymentType
from .error import Error
from .error_detail import ErrorDetail
from .job import Job
from .job_closed_data import JobClosedData
from .job_closed_event import JobClosedEvent
from .job_closed_event_type import JobClosedEventType
from .job_create import JobCreate
from .job_create_status import JobCreateStatus
from .job_expired_data import JobExpiredData
from .job_expired_event import JobExpiredEvent
from .job_expired_event_type import JobExpiredEventType
from .job_list import JobList
from .job_published_data import JobPublishedData
from .job_published_event import JobPublishedEvent
from .job_published_event_type import JobPublishedEventType
from .job_response import JobResponse
from .job_status import JobStatus
from .job_summary import JobSummary
from .job_update import JobUpdate
from .me import Me
from .me_employer import MeEmployer
from .me_employer_plan import MeEmployerPlan
from .me_key import MeKey
from .me_quota import MeQuota
from .me_rate_limit_type_0 import MeRateLimitType0
from .me_rate_limit_type_0_family import MeRateLimitType0Family
from .me_response import MeResponse
from .move_application_request import MoveApplicationRequest
from .pagination import Pagination
from .pipeline_stage import PipelineStage
from .pipeline_stage_list import PipelineStageList
from .publish_request import PublishRequest
from .remote_type import RemoteType
from .subscribable_event_type import SubscribableEventType
from .webhook import Webhook
from .webhook_create import WebhookCreate
from .webhook_delivery import WebhookDelivery
from .webhook_delivery_attempt import WebhookDeliveryAttempt
from .webhook_delivery_list import WebhookDeliveryList
from .webhook_delivery_response import WebhookDeliveryResponse
from .webhook_delivery_status import WebhookDeliveryStatus
from .webhook_event_type import WebhookEventType
from .webhook_list import WebhookList
from .webhook_replay_request import WebhookReplayRequest
from .webhook_replay_result import WebhookReplayResult
from .webhook_replay_result_response import WebhookReplayResultResponse
from .webhook_response import WebhookResponse
from .webhook_secret_rotation import WebhookSecretRotation
from .webhook_secret_rotation_response import WebhookSecretRotationResponse
from .webhook_test_data import WebhookTestData
from .webhook_test_event import WebhookTestEvent
from .webhook_test_event_type import WebhookTestEventType
from .webhook_update import WebhookUpdate
from .webhook_with_secret import WebhookWithSecret
from .webhook_with_secret_response import WebhookWithSecretResponse

__all__ = (
    "ApplicantSummary",
    "Application",
    "ApplicationList",
    "ApplicationResponse",
    "ApplicationStatusChangedData",
    "ApplicationStatusChangedEvent",
    "ApplicationStatusChangedEventType",
    "ApplicationSubmittedData",
    "ApplicationSubmittedEvent",
    "ApplicationSubmittedEventType",
    "ApplicationType",
    "ApplyMethod",
    "Candidate",
    "CandidateCreate",
    "CandidateList",
    "CandidateResponse",
    "CandidateSearchRequest",
    "CandidateSearchResult",
    "CandidateSearchResults",
    "CandidateSearchResultsMeta",
    "CandidateSource",
    "CandidateUpdate",
    "EmploymentType",
    "Error",
    "ErrorDetail",
    "Job",
    "JobClosedData",
    "JobClosedEvent",
    "JobClosedEventType",
    "JobCreate",
    "JobCreateStatus",
    "JobExpiredData",
    "JobExpiredEvent",
    "JobExpiredEventType",
    "JobList",
    "JobPublishedData",
    "JobPublishedEvent",
    "JobPublishedEventType",
    "JobResponse",
    "JobStatus",
    "JobSummary",
    "JobUpdate",
    "Me",
    "MeEmployer",
    "MeEmployerPlan",
    "MeKey",
    "MeQuota",
    "MeRateLimitType0",
    "MeRateLimitType0Family",
    "MeResponse",
    "MoveApplicationRequest",
    "Pagination",
    "PipelineStage",
    "PipelineStageList",
    "PublishRequest",
    "RemoteType",
    "SubscribableEventType",
    "Webhook",
    "WebhookCreate",
    "WebhookDelivery",
    "WebhookDeliveryAttempt",
    "WebhookDeliveryList",
    "WebhookDeliveryResponse",
    "WebhookDeliveryStatus",
    "WebhookEventType",
    "WebhookList",
    "WebhookReplayRequest",
    "WebhookReplayResult",
    "WebhookReplayResultResponse",
    "WebhookResponse",
    "WebhookSecretRotation",
    "WebhookSecretRotationResponse",
    "WebhookTestData",
    "WebhookTestEvent",
    "WebhookTestEventType",
    "WebhookUpdate",
    "WebhookWithSecret",
    "WebhookWithSecretResponse",
)
