"""The typed SQLAlchemy models: one class per table, names as the domain says them."""

from __future__ import annotations

import enum
import uuid
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    Uuid,
    false,
)
from sqlalchemy import (
    text as text_clause,
)
from sqlalchemy.dialects.postgresql import TSVECTOR
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from storage.clock import utcnow
from storage.types import FiniteNumeric, UTCDateTime, string_enum

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# SQLite only auto-increments INTEGER PRIMARY KEY; PostgreSQL gets a BIGINT identity.
BigId = BigInteger().with_variant(Integer(), "sqlite")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Plan(enum.StrEnum):
    FREE = "free"
    STARTER = "starter"
    PROFESSIONAL = "professional"
    ENTERPRISE = "enterprise"


class CreditKind(enum.StrEnum):
    JOB_POSTING = "job_posting"
    CV_SEARCH = "cv_search"
    CV_DOWNLOAD = "cv_download"


class UserRole(enum.StrEnum):
    EMPLOYER_ADMIN = "EmployerAdmin"
    RECRUITER = "Recruiter"


class ApiKeyStatus(enum.StrEnum):
    PENDING = "pending"
    ACTIVE = "active"
    REVOKED = "revoked"


class JobStatus(enum.StrEnum):
    DRAFT = "Draft"
    ACTIVE = "Active"
    EXPIRED = "Expired"
    INACTIVE = "Inactive"


class EmploymentType(enum.StrEnum):
    FULL_TIME = "FullTime"
    PART_TIME = "PartTime"
    CONTRACT = "Contract"
    TEMPORARY = "Temporary"
    INTERNSHIP = "Internship"


class RemoteType(enum.StrEnum):
    ON_SITE = "OnSite"
    HYBRID_REMOTE = "HybridRemote"
    FULLY_REMOTE = "FullyRemote"


class ApplyMethod(enum.StrEnum):
    EMAIL_APPLY = "EmailApply"
    URL_APPLY = "UrlApply"
    QUICK_APPLY = "QuickApply"


class ApplicationType(enum.StrEnum):
    EMAIL_APPLY = "EmailApply"
    URL_APPLY = "UrlApply"
    QUICK_APPLY = "QuickApply"
    IMPORTED = "Imported"


class DeliveryStatus(enum.StrEnum):
    PENDING = "pending"  # due at next_attempt_at (first try or a retry)
    DELIVERING = "delivering"  # claimed by a worker until lease_expires_at
    SUCCEEDED = "succeeded"
    DEAD = "dead"  # every attempt of the schedule failed: kept, visible, redeliverable


class Employer(Base):
    """The tenant: every other row belongs to exactly one employer."""

    __tablename__ = "employers"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    plan: Mapped[Plan] = mapped_column(string_enum(Plan), default=Plan.PROFESSIONAL)
    contract_unlimited: Mapped[bool] = mapped_column(Boolean, default=False)
    trusted_partner: Mapped[bool] = mapped_column(Boolean, default=False)
    # Scales every rate-limit family for this employer's keys (docs/requirements.md#r1; enterprise
    # contracts).
    rate_multiplier: Mapped[int] = mapped_column(
        Integer, default=1, server_default=text_clause("1")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    balances: Mapped[list[CreditBalance]] = relationship(
        back_populates="employer", order_by="CreditBalance.kind"
    )


class CreditBalance(Base):
    """The running balance of one credit kind; always equal to the sum of its ledger rows."""

    __tablename__ = "credit_balances"
    __table_args__ = (CheckConstraint("balance >= 0", name="balance_not_negative"),)

    employer_id: Mapped[int] = mapped_column(ForeignKey("employers.id"), primary_key=True)
    kind: Mapped[CreditKind] = mapped_column(string_enum(CreditKind), primary_key=True)
    balance: Mapped[int] = mapped_column(Integer, default=0)

    employer: Mapped[Employer] = relationship(back_populates="balances")


class MonthlyUsage(Base):
    """Keyed API calls of one employer in one calendar month (UTC), as last persisted.

    Redis holds the live counter; this row is its durable copy, written off the request path and
    read back only when Redis has lost the counter (docs/requirements.md#c1).
    """

    __tablename__ = "monthly_usage"

    employer_id: Mapped[int] = mapped_column(ForeignKey("employers.id"), primary_key=True)
    month: Mapped[str] = mapped_column(String(7), primary_key=True)  # 'YYYY-MM'
    requests: Mapped[int] = mapped_column(BigInteger, default=0)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class IdempotencyRecord(Base):
    """One ``Idempotency-Key`` of one API key (docs/requirements.md#j5): claimed, then carrying the
    kept response.

    ``committed_at`` is written in the same transaction as the request's own work, so a request
    whose work committed is never run a second time, even if its response was never kept.
    """

    __tablename__ = "idempotency_records"
    __table_args__ = (
        UniqueConstraint("api_key_id", "idempotency_key"),
        Index("ix_idempotency_records_expires_at", "expires_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    api_key_id: Mapped[int] = mapped_column(ForeignKey("api_keys.id", ondelete="CASCADE"))
    idempotency_key: Mapped[str] = mapped_column(String(255))
    # SHA-256 (hex) of method, path, query and body: what "the same request" means.
    fingerprint: Mapped[str] = mapped_column(String(64))
    # When the request that claimed the key started; a claim left running too long is taken over.
    locked_at: Mapped[datetime] = mapped_column(UTCDateTime)
    committed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    response_status: Mapped[int | None] = mapped_column(Integer, default=None)
    response_headers: Mapped[list[list[str]] | None] = mapped_column(JSON, default=None)
    response_body: Mapped[bytes | None] = mapped_column(LargeBinary, default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)


class CreditLedgerEntry(Base):
    """One append-only change to a balance (or usage recorded under an unlimited contract)."""

    __tablename__ = "credit_ledger"
    __table_args__ = (Index("ix_credit_ledger_employer_created", "employer_id", "id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    employer_id: Mapped[int] = mapped_column(ForeignKey("employers.id"))
    kind: Mapped[CreditKind] = mapped_column(string_enum(CreditKind))
    delta: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(String(64))
    reference: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class User(Base):
    """A person who signs in to an employer's portal (or, without a password, only gets its
    e-mails). ``email`` is stored as ``storage.text.normalize_email`` gives it.

    A portal session names the ``session_generation`` it was opened in; raising the number (a new
    password) ends every session opened before, on every host, since cookies cannot be recalled.
    """

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    employer_id: Mapped[int] = mapped_column(ForeignKey("employers.id"), index=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[UserRole] = mapped_column(string_enum(UserRole))
    password_hash: Mapped[str | None] = mapped_column(String(200))
    session_generation: Mapped[int] = mapped_column(
        Integer, default=0, server_default=text_clause("0")
    )
    last_signed_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class SignUpRequest(Base):
    """A self-serve sign-up waiting for its e-mail address to be verified.

    Nothing else exists until the link is followed: then the employer (on the free plan) and its
    first admin are made from this row, and ``completed_at`` makes the link single-use. Only a
    SHA-256 of the link's secret is kept.
    """

    __tablename__ = "sign_up_requests"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    email: Mapped[str] = mapped_column(String(254))
    company_name: Mapped[str] = mapped_column(String(200))
    admin_name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(200))
    token_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Invitation(Base):
    """An invitation to join an employer's team with a role, accepted by choosing a password.

    One row per employer and address: inviting the address again replaces the secret (the old
    link stops working) and the expiry.
    """

    __tablename__ = "invitations"
    __table_args__ = (UniqueConstraint("employer_id", "email"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    employer_id: Mapped[int] = mapped_column(ForeignKey("employers.id"))
    email: Mapped[str] = mapped_column(String(254))
    role: Mapped[UserRole] = mapped_column(string_enum(UserRole))
    invited_by_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    token_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class PasswordReset(Base):
    """A "forgot password" link: single-use, short-lived, a SHA-256 of its secret kept."""

    __tablename__ = "password_resets"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ApiKey(Base):
    """A partner's credential. Only the SHA-256 of the secret is kept, never the secret."""

    __tablename__ = "api_keys"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    employer_id: Mapped[int] = mapped_column(ForeignKey("employers.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    prefix: Mapped[str] = mapped_column(String(16))
    secret_hash: Mapped[str] = mapped_column(String(64), unique=True)
    scopes: Mapped[list[str]] = mapped_column(JSON)
    status: Mapped[ApiKeyStatus] = mapped_column(string_enum(ApiKeyStatus))
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


# A written location has at most 200 characters; one made of a city and a country up to 202.
LOCATION_LENGTH = 255


class Job(Base):
    __tablename__ = "jobs"
    __table_args__ = (
        # Serves "own jobs, newest first", with or without a status filter.
        Index("ix_jobs_employer_created", "employer_id", "created_at", "id"),
        Index("ix_jobs_employer_status_created", "employer_id", "status", "created_at", "id"),
        # Serves the public board: Active jobs of every employer, most recently posted first.
        Index("ix_jobs_status_posted", "status", "posted_date", "id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    employer_id: Mapped[int] = mapped_column(ForeignKey("employers.id"))
    reference: Mapped[str | None] = mapped_column(String(100))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text)
    # Where the job is, as the employer wrote it; ``city`` and ``country`` when they are known
    # (``storage.countries``). A job with no country is not found by the board's country filter.
    location: Mapped[str] = mapped_column(String(LOCATION_LENGTH))
    city: Mapped[str | None] = mapped_column(String(100))
    country: Mapped[str | None] = mapped_column(String(100))
    employment_type: Mapped[EmploymentType] = mapped_column(string_enum(EmploymentType))
    remote_type: Mapped[RemoteType] = mapped_column(string_enum(RemoteType))
    apply_method: Mapped[ApplyMethod] = mapped_column(string_enum(ApplyMethod))
    apply_email_address: Mapped[str | None] = mapped_column(String(254))
    apply_url: Mapped[str | None] = mapped_column(String(2000))
    salary_min: Mapped[Decimal | None] = mapped_column(FiniteNumeric(14, 2))
    salary_max: Mapped[Decimal | None] = mapped_column(FiniteNumeric(14, 2))
    salary_currency: Mapped[str | None] = mapped_column(String(3))
    status: Mapped[JobStatus] = mapped_column(string_enum(JobStatus), default=JobStatus.DRAFT)
    posted_date: Mapped[datetime | None] = mapped_column(UTCDateTime)
    expiry_date: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    employer: Mapped[Employer] = relationship()


class Candidate(Base):
    """A job seeker.

    A platform profile (``owner_employer_id`` is null) is searchable by every employer while the
    candidate keeps it in the CV database; an employer-owned record (created through the API) is
    private to its employer. The profile's words are indexed for search in ``candidate_search``
    (PostgreSQL) or the ``candidate_fts`` table (SQLite), written with the candidate.
    """

    __tablename__ = "candidates"
    __table_args__ = (
        Index(
            "uq_candidates_platform_email",
            "email_key",
            unique=True,
            postgresql_where=text_clause("owner_employer_id IS NULL"),
            sqlite_where=text_clause("owner_employer_id IS NULL"),
        ),
        Index(
            "uq_candidates_owner_email",
            "owner_employer_id",
            "email_key",
            unique=True,
            postgresql_where=text_clause("owner_employer_id IS NOT NULL"),
            sqlite_where=text_clause("owner_employer_id IS NOT NULL"),
        ),
        Index("ix_candidates_owner_created", "owner_employer_id", "created_at", "id"),
        Index("ix_candidates_last_active", "last_active_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    owner_employer_id: Mapped[int | None] = mapped_column(ForeignKey("employers.id"))
    in_cv_database: Mapped[bool] = mapped_column(Boolean, default=True)
    full_name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(254))
    email_key: Mapped[str] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(50))
    headline: Mapped[str | None] = mapped_column(String(300))
    summary: Mapped[str | None] = mapped_column(Text)
    cv_text: Mapped[str | None] = mapped_column(Text)
    skills: Mapped[list[str]] = mapped_column(JSON, default=list)
    city: Mapped[str | None] = mapped_column(String(100))
    country_id: Mapped[int | None] = mapped_column(Integer)
    last_active_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    preferred_countries: Mapped[list[CandidatePreferredCountry]] = relationship(
        cascade="all, delete-orphan", order_by="CandidatePreferredCountry.country_id"
    )

    @property
    def preferred_country_ids(self) -> list[int]:
        return [row.country_id for row in self.preferred_countries]


class CandidateSearch(Base):
    """A candidate as PostgreSQL's CV search matches it (only in PostgreSQL; SQLite: candidate_fts).

    Narrow on purpose: matching, counting and ordering matches by recency read only these rows
    (a few dozen bytes each), not the wide candidates table. ``terms`` (each word with its
    positions, every pair and, since migrations 0016 and 0018, every triple and quadruple of
    adjacent words, so that a phrase of two to four words is one index key, recency buckets of
    ``last_active_at``, the preferred countries, and since migration 0021 the marks and five-word
    contexts of triples that stand in more than one context; ``storage.search.postgres``) is what
    the GIN index matches, filters included; it is kept out of line (``toast_tuple_target`` 128)
    and uncompressed (``STORAGE EXTERNAL``, migration 0009), and read back only to check the
    positions of a phrase of five or more words under a NOT (a required one of six or more is
    checked on ``CandidateSearchWords``, and only where its signatures of ambiguous triples say it
    could be wanting).
    Written by the service with the candidate, in its transaction.

    The rows are kept in order of recency, most recent first (``CLUSTER`` on
    ``ix_candidate_search_recency``, migration 0015; writes do not keep it, the operator's
    ``CLUSTER candidate_search`` restores it): a span of recent days is then a few consecutive
    pages, which the GIN index reads without decoding the rest of each word's posting list. No
    search statement names that index's expression, so the planner never walks it.
    """

    __tablename__ = "candidate_search"
    __table_args__ = (
        Index("ix_candidate_search_terms", "terms", postgresql_using="gin"),
        Index(
            "ix_candidate_search_recency",
            text_clause("timezone('UTC', last_active_at) DESC"),
        ),
    )

    candidate_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("candidates.id", ondelete="CASCADE"), primary_key=True
    )
    owner_employer_id: Mapped[int | None] = mapped_column(BigId)
    in_cv_database: Mapped[bool] = mapped_column(Boolean)
    last_active_at: Mapped[datetime] = mapped_column(UTCDateTime)
    terms: Mapped[str] = mapped_column(TSVECTOR, deferred=True)
    # Which triples of adjacent words stand in the profile in more than one context, as two 64-bit
    # signatures, each from its own byte of a triple's MD5 (``postgres.ambiguous_triples``,
    # migrations 0019 and 0020): a match of a phrase of six words or more is checked on the
    # ranking words only if both hold the bits of two of its overlaps (``postgres.index_query``).
    # A writer that leaves them out gets every bit (``ALL_AMBIGUOUS``): every such match checked.
    ambiguous_triples: Mapped[int] = mapped_column(
        BigInteger, server_default=text_clause("-1"), nullable=False
    )
    ambiguous_triples_2: Mapped[int] = mapped_column(
        BigInteger, server_default=text_clause("-1"), nullable=False
    )


class CandidateSearchWords(Base):
    """What PostgreSQL's CV search ranks a candidate on: the words with their positions, without the
    word pairs of ``CandidateSearch.terms`` (under half its size, kept inline, ``STORAGE MAIN``),
    and the document length ``ts_rank`` normalises by (``storage.search.postgres``). Also where
    a match of a phrase of four words or more is checked (``postgres.index_query``)."""

    __tablename__ = "candidate_search_words"

    candidate_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("candidates.id", ondelete="CASCADE"), primary_key=True
    )
    words: Mapped[str] = mapped_column(TSVECTOR)
    length: Mapped[int] = mapped_column(Integer)


class SearchWord(Base):
    """A word (stem) filed in some profile's search rows (only in PostgreSQL, migration 0017):
    the vocabulary from which a wildcard term is searched as the words it reaches
    (``storage.search.postgres_search.prefix_words``). Kept by triggers on
    ``candidate_search_words``, never written by the service; a word no profile holds any more
    stays. Collation "C": a prefix's words are one range of the key."""

    __tablename__ = "search_words"

    word: Mapped[str] = mapped_column(Text(collation="C"), primary_key=True)


class CandidatePreferredCountry(Base):
    """A country a candidate would work in (the search filter ``preferredCountryIds``)."""

    __tablename__ = "candidate_preferred_countries"
    __table_args__ = (
        Index("ix_candidate_preferred_countries_country", "country_id", "candidate_id"),
    )

    candidate_id: Mapped[int] = mapped_column(
        ForeignKey("candidates.id", ondelete="CASCADE"), primary_key=True
    )
    country_id: Mapped[int] = mapped_column(Integer, primary_key=True)


class CandidateUnlock(Base):
    """When an employer last paid to see a candidate's full profile (free for 30 days after)."""

    __tablename__ = "candidate_unlocks"

    employer_id: Mapped[int] = mapped_column(ForeignKey("employers.id"), primary_key=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("candidates.id"), primary_key=True)
    unlocked_at: Mapped[datetime] = mapped_column(UTCDateTime)


class PipelineStage(Base):
    """One step of an employer's hiring pipeline; ``position`` orders them."""

    __tablename__ = "pipeline_stages"
    __table_args__ = (
        UniqueConstraint("employer_id", "position", name="uq_pipeline_stages_employer_position"),
        UniqueConstraint("employer_id", "name", name="uq_pipeline_stages_employer_name"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    employer_id: Mapped[int] = mapped_column(ForeignKey("employers.id"))
    name: Mapped[str] = mapped_column(String(60))
    position: Mapped[int] = mapped_column(Integer)


class Application(Base):
    """A candidate's application to one job, and where it stands in the pipeline.

    ``employer_id`` repeats the job's employer so that every tenant-scoped lookup is one indexed
    condition; ``cv_text`` is what the candidate sent with this application (their platform
    profile may be older or newer).
    """

    __tablename__ = "applications"
    __table_args__ = (
        # One application per candidate (and so per e-mail address) per job.
        UniqueConstraint("job_id", "candidate_id", name="uq_applications_job_candidate"),
        Index("ix_applications_job_applied", "job_id", "applied_at", "id"),
        Index("ix_applications_employer_stage_applied", "employer_id", "stage_id", "applied_at"),
        Index("ix_applications_candidate_employer", "candidate_id", "employer_id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    employer_id: Mapped[int] = mapped_column(ForeignKey("employers.id"))
    job_id: Mapped[int] = mapped_column(ForeignKey("jobs.id"))
    candidate_id: Mapped[int] = mapped_column(ForeignKey("candidates.id"))
    stage_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("pipeline_stages.id"))
    application_type: Mapped[ApplicationType] = mapped_column(string_enum(ApplicationType))
    cv_text: Mapped[str | None] = mapped_column(Text)
    applied_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    stage_changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    job: Mapped[Job] = relationship()
    candidate: Mapped[Candidate] = relationship()
    stage: Mapped[PipelineStage] = relationship()


class OutboxEvent(Base):
    """An event waiting to be delivered to webhook subscribers (docs/requirements.md#w4).

    Written in the same transaction as the change that causes it, so an event exists exactly when
    its change committed. ``public_id`` is the ``id`` subscribers see; ``dispatched_at`` is set once
    the dispatcher has handed the event to the queue.
    """

    __tablename__ = "outbox_events"
    __table_args__ = (
        Index(
            "ix_outbox_events_pending",
            "id",
            postgresql_where=text_clause("dispatched_at IS NULL"),
            sqlite_where=text_clause("dispatched_at IS NULL"),
        ),
        Index("ix_outbox_events_employer", "employer_id", "id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    public_id: Mapped[str] = mapped_column(String(40), unique=True)
    employer_id: Mapped[int] = mapped_column(ForeignKey("employers.id"))
    type: Mapped[str] = mapped_column(String(64))
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    dispatched_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The X-Request-Id of the API call whose change caused the event (None outside a request),
    # so a delivery can point at that call in the employer's request log.
    request_id: Mapped[str | None] = mapped_column(String(128))


class WebhookSubscription(Base):
    """Where an employer wants its events POSTed, and the secrets that sign them
    (docs/requirements.md#w1).

    Secrets are stored encrypted (``storage.secret_box``). During the 24 hours after a rotation the
    previous secret still signs, beside the new one.
    """

    __tablename__ = "webhook_subscriptions"
    __table_args__ = (Index("ix_webhook_subscriptions_employer", "employer_id", "id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    employer_id: Mapped[int] = mapped_column(ForeignKey("employers.id"))
    url: Mapped[str] = mapped_column(String(2000))
    description: Mapped[str | None] = mapped_column(String(500))
    events: Mapped[list[str]] = mapped_column(JSON)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    disabled_reason: Mapped[str | None] = mapped_column(String(200))
    secret_encrypted: Mapped[str] = mapped_column(Text)
    previous_secret_encrypted: Mapped[str | None] = mapped_column(Text)
    previous_secret_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    consecutive_failures: Mapped[int] = mapped_column(Integer, default=0)
    # Made by `hirebridge webhooks listen` for a loopback listener on a development machine: the
    # one kind of subscription the target policy lets reach loopback (``webhook_targets``).
    local_listener: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class WebhookDelivery(Base):
    """One event on its way to one subscription; ``public_id`` is ``X-Webhook-Delivery-Id``.

    The schedule lives here, not in Redis: a due delivery is ``pending`` with ``next_attempt_at``
    in the past, and a worker claims it by setting ``delivering`` with a lease. ``failed_attempts``
    counts the failures of the current schedule (a redelivery starts a new one).
    """

    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        UniqueConstraint(
            "subscription_id", "event_id", name="uq_webhook_deliveries_subscription_event"
        ),
        # Partial: a delivery leaves each of them at its next step, so the claim query reads
        # the pending and delivering rows only, however many deliveries the table keeps.
        Index(
            "ix_webhook_deliveries_pending",
            "next_attempt_at",
            "id",
            postgresql_where=text_clause("status = 'pending'"),
            sqlite_where=text_clause("status = 'pending'"),
        ),
        Index(
            "ix_webhook_deliveries_delivering",
            "subscription_id",
            postgresql_where=text_clause("status = 'delivering'"),
            sqlite_where=text_clause("status = 'delivering'"),
        ),
        Index(
            "ix_webhook_deliveries_dead",
            "id",
            postgresql_where=text_clause("status = 'dead'"),
            sqlite_where=text_clause("status = 'dead'"),
        ),
        Index("ix_webhook_deliveries_subscription", "subscription_id", "id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    public_id: Mapped[str] = mapped_column(String(40), unique=True)
    subscription_id: Mapped[int] = mapped_column(
        ForeignKey("webhook_subscriptions.id", ondelete="CASCADE")
    )
    employer_id: Mapped[int] = mapped_column(ForeignKey("employers.id"))
    event_id: Mapped[int] = mapped_column(ForeignKey("outbox_events.id"))
    status: Mapped[DeliveryStatus] = mapped_column(string_enum(DeliveryStatus))
    failed_attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    lease_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    succeeded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    event: Mapped[OutboxEvent] = relationship()
    subscription: Mapped[WebhookSubscription] = relationship()
    attempts: Mapped[list[DeliveryAttempt]] = relationship(
        order_by="DeliveryAttempt.id", cascade="all, delete-orphan"
    )


class DeliveryAttempt(Base):
    """One POST of a delivery: when, how long, and what came back (a status code or an error)."""

    __tablename__ = "webhook_delivery_attempts"
    __table_args__ = (Index("ix_webhook_delivery_attempts_delivery", "delivery_id", "id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    delivery_id: Mapped[int] = mapped_column(
        ForeignKey("webhook_deliveries.id", ondelete="CASCADE")
    )
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    duration_ms: Mapped[int] = mapped_column(Integer)
    status_code: Mapped[int | None] = mapped_column(Integer)
    error: Mapped[str | None] = mapped_column(String(300))
    succeeded: Mapped[bool] = mapped_column(Boolean)
