"""Migrations 0008 and 0009 on PostgreSQL: existing matching vectors gain their country lexemes,
then have their word pairs put behind U+2063 and stop being compressed (and are restored on
downgrade); the table keeps its storage settings and its GIN index. Migration 0010 on PostgreSQL
and SQLite: every profile's search rows are written again with stemmed words (and unstemmed on
downgrade)."""

from __future__ import annotations

import random
import secrets
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psycopg
import pytest
from alembic import command
from sqlalchemy.engine import make_url

from storage import candidates, db, migrate, synthetic
from storage.models import Candidate
from storage.search import indexing
from storage.search import postgres as pg_search
from storage.search.tokens import document_words, words
from tests.support.databases import ADMIN_DATABASE_URL, admin_conninfo

Connection = psycopg.Connection[tuple[Any, ...]]


@pytest.fixture
def database_url() -> Iterator[str]:
    name = f"hirebridge_search_migration_{secrets.token_hex(4)}"
    with psycopg.connect(admin_conninfo(), autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    yield make_url(ADMIN_DATABASE_URL).set(database=name).render_as_string(hide_password=False)
    with psycopg.connect(admin_conninfo(), autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def terms(conn: Connection) -> dict[int, str]:
    rows = conn.execute("SELECT candidate_id, terms::text FROM candidate_search").fetchall()
    return {int(str(candidate_id)): str(vector) for candidate_id, vector in rows}


def profiles_at(database_url: str, revision: str, profiles: list[dict[str, Any]]) -> list[int]:
    """The database at ``revision``, with ``profiles`` written by today's code; their ids.

    Today's code writes ``candidate_search``'s signatures (migrations 0019 and 0020): at an
    earlier revision the columns it lacks are lent for the writes, then dropped."""
    migrate.upgrade(database_url, revision)
    lent: list[str] = []
    if database_url.startswith("postgresql"):
        with connect(database_url) as conn:
            present = columns_of_search_rows(conn)
            lent = [column for column in SIGNATURES if column not in present]
            for column in lent:
                conn.execute(f"ALTER TABLE candidate_search ADD COLUMN {column} bigint")
    database = db.Database(database_url, pool_size=1)
    try:
        with database.unit_of_work() as session:
            return [
                candidates.create_platform_candidate(
                    session,
                    {
                        "full_name": "A B",
                        "email": f"{number}@example.com",
                        "last_active_at": datetime(2026, 11, 1, tzinfo=UTC),
                        **profile,
                    },
                ).id
                for number, profile in enumerate(profiles)
            ]
    finally:
        database.dispose()
        if lent:
            with connect(database_url) as conn:
                for column in lent:
                    conn.execute(f"ALTER TABLE candidate_search DROP COLUMN {column}")


# The signatures of ambiguous triples, by the migration that added each.
SIGNATURES = {"ambiguous_triples": "0019", "ambiguous_triples_2": "0020"}


def columns_of_search_rows(conn: Connection) -> set[str]:
    return {
        str(row[0])
        for row in conn.execute(
            "SELECT attname FROM pg_attribute WHERE attrelid = 'candidate_search'::regclass "
            "AND NOT attisdropped"
        ).fetchall()
    }


def connect(database_url: str) -> Connection:
    url = make_url(database_url).set(drivername="postgresql")
    return psycopg.connect(url.render_as_string(hide_password=False), autocommit=True)


def found(conn: Connection, query: str) -> list[int]:
    """The profiles whose matching vector matches the tsquery ``query``."""
    rows = conn.execute(
        "SELECT candidate_id FROM candidate_search WHERE terms @@ CAST(%s AS tsquery)", [query]
    ).fetchall()
    return sorted(int(str(row[0])) for row in rows)


def assert_table_kept(conn: Connection, query: str) -> None:
    """The table keeps its storage settings, and its GIN index answers ``query``."""
    options = conn.execute(
        "SELECT reloptions FROM pg_class WHERE relname = 'candidate_search'"
    ).fetchone()
    assert options is not None and "toast_tuple_target=128" in list(options[0])
    conn.execute("SET enable_seqscan = off")
    plan = conn.execute(
        "EXPLAIN SELECT candidate_id FROM candidate_search WHERE terms @@ CAST(%s AS tsquery)",
        [query],
    ).fetchall()
    conn.execute("RESET enable_seqscan")
    assert "ix_candidate_search_terms" in " ".join(str(row[0]) for row in plan)


def remove_runs(conn: Connection, size: int) -> None:
    """The search rows without their runs of ``size`` adjacent words or more (behind ``size - 1``
    U+2063): 3, as revisions before 0016 wrote them; 4, before 0018."""
    conn.execute(
        "UPDATE candidate_search SET terms = ts_delete(terms, ARRAY(SELECT lexeme FROM "
        "unnest(terms) WHERE starts_with(lexeme, repeat(chr(8291), %s))))",
        [size - 1],
    )


def test_0008_adds_the_country_lexemes_and_downgrade_removes_them(database_url: str) -> None:
    made = profiles_at(
        database_url,
        "0007",
        [
            {"cv_text": "process engineer", "preferred_country_ids": countries}
            for countries in ([44, 971], [], [7])
        ],
    )
    with connect(database_url) as conn:
        written = terms(conn)  # by today's code: with the country lexemes
        # As revision 0007 wrote them: without.
        conn.execute(
            "UPDATE candidate_search SET terms = ts_delete(terms, ARRAY("
            "SELECT lexeme FROM unnest(terms) WHERE starts_with(lexeme, chr(8291) || 'c.')))"
        )
        before = terms(conn)
        assert before != written and before[made[1]] == written[made[1]]

        migrate.upgrade(database_url, "0008")
        assert terms(conn) == written
        # (Today's code writes the pair as migration 0009 does.)
        pair = f"'{chr(8291)}process engin'"  # (and stems, as migration 0010 writes them)
        assert_table_kept(conn, f"{pair} & '{chr(8291)}c.971'")
        countries = f"('{chr(8291)}c.971' | '{chr(8291)}c.7')"
        assert found(conn, f"{pair} & {countries}") == [made[0], made[2]]

        migrate.upgrade(database_url, "0008")  # already there: nothing to do
        command.downgrade(migrate.alembic_config(database_url), "0007")
        assert terms(conn) == before


def test_0009_puts_the_pairs_apart_and_downgrade_restores_them(database_url: str) -> None:
    texts = [
        "senior process engineer",
        "engineering lead",
        "engine",
        # A vector of a few KB that pglz compresses: out of line either way.
        " ".join(f"competencyskillnumber{index:03}" for index in range(40)),
    ]
    made = profiles_at(
        database_url, "0008", [{"cv_text": text, "preferred_country_ids": [44]} for text in texts]
    )
    with connect(database_url) as conn:
        remove_runs(conn, 3)  # (as revisions before 0016 wrote them)
        written = terms(conn)  # by today's code: pairs behind U+2063
        # As revision 0008 wrote them: pairs as they are.
        conn.execute(
            "UPDATE candidate_search SET terms = ts_delete(terms, pairs) "
            "|| array_to_tsvector(ARRAY(SELECT substr(p, 2) FROM unnest(pairs) p)) "
            "FROM (SELECT candidate_id AS id, ARRAY(SELECT lexeme FROM unnest(terms) "
            "WHERE strpos(lexeme, ' ') > 0) AS pairs FROM candidate_search) s "
            "WHERE candidate_id = s.id"
        )
        before = terms(conn)
        assert "'process engin'" in before[made[0]] and before != written

        def storage() -> tuple[str, bool]:
            """The column's storage, and whether the long vector is stored compressed."""
            row = conn.execute(
                "SELECT (SELECT attstorage FROM pg_attribute WHERE attname = 'terms' "
                "AND attrelid = 'candidate_search'::regclass), "
                "pg_column_compression(terms) IS NOT NULL "
                "FROM candidate_search WHERE candidate_id = %s",
                [made[3]],
            ).fetchone()
            assert row is not None
            return str(row[0]), bool(row[1])

        migrate.upgrade(database_url, "0009")
        assert terms(conn) == written
        assert storage() == ("e", False)  # EXTERNAL: a phrase check never decompresses
        assert f"'{chr(8291)}process engin'" in written[made[0]]
        assert found(conn, "'engin':*") == sorted(made[:3])
        assert found(conn, f"'{chr(8291)}process engin':*") == [made[0]]
        assert found(conn, f"'{chr(8291)}c.44' & '{chr(8291)}senior process'") == [made[0]]
        assert_table_kept(conn, "'engin':*")

        migrate.upgrade(database_url, "0009")  # already there: nothing to do
        assert terms(conn) == written
        command.downgrade(migrate.alembic_config(database_url), "0008")
        assert terms(conn) == before
        assert storage() == ("x", True)  # EXTENDED again


STEMMED_PROFILES = [
    {"headline": "Senior Process Engineers", "cv_text": "Managed HVAC installations"},
    {"headline": "Nursing manager", "skills": ["ICU"], "preferred_country_ids": [971]},
    {"headline": "Engineering lead", "city": "Dubai", "preferred_country_ids": [44, 971]},
]


def search_rows(conn: Connection) -> dict[int, tuple[str, str, int, str, bool]]:
    """Each profile's PostgreSQL search rows, as text."""
    rows = conn.execute(
        "SELECT s.candidate_id, s.terms::text, w.words::text, w.length, "
        "s.last_active_at::text, s.in_cv_database FROM candidate_search s "
        "JOIN candidate_search_words w USING (candidate_id)"
    ).fetchall()
    return {
        int(str(row[0])): (str(row[1]), str(row[2]), int(row[3]), str(row[4]), bool(row[5]))
        for row in rows
    }


def test_0010_writes_stemmed_words_and_downgrade_unstemmed_ones(database_url: str) -> None:
    made = profiles_at(database_url, "head", STEMMED_PROFILES)
    with connect(database_url) as conn:
        written = search_rows(conn)  # by today's code, in the service's transaction
        assert "'engin':3" in written[made[0]][0] and "'engineers'" not in written[made[0]][0]

        command.downgrade(migrate.alembic_config(database_url), "0009")
        unstemmed = search_rows(conn)
        assert "'engineers':3" in unstemmed[made[0]][0] and "'engin'" not in unstemmed[made[0]][0]
        # As revision 0009's code wrote them: the same vectors from the words unstemmed.
        for candidate_id, profile in zip(made, STEMMED_PROFILES, strict=True):
            fields = {"skills": [], **profile}
            fields.pop("preferred_country_ids", None)
            shell = Candidate(**fields)
            expected = pg_search.search_vectors(
                indexing.searchable_words(shell, stemmed=False),
                datetime(2026, 11, 1, tzinfo=UTC),
                profile.get("preferred_country_ids", []),
            )
            stored = conn.execute(
                "SELECT terms = CAST(%s AS tsvector), words = CAST(%s AS tsvector) "
                "FROM candidate_search JOIN candidate_search_words USING (candidate_id) "
                "WHERE candidate_id = %s",
                [expected.terms, expected.words, candidate_id],
            ).fetchone()
            assert stored == (True, True) and unstemmed[candidate_id][2] == expected.length

        migrate.upgrade(database_url, "0010")
        assert search_rows(conn) == written
        assert_table_kept(conn, "'engin' & 'manag'")
        assert found(conn, f"'engin' & '{chr(8291)}c.971'") == [made[2]]
        assert found(conn, f"'{chr(8291)}nurs manag'") == [made[1]]


def test_0010_on_sqlite(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'search.db'}"
    made = profiles_at(url, "head", STEMMED_PROFILES)

    def bodies() -> dict[int, str]:
        with sqlite3.connect(tmp_path / "search.db") as conn:
            rows = conn.execute("SELECT rowid, body FROM candidate_fts").fetchall()
        return {int(row[0]): str(row[1]) for row in rows}

    written = bodies()
    assert written[made[1]] == "nurs manag icu"
    command.downgrade(migrate.alembic_config(url), "0009")
    assert bodies()[made[1]] == "nursing manager icu"
    migrate.upgrade(url, "0010")
    assert bodies() == written


def physical_order(conn: Connection) -> list[int]:
    """The search rows' candidates in the order of the table's pages."""
    rows = conn.execute("SELECT candidate_id FROM candidate_search ORDER BY ctid").fetchall()
    return [int(str(row[0])) for row in rows]


def test_0015_puts_the_search_rows_in_order_of_recency(database_url: str) -> None:
    # Written in id order, each one more recently active than the one before.
    made = profiles_at(
        database_url,
        "0014",
        [
            {"cv_text": "process engineer", "last_active_at": datetime(2026, 11, day, tzinfo=UTC)}
            for day in (3, 1, 4, 2)
        ],
    )
    with connect(database_url) as conn:
        written = search_rows(conn)
        assert physical_order(conn) == made

        migrate.upgrade(database_url, "0015")
        # The most recently active first; the rows themselves unchanged.
        assert physical_order(conn) == [made[2], made[0], made[3], made[1]]
        assert search_rows(conn) == written
        assert_table_kept(conn, f"'{chr(8291)}process engin'")
        clustered = conn.execute(
            "SELECT i.relname FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid "
            "WHERE x.indrelid = 'candidate_search'::regclass AND x.indisclustered"
        ).fetchall()
        assert clustered == [("ix_candidate_search_recency",)]

        command.downgrade(migrate.alembic_config(database_url), "0014")
        assert search_rows(conn) == written
        dropped = conn.execute(
            "SELECT count(*) FROM pg_class WHERE relname = 'ix_candidate_search_recency'"
        ).fetchone()
        assert dropped == (0,)


def storage_of_terms(conn: Connection) -> str:
    row = conn.execute(
        "SELECT attstorage FROM pg_attribute WHERE attname = 'terms' "
        "AND attrelid = 'candidate_search'::regclass"
    ).fetchone()
    assert row is not None
    return str(row[0])


def assert_rewritten_in_order(
    conn: Connection, written: dict[int, Any], order: list[int], key: str
) -> None:
    """After a migration rewrote ``terms``: the rows are ``written`` (as today's code writes
    them), the column stays ``EXTERNAL``, the table keeps the recency order of 0015 (``order``),
    and its GIN index answers ``key``."""
    assert search_rows(conn) == written
    assert storage_of_terms(conn) == "e"
    assert physical_order(conn) == order
    assert_table_kept(conn, key)


def test_0016_adds_the_word_triples_and_downgrade_removes_them(database_url: str) -> None:
    made = profiles_at(
        database_url,
        "head",
        [
            {
                "headline": "Site Reliability Engineer",
                "cv_text": "site reliability engineering team",
                "last_active_at": datetime(2026, 11, 2, tzinfo=UTC),
            },
            # Not adjacent: a pair of the words, never the triple.
            {"cv_text": "site reliability, and engineer", "preferred_country_ids": [44]},
            # Past PostgreSQL's 256 positions a word is a gap, which breaks a triple.
            {"cv_text": "java " * 257 + "python rust"},
            {"cv_text": "", "city": "Dubai"},
        ],
    )
    triple = f"'{chr(8291) * 2}site reliabl engin'"
    with connect(database_url) as conn:
        command.downgrade(migrate.alembic_config(database_url), "0017")  # (no quadruples: 0018)
        migrate.upgrade(database_url, "0016")  # already there: nothing to do
        written = search_rows(conn)  # by today's code, less 0018's quadruples: with the triples
        assert triple in written[made[0]][0] and triple not in written[made[1]][0]
        gapped = written[made[2]][0]
        assert gapped.count(f"'{chr(8291) * 2}") == 1
        assert f"'{chr(8291) * 2}java java java'" in gapped
        assert f"'{chr(8291)}python rust'" in gapped  # after the gap: a pair, no triple
        command.downgrade(migrate.alembic_config(database_url), "0015")
        # As revision 0015's code wrote them: pairs, no triples.
        before = search_rows(conn)
        assert all(chr(8291) * 2 not in row[0] for row in before.values())
        assert before != written and before[made[3]] == written[made[3]]
        assert storage_of_terms(conn) == "e"
        order = physical_order(conn)

        migrate.upgrade(database_url, "0016")
        assert_rewritten_in_order(conn, written, order, triple)
        assert found(conn, triple) == [made[0]]
        assert found(conn, "'site' <-> 'reliabl' <-> 'engin'") == [made[0]]


def vocabulary(conn: Connection) -> list[str]:
    rows = conn.execute("SELECT word FROM search_words ORDER BY word").fetchall()
    return [str(row[0]) for row in rows]


def test_0017_files_every_word_in_the_vocabulary(database_url: str) -> None:
    made = profiles_at(
        database_url,
        "0016",
        [{"cv_text": "Nursing nurses"}, {"headline": "Nursery teacher", "city": "Dubai"}],
    )
    with connect(database_url) as conn:
        migrate.upgrade(database_url, "0017")
        # From the profiles there: their stems, no pairs, triples, recency or country lexemes.
        assert vocabulary(conn) == ["dubai", "nurs", "nurseri", "teacher"]

        # Then from every write of the ranking words: the service's upsert (insert and update),
        # plain updates, and COPY.
        profiles_at(database_url, "0017", [{"cv_text": "nursemaid", "email": "n@example.com"}])
        conn.execute(
            "UPDATE candidate_search_words SET words = words || 'nurture'::tsvector "
            "WHERE candidate_id = %s",
            [made[0]],
        )
        conn.execute("DELETE FROM candidate_search_words WHERE candidate_id = %s", [made[1]])
        with conn.cursor().copy(
            "COPY candidate_search_words (candidate_id, words, length) FROM STDIN"
        ) as copy:
            copy.write_row([made[1], "'nursling':1", 1])
        assert vocabulary(conn) == sorted(
            ["dubai", "nurs", "nurseri", "nursemaid", "nursling", "nurture", "teacher"]
        )

        command.downgrade(migrate.alembic_config(database_url), "0016")
        gone = conn.execute("SELECT to_regclass('search_words') IS NULL").fetchone()
        assert gone == (True,)
        conn.execute("UPDATE candidate_search_words SET length = length")  # no trigger left


def uncut_rows(conn: Connection, candidate_id: int, text: str) -> None:
    """The profile's search rows as the code before 0018 wrote them for a ``cv_text`` of ``text``
    (and no other field): every word, no cut; no quadruples."""
    vectors = pg_search.search_vectors(words(text), datetime(2026, 11, 1, tzinfo=UTC))
    conn.execute(
        "UPDATE candidate_search SET terms = CAST(%s AS tsvector) WHERE candidate_id = %s",
        [vectors.terms, candidate_id],
    )
    conn.execute(
        "UPDATE candidate_search_words SET words = CAST(%s AS tsvector), length = %s "
        "WHERE candidate_id = %s",
        [vectors.words, vectors.length, candidate_id],
    )
    remove_runs(conn, 4)


# Distinct words of eleven letters, 6,000 of them (72,000 characters): past the cut of
# storage.search.tokens.MAX_DOCUMENT_COST, which keeps the first 5,625.
LONG_CV = " ".join(
    "".join(random.Random(index).choices("bcdfghjklmnpqrstvwxz", k=11)) for index in range(6_000)
)


def test_0018_adds_the_word_quadruples_and_cuts_long_profiles(database_url: str) -> None:
    made = profiles_at(
        database_url,
        "head",
        [
            {"cv_text": "lead site reliability engineering team"},
            # Not adjacent: triples of the words, never their quadruple.
            {"cv_text": "lead site reliability and engineering team"},
            # Past PostgreSQL's 256 positions a word is a gap, which breaks a quadruple.
            {"cv_text": "java " * 257 + "python rust go"},
            {"cv_text": LONG_CV},
        ],
    )
    quad = f"'{chr(8291) * 3}site reliabl engin team'"
    long_words = words(LONG_CV)
    kept = document_words([LONG_CV])
    assert 0 < len(kept) < len(long_words)
    with connect(database_url) as conn:
        command.downgrade(migrate.alembic_config(database_url), "0020")  # (no contexts: 0021)
        written = search_rows(conn)  # by today's code, less 0021's contexts: quadruples, the cut
        assert quad in written[made[0]][0] and quad not in written[made[1]][0]
        gapped = written[made[2]][0]
        assert gapped.count(f"'{chr(8291) * 3}") == 1
        assert f"'{chr(8291) * 3}java java java java'" in gapped
        assert f"'{chr(8291) * 2}python rust go'" in gapped  # after the gap: no quadruple
        command.downgrade(migrate.alembic_config(database_url), "0017")
        before = search_rows(conn)
        assert all(chr(8291) * 3 not in row[0] for row in before.values())
        # As revision 0017's code wrote the long profile: every word.
        uncut_rows(conn, made[3], LONG_CV)
        assert found(conn, f"'{long_words[-1]}'") == [made[3]]
        order = physical_order(conn)

        migrate.upgrade(database_url, "0018")
        assert_rewritten_in_order(conn, written, order, quad)
        assert found(conn, quad) == [made[0]]
        assert found(conn, f"'{long_words[-1]}'") == []
        assert found(conn, f"'{kept[-1]}'") == [made[3]]

        command.downgrade(migrate.alembic_config(database_url), "0017")
        assert search_rows(conn) == before


def test_0018_on_sqlite_cuts_long_profiles(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'search.db'}"
    made = profiles_at(url, "head", [{"cv_text": LONG_CV}, {"cv_text": "lead site engineer"}])
    with sqlite3.connect(tmp_path / "search.db") as conn:
        written = conn.execute("SELECT rowid, body FROM candidate_fts ORDER BY rowid").fetchall()
        assert written[0] == (made[0], " ".join(document_words([LONG_CV])))
    command.downgrade(migrate.alembic_config(url), "0017")
    with sqlite3.connect(tmp_path / "search.db") as conn:
        # As revision 0017's code wrote it: every word.
        conn.execute("UPDATE candidate_fts SET body = ? WHERE rowid = ?", [LONG_CV, made[0]])
    migrate.upgrade(url, "0018")
    with sqlite3.connect(tmp_path / "search.db") as conn:
        assert conn.execute("SELECT rowid, body FROM candidate_fts ORDER BY rowid").fetchall() == (
            written
        )


def signatures(conn: Connection, column: str) -> dict[int, int]:
    rows = conn.execute(f"SELECT candidate_id, {column} FROM candidate_search").fetchall()
    return {int(str(candidate_id)): int(str(value)) for candidate_id, value in rows}


@pytest.mark.parametrize(("column", "half"), [("ambiguous_triples", 0), ("ambiguous_triples_2", 1)])
def test_a_signature_s_migration_signs_the_ambiguous_triples_as_today_s_code_does(
    database_url: str, column: str, half: int
) -> None:
    """Migrations 0019 and 0020 each compute one of the two signatures in SQL (their triples'
    first and second byte of MD5): on existing rows, the same as today's code writes."""
    revision = SIGNATURES[column]
    earlier = f"{int(revision) - 1:04d}"
    generated = [
        {name: profile.fields[name] for name in ("headline", "summary", "skills", "cv_text")}
        for profile in synthetic.profiles(12, seed=19, now=datetime(2026, 11, 1, tzinfo=UTC))
    ]
    made = profiles_at(
        database_url,
        "head",
        [
            # "senior site reliability" between "lead" and "team", then "team" and "engineer".
            {"cv_text": "lead senior site reliability team; senior site reliability engineer"},
            {"cv_text": "senior site reliability engineer"},  # nothing twice
            # Past PostgreSQL's 256 positions a word is a gap: no word after the last triple.
            {"cv_text": "java " * 257 + "python rust go"},
            {"cv_text": "", "city": "Dubai"},
            *generated,
        ],
    )
    with connect(database_url) as conn:
        written = signatures(conn, column)  # by today's code
        apart, alone, gapped, empty = (written[candidate_id] for candidate_id in made[:4])
        assert apart == pg_search.signatures([["senior", "site", "reliabl"]])[half]
        assert alone == 0 and empty == 0
        assert gapped == pg_search.signatures([["java"] * 3])[half]
        assert all(written[candidate_id] != 0 for candidate_id in made[4:])
        command.downgrade(migrate.alembic_config(database_url), earlier)
        order = physical_order(conn)
        before = search_rows(conn)

        migrate.upgrade(database_url, revision)
        assert signatures(conn, column) == written
        assert search_rows(conn) == before
        assert storage_of_terms(conn) == "e"
        assert physical_order(conn) == order
        assert_table_kept(conn, f"'{chr(8291) * 3}senior site reliabl engin'")
        # A row written without a signature has every bit: its long phrases are checked.
        conn.execute("DELETE FROM candidate_search WHERE candidate_id = %s", [made[1]])
        conn.execute(
            "INSERT INTO candidate_search (candidate_id, in_cv_database, last_active_at, terms) "
            "VALUES (%s, true, now(), 'senior')",
            [made[1]],
        )
        assert signatures(conn, column)[made[1]] == pg_search.ALL_AMBIGUOUS

        command.downgrade(migrate.alembic_config(database_url), earlier)
        assert column not in columns_of_search_rows(conn)


def test_0021_adds_the_overlap_contexts_and_downgrade_removes_them(database_url: str) -> None:
    """Migration 0021 lists each ambiguous triple's mark and five-word contexts in the matching
    vectors, in SQL, as today's code writes them, keeping the table's order and storage; a
    five-word phrase whose quadruples stand apart then matches nothing."""
    generated = [
        {name: profile.fields[name] for name in ("headline", "summary", "skills", "cv_text")}
        for profile in synthetic.profiles(12, seed=21, now=datetime(2026, 11, 1, tzinfo=UTC))
    ]
    made = profiles_at(
        database_url,
        "head",
        [
            # "senior site reliability" between "lead" and "team", then "team" and "engineer".
            {"cv_text": "lead senior site reliability team; senior site reliability engineer"},
            {"cv_text": "lead senior site reliability engineer"},  # nothing twice
            # Past PostgreSQL's 256 positions a word is a gap: "java java java" stands between
            # "java" and no word, and between "java" and "java".
            {"cv_text": "java " * 257 + "python rust go"},
            {"cv_text": "", "city": "Dubai"},
            *generated,
        ],
    )
    mark = f"'{chr(8291) * 4}senior site reliabl'"
    phrase = (
        f"'{chr(8291) * 3}lead senior site reliabl' & '{chr(8291) * 3}senior site reliabl engin'"
    )
    context = f"'{chr(8291) * 5}lead senior site reliabl engin'"
    with connect(database_url) as conn:
        written = search_rows(conn)  # by today's code
        apart, alone, gapped, _ = (written[candidate_id][0] for candidate_id in made[:4])
        assert mark in apart and chr(8291) * 5 + "team senior site reliabl engin" in apart
        assert chr(8291) * 4 not in alone
        assert f"'{chr(8291) * 5}java java java java java'" in gapped
        assert sum(chr(8291) * 4 in written[candidate_id][0] for candidate_id in made[4:]) > 6
        command.downgrade(migrate.alembic_config(database_url), "0020")
        before = search_rows(conn)
        assert all(chr(8291) * 4 not in row[0] for row in before.values())
        assert before[made[1]] == written[made[1]]
        order = physical_order(conn)
        assert found(conn, phrase) == [made[0], made[1]]

        migrate.upgrade(database_url, "0021")
        assert_rewritten_in_order(conn, written, order, mark)
        assert found(conn, f"{phrase} & (!{mark} | {context})") == [made[1]]
        command.downgrade(migrate.alembic_config(database_url), "0020")
        assert search_rows(conn) == before
