"""The request log's entries and what it reads of an error response, without Redis."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from hirebridge.request_log import LoggedCall, error_code, status_class


@pytest.mark.parametrize(
    ("body", "code"),
    [
        (b'{"code": "not_found", "message": "No such job."}', "not_found"),
        (
            b'{"success": false, "error": {"code": "rate_limited", "message": "..."}}',
            "rate_limited",
        ),
        (b"", ""),
        (b"not json", ""),
        (b'{"code": 7}', ""),
        (b"[1, 2]", ""),
        (b'{"code": "' + b"x" * 100 + b'"}', "x" * 64),
    ],
)
def test_the_error_code_is_read_from_either_envelope_and_nothing_else(
    body: bytes, code: str
) -> None:
    assert error_code(body) == code


def test_an_entry_round_trips_through_its_packed_form() -> None:
    call = LoggedCall(
        employer_id=7,
        key_id=12,
        at=datetime(2026, 12, 6, 9, 30, 15, 123000, tzinfo=UTC),
        method="POST",
        path='/api/v1/jobs/\t"1"',
        operation="createJob",
        status=422,
        error_code="idempotency_mismatch",
        duration_ms=12.345,
        request_id="trace-1",
    )
    again = LoggedCall.unpacked(7, call.packed().encode())
    assert again == LoggedCall(**{**call.__dict__, "duration_ms": 12.3})
    assert status_class(422) == "4xx" and status_class(201) == "2xx"
