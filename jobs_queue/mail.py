"""Operator e-mails over SMTP, sent by an RQ task so that a mail outage blocks nothing else.

Any part of the service that must tell a person something (a webhook disabled for its failures,
a key approved, a portal sign-up, invitation or password reset) builds a ``Mail`` and calls
``enqueue_mail`` after its transaction committed; a worker sends it with ``smtplib`` and the
``SMTP_*`` settings, retrying on the schedule below. A mail with an HTML part goes out as
``multipart/alternative``: the plain text first, for clients that show no HTML.
Without ``SMTP_HOST`` (local development) the message is logged instead of sent.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

import redis
from rq import Queue, Retry
from rq.job import Job

from hirebridge_floor.settings import Settings
from jobs_queue.queues import MAIL_QUEUE

logger = logging.getLogger(__name__)

SMTP_TIMEOUT = 30.0
# The longest line SMTP carries (RFC 5321: 1,000 octets with CRLF), with room to spare.
_SMTP_LINE = 990
# A mail server that is down for a while still gets the message (the worker runs the scheduler).
_RETRY = Retry(max=4, interval=[60, 300, 1800, 7200])


@dataclass(frozen=True)
class Mail:
    to: tuple[str, ...]
    subject: str
    body: str
    html: str | None = None


@dataclass(frozen=True)
class Mailer:
    """Sends ``Mail`` through one SMTP server (or logs it when ``host`` is empty).

    The log keeps the body only outside production (``log_bodies``): a portal e-mail's body
    holds a link that opens an account, and logs are read by more people than mailboxes.
    """

    host: str
    port: int = 25
    username: str = ""
    password: str = ""
    starttls: bool = False
    sender: str = "Hirebridge <no-reply@hirebridge.example>"
    log_bodies: bool = True

    @classmethod
    def from_settings(cls, settings: Settings) -> Mailer:
        return cls(
            host=settings.smtp_host,
            port=settings.smtp_port,
            username=settings.smtp_username,
            password=settings.smtp_password,
            starttls=settings.smtp_starttls,
            sender=settings.mail_sender,
            log_bodies=not settings.is_production,
        )

    def message(self, mail: Mail) -> EmailMessage:
        message = EmailMessage()
        message["From"] = self.sender
        message["To"] = ", ".join(mail.to)
        message["Subject"] = mail.subject
        message["Date"] = formatdate(localtime=False)
        message["Message-ID"] = make_msgid(domain="hirebridge")
        message.set_content(mail.body, cte=_plain_encoding(mail.body))
        if mail.html is not None:
            message.add_alternative(mail.html, subtype="html", cte=_plain_encoding(mail.html))
        return message

    def send(self, mail: Mail) -> None:
        """Send ``mail``; raises ``smtplib.SMTPException`` or ``OSError`` if the server fails."""
        if not mail.to:
            return
        message = self.message(mail)
        if not self.host:
            shown = {"body": mail.body} if self.log_bodies else {}
            logger.info(
                "SMTP_HOST is not set; e-mail not sent",
                extra={"to": list(mail.to), "subject": mail.subject, **shown},
            )
            return
        with smtplib.SMTP(self.host, self.port, timeout=SMTP_TIMEOUT) as smtp:
            if self.starttls:
                smtp.starttls(context=ssl.create_default_context())
            if self.username:
                smtp.login(self.username, self.password)
            smtp.send_message(message)
        logger.info("e-mail sent", extra={"to": list(mail.to), "subject": mail.subject})


def _plain_encoding(text: str) -> str | None:
    """``7bit`` for ASCII text whose lines SMTP carries as they are, so a link in it reads the
    same in the raw message (a mail sink's output, a log) as in a mail client; otherwise the
    library's choice (quoted-printable wraps long lines and encodes ``=`` as ``=3D``)."""
    fits = text.isascii() and all(len(line) <= _SMTP_LINE for line in text.splitlines())
    return "7bit" if fits else None


_mailer = Mailer(host="")


def configure(mailer: Mailer) -> Mailer:
    """Set the process's mailer (workers do, at start-up, from the settings)."""
    global _mailer
    _mailer = mailer
    return mailer


def current() -> Mailer:
    return _mailer


def send_mail(to: list[str], subject: str, body: str, html: str | None = None) -> None:
    """RQ task: send one e-mail with the process's mailer.

    Delivery is at least once: a retry after a failure that happened once the server had the
    message may send it twice. (``html`` is last and optional: jobs queued without it still
    run.)
    """
    current().send(Mail(to=tuple(to), subject=subject, body=body, html=html))


def enqueue_mail(connection: redis.Redis, mail: Mail) -> Job:
    """Queue ``mail`` for a worker to send (call it after the commit that decided to send).

    A mail without HTML is queued with the three arguments an earlier worker takes, so that
    during a rolling upgrade old workers still send what new API hosts queue.
    """
    html = () if mail.html is None else (mail.html,)
    return Queue(MAIL_QUEUE, connection=connection).enqueue(
        send_mail,
        list(mail.to),
        mail.subject,
        mail.body,
        *html,
        retry=_RETRY,
        result_ttl=3600,
        failure_ttl=7 * 24 * 3600,
        description=f"mail: {mail.subject}",
    )
