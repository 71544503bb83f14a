"""How domain objects look on the wire.

Versions differ in their envelopes (lists, errors) and, for jobs, in their vocabulary: v1 and the
public board speak the platform's own words (``FullTime``, ``Active``, a ``city`` and a
``country``), v2 speaks HeadHonta's (``full-time``, ``open``, a ``location``). Every other object
has the same fields in every version. The v2 job words are at the end of this module, one table
per enum, read both ways.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from decimal import Decimal
from enum import Enum
from typing import Any, Generic, Protocol, TypeVar

from storage.application_lists import ApplicationSummary
from storage.candidates import Profile
from storage.clock import rfc3339, utcnow
from storage.delivery_lists import AttemptSummary, DeliverySummary
from storage.errors import InvalidRequest
from storage.jobs import JobSummary
from storage.models import (
    ApiKey,
    ApplyMethod,
    Candidate,
    Employer,
    EmploymentType,
    Job,
    JobStatus,
    PipelineStage,
    RemoteType,
    WebhookSubscription,
)
from storage.search.request import SearchHit
from storage.talent_pool import CandidateSummary
from storage.usage import MONTHLY_REQUEST_QUOTA
from storage.webhooks import CreatedSubscription, RotatedSecret

# A job as its lists read it (``storage.jobs.JobSummary``, without the description) or whole:
# both have the job's attributes.
JobView = Job | JobSummary
# A candidate as the talent pool reads it (``storage.talent_pool.CandidateSummary``) or whole.
CandidateView = Candidate | CandidateSummary

# JSON name -> model attribute, for the fields a partner may write.
JOB_FIELDS: dict[str, str] = {
    "reference": "reference",
    "title": "title",
    "description": "description",
    "location": "location",
    "city": "city",
    "country": "country",
    "employmentType": "employment_type",
    "remoteType": "remote_type",
    "applyMethod": "apply_method",
    "applyEmailAddress": "apply_email_address",
    "applyUrl": "apply_url",
    "salaryMin": "salary_min",
    "salaryMax": "salary_max",
    "salaryCurrency": "salary_currency",
}


def timestamp(value: datetime | None) -> str | None:
    """RFC 3339 in UTC with a ``Z``, to the second."""
    return None if value is None else rfc3339(value)


def parse_timestamp(value: str | None, field: str) -> datetime | None:
    """An RFC 3339 timestamp from a request; naive or out-of-range values are refused."""
    if value is None:
        return None
    try:
        parsed = datetime.fromisoformat(value)
        if parsed.tzinfo is None:
            raise ValueError("no offset")
        return parsed.astimezone(UTC)
    except (ValueError, OverflowError):
        raise InvalidRequest(
            f"{field} must be an RFC 3339 date-time with an offset, like 2026-06-01T00:00:00Z."
        ) from None


def money(value: Decimal | None) -> int | float | None:
    """A salary as a JSON number: an integer when it is whole.

    Salaries are ``NUMERIC(14, 2)``, so every whole one is below 2**53 and its float is exact;
    testing the float is a quarter cheaper than testing the decimal (bench/RESULTS.md, issue 25).
    """
    if value is None:
        return None
    number = float(value)
    return int(number) if number.is_integer() else number


def job_fields(body: Mapping[str, Any]) -> dict[str, Any]:
    """A request body's job fields, keyed by model attribute."""
    return {JOB_FIELDS[name]: value for name, value in body.items() if name in JOB_FIELDS}


def _advert(job: JobView) -> dict[str, Any]:
    """What every view of a job shows, in every version and on the public board."""
    return {
        "id": job.id,
        "title": job.title,
        "applyEmailAddress": job.apply_email_address,
        "applyUrl": job.apply_url,
        "salaryMin": money(job.salary_min),
        "salaryMax": money(job.salary_max),
        "salaryCurrency": job.salary_currency,
        "postedDate": timestamp(job.posted_date),
        "expiryDate": timestamp(job.expiry_date),
    }


# The views of a job add their fields to the advert's dict in place: a page of 50 built from
# merged dicts (``{**advert, **words, ...}``) made 100 more dicts to fill and free, a sixth of its
# wire form (bench/RESULTS.md, issue 25).
#
# The platform's words are its enums' values, written as ``str(member)``: the same text as
# ``member.value`` for a ``StrEnum``, without the Python-level property that made ``.value`` a
# fifth of a page's wire form (bench/RESULTS.md, issue 25).
def _platform_advert(job: JobView) -> dict[str, Any]:
    """The advert with the job's place and kinds as v1 and the public board say them.

    Both promise a ``city`` and a ``country``. A job placed on v2 by a location that names no
    known country has neither: it shows its whole location as the city and an empty country.
    """
    view = _advert(job)
    view["city"] = job.location if job.city is None else job.city
    view["country"] = job.country or ""
    view["employmentType"] = str(job.employment_type)
    view["remoteType"] = str(job.remote_type)
    view["applyMethod"] = str(job.apply_method)
    return view


def job_summary(job: JobView) -> dict[str, Any]:
    """A job in v1's lists (without its description)."""
    view = _platform_advert(job)
    view["reference"] = job.reference or ""
    view["status"] = str(job.status)
    view["createdAt"] = timestamp(job.created_at)
    view["updatedAt"] = timestamp(job.updated_at)
    return view


def job_detail(job: Job) -> dict[str, Any]:
    """A job as v1 returns it."""
    return {**job_summary(job), "description": job.description}


# JSON name -> service field name, for the candidate fields a partner may write.
CANDIDATE_FIELDS: dict[str, str] = {
    "fullName": "full_name",
    "email": "email",
    "phone": "phone",
    "headline": "headline",
    "summary": "summary",
    "cvText": "cv_text",
    "skills": "skills",
    "city": "city",
    "countryId": "country_id",
    "preferredCountryIds": "preferred_country_ids",
    "lastActiveAt": "last_active_at",
}


def candidate_fields(body: Mapping[str, Any]) -> dict[str, Any]:
    """A request body's candidate fields, keyed by service field name."""
    fields = {
        CANDIDATE_FIELDS[name]: value for name, value in body.items() if name in CANDIDATE_FIELDS
    }
    if "last_active_at" in fields:
        fields["last_active_at"] = parse_timestamp(fields["last_active_at"], "lastActiveAt")
    return fields


def _candidate(
    candidate: CandidateView, *, in_talent_pool: bool, unlock_expires_at: datetime | None
) -> dict[str, Any]:
    return {
        "id": candidate.id,
        "fullName": candidate.full_name,
        "email": candidate.email,
        "phone": candidate.phone,
        "headline": candidate.headline,
        "summary": candidate.summary,
        "cvText": candidate.cv_text,
        "skills": list(candidate.skills or []),
        "city": candidate.city,
        "countryId": candidate.country_id,
        "preferredCountryIds": candidate.preferred_country_ids,
        "lastActiveAt": timestamp(candidate.last_active_at),
        "source": "talentPool" if in_talent_pool else "platform",
        "isUnlocked": True,
        "unlockExpiresAt": timestamp(unlock_expires_at),
        "createdAt": timestamp(candidate.created_at),
        "updatedAt": timestamp(candidate.updated_at),
    }


def candidate_profile(profile: Profile) -> dict[str, Any]:
    return _candidate(
        profile.candidate,
        in_talent_pool=profile.in_talent_pool,
        unlock_expires_at=profile.unlock_expires_at,
    )


def owned_candidate(candidate: CandidateView) -> dict[str, Any]:
    """A talent-pool record (always free to see in full)."""
    return _candidate(candidate, in_talent_pool=True, unlock_expires_at=None)


def masked_candidate(hit: SearchHit) -> dict[str, Any]:
    """A search row, masked by the search itself (``storage.search.request.MaskedProfile``)."""
    candidate = hit.candidate
    return {
        "id": candidate.id,
        "fullName": candidate.initials,
        "headline": candidate.headline,
        "skills": list(candidate.skills or []),
        "city": candidate.city,
        "countryId": candidate.country_id,
        "preferredCountryIds": candidate.preferred_country_ids,
        "lastActiveAt": timestamp(candidate.last_active_at),
        "isUnlocked": hit.is_unlocked,
    }


def pipeline_stage(stage: PipelineStage) -> dict[str, Any]:
    return {"id": str(stage.id), "name": stage.name, "position": stage.position}


def application(item: ApplicationSummary) -> dict[str, Any]:
    """An application with its applicant, who is in the employer's talent pool."""
    return {
        "id": item.id,
        "jobId": item.job_id,
        "jobTitle": item.job_title,
        "candidateId": item.candidate_id,
        "candidate": {
            "id": item.candidate_id,
            "fullName": item.candidate_full_name,
            "email": item.candidate_email,
            "phone": item.candidate_phone,
            "headline": item.candidate_headline,
            "city": item.candidate_city,
            "countryId": item.candidate_country_id,
        },
        "applicationType": str(item.application_type),
        "stage": {
            "id": str(item.stage_id),
            "name": item.stage_name,
            "position": item.stage_position,
        },
        "cvText": item.cv_text,
        "appliedAt": timestamp(item.applied_at),
        "stageChangedAt": timestamp(item.stage_changed_at),
    }


def open_job(job: Job) -> dict[str, Any]:
    """A job as the public board shows it: no internal reference, status or timestamps."""
    view = _platform_advert(job)
    view["employerName"] = job.employer.name
    view["description"] = job.description
    return view


# JSON name -> service field name, for a QuickApply from the public board.
QUICK_APPLY_FIELDS: dict[str, str] = {
    "fullName": "full_name",
    "email": "email",
    "phone": "phone",
    "cvText": "cv_text",
}


# JSON name -> service field name, for the webhook fields a partner may write.
WEBHOOK_FIELDS: dict[str, str] = {
    "url": "url",
    "events": "events",
    "description": "description",
    "enabled": "enabled",
}


def webhook_fields(body: Mapping[str, Any]) -> dict[str, Any]:
    """A request body's webhook fields, keyed by service field name."""
    return {WEBHOOK_FIELDS[name]: value for name, value in body.items() if name in WEBHOOK_FIELDS}


def webhook(subscription: WebhookSubscription) -> dict[str, Any]:
    """A subscription without its secrets (the secret is shown only by ``created_webhook``)."""
    rotation_ends = subscription.previous_secret_expires_at
    return {
        "id": subscription.id,
        "url": subscription.url,
        "description": subscription.description,
        "events": list(subscription.events),
        "enabled": subscription.enabled,
        "disabledReason": subscription.disabled_reason,
        "consecutiveFailures": subscription.consecutive_failures,
        "secretRotationEndsAt": (
            timestamp(rotation_ends) if rotation_ends and rotation_ends > utcnow() else None
        ),
        "createdAt": timestamp(subscription.created_at),
        "updatedAt": timestamp(subscription.updated_at),
    }


def created_webhook(created: CreatedSubscription) -> dict[str, Any]:
    """A new subscription with its secret in plaintext: the one reply that carries it."""
    return {**webhook(created.subscription), "secret": created.secret}


def rotated_secret(rotated: RotatedSecret) -> dict[str, Any]:
    return {
        "secret": rotated.secret,
        "previousSecretExpiresAt": timestamp(rotated.previous_secret_expires_at),
    }


def delivery_attempt(attempt: AttemptSummary) -> dict[str, Any]:
    return {
        "startedAt": timestamp(attempt.started_at),
        "durationMs": attempt.duration_ms,
        "statusCode": attempt.status_code,
        "error": attempt.error,
        "succeeded": attempt.succeeded,
    }


def webhook_delivery(delivery: DeliverySummary) -> dict[str, Any]:
    """A delivery with its event's id and type and every attempt, oldest first."""
    return {
        "id": delivery.public_id,
        "eventId": delivery.event_public_id,
        "eventType": delivery.event_type,
        "status": str(delivery.status),
        "failedAttempts": delivery.failed_attempts,
        "nextAttemptAt": timestamp(delivery.next_attempt_at),
        "createdAt": timestamp(delivery.created_at),
        "succeededAt": timestamp(delivery.succeeded_at),
        "attempts": [delivery_attempt(attempt) for attempt in delivery.attempts],
    }


# --- v2's job vocabulary -------------------------------------------------------------------------

E = TypeVar("E", bound=Enum)


class Vocabulary(Generic[E]):
    """One enum's words in a version: each member has one word, read and written the same way."""

    def __init__(self, words: Mapping[E, str]) -> None:
        self._words = dict(words)
        self._members = {word: member for member, word in self._words.items()}
        if len(self._members) != len(self._words):
            raise ValueError("two members share a word")

    def word(self, member: E) -> str:
        return self._words[member]

    def member(self, word: str) -> E:
        """The member ``word`` names (the document has already checked it is one of them)."""
        return self._members[word]

    @property
    def words(self) -> list[str]:
        return list(self._words.values())


V2_JOB_STATUS = Vocabulary(
    {
        JobStatus.DRAFT: "draft",
        JobStatus.ACTIVE: "open",
        JobStatus.EXPIRED: "expired",
        JobStatus.INACTIVE: "closed",
    }
)
V2_EMPLOYMENT_TYPE = Vocabulary(
    {
        EmploymentType.FULL_TIME: "full-time",
        EmploymentType.PART_TIME: "part-time",
        EmploymentType.CONTRACT: "contract",
        EmploymentType.TEMPORARY: "temporary",
        EmploymentType.INTERNSHIP: "internship",
    }
)
V2_REMOTE_TYPE = Vocabulary(
    {
        RemoteType.ON_SITE: "on-site",
        RemoteType.HYBRID_REMOTE: "hybrid",
        RemoteType.FULLY_REMOTE: "remote",
    }
)
V2_APPLY_METHOD = Vocabulary(
    {
        ApplyMethod.EMAIL_APPLY: "email",
        ApplyMethod.URL_APPLY: "url",
        ApplyMethod.QUICK_APPLY: "quick-apply",
    }
)
_V2_VOCABULARIES: dict[type[Enum], Vocabulary[Any]] = {
    JobStatus: V2_JOB_STATUS,
    EmploymentType: V2_EMPLOYMENT_TYPE,
    RemoteType: V2_REMOTE_TYPE,
    ApplyMethod: V2_APPLY_METHOD,
}


def v2_word(member: Enum) -> str:
    """``member`` as v2 writes it (its own value where v2 keeps v1's word)."""
    vocabulary = _V2_VOCABULARIES.get(type(member))
    return vocabulary.word(member) if vocabulary is not None else str(member.value)


# Request field (model attribute) -> its vocabulary.
_V2_JOB_ENUMS: dict[str, Vocabulary[Any]] = {
    "employment_type": V2_EMPLOYMENT_TYPE,
    "remote_type": V2_REMOTE_TYPE,
    "apply_method": V2_APPLY_METHOD,
}


def v2_job_fields(body: Mapping[str, Any]) -> dict[str, Any]:
    """A v2 request body's job fields, keyed by model attribute, in the platform's words."""
    fields = job_fields(body)
    for name, vocabulary in _V2_JOB_ENUMS.items():
        if fields.get(name) is not None:
            fields[name] = vocabulary.member(fields[name])
    return fields


def v2_job_status(body: Mapping[str, Any]) -> JobStatus | None:
    """The status a v2 request body asks for, if any."""
    word = body.get("status")
    return None if word is None else V2_JOB_STATUS.member(word)


def v2_job_summary(job: JobView) -> dict[str, Any]:
    """A job in v2's lists (without its description)."""
    view = _advert(job)
    view["reference"] = job.reference
    view["location"] = job.location
    view["city"] = job.city
    view["country"] = job.country
    view["employmentType"] = V2_EMPLOYMENT_TYPE.word(job.employment_type)
    view["remoteType"] = V2_REMOTE_TYPE.word(job.remote_type)
    view["applyMethod"] = V2_APPLY_METHOD.word(job.apply_method)
    view["status"] = V2_JOB_STATUS.word(job.status)
    view["createdAt"] = timestamp(job.created_at)
    view["updatedAt"] = timestamp(job.updated_at)
    return view


def v2_job_detail(job: Job) -> dict[str, Any]:
    """A job as v2 returns it."""
    return {**v2_job_summary(job), "description": job.description}


class CountedRate(Protocol):
    """This call's rate in its family (``hirebridge.ratelimit.Decision``)."""

    limit: int
    remaining: int
    reset_seconds: int


class CountedMonth(Protocol):
    """The employer's month with this call counted (``hirebridge.quota.QuotaDecision``)."""

    used: int


def caller(
    key: ApiKey, employer: Employer, rate: CountedRate | None, month: CountedMonth | None
) -> dict[str, Any]:
    """``getMe``: the calling key, its employer and what is left of its limits."""
    quota = MONTHLY_REQUEST_QUOTA[employer.plan]
    used = month.used if month is not None else None
    return {
        "key": {
            "id": key.id,
            "name": key.name,
            "prefix": key.prefix,
            "scopes": sorted(key.scopes),
            "expiresAt": timestamp(key.expires_at),
        },
        "employer": {"id": employer.id, "name": employer.name, "plan": employer.plan.value},
        "rateLimit": None
        if rate is None
        else {
            "family": "other",
            "limit": rate.limit,
            "remaining": rate.remaining,
            "resetSeconds": rate.reset_seconds,
        },
        "quota": {
            "monthlyRequests": quota,
            "usedThisMonth": used,
            "remaining": None if quota is None or used is None else max(quota - used, 0),
        },
    }
