"""Portal session cookies and CSRF tokens, without a server."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import pytest
from starlette.requests import Request
from starlette.responses import Response

from hirebridge.portal import sessions
from hirebridge.portal.routes import PortalError, _expiry
from hirebridge.portal.sessions import COOKIE_NAME, Session, SessionCookies


def request_with(cookie: str | None = None, scheme: str = "http") -> Request:
    headers = [(b"cookie", f"{COOKIE_NAME}={cookie}".encode())] if cookie else []
    return Request(
        {
            "type": "http",
            "scheme": scheme,
            "server": ("portal.example", 443 if scheme == "https" else 80),
            "path": "/portal/keys",
            "query_string": b"",
            "headers": headers,
        }
    )


def stored(cookies: SessionCookies, session: Session, scheme: str = "http") -> tuple[str, str]:
    """The cookie's value and its whole ``Set-Cookie`` header."""
    response = Response()
    cookies.store(request_with(scheme=scheme), response, session)
    header = response.headers["set-cookie"]
    return header.split(";")[0].split("=", 1)[1], header


def test_a_signed_in_session_round_trips_with_a_new_csrf_token() -> None:
    cookies = SessionCookies("secret")
    anonymous = Session.anonymous()
    signed_in = anonymous.signed_in(7, 3)
    assert signed_in.csrf_token != anonymous.csrf_token
    value, header = stored(cookies, signed_in)
    assert cookies.load(request_with(value)) == signed_in
    assert "HttpOnly" in header and "SameSite=lax" in header and "Path=/portal" in header
    assert "Secure" not in header
    assert "Secure" in stored(cookies, signed_in, "https")[1]


def test_forged_and_foreign_cookies_are_no_session() -> None:
    cookies = SessionCookies("secret")
    value, _ = stored(cookies, Session.anonymous().signed_in(7, 0))
    assert cookies.load(request_with(value[:-3] + "abc")) is None
    assert SessionCookies("another secret").load(request_with(value)) is None
    assert cookies.load(request_with("not-even-signed")) is None
    assert cookies.load(request_with(None)) is None


def test_an_old_cookie_expires(monkeypatch: pytest.MonkeyPatch) -> None:
    cookies = SessionCookies("secret")
    issued = time.time() - sessions.MAX_AGE_SECONDS - 5
    monkeypatch.setattr("itsdangerous.timed.time.time", lambda: issued)
    value, _ = stored(cookies, Session.anonymous())
    monkeypatch.undo()
    assert cookies.load(request_with(value)) is None


def test_csrf_tokens_are_compared_exactly() -> None:
    session = Session.anonymous()
    assert session.accepts(session.csrf_token)
    assert not session.accepts(session.csrf_token[:-1])
    assert not session.accepts("")
    assert not session.accepts(None)
    assert not Session.anonymous().accepts(session.csrf_token)


def test_a_key_expiry_date_means_the_end_of_that_day_in_utc() -> None:
    assert _expiry("") is None
    assert _expiry("2030-02-28") == datetime(2030, 3, 1, tzinfo=UTC)
    with pytest.raises(PortalError):
        _expiry("28/02/2030")
