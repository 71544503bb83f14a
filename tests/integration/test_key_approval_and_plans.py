"""docs/requirements.md#k6 (approval) and docs/requirements.md#k8 (plan caps) through what partners
and operators see: HTTP and the CLI."""

from __future__ import annotations

from pathlib import Path

import pytest
import redis
from rq import Queue
from sqlalchemy.orm import Session

from storage import api_keys, db, users
from storage.errors import InvalidRequest, InvalidState
from storage.models import ApiKeyStatus, Plan, UserRole
from tests.support.apps import Api
from tests.support.factories import EmployerFactory, KeyFactory, employer_in
from tests.support.live import service_env

from .test_cli import hirebridge, last_line


def status_of(key_id: int) -> ApiKeyStatus:
    with db.unit_of_work() as session:
        return api_keys.get_key(session, key_id).status


class TestApproval:
    def test_cv_search_keys_wait_for_an_operator(
        self, api: Api, make_employer: EmployerFactory, make_key: KeyFactory
    ) -> None:
        employer_id = make_employer(cv_search=5)
        key_id, key = make_key(employer_id, "CvSearch", approve=False)

        assert status_of(key_id) is ApiKeyStatus.PENDING
        pending = api.get("/api/v1/candidates", key=key)
        assert pending.status_code == 401 and pending.content == b""

        with db.unit_of_work() as session:
            approval = api_keys.approve_key(session, key_id)
            assert approval.newly_approved
        assert api.get("/api/v1/candidates", key=key).status_code == 200

    def test_an_employer_without_credit_or_contract_waits_too(
        self, api: Api, make_employer: EmployerFactory, make_key: KeyFactory
    ) -> None:
        broke = make_employer()
        key_id, _ = make_key(broke, "JobPosting", approve=False)
        assert status_of(key_id) is ApiKeyStatus.PENDING
        # With a credit, or on an unlimited contract, a job-posting key is active at once.
        for employer_id in (make_employer(job_posting=1), make_employer(unlimited=True)):
            key_id, key = make_key(employer_id, "JobPosting", approve=False)
            assert status_of(key_id) is ApiKeyStatus.ACTIVE
            assert api.get("/api/v1/jobs", key=key).status_code == 200

    def test_trusted_partners_are_never_held(
        self, api: Api, make_employer: EmployerFactory, make_key: KeyFactory
    ) -> None:
        trusted = make_employer(trusted=True)
        key_id, key = make_key(trusted, "CvSearch,JobPosting", approve=False)
        assert status_of(key_id) is ApiKeyStatus.ACTIVE
        assert api.get("/api/v1/candidates", key=key).status_code == 200

    def test_approval_is_idempotent_and_revoked_keys_stay_revoked(
        self, db_session: Session
    ) -> None:
        employer = employer_in(db_session)
        key = api_keys.mint_key(db_session, employer, name="x", scopes=["CvSearch"]).key
        assert api_keys.approve_key(db_session, key.id).newly_approved
        assert not api_keys.approve_key(db_session, key.id).newly_approved
        api_keys.revoke_key(db_session, key.id)
        with pytest.raises(InvalidState):
            api_keys.approve_key(db_session, key.id)


class TestPlans:
    def test_the_free_plan_mints_nothing(self, db_session: Session) -> None:
        employer = employer_in(db_session, plan=Plan.FREE, job_posting=5)
        with pytest.raises(InvalidRequest, match="free plan"):
            api_keys.mint_key(db_session, employer, name="x", scopes=["JobPosting"])

    @pytest.mark.parametrize(("plan", "cap"), [(Plan.STARTER, 1), (Plan.PROFESSIONAL, 5)])
    def test_plans_cap_the_keys_in_use(
        self, api: Api, make_employer: EmployerFactory, make_key: KeyFactory, plan: Plan, cap: int
    ) -> None:
        employer_id = make_employer(plan=plan, job_posting=5)
        made = [make_key(employer_id, "JobPosting")[0] for _ in range(cap)]
        with pytest.raises(InvalidRequest, match=f"allows {cap} active"):
            make_key(employer_id, "JobPosting")
        # A revoked key frees its place.
        with db.unit_of_work() as session:
            api_keys.revoke_key(session, made[0])
        make_key(employer_id, "JobPosting")

    def test_enterprise_has_no_cap(
        self, api: Api, make_employer: EmployerFactory, make_key: KeyFactory
    ) -> None:
        employer_id = make_employer(plan=Plan.ENTERPRISE, job_posting=1)
        for _ in range(7):
            make_key(employer_id, "jobs:read")


def test_operator_approves_with_the_cli_and_the_admins_are_emailed(
    postgresql_url: str, redis_url: str, tmp_path: Path, make_employer: EmployerFactory
) -> None:
    env = service_env(postgresql_url, redis_url, tmp_path)
    employer_id = last_line(hirebridge(env, "employer", "create", "--name", "Pending Ltd"))
    admin = last_line(
        hirebridge(
            env,
            "user",
            "create",
            "--employer",
            employer_id,
            "--email",
            "Admin@Pending.example",
            "--name",
            "Ada Admin",
            "--no-password",
        )
    )
    assert admin.isdigit()
    hirebridge(
        env,
        "user",
        "create",
        "--employer",
        employer_id,
        "--email",
        "rec@pending.example",
        "--name",
        "Rex Recruiter",
        "--role",
        "Recruiter",
        "--no-password",
    )
    minted = hirebridge(
        env, "keys", "mint", "--employer", employer_id, "--name", "Search", "--scopes", "CvSearch"
    )
    key_id = minted.stdout.strip().splitlines()[-2]
    assert f"key {key_id} is pending" in minted.stderr
    assert f"{key_id} " in next(
        line
        for line in hirebridge(env, "keys", "list", "--employer", employer_id).stdout.splitlines()
        if "pending" in line
    )
    mail_queue = Queue("mail", connection=redis.Redis.from_url(redis_url))
    queued_before = set(mail_queue.job_ids)

    assert last_line(hirebridge(env, "keys", "approve", key_id)) == f"{key_id} active"
    assert last_line(hirebridge(env, "keys", "approve", key_id)) == f"{key_id} active"

    new_jobs = [mail_queue.fetch_job(job_id) for job_id in set(mail_queue.job_ids) - queued_before]
    assert len(new_jobs) == 1, "one e-mail, for the first approval only"
    to, subject, _body = new_jobs[0].args  # type: ignore[union-attr]
    # Stored as normalize_email writes it: in lower case.
    assert to == ["admin@pending.example"] and "approved" in subject

    refused = hirebridge(env, "keys", "approve", "999999")
    assert refused.returncode == 1 and refused.stderr.strip() == "error: No API key with id 999999."


def test_set_trusted_from_the_cli(postgresql_url: str, redis_url: str, tmp_path: Path) -> None:
    env = service_env(postgresql_url, redis_url, tmp_path)
    employer_id = last_line(hirebridge(env, "employer", "create", "--name", "Partner Ltd"))
    assert last_line(hirebridge(env, "employer", "set-trusted", "--employer", employer_id)) == (
        "trusted"
    )
    minted = hirebridge(
        env, "keys", "mint", "--employer", employer_id, "--name", "Search", "--scopes", "CvSearch"
    )
    assert minted.returncode == 0 and "pending" not in minted.stderr
    off = hirebridge(env, "employer", "set-trusted", "--employer", employer_id, "--off")
    assert last_line(off) == "not trusted"


def test_users_keep_only_an_argon2_hash(db_session: Session) -> None:
    user = users.create_user(
        db_session,
        employer_in(db_session).id,
        email="ops@example.com",
        name="Ops",
        role=UserRole.EMPLOYER_ADMIN,
        password="correct horse battery",
    )
    assert user.password_hash is not None and user.password_hash.startswith("$argon2")
    assert "correct horse" not in user.password_hash
