"""The rate family of every keyed operation comes from the OpenAPI document
(docs/requirements.md#r1)."""

from __future__ import annotations

import pytest

from hirebridge.documents import load_document
from hirebridge.ratelimit import rate_families
from hirebridge_floor.settings import DEFAULT_API_RATE_LIMITS, Settings, SettingsError


def test_every_keyed_v1_operation_has_its_family() -> None:
    families = rate_families(load_document("v1").spec, DEFAULT_API_RATE_LIMITS)
    assert families["searchCandidates"] == "search"
    assert {families[op] for op in ("listJobs", "publishJob", "listJobApplications")} == {"jobs"}
    assert {families[op] for op in ("getCandidate", "listCandidates")} == {"candidate"}
    assert families["moveApplication"] == "pipeline"
    assert families["createWebhook"] == "other"
    assert len(families) == 25


def test_a_keyed_operation_without_a_family_stops_the_start() -> None:
    spec = {"paths": {"/x": {"get": {"operationId": "getX", "security": [{"bearer": []}]}}}}
    with pytest.raises(ValueError, match="x-rate-limit-family"):
        rate_families(spec, DEFAULT_API_RATE_LIMITS)


def test_api_rate_limits_from_the_environment() -> None:
    settings = Settings.from_env({"API_RATE_LIMITS": "jobs=5, search=2"})
    assert settings.api_rate_limits == {**DEFAULT_API_RATE_LIMITS, "jobs": 5, "search": 2}
    with pytest.raises(SettingsError):
        Settings.from_env({"API_RATE_LIMITS": "bogus=3"})
    with pytest.raises(SettingsError):
        Settings.from_env({"API_RATE_LIMITS": "jobs=0"})
