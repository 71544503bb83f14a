"""API_DEPRECATIONS: parsing, the RFC 9745 / RFC 8594 header values, and which paths get them."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from starlette.applications import Starlette
from starlette.responses import JSONResponse
from starlette.routing import Route
from starlette.testclient import TestClient

from hirebridge.deprecation import (
    DeprecationMiddleware,
    deprecated_base_paths,
    deprecation_headers,
)
from hirebridge_floor.settings import Settings, SettingsError, VersionDeprecation

GUIDE = "https://docs.hirebridge.example/migrate-to-v2"
V1_RETIRING = VersionDeprecation(
    deprecated_at=datetime(2026, 12, 1, tzinfo=UTC),
    sunset_at=datetime(2027, 6, 30, tzinfo=UTC),
    link=GUIDE,
)


def test_nothing_is_deprecated_by_default() -> None:
    assert Settings.from_env({}).api_deprecations == {}


def test_a_version_is_deprecated_from_the_environment() -> None:
    settings = Settings.from_env(
        {
            "API_DEPRECATIONS": f"v1 deprecated=2026-12-01 sunset=2027-06-30 link={GUIDE};"
            " v2 deprecated=2027-01-01T12:00:00+01:00"
        }
    )
    assert settings.api_deprecations == {
        "v1": V1_RETIRING,
        "v2": VersionDeprecation(deprecated_at=datetime(2027, 1, 1, 11, 0, tzinfo=UTC)),
    }


@pytest.mark.parametrize(
    "value",
    [
        "v1",  # no deprecation date
        "v1 deprecated=soon",
        "v1 deprecated=2027-01-01T00:00:00",  # no offset
        "v1 deprecated=2027-01-01 sunset=2026-01-01",  # sunset first
        "v1 deprecated=2027-01-01 link=docs.example",  # not a URL
        "v1 deprecated=2027-01-01 retired=2028-01-01",  # unknown option
    ],
)
def test_a_bad_deprecation_is_refused_at_start(value: str) -> None:
    with pytest.raises(SettingsError, match=r"API_DEPRECATIONS|deprecated"):
        Settings.from_env({"API_DEPRECATIONS": value})


def test_the_header_values() -> None:
    assert dict(deprecation_headers(V1_RETIRING)) == {
        "Deprecation": "@1796083200",
        "Sunset": "Wed, 30 Jun 2027 00:00:00 GMT",
        "Link": f'<{GUIDE}>; rel="deprecation"; type="text/html",'
        f' <{GUIDE}>; rel="sunset"; type="text/html"',
    }
    bare = VersionDeprecation(deprecated_at=datetime(2026, 12, 1, tzinfo=UTC))
    assert deprecation_headers(bare) == (("Deprecation", "@1796083200"),)


def test_an_unknown_version_is_refused() -> None:
    with pytest.raises(SettingsError, match="v9"):
        deprecated_base_paths({"v9": V1_RETIRING}, {"v1": "/api/v1"})


def test_only_the_version_base_path_gets_the_headers() -> None:
    async def ok(_request: object) -> JSONResponse:
        return JSONResponse({})

    app = Starlette(routes=[Route("/{path:path}", ok)])
    app.add_middleware(
        DeprecationMiddleware,
        deprecated=deprecated_base_paths({"v1": V1_RETIRING}, {"v1": "/api/v1", "v2": "/api/v2"}),
    )
    with TestClient(app) as client:
        for path in ("/api/v1", "/api/v1/jobs", "/api/v1/jobs/1/publish"):
            assert client.get(path).headers["Deprecation"] == "@1796083200", path
        for path in ("/api/v2/jobs", "/api/v10/jobs", "/swagger/v1/swagger.json", "/public/v1"):
            assert "Deprecation" not in client.get(path).headers, path
