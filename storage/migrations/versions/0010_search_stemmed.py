"""search stemmed

CV search now stems words (English Snowball, in the one tokenizer ``storage.search.tokens``): every
profile's search rows are written again with stems, by this release's tokenizer, in Python (the
databases' own stemmers are not the one searches use, and SQLite has none). Downgrade writes the
unstemmed words back, as revision 0009's code wrote them.

PostgreSQL: ``candidate_search`` loses its GIN index, both search tables are emptied (``TRUNCATE``:
a compact new file each, no dead row versions) and filled again with ``COPY`` from the candidates,
read in id order in batches, and the index is built again; the tables keep their storage settings.
Then ``ANALYZE`` gathers the table's statistics again (the search reads them to choose how to
search a broad query). SQLite: ``candidate_fts`` is emptied and filled again the same way. Both
hold the search tables' locks until the end, so searches wait for the migration: plan it for a
quiet hour, and run ``VACUUM candidate_search`` afterwards on PostgreSQL (the visibility map
starts empty).

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-05
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from alembic import op
from sqlalchemy import literal_column, select, text

from storage.models import Candidate
from storage.search import postgres as pg_search
from storage.search import sqlite as sqlite_search
from storage.search.indexing import searchable_words

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

_BATCH = 5_000


def upgrade() -> None:
    _reindex(stemmed=True)


def downgrade() -> None:
    _reindex(stemmed=False)


def _reindex(*, stemmed: bool) -> None:
    if op.get_bind().dialect.name == "postgresql":
        _reindex_postgres(stemmed=stemmed)
    else:
        _reindex_sqlite(stemmed=stemmed)


def _profiles(countries: bool) -> Iterator[list[Any]]:
    """The candidates' searchable fields, in batches in id order (and, with ``countries``, each
    one's preferred countries: PostgreSQL only)."""
    table = Candidate.__table__.c
    columns = [
        table.id,
        table.owner_employer_id,
        table.in_cv_database,
        table.last_active_at,
        table.headline,
        table.summary,
        table.skills,
        table.city,
        table.cv_text,
    ]
    if countries:
        columns.append(
            literal_column(
                "ARRAY(SELECT country_id FROM candidate_preferred_countries p "
                "WHERE p.candidate_id = candidates.id)"
            ).label("countries")
        )
    after = 0
    while True:
        rows = list(
            op.get_bind().execute(
                select(*columns).where(table.id > after).order_by(table.id).limit(_BATCH)
            )
        )
        if not rows:
            return
        yield rows
        after = rows[-1].id


def _words(row: Any, *, stemmed: bool) -> list[str]:
    shell = Candidate(
        headline=row.headline,
        summary=row.summary,
        skills=row.skills,
        city=row.city,
        cv_text=row.cv_text,
    )
    return searchable_words(shell, stemmed=stemmed)


def _reindex_postgres(*, stemmed: bool) -> None:
    op.execute("DROP INDEX ix_candidate_search_terms")
    op.execute("TRUNCATE candidate_search, candidate_search_words")
    # psycopg's COPY, on the migration's own connection and transaction.
    cursor = op.get_bind().connection.driver_connection.cursor()  # type: ignore[union-attr]
    for rows in _profiles(countries=True):
        search, words = [], []
        for row in rows:
            vectors = pg_search.search_vectors(
                _words(row, stemmed=stemmed), row.last_active_at, row.countries
            )
            fields = [
                row.id,
                row.owner_employer_id,
                "t" if row.in_cv_database else "f",
                row.last_active_at,
                vectors.terms,
            ]
            search.append("\t".join(map(pg_search.copy_field, fields)))
            words.append(f"{row.id}\t{pg_search.copy_field(vectors.words)}\t{vectors.length}")
        with cursor.copy(
            "COPY candidate_search "
            "(candidate_id, owner_employer_id, in_cv_database, last_active_at, terms) FROM STDIN"
        ) as copy:
            copy.write("\n".join(search) + "\n")
        with cursor.copy(
            "COPY candidate_search_words (candidate_id, words, length) FROM STDIN"
        ) as copy:
            copy.write("\n".join(words) + "\n")
    op.execute("CREATE INDEX ix_candidate_search_terms ON candidate_search USING gin (terms)")
    # The search chooses how to search a broad query from these statistics (storage.search.breadth);
    # until ANALYZE they would still describe the words as they were.
    op.execute("ANALYZE candidate_search")


def _reindex_sqlite(*, stemmed: bool) -> None:
    op.execute("DELETE FROM candidate_fts")
    insert = text("INSERT INTO candidate_fts (rowid, body) VALUES (:id, :body)")
    for rows in _profiles(countries=False):
        op.get_bind().execute(
            insert,
            [
                {"id": row.id, "body": sqlite_search.fts_document(_words(row, stemmed=stemmed))}
                for row in rows
            ],
        )
