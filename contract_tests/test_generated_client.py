"""A partner's view: generate a Python client from the served document and integrate with it."""

from __future__ import annotations

import importlib
import secrets
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest

from storage import api_keys, candidates, credits, db, employers
from storage.api_keys import SCOPES
from storage.models import CreditKind
from tests.support.factories import mint_usable_key
from tests.support.live import LiveServer, service_env, start_live_server, stop_live_server

GENERATOR = Path(sys.executable).with_name("openapi-python-client")


def generate_client(document_url: str, name: str, workdir: Path) -> ModuleType:
    """The client openapi-python-client generates from the served document, imported as ``name``.

    The generator must take the document without a warning (a warning means an operation or a
    model was skipped or degraded).
    """
    document = workdir / f"{name}.json"
    document.write_bytes(httpx.get(document_url).content)
    result = subprocess.run(
        [
            str(GENERATOR),
            "generate",
            "--path",
            str(document),
            "--meta",
            "none",
            "--output-path",
            str(workdir / name),
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
    return importlib.import_module(name)


def job_create(models: ModuleType, reference: str, **apply: Any) -> Any:
    """A generated client's ``JobCreate`` for a remote engineering job."""
    return models.JobCreate(
        reference=reference,
        title=f"Engineer {reference}",
        description="Generated-client integration.",
        city="Berlin",
        country="Germany",
        employment_type=models.EmploymentType.FULLTIME,
        remote_type=models.RemoteType.FULLYREMOTE,
        **apply,
    )


def imported_client(
    server: LiveServer, version: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ModuleType]:
    """Generate the client of the served ``version`` document; import it as ``<version>_client``."""
    workdir = tmp_path_factory.mktemp(f"client_{version}")
    sys.path.insert(0, str(workdir))
    try:
        yield generate_client(
            f"{server.base_url}/swagger/{version}/swagger.json", f"{version}_client", workdir
        )
    finally:
        sys.path.remove(str(workdir))


@pytest.fixture(scope="module")
def v1_client_package(
    live_server: LiveServer, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ModuleType]:
    """The client openapi-python-client generates from /swagger/v1/swagger.json, imported."""
    yield from imported_client(live_server, "v1", tmp_path_factory)


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
                body=job_create(
                    models,
                    f"GEN-{n}",
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


@pytest.fixture(scope="module")
def v2_live_server(
    postgresql_url: str, redis_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    """The real server on PostgreSQL, allowed loopback webhook targets (no DNS in the suite)."""
    env = service_env(postgresql_url, redis_url, tmp_path_factory.mktemp("live_v2"))
    env["WEBHOOK_ALLOW_INSECURE_TARGETS"] = "1"
    server = start_live_server(env, workers=1)
    yield server
    stop_live_server(server)


@pytest.fixture(scope="module")
def v2_client_package(
    v2_live_server: LiveServer, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ModuleType]:
    """The client openapi-python-client generates from /swagger/v2/swagger.json, imported."""
    yield from imported_client(v2_live_server, "v2", tmp_path_factory)


def test_v2_generated_client_runs_the_partner_scenario(
    v2_client_package: ModuleType, v2_live_server: LiveServer, postgresql_url: str
) -> None:
    word = "gen" + secrets.token_hex(4)
    database = db.Database(postgresql_url, pool_size=1)
    with database.unit_of_work() as session:
        employer = employers.create_employer(session, name="Generated Client v2 Ltd")
        for kind in (CreditKind.JOB_POSTING, CreditKind.CV_SEARCH, CreditKind.CV_DOWNLOAD):
            credits.adjust_credits(session, employer.id, kind, 5)
        minted = mint_usable_key(session, employer, name="generated v2", scopes=list(SCOPES))
        key = minted.plaintext
        profiles = [
            candidates.create_platform_candidate(
                session,
                {
                    "full_name": "Priya Evans",
                    "email": f"{secrets.token_hex(6)}@example.com",
                    "headline": f"Senior {word} engineer",
                    "cv_text": f"Ten years of {word}.",
                },
            ).id
            for _ in range(3)
        ]
    database.dispose()

    def api(tag: str, name: str) -> Any:
        return importlib.import_module(f"v2_client.api.{tag}.{name}")

    client_module = importlib.import_module("v2_client.client")
    models = importlib.import_module("v2_client.models")
    base_url = v2_live_server.base_url
    with client_module.AuthenticatedClient(base_url=f"{base_url}/api/v2", token=key) as client:
        created = [
            api("jobs", "create_job")
            .sync(
                client=client,
                body=models.JobCreate(
                    reference=f"GEN2-{n}",
                    title=f"Engineer GEN2-{n}",
                    description="Generated-client integration.",
                    city="Berlin",
                    country="Germany",
                    employment_type=models.EmploymentType.CONTRACT,
                    remote_type=models.RemoteType.REMOTE,
                ),
            )
            .data
            for n in range(3)
        ]
        assert all(isinstance(job, models.Job) for job in created), created
        assert created[0].location == "Berlin, Germany"
        assert created[0].apply_method == models.ApplyMethod.QUICK_APPLY
        assert created[0].status == models.JobStatus.DRAFT

        published = api("jobs", "publish_job").sync(
            job_id=created[0].id, client=client, body=models.PublishRequest()
        )
        assert published.success is True and published.data.status == models.JobStatus.OPEN

        # HeadHonta's way: created open at once from a location, then closed by an update.
        opened = (
            api("jobs", "create_job")
            .sync(
                client=client,
                body=models.JobCreate(
                    title="Senior Backend Engineer",
                    description="We are looking for...",
                    location="Lagos, Nigeria",
                    employment_type=models.EmploymentType.FULL_TIME,
                    status=models.JobCreateStatus.OPEN,
                ),
            )
            .data
        )
        assert (opened.status, opened.city, opened.country) == (
            models.JobStatus.OPEN,
            "Lagos",
            "Nigeria",
        )
        assert opened.reference is None and opened.posted_date is not None
        closed = api("jobs", "update_job").sync(
            job_id=opened.id, client=client, body=models.JobUpdate(status=models.JobStatus.CLOSED)
        )
        assert closed.data.status == models.JobStatus.CLOSED
        only_closed = api("jobs", "list_jobs").sync(client=client, status=models.JobStatus.CLOSED)
        assert [job.id for job in only_closed.data] == [opened.id]

        # Every page, by cursor.
        seen: list[int] = []
        cursor: Any = models_unset(v2_client_package)
        while True:
            listing = api("jobs", "list_jobs").sync(client=client, limit=2, cursor=cursor)
            assert listing.pagination.limit == 2
            seen.extend(item.id for item in listing.data)
            if not listing.pagination.has_more:
                break
            cursor = listing.pagination.next_cursor
        assert seen == [opened.id] + [job.id for job in reversed(created)]

        refused = api("jobs", "list_jobs").sync_detailed(client=client, cursor="forged")
        assert refused.status_code == 400
        assert refused.parsed.success is False
        assert refused.parsed.error.code == "invalid_request"

        found = api("candidates", "search_candidates").sync(
            client=client, body=models.CandidateSearchRequest(query=word), limit=10
        )
        assert sorted(row.id for row in found.data) == sorted(profiles)
        assert found.meta.total == 3 and all(row.is_unlocked is False for row in found.data)

        profile = api("candidates", "get_candidate").sync(
            candidate_id=found.data[0].id, client=client
        )
        assert profile.data.is_unlocked is True and profile.data.email

        applied = httpx.post(
            f"{base_url}/public/v1/jobs/{created[0].id}/apply",
            json={
                "fullName": "Ada Lovelace",
                "email": f"{secrets.token_hex(6)}@example.com",
                "cvText": "Analyst, ten years of engines.",
            },
        )
        assert applied.status_code == 201, applied.text
        stages = api("pipeline", "list_pipeline_stages").sync(client=client).data
        at_first = api("pipeline", "list_stage_candidates").sync(
            stage_id=stages[0].id, client=client
        )
        moved = api("pipeline", "move_application").sync(
            application_id=at_first.data[0].id,
            client=client,
            body=models.MoveApplicationRequest(stage_id=stages[1].id),
        )
        assert moved.data.stage.name == stages[1].name

        webhook = api("webhooks", "create_webhook").sync(
            client=client,
            body=models.WebhookCreate(
                url="http://127.0.0.1:9/hooks/generated",
                events=[models.SubscribableEventType.APPLICATION_SUBMITTED],
            ),
        )
        assert webhook.data.secret.startswith("whsec_")
        assert (
            api("webhooks", "delete_webhook")
            .sync_detailed(webhook_id=webhook.data.id, client=client)
            .status_code
            == 204
        )


def models_unset(package: ModuleType) -> Any:
    """The generated client's "leave this parameter out" value."""
    return importlib.import_module(f"{package.__name__}.types").UNSET
