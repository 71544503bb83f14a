"""One table turns domain errors into HTTP statuses, for the API and the portal alike."""

from __future__ import annotations

import ast
import importlib
import pkgutil
from pathlib import Path

import pytest
from starlette.requests import Request

import storage
from hirebridge import errors
from hirebridge.errors import STATUS_BY_CODE, ErrorHandlers, status_of
from hirebridge.portal import routes, team, webhook_pages
from storage.errors import DomainError, NoCredits, NotFound

REPOSITORY = Path(__file__).resolve().parents[2]


def domain_errors() -> list[type[DomainError]]:
    for module in pkgutil.walk_packages(storage.__path__, "storage."):
        if ".migrations" not in module.name:
            importlib.import_module(module.name)
    found, pending = [], [DomainError]
    while pending:
        error = pending.pop()
        found.append(error)
        pending.extend(error.__subclasses__())
    return found


@pytest.mark.parametrize("error", domain_errors(), ids=lambda error: error.__name__)
def test_every_domain_error_has_its_status_in_the_table(error: type[DomainError]) -> None:
    assert error.code in STATUS_BY_CODE
    assert status_of(error("message")) == STATUS_BY_CODE[error.code]


def test_no_credits_is_402_on_the_api_and_in_the_portal() -> None:
    scope = {"type": "http", "method": "POST", "path": "/api/v1/jobs/1/publish", "headers": []}
    request = Request(scope)
    response = ErrorHandlers(errors.AllowedMethods()).domain_error(request, NoCredits("None left."))
    assert response.status_code == 402
    for portal_module in (routes, team, webhook_pages):
        assert portal_module.status_of is errors.status_of
    assert status_of(NoCredits("None left.")) == 402
    assert status_of(NotFound("Gone.")) == 404


def test_no_other_module_maps_errors_to_statuses() -> None:
    """Only ``hirebridge/errors.py`` reads the table or defines a ``status_of``."""
    others = []
    for package in ("hirebridge", "handlers", "storage", "jobs_queue", "hirebridge_floor"):
        for path in (REPOSITORY / package).rglob("*.py"):
            if path == REPOSITORY / "hirebridge" / "errors.py":
                continue
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                defines = isinstance(node, ast.FunctionDef) and "status_of" in node.name
                reads = isinstance(node, (ast.Name, ast.alias)) and "STATUS_BY_CODE" in (
                    node.id if isinstance(node, ast.Name) else node.name
                )
                if defines or reads:
                    others.append(str(path.relative_to(REPOSITORY)))
    assert others == []
