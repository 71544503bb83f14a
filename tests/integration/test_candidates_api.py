"""Candidates, CV search, unlocks and credits through HTTP, on PostgreSQL and SQLite."""

from __future__ import annotations

import random
import secrets
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from storage import applications, candidates, clock, credits, db
from storage.models import Candidate, CandidateUnlock, CreditKind
from storage.search import limits
from tests.support.apps import Api
from tests.support.factories import FULL_CANDIDATE, SEED_JOB, EmployerFactory, KeyFactory, Tenant
from tests.support.statements import recorded_statements

# Once more on a PostgreSQL primary with a streaming replica serving CV search's matching and
# ranking and the talent pool list (conftest's ``pytest_generate_tests``).
ALSO_ON_A_REPLICA = True

MASKED_KEYS = {
    "id",
    "fullName",
    "headline",
    "skills",
    "city",
    "countryId",
    "preferredCountryIds",
    "lastActiveAt",
    "isUnlocked",
}


def platform(word: str, **fields: Any) -> int:
    """A platform profile in the CV database whose text contains ``word``."""
    values = {
        "full_name": "Priya Evans",
        "email": f"{secrets.token_hex(6)}@example.com",
        "phone": "+44 20 7946 0958",
        "headline": f"Senior {word} engineer",
        "summary": "Private summary",
        "cv_text": f"Ten years of {word}.",
        **fields,
    }
    in_cv_database = values.pop("in_cv_database", True)
    with db.unit_of_work() as session:
        return candidates.create_platform_candidate(
            session, values, in_cv_database=in_cv_database
        ).id


def unique_word() -> str:
    """A word no other test's profile contains, so searches see only this test's profiles."""
    return "w" + secrets.token_hex(5)


def search(api: Api, query: str, key: str | None = None, **body: Any) -> Any:
    return api.post("/api/v1/candidates/search", key=key, json={"query": query, **body})


def balance(employer_id: int, kind: CreditKind) -> int:
    with db.unit_of_work() as session:
        assert credits.balance(session, employer_id, kind) == credits.ledger_total(
            session, employer_id, kind
        )
        return credits.balance(session, employer_id, kind)


class TestSearch:
    def test_search_costs_one_credit_and_masks_rows(self, api: Api, tenant: Tenant) -> None:
        word = unique_word()
        candidate_id = platform(word, skills=["HVAC", "Revit"], city="London", country_id=44)
        before = balance(tenant.employer_id, CreditKind.CV_SEARCH)

        response = search(api, word)

        assert response.status_code == 200
        body = response.json()
        assert (body["total"], body["page"], body["pageSize"]) == (1, 1, 20)
        row = body["items"][0]
        assert set(row) == MASKED_KEYS
        assert row["id"] == candidate_id
        assert row["fullName"] == "P*** E***"
        assert row["skills"] == ["HVAC", "Revit"] and row["isUnlocked"] is False
        for secret in ("Priya", "Evans", "example.com", "7946", "Private summary", "Ten years"):
            assert secret not in response.text
        assert balance(tenant.employer_id, CreditKind.CV_SEARCH) == before - 1

    @pytest.mark.parametrize(
        "query",
        [
            *("", "   ", "*ngineer", "title:x", "a" * 513, "(unbalanced", " ".join(["w"] * 51)),
            # A wildcard needs three letters or digits before the *.
            *("a*", "en*", "java AND (py* OR go)", "node.j*"),
        ],
    )
    def test_refused_queries_are_400_invalid_query_and_free(
        self, api: Api, tenant: Tenant, query: str
    ) -> None:
        before = balance(tenant.employer_id, CreditKind.CV_SEARCH)
        response = search(api, query)
        assert response.status_code == 400
        assert response.json()["code"] == "invalid_query"
        assert balance(tenant.employer_id, CreditKind.CV_SEARCH) == before

    def test_no_credit_is_402_and_nothing_changes(
        self, api: Api, make_employer: EmployerFactory, make_key: KeyFactory
    ) -> None:
        employer_id = make_employer(cv_search=0)
        api.default_key = make_key(employer_id)[1]
        with recorded_statements(api.database) as statements:
            response = search(api, unique_word())
        assert response.status_code == 402
        assert response.json() == {
            "code": "no_credits",
            "message": "Your account has no CV search credits left.",
        }
        assert balance(employer_id, CreditKind.CV_SEARCH) == 0
        # Refused before the search: no statement read the search's relations.
        searched = [
            sql for sql in statements if "candidate_search" in sql or "candidate_fts" in sql
        ]
        assert not searched, searched

    def test_unlimited_contract_searches_free(
        self, api: Api, make_employer: EmployerFactory, make_key: KeyFactory
    ) -> None:
        employer_id = make_employer(unlimited=True)
        api.default_key = make_key(employer_id)[1]
        assert search(api, unique_word()).status_code == 200
        assert balance(employer_id, CreditKind.CV_SEARCH) == 0

    def test_sees_platform_profiles_and_own_records_only(
        self,
        api: Api,
        tenant: Tenant,
        make_employer: EmployerFactory,
        make_key: KeyFactory,
    ) -> None:
        word = unique_word()
        public = platform(word)
        platform(word, in_cv_database=False)
        own = api.post(
            "/api/v1/candidates",
            json={"fullName": "Own Record", "email": f"{word}@example.com", "headline": word},
        ).json()["id"]
        _, other_key = make_key(make_employer(cv_search=3))
        theirs = api.post(
            "/api/v1/candidates",
            key=other_key,
            json={"fullName": "Their Record", "email": f"{word}@example.com", "headline": word},
        ).json()["id"]

        mine = {row["id"]: row for row in search(api, word).json()["items"]}
        other = {row["id"] for row in search(api, word, key=other_key).json()["items"]}

        assert set(mine) == {public, own}
        assert mine[own]["isUnlocked"] is True and mine[public]["isUnlocked"] is False
        assert other == {public, theirs}

    def test_an_applicant_is_free_to_view_for_the_employer_applied_to_only(
        self, api: Api, tenant: Tenant, make_employer: EmployerFactory, make_key: KeyFactory
    ) -> None:
        word = unique_word()
        email = f"{word}@example.com"
        applicant = platform(word, email=email)
        job = api.post("/api/v1/jobs", json=SEED_JOB).json()["id"]
        assert api.post(f"/api/v1/jobs/{job}/publish").status_code == 200
        with db.unit_of_work() as session:
            applications.quick_apply(session, job, {"full_name": "Priya Evans", "email": email})
        _, other_key = make_key(make_employer(cv_search=1))

        mine = search(api, word).json()["items"]
        theirs = search(api, word, key=other_key).json()["items"]

        assert [(row["id"], row["isUnlocked"]) for row in mine] == [(applicant, True)]
        assert [(row["id"], row["isUnlocked"]) for row in theirs] == [(applicant, False)]

    def test_filters_by_preferred_country_and_activity(self, api: Api, tenant: Tenant) -> None:
        word = unique_word()
        now = datetime.now(UTC)
        uk = platform(word, preferred_country_ids=[44, 971], last_active_at=now - timedelta(days=5))
        uae = platform(word, preferred_country_ids=[971], last_active_at=now - timedelta(days=200))
        platform(word, preferred_country_ids=[], last_active_at=now)

        def ids(**body: Any) -> set[int]:
            return {row["id"] for row in search(api, word, **body).json()["items"]}

        assert ids(preferredCountryIds=[44]) == {uk}
        assert ids(preferredCountryIds=[971]) == {uk, uae}
        assert ids(preferredCountryIds=[971], activeWithinDays=30) == {uk}
        assert len(ids(activeWithinDays=365)) == 3

    def test_ranked_by_relevance_then_recency(self, api: Api, tenant: Tenant) -> None:
        word, other = unique_word(), unique_word()
        now = datetime.now(UTC)
        weak_old = platform(other, cv_text=f"{word}", last_active_at=now - timedelta(days=9))
        weak_new = platform(other, cv_text=f"{word}", last_active_at=now - timedelta(days=1))
        strong = platform(
            word,
            summary=f"{word} {word} {word}",
            cv_text=f"{word} " * 6,
            last_active_at=now - timedelta(days=30),
        )
        order = [row["id"] for row in search(api, word).json()["items"]]
        assert order == [strong, weak_new, weak_old]

    def test_relevance_orders_the_most_recent_matches_then_recency_follows(
        self, api: Api, tenant: Tenant, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setattr(limits, "RESCORE_WINDOW", 3)
        word, other = unique_word(), unique_word()
        now = datetime.now(UTC)

        def profile(days_ago: int, strength: int) -> int:
            return platform(
                other, cv_text=f"{word} " * strength, last_active_at=now - timedelta(days=days_ago)
            )

        weak_newest, strong_recent, weak_recent = profile(1, 1), profile(2, 6), profile(3, 1)
        # Outside the window of the three most recent: recency alone orders them.
        weak_old, strong_old = profile(10, 1), profile(20, 9)

        body = search(api, word).json()

        order = [row["id"] for row in body["items"]]
        assert order == [strong_recent, weak_newest, weak_recent, weak_old, strong_old]
        assert (body["total"], body["totalIsExact"]) == (5, True)

    def test_past_the_counted_window_the_most_recent_matches_are_served(
        self, api: Api, tenant: Tenant, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setattr(limits, "MAX_RESULT_WINDOW", 4)
        monkeypatch.setattr(limits, "RESCORE_WINDOW", 2)
        word = unique_word()
        now = datetime.now(UTC)
        made = [
            platform(word, cv_text=f"{word} " * strength, last_active_at=now - timedelta(days=age))
            for age, strength in ((1, 1), (2, 5), (3, 1), (4, 9), (5, 1))
        ]

        body = search(api, word, pageSize=2).json()
        second = search(api, word, pageSize=2, pageNumber=2).json()

        assert (body["total"], body["totalIsExact"]) == (4, False)
        assert [row["id"] for row in body["items"]] == [made[1], made[0]]
        # After the ranked window, recency; the oldest match is past the counted window.
        assert [row["id"] for row in second["items"]] == [made[2], made[3]]

    def test_paging_and_the_result_window(self, api: Api, tenant: Tenant) -> None:
        word = unique_word()
        made = {platform(word) for _ in range(5)}
        first = search(api, word, pageSize=2, pageNumber=1).json()
        rest = [search(api, word, pageSize=2, pageNumber=n).json() for n in (2, 3)]
        seen = [row["id"] for page in [first, *rest] for row in page["items"]]
        assert first["total"] == 5 and sorted(seen) == sorted(made)
        too_deep = search(api, word, pageSize=100, pageNumber=101)
        assert too_deep.status_code == 400 and too_deep.json()["code"] == "invalid_request"

    @pytest.mark.parametrize(
        "query",
        [
            "'; DROP TABLE candidates; --",
            "x' | 'y",
            "a:* & !b <-> c",
            '"quote\\" inside"',
            "candidate_fts MATCH 'x'",
            "NEAR(a b) OR a*",
        ],
    )
    def test_query_text_never_reaches_the_database(
        self, api: Api, tenant: Tenant, query: str
    ) -> None:
        response = search(api, query)
        assert response.status_code in {200, 400}, response.text
        if response.status_code == 400:
            assert response.json()["code"] == "invalid_query"
        with db.unit_of_work() as session:
            assert session.scalar(select(func.count()).select_from(Candidate)) is not None


class TestFullProfile:
    def test_first_view_costs_one_download_and_unlocks_for_30_days(
        self, api: Api, tenant: Tenant
    ) -> None:
        candidate_id = platform(unique_word())
        before = balance(tenant.employer_id, CreditKind.CV_DOWNLOAD)

        first = api.get(f"/api/v1/candidates/{candidate_id}")
        second = api.get(f"/api/v1/candidates/{candidate_id}")

        assert first.status_code == second.status_code == 200
        profile = first.json()
        assert profile["email"].endswith("@example.com") and profile["phone"]
        assert profile["cvText"].startswith("Ten years") and profile["source"] == "platform"
        assert profile["isUnlocked"] is True
        expires = datetime.fromisoformat(profile["unlockExpiresAt"])
        assert abs(expires - (datetime.now(UTC) + timedelta(days=30))) < timedelta(minutes=1)
        assert second.json()["unlockExpiresAt"] == profile["unlockExpiresAt"]
        assert balance(tenant.employer_id, CreditKind.CV_DOWNLOAD) == before - 1
        word_search = search(api, profile["headline"].split()[1]).json()["items"]
        assert [row["isUnlocked"] for row in word_search] == [True]

    def test_unlock_expires_after_30_days(self, api: Api, tenant: Tenant) -> None:
        word = unique_word()
        candidate_id = platform(word)
        before = balance(tenant.employer_id, CreditKind.CV_DOWNLOAD)
        assert api.get(f"/api/v1/candidates/{candidate_id}").status_code == 200
        try:
            clock.set_offset(timedelta(days=29, hours=23))
            assert [row["isUnlocked"] for row in search(api, word).json()["items"]] == [True]
            assert api.get(f"/api/v1/candidates/{candidate_id}").status_code == 200
            assert balance(tenant.employer_id, CreditKind.CV_DOWNLOAD) == before - 1
            clock.set_offset(timedelta(days=30, minutes=1))
            assert [row["isUnlocked"] for row in search(api, word).json()["items"]] == [False]
            renewed = api.get(f"/api/v1/candidates/{candidate_id}")
        finally:
            clock.set_offset(timedelta(0))
        assert renewed.status_code == 200
        assert balance(tenant.employer_id, CreditKind.CV_DOWNLOAD) == before - 2

    def test_no_credit_is_402_and_records_no_unlock(
        self, api: Api, make_employer: EmployerFactory, make_key: KeyFactory
    ) -> None:
        employer_id = make_employer(cv_download=0)
        api.default_key = make_key(employer_id)[1]
        candidate_id = platform(unique_word())

        response = api.get(f"/api/v1/candidates/{candidate_id}")

        assert response.status_code == 402
        assert response.json()["code"] == "no_credits"
        with db.unit_of_work() as session:
            assert (
                session.scalar(
                    select(func.count())
                    .select_from(CandidateUnlock)
                    .where(CandidateUnlock.employer_id == employer_id)
                )
                == 0
            )

    def test_own_records_are_free(self, api: Api, tenant: Tenant) -> None:
        before = balance(tenant.employer_id, CreditKind.CV_DOWNLOAD)
        created = api.post(
            "/api/v1/candidates", json={"fullName": "Own One", "email": "own.one@example.com"}
        ).json()
        fetched = api.get(f"/api/v1/candidates/{created['id']}").json()
        assert fetched == created
        assert fetched["source"] == "talentPool" and fetched["unlockExpiresAt"] is None
        assert balance(tenant.employer_id, CreditKind.CV_DOWNLOAD) == before

    def test_hidden_and_foreign_candidates_are_404_and_free(
        self,
        api: Api,
        tenant: Tenant,
        make_employer: EmployerFactory,
        make_key: KeyFactory,
    ) -> None:
        hidden = platform(unique_word(), in_cv_database=False)
        _, other_key = make_key(make_employer())
        theirs = api.post(
            "/api/v1/candidates",
            key=other_key,
            json={"fullName": "Their Own", "email": "their.own@example.com"},
        ).json()["id"]
        before = balance(tenant.employer_id, CreditKind.CV_DOWNLOAD)
        for candidate_id in (hidden, theirs, 987654321):
            response = api.get(f"/api/v1/candidates/{candidate_id}")
            assert response.status_code == 404
            assert response.json() == {
                "code": "not_found",
                "message": f"No candidate with id {candidate_id}.",
            }
        assert balance(tenant.employer_id, CreditKind.CV_DOWNLOAD) == before


class TestTalentPool:
    def test_create_list_and_update(self, api: Api, tenant: Tenant) -> None:
        created = api.post("/api/v1/candidates", json=FULL_CANDIDATE)
        assert created.status_code == 201
        record = created.json()
        assert created.headers["location"] == f"/api/v1/candidates/{record['id']}"
        assert record["preferredCountryIds"] == [44, 971]
        assert record["lastActiveAt"] == "2026-05-20T08:12:00Z"
        second = api.post(
            "/api/v1/candidates", json={"fullName": "Tom Jones", "email": "tom@example.com"}
        ).json()

        listing = api.get("/api/v1/candidates").json()
        assert [item["id"] for item in listing["items"]] == [second["id"], record["id"]]
        assert listing["total"] == 2

        updated = api.put(
            f"/api/v1/candidates/{record['id']}",
            json={"city": "Dubai", "countryId": 971, "phone": None, "skills": ["HVAC"]},
        )
        assert updated.status_code == 200
        changed = updated.json()
        assert (changed["city"], changed["countryId"], changed["phone"]) == ("Dubai", 971, None)
        assert changed["skills"] == ["HVAC"] and changed["email"] == "priya@example.com"
        found = search(api, "dubai").json()["items"]
        assert record["id"] in {row["id"] for row in found}

    def test_the_longest_cv_the_schema_admits_is_kept_and_searchable(
        self, api: Api, tenant: Tenant
    ) -> None:
        # 200,000 characters of distinct eleven-letter words: the most distinct words, pairs,
        # triples and quadruples the limit allows (PostgreSQL refuses a tsvector over 1 MB).
        generator = random.Random(7)
        letters = "bcdfghjklmnpqrstvwxz"
        words = ["".join(generator.choices(letters, k=11)) for _ in range(16_666)]
        body = {"fullName": "Long Cv", "email": "long@example.com", "cvText": " ".join(words)}
        assert len(body["cvText"]) <= 200_000
        created = api.post("/api/v1/candidates", json=body)
        assert created.status_code == 201, created.text
        record = created.json()
        assert api.get(f"/api/v1/candidates/{record['id']}").json()["cvText"] == body["cvText"]
        phrase = f'"{" ".join(words[100:104])}"'
        for query in (words[0], phrase, f"{words[2000]} AND {words[5000]}"):
            found = search(api, query).json()["items"]
            assert [row["id"] for row in found] == [record["id"]], query
        # Past what a profile's index holds (storage.search.tokens.MAX_DOCUMENT_COST), a word is
        # kept in the record but not searched.
        assert search(api, words[-1]).json()["total"] == 0

    @pytest.mark.parametrize("path", ["/api/v1/candidates", "/api/v2/candidates"])
    def test_a_page_is_one_statement_of_what_it_shows(
        self, api: Api, tenant: Tenant, path: str
    ) -> None:
        """A page of the talent pool is one statement of plain rows, the preferred countries
        in it, and reads no column a profile does not show."""
        for number, countries in enumerate([[971, 44], [], [1]]):
            created = api.post(
                "/api/v1/candidates",
                json={
                    "fullName": f"Pool Member {number}",
                    "email": f"pool{number}@example.com",
                    "preferredCountryIds": countries,
                },
            )
            assert created.status_code == 201, created.text
        with recorded_statements(api.database) as statements:
            response = api.get(path)
        assert response.status_code == 200, response.text
        body = response.json()
        items = body["items"] if path.startswith("/api/v1") else body["data"]
        assert [item["preferredCountryIds"] for item in items] == [[1], [], [44, 971]]
        reads = [sql for sql in statements if "candidate" in sql]
        assert len(reads) == 1, reads
        assert "email_key" not in reads[0] and "in_cv_database" not in reads[0]

    def test_taking_another_records_email_is_409_whatever_else_changes(
        self, api: Api, tenant: Tenant
    ) -> None:
        first = api.post(
            "/api/v1/candidates", json={"fullName": "A B", "email": "first@example.com"}
        ).json()
        second = api.post(
            "/api/v1/candidates",
            json={"fullName": "C D", "email": "second@example.com", "preferredCountryIds": [44]},
        ).json()
        response = api.put(
            f"/api/v1/candidates/{second['id']}",
            json={"email": first["email"], "preferredCountryIds": [], "skills": []},
        )
        assert response.status_code == 409 and response.json()["code"] == "conflict"
        unchanged = api.get(f"/api/v1/candidates/{second['id']}").json()
        assert unchanged["email"] == "second@example.com"
        assert unchanged["preferredCountryIds"] == [44]

    def test_duplicate_emails_conflict_within_a_pool_only(
        self, api: Api, tenant: Tenant, make_employer: EmployerFactory, make_key: KeyFactory
    ) -> None:
        first = api.post("/api/v1/candidates", json={"fullName": "A", "email": "dup@example.com"})
        again = api.post("/api/v1/candidates", json={"fullName": "B", "email": "DUP@example.com"})
        assert first.status_code == 201
        assert again.status_code == 409
        assert again.json() == {
            "code": "conflict",
            "message": f"Candidate {first.json()['id']} already has the e-mail address "
            "DUP@example.com.",
        }
        other = api.post(
            "/api/v1/candidates",
            key=make_key(make_employer())[1],
            json={"fullName": "C", "email": "dup@example.com"},
        )
        assert other.status_code == 201
        second = api.post("/api/v1/candidates", json={"fullName": "D", "email": "d@example.com"})
        clash = api.put(
            f"/api/v1/candidates/{second.json()['id']}", json={"email": "dup@example.com"}
        )
        assert clash.status_code == 409

    def test_platform_profiles_and_foreign_records_cannot_be_changed(
        self, api: Api, tenant: Tenant, make_employer: EmployerFactory, make_key: KeyFactory
    ) -> None:
        public = platform(unique_word())
        refused = api.put(f"/api/v1/candidates/{public}", json={"city": "Paris"})
        assert refused.status_code == 400
        assert refused.json()["code"] == "invalid_request"
        other_key = make_key(make_employer())[1]
        theirs = api.post(
            "/api/v1/candidates", key=other_key, json={"fullName": "T", "email": "t@example.com"}
        ).json()["id"]
        assert api.put(f"/api/v1/candidates/{theirs}", json={"city": "Paris"}).status_code == 404
        assert api.get("/api/v1/candidates").json()["total"] == 0

    @pytest.mark.parametrize(
        "body",
        [
            {"email": "missing-name@example.com"},
            {"fullName": "No Email"},
            {"fullName": " ", "email": "a@example.com"},
            {"fullName": "A", "email": "not-an-email"},
            {"fullName": "A", "email": "a@example.com", "countryId": 1000},
            {"fullName": "A", "email": "a@example.com", "preferredCountryIds": [44, 44]},
            {"fullName": "A", "email": "a@example.com", "skills": [""]},
            {"fullName": "A", "email": "a@example.com", "cvText": "nul\x00byte"},
            {"fullName": "A", "email": "a@example.com", "id": 7},
        ],
    )
    def test_invalid_records_are_400_and_create_nothing(
        self, api: Api, tenant: Tenant, body: dict[str, Any]
    ) -> None:
        response = api.post("/api/v1/candidates", json=body)
        assert response.status_code == 400
        assert response.json()["code"] == "invalid_request"
        assert api.get("/api/v1/candidates").json()["total"] == 0

    def test_scopes_guard_each_operation(
        self, api: Api, tenant: Tenant, make_key: KeyFactory
    ) -> None:
        _, jobs_only = make_key(tenant.employer_id, scopes="JobPosting")
        _, cv_search = make_key(tenant.employer_id, scopes="CvSearch")
        assert search(api, "java", key=jobs_only).status_code == 403
        assert api.get("/api/v1/candidates", key=jobs_only).status_code == 403
        assert (
            api.post(
                "/api/v1/candidates",
                key=cv_search,
                json={"fullName": "A", "email": "a@example.com"},
            ).json()["code"]
            == "insufficient_scope"
        )
        assert search(api, "java", key=cv_search).status_code == 200
