from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.candidate import Candidate
from ...models.error import Error
from ...types import Response


def _get_kwargs(
    candidate_id: int,
) -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/candidates/{candidate_id}".format(
            candidate_id=quote(str(candidate_id), safe=""),
        ),
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Any | Candidate | Error | None:
    if response.status_code == 200:
        response_200 = Candidate.from_dict(response.json())

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
) -> Response[Any | Candidate | Error]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    candidate_id: int,
    *,
    client: AuthenticatedClient,
) -> Response[Any | Candidate | Error]:
    """Get a full candidate profile

     The full profile with contact details and CV text. Free for candidates in your talent pool
    and for 30 days after you unlocked the candidate; otherwise it costs one `cv_download`
    credit, which unlocks the candidate for the next 30 days (`unlockExpiresAt`). Without a
    credit the answer is `402 no_credits` and nothing is unlocked.

    Args:
        candidate_id (int):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | Candidate | Error]
    """

    kwargs = _get_kwargs(
        candidate_id=candidate_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    candidate_id: int,
    *,
    client: AuthenticatedClient,
) -> Any | Candidate | Error | None:
    """Get a full candidate profile

     The full profile with contact details and CV text. Free for candidates in your talent pool
    and for 30 days after you unlocked the candidate; otherwise it costs one `cv_download`
    credit, which unlocks the candidate for the next 30 days (`unlockExpiresAt`). Without a
    credit the answer is `402 no_credits` and nothing is unlocked.

    Args:
        candidate_id (int):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | Candidate | Error
    """

    return sync_detailed(
        candidate_id=candidate_id,
        client=client,
    ).parsed


async def asyncio_detailed(
    candidate_id: int,
    *,
    client: AuthenticatedClient,
) -> Response[Any | Candidate | Error]:
    """Get a full candidate profile

     The full profile with contact details and CV text. Free for candidates in your talent pool
    and for 30 days after you unlocked the candidate; otherwise it costs one `cv_download`
    credit, which unlocks the candidate for the next 30 days (`unlockExpiresAt`). Without a
    credit the answer is `402 no_credits` and nothing is unlocked.

    Args:
        candidate_id (int):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | Candidate | Error]
    """

    kwargs = _get_kwargs(
        candidate_id=candidate_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    candidate_id: int,
    *,
    client: AuthenticatedClient,
) -> Any | Candidate | Error | None:
    """Get a full candidate profile

     The full profile with contact details and CV text. Free for candidates in your talent pool
    and for 30 days after you unlocked the candidate; otherwise it costs one `cv_download`
    credit, which unlocks the candidate for the next 30 days (`unlockExpiresAt`). Without a
    credit the answer is `402 no_credits` and nothing is unlocked.

    Args:
        candidate_id (int):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | Candidate | Error
    """

    return (
        await asyncio_detailed(
            candidate_id=candidate_id,
            client=client,
        )
    ).parsed
