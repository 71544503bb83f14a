"""v2's job vocabulary, places and create-as-open, through HTTP on PostgreSQL and SQLite.

v2 speaks HeadHonta's words (``open``, ``full-time``, ``hybrid``, ``quick-apply``, a free-text
``location``); v1 and the public board keep the platform's own words for the same jobs.
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from handlers.representation import (
    V2_APPLY_METHOD,
    V2_EMPLOYMENT_TYPE,
    V2_JOB_STATUS,
    V2_REMOTE_TYPE,
)
from storage import credits, db, outbox
from storage.models import CreditKind
from tests.integration.test_v2_api import ok, refused
from tests.support.apps import Api
from tests.support.factories import V2_JOB, EmployerFactory, KeyFactory, Tenant

V2 = "/api/v2"
BOARD = "/public/v1/jobs"
# The least a v2 job needs.
MINIMAL = {"title": "Senior Backend Engineer", "description": "We are looking for..."}


def create(api: Api, **fields: Any) -> dict[str, Any]:
    return ok(api.post(f"{V2}/jobs", json={**V2_JOB, **fields}), 201)  # type: ignore[no-any-return]


def balance(employer_id: int) -> int:
    with db.unit_of_work() as session:
        return credits.balance(session, employer_id, CreditKind.JOB_POSTING)


def events(employer_id: int) -> list[tuple[str, int]]:
    """The employer's job events, oldest first: (type, job id)."""
    with db.unit_of_work() as session:
        return [
            (event.type, event.data["jobPostId"])
            for event in outbox.employer_events(session, employer_id)
            if event.type.startswith("job.")
        ]


def job_count(api: Api) -> int:
    return len(ok(api.get(f"{V2}/jobs", params={"limit": 100})))


class TestVocabulary:
    def test_the_document_and_the_tables_say_the_same_words(self, api: Api) -> None:
        schemas = api.client.get("/swagger/v2/swagger.json").json()["components"]["schemas"]
        assert schemas["JobStatus"]["enum"] == V2_JOB_STATUS.words
        assert schemas["EmploymentType"]["enum"] == V2_EMPLOYMENT_TYPE.words
        assert schemas["RemoteType"]["enum"] == V2_REMOTE_TYPE.words
        assert schemas["ApplyMethod"]["enum"] == V2_APPLY_METHOD.words

    @pytest.mark.parametrize(
        ("employment", "remote", "v1_employment", "v1_remote"),
        [
            ("full-time", "on-site", "FullTime", "OnSite"),
            ("part-time", "hybrid", "PartTime", "HybridRemote"),
            ("contract", "remote", "Contract", "FullyRemote"),
            ("temporary", "hybrid", "Temporary", "HybridRemote"),
            ("internship", "remote", "Internship", "FullyRemote"),
        ],
    )
    def test_each_word_is_written_and_read_back_and_v1_reads_its_own(
        self,
        api: Api,
        tenant: Tenant,
        employment: str,
        remote: str,
        v1_employment: str,
        v1_remote: str,
    ) -> None:
        job = create(api, employmentType=employment, remoteType=remote)
        assert (job["employmentType"], job["remoteType"], job["applyMethod"]) == (
            employment,
            remote,
            "email",
        )
        v1 = api.get(f"/api/v1/jobs/{job['id']}").json()
        assert (v1["employmentType"], v1["remoteType"], v1["applyMethod"]) == (
            v1_employment,
            v1_remote,
            "EmailApply",
        )
        url = ok(
            api.put(
                f"{V2}/jobs/{job['id']}",
                json={"applyMethod": "url", "applyUrl": "https://example.com/apply"},
            )
        )
        assert url["applyMethod"] == "url"
        assert api.get(f"/api/v1/jobs/{job['id']}").json()["applyMethod"] == "UrlApply"

    def test_status_words_filter_the_list_and_v1_words_are_refused(
        self, api: Api, tenant: Tenant
    ) -> None:
        draft = create(api)
        opened = create(api, status="open")
        closed = create(api)
        ok(api.delete(f"{V2}/jobs/{closed['id']}"))
        for word, expected in (("draft", draft), ("open", opened), ("closed", closed)):
            listed = ok(api.get(f"{V2}/jobs", params={"status": word}))
            assert [job["id"] for job in listed] == [expected["id"]]
            assert listed[0]["status"] == word
        assert ok(api.get(f"{V2}/jobs", params={"status": "expired"})) == []
        for v1_word in ("Active", "Draft"):
            refused(api.get(f"{V2}/jobs", params={"status": v1_word}), 400, "invalid_request")
        in_v1_words = {**V2_JOB, "employmentType": "FullTime"}
        refused(api.post(f"{V2}/jobs", json=in_v1_words), 400, "invalid_request")


class TestPlaces:
    def test_title_description_and_location_are_enough(self, api: Api, tenant: Tenant) -> None:
        job = ok(api.post(f"{V2}/jobs", json={**MINIMAL, "location": "Lagos, Nigeria"}), 201)
        assert {name: job[name] for name in ("location", "city", "country", "reference")} == {
            "location": "Lagos, Nigeria",
            "city": "Lagos",
            "country": "Nigeria",
            "reference": None,
        }
        assert (job["employmentType"], job["remoteType"], job["applyMethod"], job["status"]) == (
            "full-time",
            "on-site",
            "quick-apply",
            "draft",
        )
        assert balance(tenant.employer_id) == 5

    @pytest.mark.parametrize(
        ("location", "city", "country"),
        [
            ("  lagos ,  NIGERIA ", "lagos", "Nigeria"),
            ("London, England, UK", "London", "United Kingdom"),
            ("Nigeria", None, "Nigeria"),
            ("Remote", None, None),
            ("Lagos", None, None),
            ("Lagos, Atlantis", None, None),
            ("Remote, EMEA", None, None),
        ],
    )
    def test_a_location_alone_names_a_country_only_when_it_knows_one(
        self, api: Api, tenant: Tenant, location: str, city: str | None, country: str | None
    ) -> None:
        job = ok(api.post(f"{V2}/jobs", json={**MINIMAL, "location": location}), 201)
        assert (job["location"], job["city"], job["country"]) == (location.strip(), city, country)

    def test_city_and_country_make_the_location_and_all_three_are_kept_as_given(
        self, api: Api, tenant: Tenant
    ) -> None:
        job = ok(
            api.post(f"{V2}/jobs", json={**MINIMAL, "city": "Berlin", "country": "Germany"}), 201
        )
        assert (job["location"], job["city"], job["country"]) == (
            "Berlin, Germany",
            "Berlin",
            "Germany",
        )
        given = {"location": "Berlin (Mitte)", "city": "Berlin", "country": "Germany"}
        job = ok(api.post(f"{V2}/jobs", json={**MINIMAL, **given}), 201)
        assert (job["location"], job["city"], job["country"]) == tuple(given.values())

    def test_a_job_needs_a_place(self, api: Api, tenant: Tenant) -> None:
        before = job_count(api)
        for body in (MINIMAL, {**MINIMAL, "city": "Berlin"}, {**MINIMAL, "country": "Germany"}):
            refused(api.post(f"{V2}/jobs", json=body), 400, "invalid_request")
        assert job_count(api) == before

    def test_an_update_moves_the_place_along(self, api: Api, tenant: Tenant) -> None:
        job = create(api, location="Lagos, Nigeria")
        path = f"{V2}/jobs/{job['id']}"
        moved = ok(api.put(path, json={"location": "Accra, Ghana"}))
        assert (moved["location"], moved["city"], moved["country"]) == (
            "Accra, Ghana",
            "Accra",
            "Ghana",
        )
        remote = ok(api.put(path, json={"location": "Remote"}))
        assert (remote["location"], remote["city"], remote["country"]) == ("Remote", None, None)
        placed = ok(api.put(path, json={"city": "Kumasi", "country": "Ghana"}))
        assert placed["location"] == "Kumasi, Ghana"
        renamed = ok(api.put(path, json={"city": "Accra"}))
        assert (renamed["location"], renamed["country"]) == ("Accra, Ghana", "Ghana")
        assert ok(api.put(path, json={"reference": None}))["reference"] is None

    def test_v1_and_the_board_show_a_job_without_city_country_or_reference_validly(
        self, api: Api, tenant: Tenant
    ) -> None:
        """v1 and the board promise a city and a country (the app validates every response in
        the tests): a job without them shows its location as the city and an empty country."""
        word = "w" + secrets.token_hex(5)
        remote = ok(
            api.post(
                f"{V2}/jobs",
                json={**MINIMAL, "title": f"{word} remote", "location": "Remote", "status": "open"},
            ),
            201,
        )
        lagos = create(api, title=f"{word} lagos", location="Lagos, Nigeria", status="open")
        v1 = api.get(f"/api/v1/jobs/{remote['id']}")
        assert v1.status_code == 200, v1.text
        assert (v1.json()["city"], v1.json()["country"], v1.json()["reference"]) == (
            "Remote",
            "",
            "",
        )
        assert "location" not in v1.json()
        listed = api.get("/api/v1/jobs", params={"status": "Active"})
        assert listed.status_code == 200, listed.text

        def board(**params: Any) -> list[int]:
            response = api.client.get(BOARD, params={"q": word, **params})
            assert response.status_code == 200, response.text
            return sorted(item["id"] for item in response.json()["items"])

        assert board() == sorted([remote["id"], lagos["id"]])
        assert board(country="nigeria") == [lagos["id"]]
        assert board(country="Remote") == []
        shown = api.client.get(f"{BOARD}/{remote['id']}").json()
        assert (shown["city"], shown["country"]) == ("Remote", "")


class TestCreateOpen:
    def test_open_on_create_publishes_and_charges_one_credit(
        self, api: Api, tenant: Tenant
    ) -> None:
        job = create(api, status="open")
        assert job["status"] == "open" and job["postedDate"] and job["expiryDate"]
        posted = datetime.fromisoformat(job["postedDate"])
        assert datetime.fromisoformat(job["expiryDate"]) - posted == timedelta(days=30)
        assert balance(tenant.employer_id) == 4
        assert events(tenant.employer_id) == [(outbox.JOB_PUBLISHED, job["id"])]
        assert ok(api.get(f"{V2}/jobs/{job['id']}")) == job

    def test_expiry_date_is_taken_with_open_only(self, api: Api, tenant: Tenant) -> None:
        expiry = (datetime.now(UTC) + timedelta(days=10)).replace(microsecond=0)
        stamp = expiry.strftime("%Y-%m-%dT%H:%M:%SZ")
        job = create(api, status="open", expiryDate=stamp)
        assert job["expiryDate"] == stamp
        before = job_count(api)
        refused(
            api.post(f"{V2}/jobs", json={**V2_JOB, "expiryDate": stamp}), 400, "invalid_request"
        )
        too_late = (datetime.now(UTC) + timedelta(days=91)).strftime("%Y-%m-%dT%H:%M:%SZ")
        refused(
            api.post(f"{V2}/jobs", json={**V2_JOB, "status": "open", "expiryDate": too_late}),
            400,
            "invalid_request",
        )
        assert job_count(api) == before
        assert balance(tenant.employer_id) == 4

    def test_without_a_credit_it_is_402_and_no_job_is_created(
        self, api: Api, make_employer: EmployerFactory, make_key: KeyFactory
    ) -> None:
        employer_id = make_employer(job_posting=0)
        _, api.default_key = make_key(employer_id)
        refused(api.post(f"{V2}/jobs", json={**V2_JOB, "status": "open"}), 402, "no_credits")
        assert job_count(api) == 0
        assert events(employer_id) == []
        assert ok(api.post(f"{V2}/jobs", json=V2_JOB), 201)["status"] == "draft"

    def test_an_idempotent_retry_replays_without_a_second_charge(
        self, api: Api, tenant: Tenant
    ) -> None:
        headers = {"Idempotency-Key": secrets.token_hex(8)}
        body = {**V2_JOB, "status": "open"}
        first = api.post(f"{V2}/jobs", json=body, headers=headers)
        again = api.post(f"{V2}/jobs", json=body, headers=headers)
        assert ok(again, 201) == ok(first, 201)
        assert again.headers["Idempotent-Replayed"] == "true"
        assert again.headers["location"] == first.headers["location"]
        assert balance(tenant.employer_id) == 4
        assert job_count(api) == 1


class TestStatusOnUpdate:
    def test_open_publishes_a_draft_and_closed_closes(self, api: Api, tenant: Tenant) -> None:
        job = create(api)
        path = f"{V2}/jobs/{job['id']}"
        opened = ok(api.put(path, json={"status": "open", "title": "Staff Engineer"}))
        assert (opened["status"], opened["title"]) == ("open", "Staff Engineer")
        assert opened["postedDate"] and opened["expiryDate"]
        assert balance(tenant.employer_id) == 4
        assert ok(api.put(path, json={"status": "open"})) == opened
        assert balance(tenant.employer_id) == 4
        closed = ok(api.put(path, json={"status": "closed"}))
        assert closed["status"] == "closed"
        assert ok(api.put(path, json={"status": "closed"}))["status"] == "closed"
        assert events(tenant.employer_id) == [
            (outbox.JOB_PUBLISHED, job["id"]),
            (outbox.JOB_CLOSED, job["id"]),
        ]

    def test_a_draft_can_be_closed_without_a_charge(self, api: Api, tenant: Tenant) -> None:
        job = create(api)
        assert (
            ok(api.put(f"{V2}/jobs/{job['id']}", json={"status": "closed"}))["status"] == "closed"
        )
        assert balance(tenant.employer_id) == 5

    @pytest.mark.parametrize(
        ("start", "asked"),
        [
            ("draft", "expired"),
            ("open", "draft"),
            ("open", "expired"),
            ("closed", "open"),
            ("closed", "draft"),
        ],
    )
    def test_any_other_move_is_invalid_state_and_changes_nothing(
        self, api: Api, tenant: Tenant, start: str, asked: str
    ) -> None:
        job = create(api, status="open") if start == "open" else create(api)
        path = f"{V2}/jobs/{job['id']}"
        if start == "closed":
            ok(api.delete(path))
        before = ok(api.get(path))
        refused(api.put(path, json={"status": asked, "title": "Changed"}), 400, "invalid_state")
        assert ok(api.get(path)) == before
        assert balance(tenant.employer_id) == (4 if start == "open" else 5)

    def test_open_without_a_credit_is_402_and_keeps_the_change_out(
        self, api: Api, make_employer: EmployerFactory, make_key: KeyFactory
    ) -> None:
        _, api.default_key = make_key(make_employer(job_posting=0))
        job = create(api)
        path = f"{V2}/jobs/{job['id']}"
        refused(api.put(path, json={"status": "open", "title": "Changed"}), 402, "no_credits")
        assert ok(api.get(path)) == job
