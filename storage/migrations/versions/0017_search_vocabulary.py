"""search vocabulary

PostgreSQL keeps every word (stem) filed in a profile's search rows once, in ``search_words``, so
that a wildcard term (``nurs*``) can be searched as the words it stands for
(``'nurs' | 'nurseri'``): the GIN index answers a prefix (``'nurs':*``) by first reading the whole
posting list of every word it reaches into a bitmap, even when the search asks only for the
matches of a few recent days (``storage.search.postgres_search``), while named words are walked
alongside the other keys of the search and skipped where those have no match. Matches are the
same either way, as long as the vocabulary holds every word of every profile: triggers on
``candidate_search_words`` (statement-level, so ``COPY`` and the service's upserts alike) add the
words of the rows written, and upgrade fills it from the profiles there (``ts_stat``). A word no
profile holds any more stays, and matches nothing. SQLite is unchanged (FTS5 answers prefixes
from its own index).

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-06
"""

from __future__ import annotations

from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    # Collation "C": a prefix's words are one range of the primary key in code point order.
    op.execute(
        'CREATE TABLE search_words (word text COLLATE "C" NOT NULL, '
        "CONSTRAINT pk_search_words PRIMARY KEY (word))"
    )
    # In order, so that two transactions adding the same new words wait for each other in the
    # same order rather than deadlock.
    op.execute(
        """
        CREATE FUNCTION search_words_filed() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            INSERT INTO search_words (word)
            SELECT DISTINCT word FROM filed, unnest(tsvector_to_array(filed.words)) AS word
            ORDER BY word
            ON CONFLICT DO NOTHING;
            RETURN NULL;
        END
        $$
        """
    )
    for event in ("INSERT", "UPDATE"):
        op.execute(
            f"CREATE TRIGGER search_words_on_{event.lower()} AFTER {event} "
            "ON candidate_search_words REFERENCING NEW TABLE AS filed "
            "FOR EACH STATEMENT EXECUTE FUNCTION search_words_filed()"
        )
    op.execute(
        "INSERT INTO search_words (word) "
        "SELECT word FROM ts_stat('SELECT words FROM candidate_search_words') "
        'ORDER BY word COLLATE "C"'
    )
    op.execute("ANALYZE search_words")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for event in ("insert", "update"):
        op.execute(f"DROP TRIGGER search_words_on_{event} ON candidate_search_words")
    op.execute("DROP FUNCTION search_words_filed()")
    op.execute("DROP TABLE search_words")
