"""The v2 operations grouped by resource, each a thin call of the generated layer.

A method takes the operation's path parameters positionally, its query parameters and the
``Idempotency-Key`` as keywords, and a body either as the generated model or as a mapping in the
API's own field names (``{"title": ..., "employmentType": ...}``). It returns the object inside
the success envelope (``data``), or, for a list, the whole page (``data``, ``pagination``); each
list has a ``*_all`` twin that walks every page by cursor. An error status raises the matching
:mod:`hirebridge_client.errors` exception. Field names and enum values come from the generated
models alone, so a change to the document reaches callers through ``make clients``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any, ParamSpec, Protocol, Self, TypeVar
from uuid import UUID

import httpx

from .errors import APIConnectionError, APIError, error_for
from .v2.api.account import get_me
from .v2.api.applications import list_job_applications
from .v2.api.candidates import (
    create_candidate,
    get_candidate,
    list_candidates,
    search_candidates,
    update_candidate,
)
from .v2.api.jobs import close_job, create_job, get_job, list_jobs, publish_job, update_job
from .v2.api.pipeline import list_pipeline_stages, list_stage_candidates, move_application
from .v2.api.webhooks import (
    create_webhook,
    delete_webhook,
    get_webhook,
    list_webhook_deliveries,
    list_webhooks,
    redeliver_webhook_delivery,
    replay_webhook_deliveries,
    rotate_webhook_secret,
    send_test_event,
    update_webhook,
)
from .v2.client import AuthenticatedClient
from .v2.models import (
    Application,
    ApplicationList,
    ApplicationResponse,
    Candidate,
    CandidateCreate,
    CandidateList,
    CandidateResponse,
    CandidateSearchRequest,
    CandidateSearchResult,
    CandidateSearchResults,
    CandidateUpdate,
    Job,
    JobCreate,
    JobList,
    JobResponse,
    JobStatus,
    JobSummary,
    JobUpdate,
    Me,
    MeResponse,
    MoveApplicationRequest,
    Pagination,
    PipelineStage,
    PipelineStageList,
    PublishRequest,
    Webhook,
    WebhookCreate,
    WebhookDelivery,
    WebhookDeliveryList,
    WebhookDeliveryResponse,
    WebhookDeliveryStatus,
    WebhookList,
    WebhookReplayRequest,
    WebhookReplayResult,
    WebhookReplayResultResponse,
    WebhookResponse,
    WebhookSecretRotation,
    WebhookSecretRotationResponse,
    WebhookUpdate,
    WebhookWithSecret,
    WebhookWithSecretResponse,
)
from .v2.types import UNSET, Response, Unset

P = ParamSpec("P")
T = TypeVar("T")
M = TypeVar("M", bound="_Model")
Item = TypeVar("Item")
Item_co = TypeVar("Item_co", covariant=True)


class _Model(Protocol):
    """What every generated model has."""

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self: ...

    def to_dict(self) -> dict[str, Any]: ...


class _Page(Protocol[Item_co]):
    """A page of any v2 list: its items and where the next page starts."""

    @property
    def data(self) -> Sequence[Item_co]: ...

    @property
    def pagination(self) -> Pagination: ...


def as_model(model: type[M], value: M | Mapping[str, Any]) -> M:
    """``value`` as the generated ``model``: as it is, or read from the API's field names.

    A mapping with a field the model does not have is refused here rather than dropped.
    """
    if isinstance(value, model):
        return value
    if not isinstance(value, Mapping):
        raise TypeError(f"expected {model.__name__} or a mapping, got {type(value).__name__}")
    try:
        parsed = model.from_dict(value)
    except KeyError as missing:
        raise ValueError(f"{model.__name__} needs the field {missing}") from None
    unknown = sorted(set(value) - set(parsed.to_dict()))
    if unknown:
        raise ValueError(f"{model.__name__} has no field {', '.join(map(repr, unknown))}")
    return parsed


def send(operation: Callable[P, Response[Any]], *args: P.args, **kwargs: P.kwargs) -> Response[Any]:
    """Call a generated operation; a connection that failed on every attempt raises."""
    try:
        return operation(*args, **kwargs)
    except httpx.TransportError as exc:
        raise APIConnectionError(f"could not reach the Hirebridge API: {exc}") from exc


def expect(response: Response[Any], model: type[T]) -> T:
    """The parsed success body, or the error the response stands for."""
    if 200 <= response.status_code < 300 and isinstance(response.parsed, model):
        return response.parsed
    if 200 <= response.status_code < 300:
        raise APIError(
            f"unexpected {response.status_code} response: expected {model.__name__}",
            status=response.status_code,
            code=None,
            request_id=response.headers.get("X-Request-Id"),
            headers=response.headers,
            body=response.content,
        )
    raise error_for(response.status_code, response.headers, response.content)


def expect_empty(response: Response[Any]) -> None:
    if not 200 <= response.status_code < 300:
        raise error_for(response.status_code, response.headers, response.content)


def walk(fetch: Callable[[str | Unset], _Page[Item]]) -> Iterator[Item]:
    """Every item of a list, page after page, by following ``nextCursor``."""
    cursor: str | Unset = UNSET
    while True:
        page = fetch(cursor)
        yield from page.data
        if not page.pagination.has_more or not page.pagination.next_cursor:
            return
        cursor = page.pagination.next_cursor


class Resource:
    def __init__(self, client: AuthenticatedClient) -> None:
        self._client = client


class Account(Resource):
    """The calling key itself: its name, scopes, employer, plan and what is left of its limits."""

    def me(self) -> Me:
        return expect(send(get_me.sync_detailed, client=self._client), MeResponse).data


class Jobs(Resource):
    """The employer's job postings (``/jobs``)."""

    def list(
        self,
        *,
        status: JobStatus | Unset = UNSET,
        limit: int | Unset = UNSET,
        cursor: str | Unset = UNSET,
    ) -> JobList:
        response = send(
            list_jobs.sync_detailed, client=self._client, status=status, limit=limit, cursor=cursor
        )
        return expect(response, JobList)

    def list_all(
        self, *, status: JobStatus | Unset = UNSET, limit: int | Unset = UNSET
    ) -> Iterator[JobSummary]:
        return walk(lambda cursor: self.list(status=status, limit=limit, cursor=cursor))

    def create(
        self, body: JobCreate | Mapping[str, Any], *, idempotency_key: str | Unset = UNSET
    ) -> Job:
        response = send(
            create_job.sync_detailed,
            client=self._client,
            body=as_model(JobCreate, body),
            idempotency_key=idempotency_key,
        )
        return expect(response, JobResponse).data

    def get(self, job_id: int) -> Job:
        return expect(send(get_job.sync_detailed, job_id, client=self._client), JobResponse).data

    def update(self, job_id: int, body: JobUpdate | Mapping[str, Any]) -> Job:
        response = send(
            update_job.sync_detailed, job_id, client=self._client, body=as_model(JobUpdate, body)
        )
        return expect(response, JobResponse).data

    def close(self, job_id: int) -> Job:
        return expect(send(close_job.sync_detailed, job_id, client=self._client), JobResponse).data

    def publish(
        self,
        job_id: int,
        body: PublishRequest | Mapping[str, Any] | None = None,
        *,
        idempotency_key: str | Unset = UNSET,
    ) -> Job:
        response = send(
            publish_job.sync_detailed,
            job_id,
            client=self._client,
            body=UNSET if body is None else as_model(PublishRequest, body),
            idempotency_key=idempotency_key,
        )
        return expect(response, JobResponse).data


class Applications(Resource):
    """Applications to the employer's jobs (``/jobs/{jobId}/applications``)."""

    def list(
        self,
        job_id: int,
        *,
        stage_id: UUID | Unset = UNSET,
        limit: int | Unset = UNSET,
        cursor: str | Unset = UNSET,
    ) -> ApplicationList:
        response = send(
            list_job_applications.sync_detailed,
            job_id,
            client=self._client,
            stage_id=stage_id,
            limit=limit,
            cursor=cursor,
        )
        return expect(response, ApplicationList)

    def list_all(
        self, job_id: int, *, stage_id: UUID | Unset = UNSET, limit: int | Unset = UNSET
    ) -> Iterator[Application]:
        return walk(lambda cursor: self.list(job_id, stage_id=stage_id, limit=limit, cursor=cursor))


class Candidates(Resource):
    """The talent pool and the CV database (``/candidates``)."""

    def list(self, *, limit: int | Unset = UNSET, cursor: str | Unset = UNSET) -> CandidateList:
        response = send(
            list_candidates.sync_detailed, client=self._client, limit=limit, cursor=cursor
        )
        return expect(response, CandidateList)

    def list_all(self, *, limit: int | Unset = UNSET) -> Iterator[Candidate]:
        return walk(lambda cursor: self.list(limit=limit, cursor=cursor))

    def create(
        self, body: CandidateCreate | Mapping[str, Any], *, idempotency_key: str | Unset = UNSET
    ) -> Candidate:
        response = send(
            create_candidate.sync_detailed,
            client=self._client,
            body=as_model(CandidateCreate, body),
            idempotency_key=idempotency_key,
        )
        return expect(response, CandidateResponse).data

    def get(self, candidate_id: int) -> Candidate:
        """A full profile; unlocking one from the CV database costs a ``cv_download`` credit."""
        response = send(get_candidate.sync_detailed, candidate_id, client=self._client)
        return expect(response, CandidateResponse).data

    def update(self, candidate_id: int, body: CandidateUpdate | Mapping[str, Any]) -> Candidate:
        response = send(
            update_candidate.sync_detailed,
            candidate_id,
            client=self._client,
            body=as_model(CandidateUpdate, body),
        )
        return expect(response, CandidateResponse).data

    def search(
        self,
        body: CandidateSearchRequest | Mapping[str, Any],
        *,
        limit: int | Unset = UNSET,
        cursor: str | Unset = UNSET,
        idempotency_key: str | Unset = UNSET,
    ) -> CandidateSearchResults:
        """One page of masked results; each page costs a ``cv_search`` credit."""
        response = send(
            search_candidates.sync_detailed,
            client=self._client,
            body=as_model(CandidateSearchRequest, body),
            limit=limit,
            cursor=cursor,
            idempotency_key=idempotency_key,
        )
        return expect(response, CandidateSearchResults)

    def search_all(
        self, body: CandidateSearchRequest | Mapping[str, Any], *, limit: int | Unset = UNSET
    ) -> Iterator[CandidateSearchResult]:
        """Every result, page after page: each page is a call and costs a ``cv_search`` credit."""
        request = as_model(CandidateSearchRequest, body)
        return walk(lambda cursor: self.search(request, limit=limit, cursor=cursor))


class Pipeline(Resource):
    """The hiring pipeline's stages and the applications moving through them."""

    def list_stages(
        self, *, limit: int | Unset = UNSET, cursor: str | Unset = UNSET
    ) -> PipelineStageList:
        response = send(
            list_pipeline_stages.sync_detailed, client=self._client, limit=limit, cursor=cursor
        )
        return expect(response, PipelineStageList)

    def list_stages_all(self, *, limit: int | Unset = UNSET) -> Iterator[PipelineStage]:
        return walk(lambda cursor: self.list_stages(limit=limit, cursor=cursor))

    def list_stage_candidates(
        self, stage_id: UUID, *, limit: int | Unset = UNSET, cursor: str | Unset = UNSET
    ) -> ApplicationList:
        response = send(
            list_stage_candidates.sync_detailed,
            stage_id,
            client=self._client,
            limit=limit,
            cursor=cursor,
        )
        return expect(response, ApplicationList)

    def list_stage_candidates_all(
        self, stage_id: UUID, *, limit: int | Unset = UNSET
    ) -> Iterator[Application]:
        return walk(lambda cursor: self.list_stage_candidates(stage_id, limit=limit, cursor=cursor))

    def move(
        self, application_id: int, body: MoveApplicationRequest | Mapping[str, Any]
    ) -> Application:
        response = send(
            move_application.sync_detailed,
            application_id,
            client=self._client,
            body=as_model(MoveApplicationRequest, body),
        )
        return expect(response, ApplicationResponse).data


class Webhooks(Resource):
    """Webhook subscriptions, their secrets and their deliveries (``/webhooks``)."""

    def list(self, *, limit: int | Unset = UNSET, cursor: str | Unset = UNSET) -> WebhookList:
        response = send(
            list_webhooks.sync_detailed, client=self._client, limit=limit, cursor=cursor
        )
        return expect(response, WebhookList)

    def list_all(self, *, limit: int | Unset = UNSET) -> Iterator[Webhook]:
        return walk(lambda cursor: self.list(limit=limit, cursor=cursor))

    def create(
        self, body: WebhookCreate | Mapping[str, Any], *, idempotency_key: str | Unset = UNSET
    ) -> WebhookWithSecret:
        """The new webhook, with its signing secret (shown this once)."""
        response = send(
            create_webhook.sync_detailed,
            client=self._client,
            body=as_model(WebhookCreate, body),
            idempotency_key=idempotency_key,
        )
        return expect(response, WebhookWithSecretResponse).data

    def get(self, webhook_id: int) -> Webhook:
        response = send(get_webhook.sync_detailed, webhook_id, client=self._client)
        return expect(response, WebhookResponse).data

    def update(self, webhook_id: int, body: WebhookUpdate | Mapping[str, Any]) -> Webhook:
        response = send(
            update_webhook.sync_detailed,
            webhook_id,
            client=self._client,
            body=as_model(WebhookUpdate, body),
        )
        return expect(response, WebhookResponse).data

    def delete(self, webhook_id: int) -> None:
        expect_empty(send(delete_webhook.sync_detailed, webhook_id, client=self._client))

    def rotate_secret(
        self, webhook_id: int, *, idempotency_key: str | Unset = UNSET
    ) -> WebhookSecretRotation:
        """A new secret (shown this once); the previous one keeps signing for 24 hours."""
        response = send(
            rotate_webhook_secret.sync_detailed,
            webhook_id,
            client=self._client,
            idempotency_key=idempotency_key,
        )
        return expect(response, WebhookSecretRotationResponse).data

    def send_test_event(
        self, webhook_id: int, *, idempotency_key: str | Unset = UNSET
    ) -> WebhookDelivery:
        response = send(
            send_test_event.sync_detailed,
            webhook_id,
            client=self._client,
            idempotency_key=idempotency_key,
        )
        return expect(response, WebhookDeliveryResponse).data

    def list_deliveries(
        self,
        webhook_id: int,
        *,
        status: WebhookDeliveryStatus | Unset = UNSET,
        limit: int | Unset = UNSET,
        cursor: str | Unset = UNSET,
    ) -> WebhookDeliveryList:
        response = send(
            list_webhook_deliveries.sync_detailed,
            webhook_id,
            client=self._client,
            status=status,
            limit=limit,
            cursor=cursor,
        )
        return expect(response, WebhookDeliveryList)

    def list_deliveries_all(
        self,
        webhook_id: int,
        *,
        status: WebhookDeliveryStatus | Unset = UNSET,
        limit: int | Unset = UNSET,
    ) -> Iterator[WebhookDelivery]:
        return walk(
            lambda cursor: self.list_deliveries(
                webhook_id, status=status, limit=limit, cursor=cursor
            )
        )

    def redeliver(
        self, webhook_id: int, delivery_id: str, *, idempotency_key: str | Unset = UNSET
    ) -> WebhookDelivery:
        response = send(
            redeliver_webhook_delivery.sync_detailed,
            webhook_id,
            delivery_id,
            client=self._client,
            idempotency_key=idempotency_key,
        )
        return expect(response, WebhookDeliveryResponse).data

    def replay(
        self,
        webhook_id: int,
        body: WebhookReplayRequest | Mapping[str, Any],
        *,
        idempotency_key: str | Unset = UNSET,
    ) -> WebhookReplayResult:
        response = send(
            replay_webhook_deliveries.sync_detailed,
            webhook_id,
            client=self._client,
            body=as_model(WebhookReplayRequest, body),
            idempotency_key=idempotency_key,
        )
        return expect(response, WebhookReplayResultResponse).data
