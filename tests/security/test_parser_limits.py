"""Parser limits answer 400, never 500, with or without a key; an error message quotes at most
100 characters of what the client sent."""

from __future__ import annotations

import pytest

from tests.security.support import published_job, refusal, send_raw
from tests.support.apps import Api
from tests.support.factories import Tenant

BODY_PATHS = [
    ("PUT", "/api/v1/jobs/{id}"),
    ("PUT", "/api/v2/jobs/{id}"),
    ("POST", "/public/v1/jobs/{id}/apply"),
]
QUOTED_LIMIT = 100


def nested(depth: int) -> str:
    """An object ``depth`` containers deep: the object, then arrays."""
    return '{"title": ' + "[" * (depth - 1) + "]" * (depth - 1) + "}"


@pytest.mark.parametrize(("method", "path"), BODY_PATHS)
@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (nested(65), "nest"),
        (nested(30_000), "nest"),
        ('{"a": ' * 400 + "1" + "}" * 400, "nest"),
        ('{"salaryMin": 1' + "0" * 20 + "}", "digits"),
        ('{"salaryMin": -' + "9" * 21 + "}", "digits"),
        ('{"cvText": ' + "9" * 4_301 + "}", "digits"),
        ('{"cvText": ' + "7" * 50_000 + "}", "digits"),
    ],
    ids=["65-deep", "30000-deep", "objects-400-deep", "21-digits", "negative-21", "4301", "50000"],
)
def test_parser_limits_are_400(
    api: Api, tenant: Tenant, method: str, path: str, body: str, reason: str
) -> None:
    job = published_job(api)

    response = send_raw(api, method, path.format(id=job["id"]), body)

    code, message = refusal(response, 400)
    assert code == "invalid_request" and reason in message
    assert len(message) < 200


def test_the_limits_are_exactly_the_documented_ones(api: Api, tenant: Tenant) -> None:
    job = published_job(api)
    path = f"/api/v1/jobs/{job['id']}"

    # 64 levels and 20 digits parse (the schema then has its say); one more does not.
    _, deep = refusal(send_raw(api, "PUT", path, nested(64)), 400)
    _, too_deep = refusal(send_raw(api, "PUT", path, nested(65)), 400)
    _, long = refusal(send_raw(api, "PUT", path, '{"salaryMax": 99999999999999999999}'), 400)
    _, too_long = refusal(send_raw(api, "PUT", path, '{"salaryMax": 999999999999999999999}'), 400)

    assert "nest" not in deep and "nest at most 64" in too_deep
    assert "digits" not in long and "at most 20 digits" in too_long


TOO_LONG_VALUES = [
    ("PUT", "/api/v1/jobs/{id}", {"title": "x" * 1_000_000}),
    ("PUT", "/api/v2/jobs/{id}", {"title": "y" * 500_000}),
    ("PUT", "/api/v1/jobs/{id}", {"employmentType": "z" * 100_000}),
    ("PUT", "/api/v1/jobs/{id}", {"title": ["w" * 5_000] * 100}),
    ("PUT", "/api/v1/jobs/{id}", {"title": list(range(100_000))}),
    ("PUT", "/api/v1/jobs/{id}", {"k" * 100_000: 1}),
    ("POST", "/public/v1/jobs/{id}/apply", {"fullName": "A", "email": "e" * 60_000}),
    ("POST", "/api/v1/candidates/search", {"query": "*" + "q" * 500}),
    ("POST", "/api/v2/candidates/search", {"query": '"' + "!" * 500 + '"'}),
]


def test_messages_quote_at_most_100_characters_of_a_value(api: Api, tenant: Tenant) -> None:
    job = published_job(api)
    too_long = []
    for method, path, body in TOO_LONG_VALUES:
        url = path.format(id=job["id"])
        response = (
            api.client.request(method, url, json=body)
            if url.startswith("/public/")
            else api.request(method, url, json=body)
        )
        _, message = refusal(response, 400)
        if len(message) >= 400 or any(c * (QUOTED_LIMIT + 1) in message for c in "xyzwkeq!"):
            too_long.append((method, url, len(message), message[:150]))
    assert too_long == []


@pytest.mark.parametrize(
    "query", ["?status=" + "s" * 10_000, "?pageSize=" + "9" * 5_000, "?page=" + "x" * 10_000]
)
def test_query_parameters_are_quoted_short_too(api: Api, tenant: Tenant, query: str) -> None:
    _, message = refusal(api.get("/api/v1/jobs" + query), 400)
    assert len(message) < 400, message[:300]


def test_numbers_in_paths_have_the_same_limit(api: Api, tenant: Tenant) -> None:
    """Routing converts a path id to an integer before validation: past 4,300 digits Python
    refuses, which must not become a 500."""
    wrong = []
    for path in (
        "/api/v1/jobs/" + "9" * 5_000,
        "/api/v2/jobs/" + "9" * 21,
        "/api/v1/jobs/" + "9" * 4_301 + "/applications",
        "/public/v1/jobs/" + "9" * 5_000,
        "/api/v2/webhooks/" + "1" * 4_400 + "/deliveries",
        "/portal/keys/" + "9" * 5_000 + "/revoke",
    ):
        response = api.get(path)
        if response.status_code != 400:
            wrong.append((path[:30], response.status_code))
        else:
            assert "at most 20 digits" in refusal(response, 400)[1]
    assert wrong == []
    # Up to the limit, the document's own rules answer (the id's maximum, or no such job).
    assert api.get("/api/v1/jobs/" + "9" * 20).status_code == 400
    assert api.get("/api/v1/jobs/" + "9" * 18).status_code == 404
