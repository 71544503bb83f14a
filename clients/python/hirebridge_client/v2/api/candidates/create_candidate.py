from http import HTTPStatus
from typing import Any, cast

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.candidate_create import CandidateCreate
from ...models.candidate_response import CandidateResponse
from ...models.error import Error
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    body: CandidateCreate,
    idempotency_key: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(idempotency_key, Unset):
        headers["Idempotency-Key"] = idempotency_key

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/candidates",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Any | CandidateResponse | Error | None:
    if response.status_code == 201:
        response_201 = CandidateResponse.from_dict(response.json())

        return response_201

    if response.status_code == 400:
        response_400 = Error.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = cast(Any, None)
        return response_401

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
) -> Response[Any | CandidateResponse | Error]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: CandidateCreate,
    idempotency_key: str | Unset = UNSET,
) -> Response[Any | CandidateResponse | Error]:
    """Add a candidate to your talent pool

     Creates a candidate record owned by your organisation and visible only to it (it also
    appears in your own CV searches). E-mail addresses are unique within your talent pool:
    a second record with the same address is `409 conflict`. Free.

    Args:
        idempotency_key (str | Unset):
        body (CandidateCreate): A new talent-pool record. Text fields may not contain NUL
            characters.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | CandidateResponse | Error]
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
    body: CandidateCreate,
    idempotency_key: str | Unset = UNSET,
) -> Any | CandidateResponse | Error | None:
    """Add a candidate to your talent pool

     Creates a candidate record owned by your organisation and visible only to it (it also
    appears in your own CV searches). E-mail addresses are unique within your talent pool:
    a second record with the same address is `409 conflict`. Free.

    Args:
        idempotency_key (str | Unset):
        body (CandidateCreate): A new talent-pool record. Text fields may not contain NUL
            characters.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | CandidateResponse | Error
    """

    return sync_detailed(
        client=client,
        body=body,
        idempotency_key=idempotency_key,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: CandidateCreate,
    idempotency_key: str | Unset = UNSET,
) -> Response[Any | CandidateResponse | Error]:
    """Add a candidate to your talent pool

     Creates a candidate record owned by your organisation and visible only to it (it also
    appears in your own CV searches). E-mail addresses are unique within your talent pool:
    a second record with the same address is `409 conflict`. Free.

    Args:
        idempotency_key (str | Unset):
        body (CandidateCreate): A new talent-pool record. Text fields may not contain NUL
            characters.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | CandidateResponse | Error]
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
    body: CandidateCreate,
    idempotency_key: str | Unset = UNSET,
) -> Any | CandidateResponse | Error | None:
    """Add a candidate to your talent pool

     Creates a candidate record owned by your organisation and visible only to it (it also
    appears in your own CV searches). E-mail addresses are unique within your talent pool:
    a second record with the same address is `409 conflict`. Free.

    Args:
        idempotency_key (str | Unset):
        body (CandidateCreate): A new talent-pool record. Text fields may not contain NUL
            characters.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | CandidateResponse | Error
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
            idempotency_key=idempotency_key,
        )
    ).parsed
