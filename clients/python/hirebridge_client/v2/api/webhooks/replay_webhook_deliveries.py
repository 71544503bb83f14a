from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error import Error
from ...models.webhook_replay_request import WebhookReplayRequest
from ...models.webhook_replay_result_response import WebhookReplayResultResponse
from ...types import UNSET, Response, Unset


def _get_kwargs(
    webhook_id: int,
    *,
    body: WebhookReplayRequest,
    idempotency_key: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(idempotency_key, Unset):
        headers["Idempotency-Key"] = idempotency_key

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/webhooks/{webhook_id}/replay".format(
            webhook_id=quote(str(webhook_id), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Any | Error | WebhookReplayResultResponse | None:
    if response.status_code == 202:
        response_202 = WebhookReplayResultResponse.from_dict(response.json())

        return response_202

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
) -> Response[Any | Error | WebhookReplayResultResponse]:
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
    body: WebhookReplayRequest,
    idempotency_key: str | Unset = UNSET,
) -> Response[Any | Error | WebhookReplayResultResponse]:
    """Replay failed deliveries

     Sends again every failed delivery of this webhook created at or after `since`: the dead
    letters, and the deliveries that failed at least once and are waiting for their next retry.
    Each becomes due now with a fresh retry schedule, as with `redeliverWebhookDelivery`;
    deliveries that succeeded, or whose first attempt has not happened or is in progress, are
    left alone. A disabled webhook receives nothing: enable it first (`400 invalid_state`
    otherwise). Free.

    Args:
        webhook_id (int):
        idempotency_key (str | Unset):
        body (WebhookReplayRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | Error | WebhookReplayResultResponse]
    """

    kwargs = _get_kwargs(
        webhook_id=webhook_id,
        body=body,
        idempotency_key=idempotency_key,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    webhook_id: int,
    *,
    client: AuthenticatedClient,
    body: WebhookReplayRequest,
    idempotency_key: str | Unset = UNSET,
) -> Any | Error | WebhookReplayResultResponse | None:
    """Replay failed deliveries

     Sends again every failed delivery of this webhook created at or after `since`: the dead
    letters, and the deliveries that failed at least once and are waiting for their next retry.
    Each becomes due now with a fresh retry schedule, as with `redeliverWebhookDelivery`;
    deliveries that succeeded, or whose first attempt has not happened or is in progress, are
    left alone. A disabled webhook receives nothing: enable it first (`400 invalid_state`
    otherwise). Free.

    Args:
        webhook_id (int):
        idempotency_key (str | Unset):
        body (WebhookReplayRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | Error | WebhookReplayResultResponse
    """

    return sync_detailed(
        webhook_id=webhook_id,
        client=client,
        body=body,
        idempotency_key=idempotency_key,
    ).parsed


async def asyncio_detailed(
    webhook_id: int,
    *,
    client: AuthenticatedClient,
    body: WebhookReplayRequest,
    idempotency_key: str | Unset = UNSET,
) -> Response[Any | Error | WebhookReplayResultResponse]:
    """Replay failed deliveries

     Sends again every failed delivery of this webhook created at or after `since`: the dead
    letters, and the deliveries that failed at least once and are waiting for their next retry.
    Each becomes due now with a fresh retry schedule, as with `redeliverWebhookDelivery`;
    deliveries that succeeded, or whose first attempt has not happened or is in progress, are
    left alone. A disabled webhook receives nothing: enable it first (`400 invalid_state`
    otherwise). Free.

    Args:
        webhook_id (int):
        idempotency_key (str | Unset):
        body (WebhookReplayRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | Error | WebhookReplayResultResponse]
    """

    kwargs = _get_kwargs(
        webhook_id=webhook_id,
        body=body,
        idempotency_key=idempotency_key,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    webhook_id: int,
    *,
    client: AuthenticatedClient,
    body: WebhookReplayRequest,
    idempotency_key: str | Unset = UNSET,
) -> Any | Error | WebhookReplayResultResponse | None:
    """Replay failed deliveries

     Sends again every failed delivery of this webhook created at or after `since`: the dead
    letters, and the deliveries that failed at least once and are waiting for their next retry.
    Each becomes due now with a fresh retry schedule, as with `redeliverWebhookDelivery`;
    deliveries that succeeded, or whose first attempt has not happened or is in progress, are
    left alone. A disabled webhook receives nothing: enable it first (`400 invalid_state`
    otherwise). Free.

    Args:
        webhook_id (int):
        idempotency_key (str | Unset):
        body (WebhookReplayRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | Error | WebhookReplayResultResponse
    """

    return (
        await asyncio_detailed(
            webhook_id=webhook_id,
            client=client,
            body=body,
            idempotency_key=idempotency_key,
        )
    ).parsed
