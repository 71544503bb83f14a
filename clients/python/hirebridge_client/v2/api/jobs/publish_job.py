from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error import Error
from ...models.job_response import JobResponse
from ...models.publish_request import PublishRequest
from ...types import UNSET, Response, Unset


def _get_kwargs(
    job_id: int,
    *,
    body: PublishRequest | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(idempotency_key, Unset):
        headers["Idempotency-Key"] = idempotency_key

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/jobs/{job_id}/publish".format(
            job_id=quote(str(job_id), safe=""),
        ),
    }

    if not isinstance(body, Unset):
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
    job_id: int,
    *,
    client: AuthenticatedClient,
    body: PublishRequest | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
) -> Response[Any | Error | JobResponse]:
    """Publish a draft job

     Moves a `draft` job to `open`, sets `postedDate` to now and `expiryDate` to the date given
    (default: 30 days from now; it must be in the future and at most 90 days away).
    Costs one `job_posting` credit, charged in the same transaction; without a credit (and
    without an unlimited contract) the answer is `402 no_credits` and nothing changes. A job that
    is not a draft answers `400 invalid_state` and costs nothing.

    Args:
        job_id (int):
        idempotency_key (str | Unset):
        body (PublishRequest | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | Error | JobResponse]
    """

    kwargs = _get_kwargs(
        job_id=job_id,
        body=body,
        idempotency_key=idempotency_key,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    job_id: int,
    *,
    client: AuthenticatedClient,
    body: PublishRequest | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
) -> Any | Error | JobResponse | None:
    """Publish a draft job

     Moves a `draft` job to `open`, sets `postedDate` to now and `expiryDate` to the date given
    (default: 30 days from now; it must be in the future and at most 90 days away).
    Costs one `job_posting` credit, charged in the same transaction; without a credit (and
    without an unlimited contract) the answer is `402 no_credits` and nothing changes. A job that
    is not a draft answers `400 invalid_state` and costs nothing.

    Args:
        job_id (int):
        idempotency_key (str | Unset):
        body (PublishRequest | Unset):

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
        idempotency_key=idempotency_key,
    ).parsed


async def asyncio_detailed(
    job_id: int,
    *,
    client: AuthenticatedClient,
    body: PublishRequest | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
) -> Response[Any | Error | JobResponse]:
    """Publish a draft job

     Moves a `draft` job to `open`, sets `postedDate` to now and `expiryDate` to the date given
    (default: 30 days from now; it must be in the future and at most 90 days away).
    Costs one `job_posting` credit, charged in the same transaction; without a credit (and
    without an unlimited contract) the answer is `402 no_credits` and nothing changes. A job that
    is not a draft answers `400 invalid_state` and costs nothing.

    Args:
        job_id (int):
        idempotency_key (str | Unset):
        body (PublishRequest | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | Error | JobResponse]
    """

    kwargs = _get_kwargs(
        job_id=job_id,
        body=body,
        idempotency_key=idempotency_key,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    job_id: int,
    *,
    client: AuthenticatedClient,
    body: PublishRequest | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
) -> Any | Error | JobResponse | None:
    """Publish a draft job

     Moves a `draft` job to `open`, sets `postedDate` to now and `expiryDate` to the date given
    (default: 30 days from now; it must be in the future and at most 90 days away).
    Costs one `job_posting` credit, charged in the same transaction; without a credit (and
    without an unlimited contract) the answer is `402 no_credits` and nothing changes. A job that
    is not a draft answers `400 invalid_state` and costs nothing.

    Args:
        job_id (int):
        idempotency_key (str | Unset):
        body (PublishRequest | Unset):

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
            idempotency_key=idempotency_key,
        )
    ).parsed
