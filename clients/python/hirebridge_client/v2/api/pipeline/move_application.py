from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.application_response import ApplicationResponse
from ...models.error import Error
from ...models.move_application_request import MoveApplicationRequest
from ...types import Response


def _get_kwargs(
    application_id: int,
    *,
    body: MoveApplicationRequest,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "put",
        "url": "/pipeline/candidates/{application_id}/move".format(
            application_id=quote(str(application_id), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Any | ApplicationResponse | Error | None:
    if response.status_code == 200:
        response_200 = ApplicationResponse.from_dict(response.json())

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
) -> Response[Any | ApplicationResponse | Error]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    application_id: int,
    *,
    client: AuthenticatedClient,
    body: MoveApplicationRequest,
) -> Response[Any | ApplicationResponse | Error]:
    """Move an application to another stage

     Moves one application (the path's id is the application's id, as in
    `listJobApplications`) to `stageId`, one of your stages. Applications of closed and
    expired jobs can be moved too. A move fires the `application.status_changed` webhook
    event with the previous and new stage names; moving an application to the stage it is
    already at changes nothing and fires nothing. Free.

    Args:
        application_id (int):
        body (MoveApplicationRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | ApplicationResponse | Error]
    """

    kwargs = _get_kwargs(
        application_id=application_id,
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    application_id: int,
    *,
    client: AuthenticatedClient,
    body: MoveApplicationRequest,
) -> Any | ApplicationResponse | Error | None:
    """Move an application to another stage

     Moves one application (the path's id is the application's id, as in
    `listJobApplications`) to `stageId`, one of your stages. Applications of closed and
    expired jobs can be moved too. A move fires the `application.status_changed` webhook
    event with the previous and new stage names; moving an application to the stage it is
    already at changes nothing and fires nothing. Free.

    Args:
        application_id (int):
        body (MoveApplicationRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | ApplicationResponse | Error
    """

    return sync_detailed(
        application_id=application_id,
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    application_id: int,
    *,
    client: AuthenticatedClient,
    body: MoveApplicationRequest,
) -> Response[Any | ApplicationResponse | Error]:
    """Move an application to another stage

     Moves one application (the path's id is the application's id, as in
    `listJobApplications`) to `stageId`, one of your stages. Applications of closed and
    expired jobs can be moved too. A move fires the `application.status_changed` webhook
    event with the previous and new stage names; moving an application to the stage it is
    already at changes nothing and fires nothing. Free.

    Args:
        application_id (int):
        body (MoveApplicationRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | ApplicationResponse | Error]
    """

    kwargs = _get_kwargs(
        application_id=application_id,
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    application_id: int,
    *,
    client: AuthenticatedClient,
    body: MoveApplicationRequest,
) -> Any | ApplicationResponse | Error | None:
    """Move an application to another stage

     Moves one application (the path's id is the application's id, as in
    `listJobApplications`) to `stageId`, one of your stages. Applications of closed and
    expired jobs can be moved too. A move fires the `application.status_changed` webhook
    event with the previous and new stage names; moving an application to the stage it is
    already at changes nothing and fires nothing. Free.

    Args:
        application_id (int):
        body (MoveApplicationRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | ApplicationResponse | Error
    """

    return (
        await asyncio_detailed(
            application_id=application_id,
            client=client,
            body=body,
        )
    ).parsed
