"""One credential per call: a request with two keys is refused, and the key that authenticates a
call is the key that is counted, cached and scope-checked."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.apps import Api
from tests.support.factories import SEED_JOB, EmployerFactory, KeyFactory, Tenant


def remaining(response: Any) -> int:
    return int(response.headers["X-RateLimit-Remaining"])


def call(api: Api, headers: list[tuple[str, str]], path: str = "/api/v1/jobs") -> Any:
    """GET ``path`` with exactly these header lines (repeated names stay repeated)."""
    return api.client.get(path, headers=headers)


def assert_refused(response: Any) -> None:
    assert response.status_code == 401, response.text
    assert response.content == b""


@pytest.fixture
def keys(
    api: Api, tenant: Tenant, make_employer: EmployerFactory, make_key: KeyFactory
) -> dict[str, str]:
    """The tenant's full key, a narrow key of the same employer, and a key of another one."""
    _, narrow = make_key(tenant.employer_id, "jobs:read")
    _, other = make_key(make_employer())
    return {"full": tenant.key, "narrow": narrow, "other": other}


@pytest.mark.parametrize(
    ("bearer", "api_key"), [("narrow", "full"), ("full", "narrow"), ("other", "full")]
)
def test_a_bearer_key_and_a_different_api_key_are_refused(
    api: Api, keys: dict[str, str], bearer: str, api_key: str
) -> None:
    before = remaining(call(api, [("X-Api-Key", keys["full"])]))

    response = api.client.post(
        "/api/v1/jobs",
        json=SEED_JOB,
        headers=[("Authorization", f"Bearer {keys[bearer]}"), ("X-Api-Key", keys[api_key])],
    )

    assert_refused(response)
    assert "X-RateLimit-Remaining" not in response.headers
    # Nothing was created, and the refused call was counted for no key.
    assert remaining(call(api, [("X-Api-Key", keys["full"])])) == before - 1
    assert api.get("/api/v1/jobs", key=keys["full"]).json()["total"] == 0
    # The same key in both headers is one credential, counted once; an Authorization header of
    # another scheme carries no key, so the X-Api-Key beside it is the call's credential.
    for calls_so_far, headers in enumerate(
        (
            [("Authorization", f"Bearer {keys['full']}"), ("X-Api-Key", keys["full"])],
            [("Authorization", "Basic dXNlcjpwYXNz"), ("X-Api-Key", keys["full"])],
        ),
        start=3,
    ):
        counted = call(api, headers)
        assert counted.status_code == 200 and remaining(counted) == before - calls_so_far


@pytest.mark.parametrize("header", ["Authorization", "X-Api-Key"])
@pytest.mark.parametrize("second", ["full", "narrow", "other"])
def test_a_credential_header_given_twice_is_refused(
    api: Api, keys: dict[str, str], header: str, second: str
) -> None:
    def line(key: str) -> tuple[str, str]:
        return (header, f"Bearer {key}" if header == "Authorization" else key)

    assert_refused(call(api, [line(keys["full"]), line(keys[second])]))
