from __future__ import annotations

import pytest

from handlers.v1 import jobs
from hirebridge.app import resolve_handler
from hirebridge.errors import AllowedMethods
from hirebridge.formats import is_email
from hirebridge.middleware import BodyGuardMiddleware


def test_operation_ids_resolve_to_snake_case_handlers() -> None:
    assert resolve_handler("handlers.v1.jobs.listJobs") is jobs.list_jobs
    assert resolve_handler("handlers.v1.jobs.publishJob") is jobs.publish_job


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        ("jobs@example.com", True),
        ("first.last+tag@mail.example.co.uk", True),
        ("a@b", True),
        ("no-at-sign", False),
        ("two@@example.com", False),
        ("ß@example.com", False),
        ("a..b@example.com", False),
        ("a@-example.com", False),
        ('"quoted"@example.com', False),
        ("a@[127.0.0.1]", False),
        ("x" * 65 + "@example.com", False),
    ],
)
def test_email_format(value: str, ok: bool) -> None:
    assert is_email(value) is ok


def test_body_limits_choose_the_longest_matching_prefix() -> None:
    guard = BodyGuardMiddleware(
        app=None,  # type: ignore[arg-type]
        default_limit=100,
        limits=[("/public", 10), ("/public/v1/apply", 5)],
    )
    assert guard.limit_for("/api/v1/jobs") == 100
    assert guard.limit_for("/public/v1/jobs") == 10
    assert guard.limit_for("/public/v1/apply") == 5


def test_allowed_methods_follow_the_document() -> None:
    allowed = AllowedMethods()
    allowed.add_document(
        "/api/v1",
        {"/jobs": {"get": {}, "post": {}, "parameters": []}, "/jobs/{jobId}": {"get": {}}},
    )
    assert allowed.for_path("/api/v1/jobs") == ["GET", "POST"]
    assert allowed.for_path("/api/v1/jobs/7") == ["GET"]
    assert allowed.for_path("/elsewhere") is None
