from http import HTTPStatus
from typing import Any, cast

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error import Error
from ...models.job_create import JobCreate
from ...models.job_response import JobResponse
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    body: JobCreate,
    idempotency_key: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(idempotency_key, Unset):
        headers["Idempotency-Key"] = idempotency_key

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/jobs",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Any | Error | JobResponse | None:
    if response.status_code == 201:
        response_201 = JobResponse.from_dict(response.json())

        return response_201

    if response.status_code == 400:
        response_400 = Error.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = cast(Any, None)
        return response_401

    if response.status_code == 402:
        response_402 = Error.from_dict(response.json())

        return response_402

    if response.status_code == 403:
        response_403 = Error.from_dict(response.json())

        return response_403

    if response.status_code == 409:
        response_409 = Error.from_dict(response.json())

        return response_409

    if response.status_code == 413:
        response_413 = Error.from_dict(response.json())

        return response_413

    if response.status_code == 415:
        response_415 = Error.from_dict(response.json())

        return response_415

    if response.status_code == 422:
        response_422 = Error.from_dict(response.json())

        return response_422

    if response.status_code == 429:
        response_429 = Error.from_dict(response.json())

        return response_429

    if response.status_code == 500:
        response_500 = Error.from_dict(response.json())

        return response_500

    if response.status_code == 503:
        response_503 = Error.from_dict(response.json())

        return response_503

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[Any | Error | JobResponse]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: JobCreate,
    idempotency_key: str | Unset = UNSET,
) -> Response[Any | Error | JobResponse]:
    """Create a job, as a draft or open at once

     Creates a job from a `title`, a `description` and a place (`location`, or `city` and
    `country`; see "Jobs: words, places and publishing" above). `applyEmailAddress` is
    required when `applyMethod` is `email`, and `applyUrl` when it is `url`; `salaryMax` may
    not be below `salaryMin`. The response's `Location` header is the job's URL.

    With `"status": "draft"` (the default) the job is a draft, and creating it is free. With
    `"status": "open"` it is created and published in one transaction, as `publishJob` would
    publish it (`expiryDate` as there: default 30 days from now, at most 90), and costs one
    `job_posting` credit; without a credit (and without an unlimited contract) the answer is
    `402 no_credits` and no job is created. `expiryDate` is only taken with `"status":
    "open"`. Both fire the webhook events of what happened (`job.published` for an open job).
    With an `Idempotency-Key`, a retry returns the first answer and charges nothing again.

    Args:
        idempotency_key (str | Unset):
        body (JobCreate): A new job: a `title`, a `description`, and a `location` or a `city` and
            a `country`
            (without either, `400 invalid_request`). Text fields may not be blank or contain NUL
            characters.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | Error | JobResponse]
    """

    kwargs = _get_kwargs(
        body=body,
        idempotency_key=idempotency_key,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    body: JobCreate,
    idempotency_key: str | Unset = UNSET,
) -> Any | Error | JobResponse | None:
    """Create a job, as a draft or open at once

     Creates a job from a `title`, a `description` and a place (`location`, or `city` and
    `country`; see "Jobs: words, places and publishing" above). `applyEmailAddress` is
    required when `applyMethod` is `email`, and `applyUrl` when it is `url`; `salaryMax` may
    not be below `salaryMin`. The response's `Location` header is the job's URL.

    With `"status": "draft"` (the default) the job is a draft, and creating it is free. With
    `"status": "open"` it is created and published in one transaction, as `publishJob` would
    publish it (`expiryDate` as there: default 30 days from now, at most 90), and costs one
    `job_posting` credit; without a credit (and without an unlimited contract) the answer is
    `402 no_credits` and no job is created. `expiryDate` is only taken with `"status":
    "open"`. Both fire the webhook events of what happened (`job.published` for an open job).
    With an `Idempotency-Key`, a retry returns the first answer and charges nothing again.

    Args:
        idempotency_key (str | Unset):
        body (JobCreate): A new job: a `title`, a `description`, and a `location` or a `city` and
            a `country`
            (without either, `400 invalid_request`). Text fields may not be blank or contain NUL
            characters.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | Error | JobResponse
    """

    return sync_detailed(
        client=client,
        body=body,
        idempotency_key=idempotency_key,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: JobCreate,
    idempotency_key: str | Unset = UNSET,
) -> Response[Any | Error | JobResponse]:
    """Create a job, as a draft or open at once

     Creates a job from a `title`, a `description` and a place (`location`, or `city` and
    `country`; see "Jobs: words, places and publishing" above). `applyEmailAddress` is
    required when `applyMethod` is `email`, and `applyUrl` when it is `url`; `salaryMax` may
    not be below `salaryMin`. The response's `Location` header is the job's URL.

    With `"status": "draft"` (the default) the job is a draft, and creating it is free. With
    `"status": "open"` it is created and published in one transaction, as `publishJob` would
    publish it (`expiryDate` as there: default 30 days from now, at most 90), and costs one
    `job_posting` credit; without a credit (and without an unlimited contract) the answer is
    `402 no_credits` and no job is created. `expiryDate` is only taken with `"status":
    "open"`. Both fire the webhook events of what happened (`job.published` for an open job).
    With an `Idempotency-Key`, a retry returns the first answer and charges nothing again.

    Args:
        idempotency_key (str | Unset):
        body (JobCreate): A new job: a `title`, a `description`, and a `location` or a `city` and
            a `country`
            (without either, `400 invalid_request`). Text fields may not be blank or contain NUL
            characters.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | Error | JobResponse]
    """

    kwargs = _get_kwargs(
        body=body,
        idempotency_key=idempotency_key,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    body: JobCreate,
    idempotency_key: str | Unset = UNSET,
) -> Any | Error | JobResponse | None:
    """Create a job, as a draft or open at once

     Creates a job from a `title`, a `description` and a place (`location`, or `city` and
    `country`; see "Jobs: words, places and publishing" above). `applyEmailAddress` is
    required when `applyMethod` is `email`, and `applyUrl` when it is `url`; `salaryMax` may
    not be below `salaryMin`. The response's `Location` header is the job's URL.

    With `"status": "draft"` (the default) the job is a draft, and creating it is free. With
    `"status": "open"` it is created and published in one transaction, as `publishJob` would
    publish it (`expiryDate` as there: default 30 days from now, at most 90), and costs one
    `job_posting` credit; without a credit (and without an unlimited contract) the answer is
    `402 no_credits` and no job is created. `expiryDate` is only taken with `"status":
    "open"`. Both fire the webhook events of what happened (`job.published` for an open job).
    With an `Idempotency-Key`, a retry returns the first answer and charges nothing again.

    Args:
        idempotency_key (str | Unset):
        body (JobCreate): A new job: a `title`, a `description`, and a `location` or a `city` and
            a `country`
            (without either, `400 invalid_request`). Text fields may not be blank or contain NUL
            characters.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | Error | JobResponse
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
            idempotency_key=idempotency_key,
        )
    ).parsed
