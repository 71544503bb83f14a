"""Nothing is believed from a proxy unless configured: by default not even a loopback client may
choose its address or scheme with X-Forwarded-*, and no redirect echoes the request's Host."""

from __future__ import annotations

import secrets

import httpx

from tests.support.apps import Api
from tests.support.live import LiveServer
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


REDIRECTING_PATHS = [
    "/api/v1/jobs/",
    "/api/v2/jobs/",
    "/public/v1/jobs/",
    "/swagger/v1",
    "/healthz/live/",
    "/swagger",
    "/portal",
    "/portal/",
    "/api/v1/jobs/?page=2",
]


def test_redirects_never_name_the_request_host(pg_api: Api) -> None:
    echoed = []
    for path in REDIRECTING_PATHS:
        response = pg_api.client.get(
            path,
            headers={"Host": "evil.example", "X-Forwarded-Host": "evil.example"},
            follow_redirects=False,
        )
        assert response.is_redirect, (path, response.status_code)
        location = response.headers["location"]
        if not location.startswith("/") or location.startswith("//") or "evil" in location:
            echoed.append((path, location))
    assert echoed == []
