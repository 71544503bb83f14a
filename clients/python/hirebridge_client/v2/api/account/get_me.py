from http import HTTPStatus
from typing import Any, cast

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error import Error
from ...models.me_response import MeResponse
from ...types import Response


def _get_kwargs() -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/me",
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Any | Error | MeResponse | None:
    if response.status_code == 200:
        response_200 = MeResponse.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = Error.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = cast(Any, None)
        return response_401

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
) -> Response[Any | Error | MeResponse]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
) -> Response[Any | Error | MeResponse]:
    """The calling key, its employer and its limits

     Who is calling: the key's name, prefix, scopes and expiry, its employer and plan, what
    is left of this minute's rate in this operation's family (`other`, counted with this
    call) and of the employer's monthly request quota. Any valid key may ask: no scope is
    needed. Free (it counts as a request, like every call).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | Error | MeResponse]
    """

    kwargs = _get_kwargs()

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
) -> Any | Error | MeResponse | None:
    """The calling key, its employer and its limits

     Who is calling: the key's name, prefix, scopes and expiry, its employer and plan, what
    is left of this minute's rate in this operation's family (`other`, counted with this
    call) and of the employer's monthly request quota. Any valid key may ask: no scope is
    needed. Free (it counts as a request, like every call).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | Error | MeResponse
    """

    return sync_detailed(
        client=client,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
) -> Response[Any | Error | MeResponse]:
    """The calling key, its employer and its limits

     Who is calling: the key's name, prefix, scopes and expiry, its employer and plan, what
    is left of this minute's rate in this operation's family (`other`, counted with this
    call) and of the employer's monthly request quota. Any valid key may ask: no scope is
    needed. Free (it counts as a request, like every call).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | Error | MeResponse]
    """

    kwargs = _get_kwargs()

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
) -> Any | Error | MeResponse | None:
    """The calling key, its employer and its limits

     Who is calling: the key's name, prefix, scopes and expiry, its employer and plan, what
    is left of this minute's rate in this operation's family (`other`, counted with this
    call) and of the employer's monthly request quota. Any valid key may ask: no scope is
    needed. Free (it counts as a request, like every call).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | Error | MeResponse
    """

    return (
        await asyncio_detailed(
            client=client,
        )
    ).parsed
