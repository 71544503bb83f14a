"""Webhook signatures (docs/requirements.md#w3)."""

from __future__ import annotations

import pytest

from jobs_queue.signing import delivery_headers, sign, signature_header

BODY = b'{"id":"evt_1"}'
# Computed by Node.js's crypto (createHmac('sha256', 'whsec_test').update('1767261600.' + body)).
NODE_VECTOR = "3323833052977c13fa4097d5793e410ec62d126564d5a1c3dfeffdbbc414d5b2"


def test_the_signature_is_hmac_sha256_over_timestamp_dot_body() -> None:
    assert sign("whsec_test", 1767261600, BODY) == NODE_VECTOR


def test_one_secret_makes_exactly_two_parts() -> None:
    assert signature_header(["whsec_test"], 1767261600, BODY) == f"t=1767261600,v1={NODE_VECTOR}"


def test_a_rotation_adds_one_entry_per_live_secret_newest_first() -> None:
    header = signature_header(["whsec_new", "whsec_test"], 1767261600, BODY)
    assert header.split(",") == [
        "t=1767261600",
        f"v1={sign('whsec_new', 1767261600, BODY)}",
        f"v1={NODE_VECTOR}",
    ]


def test_a_delivery_needs_a_secret() -> None:
    with pytest.raises(ValueError, match="secret"):
        signature_header([], 1, BODY)


def test_delivery_headers() -> None:
    headers = delivery_headers(
        event_type="job.expired",
        delivery_id="dlv_1",
        secrets=["whsec_test"],
        timestamp=1767261600,
        body=BODY,
    )
    assert headers == {
        "Content-Type": "application/json",
        "X-Webhook-Event": "job.expired",
        "X-Webhook-Delivery-Id": "dlv_1",
        "X-Webhook-Signature": f"t=1767261600,v1={NODE_VECTOR}",
    }
