"""Which URLs webhooks may be sent to (docs/requirements.md#w1, #w9): one policy, used at
subscription and at connection.

Only ``https`` URLs, resolving to public addresses: never loopback, private, link-local, shared,
reserved or cloud-metadata addresses, so that a subscription cannot make the platform probe its
own network. The check runs at subscription (on the URL as given) and again at delivery, on the
addresses DNS returns then, and the delivery connects to an address that passed. An operator may
allow plain http and internal targets for local development and tests
(``WEBHOOK_ALLOW_INSECURE_TARGETS=1``).

An IPv6 address can carry an IPv4 one (IPv4-mapped and -compatible, SIIT, NAT64, 6to4, Teredo),
and a network with a NAT64 gateway or a 6to4 relay delivers to that IPv4 address; Python's
``is_global`` calls most of these forms global whatever they embed. So the embedded address is
checked by the IPv4 rules too. A URL is refused if it carries user info (even an empty ``:@``,
which some clients turn into an ``Authorization`` header), a fragment, or port 0.
One narrow exception exists for a development machine: a subscription made by ``hirebridge
webhooks listen`` (flagged ``local_listener``) may target ``http://`` on a loopback IP literal,
where the command's own listener waits. ``for_subscription`` grants it, outside production
mode only; every other URL of such a subscription follows the rules above.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from storage.errors import InvalidRequest, quoted

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

# Addresses that are "global" to the ipaddress module but still belong to a cloud's own network.
_METADATA = frozenset(
    {ipaddress.ip_address("169.254.169.254"), ipaddress.ip_address("fd00:ec2::254")}
)


def _low_32_bits(address: ipaddress.IPv6Address) -> list[ipaddress.IPv4Address]:
    return [ipaddress.IPv4Address(int(address) & 0xFFFF_FFFF)]


def _sixtofour(address: ipaddress.IPv6Address) -> list[ipaddress.IPv4Address]:
    return [address.sixtofour] if address.sixtofour is not None else []


def _teredo(address: ipaddress.IPv6Address) -> list[ipaddress.IPv4Address]:
    return list(address.teredo) if address.teredo is not None else []


# IPv6 prefixes that carry an IPv4 address, and where it sits.
_EMBEDDED_IPV4: tuple[
    tuple[ipaddress.IPv6Network, Callable[[ipaddress.IPv6Address], list[ipaddress.IPv4Address]]],
    ...,
] = (
    (ipaddress.IPv6Network("::ffff:0:0/96"), _low_32_bits),  # IPv4-mapped
    (ipaddress.IPv6Network("::/96"), _low_32_bits),  # IPv4-compatible (deprecated)
    (ipaddress.IPv6Network("::ffff:0:0:0/96"), _low_32_bits),  # SIIT, IPv4-translated
    (ipaddress.IPv6Network("64:ff9b::/96"), _low_32_bits),  # NAT64, well-known prefix
    (ipaddress.IPv6Network("2002::/16"), _sixtofour),  # 6to4
    (ipaddress.IPv6Network("2001::/32"), _teredo),  # Teredo: its server and its client
)
# NAT64's local-use prefix: where the IPv4 address sits depends on the prefix length the network
# chose (RFC 6052), so what it embeds cannot be known from the address; and nothing in it is a
# public target.
_LOCAL_NAT64 = ipaddress.IPv6Network("64:ff9b:1::/48")


def embedded_ipv4(address: ipaddress.IPv6Address) -> list[ipaddress.IPv4Address]:
    """The IPv4 addresses an IPv6 address carries (none for an ordinary IPv6 address)."""
    return [
        embedded
        for network, extract in _EMBEDDED_IPV4
        if address in network
        for embedded in extract(address)
    ]


def is_public(address: IPAddress) -> bool:
    """Whether a delivery may connect to ``address``: a global, unicast, non-metadata address,
    and so is every IPv4 address it embeds."""
    if isinstance(address, ipaddress.IPv6Address):
        if address in _LOCAL_NAT64:
            return False
        if address.ipv4_mapped is not None:
            # How a dual-stack socket shows an IPv4 peer: the IPv4 address is the whole story.
            return is_public(address.ipv4_mapped)
        if not all(is_public(embedded) for embedded in embedded_ipv4(address)):
            return False
    return address not in _METADATA and address.is_global and not address.is_multicast


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
        if "@" in parts.netloc:
            raise UnsafeTarget("The webhook URL may not carry a user name or password.")
        if "#" in url:
            raise UnsafeTarget("The webhook URL may not carry a fragment (#...).")
        if port == 0:
            raise UnsafeTarget("The webhook URL may not use port 0.")
        host = parts.hostname
        literal = _as_address(host)
        if literal is not None:
            self.check_address(literal)
        elif not self.allow_insecure and (host == "localhost" or host.endswith(".localhost")):
            raise UnsafeTarget("The webhook URL must point to a public address.")
        return host, port or (443 if parts.scheme == "https" else 80)

    def check_address(self, address: IPAddress) -> None:
        if not self.allow_insecure and not is_public(address):
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
            raise UnsafeTarget(f"The host {quoted(host)} could not be resolved.") from None
        addresses: list[str] = []
        for *_, sockaddr in found:
            address = ipaddress.ip_address(sockaddr[0])
            self.check_address(address)
            if str(address) not in addresses:
                addresses.append(str(address))
        return addresses


def _as_address(host: str) -> IPAddress | None:
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
