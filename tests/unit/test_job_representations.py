"""Each wire form of a job has exactly the properties its document's schema names.

Response validation accepts properties a schema does not name, so a field added to
``handlers/representation.py`` but not to a document (or added to ``_advert`` and so shown by the
public board too) would be served undocumented with every HTTP test passing; and a property
named in a schema that the representation does not send fails only where a test happens to read
that operation. This holds each form to its schema, both ways, without a server.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest

from handlers.representation import (
    job_detail,
    job_summary,
    open_job,
    v2_job_detail,
    v2_job_summary,
)
from hirebridge.contract.bundle import load_bundled
from hirebridge.documents import OPENAPI_DIR
from storage.models import (
    ApplyMethod,
    Employer,
    EmploymentType,
    Job,
    JobStatus,
    RemoteType,
)


def properties(document: str, schema: str) -> set[str]:
    """The property names of ``schema`` in the bundled ``document``, through ``allOf``."""
    schemas = load_bundled(OPENAPI_DIR / f"{document}.yaml")["components"]["schemas"]

    def names(node: dict[str, Any]) -> set[str]:
        if "$ref" in node:
            return names(schemas[node["$ref"].rsplit("/", 1)[-1]])
        found = set(node.get("properties", {}))
        for part in node.get("allOf", []):
            found |= names(part)
        return found

    return names(schemas[schema])


def a_job() -> Job:
    moment = datetime(2026, 5, 1, tzinfo=UTC)
    return Job(
        id=1,
        employer_id=1,
        employer=Employer(id=1, name="Acme"),
        reference="PL-001",
        title="Engineer",
        description="Text",
        location="London, United Kingdom",
        city="London",
        country="United Kingdom",
        employment_type=EmploymentType.FULL_TIME,
        remote_type=RemoteType.ON_SITE,
        apply_method=ApplyMethod.QUICK_APPLY,
        salary_min=Decimal("1.00"),
        status=JobStatus.ACTIVE,
        posted_date=moment,
        expiry_date=moment,
        created_at=moment,
        updated_at=moment,
    )


@pytest.mark.parametrize(
    ("represent", "document", "schema"),
    [
        (job_summary, "v1", "JobSummary"),
        (job_detail, "v1", "Job"),
        (v2_job_summary, "v2", "JobSummary"),
        (v2_job_detail, "v2", "Job"),
        (open_job, "public", "OpenJob"),
    ],
)
def test_a_job_is_sent_with_the_properties_its_schema_names(
    represent: Callable[[Job], dict[str, Any]], document: str, schema: str
) -> None:
    assert set(represent(a_job())) == properties(document, schema)
