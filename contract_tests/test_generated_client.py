"""A partner's view: generate a Python client from the served document and integrate with it."""

from __future__ import annotations

import importlib
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest

from conftest import LiveServer
from storage import api_keys, credits, db, employers
from storage.models import CreditKind

GENERATOR = Path(sys.executable).with_name("openapi-python-client")


@pytest.fixture(scope="module")
def v1_client_package(
    live_server: LiveServer, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ModuleType]:
    """The client openapi-python-client generates from /swagger/v1/swagger.json, imported."""
    workdir = tmp_path_factory.mktemp("client")
    document = workdir / "v1.json"
    document.write_bytes(httpx.get(f"{live_server.base_url}/swagger/v1/swagger.json").content)
    result = subprocess.run(
        [
            str(GENERATOR),
            "generate",
            "--path",
            str(document),
            "--meta",
            "none",
            "--output-path",
            str(workdir / "v1_client"),
        ],
        capture_output=True,
        text=True,
        check=False,
        cwd=workdir,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    # The only warnings allowed are about the optional post-generation formatter.
    warnings = [
        line
        for line in (result.stdout + result.stderr).splitlines()
        if line.strip()
        and "ruff" not in line
        and "Skipping Integration" not in line
        and not line.startswith(("Generating", "Warning(s) encountered", "If you believe"))
    ]
    assert warnings == [], "\n".join(warnings)
    sys.path.insert(0, str(workdir))
    try:
        yield importlib.import_module("v1_client")
    finally:
        sys.path.remove(str(workdir))


def test_generated_client_runs_the_job_posting_scenario(
    v1_client_package: ModuleType, live_server: LiveServer, postgresql_url: str
) -> None:
    database = db.Database(postgresql_url, pool_size=1)
    with database.unit_of_work() as session:
        employer = employers.create_employer(session, name="Generated Client Ltd")
        credits.adjust_credits(session, employer.id, CreditKind.JOB_POSTING, 3)
        key = api_keys.mint_key(
            session, employer, name="generated", scopes=["JobPosting"]
        ).plaintext
    database.dispose()

    client_module = importlib.import_module("v1_client.client")
    jobs_api: dict[str, Any] = {
        name: importlib.import_module(f"v1_client.api.jobs.{name}")
        for name in ("create_job", "list_jobs", "get_job", "update_job", "publish_job", "close_job")
    }
    models = importlib.import_module("v1_client.models")
    with client_module.AuthenticatedClient(
        base_url=f"{live_server.base_url}/api/v1", token=key
    ) as client:
        created = [
            jobs_api["create_job"].sync(
                client=client,
                body=models.JobCreate(
                    reference=f"GEN-{n}",
                    title=f"Engineer {n}",
                    description="Generated-client integration.",
                    city="Berlin",
                    country="Germany",
                    employment_type=models.EmploymentType.FULLTIME,
                    remote_type=models.RemoteType.FULLYREMOTE,
                    apply_method=models.ApplyMethod.URLAPPLY,
                    apply_url="https://example.com/apply",
                ),
            )
            for n in range(3)
        ]
        assert all(isinstance(job, models.Job) for job in created), created

        expiry = datetime.now(UTC).replace(microsecond=0) + timedelta(days=20)
        published = jobs_api["publish_job"].sync(
            job_id=created[0].id, client=client, body=models.PublishRequest(expiry_date=expiry)
        )
        assert published.status == models.JobStatus.ACTIVE
        assert published.expiry_date == expiry

        updated = jobs_api["update_job"].sync(
            job_id=created[1].id, client=client, body=models.JobUpdate(title="Principal Engineer")
        )
        assert updated.title == "Principal Engineer"

        seen: list[int] = []
        page = 1
        while True:
            listing = jobs_api["list_jobs"].sync(client=client, page=page, page_size=2)
            seen.extend(item.id for item in listing.items)
            if page * listing.page_size >= listing.total:
                break
            page += 1
        assert sorted(seen) == sorted(job.id for job in created)

        closed = jobs_api["close_job"].sync(job_id=created[2].id, client=client)
        assert closed.status == models.JobStatus.INACTIVE

        missing = jobs_api["get_job"].sync_detailed(job_id=999_999_999, client=client)
        assert missing.status_code == 404
        assert missing.parsed.code == "not_found"

        refused = jobs_api["publish_job"].sync_detailed(
            job_id=created[0].id, client=client, body=models.PublishRequest()
        )
        assert refused.status_code == 400 and refused.parsed.code == "invalid_state"
