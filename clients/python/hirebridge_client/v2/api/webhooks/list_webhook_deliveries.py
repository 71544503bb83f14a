from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error import Error
from ...models.webhook_delivery_list import WebhookDeliveryList
from ...models.webhook_delivery_status import WebhookDeliveryStatus
from ...types import UNSET, Response, Unset


def _get_kwargs(
    webhook_id: int,
    *,
    status: WebhookDeliveryStatus | Unset = UNSET,
    limit: int | Unset = 20,
    cursor: str | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_status: str | Unset = UNSET
    if not isinstance(status, Unset):
        json_status = status

    params["status"] = json_status

    params["limit"] = limit

    params["cursor"] = cursor

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/webhooks/{webhook_id}/deliveries".format(
            webhook_id=quote(str(webhook_id), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Any | Error | WebhookDeliveryList | None:
    if response.status_code == 200:
        response_200 = WebhookDeliveryList.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = Error.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = cast(Any, None)
        return response_401

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
) -> Response[Any | Error | WebhookDeliveryList]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    webhook_id: int,
    *,
    client: AuthenticatedClient,
    status: WebhookDeliveryStatus | Unset = UNSET,
    limit: int | Unset = 20,
    cursor: str | Unset = UNSET,
) -> Response[Any | Error | WebhookDeliveryList]:
    """List a webhook's deliveries

     The webhook's deliveries, newest first, optionally only those in one status, each with
    every attempt made (oldest first): when, how long it took, and the HTTP status your
    endpoint answered or the error that stopped it. Free.

    Args:
        webhook_id (int):
        status (WebhookDeliveryStatus | Unset): `pending`: waiting for its first attempt or its
            next retry (`nextAttemptAt`);
            `delivering`: an attempt is in progress; `succeeded`: an attempt got a `2xx`; `dead`: all
            nine attempts failed (dead-lettered, can be redelivered).
             Example: pending.
        limit (int | Unset):  Default: 20.
        cursor (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | Error | WebhookDeliveryList]
    """

    kwargs = _get_kwargs(
        webhook_id=webhook_id,
        status=status,
        limit=limit,
        cursor=cursor,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    webhook_id: int,
    *,
    client: AuthenticatedClient,
    status: WebhookDeliveryStatus | Unset = UNSET,
    limit: int | Unset = 20,
    cursor: str | Unset = UNSET,
) -> Any | Error | WebhookDeliveryList | None:
    """List a webhook's deliveries

     The webhook's deliveries, newest first, optionally only those in one status, each with
    every attempt made (oldest first): when, how long it took, and the HTTP status your
    endpoint answered or the error that stopped it. Free.

    Args:
        webhook_id (int):
        status (WebhookDeliveryStatus | Unset): `pending`: waiting for its first attempt or its
            next retry (`nextAttemptAt`);
            `delivering`: an attempt is in progress; `succeeded`: an attempt got a `2xx`; `dead`: all
            nine attempts failed (dead-lettered, can be redelivered).
             Example: pending.
        limit (int | Unset):  Default: 20.
        cursor (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | Error | WebhookDeliveryList
    """

    return sync_detailed(
        webhook_id=webhook_id,
        client=client,
        status=status,
        limit=limit,
        cursor=cursor,
    ).parsed


async def asyncio_detailed(
    webhook_id: int,
    *,
    client: AuthenticatedClient,
    status: WebhookDeliveryStatus | Unset = UNSET,
    limit: int | Unset = 20,
    cursor: str | Unset = UNSET,
) -> Response[Any | Error | WebhookDeliveryList]:
    """List a webhook's deliveries

     The webhook's deliveries, newest first, optionally only those in one status, each with
    every attempt made (oldest first): when, how long it took, and the HTTP status your
    endpoint answered or the error that stopped it. Free.

    Args:
        webhook_id (int):
        status (WebhookDeliveryStatus | Unset): `pending`: waiting for its first attempt or its
            next retry (`nextAttemptAt`);
            `delivering`: an attempt is in progress; `succeeded`: an attempt got a `2xx`; `dead`: all
            nine attempts failed (dead-lettered, can be redelivered).
             Example: pending.
        limit (int | Unset):  Default: 20.
        cursor (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | Error | WebhookDeliveryList]
    """

    kwargs = _get_kwargs(
        webhook_id=webhook_id,
        status=status,
        limit=limit,
        cursor=cursor,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    webhook_id: int,
    *,
    client: AuthenticatedClient,
    status: WebhookDeliveryStatus | Unset = UNSET,
    limit: int | Unset = 20,
    cursor: str | Unset = UNSET,
) -> Any | Error | WebhookDeliveryList | None:
    """List a webhook's deliveries

     The webhook's deliveries, newest first, optionally only those in one status, each with
    every attempt made (oldest first): when, how long it took, and the HTTP status your
    endpoint answered or the error that stopped it. Free.

    Args:
        webhook_id (int):
        status (WebhookDeliveryStatus | Unset): `pending`: waiting for its first attempt or its
            next retry (`nextAttemptAt`);
            `delivering`: an attempt is in progress; `succeeded`: an attempt got a `2xx`; `dead`: all
            nine attempts failed (dead-lettered, can be redelivered).
             Example: pending.
        limit (int | Unset):  Default: 20.
        cursor (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | Error | WebhookDeliveryList
    """

    return (
        await asyncio_detailed(
            webhook_id=webhook_id,
            client=client,
            status=status,
            limit=limit,
            cursor=cursor,
        )
    ).parsed
