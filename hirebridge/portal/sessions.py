"""Portal sessions: a signed cookie, and the CSRF token that lives in it.

The cookie holds no secret, only who signed in and the form token, signed with ``SECRET_KEY``
(itsdangerous, HMAC-SHA1 over a timestamped payload), so a session needs no table and works on
every API host. A visitor who has not signed in gets a session too (without a user) so that the
sign-in form carries a token like every other form.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from typing import Any

from itsdangerous import BadSignature, URLSafeTimedSerializer
from starlette.requests import Request
from starlette.responses import Response

COOKIE_NAME = "hirebridge_portal"
COOKIE_PATH = "/portal"
CSRF_FIELD = "csrf_token"
# A signed-in session ends after this long, whatever happens in between: sign in again.
MAX_AGE_SECONDS = 12 * 3600
_SALT = "hirebridge.portal.session"


@dataclass(frozen=True)
class Session:
    """What the cookie says: the form token, and the user who signed in (if any).

    ``generation`` is the user's session generation at sign-in: raising it (a new password) ends
    every session opened before, since a cookie handed out cannot be taken back.
    """

    csrf_token: str
    user_id: int | None = None
    generation: int | None = None

    @classmethod
    def anonymous(cls) -> Session:
        return cls(csrf_token=secrets.token_urlsafe(32))

    def signed_in(self, user_id: int, generation: int) -> Session:
        """A new session for the user, with a new form token (nothing from before sign-in
        carries over into the signed-in session)."""
        return Session(csrf_token=secrets.token_urlsafe(32), user_id=user_id, generation=generation)

    def accepts(self, submitted: object) -> bool:
        """Whether a form's token is this session's (compared in constant time)."""
        return isinstance(submitted, str) and hmac.compare_digest(
            submitted.encode(), self.csrf_token.encode()
        )


class SessionCookies:
    """Reads and writes the session cookie."""

    def __init__(self, secret_key: str) -> None:
        self._serializer = URLSafeTimedSerializer(secret_key, salt=_SALT)

    def load(self, request: Request) -> Session | None:
        """The request's session, or ``None`` if it has none, or a forged or expired one."""
        raw = request.cookies.get(COOKIE_NAME)
        if not raw:
            return None
        try:
            data: Any = self._serializer.loads(raw, max_age=MAX_AGE_SECONDS)
        except BadSignature:  # SignatureExpired is one too
            return None
        if not isinstance(data, dict) or not isinstance(data.get("csrf"), str):
            return None
        user_id, generation = data.get("uid"), data.get("gen")
        if not (isinstance(user_id, int) and isinstance(generation, int)):
            user_id, generation = None, None
        return Session(csrf_token=data["csrf"], user_id=user_id, generation=generation)

    def store(self, request: Request, response: Response, session: Session) -> None:
        data: dict[str, Any] = {"csrf": session.csrf_token}
        if session.user_id is not None:
            data.update(uid=session.user_id, gen=session.generation)
        response.set_cookie(
            COOKIE_NAME,
            self._serializer.dumps(data),
            max_age=MAX_AGE_SECONDS,
            path=COOKIE_PATH,
            httponly=True,
            samesite="lax",
            # Behind a TLS-terminating proxy the server must be told the scheme (gunicorn's
            # forwarded-allow-ips), or the cookie goes out without the flag.
            secure=request.url.scheme == "https",
        )

    @staticmethod
    def clear(request: Request, response: Response) -> None:
        response.delete_cookie(
            COOKIE_NAME,
            path=COOKIE_PATH,
            httponly=True,
            samesite="lax",
            secure=request.url.scheme == "https",
        )
