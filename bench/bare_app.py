"""The framework floor for the API benchmark (docs/requirements.md#p1, #p5): a bare Connexion app,
served the same way.

Operations shaped like the measured ones, answered from memory with bodies of the same size
(``BARE_BODIES``, written by bench/api.py before it starts this app): no database, no key, no
rate limit, no middleware of ours. Connexion still routes, validates the request and serialises
the reply, as it does for the real service. ``POST /api/v1/jobs`` validates its body against the
very schema of the service's document (``JobCreate`` of ``openapi/v1.yaml``, with the schemas it
refers to) and answers 201 with a created job's body. ``gunicorn -k hirebridge.edge.EdgeWorker
bench.bare_app:app`` serves it (the service's own worker class).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import connexion

from hirebridge.contract.bundle import load_bundled

_BODIES: dict[str, Any] = json.loads(Path(os.environ["BARE_BODIES"]).read_text())
# Bundled as the service serves it: the hand-written document refers to openapi/shared/.
_V1_DOCUMENT = load_bundled(Path(__file__).resolve().parent.parent / "openapi" / "v1.yaml")

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
            },
            "post": {
                "operationId": "bench.bare_app.create_job",
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/JobCreate"}}
                    },
                },
                "responses": {"201": {"description": "the created job"}},
            },
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
    "components": {"schemas": _V1_DOCUMENT["components"]["schemas"]},
}

# v2's list: its own parameters and envelope.
V2_SPEC: dict[str, Any] = {
    "openapi": "3.0.3",
    "info": {"title": "bare v2", "version": "2"},
    "paths": {
        "/jobs": {
            "get": {
                "operationId": "bench.bare_app.list_jobs_v2",
                "parameters": [
                    {
                        "name": "limit",
                        "in": "query",
                        "schema": {"type": "integer", "minimum": 1, "maximum": 100},
                    },
                    {"name": "cursor", "in": "query", "schema": {"type": "string"}},
                ],
                "responses": {"200": {"description": "a page"}},
            }
        }
    },
}


def list_jobs(page: int = 1, page_size: int = 50) -> tuple[Any, int]:
    return _BODIES["jobs"], 200


def list_jobs_v2(limit: int = 20, cursor: str | None = None) -> tuple[Any, int]:
    return _BODIES["jobs_v2"], 200


def create_job(body: dict[str, Any]) -> tuple[Any, int, dict[str, str]]:
    created = _BODIES["created_job"]
    return created, 201, {"Location": f"/api/v1/jobs/{created['id']}"}


def search(body: dict[str, Any]) -> tuple[Any, int]:
    return _BODIES["search"], 200


app = connexion.AsyncApp(__name__, pythonic_params=True, strict_validation=True)
app.add_api(SPEC, base_path="/api/v1")
app.add_api(V2_SPEC, base_path="/api/v2")
