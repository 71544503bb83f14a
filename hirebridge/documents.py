"""The OpenAPI documents: loaded once, bound to Connexion, served as JSON with a Swagger UI."""

from __future__ import annotations

import copy
import html
from dataclasses import dataclass
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from swagger_ui_bundle import swagger_ui_path

from hirebridge.contract.bundle import load_bundled
from storage import strict_json

# The documents of ``openapi/``: in the wheel they are the package data of ``hirebridge.openapi``
# (``setup.py`` maps the folder there at build time), in a checkout the folder itself.
DOCUMENTS: Traversable = resources.files("hirebridge.openapi")
# The same folder as a path, for tools and tests that list it (pip installs wheels unzipped).
OPENAPI_DIR = Path(str(DOCUMENTS))

_SWAGGER_ASSETS = frozenset(
    {
        "swagger-ui.css",
        "swagger-ui-bundle.js",
        "swagger-ui-standalone-preset.js",
        "favicon-32x32.png",
        "favicon-16x16.png",
    }
)


@dataclass(frozen=True)
class ApiDocument:
    """One hand-written document, e.g. ``v1`` from ``openapi/v1.yaml``."""

    name: str
    spec: dict[str, Any]
    json_bytes: bytes

    @property
    def base_path(self) -> str:
        return str(self.spec["servers"][0]["url"]).rstrip("/")

    @property
    def json_url(self) -> str:
        return f"/swagger/{self.name}/swagger.json"

    @property
    def ui_url(self) -> str:
        return f"/swagger/{self.name}/"


def load_document(name: str, directory: Path = OPENAPI_DIR) -> ApiDocument:
    path = directory / f"{name}.yaml"
    # The shared components (openapi/shared/) copied in: what is served and bound is one
    # self-contained document.
    spec = load_bundled(path)
    # Document order is kept, so the served JSON reads like the YAML it comes from.
    json_bytes = strict_json.dumps(spec, ensure_ascii=False, indent=2).encode("utf-8") + b"\n"
    return ApiDocument(name=name, spec=spec, json_bytes=json_bytes)


SCOPES_EXTENSION = "x-scopes"
_VERBS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")


def operation_scopes(operation: dict[str, Any]) -> list[str]:
    """The scopes an operation requires: its ``x-scopes``.

    OpenAPI 3.0 lets a security requirement list scopes only for OAuth2 and OpenID Connect
    schemes (for ``http`` and ``apiKey`` the list must be empty), so the documents state each
    operation's scopes beside its ``security`` instead, where partners' tools accept them.
    """
    return list(operation.get(SCOPES_EXTENSION, []))


def with_required_scopes(spec: dict[str, Any]) -> dict[str, Any]:
    """A copy of ``spec`` for Connexion, each operation's ``x-scopes`` written into its security
    requirements: Connexion hands a requirement's list to the scheme's check function as
    ``required_scopes`` (``hirebridge.security.authenticate`` enforces them)."""
    bound = copy.deepcopy(spec)
    for item in bound.get("paths", {}).values():
        for method in _VERBS:
            operation = item.get(method)
            if operation is None or SCOPES_EXTENSION not in operation:
                continue
            scopes = operation_scopes(operation)
            requirements = operation.get("security", bound.get("security", []))
            operation["security"] = [
                {scheme: list(scopes) for scheme in requirement} for requirement in requirements
            ]
    return bound


_UI_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>{title}</title>
  <link rel="stylesheet" href="/swagger/assets/swagger-ui.css">
  <link rel="icon" type="image/png" href="/swagger/assets/favicon-32x32.png" sizes="32x32">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="/swagger/assets/swagger-ui-bundle.js"></script>
  <script src="/swagger/assets/swagger-ui-standalone-preset.js"></script>
  <script>
    window.onload = function () {{
      window.ui = SwaggerUIBundle({{
        url: "{spec_url}",
        dom_id: "#swagger-ui",
        deepLinking: true,
        validatorUrl: null,
        presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
        layout: "StandaloneLayout"
      }});
    }};
  </script>
</body>
</html>
"""


class DocumentRoutes:
    """Serves ``/swagger/<name>/swagger.json`` and ``/swagger/<name>/`` for each document."""

    def __init__(self, documents: list[ApiDocument]) -> None:
        self.documents = {document.name: document for document in documents}

    async def spec_json(self, request: Request) -> Response:
        document = self.documents.get(request.path_params["name"])
        if document is None:
            return _not_found()
        return Response(document.json_bytes, media_type="application/json")

    async def ui(self, request: Request) -> Response:
        document = self.documents.get(request.path_params["name"])
        if document is None:
            return _not_found()
        title = html.escape(f"{document.spec['info']['title']} {document.name}")
        return HTMLResponse(_UI_PAGE.format(title=title, spec_url=document.json_url))

    async def asset(self, request: Request) -> Response:
        name = request.path_params["asset"]
        if name not in _SWAGGER_ASSETS:
            return _not_found()
        return FileResponse(Path(swagger_ui_path) / name)

    async def index(self, request: Request) -> Response:
        newest = sorted(self.documents)[-1]
        return RedirectResponse(self.documents[newest].ui_url)


def _not_found() -> Response:
    body = strict_json.dumps({"code": "not_found", "message": "No such resource."})
    return Response(body, status_code=404, media_type="application/json")
