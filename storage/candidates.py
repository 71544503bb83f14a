"""Candidates: the talent pool, full profiles behind unlocks, and boolean CV search."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    DateTime,
    Float,
    Integer,
    Select,
    Text,
    and_,
    bindparam,
    case,
    cast,
    column,
    exists,
    func,
    literal,
    literal_column,
    or_,
    select,
    table,
    text,
    true,
    union_all,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.dialects.postgresql import ARRAY, TSQUERY, TSVECTOR, aggregate_order_by
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from storage.clock import utcnow
from storage.credits import charge_credit
from storage.errors import Conflict, InvalidRequest, NotFound, quoted
from storage.models import (
    Application,
    Candidate,
    CandidatePreferredCountry,
    CandidateSearch,
    CandidateSearchWords,
    CandidateUnlock,
    CreditKind,
    Employer,
)
from storage.paging import Order, Position, Slice, keyset_slice
from storage.replica import replica_reads, replica_safe
from storage.search import breadth
from storage.search import postgres as pg_search
from storage.search import sqlite as sqlite_search
from storage.search.query import Node, parse_query
from storage.search.tokens import document_words
from storage.text import normalize_email, strip

UNLOCK_PERIOD = timedelta(days=30)
# Like Elasticsearch's result window: deep pages of a broad query are refused, not computed.
MAX_RESULT_WINDOW = 10_000
# Like Elasticsearch's rescore window: relevance orders the most recently active matches, this
# many of them; the matches after them follow by recency. Ranking reads each profile's word list
# (with positions), so this bounds the cost of a search whatever the number of matches.
RESCORE_WINDOW = 1_000
# A query expected to match more than BROAD_MATCHES times the result window is first searched in
# the most recent span of days expected to hold SPAN_MATCHES times that many of its matches.
BROAD_MATCHES = 4.0
SPAN_MATCHES = 1.5
# With more than the result window, the search reads on, in the same statement, up to READ_ON
# times the result window of matches when the sample says that is all of them.
READ_ON = 2

MUTABLE_FIELDS = frozenset(
    {
        "full_name",
        "email",
        "phone",
        "headline",
        "summary",
        "cv_text",
        "skills",
        "city",
        "country_id",
        "preferred_country_ids",
        "last_active_at",
    }
)
_REQUIRED_FIELDS = frozenset({"full_name", "email"})

_fts = table("candidate_fts", column("rowid"), column("body"))


@dataclass(frozen=True)
class Profile:
    """A full profile as one employer may see it."""

    candidate: Candidate
    in_talent_pool: bool
    unlock_expires_at: datetime | None


@dataclass(frozen=True)
class SearchRequest:
    query: str
    preferred_country_ids: tuple[int, ...] = ()
    active_within_days: int | None = None
    page: int = 1
    page_size: int = 20

    @property
    def page_end(self) -> int:
        """The place in the results of the page's last row (from 1)."""
        return self.page * self.page_size


@dataclass(frozen=True)
class MaskedProfile:
    """What a search row may show of a profile (J2): no contact details, summary or CV text,
    which are not even read from the database."""

    id: int
    full_name: str  # masked by the handlers (initials only)
    headline: str | None
    skills: list[str]
    city: str | None
    country_id: int | None
    preferred_country_ids: list[int]
    last_active_at: datetime
    created_at: datetime


@dataclass(frozen=True)
class SearchHit:
    candidate: MaskedProfile
    is_unlocked: bool


@dataclass(frozen=True)
class SearchPage:
    total: int
    total_is_exact: bool
    hits: list[SearchHit]


@dataclass(frozen=True)
class CandidatePage:
    total: int
    items: list[Candidate]


def searchable_by(
    employer_id: int | ColumnElement[Any], source: type[Candidate | CandidateSearch] = Candidate
) -> ColumnElement[bool]:
    """What the employer's CV searches cover: platform profiles in the CV database, and the
    employer's own records (of ``candidates``, or of its search rows in ``candidate_search``)."""
    return or_(
        and_(source.owner_employer_id.is_(None), source.in_cv_database.is_(True)),
        source.owner_employer_id == employer_id,
    )


def applied_to(employer_id: int | ColumnElement[Any]) -> ColumnElement[bool]:
    """The candidate applied to one of the employer's jobs."""
    return exists(
        select(Application.id).where(
            Application.candidate_id == Candidate.id, Application.employer_id == employer_id
        )
    )


def in_talent_pool(employer_id: int) -> ColumnElement[bool]:
    """The employer's talent pool: records it created and everyone who applied to its jobs."""
    return or_(Candidate.owner_employer_id == employer_id, applied_to(employer_id))


def visible_to(employer_id: int) -> ColumnElement[bool]:
    """Every candidate the employer may look up: its searches' scope and its talent pool."""
    return or_(searchable_by(employer_id), applied_to(employer_id))


def searchable_words(candidate: Candidate, *, stemmed: bool = True) -> list[str]:
    """The words search matches a profile on (never its name or contact details)."""
    return document_words(
        [
            candidate.headline,
            candidate.summary,
            " ".join(candidate.skills or []),
            candidate.city,
            candidate.cv_text,
        ],
        stemmed=stemmed,
    )


def _dialect(session: Session) -> str:
    return session.get_bind().dialect.name


def _index(session: Session, candidate: Candidate) -> None:
    """Write the profile's words to the full-text index, in the caller's transaction."""
    document = searchable_words(candidate)
    # The row needs its id before its words can be filed under it.
    session.flush()
    if _dialect(session) == "postgresql":
        _index_postgres(session, candidate, document)
        return
    session.execute(_fts.delete().where(_fts.c.rowid == candidate.id))
    session.execute(
        _fts.insert().values(rowid=candidate.id, body=sqlite_search.fts_document(document))
    )


def _index_postgres(session: Session, candidate: Candidate, document: list[str]) -> None:
    """The candidate's search rows: what matching filters on (the preferred countries and recency
    among them, as lexemes), and what ranking reads."""
    vectors = pg_search.search_vectors(
        document, candidate.last_active_at, candidate.preferred_country_ids
    )
    _upsert(
        session,
        CandidateSearch,
        candidate.id,
        owner_employer_id=candidate.owner_employer_id,
        in_cv_database=candidate.in_cv_database,
        last_active_at=candidate.last_active_at,
        terms=cast(literal(vectors.terms, Text), TSVECTOR),
    )
    _upsert(
        session,
        CandidateSearchWords,
        candidate.id,
        words=cast(literal(vectors.words, Text), TSVECTOR),
        length=vectors.length,
    )


def _upsert(
    session: Session,
    model: type[CandidateSearch | CandidateSearchWords],
    candidate_id: int,
    **values: Any,
) -> None:
    statement = postgresql.insert(model).values(candidate_id=candidate_id, **values)
    session.execute(
        statement.on_conflict_do_update(
            index_elements=[model.candidate_id],
            set_={name: statement.excluded[name] for name in values},
        )
    )


def _assign(candidate: Candidate, fields: Mapping[str, Any]) -> None:
    unknown = set(fields) - MUTABLE_FIELDS
    if unknown:
        raise InvalidRequest(f"These fields cannot be set: {', '.join(sorted(unknown))}.")
    for name, value in fields.items():
        if value is None and name in _REQUIRED_FIELDS:
            raise InvalidRequest(f"{name} cannot be cleared.")
        if name == "preferred_country_ids":
            candidate.preferred_countries = [
                CandidatePreferredCountry(country_id=country)
                for country in sorted(set(value or []))
            ]
        elif name == "skills":
            candidate.skills = [strip(skill) for skill in value or [] if strip(skill)]
        elif name == "email":
            candidate.email = strip(value)
            candidate.email_key = normalize_email(value)
        elif name == "last_active_at" and value is None:
            raise InvalidRequest("last_active_at cannot be cleared.")
        else:
            setattr(
                candidate,
                name,
                strip(value) if isinstance(value, str) and name != "cv_text" else value,
            )


def create_platform_candidate(
    session: Session, fields: Mapping[str, Any], *, in_cv_database: bool = True
) -> Candidate:
    """A job seeker's own profile (made by the job board, the demo and the tests)."""
    return _create(session, None, fields, in_cv_database=in_cv_database)


def create_owned_candidate(
    session: Session, employer_id: int, fields: Mapping[str, Any]
) -> Candidate:
    """A record in ``employer_id``'s talent pool, private to that employer."""
    return _create(session, employer_id, fields, in_cv_database=False)


def withdraw_from_cv_database(session: Session, candidate_id: int) -> Candidate:
    """The job seeker takes their platform profile out of the CV database: from this transaction
    on, no employer's search finds it (employers it applied to still see their applicant)."""
    candidate = session.get(Candidate, candidate_id)
    if candidate is None or candidate.owner_employer_id is not None:
        raise NotFound(f"No platform profile with id {candidate_id}.")
    candidate.in_cv_database = False
    _save(session, candidate)
    return candidate


def find_or_create_applicant(session: Session, fields: Mapping[str, Any]) -> Candidate:
    """The platform candidate with the applicant's e-mail address, made if there is none.

    A new applicant's profile stays out of the searchable CV database (applying is not opting
    in); an existing profile is reused as it is, since it is the job seeker's to keep.
    """
    email_key = normalize_email(fields["email"])
    existing = _platform_candidate(session, email_key)
    if existing is not None:
        return existing
    try:
        # A savepoint: a concurrent first application with the same address wins the unique
        # index, and this one then reuses its profile.
        with session.begin_nested():
            return _create(session, None, fields, in_cv_database=False)
    except Conflict:
        found = _platform_candidate(session, email_key)
        if found is None:
            raise
        return found


def _platform_candidate(session: Session, email_key: str) -> Candidate | None:
    return session.scalars(
        select(Candidate).where(
            Candidate.owner_employer_id.is_(None), Candidate.email_key == email_key
        )
    ).first()


def _create(
    session: Session, owner: int | None, fields: Mapping[str, Any], *, in_cv_database: bool
) -> Candidate:
    now = utcnow()
    candidate = Candidate(
        owner_employer_id=owner,
        in_cv_database=in_cv_database,
        skills=[],
        last_active_at=now,
        created_at=now,
        updated_at=now,
    )
    _assign(candidate, fields)
    _check_email_free(session, candidate)
    session.add(candidate)
    _save(session, candidate)
    return candidate


def _save(session: Session, candidate: Candidate) -> None:
    """Index and flush the candidate now: the response needs its id, and a concurrent twin with
    the same e-mail address surfaces here as a unique-index violation."""
    try:
        _index(session, candidate)
        session.flush()
    except IntegrityError:
        raise Conflict(
            f"A candidate with the e-mail address {candidate.email} already exists."
        ) from None


def _check_email_free(session: Session, candidate: Candidate) -> None:
    owner_matches = (
        Candidate.owner_employer_id.is_(None)
        if candidate.owner_employer_id is None
        else Candidate.owner_employer_id == candidate.owner_employer_id
    )
    conditions = [owner_matches, Candidate.email_key == candidate.email_key]
    if candidate.id is not None:
        conditions.append(Candidate.id != candidate.id)
    # Not flushed first: the pending change would trip the unique index before we can explain.
    with session.no_autoflush:
        clash = session.scalar(select(Candidate.id).where(*conditions))
    if clash is not None:
        raise Conflict(
            f"Candidate {clash} already has the e-mail address {quoted(candidate.email)}."
        )


def update_owned_candidate(
    session: Session, employer_id: int, candidate_id: int, changes: Mapping[str, Any]
) -> Candidate:
    if not changes:
        raise InvalidRequest("Name at least one field to change.")
    candidate = session.scalars(
        select(Candidate)
        .where(Candidate.id == candidate_id, visible_to(employer_id))
        .with_for_update()
    ).first()
    if candidate is None:
        raise NotFound(f"No candidate with id {candidate_id}.")
    if candidate.owner_employer_id != employer_id:
        raise InvalidRequest(
            "This is a platform profile, kept by the candidate; only records your organisation "
            "created can be changed."
        )
    # Replacing the country list loads the old one; flushing the new e-mail address with that
    # load would trip the unique index before _check_email_free can explain the clash.
    with session.no_autoflush:
        _assign(candidate, changes)
    if "email" in changes:
        _check_email_free(session, candidate)
    candidate.updated_at = utcnow()
    _save(session, candidate)
    return candidate


@replica_safe
def list_talent_pool(
    session: Session, employer_id: int, *, page: int, page_size: int
) -> CandidatePage:
    """The employer's talent pool (own records and applicants to its jobs), newest first."""
    condition = in_talent_pool(employer_id)
    total = session.scalar(select(func.count()).select_from(Candidate).where(condition)) or 0
    items = list(
        session.scalars(
            _talent_pool(employer_id)
            .order_by(*TALENT_POOL_ORDER.clauses())
            .offset((page - 1) * page_size)
            .limit(page_size)
        )
    )
    return CandidatePage(total=total, items=items)


# The talent pool, newest record first.
TALENT_POOL_ORDER = Order((Candidate.created_at, Candidate.id))


def _talent_pool(employer_id: int) -> Select[Candidate]:
    return (
        select(Candidate)
        .where(in_talent_pool(employer_id))
        .options(selectinload(Candidate.preferred_countries))
    )


@replica_safe
def list_talent_pool_after(
    session: Session, employer_id: int, *, after: Position | None, limit: int
) -> Slice[Candidate]:
    """``list_talent_pool`` after ``after`` in the same order (keyset paging)."""
    return keyset_slice(session, _talent_pool(employer_id), TALENT_POOL_ORDER, after, limit)


def get_profile(session: Session, employer: Employer, candidate_id: int) -> Profile:
    """A full profile (J3): free in the talent pool and for 30 days after an unlock; otherwise
    one ``cv_download`` credit, charged in this transaction together with the new unlock."""
    candidate = session.scalars(
        select(Candidate)
        .where(Candidate.id == candidate_id, visible_to(employer.id))
        .options(selectinload(Candidate.preferred_countries))
    ).first()
    if candidate is None:
        raise NotFound(f"No candidate with id {candidate_id}.")
    if candidate.owner_employer_id == employer.id or _applied(session, employer.id, candidate_id):
        return Profile(candidate, in_talent_pool=True, unlock_expires_at=None)

    now = utcnow()
    insert = postgresql.insert if _dialect(session) == "postgresql" else sqlite.insert
    statement = (
        insert(CandidateUnlock)
        .values(employer_id=employer.id, candidate_id=candidate_id, unlocked_at=now)
        .on_conflict_do_update(
            index_elements=[CandidateUnlock.employer_id, CandidateUnlock.candidate_id],
            set_={"unlocked_at": now},
            where=CandidateUnlock.unlocked_at <= now - UNLOCK_PERIOD,
        )
        .returning(CandidateUnlock.unlocked_at)
    )
    # A row comes back only when this request took a new unlock. A concurrent request for the same
    # candidate waits on that row and, once it commits, finds a fresh unlock and pays nothing.
    took_unlock = session.execute(statement).first() is not None
    if took_unlock:
        charge_credit(
            session,
            employer,
            CreditKind.CV_DOWNLOAD,
            reason="cv_download",
            reference=f"candidate:{candidate_id}",
        )
        return Profile(candidate, in_talent_pool=False, unlock_expires_at=now + UNLOCK_PERIOD)
    unlocked_at = session.scalar(
        select(CandidateUnlock.unlocked_at).where(
            CandidateUnlock.employer_id == employer.id, CandidateUnlock.candidate_id == candidate_id
        )
    )
    assert unlocked_at is not None
    return Profile(candidate, in_talent_pool=False, unlock_expires_at=unlocked_at + UNLOCK_PERIOD)


def search_candidates(session: Session, employer: Employer, request: SearchRequest) -> SearchPage:
    """Boolean search over profiles (J2), ranked by relevance then recency; costs one ``cv_search``.

    The query is checked before anything is charged, and the charge commits with the search.

    Work is bounded whatever the number of matches: at most 10,000 are counted (beyond that,
    ``total`` is 10,000 and ``total_is_exact`` false), and relevance ranks the 1,000 most recently
    active matches, which come first, best first; later matches follow by recency.

    Matching, counting and ranking may be served by the read replica; they run before the
    charge, which would otherwise keep them on the primary (a session that wrote reads its own
    writes), and which then holds the balance's row lock only for the rest of the transaction.
    The page's rows, with whether each is unlocked, are read from the primary: an unlock is the
    caller's own write.
    """
    node = parse_query(request.query)
    if request.page_end > MAX_RESULT_WINDOW:
        raise InvalidRequest(
            f"Only the first {MAX_RESULT_WINDOW} results can be paged through; narrow the query."
        )
    with replica_reads(session):
        search = _postgres_search if _dialect(session) == "postgresql" else _sqlite_search
        total, ids = search(session, node, employer.id, request)
    charge_credit(session, employer, CreditKind.CV_SEARCH, reason="cv_search", reference="search")
    exact = total <= MAX_RESULT_WINDOW
    return SearchPage(
        total=total if exact else MAX_RESULT_WINDOW,
        total_is_exact=exact,
        hits=_hits(session, employer.id, ids),
    )


def _kept(request: SearchRequest) -> int:
    """How many of the most recent matches any page up to ``request``'s can show: the ranked
    window, then more recent matches up to the page's end."""
    return max(RESCORE_WINDOW, request.page_end)


def _sqlite_search(
    session: Session, node: Node, employer_id: int, request: SearchRequest
) -> tuple[int, list[int]]:
    """(matches counted up to 10,001; the ids of the requested page), on ``candidates`` with the
    words in ``candidate_fts``: the ``keep`` most recent matches come back, and the first
    ``RESCORE_WINDOW`` of them are ordered by rank here."""
    keep = _kept(request)
    filters: list[ColumnElement[bool]] = [searchable_by(employer_id)]
    if request.preferred_country_ids:
        filters.append(
            exists().where(
                CandidatePreferredCountry.candidate_id == Candidate.id,
                CandidatePreferredCountry.country_id.in_(request.preferred_country_ids),
            )
        )
    if request.active_within_days is not None:
        filters.append(
            Candidate.last_active_at >= utcnow() - timedelta(days=request.active_within_days)
        )
    matches = select(Candidate.id.label("id"), Candidate.last_active_at).where(
        _sqlite_match(node), *filters
    )
    newest_first = (Candidate.last_active_at.desc(), Candidate.id.desc())
    sample = matches.limit(MAX_RESULT_WINDOW + 1).cte("sample")
    counted = select(func.count()).select_from(sample).scalar_subquery()
    found: list[Any] = list(
        session.execute(
            select(sample.c.id, sample.c.last_active_at, counted.label("total"))
            .order_by(sample.c.last_active_at.desc(), sample.c.id.desc())
            .limit(keep)
        )
    )
    total = found[0].total if found else 0
    if total > MAX_RESULT_WINDOW:
        # More matches than are counted: the most recent ones are served. The sample holds real
        # matches, so at least ``keep`` of all matches are as recent as its keep-th most recent.
        recent = matches.where(Candidate.last_active_at >= found[-1].last_active_at)
        found = list(session.execute(recent.order_by(*newest_first).limit(keep)))
    window = found[:RESCORE_WINDOW]
    ranks = _sqlite_ranks(session, node, [row.id for row in window])
    window.sort(key=lambda row: (ranks.get(row.id, 0.0), row.last_active_at, row.id), reverse=True)
    ordered = window + found[RESCORE_WINDOW:]
    return total, [
        row.id for row in ordered[request.page_end - request.page_size : request.page_end]
    ]


_BLOCKS = "pg_relation_size('candidate_search'::regclass) / current_setting('block_size')::int"


@dataclass(frozen=True)
class _Shape:
    """Which conditions a PostgreSQL search's statement carries besides the words and the
    employer's scope. Every value is a parameter, so each statement is built once per shape
    and then reused: building and keying a statement of this size costs milliseconds."""

    countries: bool
    days: bool
    since: bool


@dataclass(frozen=True)
class _PostgresScope:
    """What a PostgreSQL search restricts its matches to, besides the words."""

    employer_id: int
    country_ids: tuple[int, ...]
    since: datetime | None  # last active at or after
    newest: datetime | None  # the latest ``last_active_at`` of all profiles (none: no profiles)

    def conditions(self, node: Node, first_day: int | None = None) -> tuple[_Shape, dict[str, Any]]:
        """What the GIN index answers: the words, the preferred countries, and the days from
        ``first_day`` (or ``since``'s day) to the newest profile's; then the tests of the rows it
        returns: the employer's scope, and the exact moment of ``since`` (the buckets are days).
        As the shape of the conditions and their values (see ``_conditions``)."""
        values: dict[str, Any] = {
            "words": pg_search.tsquery_literal(node, hints=True),
            "employer_id": self.employer_id,
        }
        if self.country_ids:
            values["countries"] = pg_search.countries_tsquery(self.country_ids)
        if self.since is not None:
            since_day = pg_search.activity_day(self.since)
            first_day = since_day if first_day is None else max(first_day, since_day)
            values["since"] = self.since
        if first_day is not None:
            last_day = pg_search.activity_day(self.newest) if self.newest else first_day
            values["days"] = pg_search.days_tsquery(first_day, max(first_day, last_day))
        shape = _Shape(
            countries="countries" in values, days="days" in values, since="since" in values
        )
        return shape, values


def _conditions(shape: _Shape) -> list[ColumnElement[bool]]:
    """``_PostgresScope.conditions`` as SQL: each tsquery is a separate ``@@`` on the one GIN
    index (``storage.search.postgres``), then the tests of the rows it returns."""
    queries = ["words", *(name for name in ("countries", "days") if getattr(shape, name))]
    conditions: list[ColumnElement[bool]] = [
        CandidateSearch.terms.op("@@")(bindparam(name, type_=TSQUERY)) for name in queries
    ]
    conditions.append(searchable_by(bindparam("employer_id"), CandidateSearch))
    if shape.since:
        conditions.append(CandidateSearch.last_active_at >= bindparam("since"))
    return conditions


_statements: dict[tuple[str, _Shape, str], Select[Any]] = {}


def _statement(kind: str, shape: _Shape, build: Callable[[_Shape], Select[Any]]) -> Select[Any]:
    # ``_BLOCKS`` is in the key: tests replace it to make the table look large.
    key = (kind, shape, _BLOCKS)
    statement = _statements.get(key)
    if statement is None:
        statement = _statements[key] = build(shape)
    return statement


def _postgres_search(
    session: Session, node: Node, employer_id: int, request: SearchRequest
) -> tuple[int, list[int]]:
    """``_sqlite_search`` on the narrow ``candidate_search`` rows, in one statement unless there
    are many more than 10,000 matches (``_search_statement``); a query expected to match many
    times more is first searched in its most recent matches only (``_newest_span``)."""
    previous_seqscan, newest = _postgres_planner(session)
    scope = _PostgresScope(
        employer_id=employer_id,
        country_ids=tuple(sorted(set(request.preferred_country_ids))),
        since=(
            None
            if request.active_within_days is None
            else utcnow() - timedelta(days=request.active_within_days)
        ),
        newest=newest,
    )
    page = {**_page_values(node, request), "previous_seqscan": previous_seqscan}
    first_day = _newest_span(node, scope, breadth.statistics(session.connection()))
    if first_day is not None:
        newest_first = _postgres_newest_first(session, node, scope, first_day, page)
        if newest_first is not None:
            return MAX_RESULT_WINDOW + 1, newest_first
    shape, values = scope.conditions(node)
    found = list(
        session.connection().execute(
            _statement("search", shape, _search_statement),
            {
                **values,
                **page,
                "counted": MAX_RESULT_WINDOW,
                "sample_size": MAX_RESULT_WINDOW + 1,
                "read_on_limit": READ_ON * MAX_RESULT_WINDOW,
                "read_on_size": READ_ON * MAX_RESULT_WINDOW + 1,
            },
        )
    )
    head = found[0]
    if head.everything:
        return head.total, [row.id for row in found if row.id is not None]
    return head.total, _postgres_most_recent(session, node, scope, head, page)


def _newest_span(
    node: Node, scope: _PostgresScope, statistics: breadth.Statistics | None
) -> int | None:
    """For a query the statistics expect to match more than ``BROAD_MATCHES`` times the counted
    window: the first day of the most recent span of days expected to hold ``SPAN_MATCHES``
    times the counted window of its matches (``None``: search the usual way).

    Every match outside that span is older than every match in it: when it holds more than the
    counted window, the most recent matches are among its matches, and the GIN index never
    builds the bitmap of all the others (for a word in every profile, a million entries).
    """
    if statistics is None:
        return None
    share = statistics.share(node)
    if scope.country_ids:
        share *= breadth.any_of(
            statistics.lexeme(pg_search.country_text(country)) for country in scope.country_ids
        )
    expected = share * statistics.profiles
    if expected < BROAD_MATCHES * MAX_RESULT_WINDOW:
        return None
    first_day = statistics.first_day_of_newest(SPAN_MATCHES * MAX_RESULT_WINDOW / expected)
    if scope.since is not None and first_day <= pg_search.activity_day(scope.since):
        return None
    return first_day


def _postgres_newest_first(
    session: Session, node: Node, scope: _PostgresScope, first_day: int, page: dict[str, Any]
) -> list[int] | None:
    """The requested page's ids when the days from ``first_day`` hold more than 10,000 matches
    (``_span_statement``); ``None`` when they hold fewer."""
    shape, values = scope.conditions(node, first_day)
    found = list(
        session.connection().execute(
            _statement("span", shape, _span_statement),
            {**values, **page, "counted": MAX_RESULT_WINDOW, "sample_size": MAX_RESULT_WINDOW + 1},
        )
    )
    if not found[0].more:
        return None
    return [row.id for row in found if row.id is not None]


def _span_statement(shape: _Shape) -> Select[Any]:
    """Every match within a span of days (``shape.days``): whether there are more than
    ``counted``, and when there are, the page of their ``keep`` most recent in result order,
    and the planner restored (when there are not, the usual search follows)."""
    searched = CandidateSearch
    matches = (
        select(searched.candidate_id.label("id"), searched.last_active_at)
        .where(*_conditions(shape))
        .cte("matches")
        .prefix_with("MATERIALIZED")
    )
    sample = select(matches.c.id).limit(bindparam("sample_size", type_=Integer)).subquery()
    held = select(func.count()).select_from(sample).scalar_subquery()
    more = select(held > bindparam("counted")).scalar_subquery()
    ordered = _in_result_order(_most_recent(matches), ranked=more)
    restored = _restored_when(more)
    head = select(more.label("more"), restored.label("restored")).subquery("head")
    return _with_page(head, ordered, head.c.more)


def _page_values(node: Node, request: SearchRequest) -> dict[str, Any]:
    """The values of ``_most_recent``, ``_in_result_order`` and ``_with_page``: the same in
    both search statements."""
    return {
        "keep": _kept(request),
        "rescore_window": RESCORE_WINDOW,
        # A tsquery parameter, not text cast in the statement: under a generic plan (psycopg
        # prepares a statement from its fifth use) a cast would parse the query again for every
        # row ranked.
        "rank_query": pg_search.tsquery_literal(node),
        "page_start": request.page_end - request.page_size,
        "page_end": request.page_end,
    }


def _search_statement(shape: _Shape) -> Select[Any]:
    """The search, and, when there are too many matches for that, what a second search for the
    most recent of them needs (``_postgres_most_recent``).

    The first 10,001 matches the index yields (the ``sample``) are counted. With at most 10,000,
    those are all the matches: the ``keep`` most recent are kept (a bounded, top-N sort), the
    first ``RESCORE_WINDOW`` of them ranked, and only the page's ids are returned. With more,
    and the sample found in half the table or more (so about as many again are left, if the
    matches are spread evenly), the statement reads on, up to twice the sample: when that finds
    them all, it serves them the same way, for less than a second search costs. Otherwise it
    returns the sample's ``keep`` most recent moments and how far through the table the sample
    reached, and leaves the planner settings for that second search.
    """
    searched = CandidateSearch
    # Every match, read only as far as the statement asks (a materialized CTE is filled on demand).
    matches = (
        select(
            searched.candidate_id.label("id"),
            searched.last_active_at.label("last_active_at"),
            literal_column("candidate_search.ctid").label("place"),
        )
        .where(*_conditions(shape))
        .cte("matches")
        .prefix_with("MATERIALIZED")
    )
    sample = (
        select(matches)
        .limit(bindparam("sample_size", type_=Integer))
        .cte("sample")
        .prefix_with("NOT MATERIALIZED")
    )
    counted = select(
        func.count().label("total"), func.max(sample.c.place).label("reached")
    ).subquery("counted")
    # How far through the table the sample was found: up to its last row's block, as a share.
    reached_block = cast(
        func.split_part(func.btrim(cast(counted.c.reached, Text), "()"), ",", 1), Integer
    )
    share = cast(reached_block + 1, Float) / literal_column(_BLOCKS)
    # ``exact``: the sample is every match (at most 10,000 of them).
    exact = (counted.c.total <= bindparam("counted")).label("exact")
    summary = select(counted.c.total, share.label("share"), exact).cte("summary")
    # Read on when the sample's share of the table says the matches are at most about
    # ``read_on_limit`` in all (if spread evenly).
    read_on = select(
        and_(
            ~summary.c.exact,
            summary.c.share * bindparam("read_on_limit", type_=Float) >= bindparam("counted"),
        )
    ).scalar_subquery()
    read_on_size = bindparam("read_on_size", type_=Integer)
    # (Its two readers read ``matches`` again rather than a copy of it.)
    extended = (
        select(matches)
        .where(read_on)
        .limit(read_on_size)
        .cte("extended")
        .prefix_with("NOT MATERIALIZED")
    )
    held = select(func.count()).select_from(extended).scalar_subquery()
    decided = select(
        summary.c.total,
        summary.c.share,
        summary.c.exact,
        or_(summary.c.exact, and_(read_on, held <= bindparam("read_on_limit"))).label("everything"),
    ).cte("decided")
    at_hand = union_all(
        select(sample.c.id, sample.c.last_active_at).where(
            select(decided.c.exact).scalar_subquery()
        ),
        select(extended.c.id, extended.c.last_active_at).where(
            select(and_(decided.c.everything, ~decided.c.exact)).scalar_subquery()
        ),
    ).subquery("at_hand")
    everything = select(decided.c.everything).scalar_subquery()
    ordered = _in_result_order(_most_recent(at_hand), ranked=everything)
    # (Plain timestamps: the rows' own type would convert each of the 1,000 in Python.)
    sampled = _most_recent(sample)
    moments = select(
        func.array_agg(
            aggregate_order_by(sampled.c.last_active_at, sampled.c.recency),
            type_=ARRAY(DateTime(timezone=True)),
        )
    ).scalar_subquery()
    restored = _restored_when(decided.c.everything)
    head = select(
        decided.c.total,
        decided.c.everything,
        case((decided.c.everything, None), else_=decided.c.share).label("share"),
        case((decided.c.everything, None), else_=moments).label("moments"),
        restored.label("restored"),
    ).subquery("head")
    return _with_page(head, ordered, head.c.everything)


def _most_recent(rows: Any) -> Any:
    """The ``keep`` most recent of ``rows`` (``id``, ``last_active_at``), numbered from the most
    recent: ``recency``. (ORDER BY and LIMIT directly over the rows: a bounded, top-N sort.)"""
    newest_first = (rows.c.last_active_at.desc(), rows.c.id.desc())
    return _by_recency(
        select(rows.c.id, rows.c.last_active_at)
        .order_by(*newest_first)
        .limit(bindparam("keep", type_=Integer))
        .subquery()
    )


def _by_recency(recent: Any) -> Any:
    """``recent``'s rows (``id``, ``last_active_at``) numbered from the most recent: ``recency``."""
    number = func.row_number().over(order_by=(recent.c.last_active_at.desc(), recent.c.id.desc()))
    return select(recent.c.id, recent.c.last_active_at, number.label("recency")).cte()


def _in_result_order(numbered: Any, *, ranked: ColumnElement[bool]) -> Any:
    """``numbered``'s rows numbered in result order (``place``): the ``RESCORE_WINDOW`` most
    recent by rank (when ``ranked``), then by recency; ties by recency.

    The rank is PostgreSQL's, read from each profile's small vector of words and positions (a
    subquery per row of the window: an index lookup in ``candidate_search_words``); ``ranked`` is
    evaluated once, before any row is ranked.
    """
    words = CandidateSearchWords
    window = bindparam("rescore_window", type_=Integer)
    query = bindparam("rank_query", type_=TSQUERY)
    rank = (
        select(pg_search.rank_sql(words.words, query, words.length))
        .where(words.candidate_id == numbered.c.id, numbered.c.recency <= window, ranked)
        .scalar_subquery()
    )
    place = func.row_number().over(
        order_by=(
            (numbered.c.recency > window).asc(),
            func.coalesce(rank, 0).desc(),
            numbered.c.last_active_at.desc(),
            numbered.c.id.desc(),
        )
    )
    return select(numbered.c.id, place.label("place")).subquery("ordered")


def _with_page(head: Any, ordered: Any, when: ColumnElement[bool]) -> Select[Any]:
    """``head``'s one row, joined, when ``when``, to the ids of the requested page of
    ``ordered``, in order: at least one row (``id`` null when the page is empty)."""
    on_page = and_(
        when,
        ordered.c.place > bindparam("page_start", type_=Integer),
        ordered.c.place <= bindparam("page_end", type_=Integer),
    )
    return (
        select(head, ordered.c.id)
        .select_from(head.outerjoin(ordered, on_page))
        .order_by(ordered.c.place)
    )


def _postgres_most_recent(
    session: Session,
    node: Node,
    scope: _PostgresScope,
    head: Any,
    page: dict[str, Any],
) -> list[int]:
    """The requested page's ids when there are many more than 10,000 matches: the page of the
    ``keep`` most recent matches, given the moments of the most recent of 10,001 matches found
    in table order (``head.moments``, newest first), and how far through the table those were
    found (``head.share``). ``page`` holds the values both search statements share.

    The GIN index can return only the matches active within a span of days (the query ANDed with
    recency buckets, ``storage.search.postgres``): the span from the day of the sample's keep-th
    most recent match holds enough matches, and the ``keep`` most recent of those are the most
    recent of all. It may hold many more (the sample's part of all matches is unknown); so the
    search first tries the span that should hold about twice ``keep`` matches, estimated from how
    far through the table the sample reached, and falls back to that day when that span holds too
    few. The statement that finds enough ranks them and restores the planner.
    """
    moments: list[datetime] = head.moments
    keep = len(moments)
    spans = [pg_search.activity_day(moments[-1])]
    if head.share:
        guess = math.ceil(2 * keep * min(1.0, head.share))
        if guess < keep:
            spans.insert(0, pg_search.activity_day(moments[guess - 1]))
    found: list[Any] = []
    for first_day in spans:
        shape, values = scope.conditions(node, first_day)
        found = list(
            session.connection().execute(
                _statement("recent", shape, _recent_statement), {**values, **page}
            )
        )
        if found[0].held >= keep:
            break
    return [row.id for row in found if row.id is not None]


def _recent_statement(shape: _Shape) -> Select[Any]:
    """The ``keep`` most recent matches within a span of days (``shape.days``), their number,
    and, when they are ``keep``, the page of them in result order; then the planner restored."""
    searched = CandidateSearch
    keep = bindparam("keep", type_=Integer)
    recent = (
        select(searched.candidate_id.label("id"), searched.last_active_at)
        .where(*_conditions(shape))
        .order_by(searched.last_active_at.desc(), searched.candidate_id.desc())
        .limit(keep)
        .cte("recent")
    )
    held = select(func.count()).select_from(recent).scalar_subquery()
    enough = select(held >= keep).scalar_subquery()
    ordered = _in_result_order(_by_recency(recent), ranked=enough)
    restored = _restored_when(enough)
    head = select(held.label("held"), restored.label("restored")).subquery("head")
    return _with_page(head, ordered, true())


def _restored_when(done: Any) -> Any:
    """``enable_seqscan`` back as it was before the search (``previous_seqscan``) when ``done``,
    else left off for the search statement that follows."""
    return func.set_config(
        "enable_seqscan",
        case((done, bindparam("previous_seqscan", type_=Text)), else_="off"),
        True,
    )


def _postgres_planner(session: Session) -> tuple[str, datetime | None]:
    """Plans for the search's own statements; returns the setting to restore after them, and the
    latest ``last_active_at`` of all profiles (where recency-bucket spans end).

    Exact bitmaps (``work_mem``: a lossy bitmap page makes PostgreSQL test every row on it), and
    no sequential scan: the planner counts ``@@`` as cheap, but outside the GIN index each row it
    tests means fetching ``terms`` from the TOAST table (~15 us), so scanning the table to find
    10,001 matches of a common word costs far more than its estimate. The GIN index is the one
    way to the matches left (``candidate_search`` has no other index to walk). And no JIT
    compilation: the ranking's correlated lookups make a search statement's estimate cross
    ``jit_above_cost``, and compiling it took several times longer than the search itself.
    """
    previous = (
        session.connection()
        .execute(
            select(
                func.current_setting("enable_seqscan", type_=Text),
                func.set_config("work_mem", "64MB", True),
                func.set_config("enable_seqscan", "off", True),
                func.set_config("jit", "off", True),
                select(func.max(Candidate.last_active_at)).scalar_subquery(),
            )
        )
        .one()
    )
    return str(previous[0]), previous[4]


def _sqlite_match(node: Node) -> ColumnElement[bool]:
    expression = sqlite_search.match_expression(node)
    if expression is not None:
        return Candidate.id.in_(
            select(_fts.c.rowid).where(literal_column("candidate_fts").op("MATCH")(expression))
        )
    condition = sqlite_search.condition(node)
    return text(condition.sql).bindparams(**condition.params)  # type: ignore[return-value]


def _sqlite_ranks(session: Session, node: Node, ids: list[int]) -> dict[int, float]:
    """FTS5's bm25 (smaller is better, hence the minus) when one MATCH can say the whole query;
    otherwise every match ranks the same and recency orders them."""
    expression = sqlite_search.match_expression(node)
    if expression is None or not ids:
        return {}
    rows = session.execute(
        select(_fts.c.rowid, -func.bm25(literal_column("candidate_fts"))).where(
            literal_column("candidate_fts").op("MATCH")(expression), _fts.c.rowid.in_(ids)
        )
    )
    return {candidate_id: float(rank) for candidate_id, rank in rows}


def _hit_statements() -> tuple[Select[*tuple[Any, ...]], Select[int, int]]:
    """The statements ``_hits`` runs, built once (every value is a parameter): the page's rows,
    with whether the employer may see each full profile for free (unlocked since
    ``unlocked_after``, applied to one of its jobs, or its own record), and their preferred
    countries."""
    employer_id = bindparam("employer_id", type_=BigInteger)
    ids = bindparam("ids", type_=BigInteger, expanding=True)
    unlocked = exists().where(
        CandidateUnlock.employer_id == employer_id,
        CandidateUnlock.candidate_id == Candidate.id,
        CandidateUnlock.unlocked_at > bindparam("unlocked_after"),
    )
    free = or_(unlocked, applied_to(employer_id), Candidate.owner_employer_id == employer_id)
    rows = select(
        Candidate.id,
        Candidate.full_name,
        Candidate.headline,
        Candidate.skills,
        Candidate.city,
        Candidate.country_id,
        Candidate.last_active_at,
        Candidate.created_at,
        free.label("free"),
    ).where(Candidate.id.in_(ids))
    countries = (
        select(CandidatePreferredCountry.candidate_id, CandidatePreferredCountry.country_id)
        .where(CandidatePreferredCountry.candidate_id.in_(ids))
        .order_by(CandidatePreferredCountry.country_id)
    )
    return rows, countries


_HIT_ROWS, _HIT_COUNTRIES = _hit_statements()


def _hits(session: Session, employer_id: int, ids: list[int]) -> list[SearchHit]:
    if not ids:
        return []
    connection = session.connection()
    values = {"employer_id": employer_id, "ids": ids, "unlocked_after": utcnow() - UNLOCK_PERIOD}
    found = {row.id: row for row in connection.execute(_HIT_ROWS, values)}
    countries: dict[int, list[int]] = {candidate_id: [] for candidate_id in ids}
    for candidate_id, country_id in connection.execute(_HIT_COUNTRIES, values):
        countries[candidate_id].append(country_id)
    return [
        SearchHit(
            candidate=MaskedProfile(
                id=row.id,
                full_name=row.full_name,
                headline=row.headline,
                skills=list(row.skills or []),
                city=row.city,
                country_id=row.country_id,
                preferred_country_ids=countries[row.id],
                last_active_at=row.last_active_at,
                created_at=row.created_at,
            ),
            is_unlocked=bool(row.free),
        )
        # A profile the replica matched may be gone from the primary since.
        for row in (found[candidate_id] for candidate_id in ids if candidate_id in found)
    ]


def applicant_ids(session: Session, employer_id: int, candidate_ids: Iterable[int]) -> set[int]:
    """Which of ``candidate_ids`` applied to one of the employer's jobs."""
    return set(
        session.scalars(
            select(Application.candidate_id).where(
                Application.employer_id == employer_id,
                Application.candidate_id.in_(list(candidate_ids)),
            )
        )
    )


def _applied(session: Session, employer_id: int, candidate_id: int) -> bool:
    return bool(applicant_ids(session, employer_id, [candidate_id]))


def unlocked_ids(session: Session, employer_id: int, candidate_ids: Iterable[int]) -> set[int]:
    """Which of ``candidate_ids`` the employer unlocked within the last 30 days."""
    return set(
        session.scalars(
            select(CandidateUnlock.candidate_id).where(
                CandidateUnlock.employer_id == employer_id,
                CandidateUnlock.candidate_id.in_(list(candidate_ids)),
                CandidateUnlock.unlocked_at > utcnow() - UNLOCK_PERIOD,
            )
        )
    )
