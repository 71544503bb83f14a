"""A real SMTP server on loopback (aiosmtpd) that keeps what it receives, for the e-mail tests."""

from __future__ import annotations

import re
import threading
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller

from tests.support.live import free_port

_LINK = re.compile(r"(https?://\S+)")


class Inbox:
    """An aiosmtpd handler keeping every message it is given."""

    def __init__(self) -> None:
        self.messages: list[tuple[list[str], bytes]] = []
        self._lock = threading.Lock()

    async def handle_DATA(self, _server: Any, _session: Any, envelope: Any) -> str:
        with self._lock:
            self.messages.append((list(envelope.rcpt_tos), bytes(envelope.content)))
        return "250 Message accepted for delivery"

    def parsed(self) -> list[EmailMessage]:
        """Every message so far, oldest first, parsed (``get_body`` works on them)."""
        with self._lock:
            raw = [content for _, content in self.messages]
        return [message_from_bytes(content, policy=policy.default) for content in raw]

    def to(self, address: str) -> list[EmailMessage]:
        return [message for message in self.parsed() if message["To"] == address]


class SmtpSink:
    """An ``Inbox`` served on a free loopback port until ``stop``."""

    def __init__(self) -> None:
        self.inbox = Inbox()
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=free_port())
        self.controller.start()

    @property
    def port(self) -> int:
        return int(self.controller.port)

    def stop(self) -> None:
        self.controller.stop()


def text_of(message: EmailMessage) -> str:
    part = message.get_body(("plain",))
    assert part is not None, "the message has no plain-text part"
    return str(part.get_content())


def html_of(message: EmailMessage) -> str:
    part = message.get_body(("html",))
    assert part is not None, "the message has no HTML part"
    return str(part.get_content())


def links_in(message: EmailMessage) -> list[str]:
    """The links of the plain-text part, in order."""
    return _LINK.findall(text_of(message))
