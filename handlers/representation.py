"""How domain objects look on the wire, shared by every API version.

Versions differ in their envelopes (lists, errors), never in the fields of an object.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from storage.candidates import Profile, SearchHit
from storage.clock import rfc3339, utcnow
from storage.errors import InvalidRequest
from storage.models import (
    Application,
    Candidate,
    DeliveryAttempt,
    Job,
    PipelineStage,
    WebhookDelivery,
    WebhookSubscription,
)
from storage.webhooks import CreatedSubscription, RotatedSecret

# JSON name -> model attribute, for the fields a partner may write.
JOB_FIELDS: dict[str, str] = {
    "reference": "reference",
    "title": "title",
    "description": "description",
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
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def job_fields(body: Mapping[str, Any]) -> dict[str, Any]:
    """A request body's job fields, keyed by model attribute."""
    return {JOB_FIELDS[name]: value for name, value in body.items() if name in JOB_FIELDS}


def _advert(job: Job) -> dict[str, Any]:
    """What every view of a job shows, the employer's and the public board's alike."""
    return {
        "id": job.id,
        "title": job.title,
        "city": job.city,
        "country": job.country,
        "employmentType": job.employment_type.value,
        "remoteType": job.remote_type.value,
        "applyMethod": job.apply_method.value,
        "applyEmailAddress": job.apply_email_address,
        "applyUrl": job.apply_url,
        "salaryMin": money(job.salary_min),
        "salaryMax": money(job.salary_max),
        "salaryCurrency": job.salary_currency,
        "postedDate": timestamp(job.posted_date),
        "expiryDate": timestamp(job.expiry_date),
    }


def job_summary(job: Job) -> dict[str, Any]:
    return {
        **_advert(job),
        "reference": job.reference,
        "status": job.status.value,
        "createdAt": timestamp(job.created_at),
        "updatedAt": timestamp(job.updated_at),
    }


def job_detail(job: Job) -> dict[str, Any]:
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


def masked_name(full_name: str) -> str:
    """``Priya Evans`` -> ``P*** E***``: an initial per name, nothing else."""
    parts = [part for part in full_name.replace("-", " ").split() if part]
    return " ".join(f"{part[0].upper()}***" for part in parts) or "***"


def candidate_profile(profile: Profile) -> dict[str, Any]:
    candidate = profile.candidate
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
        "source": "talentPool" if profile.in_talent_pool else "platform",
        "isUnlocked": True,
        "unlockExpiresAt": timestamp(profile.unlock_expires_at),
        "createdAt": timestamp(candidate.created_at),
        "updatedAt": timestamp(candidate.updated_at),
    }


def owned_candidate(candidate: Candidate) -> dict[str, Any]:
    """A talent-pool record (always free to see in full)."""
    return candidate_profile(Profile(candidate, in_talent_pool=True, unlock_expires_at=None))


def masked_candidate(hit: SearchHit) -> dict[str, Any]:
    """A search row: initials, no e-mail, phone, summary or CV text."""
    candidate = hit.candidate
    return {
        "id": candidate.id,
        "fullName": masked_name(candidate.full_name),
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


def application(item: Application) -> dict[str, Any]:
    """An application with its applicant, who is in the employer's talent pool."""
    candidate = item.candidate
    return {
        "id": item.id,
        "jobId": item.job_id,
        "jobTitle": item.job.title,
        "candidateId": candidate.id,
        "candidate": {
            "id": candidate.id,
            "fullName": candidate.full_name,
            "email": candidate.email,
            "phone": candidate.phone,
            "headline": candidate.headline,
            "city": candidate.city,
            "countryId": candidate.country_id,
        },
        "applicationType": item.application_type.value,
        "stage": pipeline_stage(item.stage),
        "cvText": item.cv_text,
        "appliedAt": timestamp(item.applied_at),
        "stageChangedAt": timestamp(item.stage_changed_at),
    }


def open_job(job: Job) -> dict[str, Any]:
    """A job as the public board shows it: no internal reference, status or timestamps."""
    return {**_advert(job), "employerName": job.employer.name, "description": job.description}


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


def delivery_attempt(attempt: DeliveryAttempt) -> dict[str, Any]:
    return {
        "startedAt": timestamp(attempt.started_at),
        "durationMs": attempt.duration_ms,
        "statusCode": attempt.status_code,
        "error": attempt.error,
        "succeeded": attempt.succeeded,
    }


def webhook_delivery(delivery: WebhookDelivery) -> dict[str, Any]:
    """A delivery with its event's id and type and every attempt, oldest first."""
    return {
        "id": delivery.public_id,
        "eventId": delivery.event.public_id,
        "eventType": delivery.event.type,
        "status": delivery.status.value,
        "failedAttempts": delivery.failed_attempts,
        "nextAttemptAt": timestamp(delivery.next_attempt_at),
        "createdAt": timestamp(delivery.created_at),
        "succeededAt": timestamp(delivery.succeeded_at),
        "attempts": [delivery_attempt(attempt) for attempt in delivery.attempts],
    }
