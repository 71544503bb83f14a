"""Deprecation and sunset headers on every response of a retired API version
(docs/requirements.md#v5).

A version named in ``API_DEPRECATIONS`` answers every request under its base path, errors
included, with::

    Deprecation: @1796083200                                  (RFC 9745: a structured-field date)
    Sunset: Wed, 30 Jun 2027 00:00:00 GMT                     (RFC 8594: an HTTP-date)
    Link: <https://docs.example/v2>; rel="deprecation"; type="text/html",
          <https://docs.example/v2>; rel="sunset"; type="text/html"

The middleware wraps Connexion's exception middleware, so responses made from errors (400, 401,
403, 404, 405, 413, 500, ...) carry the headers like any other.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC
from email.utils import format_datetime

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from hirebridge_floor.settings import SettingsError, VersionDeprecation


@dataclass(frozen=True)
class DeprecatedBasePath:
    """The headers every response under ``base_path`` carries."""

    base_path: str
    headers: tuple[tuple[str, str], ...]

    def covers(self, path: str) -> bool:
        return path == self.base_path or path.startswith(self.base_path + "/")


def deprecation_headers(deprecation: VersionDeprecation) -> tuple[tuple[str, str], ...]:
    """The ``Deprecation``, ``Sunset`` and ``Link`` headers for ``deprecation``."""
    headers = [("Deprecation", f"@{int(deprecation.deprecated_at.timestamp())}")]
    if deprecation.sunset_at is not None:
        sunset = deprecation.sunset_at.astimezone(UTC)
        headers.append(("Sunset", format_datetime(sunset, usegmt=True)))
    if deprecation.link is not None:
        relations = ["deprecation"] + (["sunset"] if deprecation.sunset_at is not None else [])
        headers.append(
            (
                "Link",
                ", ".join(
                    f'<{deprecation.link}>; rel="{relation}"; type="text/html"'
                    for relation in relations
                ),
            )
        )
    return tuple(headers)


def deprecated_base_paths(
    deprecations: Mapping[str, VersionDeprecation], base_paths: Mapping[str, str]
) -> list[DeprecatedBasePath]:
    """Each configured version's base path (from its document) with its headers.

    Raises ``SettingsError`` for a version the application does not serve.
    """
    unknown = sorted(set(deprecations) - set(base_paths))
    if unknown:
        raise SettingsError(
            f"API_DEPRECATIONS names {', '.join(unknown)}; the API versions are"
            f" {', '.join(sorted(base_paths))}"
        )
    return [
        DeprecatedBasePath(base_paths[version], deprecation_headers(deprecation))
        for version, deprecation in sorted(deprecations.items())
    ]


class DeprecationMiddleware:
    """Adds a deprecated version's headers to each response under its base path."""

    def __init__(self, app: ASGIApp, *, deprecated: Sequence[DeprecatedBasePath]) -> None:
        self.app = app
        self.deprecated = tuple(deprecated)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = str(scope.get("path", ""))
        match = next((entry for entry in self.deprecated if entry.covers(path)), None)
        if match is None:
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in match.headers:
                    headers.append(name, value)
            await send(message)

        await self.app(scope, receive, send_with_headers)
