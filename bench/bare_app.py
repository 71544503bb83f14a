"""The framework floor for the API benchmark (docs/requirements.md#p1): a bare Connexion app, served
the same way.

Two operations shaped like the measured ones, answered from memory with bodies of the same size
(``BARE_BODIES``, written by bench/api.py before it starts this app): no database, no key, no
rate limit, no middleware of ours. Connexion still routes, validates the request and serialises
the reply, as it does for the real service. ``gunicorn -k hirebridge.edge.EdgeWorker
bench.bare_app:app`` serves it (the service's own worker class).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import connexion

_BODIES: dict[str, Any] = json.loads(Path(os.environ["BARE_BODIES"]).read_text())

SPEC: dict[str, Any] = {
    "openapi": "3.0.3",
    "info": {"title": "bare", "version": "1"},
    "paths": {
        "/jobs": {
            "get": {
                "operationId": "bench.bare_app.list_jobs",
                "parameters": [
                    {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1}},
                    {
                        "name": "pageSize",
                        "in": "query",
                        "schema": {"type": "integer", "minimum": 1, "maximum": 100},
                    },
                ],
                "responses": {"200": {"description": "a page"}},
            }
        },
        "/candidates/search": {
            "post": {
                "operationId": "bench.bare_app.search",
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "required": ["query"],
                                "properties": {"query": {"type": "string", "maxLength": 512}},
                            }
                        }
                    },
                },
                "responses": {"200": {"description": "masked rows"}},
            }
        },
    },
}


def list_jobs(page: int = 1, page_size: int = 50) -> tuple[Any, int]:
    return _BODIES["jobs"], 200


def search(body: dict[str, Any]) -> tuple[Any, int]:
    return _BODIES["search"], 200


app = connexion.AsyncApp(__name__, pythonic_params=True, strict_validation=True)
app.add_api(SPEC, base_path="/api/v1")
