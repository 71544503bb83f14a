"""The employer portal (docs/requirements.md#portal): server-rendered pages at ``/portal`` for
employer users.

Sign-up, sign-in and password resets; API keys, webhooks, the team, the request log, the plan,
credits and usage. The pages call the same storage services as the partner API and the
operator CLI; this package only turns forms into those calls and their results into HTML, and
e-mails links through the workers' mail queue.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any

import redis

from hirebridge.quota import MonthlyQuota
from hirebridge.ratelimit import RateLimiter
from hirebridge.request_log_reader import RequestLogReader
from hirebridge_floor.settings import Settings
from jobs_queue.mail import enqueue_mail

from .routes import PREFIX, Portal

__all__ = ["Portal", "mount_portal"]


def mount_portal(
    app: Any,
    settings: Settings,
    *,
    limiter: RateLimiter,
    quota: MonthlyQuota,
    mail_queue: redis.Redis,
    request_log: RequestLogReader,
    operations: Sequence[str],
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
        emails_per_hour=settings.portal_emails_per_hour,
        public_base_url=settings.public_base_url,
        enqueue_mail=functools.partial(enqueue_mail, mail_queue),
        request_log=request_log,
        operations=operations,
    )
    app.add_url_rule(PREFIX + "{subpath:path}", "portal", portal)
    return portal
