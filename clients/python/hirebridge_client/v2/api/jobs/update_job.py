from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error import Error
from ...models.job_response import JobResponse
from ...models.job_update import JobUpdate
from ...types import Response


def _get_kwargs(
    job_id: int,
    *,
    body: JobUpdate,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "put",
        "url": "/jobs/{job_id}".format(
            job_id=quote(str(job_id), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Any | Error | JobResponse | None:
    if response.status_code == 200:
        response_200 = JobResponse.from_dict(response.json())

        return response_200

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

    if response.status_code == 404:
        response_404 = Error.from_dict(response.json())

        return response_404

    if response.status_code == 413:
        response_413 = Error.from_dict(response.json())

        return response_413

    if response.status_code == 415:
        response_415 = Error.from_dict(response.json())

        return response_415

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
    job_id: int,
    *,
    client: AuthenticatedClient,
    body: JobUpdate,
) -> Response[Any | Error | JobResponse]:
    """Change some fields of a job

     Changes any subset of the mutable fields; fields left out keep their values, and the
    optional ones (`reference`, `applyEmailAddress`, `applyUrl`, the salary fields) are
    cleared with `null`. The rules of job creation hold for the result; a `location` given
    without `city` and `country` places the job again (they follow it, or become `null`), and
    a `city` or `country` given without `location` makes the location `"<city>, <country>"`.
    Jobs that are `expired` or `closed` cannot be changed (`400 invalid_state`). Free, unless
    it publishes the job.

    `status` moves the job after the change, in the same transaction: `open` publishes a
    draft as `publishJob` does (one `job_posting` credit, `402 no_credits` without one, the
    default expiry of 30 days), `closed` closes the job as `closeJob` does (an `expired` job
    too). The job's own status changes nothing. Any other status is
    `400 invalid_state`.

    Args:
        job_id (int):
        body (JobUpdate): The fields to change; at least one. `null` clears an optional field.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | Error | JobResponse]
    """

    kwargs = _get_kwargs(
        job_id=job_id,
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    job_id: int,
    *,
    client: AuthenticatedClient,
    body: JobUpdate,
) -> Any | Error | JobResponse | None:
    """Change some fields of a job

     Changes any subset of the mutable fields; fields left out keep their values, and the
    optional ones (`reference`, `applyEmailAddress`, `applyUrl`, the salary fields) are
    cleared with `null`. The rules of job creation hold for the result; a `location` given
    without `city` and `country` places the job again (they follow it, or become `null`), and
    a `city` or `country` given without `location` makes the location `"<city>, <country>"`.
    Jobs that are `expired` or `closed` cannot be changed (`400 invalid_state`). Free, unless
    it publishes the job.

    `status` moves the job after the change, in the same transaction: `open` publishes a
    draft as `publishJob` does (one `job_posting` credit, `402 no_credits` without one, the
    default expiry of 30 days), `closed` closes the job as `closeJob` does (an `expired` job
    too). The job's own status changes nothing. Any other status is
    `400 invalid_state`.

    Args:
        job_id (int):
        body (JobUpdate): The fields to change; at least one. `null` clears an optional field.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | Error | JobResponse
    """

    return sync_detailed(
        job_id=job_id,
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    job_id: int,
    *,
    client: AuthenticatedClient,
    body: JobUpdate,
) -> Response[Any | Error | JobResponse]:
    """Change some fields of a job

     Changes any subset of the mutable fields; fields left out keep their values, and the
    optional ones (`reference`, `applyEmailAddress`, `applyUrl`, the salary fields) are
    cleared with `null`. The rules of job creation hold for the result; a `location` given
    without `city` and `country` places the job again (they follow it, or become `null`), and
    a `city` or `country` given without `location` makes the location `"<city>, <country>"`.
    Jobs that are `expired` or `closed` cannot be changed (`400 invalid_state`). Free, unless
    it publishes the job.

    `status` moves the job after the change, in the same transaction: `open` publishes a
    draft as `publishJob` does (one `job_posting` credit, `402 no_credits` without one, the
    default expiry of 30 days), `closed` closes the job as `closeJob` does (an `expired` job
    too). The job's own status changes nothing. Any other status is
    `400 invalid_state`.

    Args:
        job_id (int):
        body (JobUpdate): The fields to change; at least one. `null` clears an optional field.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | Error | JobResponse]
    """

    kwargs = _get_kwargs(
        job_id=job_id,
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    job_id: int,
    *,
    client: AuthenticatedClient,
    body: JobUpdate,
) -> Any | Error | JobResponse | None:
    """Change some fields of a job

     Changes any subset of the mutable fields; fields left out keep their values, and the
    optional ones (`reference`, `applyEmailAddress`, `applyUrl`, the salary fields) are
    cleared with `null`. The rules of job creation hold for the result; a `location` given
    without `city` and `country` places the job again (they follow it, or become `null`), and
    a `city` or `country` given without `location` makes the location `"<city>, <country>"`.
    Jobs that are `expired` or `closed` cannot be changed (`400 invalid_state`). Free, unless
    it publishes the job.

    `status` moves the job after the change, in the same transaction: `open` publishes a
    draft as `publishJob` does (one `job_posting` credit, `402 no_credits` without one, the
    default expiry of 30 days), `closed` closes the job as `closeJob` does (an `expired` job
    too). The job's own status changes nothing. Any other status is
    `400 invalid_state`.

    Args:
        job_id (int):
        body (JobUpdate): The fields to change; at least one. `null` clears an optional field.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | Error | JobResponse
    """

    return (
        await asyncio_detailed(
            job_id=job_id,
            client=client,
            body=body,
        )
    ).parsed
