from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.application_list import ApplicationList
from ...models.error import Error
from ...types import UNSET, Response, Unset


def _get_kwargs(
    job_id: int,
    *,
    stage_id: UUID | Unset = UNSET,
    page: int | Unset = 1,
    page_size: int | Unset = 50,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_stage_id: str | Unset = UNSET
    if not isinstance(stage_id, Unset):
        json_stage_id = str(stage_id)
    params["stageId"] = json_stage_id

    params["page"] = page

    params["pageSize"] = page_size

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/jobs/{job_id}/applications".format(
            job_id=quote(str(job_id), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Any | ApplicationList | Error | None:
    if response.status_code == 200:
        response_200 = ApplicationList.from_dict(response.json())

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
) -> Response[Any | ApplicationList | Error]:
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
    stage_id: UUID | Unset = UNSET,
    page: int | Unset = 1,
    page_size: int | Unset = 50,
) -> Response[Any | ApplicationList | Error]:
    """List a job's applications

     Applications to one of your jobs, newest first, optionally only those at one pipeline
    stage. Applications stay after a job is closed or expires. Free.

    Args:
        job_id (int):
        stage_id (UUID | Unset):
        page (int | Unset):  Default: 1.
        page_size (int | Unset):  Default: 50.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | ApplicationList | Error]
    """

    kwargs = _get_kwargs(
        job_id=job_id,
        stage_id=stage_id,
        page=page,
        page_size=page_size,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    job_id: int,
    *,
    client: AuthenticatedClient,
    stage_id: UUID | Unset = UNSET,
    page: int | Unset = 1,
    page_size: int | Unset = 50,
) -> Any | ApplicationList | Error | None:
    """List a job's applications

     Applications to one of your jobs, newest first, optionally only those at one pipeline
    stage. Applications stay after a job is closed or expires. Free.

    Args:
        job_id (int):
        stage_id (UUID | Unset):
        page (int | Unset):  Default: 1.
        page_size (int | Unset):  Default: 50.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | ApplicationList | Error
    """

    return sync_detailed(
        job_id=job_id,
        client=client,
        stage_id=stage_id,
        page=page,
        page_size=page_size,
    ).parsed


async def asyncio_detailed(
    job_id: int,
    *,
    client: AuthenticatedClient,
    stage_id: UUID | Unset = UNSET,
    page: int | Unset = 1,
    page_size: int | Unset = 50,
) -> Response[Any | ApplicationList | Error]:
    """List a job's applications

     Applications to one of your jobs, newest first, optionally only those at one pipeline
    stage. Applications stay after a job is closed or expires. Free.

    Args:
        job_id (int):
        stage_id (UUID | Unset):
        page (int | Unset):  Default: 1.
        page_size (int | Unset):  Default: 50.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | ApplicationList | Error]
    """

    kwargs = _get_kwargs(
        job_id=job_id,
        stage_id=stage_id,
        page=page,
        page_size=page_size,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    job_id: int,
    *,
    client: AuthenticatedClient,
    stage_id: UUID | Unset = UNSET,
    page: int | Unset = 1,
    page_size: int | Unset = 50,
) -> Any | ApplicationList | Error | None:
    """List a job's applications

     Applications to one of your jobs, newest first, optionally only those at one pipeline
    stage. Applications stay after a job is closed or expires. Free.

    Args:
        job_id (int):
        stage_id (UUID | Unset):
        page (int | Unset):  Default: 1.
        page_size (int | Unset):  Default: 50.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | ApplicationList | Error
    """

    return (
        await asyncio_detailed(
            job_id=job_id,
            client=client,
            stage_id=stage_id,
            page=page,
            page_size=page_size,
        )
    ).parsed
