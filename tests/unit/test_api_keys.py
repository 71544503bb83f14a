from __future__ import annotations

import pytest

from storage.api_keys import BUNDLES, SCOPES, expand_scopes, looks_like_key
from storage.errors import InvalidRequest


def test_bundles_expand_to_the_documented_scopes() -> None:
    assert expand_scopes(["JobPosting"]) == sorted(
        ["jobs:read", "jobs:write", "applications:read", "pipeline:read", "pipeline:write"]
    )
    assert expand_scopes(["CvSearch"]) == ["candidates:read", "candidates:search"]
    assert expand_scopes(["CvSearch", "candidates:read", " jobs:read "]) == [
        "candidates:read",
        "candidates:search",
        "jobs:read",
    ]
    assert set().union(*BUNDLES.values()) <= set(SCOPES)


@pytest.mark.parametrize("requested", [["jobs:admin"], [], ["", " "], ["jobposting"]])
def test_unknown_or_empty_scopes_are_refused(requested: list[str]) -> None:
    with pytest.raises(InvalidRequest):
        expand_scopes(requested)


@pytest.mark.parametrize(
    ("candidate", "ok"),
    [
        ("pk_live_" + "a" * 32, True),
        ("pk_live_" + "a" * 31, False),
        ("pk_test_" + "a" * 40, False),
        ("pk_live_" + "a" * 30 + "!?", False),
        ("pk_live_" + "a" * 200, False),
        ("", False),
    ],
)
def test_format_check(candidate: str, ok: bool) -> None:
    assert looks_like_key(candidate) is ok
