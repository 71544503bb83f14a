"""The one loopback exception of the webhook target policy, and the listener's signature check."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from hirebridge.webhook_listener import signature_verified
from jobs_queue.signing import signature_header
from storage import webhook_targets
from storage.webhook_targets import UnsafeTarget

LISTENER = "http://127.0.0.1:41873/webhooks"


@pytest.fixture
def policy() -> Iterator[None]:
    previous = webhook_targets.current().allow_insecure
    yield
    webhook_targets.configure(allow_insecure=previous)


@pytest.mark.usefixtures("policy")
@pytest.mark.parametrize("url", [LISTENER, "http://127.0.0.2:9000/", "http://[::1]:8080/hooks"])
def test_a_listener_subscription_reaches_its_loopback_listener(url: str) -> None:
    webhook_targets.configure(allow_insecure=False, allow_local_listeners=True)
    listener = webhook_targets.for_subscription(local_listener=True)
    assert listener.check_url(url)[1] > 0
    assert listener.resolve(url) == [listener.check_url(url)[0]]
    with pytest.raises(UnsafeTarget):
        webhook_targets.for_subscription(local_listener=False).check_url(url)


@pytest.mark.usefixtures("policy")
@pytest.mark.parametrize(
    "url",
    [
        "http://localhost:41873/webhooks",  # a name: what it resolves to is never exempted
        "https://127.0.0.1:41873/webhooks",  # only the listener's own plain-http form
        "http://[::ffff:127.0.0.1]:41873/",  # an IPv4-mapped form is not the loopback literal
        "http://user:pw@127.0.0.1:41873/",
        "http://127.0.0.1:41873/#fragment",
        "http://127.0.0.1/",  # the listener always names its port
        "http://10.0.0.1:41873/",
        "http://169.254.169.254/latest/meta-data/",
    ],
)
def test_the_exception_is_narrow(url: str) -> None:
    webhook_targets.configure(allow_insecure=False, allow_local_listeners=True)
    with pytest.raises(UnsafeTarget):
        webhook_targets.for_subscription(local_listener=True).resolve(url)


@pytest.mark.usefixtures("policy")
def test_no_exception_where_local_listeners_are_not_allowed() -> None:
    # The API never allows them; a worker in production mode neither.
    webhook_targets.configure(allow_insecure=False)
    with pytest.raises(UnsafeTarget):
        webhook_targets.for_subscription(local_listener=True).check_url(LISTENER)


def test_the_listener_verifies_signatures_as_receivers_should() -> None:
    body, now = b'{"id":"evt_1"}', 1_767_261_600
    header = signature_header(["whsec_new", "whsec_old"], now, body)
    assert signature_verified("whsec_new", header, body, now)
    assert signature_verified("whsec_old", header, body, now + 299), "either live secret"
    assert not signature_verified("whsec_other", header, body, now)
    assert not signature_verified("whsec_new", header, body + b" ", now), "tampered body"
    assert not signature_verified("whsec_new", header, body, now + 301), "too old"
    assert not signature_verified("whsec_new", "v1=abc", body, now)
