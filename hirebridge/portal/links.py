"""The links the portal e-mails: absolute, from ``PUBLIC_BASE_URL``, with a signed token.

A token is the row and secret of a ``storage.link_secrets.LinkSecret``, signed with
``SECRET_KEY`` under a salt per purpose, so a token made for one purpose (an invitation) opens
nothing else (a password reset), and a forged or truncated one is refused before any query.
How long a link works, and that it works once, is the row's business.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any
from urllib.parse import urlencode

from itsdangerous import BadSignature, URLSafeSerializer

from storage.link_secrets import INVALID, LinkRefused, LinkSecret


class Purpose(StrEnum):
    """What a link does, and the portal path that opens it."""

    VERIFY_SIGN_UP = "/portal/sign-up/verify"
    ACCEPT_INVITATION = "/portal/invitations/accept"
    RESET_PASSWORD = "/portal/password-reset/choose"  # noqa: S105 (a path, not a password)


class Links:
    def __init__(self, secret_key: str, public_base_url: str) -> None:
        self.base_url = public_base_url.rstrip("/")
        self._serializers = {
            purpose: URLSafeSerializer(secret_key, salt=f"hirebridge.portal.link.{purpose.name}")
            for purpose in Purpose
        }

    def url(self, path: str, **query: str) -> str:
        """An absolute link to a portal page (``path`` starts with ``/portal``)."""
        return self.base_url + path + (f"?{urlencode(query)}" if query else "")

    def token(self, purpose: Purpose, link: LinkSecret) -> str:
        return str(self._serializers[purpose].dumps([link.row_id, link.secret]))

    def for_link(self, purpose: Purpose, link: LinkSecret) -> str:
        """The link to put in the e-mail."""
        return self.url(purpose.value, token=self.token(purpose, link))

    def read(self, purpose: Purpose, token: object) -> LinkSecret:
        """The row and secret a token names; ``LinkRefused`` for anything not signed by us for
        this purpose."""
        if not isinstance(token, str) or not token or len(token) > 512:
            raise LinkRefused(INVALID)
        try:
            data: Any = self._serializers[purpose].loads(token)
        except BadSignature:
            raise LinkRefused(INVALID) from None
        if (
            not isinstance(data, list)
            or len(data) != 2
            or not isinstance(data[0], int)
            or not isinstance(data[1], str)
        ):
            raise LinkRefused(INVALID)
        return LinkSecret(row_id=data[0], secret=data[1])
