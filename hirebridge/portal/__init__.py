"""The employer portal (PRODUCT §9): server-rendered pages at ``/portal`` for employer users.

API keys, webhooks, credits and usage, behind an e-mail and password sign-in. The pages call the
same storage services as the partner API and the operator CLI; this package only turns forms into
those calls and their results into HTML.
"""

from __future__ import annotations

from typing import Any

from hirebridge.quota import MonthlyQuota
from hirebridge.ratelimit import RateLimiter
from hirebridge.settings import Settings

from .routes import PREFIX, Portal

__all__ = ["Portal", "mount_portal"]


def mount_portal(
    app: Any, settings: Settings, *, limiter: RateLimiter, quota: MonthlyQuota
) -> Portal:
    """Serve the portal under ``/portal`` of the Connexion ``app``.

    It is one route for every method and sub-path, so Connexion's routing, security and error
    envelope (which belong to the API documents) never see the portal's requests.
    """
    portal = Portal(
        secret_key=settings.secret_key,
        limiter=limiter,
        quota=quota,
        sign_in_per_minute=settings.portal_sign_in_per_minute,
    )
    app.add_url_rule(PREFIX + "{subpath:path}", "portal", portal)
    return portal
