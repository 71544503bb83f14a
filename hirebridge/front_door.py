"""``GET /``: where everything is, for a person (HTML) or a program (JSON); and ``/guides``.

The links come from the served documents (their base paths and Swagger UIs) and the README's
sections, so the page follows them without being edited.
"""

from __future__ import annotations

import json
from functools import cached_property
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from hirebridge import guides
from hirebridge.documents import ApiDocument

_templates = Environment(
    loader=PackageLoader("hirebridge", "templates"), autoescape=select_autoescape(["html"])
)
GUIDES_PATH = "/guides"


class FrontDoor:
    def __init__(self, documents: list[ApiDocument]) -> None:
        self.documents = documents

    @cached_property
    def links(self) -> dict[str, Any]:
        """Every link of the page, as the JSON answer shows them."""
        return {
            "apis": [
                {
                    "name": document.name,
                    "title": document.spec["info"]["title"],
                    "base": document.base_path,
                    "swaggerUi": document.ui_url,
                    "document": document.json_url,
                }
                for document in self.documents
            ],
            "portal": "/portal",
            "board": "/public/v1/jobs",
            "health": {"live": "/healthz/live", "ready": "/healthz/ready"},
            "metrics": "/metrics",
            "guides": [
                {"title": section.title, "url": f"{GUIDES_PATH}#{section.anchor}"}
                for section in guides.sections(guides.readme_text())
            ],
        }

    async def page(self, request: Request) -> Response:
        accept = request.headers.get("accept", "")
        headers = {"Vary": "Accept"}
        if "application/json" in accept and "text/html" not in accept:
            body = json.dumps(self.links, indent=2)
            return Response(body, media_type="application/json", headers=headers)
        html = _templates.get_template("front_door.html").render(links=self.links)
        return HTMLResponse(html, headers=headers)

    @cached_property
    def guides_html(self) -> str:
        # Escaped piece by piece as it was rendered.
        body = Markup(guides.to_html(guides.readme_text()))  # noqa: S704
        return _templates.get_template("guides.html").render(body=body)

    async def guides(self, request: Request) -> Response:
        return HTMLResponse(self.guides_html)
