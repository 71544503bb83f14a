"""Every operation of /api/v2 through HTTP, on PostgreSQL and on SQLite: v2's envelopes, cursors,
and the same rules and costs as v1 (the services are shared)."""

from __future__ import annotations

import base64
import secrets
from collections.abc import Iterator
from typing import Any

import pytest

from storage import candidates, credits, db, outbox
from storage.models import CreditKind, Plan
from tests.support.apps import Api
from tests.support.deliveries import targets_policy
from tests.support.factories import V2_JOB, EmployerFactory, KeyFactory, Tenant

V2 = "/api/v2"
RECEIVER = "http://127.0.0.1:9/hooks/hirebridge"


def ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    body = response.json()
    assert body["success"] is True
    return body["data"]


def refused(response: Any, status: int, code: str) -> str:
    assert response.status_code == status, response.text
    body = response.json()
    assert body["success"] is False and body["error"]["code"] == code, body
    assert set(body) == {"success", "error"}
    return str(body["error"]["message"])


def create_job(api: Api, **overrides: Any) -> dict[str, Any]:
    return ok(api.post(f"{V2}/jobs", json={**V2_JOB, **overrides}), 201)  # type: ignore[no-any-return]


def walk(api: Api, path: str, limit: int, **params: Any) -> list[list[dict[str, Any]]]:
    """Every page of a list, following nextCursor."""
    pages: list[list[dict[str, Any]]] = []
    cursor = None
    while True:
        query = {**params, "limit": limit, **({"cursor": cursor} if cursor else {})}
        response = api.get(path, params=query)
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["pagination"]["limit"] == limit
        pages.append(body["data"])
        cursor = body["pagination"]["nextCursor"]
        assert body["pagination"]["hasMore"] is (cursor is not None)
        if cursor is None:
            return pages


def balance(employer_id: int, kind: CreditKind) -> int:
    with db.unit_of_work() as session:
        return credits.balance(session, employer_id, kind)


def platform(word: str, **fields: Any) -> int:
    values = {
        "full_name": "Priya Evans",
        "email": f"{secrets.token_hex(6)}@example.com",
        "headline": f"Senior {word} engineer",
        "summary": "Private summary",
        "cv_text": f"Ten years of {word}.",
        **fields,
    }
    with db.unit_of_work() as session:
        return candidates.create_platform_candidate(session, values).id


def leave_the_cv_database(candidate_id: int) -> None:
    """The profile's owner opts out of the CV database: it leaves every search's results."""
    with db.unit_of_work() as session:
        candidates.withdraw_from_cv_database(session, candidate_id)


def apply(api: Api, job_id: int) -> None:
    body = {
        "fullName": "Priya Evans",
        "email": f"{secrets.token_hex(6)}@example.com",
        "cvText": "Process engineer, twelve years of HVAC design.",
    }
    assert api.client.post(f"/public/v1/jobs/{job_id}/apply", json=body).status_code == 201


class TestDocument:
    def test_served_with_its_swagger_ui(self, api: Api) -> None:
        document = api.client.get("/swagger/v2/swagger.json")
        assert document.status_code == 200
        assert [server["url"] for server in document.json()["servers"]] == ["/api/v2"]
        ui = api.client.get("/swagger/v2/")
        assert ui.status_code == 200 and "/swagger/v2/swagger.json" in ui.text

    def test_v1_operations_with_the_same_rate_families_and_v2s_own(self, api: Api) -> None:
        def operations(name: str) -> dict[str, tuple[str, str, str | None]]:
            document = api.client.get(f"/swagger/{name}/swagger.json").json()
            return {
                operation["operationId"]: (path, method, operation["x-rate-limit-family"])
                for path, item in document["paths"].items()
                for method, operation in item.items()
                if isinstance(operation, dict) and "operationId" in operation
            }

        v1, v2 = operations("v1"), operations("v2")
        assert {key: value for key, value in v2.items() if key in v1} == v1
        # Added to v2 only: the calling key itself.
        assert {key: value for key, value in v2.items() if key not in v1} == {
            "getMe": ("/me", "get", "other")
        }


class TestEnvelopes:
    def test_errors_use_the_v2_envelope_and_401_is_empty(
        self, api: Api, tenant: Tenant, make_key: KeyFactory
    ) -> None:
        refused(api.get(f"{V2}/jobs/999999999"), 404, "not_found")
        refused(api.post(f"{V2}/jobs", json={"title": "x"}), 400, "invalid_request")
        refused(api.get(f"{V2}/jobs", params={"limit": 101}), 400, "invalid_request")
        refused(api.get(f"{V2}/nowhere"), 404, "not_found")
        _, reader = make_key(tenant.employer_id, "jobs:read")
        refused(api.post(f"{V2}/jobs", key=reader, json=V2_JOB), 403, "insufficient_scope")
        anonymous = api.client.get(f"{V2}/jobs")
        assert anonymous.status_code == 401 and anonymous.content == b""

    def test_rate_limit_headers_on_keyed_calls(self, api: Api, tenant: Tenant) -> None:
        response = api.get(f"{V2}/pipeline/stages")
        assert response.status_code == 200
        for header in ("X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset"):
            assert header in response.headers


class TestJobs:
    def test_create_get_update_publish_close(self, api: Api, tenant: Tenant) -> None:
        response = api.post(f"{V2}/jobs", json=V2_JOB)
        job = ok(response, 201)
        assert response.headers["location"] == f"/api/v2/jobs/{job['id']}"
        assert job["status"] == "draft" and job["description"] == V2_JOB["description"]
        assert ok(api.get(response.headers["location"])) == job

        updated = ok(api.put(f"{V2}/jobs/{job['id']}", json={"title": "Staff Engineer"}))
        assert updated["title"] == "Staff Engineer"

        published = ok(api.post(f"{V2}/jobs/{job['id']}/publish"))
        assert published["status"] == "open"
        assert balance(tenant.employer_id, CreditKind.JOB_POSTING) == 4
        message = refused(api.post(f"{V2}/jobs/{job['id']}/publish"), 400, "invalid_state")
        # The refusal names the states in v2's words, never v1's (Draft, Active, Inactive).
        assert message == "Only a draft job can be published; this job is open."

        closed = ok(api.delete(f"{V2}/jobs/{job['id']}"))
        assert closed["status"] == "closed"
        message = refused(
            api.put(f"{V2}/jobs/{job['id']}", json={"title": "x"}), 400, "invalid_state"
        )
        assert message == "A job that is closed cannot be changed."

    @pytest.mark.parametrize(
        ("change", "message"),
        [
            (
                {"applyMethod": "email", "applyEmailAddress": None},
                "The field applyEmailAddress is required when applyMethod is email.",
            ),
            (
                {"applyMethod": "url"},
                "The field applyUrl is required when applyMethod is url.",
            ),
            (
                {"location": None, "city": "Leeds"},
                "Give the job a location, or a city and a country.",
            ),
        ],
    )
    def test_what_a_body_needs_is_refused_by_the_document_with_a_sentence(
        self, api: Api, tenant: Tenant, change: dict[str, Any], message: str
    ) -> None:
        body = {key: value for key, value in {**V2_JOB, **change}.items() if value is not None}
        before = api.get(f"{V2}/jobs").json()["data"]
        assert refused(api.post(f"{V2}/jobs", json=body), 400, "invalid_request") == message
        assert api.get(f"{V2}/jobs").json()["data"] == before

    def test_publish_without_credit_is_402(
        self, api: Api, make_employer: EmployerFactory, make_key: KeyFactory
    ) -> None:
        _, key = make_key(make_employer(job_posting=0))
        api.default_key = key
        job = create_job(api)
        refused(api.post(f"{V2}/jobs/{job['id']}/publish"), 402, "no_credits")

    def test_list_pages_by_cursor_newest_first_with_a_filter(
        self, api: Api, tenant: Tenant
    ) -> None:
        created = [create_job(api, reference=f"R-{n}")["id"] for n in range(5)]
        ok(api.post(f"{V2}/jobs/{created[0]}/publish"))
        pages = walk(api, f"{V2}/jobs", 2)
        assert [len(page) for page in pages] == [2, 2, 1]
        assert [job["id"] for page in pages for job in page] == created[::-1]
        drafts = walk(api, f"{V2}/jobs", 3, status="draft")
        assert [job["id"] for page in drafts for job in page] == created[:0:-1]
        first = api.get(f"{V2}/jobs", params={"limit": 10}).json()
        assert first["pagination"] == {"hasMore": False, "nextCursor": None, "limit": 10}
        assert "description" not in first["data"][0]

    def test_cursors_are_tamper_evident_and_bound_to_their_list(
        self, api: Api, tenant: Tenant, make_employer: EmployerFactory, make_key: KeyFactory
    ) -> None:
        for n in range(3):
            create_job(api, reference=f"T-{n}")
        cursor = api.get(f"{V2}/jobs", params={"limit": 1}).json()["pagination"]["nextCursor"]
        assert cursor and "=" not in cursor
        assert api.get(f"{V2}/jobs", params={"limit": 1, "cursor": cursor}).status_code == 200

        raw = bytearray(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        raw[-2] ^= 1
        modified = base64.urlsafe_b64encode(bytes(raw)).rstrip(b"=").decode()
        for bad in (modified, cursor[:-3], cursor[:10], "AAAA", "not_a_cursor"):
            message = refused(api.get(f"{V2}/jobs", params={"cursor": bad}), 400, "invalid_request")
            assert "cursor" in message
        # Another filter, another list, another employer: all foreign.
        refused(
            api.get(f"{V2}/jobs", params={"cursor": cursor, "status": "draft"}),
            400,
            "invalid_request",
        )
        refused(api.get(f"{V2}/webhooks", params={"cursor": cursor}), 400, "invalid_request")
        _, stranger = make_key(make_employer())
        refused(
            api.get(f"{V2}/jobs", key=stranger, params={"cursor": cursor}), 400, "invalid_request"
        )

    def test_idempotent_post(self, api: Api, tenant: Tenant) -> None:
        headers = {"Idempotency-Key": secrets.token_hex(8)}
        first = api.post(f"{V2}/jobs", json=V2_JOB, headers=headers)
        again = api.post(f"{V2}/jobs", json=V2_JOB, headers=headers)
        assert ok(again, 201) == ok(first, 201)
        assert again.headers["Idempotent-Replayed"] == "true"
        assert "Idempotent-Replayed" not in first.headers
        other = api.post(f"{V2}/jobs", json={**V2_JOB, "title": "Other"}, headers=headers)
        refused(other, 422, "idempotency_mismatch")


class TestCandidates:
    def test_create_get_update_and_list_the_talent_pool(self, api: Api, tenant: Tenant) -> None:
        ids = []
        for n in range(3):
            body = {"fullName": f"Ada {n}", "email": f"{secrets.token_hex(5)}@example.com"}
            response = api.post(f"{V2}/candidates", json=body)
            created = ok(response, 201)
            assert response.headers["location"] == f"/api/v2/candidates/{created['id']}"
            ids.append(created["id"])
        assert ok(api.get(f"{V2}/candidates/{ids[0]}"))["source"] == "talentPool"
        changed = ok(api.put(f"{V2}/candidates/{ids[0]}", json={"headline": "Welder"}))
        assert changed["headline"] == "Welder"
        pages = walk(api, f"{V2}/candidates", 2)
        assert [item["id"] for page in pages for item in page] == ids[::-1]
        assert balance(tenant.employer_id, CreditKind.CV_DOWNLOAD) == 5
        refused(api.get(f"{V2}/candidates/999999999"), 404, "not_found")

    def test_search_pages_cost_one_credit_each_and_unlock(self, api: Api, tenant: Tenant) -> None:
        word = "w" + secrets.token_hex(5)
        ids = [platform(word) for _ in range(5)]
        seen: list[int] = []
        cursor = None
        calls = 0
        while True:
            params = {"limit": 2, **({"cursor": cursor} if cursor else {})}
            body = api.post(f"{V2}/candidates/search", params=params, json={"query": word}).json()
            calls += 1
            assert body["success"] is True and body["meta"] == {"total": 5, "totalIsExact": True}
            assert all(row["fullName"] == "P*** E***" for row in body["data"])
            seen.extend(row["id"] for row in body["data"])
            cursor = body["pagination"]["nextCursor"]
            if cursor is None:
                break
        assert sorted(seen) == sorted(ids) and len(seen) == 5
        assert calls == 3
        assert balance(tenant.employer_id, CreditKind.CV_SEARCH) == 5 - calls

        profile = ok(api.get(f"{V2}/candidates/{ids[0]}"))
        assert profile["isUnlocked"] is True and profile["email"]
        assert balance(tenant.employer_id, CreditKind.CV_DOWNLOAD) == 4

    def test_search_cursor_is_bound_to_the_query_and_bad_queries_are_free(
        self, api: Api, tenant: Tenant
    ) -> None:
        word = "w" + secrets.token_hex(5)
        for _ in range(3):
            platform(word)
        first = api.post(f"{V2}/candidates/search", params={"limit": 1}, json={"query": word})
        cursor = first.json()["pagination"]["nextCursor"]
        other = api.post(
            f"{V2}/candidates/search",
            params={"cursor": cursor},
            json={"query": word, "activeWithinDays": 30},
        )
        refused(other, 400, "invalid_request")
        refused(api.post(f"{V2}/candidates/search", json={"query": "*x"}), 400, "invalid_query")
        refused(
            api.post(f"{V2}/candidates/search", json={"query": word, "pageNumber": 2}),
            400,
            "invalid_request",
        )
        assert balance(tenant.employer_id, CreditKind.CV_SEARCH) == 4

    def test_search_walk_is_stable_while_profiles_come_and_go(
        self, api: Api, tenant: Tenant, make_employer: EmployerFactory, make_key: KeyFactory
    ) -> None:
        _, key = make_key(make_employer(unlimited=True))
        api.default_key = key
        word = "w" + secrets.token_hex(5)
        # The same text, so relevance ties and recency (then id) orders them.
        ids = [platform(word) for _ in range(12)]
        seen: list[int] = []
        cursor = None
        removed: set[int] = set()
        while True:
            params = {"limit": 3, **({"cursor": cursor} if cursor else {})}
            body = api.post(f"{V2}/candidates/search", params=params, json={"query": word}).json()
            seen.extend(row["id"] for row in body["data"])
            cursor = body["pagination"]["nextCursor"]
            if cursor is None:
                break
            # Between pages: new matches arrive at the top, and one not yet seen leaves.
            platform(word)
            unseen = [candidate for candidate in ids if candidate not in seen + list(removed)]
            if len(unseen) > 2:
                removed.add(unseen[0])
                leave_the_cv_database(unseen[0])
        assert len(seen) == len(set(seen))
        assert removed and not removed & set(seen)
        assert set(ids) - removed <= set(seen)
        assert not (set(seen) - set(ids))


class TestPipelineAndApplications:
    def test_stages_stage_candidates_move_and_job_applications(
        self, api: Api, tenant: Tenant
    ) -> None:
        stage_pages = walk(api, f"{V2}/pipeline/stages", 4)
        stages = [stage for page in stage_pages for stage in page]
        assert [len(page) for page in stage_pages] == [4, 2]
        assert [stage["name"] for stage in stages] == [
            "New",
            "Screened",
            "Interviewed",
            "Offered",
            "Hired",
            "Rejected",
        ]
        job = create_job(api)
        ok(api.post(f"{V2}/jobs/{job['id']}/publish"))
        for _ in range(3):
            apply(api, job["id"])

        at_new = walk(api, f"{V2}/pipeline/stages/{stages[0]['id']}/candidates", 2)
        applications = [item for page in at_new for item in page]
        assert len(applications) == 3 and applications[0]["stage"]["name"] == "New"

        moved = ok(
            api.put(
                f"{V2}/pipeline/candidates/{applications[0]['id']}/move",
                json={"stageId": stages[1]["id"]},
            )
        )
        assert moved["stage"]["name"] == "Screened"

        listed = walk(api, f"{V2}/jobs/{job['id']}/applications", 2)
        assert sorted(item["id"] for page in listed for item in page) == sorted(
            item["id"] for item in applications
        )
        screened = walk(api, f"{V2}/jobs/{job['id']}/applications", 2, stageId=stages[1]["id"])
        assert [item["id"] for page in screened for item in page] == [applications[0]["id"]]
        refused(api.get(f"{V2}/jobs/999999999/applications"), 404, "not_found")
        refused(
            api.put(f"{V2}/pipeline/candidates/999999999/move", json={"stageId": stages[1]["id"]}),
            404,
            "not_found",
        )


@pytest.fixture
def loopback_targets() -> Iterator[None]:
    with targets_policy(allow_insecure=True):
        yield


class TestWebhooks:
    def test_every_webhook_operation(
        self, api: Api, tenant: Tenant, loopback_targets: None
    ) -> None:
        body = {"url": RECEIVER, "events": [outbox.APPLICATION_SUBMITTED]}
        response = api.post(f"{V2}/webhooks", json=body)
        created = ok(response, 201)
        assert created["secret"].startswith("whsec_")
        assert response.headers["location"] == f"/api/v2/webhooks/{created['id']}"
        hook = f"{V2}/webhooks/{created['id']}"
        second = ok(api.post(f"{V2}/webhooks", json=body), 201)

        assert "secret" not in ok(api.get(hook))
        assert ok(api.put(hook, json={"description": "ATS"}))["description"] == "ATS"
        listed = walk(api, f"{V2}/webhooks", 1)
        assert [item["id"] for page in listed for item in page] == [second["id"], created["id"]]

        rotated = ok(api.post(f"{hook}/rotate-secret"))
        assert rotated["secret"].startswith("whsec_") and rotated["previousSecretExpiresAt"]

        deliveries = [ok(api.post(f"{hook}/test"), 202) for _ in range(3)]
        pages = walk(api, f"{hook}/deliveries", 2)
        assert [item["id"] for page in pages for item in page] == [
            delivery["id"] for delivery in reversed(deliveries)
        ]
        assert walk(api, f"{hook}/deliveries", 2, status="dead") == [[]]
        refused(api.get(f"{hook}/deliveries", params={"cursor": "x" * 30}), 400, "invalid_request")

        redelivered = ok(api.post(f"{hook}/deliveries/{deliveries[0]['id']}/redeliver"), 202)
        assert redelivered["id"] == deliveries[0]["id"]
        replayed = ok(api.post(f"{hook}/replay", json={"since": "2020-01-01T00:00:00Z"}), 202)
        assert replayed["replayed"] >= 0

        for target in (hook, f"{V2}/webhooks/{second['id']}"):
            deleted = api.delete(target)
            assert deleted.status_code == 204 and deleted.content == b""
        refused(api.get(hook), 404, "not_found")


class TestAccount:
    def test_me_names_the_key_its_employer_and_what_is_left(
        self, api: Api, make_employer: EmployerFactory, make_key: KeyFactory
    ) -> None:
        employer_id = make_employer(name="Acme Recruiting", plan=Plan.PROFESSIONAL)
        key_id, key = make_key(employer_id, "applications:read", name="Bullhorn production")

        first = api.get(f"{V2}/me", key=key)
        me = ok(first)
        assert me["key"] == {
            "id": key_id,
            "name": "Bullhorn production",
            "prefix": key[: len(me["key"]["prefix"])],
            "scopes": ["applications:read"],
            "expiresAt": None,
        }
        assert me["key"]["prefix"].startswith("pk_live_")
        assert me["employer"] == {
            "id": employer_id,
            "name": "Acme Recruiting",
            "plan": "professional",
        }
        rate = me["rateLimit"]
        assert rate["family"] == "other"
        assert rate["limit"] == int(first.headers["X-RateLimit-Limit"])
        assert rate["remaining"] == int(first.headers["X-RateLimit-Remaining"])
        assert me["quota"]["monthlyRequests"] == 10_000
        assert me["quota"]["usedThisMonth"] >= 1
        assert me["quota"]["remaining"] == 10_000 - me["quota"]["usedThisMonth"]

        again = ok(api.get(f"{V2}/me", key=key))
        assert again["rateLimit"]["remaining"] == rate["remaining"] - 1
        assert again["quota"]["usedThisMonth"] == me["quota"]["usedThisMonth"] + 1

    def test_me_on_a_plan_without_a_quota_and_without_a_key(
        self, api: Api, make_employer: EmployerFactory, make_key: KeyFactory
    ) -> None:
        employer_id = make_employer(plan=Plan.ENTERPRISE)
        _key_id, key = make_key(employer_id, "webhooks:manage")
        quota = ok(api.get(f"{V2}/me", key=key))["quota"]
        assert quota["monthlyRequests"] is None and quota["remaining"] is None
        assert quota["usedThisMonth"] >= 1
        response = api.client.get(f"{V2}/me")
        assert response.status_code == 401 and response.content == b""
