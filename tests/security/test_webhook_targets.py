"""The webhook target guard: IPv6 forms of internal IPv4 addresses, user info, fragments and port
0 are refused at subscription (v1 and v2) and at connection."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from jobs_queue.sender import GuardedResolver
from storage import webhook_targets
from storage.webhook_targets import TargetPolicy, UnsafeTarget
from tests.security.support import refusal
from tests.support.apps import Api
from tests.support.factories import Tenant
from tests.support.sending import send_once

# Each hides an address the guard refuses in IPv4 form.
EMBEDDED_INTERNAL = [
    "64:ff9b::a9fe:a9fe",  # NAT64 of 169.254.169.254 (cloud metadata)
    "64:ff9b::a00:1",  # NAT64 of 10.0.0.1
    "64:ff9b::7f00:1",  # NAT64 of 127.0.0.1
    "64:ff9b:1::a00:1",  # local-use NAT64 prefix
    "64:ff9b:1:a00:1::",  # the same, with 10.0.0.1 where a /48 network puts it
    "::127.0.0.1",  # IPv4-compatible
    "::a9fe:a9fe",  # IPv4-compatible 169.254.169.254
    "::ffff:127.0.0.1",  # IPv4-mapped
    "::ffff:c0a8:101",  # IPv4-mapped 192.168.1.1
    "::ffff:0:7f00:1",  # SIIT of 127.0.0.1
    "::ffff:0:a9fe:a9fe",  # SIIT of 169.254.169.254
    "2002:7f00:1::1",  # 6to4 of 127.0.0.1
    "2002:a9fe:a9fe::",  # 6to4 of 169.254.169.254
    "2002:c0a8:101::1",  # 6to4 of 192.168.1.1
    "2001:0:4136:e378:8000:63bf:80ff:fffe",  # Teredo, client 127.0.0.1
]
MALFORMED = [
    "https://:@93.184.216.34/hooks",
    "https://@93.184.216.34/hooks",
    "https://user@93.184.216.34/hooks",
    "https://user:secret@93.184.216.34/hooks",
    "https://93.184.216.34/hooks#fragment",
    "https://93.184.216.34/hooks#",
    "https://93.184.216.34:0/hooks",
    "https://[2606:4700:4700::1111]:0/",
]
PUBLIC = [
    "https://93.184.216.34/hooks",
    "https://[2606:4700:4700::1111]/hooks",
    "https://[64:ff9b::808:808]/hooks",  # NAT64 of 8.8.8.8
    "https://[2002:808:808::1]/hooks",  # 6to4 of 8.8.8.8
    "https://93.184.216.34:8443/hooks?query=kept",
]


def _create(api: Api, version: str, url: str) -> Any:
    return api.post(f"/api/{version}/webhooks", json={"url": url, "events": ["job.published"]})


def _webhook_count(api: Api, version: str) -> int:
    body = api.get(f"/api/{version}/webhooks").json()
    return len(body["items"] if version == "v1" else body["data"])


@pytest.mark.parametrize("version", ["v1", "v2"])
def test_unsafe_targets_are_refused_at_subscription_and_public_ones_kept(
    api: Api, tenant: Tenant, version: str
) -> None:
    assert not webhook_targets.current().allow_insecure
    accepted = []
    for url in [f"https://[{address}]/hooks" for address in EMBEDDED_INTERNAL] + MALFORMED:
        response = _create(api, version, url)
        if response.status_code != 400:
            accepted.append((url, response.status_code))
        else:
            assert refusal(response, 400)[0] == "invalid_request"
    assert accepted == []
    assert _webhook_count(api, version) == 0

    refused = [url for url in PUBLIC if _create(api, version, url).status_code != 201]
    assert refused == []


def test_the_resolver_refuses_them_at_connection() -> None:
    resolver = GuardedResolver(lambda: TargetPolicy(allow_insecure=False))
    allowed = []
    for address in EMBEDDED_INTERNAL:
        try:
            asyncio.run(resolver.resolve(address, 443))
        except UnsafeTarget:
            continue
        allowed.append(address)
    assert allowed == []


@pytest.mark.parametrize(
    "url", [f"https://[{address}]/hooks" for address in EMBEDDED_INTERNAL[:3]] + MALFORMED[:1]
)
def test_a_subscription_stored_before_is_not_sent_to(url: str) -> None:
    """A row accepted by an older guard: the sender checks the URL again and sends nothing."""
    result = send_once(url)

    assert result.status_code is None and not result.succeeded
    assert result.error is not None and result.error.startswith("refused target: ")
