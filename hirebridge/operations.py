"""Which documented operation a request is for, as Connexion's routing recorded it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

_ROUTING_CONTEXT = "connexion_routing"


def operation_id(scope: Mapping[str, Any]) -> str | None:
    """The request's ``operationId`` (``listJobs``); ``None`` before routing or outside the
    documents (health, Swagger, the portal)."""
    routing = scope.get("extensions", {}).get(_ROUTING_CONTEXT, {})
    resolved = routing.get("operation_id")
    # The resolver prefixes the controller module: ``handlers.v1.jobs.listJobs``.
    return str(resolved).rpartition(".")[2] if resolved else None
