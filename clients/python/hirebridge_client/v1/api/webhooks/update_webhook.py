from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error import Error
from ...models.webhook import Webhook
from ...models.webhook_update import WebhookUpdate
from ...types import Response


def _get_kwargs(
    webhook_id: int,
    *,
    body: WebhookUpdate,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "put",
        "url": "/webhooks/{webhook_id}".format(
            webhook_id=quote(str(webhook_id), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Any | Error | Webhook | None:
    if response.status_code == 200:
        response_200 = Webhook.from_dict(response.json())

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
) -> Response[Any | Error | Webhook]:
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
    body: WebhookUpdate,
) -> Response[Any | Error | Webhook]:
    """Change a webhook

     Changes any subset of `url`, `events`, `description` (`null` clears it) and `enabled`;
    fields left out keep their values. A new URL is checked like at creation. Disabling a
    webhook stops its deliveries (`disabledReason` says it was done by a user); enabling a
    disabled webhook, whoever disabled it, clears `disabledReason` and resets
    `consecutiveFailures` to 0. The secret does not change (see `rotateWebhookSecret`). Free.

    Args:
        webhook_id (int):
        body (WebhookUpdate): The fields to change; at least one. `null` clears `description`.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | Error | Webhook]
    """

    kwargs = _get_kwargs(
        webhook_id=webhook_id,
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    webhook_id: int,
    *,
    client: AuthenticatedClient,
    body: WebhookUpdate,
) -> Any | Error | Webhook | None:
    """Change a webhook

     Changes any subset of `url`, `events`, `description` (`null` clears it) and `enabled`;
    fields left out keep their values. A new URL is checked like at creation. Disabling a
    webhook stops its deliveries (`disabledReason` says it was done by a user); enabling a
    disabled webhook, whoever disabled it, clears `disabledReason` and resets
    `consecutiveFailures` to 0. The secret does not change (see `rotateWebhookSecret`). Free.

    Args:
        webhook_id (int):
        body (WebhookUpdate): The fields to change; at least one. `null` clears `description`.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | Error | Webhook
    """

    return sync_detailed(
        webhook_id=webhook_id,
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    webhook_id: int,
    *,
    client: AuthenticatedClient,
    body: WebhookUpdate,
) -> Response[Any | Error | Webhook]:
    """Change a webhook

     Changes any subset of `url`, `events`, `description` (`null` clears it) and `enabled`;
    fields left out keep their values. A new URL is checked like at creation. Disabling a
    webhook stops its deliveries (`disabledReason` says it was done by a user); enabling a
    disabled webhook, whoever disabled it, clears `disabledReason` and resets
    `consecutiveFailures` to 0. The secret does not change (see `rotateWebhookSecret`). Free.

    Args:
        webhook_id (int):
        body (WebhookUpdate): The fields to change; at least one. `null` clears `description`.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | Error | Webhook]
    """

    kwargs = _get_kwargs(
        webhook_id=webhook_id,
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    webhook_id: int,
    *,
    client: AuthenticatedClient,
    body: WebhookUpdate,
) -> Any | Error | Webhook | None:
    """Change a webhook

     Changes any subset of `url`, `events`, `description` (`null` clears it) and `enabled`;
    fields left out keep their values. A new URL is checked like at creation. Disabling a
    webhook stops its deliveries (`disabledReason` says it was done by a user); enabling a
    disabled webhook, whoever disabled it, clears `disabledReason` and resets
    `consecutiveFailures` to 0. The secret does not change (see `rotateWebhookSecret`). Free.

    Args:
        webhook_id (int):
        body (WebhookUpdate): The fields to change; at least one. `null` clears `description`.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | Error | Webhook
    """

    return (
        await asyncio_detailed(
            webhook_id=webhook_id,
            client=client,
            body=body,
        )
    ).parsed
