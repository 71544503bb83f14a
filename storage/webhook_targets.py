"""Which URLs webhooks may be sent to (W1, W9).

Only ``https`` URLs, resolving to public addresses: never loopback, private, link-local, shared,
reserved or cloud-metadata addresses, so that a subscription cannot make the platform probe its
own network. The check runs at subscription (on the URL as given) and again at delivery, on the
addresses DNS returns then, and the delivery connects to an address that passed. An operator may
allow plain http and internal targets for local development and tests
(``WEBHOOK_ALLOW_INSECURE_TARGETS=1``).

One narrow exception exists for a development machine: a subscription made by ``hirebridge
webhooks listen`` (flagged ``local_listener``) may target ``http://`` on a loopback IP literal,
where the command's own listener waits. ``for_subscription`` grants it, outside production
mode only; every other URL of such a subscription follows the rules above.
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from storage.errors import InvalidRequest

# Addresses that are "global" to the ipaddress module but still belong to a cloud's own network.
_METADATA = frozenset(
    {ipaddress.ip_address("169.254.169.254"), ipaddress.ip_address("fd00:ec2::254")}
)


class UnsafeTarget(InvalidRequest):
    """A webhook URL the platform refuses to send to."""


@dataclass(frozen=True)
class TargetPolicy:
    allow_insecure: bool = False

    def check_url(self, url: str) -> tuple[str, int]:
        """The URL's host and port, if its form is acceptable; raises ``UnsafeTarget``."""
        try:
            parts = urlsplit(url)
            port = parts.port
        except ValueError:
            raise UnsafeTarget("The webhook URL is not a valid URL.") from None
        schemes = {"https", "http"} if self.allow_insecure else {"https"}
        if parts.scheme not in schemes or not parts.hostname:
            raise UnsafeTarget("The webhook URL must be an https:// URL with a host name.")
        if parts.username or parts.password:
            raise UnsafeTarget("The webhook URL may not carry a user name or password.")
        host = parts.hostname
        literal = _as_address(host)
        if literal is not None:
            self.check_address(literal)
        elif not self.allow_insecure and (host == "localhost" or host.endswith(".localhost")):
            raise UnsafeTarget("The webhook URL must point to a public address.")
        return host, port or (443 if parts.scheme == "https" else 80)

    def check_address(self, address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> None:
        if self.allow_insecure:
            return
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
            address = address.ipv4_mapped
        if address in _METADATA or not address.is_global or address.is_multicast:
            raise UnsafeTarget("The webhook URL must point to a public address.")

    def resolve(self, url: str) -> list[str]:
        """The addresses to connect to for ``url``, every one checked; raises ``UnsafeTarget``
        (also when the name does not resolve)."""
        host, port = self.check_url(url)
        return self.resolve_host(host, port)

    def resolve_host(self, host: str, port: int) -> list[str]:
        """The checked addresses of ``host`` (a name from a URL that passed ``check_url``); the
        delivery client's resolver calls this for every new connection."""
        try:
            found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (socket.gaierror, UnicodeError):
            raise UnsafeTarget(f"The host {host} could not be resolved.") from None
        addresses: list[str] = []
        for *_, sockaddr in found:
            address = ipaddress.ip_address(sockaddr[0])
            self.check_address(address)
            if str(address) not in addresses:
                addresses.append(str(address))
        return addresses


def _as_address(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None


@dataclass(frozen=True)
class LocalListenerPolicy(TargetPolicy):
    """The policy for a subscription of ``hirebridge webhooks listen``: its own listener's URL,
    ``http://`` on a loopback IP literal, is allowed; any other URL goes by the usual rules.

    Only literals: a host name is resolved, and what it resolves to is never exempted.
    """

    def check_url(self, url: str) -> tuple[str, int]:
        return _loopback_listener(url) or super().check_url(url)

    def resolve(self, url: str) -> list[str]:
        listener = _loopback_listener(url)
        return [listener[0]] if listener else super().resolve(url)


def _loopback_listener(url: str) -> tuple[str, int] | None:
    """The host and port of ``http://<loopback IP>:<port>/...`` (no user info, no fragment)."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    if parts.scheme != "http" or "@" in parts.netloc or "#" in url or not port:
        return None
    address = _as_address(parts.hostname or "")
    if address is None or not address.is_loopback:
        return None
    return str(address), port


_policy = TargetPolicy()
_allow_local_listeners = False


def configure(*, allow_insecure: bool, allow_local_listeners: bool = False) -> TargetPolicy:
    """Set the process's policy (at start-up, from the settings); ``allow_local_listeners`` lets
    ``webhooks listen`` subscriptions reach their loopback listener (never in production)."""
    global _policy, _allow_local_listeners
    _policy = TargetPolicy(allow_insecure=allow_insecure)
    _allow_local_listeners = allow_local_listeners
    return _policy


def current() -> TargetPolicy:
    return _policy


def for_subscription(local_listener: bool) -> TargetPolicy:
    """The policy for a subscription's URL: the listener exception when it is flagged as a
    ``webhooks listen`` subscription and the process allows those, else the usual one."""
    if local_listener and _allow_local_listeners:
        return LocalListenerPolicy(allow_insecure=_policy.allow_insecure)
    return _policy
