"""Nothing is believed from a proxy unless configured: by default not even a loopback client may
choose its address or scheme with X-Forwarded-*, and no redirect echoes the request's Host."""

from __future__ import annotations

import secrets

import httpx
import pytest

from conftest import Api, LiveServer
from tests.support.portal import csrf_token


def _sign_in_attempt(client: httpx.Client, forwarded_for: str) -> httpx.Response:
    """A sign-in with an unknown e-mail address, claiming to come from ``forwarded_for``."""
    headers = {"X-Forwarded-For": forwarded_for}
    form = client.get("/portal/sign-in", headers=headers)
    return client.post(
        "/portal/sign-in",
        headers=headers,
        data={
            "email": f"nobody-{secrets.token_hex(6)}@example.com",
            "password": "not the password at all",
            "csrf_token": csrf_token(form.text),
        },
    )


def test_x_forwarded_for_from_loopback_is_not_believed_by_default(
    live_server: LiveServer,
) -> None:
    """The sign-in limit per address (10 a minute by default) counts the real peer, loopback,
    whatever each attempt claims; fresh e-mail addresses keep the per-address limit alone."""
    with httpx.Client(base_url=live_server.base_url) as client:
        statuses = [
            _sign_in_attempt(client, f"203.0.113.{number}").status_code for number in range(12)
        ]
    assert 429 in statuses, statuses


def test_x_forwarded_proto_from_loopback_is_not_believed_by_default(
    live_server: LiveServer,
) -> None:
    response = httpx.get(
        f"{live_server.base_url}/portal/sign-in", headers={"X-Forwarded-Proto": "https"}
    )
    cookie = response.headers["set-cookie"].lower()
    assert "secure" not in [part.strip() for part in cookie.split(";")]


def test_a_configured_proxy_is_believed(edge_server: LiveServer) -> None:
    """The edge server trusts loopback (FORWARDED_ALLOW_IPS=127.0.0.1): the positive control."""
    response = httpx.get(
        f"{edge_server.base_url}/portal/sign-in", headers={"X-Forwarded-Proto": "https"}
    )
    cookie = response.headers["set-cookie"].lower()
    assert "secure" in [part.strip() for part in cookie.split(";")]
    with httpx.Client(base_url=edge_server.base_url) as client:
        statuses = [
            _sign_in_attempt(client, f"198.51.100.{number}").status_code for number in range(6)
        ]
    assert set(statuses) == {400}


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/jobs/",
        "/api/v2/jobs/",
        "/public/v1/jobs/",
        "/swagger/v1",
        "/healthz/live/",
        "/swagger",
        "/portal",
        "/portal/",
        "/api/v1/jobs/?page=2",
    ],
)
def test_redirects_never_name_the_request_host(pg_api: Api, path: str) -> None:
    response = pg_api.client.get(
        path,
        headers={"Host": "evil.example", "X-Forwarded-Host": "evil.example"},
        follow_redirects=False,
    )

    assert response.is_redirect, response.status_code
    location = response.headers["location"]
    assert location.startswith("/") and not location.startswith("//"), location
    assert "evil.example" not in location
