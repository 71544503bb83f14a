"""The portal's e-mails: a plain-text and an HTML part from templates, queued for the workers.

Every link in them comes from ``Links`` (``PUBLIC_BASE_URL``), never from the request, so a
request with a forged ``Host`` cannot make the service mail out links to another site.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from limits import RateLimitItem, RateLimitItemPerHour
from redis.exceptions import RedisError
from starlette.concurrency import run_in_threadpool

from jobs_queue.mail import Mail
from storage.text import normalize_email

from .context import PortalError
from .links import Links
from .rendering import Templates

logger = logging.getLogger(__name__)

NOT_QUEUED = "The e-mail could not be sent just now. Try again in a minute."

OverLimit = Callable[[RateLimitItem, str, Sequence[tuple[str, str]]], Awaitable[int | None]]


class PortalMail:
    """Composes, limits and queues the portal's e-mails; ``links`` makes what they point to."""

    def __init__(
        self,
        templates: Templates,
        enqueue: Callable[[Mail], object],
        *,
        links: Links,
        per_hour: int,
        over_limit: OverLimit,
    ) -> None:
        self.templates = templates
        self.enqueue = enqueue
        self.links = links
        self.limit = RateLimitItemPerHour(per_hour)
        self.over_limit = over_limit

    async def wait_before_mailing(
        self, email: str, client_address: str | None = None
    ) -> int | None:
        """Seconds to wait if the address to mail (or the client asking, when given) is over
        its hourly limit of portal e-mails; ``None`` to go ahead. Each call counts one."""
        identities = [("email", normalize_email(email))]
        if client_address is not None:
            identities.insert(0, ("address", client_address))
        return await self.over_limit(self.limit, "portal-mail", identities)

    def compose(self, template: str, to: str, subject: str, **values: Any) -> Mail:
        """``mail/<template>.txt`` and ``.html``, rendered with ``values``."""
        environment = self.templates.environment
        values["subject"] = subject
        return Mail(
            to=(to,),
            subject=subject,
            body=environment.get_template(f"mail/{template}.txt").render(**values),
            html=environment.get_template(f"mail/{template}.html").render(**values),
        )

    async def send(self, template: str, to: str, subject: str, **values: Any) -> None:
        """Queue the e-mail; a 503 page if the queue cannot be reached."""
        mail = self.compose(template, to, subject, **values)
        try:
            await run_in_threadpool(self.enqueue, mail)
        except (RedisError, OSError) as error:
            logger.warning("portal e-mail %r not queued: %r", template, error)
            raise PortalError(503, NOT_QUEUED) from None
