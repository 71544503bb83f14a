"""Applications, pipelines and the public job board through HTTP, on PostgreSQL and SQLite."""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from storage import clock, db, outbox, pipeline
from storage.models import Application, Candidate, CreditKind, OutboxEvent
from tests.support.apps import Api, make_settings
from tests.support.factories import SEED_JOB, EmployerFactory, KeyFactory, Tenant
from tests.support.statements import recorded_statements

from .test_candidates_api import balance, platform

# Once more on a PostgreSQL primary with a streaming replica serving the application lists and
# the public board (conftest's ``pytest_generate_tests``).
ALSO_ON_A_REPLICA = True

BOARD = "/public/v1/jobs"


def published_job(api: Api, key: str | None = None, **overrides: Any) -> dict[str, Any]:
    created = api.post("/api/v1/jobs", key=key, json={**SEED_JOB, **overrides})
    assert created.status_code == 201, created.text
    published = api.post(f"/api/v1/jobs/{created.json()['id']}/publish", key=key)
    assert published.status_code == 200, published.text
    return published.json()  # type: ignore[no-any-return]


def apply(api: Api, job_id: int, email: str | None = None, **fields: Any) -> Any:
    body = {
        "fullName": "Priya Evans",
        "email": email or f"{secrets.token_hex(6)}@example.com",
        "cvText": "Process engineer, twelve years of HVAC design.",
        **fields,
    }
    # The board takes no key: make sure none is sent.
    return api.client.post(f"{BOARD}/{job_id}/apply", json=body)


def events(employer_id: int, event_type: str | None = None) -> list[OutboxEvent]:
    with db.unit_of_work() as session:
        found = outbox.employer_events(session, employer_id)
    return [event for event in found if event_type is None or event.type == event_type]


def stages(api: Api, key: str | None = None) -> dict[str, str]:
    response = api.get("/api/v1/pipeline/stages", key=key)
    assert response.status_code == 200
    return {stage["name"]: stage["id"] for stage in response.json()["items"]}


@pytest.fixture
def other(make_employer: EmployerFactory, make_key: KeyFactory) -> Tenant:
    employer_id = make_employer(job_posting=5)
    key_id, key = make_key(employer_id)
    return Tenant(employer_id=employer_id, key=key, key_id=key_id)


class TestStages:
    def test_every_employer_starts_with_the_default_pipeline(
        self, api: Api, tenant: Tenant, other: Tenant
    ) -> None:
        body = api.get("/api/v1/pipeline/stages").json()
        assert [stage["name"] for stage in body["items"]] == list(pipeline.DEFAULT_STAGES)
        assert [stage["position"] for stage in body["items"]] == [0, 1, 2, 3, 4, 5]
        assert body["total"] == 6
        for stage in body["items"]:
            assert str(uuid.UUID(stage["id"])) == stage["id"]
        # Stable: the same ids every time; separate: another employer has its own.
        assert stages(api) == {stage["name"]: stage["id"] for stage in body["items"]}
        assert set(stages(api, other.key).values()).isdisjoint(stages(api).values())

    def test_stages_page(self, api: Api, tenant: Tenant) -> None:
        body = api.get("/api/v1/pipeline/stages", params={"page": 2, "pageSize": 4}).json()
        assert [stage["name"] for stage in body["items"]] == ["Hired", "Rejected"]
        assert (body["total"], body["page"], body["pageSize"]) == (6, 2, 4)

    def test_scopes(self, api: Api, tenant: Tenant, make_key: KeyFactory) -> None:
        _, jobs_only = make_key(tenant.employer_id, "jobs:read")
        assert api.get("/api/v1/pipeline/stages", key=jobs_only).status_code == 403
        _, reader = make_key(tenant.employer_id, "pipeline:read,applications:read")
        assert api.get("/api/v1/pipeline/stages", key=reader).status_code == 200
        stage_id = stages(api)["Screened"]
        move = api.put("/api/v1/pipeline/candidates/1/move", key=reader, json={"stageId": stage_id})
        assert move.status_code == 403
        assert move.json()["code"] == "insufficient_scope"

    def test_unknown_and_malformed_stage_ids(self, api: Api, tenant: Tenant) -> None:
        missing = api.get(f"/api/v1/pipeline/stages/{uuid.uuid4()}/candidates")
        assert missing.status_code == 404 and missing.json()["code"] == "not_found"
        malformed = api.get("/api/v1/pipeline/stages/not-a-uuid/candidates")
        assert malformed.status_code == 400
        assert malformed.json()["code"] == "invalid_request"


class TestPublicBoard:
    def test_lists_active_jobs_of_every_employer(
        self, api: Api, tenant: Tenant, other: Tenant
    ) -> None:
        country = f"Country {secrets.token_hex(4)}"
        mine = published_job(api, country=country, title="Platform engineer")
        theirs = published_job(api, other.key, country=country, remoteType="FullyRemote")
        draft = api.post("/api/v1/jobs", json={**SEED_JOB, "country": country}).json()
        closed = published_job(api, country=country)
        assert api.delete(f"/api/v1/jobs/{closed['id']}").status_code == 200

        response = api.client.get(BOARD, params={"country": country.upper()})

        assert response.status_code == 200
        body = response.json()
        ids = [job["id"] for job in body["items"]]
        assert ids == [theirs["id"], mine["id"]]  # newest posting first
        assert draft["id"] not in ids and body["total"] == 2
        row = body["items"][1]
        assert row["title"] == "Platform engineer" and row["description"] == SEED_JOB["description"]
        assert "reference" not in row and "status" not in row
        assert row["employerName"].startswith("Employer ")

    def test_filters(self, api: Api, tenant: Tenant) -> None:
        country = f"Country {secrets.token_hex(4)}"
        word = "w" + secrets.token_hex(4)
        remote = published_job(
            api, country=country, remoteType="FullyRemote", employmentType="Contract"
        )
        titled = published_job(api, country=country, title=f"Senior {word.upper()} lead")
        described = published_job(api, country=country, description=f"Work on {word}_stack.")

        def ids(**params: Any) -> list[int]:
            response = api.client.get(BOARD, params={"country": country, **params})
            assert response.status_code == 200, response.text
            return [job["id"] for job in response.json()["items"]]

        assert ids(remoteType="FullyRemote") == [remote["id"]]
        assert ids(employmentType="Contract") == [remote["id"]]
        assert ids(q=word) == [described["id"], titled["id"]]
        assert ids(q=f"{word} lead") == [titled["id"]]
        # LIKE wildcards in the text are matched literally.
        assert ids(q="%") == [] and ids(q=f"{word[:3]}_") == []
        assert ids(pageSize=1, page=3) == [remote["id"]]

    def test_bad_filters_are_400(self, api: Api) -> None:
        for params in ({"employmentType": "Sometimes"}, {"pageSize": 0}, {"page": "x"}):
            response = api.client.get(BOARD, params=params)
            assert response.status_code == 400 and response.json()["code"] == "invalid_request"

    def test_get_one_open_job(self, api: Api, tenant: Tenant) -> None:
        job = published_job(api)
        response = api.client.get(f"{BOARD}/{job['id']}")
        assert response.status_code == 200
        assert response.json()["id"] == job["id"]
        draft = api.post("/api/v1/jobs", json=SEED_JOB).json()
        assert api.client.get(f"{BOARD}/{draft['id']}").status_code == 404

    def test_a_job_past_its_expiry_is_gone_from_the_board_at_once(
        self, api: Api, tenant: Tenant
    ) -> None:
        job = published_job(api)
        clock.set_offset(timedelta(days=31))
        try:
            assert api.client.get(f"{BOARD}/{job['id']}").status_code == 404
            assert apply(api, job["id"]).status_code == 404
        finally:
            clock.set_offset(timedelta(0))

    def test_bodies_over_64_kib_are_refused_before_parsing(self, api: Api, tenant: Tenant) -> None:
        job = published_job(api)
        response = apply(api, job["id"], cvText="x" * (64 * 1024))
        assert response.status_code == 413
        assert response.json()["code"] == "payload_too_large"
        assert events(tenant.employer_id, outbox.APPLICATION_SUBMITTED) == []


class TestApply:
    def test_apply_files_an_application_at_the_first_stage_with_an_event(
        self, api: Api, tenant: Tenant
    ) -> None:
        job = published_job(api)
        email = f"{secrets.token_hex(6)}@example.com"

        response = apply(api, job["id"], email=email, phone="+44 20 7946 0000")

        assert response.status_code == 201, response.text
        receipt = response.json()
        assert receipt["jobId"] == job["id"]
        listed = api.get(f"/api/v1/jobs/{job['id']}/applications").json()
        assert listed["total"] == 1
        application = listed["items"][0]
        assert application["id"] == receipt["id"]
        assert application["stage"]["name"] == "New"
        assert application["applicationType"] == "QuickApply"
        assert application["appliedAt"] == receipt["appliedAt"]
        assert application["candidate"]["email"] == email
        assert application["candidate"]["phone"] == "+44 20 7946 0000"
        assert application["jobTitle"] == SEED_JOB["title"]

        [event] = events(tenant.employer_id, outbox.APPLICATION_SUBMITTED)
        assert event.data == {
            "applicationId": receipt["id"],
            "jobPostId": job["id"],
            "jobTitle": SEED_JOB["title"],
            "candidateId": application["candidateId"],
            "appliedAt": receipt["appliedAt"],
            "applicationType": "QuickApply",
        }
        assert outbox.payload(event)["id"].startswith("evt_")

    def test_one_application_per_email_per_job(self, api: Api, tenant: Tenant) -> None:
        job = published_job(api)
        second_job = published_job(api)
        email = f"{secrets.token_hex(6)}@example.com"
        assert apply(api, job["id"], email=email).status_code == 201

        again = apply(api, job["id"], email=email.upper())

        assert again.status_code == 409 and again.json()["code"] == "conflict"
        assert len(events(tenant.employer_id, outbox.APPLICATION_SUBMITTED)) == 1
        # The same person may apply to another job, as the same candidate.
        assert apply(api, second_job["id"], email=email).status_code == 201
        with db.unit_of_work() as session:
            people = session.scalar(
                select(func.count(func.distinct(Application.candidate_id))).where(
                    Application.employer_id == tenant.employer_id
                )
            )
        assert people == 1

    def test_only_active_jobs_take_applications(self, api: Api, tenant: Tenant) -> None:
        draft = api.post("/api/v1/jobs", json=SEED_JOB).json()
        closed = published_job(api)
        api.delete(f"/api/v1/jobs/{closed['id']}")
        for job_id in (draft["id"], closed["id"], 9_000_000_000):
            response = apply(api, job_id)
            assert response.status_code == 404 and response.json()["code"] == "not_found"
        assert events(tenant.employer_id, outbox.APPLICATION_SUBMITTED) == []

    def test_invalid_applications_are_400_and_change_nothing(
        self, api: Api, tenant: Tenant
    ) -> None:
        job = published_job(api)
        for fields in (
            {"email": "not-an-address"},
            {"fullName": "   "},
            {"cvText": ""},
            {"cvText": "nul \x00 inside"},
            {"coverLetter": "unknown field"},
        ):
            response = apply(api, job["id"], **fields)
            assert response.status_code == 400, fields
            assert response.json()["code"] == "invalid_request"
        missing = api.client.post(f"{BOARD}/{job['id']}/apply", json={"fullName": "A B"})
        assert missing.status_code == 400
        assert api.get(f"/api/v1/jobs/{job['id']}/applications").json()["total"] == 0

    def test_an_existing_platform_profile_is_reused_and_kept(
        self, api: Api, tenant: Tenant
    ) -> None:
        email = f"{secrets.token_hex(6)}@example.com"
        candidate_id = platform("hvac", email=email, full_name="Priya Evans")
        job = published_job(api)

        assert apply(api, job["id"], email=email, fullName="P. Evans").status_code == 201

        application = api.get(f"/api/v1/jobs/{job['id']}/applications").json()["items"][0]
        assert application["candidateId"] == candidate_id
        assert application["candidate"]["fullName"] == "Priya Evans"

    def test_applicants_join_the_talent_pool_free_but_not_the_cv_database(
        self, api: Api, tenant: Tenant, other: Tenant
    ) -> None:
        word = "w" + secrets.token_hex(5)
        job = published_job(api)
        assert apply(api, job["id"], cvText=f"Ten years of {word}.").status_code == 201
        candidate_id = api.get(f"/api/v1/jobs/{job['id']}/applications").json()["items"][0][
            "candidateId"
        ]
        before = balance(tenant.employer_id, CreditKind.CV_DOWNLOAD)

        pool = api.get("/api/v1/candidates").json()
        profile = api.get(f"/api/v1/candidates/{candidate_id}")

        assert candidate_id in [item["id"] for item in pool["items"]]
        assert profile.status_code == 200 and profile.json()["source"] == "talentPool"
        assert balance(tenant.employer_id, CreditKind.CV_DOWNLOAD) == before
        # Another employer cannot find or open the applicant: applying is not opting in.
        assert api.get(f"/api/v1/candidates/{candidate_id}", key=other.key).status_code == 404
        with db.unit_of_work() as session:
            applicant = session.get(Candidate, candidate_id)
            assert applicant is not None and applicant.in_cv_database is False

    def test_cv_text_is_kept_as_plain_text(self, api: Api, tenant: Tenant) -> None:
        job = published_job(api)
        markup = '<script>alert("x")</script><b>Engineer</b> & <i>lead</i>'
        assert apply(api, job["id"], cvText=markup).status_code == 201
        response = api.get(f"/api/v1/jobs/{job['id']}/applications")
        assert response.headers["content-type"].startswith("application/json")
        assert response.json()["items"][0]["cvText"] == markup

    def test_applications_of_another_employers_job_are_404(
        self, api: Api, tenant: Tenant, other: Tenant
    ) -> None:
        job = published_job(api)
        apply(api, job["id"])
        response = api.get(f"/api/v1/jobs/{job['id']}/applications", key=other.key)
        assert response.status_code == 404 and response.json()["code"] == "not_found"

    def test_closing_a_job_keeps_its_applications(self, api: Api, tenant: Tenant) -> None:
        job = published_job(api)
        apply(api, job["id"])
        assert api.delete(f"/api/v1/jobs/{job['id']}").status_code == 200
        assert api.get(f"/api/v1/jobs/{job['id']}/applications").json()["total"] == 1


@pytest.fixture
def applied(api: Api, tenant: Tenant) -> Iterator[tuple[dict[str, Any], dict[str, Any]]]:
    """A published job of the tenant with one application; (job, application)."""
    job = published_job(api)
    assert apply(api, job["id"]).status_code == 201
    yield job, api.get(f"/api/v1/jobs/{job['id']}/applications").json()["items"][0]


class TestMove:
    def test_move_changes_the_stage_and_fires_status_changed(
        self, api: Api, tenant: Tenant, applied: tuple[dict[str, Any], dict[str, Any]]
    ) -> None:
        job, application = applied
        screened = stages(api)["Screened"]

        response = api.put(
            f"/api/v1/pipeline/candidates/{application['id']}/move", json={"stageId": screened}
        )

        assert response.status_code == 200
        moved = response.json()
        assert moved["stage"] == {"id": screened, "name": "Screened", "position": 1}
        assert moved["stageChangedAt"] >= application["stageChangedAt"]
        [event] = events(tenant.employer_id, outbox.APPLICATION_STATUS_CHANGED)
        assert event.data == {
            "applicationId": application["id"],
            "previousStatus": "New",
            "newStatus": "Screened",
            "changedAt": moved["stageChangedAt"],
        }
        at_stage = api.get(f"/api/v1/pipeline/stages/{screened}/candidates").json()
        assert [item["id"] for item in at_stage["items"]] == [application["id"]]
        assert at_stage["items"][0]["candidate"]["id"] == application["candidateId"]
        new_stage = api.get(f"/api/v1/pipeline/stages/{stages(api)['New']}/candidates").json()
        assert application["id"] not in [item["id"] for item in new_stage["items"]]
        by_stage = api.get(
            f"/api/v1/jobs/{job['id']}/applications", params={"stageId": screened}
        ).json()
        assert by_stage["total"] == 1

    def test_moving_to_the_current_stage_is_a_no_op(
        self, api: Api, tenant: Tenant, applied: tuple[dict[str, Any], dict[str, Any]]
    ) -> None:
        _, application = applied
        response = api.put(
            f"/api/v1/pipeline/candidates/{application['id']}/move",
            json={"stageId": application["stage"]["id"]},
        )
        assert response.status_code == 200
        assert response.json()["stageChangedAt"] == application["stageChangedAt"]
        assert events(tenant.employer_id, outbox.APPLICATION_STATUS_CHANGED) == []

    def test_another_employers_stage_or_application_is_404(
        self,
        api: Api,
        tenant: Tenant,
        other: Tenant,
        applied: tuple[dict[str, Any], dict[str, Any]],
    ) -> None:
        _, application = applied
        path = f"/api/v1/pipeline/candidates/{application['id']}/move"
        foreign_stage = stages(api, other.key)["Hired"]

        to_foreign = api.put(path, json={"stageId": foreign_stage})
        by_other = api.put(path, key=other.key, json={"stageId": foreign_stage})
        listing = api.get(f"/api/v1/pipeline/stages/{foreign_stage}/candidates")

        for response in (to_foreign, by_other, listing):
            assert response.status_code == 404 and response.json()["code"] == "not_found"
        unchanged = api.get(f"/api/v1/pipeline/stages/{stages(api)['New']}/candidates").json()
        assert application["id"] in [item["id"] for item in unchanged["items"]]
        assert events(tenant.employer_id, outbox.APPLICATION_STATUS_CHANGED) == []

    def test_applications_of_closed_and_expired_jobs_still_move(
        self, api: Api, tenant: Tenant, applied: tuple[dict[str, Any], dict[str, Any]]
    ) -> None:
        job, application = applied
        api.delete(f"/api/v1/jobs/{job['id']}")
        path = f"/api/v1/pipeline/candidates/{application['id']}/move"
        assert api.put(path, json={"stageId": stages(api)["Rejected"]}).status_code == 200
        clock.set_offset(timedelta(days=40))
        try:
            response = api.put(path, json={"stageId": stages(api)["Hired"]})
        finally:
            clock.set_offset(timedelta(0))
        assert response.status_code == 200 and response.json()["stage"]["name"] == "Hired"

    def test_bad_bodies_are_400(
        self, api: Api, tenant: Tenant, applied: tuple[dict[str, Any], dict[str, Any]]
    ) -> None:
        _, application = applied
        path = f"/api/v1/pipeline/candidates/{application['id']}/move"
        for body in ({}, {"stageId": "New"}, {"stageId": str(uuid.uuid4()), "extra": 1}):
            response = api.put(path, json=body)
            assert response.status_code == 400 and response.json()["code"] == "invalid_request"

    def test_a_move_that_rolls_back_leaves_no_event(
        self, api: Api, tenant: Tenant, applied: tuple[dict[str, Any], dict[str, Any]]
    ) -> None:
        _, application = applied
        with pytest.raises(RuntimeError), db.unit_of_work() as session:
            pipeline.move_application(
                session,
                tenant.employer_id,
                application["id"],
                uuid.UUID(stages(api)["Offered"]),
            )
            raise RuntimeError("the request failed after the move")
        assert events(tenant.employer_id, outbox.APPLICATION_STATUS_CHANGED) == []
        listed = api.get(f"/api/v1/pipeline/stages/{stages(api)['New']}/candidates").json()
        assert application["id"] in [item["id"] for item in listed["items"]]


class TestJobEvents:
    def test_publish_and_close_are_recorded_once(self, api: Api, tenant: Tenant) -> None:
        job = published_job(api)
        api.delete(f"/api/v1/jobs/{job['id']}")
        api.delete(f"/api/v1/jobs/{job['id']}")  # closing again changes nothing
        recorded = [(event.type, event.data["jobPostId"]) for event in events(tenant.employer_id)]
        assert recorded == [("job.published", job["id"]), ("job.closed", job["id"])]

    def test_a_refused_publish_records_nothing(
        self, api: Api, make_employer: EmployerFactory, make_key: KeyFactory
    ) -> None:
        employer_id = make_employer(job_posting=0)
        _, key = make_key(employer_id)
        job = api.post("/api/v1/jobs", key=key, json=SEED_JOB).json()
        assert api.post(f"/api/v1/jobs/{job['id']}/publish", key=key).status_code == 402
        assert events(employer_id) == []


class TestPublicRateLimits:
    """Limits per client address, counted in Redis (one app with low limits, built here)."""

    @pytest.fixture
    def limited(
        self, api: Api, redis_url: str, tmp_path_factory: pytest.TempPathFactory
    ) -> Iterator[Any]:
        import dataclasses

        from hirebridge.app import create_app

        settings = dataclasses.replace(
            make_settings(str(api.database.url), redis_url, tmp_path_factory.mktemp("limited")),
            public_board_per_minute=4,
            public_apply_per_minute=2,
        )
        db.use(api.database)
        # A fresh address for the limiter, so other tests' requests do not count.
        with create_app(settings).test_client(
            client=(f"198.51.100.{secrets.randbelow(250) + 1}", 50000)
        ) as client:
            yield client
        api.activate()

    def test_apply_is_limited_per_address_and_refusals_change_nothing(
        self, api: Api, tenant: Tenant, limited: Any
    ) -> None:
        job = published_job(api)
        db.use(api.database)
        body = {"fullName": "A B", "cvText": "cv"}
        statuses = [
            limited.post(f"{BOARD}/{job['id']}/apply", json={**body, "email": f"a{n}@example.com"})
            for n in range(3)
        ]
        assert [response.status_code for response in statuses] == [201, 201, 429]
        first, refused = statuses[0], statuses[2]
        assert first.headers["X-RateLimit-Limit"] == "2"
        assert first.headers["X-RateLimit-Remaining"] == "1"
        assert 0 <= int(first.headers["X-RateLimit-Reset"]) <= 60
        assert refused.json()["code"] == "rate_limited"
        assert 0 <= int(refused.headers["Retry-After"]) <= 60
        assert refused.headers["X-RateLimit-Remaining"] == "0"
        assert len(events(tenant.employer_id, outbox.APPLICATION_SUBMITTED)) == 2

    def test_reading_has_its_own_limit(self, api: Api, limited: Any) -> None:
        db.use(api.database)
        statuses = [limited.get(BOARD).status_code for _ in range(5)]
        assert statuses == [200, 200, 200, 200, 429]

    def test_the_partner_api_is_not_limited_per_address(
        self, api: Api, tenant: Tenant, limited: Any
    ) -> None:
        db.use(api.database)
        headers = {"Authorization": f"Bearer {tenant.key}"}
        statuses = {limited.get("/api/v1/jobs", headers=headers).status_code for _ in range(6)}
        assert statuses == {200}

    def test_without_redis_the_board_fails_open(
        self, api: Api, tmp_path_factory: pytest.TempPathFactory
    ) -> None:
        import dataclasses
        import socket

        from hirebridge.app import create_app

        with socket.socket() as probe:  # a port nothing listens on
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        settings = dataclasses.replace(
            make_settings(
                str(api.database.url), f"redis://127.0.0.1:{port}/0", tmp_path_factory.mktemp("x")
            ),
            public_board_per_minute=1,
        )
        db.use(api.database)
        with create_app(settings).test_client() as client:
            responses = [client.get(BOARD) for _ in range(3)]
        api.activate()
        assert [response.status_code for response in responses] == [200, 200, 200]
        assert "X-RateLimit-Limit" not in responses[0].headers


def test_numbered_pages_count_in_their_own_statement(
    api: Api, tenant: Tenant, applied: tuple[dict[str, Any], dict[str, Any]]
) -> None:
    """A page and the count of all its rows come from one statement (``count(*) OVER ()``):
    the talent pool, the applications at a stage and those of a job make no count of their own,
    and the applications read only what their lists show."""
    job, _application = applied
    pages = [
        "/api/v1/candidates",
        f"/api/v1/pipeline/stages/{stages(api)['New']}/candidates",
        f"/api/v1/jobs/{job['id']}/applications",
    ]
    for path in pages:
        with recorded_statements(api.database) as statements:
            page = api.get(path).json()
        assert [item["id"] for item in page["items"]][-1:] and page["total"] == 1, page
        assert not [sql for sql in statements if sql.lstrip().startswith("SELECT count(*)")], path
        if "applications" in path or "stages" in path:
            # An application in a list shows neither the applicant's preferred countries nor
            # the job's description: neither is read.
            assert not [sql for sql in statements if "candidate_preferred_countries" in sql]
            [page_statement] = [sql for sql in statements if "FROM applications" in sql]
            assert "jobs.description" not in page_statement, page_statement


@pytest.mark.parametrize(
    "listed",
    ["v1 stage", "v2 stage", "v1 job", "v1 job at a stage", "v2 job", "v2 job at a stage"],
)
def test_a_list_of_applications_is_one_statement_that_reads_what_it_shows(
    api: Api, tenant: Tenant, applied: tuple[dict[str, Any], dict[str, Any]], listed: str
) -> None:
    """A page of applications (at a stage, or of a job) is one statement of plain rows: the
    application with its job's title, its stage and its applicant's contact details, no check
    of the stage or the job of its own, and neither the applicant's CV nor the job's
    description read."""
    job, _application = applied
    version, kind = listed.split(" ", 1)
    new = stages(api)["New"]
    path = {
        "stage": f"/api/{version}/pipeline/stages/{new}/candidates",
        "job": f"/api/{version}/jobs/{job['id']}/applications",
        "job at a stage": f"/api/{version}/jobs/{job['id']}/applications?stageId={new}",
    }[kind]
    with recorded_statements(api.database) as statements:
        response = api.get(path)
    assert response.status_code == 200, response.text
    body = response.json()
    assert len(body["items"] if version == "v1" else body["data"]) == 1, body
    reads = [
        sql
        for sql in statements
        if any(table in sql for table in ("applications", "pipeline_stages", "FROM jobs"))
    ]
    assert len(reads) == 1, reads
    assert "candidates.cv_text" not in reads[0] and "jobs.description" not in reads[0]
