from http import HTTPStatus
from typing import Any, cast

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.candidate_search_request import CandidateSearchRequest
from ...models.candidate_search_results import CandidateSearchResults
from ...models.error import Error
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    body: CandidateSearchRequest,
    limit: int | Unset = 20,
    cursor: str | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(idempotency_key, Unset):
        headers["Idempotency-Key"] = idempotency_key

    params: dict[str, Any] = {}

    params["limit"] = limit

    params["cursor"] = cursor

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/candidates/search",
        "params": params,
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Any | CandidateSearchResults | Error | None:
    if response.status_code == 200:
        response_200 = CandidateSearchResults.from_dict(response.json())

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
) -> Response[Any | CandidateSearchResults | Error]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: CandidateSearchRequest,
    limit: int | Unset = 20,
    cursor: str | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
) -> Response[Any | CandidateSearchResults | Error]:
    """Search the CV database

     Boolean search (see "CV search query language" above) over the platform's CV database and
    the records your organisation created (applicants who are not in the CV database are
    listed by `listCandidates` and `listJobApplications` instead). Order: the 1,000 most
    recently active matches come first, ranked by relevance, then by most recent activity;
    any further matches follow by most recent activity (as with a rescore window). Rows are
    masked: initials instead of the name, no e-mail, phone, summary or CV text; `isUnlocked` tells
    whether `getCandidate` is free for you right now. Costs one `cv_search` credit per call
    (each page is a call), charged only when the search runs: a query refused with
    `invalid_query` costs nothing, and without a credit the answer is `402 no_credits`.
    Only the first 10,000 results can be paged through. `meta.total` counts the matches.

    Words are stemmed with English Snowball, in profiles and queries alike, so a word or a
    quoted word matches all its inflections: `engineer`, `"Engineers"` and `engineering` each
    match profiles saying engineer, engineers, engineering or engineered (and engine, whose
    stem is the same, `engin`). A quoted phrase matches the same words in the same order,
    each in any inflection: `"registered nurses"` finds "Registered Nurse". A wildcard's
    letters are not stemmed: `engineer*` matches every stored word (stem) that begins with
    `engineer`, and `engin`, the stem of `engineer` itself (so it finds what `engineer`
    finds); `analy*` matches analysis, analyst and analytics. A wildcard needs at least
    three letters or digits right before the `*` (`eng*`); `en*` or `node.j*` is refused with
    `400 invalid_query`, free of charge.

    A profile is searched on its headline, summary, skills, city and CV text, in that order,
    up to its first 16,000 words, and only as far as each word's length in bytes (UTF-8) plus
    5, summed, stays within 90,000: about 8,000 words of ordinary English. The rest of a
    longer CV is kept in the record but not searched.

    Paging: send `limit` and `cursor` as query parameters; a cursor belongs to its query and
    filters (the same body; another body with it is `400 invalid_request`), `limit` may change
    from page to page. Each page ranks the matches afresh, so what a walk through the pages
    guarantees is weaker than for the other lists:
    - profiles created after the first page never appear later in the walk;
    - each page resumes right after the last profile of the previous page, found again in the new
      order, and never repeats a profile of the previous page. So profiles leaving the results,
      or arriving in them, before that point do not make the walk repeat or skip others, as long
      as that profile moved at most 50 places between the two calls;
    - a profile whose relevance or recency changes during the walk (its text or activity changed,
      or, with more than 1,000 matches, it entered or left the ranked first 1,000) can move across
      the boundary and be returned twice or not at all. For an exact, complete export, narrow
      the search (fewer than 1,000 matches) and walk it quickly.

    Args:
        limit (int | Unset):  Default: 20.
        cursor (str | Unset):
        idempotency_key (str | Unset):
        body (CandidateSearchRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | CandidateSearchResults | Error]
    """

    kwargs = _get_kwargs(
        body=body,
        limit=limit,
        cursor=cursor,
        idempotency_key=idempotency_key,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    body: CandidateSearchRequest,
    limit: int | Unset = 20,
    cursor: str | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
) -> Any | CandidateSearchResults | Error | None:
    """Search the CV database

     Boolean search (see "CV search query language" above) over the platform's CV database and
    the records your organisation created (applicants who are not in the CV database are
    listed by `listCandidates` and `listJobApplications` instead). Order: the 1,000 most
    recently active matches come first, ranked by relevance, then by most recent activity;
    any further matches follow by most recent activity (as with a rescore window). Rows are
    masked: initials instead of the name, no e-mail, phone, summary or CV text; `isUnlocked` tells
    whether `getCandidate` is free for you right now. Costs one `cv_search` credit per call
    (each page is a call), charged only when the search runs: a query refused with
    `invalid_query` costs nothing, and without a credit the answer is `402 no_credits`.
    Only the first 10,000 results can be paged through. `meta.total` counts the matches.

    Words are stemmed with English Snowball, in profiles and queries alike, so a word or a
    quoted word matches all its inflections: `engineer`, `"Engineers"` and `engineering` each
    match profiles saying engineer, engineers, engineering or engineered (and engine, whose
    stem is the same, `engin`). A quoted phrase matches the same words in the same order,
    each in any inflection: `"registered nurses"` finds "Registered Nurse". A wildcard's
    letters are not stemmed: `engineer*` matches every stored word (stem) that begins with
    `engineer`, and `engin`, the stem of `engineer` itself (so it finds what `engineer`
    finds); `analy*` matches analysis, analyst and analytics. A wildcard needs at least
    three letters or digits right before the `*` (`eng*`); `en*` or `node.j*` is refused with
    `400 invalid_query`, free of charge.

    A profile is searched on its headline, summary, skills, city and CV text, in that order,
    up to its first 16,000 words, and only as far as each word's length in bytes (UTF-8) plus
    5, summed, stays within 90,000: about 8,000 words of ordinary English. The rest of a
    longer CV is kept in the record but not searched.

    Paging: send `limit` and `cursor` as query parameters; a cursor belongs to its query and
    filters (the same body; another body with it is `400 invalid_request`), `limit` may change
    from page to page. Each page ranks the matches afresh, so what a walk through the pages
    guarantees is weaker than for the other lists:
    - profiles created after the first page never appear later in the walk;
    - each page resumes right after the last profile of the previous page, found again in the new
      order, and never repeats a profile of the previous page. So profiles leaving the results,
      or arriving in them, before that point do not make the walk repeat or skip others, as long
      as that profile moved at most 50 places between the two calls;
    - a profile whose relevance or recency changes during the walk (its text or activity changed,
      or, with more than 1,000 matches, it entered or left the ranked first 1,000) can move across
      the boundary and be returned twice or not at all. For an exact, complete export, narrow
      the search (fewer than 1,000 matches) and walk it quickly.

    Args:
        limit (int | Unset):  Default: 20.
        cursor (str | Unset):
        idempotency_key (str | Unset):
        body (CandidateSearchRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | CandidateSearchResults | Error
    """

    return sync_detailed(
        client=client,
        body=body,
        limit=limit,
        cursor=cursor,
        idempotency_key=idempotency_key,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: CandidateSearchRequest,
    limit: int | Unset = 20,
    cursor: str | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
) -> Response[Any | CandidateSearchResults | Error]:
    """Search the CV database

     Boolean search (see "CV search query language" above) over the platform's CV database and
    the records your organisation created (applicants who are not in the CV database are
    listed by `listCandidates` and `listJobApplications` instead). Order: the 1,000 most
    recently active matches come first, ranked by relevance, then by most recent activity;
    any further matches follow by most recent activity (as with a rescore window). Rows are
    masked: initials instead of the name, no e-mail, phone, summary or CV text; `isUnlocked` tells
    whether `getCandidate` is free for you right now. Costs one `cv_search` credit per call
    (each page is a call), charged only when the search runs: a query refused with
    `invalid_query` costs nothing, and without a credit the answer is `402 no_credits`.
    Only the first 10,000 results can be paged through. `meta.total` counts the matches.

    Words are stemmed with English Snowball, in profiles and queries alike, so a word or a
    quoted word matches all its inflections: `engineer`, `"Engineers"` and `engineering` each
    match profiles saying engineer, engineers, engineering or engineered (and engine, whose
    stem is the same, `engin`). A quoted phrase matches the same words in the same order,
    each in any inflection: `"registered nurses"` finds "Registered Nurse". A wildcard's
    letters are not stemmed: `engineer*` matches every stored word (stem) that begins with
    `engineer`, and `engin`, the stem of `engineer` itself (so it finds what `engineer`
    finds); `analy*` matches analysis, analyst and analytics. A wildcard needs at least
    three letters or digits right before the `*` (`eng*`); `en*` or `node.j*` is refused with
    `400 invalid_query`, free of charge.

    A profile is searched on its headline, summary, skills, city and CV text, in that order,
    up to its first 16,000 words, and only as far as each word's length in bytes (UTF-8) plus
    5, summed, stays within 90,000: about 8,000 words of ordinary English. The rest of a
    longer CV is kept in the record but not searched.

    Paging: send `limit` and `cursor` as query parameters; a cursor belongs to its query and
    filters (the same body; another body with it is `400 invalid_request`), `limit` may change
    from page to page. Each page ranks the matches afresh, so what a walk through the pages
    guarantees is weaker than for the other lists:
    - profiles created after the first page never appear later in the walk;
    - each page resumes right after the last profile of the previous page, found again in the new
      order, and never repeats a profile of the previous page. So profiles leaving the results,
      or arriving in them, before that point do not make the walk repeat or skip others, as long
      as that profile moved at most 50 places between the two calls;
    - a profile whose relevance or recency changes during the walk (its text or activity changed,
      or, with more than 1,000 matches, it entered or left the ranked first 1,000) can move across
      the boundary and be returned twice or not at all. For an exact, complete export, narrow
      the search (fewer than 1,000 matches) and walk it quickly.

    Args:
        limit (int | Unset):  Default: 20.
        cursor (str | Unset):
        idempotency_key (str | Unset):
        body (CandidateSearchRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | CandidateSearchResults | Error]
    """

    kwargs = _get_kwargs(
        body=body,
        limit=limit,
        cursor=cursor,
        idempotency_key=idempotency_key,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    body: CandidateSearchRequest,
    limit: int | Unset = 20,
    cursor: str | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
) -> Any | CandidateSearchResults | Error | None:
    """Search the CV database

     Boolean search (see "CV search query language" above) over the platform's CV database and
    the records your organisation created (applicants who are not in the CV database are
    listed by `listCandidates` and `listJobApplications` instead). Order: the 1,000 most
    recently active matches come first, ranked by relevance, then by most recent activity;
    any further matches follow by most recent activity (as with a rescore window). Rows are
    masked: initials instead of the name, no e-mail, phone, summary or CV text; `isUnlocked` tells
    whether `getCandidate` is free for you right now. Costs one `cv_search` credit per call
    (each page is a call), charged only when the search runs: a query refused with
    `invalid_query` costs nothing, and without a credit the answer is `402 no_credits`.
    Only the first 10,000 results can be paged through. `meta.total` counts the matches.

    Words are stemmed with English Snowball, in profiles and queries alike, so a word or a
    quoted word matches all its inflections: `engineer`, `"Engineers"` and `engineering` each
    match profiles saying engineer, engineers, engineering or engineered (and engine, whose
    stem is the same, `engin`). A quoted phrase matches the same words in the same order,
    each in any inflection: `"registered nurses"` finds "Registered Nurse". A wildcard's
    letters are not stemmed: `engineer*` matches every stored word (stem) that begins with
    `engineer`, and `engin`, the stem of `engineer` itself (so it finds what `engineer`
    finds); `analy*` matches analysis, analyst and analytics. A wildcard needs at least
    three letters or digits right before the `*` (`eng*`); `en*` or `node.j*` is refused with
    `400 invalid_query`, free of charge.

    A profile is searched on its headline, summary, skills, city and CV text, in that order,
    up to its first 16,000 words, and only as far as each word's length in bytes (UTF-8) plus
    5, summed, stays within 90,000: about 8,000 words of ordinary English. The rest of a
    longer CV is kept in the record but not searched.

    Paging: send `limit` and `cursor` as query parameters; a cursor belongs to its query and
    filters (the same body; another body with it is `400 invalid_request`), `limit` may change
    from page to page. Each page ranks the matches afresh, so what a walk through the pages
    guarantees is weaker than for the other lists:
    - profiles created after the first page never appear later in the walk;
    - each page resumes right after the last profile of the previous page, found again in the new
      order, and never repeats a profile of the previous page. So profiles leaving the results,
      or arriving in them, before that point do not make the walk repeat or skip others, as long
      as that profile moved at most 50 places between the two calls;
    - a profile whose relevance or recency changes during the walk (its text or activity changed,
      or, with more than 1,000 matches, it entered or left the ranked first 1,000) can move across
      the boundary and be returned twice or not at all. For an exact, complete export, narrow
      the search (fewer than 1,000 matches) and walk it quickly.

    Args:
        limit (int | Unset):  Default: 20.
        cursor (str | Unset):
        idempotency_key (str | Unset):
        body (CandidateSearchRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | CandidateSearchResults | Error
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
            limit=limit,
            cursor=cursor,
            idempotency_key=idempotency_key,
        )
    ).parsed
