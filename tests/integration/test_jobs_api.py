"""The Jobs operations of /api/v1, through HTTP, on PostgreSQL and on SQLite."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from storage import credits, db
from storage.models import CreditKind
from tests.support.apps import Api
from tests.support.factories import SEED_JOB, EmployerFactory, KeyFactory, Tenant
from tests.support.statements import recorded_statements

# Once more on a PostgreSQL primary with a streaming replica serving the job lists
# (conftest's ``pytest_generate_tests``).
ALSO_ON_A_REPLICA = True

SEED_EXAMPLE = SEED_JOB


def create(api: Api, **overrides: Any) -> dict[str, Any]:
    response = api.post("/api/v1/jobs", json={**SEED_EXAMPLE, **overrides})
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


def balance(employer_id: int, kind: CreditKind = CreditKind.JOB_POSTING) -> int:
    with db.unit_of_work() as session:
        return credits.balance(session, employer_id, kind)


def ledger(employer_id: int, kind: CreditKind = CreditKind.JOB_POSTING) -> int:
    with db.unit_of_work() as session:
        return credits.ledger_total(session, employer_id, kind)


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


class TestCreate:
    def test_seed_example_creates_a_draft_with_location(self, api: Api, tenant: Tenant) -> None:
        response = api.post("/api/v1/jobs", json=SEED_EXAMPLE)

        assert response.status_code == 201
        job = response.json()
        assert response.headers["location"] == f"/api/v1/jobs/{job['id']}"
        assert job["status"] == "Draft"
        assert job["postedDate"] is None and job["expiryDate"] is None
        for name, value in SEED_EXAMPLE.items():
            assert job[name] == value
        fetched = api.get(response.headers["location"]).json()
        assert fetched == job

    def test_apply_target_is_required_by_the_apply_method(self, api: Api, tenant: Tenant) -> None:
        body = {key: value for key, value in SEED_EXAMPLE.items() if key != "applyEmailAddress"}
        response = api.post("/api/v1/jobs", json=body)
        assert response.status_code == 400
        assert response.json() == {
            "code": "invalid_request",
            "message": "applyEmailAddress is required when applyMethod is EmailApply.",
        }

        response = api.post("/api/v1/jobs", json={**body, "applyMethod": "UrlApply"})
        assert response.status_code == 400
        assert "applyUrl" in response.json()["message"]

        assert create(api, applyMethod="QuickApply")["applyMethod"] == "QuickApply"

    def test_salary_range_must_be_ordered(self, api: Api, tenant: Tenant) -> None:
        response = api.post(
            "/api/v1/jobs", json={**SEED_EXAMPLE, "salaryMin": 100, "salaryMax": 50}
        )
        assert response.status_code == 400
        assert response.json()["code"] == "invalid_request"
        job = create(api, salaryMin=50000, salaryMax=60000.5, salaryCurrency="EUR")
        assert (job["salaryMin"], job["salaryMax"], job["salaryCurrency"]) == (
            50000,
            60000.5,
            "EUR",
        )

    @pytest.mark.parametrize(
        ("change", "fragment"),
        [
            ({"title": ""}, "title"),
            ({"title": "   "}, "title"),
            ({"title": "a\x00b"}, "title"),
            ({"employmentType": "Freelance"}, "Freelance"),
            ({"salaryCurrency": "pounds"}, "salaryCurrency"),
            ({"status": "Active"}, "status"),
            ({"applyEmailAddress": "not-an-email"}, "applyEmailAddress"),
            ({"salaryMin": -1}, "salaryMin"),
        ],
    )
    def test_invalid_fields_are_400_and_create_nothing(
        self, api: Api, tenant: Tenant, change: dict[str, Any], fragment: str
    ) -> None:
        response = api.post("/api/v1/jobs", json={**SEED_EXAMPLE, **change})

        assert response.status_code == 400, response.text
        assert response.json()["code"] == "invalid_request"
        assert fragment in response.json()["message"]
        assert api.get("/api/v1/jobs").json()["total"] == 0

    def test_a_create_is_one_insert_and_the_job_reads_back_as_answered(
        self, api: Api, tenant: Tenant
    ) -> None:
        create(api)  # the key's first call reads its principal from the database
        with recorded_statements(api.database) as statements:
            created = create(api, salaryMin=50000, salaryMax=60000.5, salaryCurrency="GBP")
        job_statements = [sql for sql in statements if "jobs" in sql]
        assert len(job_statements) == 1, statements
        assert job_statements[0].startswith("INSERT INTO jobs"), statements
        assert api.get(f"/api/v1/jobs/{created['id']}").json() == created

    def test_missing_required_field_names_it(self, api: Api, tenant: Tenant) -> None:
        body = {key: value for key, value in SEED_EXAMPLE.items() if key != "title"}
        response = api.post("/api/v1/jobs", json=body)
        assert response.status_code == 400
        assert response.json() == {
            "code": "invalid_request",
            "message": "The field title is required.",
        }


class TestList:
    def test_empty_list_matches_the_seed(self, api: Api, tenant: Tenant) -> None:
        response = api.get("/api/v1/jobs")
        assert response.status_code == 200
        assert response.json() == {"total": 0, "page": 1, "pageSize": 50, "items": []}

    def test_newest_first_with_paging_and_status_filter(self, api: Api, tenant: Tenant) -> None:
        ids = [create(api, reference=f"R-{n}")["id"] for n in range(5)]
        published = api.post(f"/api/v1/jobs/{ids[1]}/publish")
        assert published.status_code == 200

        first = api.get("/api/v1/jobs", params={"pageSize": 2}).json()
        second = api.get("/api/v1/jobs", params={"pageSize": 2, "page": 2}).json()
        third = api.get("/api/v1/jobs", params={"pageSize": 2, "page": 3}).json()
        beyond = api.get("/api/v1/jobs", params={"pageSize": 2, "page": 9}).json()

        assert first["total"] == 5 and first["page"] == 1 and first["pageSize"] == 2
        walked = [item["id"] for page in (first, second, third) for item in page["items"]]
        assert walked == list(reversed(ids))
        assert beyond["items"] == [] and beyond["total"] == 5
        assert "description" not in first["items"][0]

        active = api.get("/api/v1/jobs", params={"status": "Active"}).json()
        assert [item["id"] for item in active["items"]] == [ids[1]]
        assert api.get("/api/v1/jobs", params={"status": "Draft"}).json()["total"] == 4

    @pytest.mark.parametrize(
        "path",
        ["/api/v1/jobs", "/api/v1/jobs?status=Draft", "/api/v2/jobs", "/api/v2/jobs?status=draft"],
    )
    def test_a_page_is_one_statement_that_reads_no_description(
        self, api: Api, tenant: Tenant, path: str
    ) -> None:
        for number in range(3):
            # Each create moves the employer's job generation: the read below is not cached.
            create(api, reference=f"R-{number}")
        with recorded_statements(api.database) as statements:
            response = api.get(path)
        assert response.status_code == 200, response.text
        job_reads = [sql for sql in statements if "FROM jobs" in sql]
        assert len(job_reads) == 1, statements
        assert "description" not in job_reads[0]

    @pytest.mark.parametrize(
        "query",
        [{"pageSize": 0}, {"pageSize": 101}, {"page": 0}, {"status": "Open"}, {"unknown": "1"}],
    )
    def test_bad_query_parameters_are_400(
        self, api: Api, tenant: Tenant, query: dict[str, Any]
    ) -> None:
        response = api.get("/api/v1/jobs", params=query)
        assert response.status_code == 400
        assert response.json()["code"] == "invalid_request"


class TestUpdate:
    def test_partial_update_changes_only_named_fields(self, api: Api, tenant: Tenant) -> None:
        job = create(api, salaryMin=1000, salaryMax=2000, salaryCurrency="GBP")

        response = api.put(f"/api/v1/jobs/{job['id']}", json={"title": "Staff Engineer"})

        assert response.status_code == 200
        updated = response.json()
        assert updated["title"] == "Staff Engineer"
        assert {k: v for k, v in updated.items() if k not in {"title", "updatedAt"}} == {
            k: v for k, v in job.items() if k not in {"title", "updatedAt"}
        }

    def test_null_clears_optional_fields_but_rules_still_hold(
        self, api: Api, tenant: Tenant
    ) -> None:
        job = create(api, salaryMin=1000, salaryMax=2000, salaryCurrency="GBP")
        cleared = api.put(
            f"/api/v1/jobs/{job['id']}",
            json={"salaryMin": None, "salaryMax": None, "salaryCurrency": None},
        )
        assert cleared.status_code == 200
        assert cleared.json()["salaryMin"] is None

        refused = api.put(f"/api/v1/jobs/{job['id']}", json={"applyEmailAddress": None})
        assert refused.status_code == 400
        assert "applyEmailAddress" in refused.json()["message"]
        switched = api.put(
            f"/api/v1/jobs/{job['id']}",
            json={"applyMethod": "UrlApply", "applyUrl": "https://example.com/apply"},
        )
        assert switched.status_code == 200

    def test_empty_and_unknown_changes_are_400(self, api: Api, tenant: Tenant) -> None:
        job = create(api)
        assert api.put(f"/api/v1/jobs/{job['id']}", json={}).status_code == 400
        assert api.put(f"/api/v1/jobs/{job['id']}", json={"id": 5}).status_code == 400
        assert api.put(f"/api/v1/jobs/{job['id']}", json={"title": None}).status_code == 400

    def test_active_jobs_can_change_but_closed_ones_cannot(self, api: Api, tenant: Tenant) -> None:
        job = create(api)
        assert api.post(f"/api/v1/jobs/{job['id']}/publish").status_code == 200
        assert api.put(f"/api/v1/jobs/{job['id']}", json={"city": "Leeds"}).status_code == 200

        assert api.delete(f"/api/v1/jobs/{job['id']}").status_code == 200
        response = api.put(f"/api/v1/jobs/{job['id']}", json={"city": "York"})

        assert response.status_code == 400
        assert response.json() == {
            "code": "invalid_state",
            "message": "A job that is Inactive cannot be changed.",
        }
        assert api.get(f"/api/v1/jobs/{job['id']}").json()["city"] == "Leeds"


class TestPublish:
    def test_publish_charges_one_credit_and_sets_dates(self, api: Api, tenant: Tenant) -> None:
        job = create(api)
        before = balance(tenant.employer_id)
        expiry = datetime.now(UTC).replace(microsecond=0) + timedelta(days=10)

        response = api.post(f"/api/v1/jobs/{job['id']}/publish", json={"expiryDate": iso(expiry)})

        assert response.status_code == 200
        published = response.json()
        assert published["status"] == "Active"
        assert published["expiryDate"] == iso(expiry)
        posted = datetime.fromisoformat(published["postedDate"])
        assert abs(posted - datetime.now(UTC)) < timedelta(minutes=1)
        assert balance(tenant.employer_id) == before - 1
        assert ledger(tenant.employer_id) == balance(tenant.employer_id)

    def test_default_expiry_is_thirty_days(self, api: Api, tenant: Tenant) -> None:
        job = create(api)
        published = api.post(f"/api/v1/jobs/{job['id']}/publish").json()
        posted = datetime.fromisoformat(published["postedDate"])
        expiry = datetime.fromisoformat(published["expiryDate"])
        assert expiry - posted == timedelta(days=30)

    @pytest.mark.parametrize(
        ("offset", "message"),
        [
            (timedelta(minutes=-1), "expiryDate must be in the future."),
            (timedelta(days=90, minutes=5), "expiryDate may be at most 90 days from now."),
        ],
    )
    def test_expiry_bounds_are_400_and_cost_nothing(
        self, api: Api, tenant: Tenant, offset: timedelta, message: str
    ) -> None:
        job = create(api)
        before = balance(tenant.employer_id)

        response = api.post(
            f"/api/v1/jobs/{job['id']}/publish",
            json={"expiryDate": iso(datetime.now(UTC) + offset)},
        )

        assert response.status_code == 400
        assert response.json() == {"code": "invalid_request", "message": message}
        assert balance(tenant.employer_id) == before
        assert api.get(f"/api/v1/jobs/{job['id']}").json()["status"] == "Draft"

    def test_expiry_must_carry_an_offset(self, api: Api, tenant: Tenant) -> None:
        job = create(api)
        response = api.post(
            f"/api/v1/jobs/{job['id']}/publish", json={"expiryDate": "2026-06-01T00:00:00"}
        )
        assert response.status_code == 400

    def test_publishing_twice_is_invalid_state_and_charges_once(
        self, api: Api, tenant: Tenant
    ) -> None:
        job = create(api)
        before = balance(tenant.employer_id)
        assert api.post(f"/api/v1/jobs/{job['id']}/publish").status_code == 200

        again = api.post(f"/api/v1/jobs/{job['id']}/publish")

        assert again.status_code == 400
        assert again.json()["code"] == "invalid_state"
        assert balance(tenant.employer_id) == before - 1

    def test_no_credits_is_402_and_changes_nothing(
        self, api: Api, make_employer: EmployerFactory, make_key: KeyFactory
    ) -> None:
        employer_id = make_employer(job_posting=0)
        api.default_key = make_key(employer_id)[1]
        job = create(api)

        response = api.post(f"/api/v1/jobs/{job['id']}/publish")

        assert response.status_code == 402
        assert response.json() == {
            "code": "no_credits",
            "message": "Your account has no job posting credits left.",
        }
        assert api.get(f"/api/v1/jobs/{job['id']}").json() == job
        assert ledger(employer_id) == 0 and balance(employer_id) == 0

    def test_unlimited_contract_skips_the_charge_but_records_usage(
        self, api: Api, make_employer: EmployerFactory, make_key: KeyFactory
    ) -> None:
        employer_id = make_employer(unlimited=True)
        api.default_key = make_key(employer_id)[1]
        job = create(api)

        response = api.post(f"/api/v1/jobs/{job['id']}/publish")

        assert response.status_code == 200
        assert balance(employer_id) == 0
        with db.unit_of_work() as session:
            from sqlalchemy import select

            from storage.models import CreditLedgerEntry

            rows = session.execute(
                select(
                    CreditLedgerEntry.delta, CreditLedgerEntry.reason, CreditLedgerEntry.reference
                ).where(CreditLedgerEntry.employer_id == employer_id)
            ).all()
        assert [tuple(row) for row in rows] == [(0, "job_publish", f"job:{job['id']}")]

    def test_publish_needs_an_existing_own_job(self, api: Api, tenant: Tenant) -> None:
        before = balance(tenant.employer_id)
        response = api.post("/api/v1/jobs/987654321/publish")
        assert response.status_code == 404
        assert balance(tenant.employer_id) == before


class TestClose:
    def test_close_is_soft_and_idempotent(self, api: Api, tenant: Tenant) -> None:
        job = create(api)
        api.post(f"/api/v1/jobs/{job['id']}/publish")

        first = api.delete(f"/api/v1/jobs/{job['id']}")
        second = api.delete(f"/api/v1/jobs/{job['id']}")

        assert first.status_code == second.status_code == 200
        assert first.json()["status"] == "Inactive"
        assert second.json() == first.json()
        assert api.get(f"/api/v1/jobs/{job['id']}").json()["status"] == "Inactive"
        assert api.post(f"/api/v1/jobs/{job['id']}/publish").json()["code"] == "invalid_state"
